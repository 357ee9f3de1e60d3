from __future__ import annotations

from collections.abc import Callable

from django.http import HttpRequest, HttpResponse

from oncobridge.core.problems import problem_response


class ApiMethodNotAllowedMiddleware:
    """django-ninja answers an unsupported method with a plain 405; the API promises problem details."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        match = getattr(request, "resolver_match", None)
        if response.status_code != 405 or match is None or match.namespace != "api":
            return response
        problem = problem_response(
            request,
            status=405,
            title="Method not allowed",
            detail=f"{request.method} is not allowed here; allowed: {response.get('Allow', 'none')}.",
        )
        problem["Allow"] = response.get("Allow", "")
        return problem
