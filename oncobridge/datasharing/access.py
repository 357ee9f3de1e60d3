"""Who may see a dataset, decide on its requests, and read its rows: the one place API and CLI ask.

- A dataset's description and terms follow the organisation/visibility rule (core/visibility.py).
- Its data stewards are the owning organisation's members with the data-steward role (per membership, so a
  steward elsewhere is not a steward here); platform admins act for any organisation.
- Row-level data reach its stewards and holders of an active grant (not revoked, not expired), nobody else.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from django.db.models import Q, QuerySet
from django.utils import timezone

from oncobridge.accounts.access import viewer_for
from oncobridge.accounts.models import Membership, Role
from oncobridge.core.errors import NotFound, PermissionDenied
from oncobridge.core.visibility import Viewer, can_see, visible_q
from oncobridge.datasharing.models import AccessRequest, Dataset, Grant, ImportJob


def visible_datasets(viewer: Viewer) -> QuerySet[Dataset]:
    return Dataset.objects.filter(visible_q(viewer))


def is_steward(viewer: Viewer, organisation_id: int) -> bool:
    if viewer.platform_admin:
        return True
    if viewer.user_id is None or organisation_id not in viewer.organisation_ids:
        return False
    return Membership.objects.filter(
        user_id=viewer.user_id, organisation_id=organisation_id, role=Role.DATA_STEWARD
    ).exists()


def active_grants(*, user_id: int | None) -> QuerySet[Grant]:
    return Grant.objects.filter(grantee_id=user_id, revoked_at__isnull=True, expires_at__gt=timezone.now())


def has_row_access(viewer: Viewer, dataset: Dataset) -> bool:
    if is_steward(viewer, dataset.organisation_id):
        return True
    return active_grants(user_id=viewer.user_id).filter(dataset=dataset).exists()


def row_access_dataset_ids(viewer: Viewer, datasets: Iterable[Dataset]) -> set[int]:
    """`has_row_access` for many datasets at once: two queries however many there are."""
    datasets = list(datasets)
    if viewer.platform_admin:
        return {dataset.pk for dataset in datasets}
    if viewer.user_id is None or not datasets:
        return set()
    stewarded = stewarded_organisation_ids(viewer)
    granted = active_grants(user_id=viewer.user_id).filter(
        dataset__in=[dataset.pk for dataset in datasets if dataset.organisation_id not in stewarded]
    )
    return {dataset.pk for dataset in datasets if dataset.organisation_id in stewarded} | set(
        granted.values_list("dataset_id", flat=True)
    )


def dataset_for_user(user: Any, slug: str, *, steward: bool = False, rows: bool = False) -> Dataset:
    """The dataset if the user may see it (else 404, like a missing one); `steward`/`rows` demand more."""
    viewer = viewer_for(user)
    dataset = Dataset.objects.select_related("organisation", "current_version").filter(slug=slug).first()
    if dataset is None or not can_see(
        viewer, organisation_id=dataset.organisation_id, visibility=dataset.visibility
    ):
        raise NotFound(f"No dataset '{slug}', or it is not visible to you.")
    if steward and not is_steward(viewer, dataset.organisation_id):
        raise PermissionDenied(f"Only data stewards of {dataset.organisation.name} may do this.")
    if rows and not has_row_access(viewer, dataset):
        raise PermissionDenied("Row-level data need an active access grant for this dataset.")
    return dataset


def visible_requests(viewer: Viewer) -> QuerySet[AccessRequest]:
    """A requester sees their own requests; stewards see the requests for their organisations' datasets."""
    if viewer.platform_admin:
        return AccessRequest.objects.all()
    if viewer.user_id is None:
        return AccessRequest.objects.none()
    stewarded = Membership.objects.filter(user_id=viewer.user_id, role=Role.DATA_STEWARD).values(
        "organisation_id"
    )
    return AccessRequest.objects.filter(
        Q(requester_id=viewer.user_id) | Q(dataset__organisation_id__in=stewarded)
    )


def request_for_user(user: Any, pk: int, *, decide: bool = False) -> AccessRequest:
    """A request the user may read; to `decide`, any request on a dataset they see (services check roles)."""
    viewer = viewer_for(user)
    candidates = (
        AccessRequest.objects.filter(dataset__in=visible_datasets(viewer))
        if decide
        else visible_requests(viewer)
    )
    found = (
        candidates.select_related(
            "dataset", "dataset__organisation", "requester", "organisation", "decided_by"
        )
        .filter(pk=pk)
        .first()
    )
    if found is None:
        raise NotFound(f"No access request {pk}, or it is not visible to you.")
    return found


def visible_grants(viewer: Viewer) -> QuerySet[Grant]:
    if viewer.platform_admin:
        return Grant.objects.all()
    if viewer.user_id is None:
        return Grant.objects.none()
    stewarded = Membership.objects.filter(user_id=viewer.user_id, role=Role.DATA_STEWARD).values(
        "organisation_id"
    )
    return Grant.objects.filter(Q(grantee_id=viewer.user_id) | Q(dataset__organisation_id__in=stewarded))


def grant_for_user(user: Any, pk: int) -> Grant:
    viewer = viewer_for(user)
    found = visible_grants(viewer).select_related("dataset", "grantee").filter(pk=pk).first()
    if found is None:
        raise NotFound(f"No grant {pk}, or it is not visible to you.")
    return found


def stewarded_organisation_ids(viewer: Viewer) -> set[int]:
    """The organisations whose data this viewer stewards (registers, imports, decides on)."""
    if viewer.user_id is None:
        return set()
    return set(
        Membership.objects.filter(
            user_id=viewer.user_id, organisation_id__in=viewer.organisation_ids, role=Role.DATA_STEWARD
        ).values_list("organisation_id", flat=True)
    )


def is_any_steward(viewer: Viewer) -> bool:
    """Whether the viewer sits on a data access committee (stewards somewhere, or a platform admin)."""
    return viewer.platform_admin or bool(stewarded_organisation_ids(viewer))


def import_job_for_user(user: Any, slug: str, pk: int) -> ImportJob:
    """An uploaded import of a dataset, for the dataset's stewards only (others: 404 or 403 as for it)."""
    dataset = dataset_for_user(user, slug, steward=True)
    job = ImportJob.objects.select_related("dataset", "version", "requested_by").filter(
        pk=pk, dataset=dataset
    )
    found = job.first()
    if found is None:
        raise NotFound(f"No import {pk} of '{slug}'.")
    return found
