"""The JSON API under /api/v1/: one NinjaAPI, routers from each app, problem details for every error."""

from __future__ import annotations

import logging
from typing import Any

from django.http import Http404, HttpRequest, HttpResponse
from ninja import NinjaAPI
from ninja.errors import AuthenticationError, AuthorizationError, HttpError, ValidationError
from ninja.security import HttpBearer, SessionAuth

from oncobridge.accounts.services import token_authenticate
from oncobridge.core.errors import ServiceError
from oncobridge.core.problems import problem_response

logger = logging.getLogger(__name__)


class PersonalAccessTokenAuth(HttpBearer):
    openapi_scheme = "bearer"

    def authenticate(self, request: HttpRequest, token: str) -> Any:
        user = token_authenticate(secret=token)
        if user is not None:
            request.user = user
        return user


class ActiveSessionAuth(SessionAuth):
    """Browser session (with CSRF on unsafe methods, as ninja's SessionAuth does)."""

    def authenticate(self, request: HttpRequest, key: str | None) -> Any:
        user = super().authenticate(request, key)
        return user if user is not None and user.is_active else None


api = NinjaAPI(
    title="OncoBridge API",
    version="1.0.0",
    description=(
        "The research portfolio, matchmaking and data sharing of an oncology research alliance. "
        "Authenticate with `Authorization: Bearer <personal access token>` or a browser session. "
        "Errors are RFC 9457 problem details; lists are paginated with `limit` and `offset`."
    ),
    urls_namespace="api",
    auth=[PersonalAccessTokenAuth(), ActiveSessionAuth()],
)


@api.exception_handler(ServiceError)
def _service_error(request: HttpRequest, exc: ServiceError) -> HttpResponse:
    return problem_response(request, status=exc.status, title=exc.title, detail=exc.message, field=exc.field)


@api.exception_handler(ValidationError)
def _validation_error(request: HttpRequest, exc: ValidationError) -> HttpResponse:
    errors = [
        {
            # A body sent without fields, or not at all, has no field of its own: call it the body.
            "field": ".".join(str(part) for part in error.get("loc", ()) if part not in ("body", "payload"))
            or "body",
            "message": error.get("msg", "invalid"),
        }
        for error in exc.errors
    ]
    detail = "; ".join(f"{e['field']}: {e['message']}" for e in errors) or "The request is not valid."
    return problem_response(request, status=422, title="Validation failed", detail=detail, errors=errors)


@api.exception_handler(AuthenticationError)
def _unauthenticated(request: HttpRequest, exc: AuthenticationError) -> HttpResponse:
    response = problem_response(
        request,
        status=401,
        title="Authentication required",
        detail="Send `Authorization: Bearer <token>` or log in.",
    )
    response["WWW-Authenticate"] = 'Bearer realm="oncobridge"'
    return response


@api.exception_handler(AuthorizationError)
def _forbidden(request: HttpRequest, exc: AuthorizationError) -> HttpResponse:
    return problem_response(request, status=403, title="Forbidden", detail=str(exc) or "Not allowed.")


@api.exception_handler(Http404)
def _not_found(request: HttpRequest, exc: Http404) -> HttpResponse:
    return problem_response(request, status=404, title="Not found", detail=str(exc) or "Not found.")


@api.exception_handler(HttpError)
def _http_error(request: HttpRequest, exc: HttpError) -> HttpResponse:
    return problem_response(request, status=exc.status_code, title=str(exc.message), detail=str(exc.message))


@api.exception_handler(Exception)
def _unexpected(request: HttpRequest, exc: Exception) -> HttpResponse:
    logger.exception("Unhandled API error on %s", request.path)
    return problem_response(
        request,
        status=500,
        title="Internal error",
        detail="Something went wrong on our side; it has been logged.",
    )


def _register_routers() -> None:
    from oncobridge.accounts.api import router as accounts_router
    from oncobridge.cohorts.api import router as cohorts_router
    from oncobridge.collaborations.api import router as collaborations_router
    from oncobridge.datasharing.api import router as datasharing_router
    from oncobridge.matching.api import router as matching_router
    from oncobridge.portfolio.api import router as portfolio_router

    api.add_router("", accounts_router)
    api.add_router("", portfolio_router)
    api.add_router("", matching_router)
    api.add_router("", collaborations_router)
    api.add_router("", datasharing_router)
    api.add_router("", cohorts_router)


_register_routers()
