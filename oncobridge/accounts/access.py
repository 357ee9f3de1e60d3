"""Who a person is to the platform: their organisations, roles and confidentiality partners."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest

from oncobridge.accounts.models import Membership, Organisation, Role, User
from oncobridge.accounts.selectors import organisation_by_slug
from oncobridge.core.errors import PermissionDenied
from oncobridge.core.visibility import NOBODY, Viewer

ALLIANCE_STAFF_ROLES = (Role.PLATFORM_ADMIN, Role.ALLIANCE_MANAGER)


def viewer_for(user: Any) -> Viewer:
    if user is None or not getattr(user, "is_authenticated", False) or not user.is_active:
        return NOBODY
    cached = getattr(user, "_oncobridge_viewer", None)
    if cached is not None:
        return cached  # type: ignore[no-any-return]
    from oncobridge.collaborations.selectors import cda_partner_ids

    memberships = list(Membership.objects.filter(user=user).values_list("organisation_id", "role"))
    org_ids = frozenset(org_id for org_id, _ in memberships)
    roles = frozenset(role for _, role in memberships)
    viewer = Viewer(
        user_id=user.pk,
        organisation_ids=org_ids,
        roles=roles,
        alliance_member=Organisation.objects.filter(pk__in=org_ids, alliance_member=True).exists(),
        platform_admin=Role.PLATFORM_ADMIN in roles or bool(user.is_superuser),
        cda_partner_ids=cda_partner_ids(organisation_ids=org_ids),
    )
    user._oncobridge_viewer = viewer
    return viewer


def can_manage_organisation(viewer: Viewer, organisation_id: int) -> bool:
    """Alliance managers act for their own organisation; platform admins for any."""
    if viewer.platform_admin:
        return True
    return organisation_id in viewer.organisation_ids and viewer.has_role(Role.ALLIANCE_MANAGER)


def organisation_for_user(user: Any, slug: str) -> Organisation:
    """Organisations are a directory every member may read; outsiders see none."""
    if not viewer_for(user).is_member:
        raise PermissionDenied("Only members of the alliance network can see organisations.")
    return organisation_by_slug(slug)


def api_caller(request: HttpRequest) -> User:
    """The authenticated caller of an API operation: ninja runs none of ours without one."""
    return request.auth  # type: ignore[attr-defined,no-any-return]
