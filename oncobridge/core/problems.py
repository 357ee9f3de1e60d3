"""RFC 9457 problem details: the one shape every API error takes."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest, HttpResponse, JsonResponse

PROBLEM_CONTENT_TYPE = "application/problem+json"


def problem_response(
    request: HttpRequest, *, status: int, title: str, detail: str = "", **extensions: Any
) -> HttpResponse:
    body: dict[str, Any] = {
        "type": "about:blank",
        "title": title,
        "status": status,
        "detail": detail or title,
        "instance": request.path,
    }
    body.update({key: value for key, value in extensions.items() if value is not None})
    return JsonResponse(body, status=status, content_type=PROBLEM_CONTENT_TYPE)
