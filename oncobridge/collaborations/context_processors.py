"""Whether the signed-in person works in the alliance office, for the links that only they can follow."""

from __future__ import annotations

from django.http import HttpRequest
from django.utils.functional import SimpleLazyObject

from oncobridge.accounts.access import viewer_for
from oncobridge.collaborations.access import is_alliance_office


def alliance_office(request: HttpRequest) -> dict[str, object]:
    # Lazy: only pages that show the links pay for the membership lookup (and viewer_for caches it).
    return {"is_alliance_office": SimpleLazyObject(lambda: is_alliance_office(viewer_for(request.user)))}
