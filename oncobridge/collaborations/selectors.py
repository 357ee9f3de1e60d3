from __future__ import annotations

from collections.abc import Iterable

from django.db.models import Q
from django.utils import timezone

from oncobridge.collaborations.models import Agreement, AgreementKind, AgreementStatus


def cda_partner_ids(*, organisation_ids: Iterable[int]) -> frozenset[int]:
    """Organisations bound to any of these by an executed confidentiality agreement in force today."""
    own = set(organisation_ids)
    if not own:
        return frozenset()
    today = timezone.localdate()
    in_force = (
        Agreement.objects.filter(
            kind=AgreementKind.CDA,
            status=AgreementStatus.EXECUTED,
            parties__in=own,
        )
        .filter(Q(effective_date__isnull=True) | Q(effective_date__lte=today))
        .filter(Q(expiry_date__isnull=True) | Q(expiry_date__gte=today))
    )
    partners = Agreement.parties.through.objects.filter(agreement__in=in_force).values_list(
        "organisation_id", flat=True
    )
    return frozenset(set(partners) - own)
