"""Who may see an object, by organisation and visibility: the one rule every access module applies."""

from __future__ import annotations

from dataclasses import dataclass, field

from django.db import models
from django.db.models import Q


class Visibility(models.TextChoices):
    PRIVATE = "private", "Private to its organisation"
    ALLIANCE = "alliance", "Alliance staff"
    PARTNERS = "partners", "Partners under confidentiality agreement"
    NETWORK = "network", "Whole network"


@dataclass(frozen=True)
class Viewer:
    """What the visibility rule needs to know about a person, computed once per request."""

    user_id: int | None
    organisation_ids: frozenset[int] = field(default_factory=frozenset)
    roles: frozenset[str] = field(default_factory=frozenset)
    alliance_member: bool = False
    platform_admin: bool = False
    # Organisations that have an executed, current confidentiality agreement with one of the viewer's.
    cda_partner_ids: frozenset[int] = field(default_factory=frozenset)

    @property
    def is_member(self) -> bool:
        return bool(self.organisation_ids) or self.platform_admin

    def has_role(self, *roles: str) -> bool:
        return bool(self.roles.intersection(roles))


NOBODY = Viewer(user_id=None)


def visible_q(viewer: Viewer, *, organisation: str = "organisation", visibility: str = "visibility") -> Q:
    """A filter that keeps exactly the rows the viewer may see. Default deny: no membership, nothing."""
    if viewer.platform_admin:
        return Q()
    if not viewer.organisation_ids:
        return Q(pk__in=[])
    own = Q(**{f"{organisation}_id__in": viewer.organisation_ids})
    rule = own | Q(**{visibility: Visibility.NETWORK})
    if viewer.alliance_member:
        rule |= Q(**{f"{visibility}__in": [Visibility.ALLIANCE, Visibility.PARTNERS]})
    if viewer.cda_partner_ids:
        rule |= Q(**{visibility: Visibility.PARTNERS, f"{organisation}_id__in": viewer.cda_partner_ids})
    return rule


def can_see(viewer: Viewer, *, organisation_id: int, visibility: str) -> bool:
    """The same rule as `visible_q`, for one object already in memory."""
    if viewer.platform_admin:
        return True
    if not viewer.organisation_ids:
        return False
    if organisation_id in viewer.organisation_ids or visibility == Visibility.NETWORK:
        return True
    if viewer.alliance_member and visibility in (Visibility.ALLIANCE, Visibility.PARTNERS):
        return True
    return visibility == Visibility.PARTNERS and organisation_id in viewer.cda_partner_ids
