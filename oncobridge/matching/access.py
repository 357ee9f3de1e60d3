"""Who may match from what, see which introductions, and decide them: the one place views and API ask."""

from __future__ import annotations

from typing import Any

from django.db.models import Model, Q, QuerySet

from oncobridge.accounts.access import viewer_for
from oncobridge.accounts.models import Membership, Role
from oncobridge.core.errors import NotFound, PermissionDenied
from oncobridge.core.visibility import Viewer
from oncobridge.matching.models import Introduction, IntroductionStatus
from oncobridge.portfolio.access import visible
from oncobridge.portfolio.indexing import INDEXED_QUERYSETS
from oncobridge.portfolio.models import DocumentKind


def entry_for_user(user: Any, kind: str, pk: int) -> Model:
    """A portfolio entry the user may see, to match from or to be introduced to; 404 otherwise."""
    if kind not in DocumentKind.values:
        raise NotFound(
            f"'{kind}' is not a kind of portfolio entry; use one of {', '.join(DocumentKind.values)}."
        )
    entry: Model | None = visible(INDEXED_QUERYSETS[kind]().filter(pk=pk), viewer_for(user)).first()
    if entry is None:
        raise NotFound(f"No {DocumentKind(kind).label.lower()} {pk}, or it is not visible to you.")
    return entry


def visible_entries(viewer: Viewer, kind: str, pks: list[int]) -> QuerySet[Any]:
    """Those of these entries of one kind that the viewer may see."""
    return visible(INDEXED_QUERYSETS[kind]().filter(pk__in=pks), viewer)


def require_member(user: Any) -> Viewer:
    viewer = viewer_for(user)
    if not viewer.is_member:
        raise PermissionDenied("Your account has no membership in the alliance network yet.")
    return viewer


def is_alliance_manager(user: Any) -> bool:
    """Who brokers introductions: an alliance manager of an alliance member, or a platform admin."""
    viewer = viewer_for(user)
    if viewer.platform_admin:
        return True
    if viewer.user_id is None:
        return False
    return Membership.objects.filter(
        user_id=viewer.user_id, role=Role.ALLIANCE_MANAGER, organisation__alliance_member=True
    ).exists()


def _party_q(viewer: Viewer) -> Q:
    """Introductions the viewer is a party to: their own requests, and approved ones to their organisation."""
    return Q(requester_id=viewer.user_id) | Q(
        target_organisation_id__in=viewer.organisation_ids,
        status__in=[IntroductionStatus.APPROVED, IntroductionStatus.CDA_OPENED],
    )


def visible_introductions(user: Any) -> QuerySet[Introduction]:
    """Alliance managers see every introduction; everyone else those they are a party to."""
    introductions = Introduction.objects.select_related(
        "requester", "requester_organisation", "target_organisation", "decided_by"
    )
    if is_alliance_manager(user):
        return introductions
    viewer = viewer_for(user)
    if not viewer.is_member:
        return introductions.none()
    return introductions.filter(_party_q(viewer))


def introduction_for_user(user: Any, pk: int) -> Introduction:
    introduction = visible_introductions(user).filter(pk=pk).first()
    if introduction is None:
        raise NotFound(f"No introduction {pk}, or it is not visible to you.")
    return introduction


def ensure_can_decide(user: Any) -> None:
    if not is_alliance_manager(user):
        raise PermissionDenied("Only the alliance's managers approve or decline introductions.")


def ensure_is_party_or_manager(user: Any, introduction: Introduction) -> None:
    if is_alliance_manager(user):
        return
    viewer = viewer_for(user)
    if introduction.requester_id == viewer.user_id:
        return
    if introduction.target_organisation_id in viewer.organisation_ids:
        return
    raise PermissionDenied("Only the parties to an introduction and the alliance's managers may do this.")
