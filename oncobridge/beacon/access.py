"""Who gets which Beacon granularity for which dataset; the rules themselves are the cohorts app's.

- The caller is the browser session's user, or the user behind `Authorization: Bearer <token>` (a token
  that is not valid is refused with 401, never treated as anonymous).
- A dataset is queried only if the caller may query it (cohorts.access.queryable_datasets: visible to
  them and holding data). Anonymous callers and outsiders query nothing.
- On a queried dataset, stewards and holders of an active grant get record level; everyone else gets
  boolean and count, and a count below the small-cell threshold is not reported (boolean only).
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from django.http import HttpRequest
from ninja.utils import check_csrf

from oncobridge.accounts.services import token_authenticate
from oncobridge.beacon.framework import Granularity
from oncobridge.cohorts import access as cohorts_access
from oncobridge.core.errors import NotFound
from oncobridge.core.visibility import Viewer
from oncobridge.datasharing.models import Dataset


class BeaconAuthenticationError(Exception):
    def __init__(self, message: str, status: int = 401) -> None:
        super().__init__(message)
        self.message = message
        self.status = status


def beacon_caller(request: HttpRequest) -> Any | None:
    """The authenticated user of a Beacon request, or None for an anonymous one."""
    header = request.headers.get("Authorization", "")
    if header:
        scheme, _, secret = header.partition(" ")
        if scheme.lower() != "bearer" or not secret.strip():
            raise BeaconAuthenticationError("Send 'Authorization: Bearer <personal access token>'.")
        user = token_authenticate(secret=secret.strip())
        if user is None:
            raise BeaconAuthenticationError("The bearer token is not valid, has expired or was revoked.")
        return user
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated or not user.is_active:
        return None
    # A browser session's POST must carry its CSRF token, as the rest of the site's do.
    if request.method == "POST" and check_csrf(request) is not None:
        raise BeaconAuthenticationError(
            "CSRF verification failed; send the CSRF token or a bearer token.", 403
        )
    return user


def datasets_to_query(viewer: Viewer, slugs: Sequence[str]) -> list[Dataset]:
    """The datasets a query runs on: those named (each must be queryable, else NotFound) or all queryable."""
    if not slugs:
        return list(cohorts_access.queryable_datasets(viewer))
    return cohorts_access.datasets_for_query(viewer, slugs)


def dataset_granularities(viewer: Viewer, datasets: Sequence[Dataset]) -> dict[str, Granularity]:
    """The finest granularity the viewer may receive for each queryable dataset, by slug."""
    return {
        slug: "record" if readable else "count"
        for slug, readable in cohorts_access.row_access_by_slug(viewer, datasets).items()
    }


def reportable_count(count: int, granularity: Granularity, threshold: int) -> bool:
    """Whether a dataset's count may be shown: always at record level, else unless it is a small cell."""
    return (
        granularity == "record"
        or count == 0
        or not cohorts_access.is_suppressed(cohorts_access.suppress(count, threshold))
    )


def dataset_for_beacon(viewer: Viewer, slug: str) -> Dataset:
    found = cohorts_access.queryable_datasets(viewer).filter(slug=slug).first()
    if found is None:
        raise NotFound(f"No dataset '{slug}', or it is not visible to you.")
    return found
