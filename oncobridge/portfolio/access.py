"""Who may see or change what in the portfolio: the one place views, API, search and exports ask."""

from __future__ import annotations

from typing import Any, TypeVar

from django.db.models import Model, QuerySet

from oncobridge.accounts.access import can_manage_organisation, viewer_for
from oncobridge.accounts.models import Role
from oncobridge.core.errors import NotFound, PermissionDenied
from oncobridge.core.visibility import Viewer, can_see, visible_q
from oncobridge.portfolio.models import (
    InvestigatorProfile,
    PartnerNeed,
    PartnerProfile,
    ResearchAsset,
    ResearchProject,
)

M = TypeVar("M", bound=Model)


def visible(queryset: QuerySet[M], viewer: Viewer) -> QuerySet[M]:
    return queryset.filter(visible_q(viewer))


def can_edit(viewer: Viewer, entity: Any) -> bool:
    """The owner of an entry edits it; so do alliance managers of its organisation and platform admins."""
    if viewer.user_id is None:
        return False
    if can_manage_organisation(viewer, entity.organisation_id):
        return True
    if isinstance(entity, InvestigatorProfile):
        return entity.user_id == viewer.user_id
    if isinstance(entity, ResearchAsset):
        return entity.owner_id == viewer.user_id and entity.organisation_id in viewer.organisation_ids
    if isinstance(entity, PartnerNeed):
        return entity.posted_by_id == viewer.user_id and entity.organisation_id in viewer.organisation_ids
    if isinstance(entity, PartnerProfile):
        return entity.organisation_id in viewer.organisation_ids and viewer.has_role(Role.INDUSTRY_MEMBER)
    return False


def can_create_in(viewer: Viewer, organisation_id: int) -> bool:
    """Members of an organisation add its entries, except trainees and reviewers, who only read."""
    if viewer.platform_admin:
        return True
    return organisation_id in viewer.organisation_ids and viewer.has_role(
        Role.ALLIANCE_MANAGER, Role.INVESTIGATOR, Role.INDUSTRY_MEMBER, Role.DATA_STEWARD
    )


def _one_for_user(queryset: QuerySet[M], user: Any, pk: int, *, write: bool, noun: str) -> M:
    viewer = viewer_for(user)
    entity = queryset.filter(pk=pk).first()
    # Invisible and missing look the same: existence is not leaked.
    owned: Any = entity  # every portfolio model has an organisation and a visibility
    if entity is None or not can_see(
        viewer, organisation_id=owned.organisation_id, visibility=owned.visibility
    ):
        raise NotFound(f"No {noun} {pk}, or it is not visible to you.")
    if write and not can_edit(viewer, entity):
        raise PermissionDenied(f"You may not change this {noun}.")
    return entity


def asset_for_user(user: Any, pk: int, *, write: bool = False) -> ResearchAsset:
    queryset = ResearchAsset.objects.select_related("organisation", "owner")
    return _one_for_user(queryset, user, pk, write=write, noun="asset")


def profile_for_user(user: Any, pk: int, *, write: bool = False) -> InvestigatorProfile:
    queryset = InvestigatorProfile.objects.select_related("user", "organisation", "department")
    return _one_for_user(queryset, user, pk, write=write, noun="investigator profile")


def project_for_user(user: Any, pk: int, *, write: bool = False) -> ResearchProject:
    return _one_for_user(
        ResearchProject.objects.select_related("organisation"), user, pk, write=write, noun="research project"
    )


def need_for_user(user: Any, pk: int, *, write: bool = False) -> PartnerNeed:
    queryset = PartnerNeed.objects.select_related("organisation", "posted_by")
    return _one_for_user(queryset, user, pk, write=write, noun="partner need")


def partner_profile_for_user(user: Any, pk: int, *, write: bool = False) -> PartnerProfile:
    queryset = PartnerProfile.objects.select_related("organisation")
    return _one_for_user(queryset, user, pk, write=write, noun="partner profile")


def require_member(user: Any) -> Viewer:
    viewer = viewer_for(user)
    if not viewer.is_member:
        raise PermissionDenied("Your account has no membership in the alliance network yet.")
    return viewer


def own_profile(user: Any) -> InvestigatorProfile | None:
    return InvestigatorProfile.objects.select_related("organisation").filter(user=user).first()


def ensure_can_respond(viewer: Viewer, need: PartnerNeed) -> None:
    if not can_see(viewer, organisation_id=need.organisation_id, visibility=need.visibility):
        raise PermissionDenied("You cannot answer a need that is not visible to you.")
    if need.organisation_id in viewer.organisation_ids:
        raise PermissionDenied("You cannot answer your own organisation's need.")
    if (
        not viewer.has_role(Role.INVESTIGATOR, Role.ALLIANCE_MANAGER, Role.DATA_STEWARD)
        and not viewer.platform_admin
    ):
        raise PermissionDenied(
            "Only investigators, data stewards and alliance managers answer partner needs."
        )
