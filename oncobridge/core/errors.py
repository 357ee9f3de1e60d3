"""Errors that services raise; adapters turn them into problem details (API) or form errors (HTML)."""

from __future__ import annotations


class ServiceError(Exception):
    """A request the domain refuses; the message is safe to show to the user."""

    status = 400
    title = "Invalid request"

    def __init__(self, message: str, *, field: str | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.field = field


class NotFound(ServiceError):
    status = 404
    title = "Not found"


class PermissionDenied(ServiceError):
    status = 403
    title = "Forbidden"


class Conflict(ServiceError):
    status = 409
    title = "Conflict"
