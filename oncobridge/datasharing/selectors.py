"""Every read of shared-data records; lists go through the access module's visibility first."""

from __future__ import annotations

import csv
import json
from typing import IO

from django.db.models import QuerySet
from django.utils import timezone

from oncobridge.core.models import AuditEvent
from oncobridge.core.visibility import Viewer
from oncobridge.datasharing.access import visible_datasets, visible_grants, visible_requests
from oncobridge.datasharing.models import AccessRequest, Dataset, DatasetVersion, Grant

AUDIT_COLUMNS = ["occurred_at", "actor", "action", "target_type", "target_id", "detail"]


def dataset_list(*, viewer: Viewer, organisation: str | None = None) -> QuerySet[Dataset]:
    datasets = visible_datasets(viewer).select_related("organisation", "current_version")
    if organisation:
        datasets = datasets.filter(organisation__slug=organisation)
    return datasets


def dataset_versions(*, dataset: Dataset) -> QuerySet[DatasetVersion]:
    return dataset.versions.select_related("created_by").order_by("-number")


def access_request_list(*, viewer: Viewer, status: str | None = None) -> QuerySet[AccessRequest]:
    requests = visible_requests(viewer).select_related("dataset", "requester", "organisation", "decided_by")
    if status:
        requests = requests.filter(status=status)
    return requests


def grant_list(*, viewer: Viewer, active: bool | None = None) -> QuerySet[Grant]:
    grants = visible_grants(viewer).select_related("dataset", "grantee")
    if active is True:
        grants = grants.filter(revoked_at__isnull=True, expires_at__gt=timezone.now())
    return grants


def audit_for_dataset(*, dataset: Dataset) -> QuerySet[AuditEvent]:
    """Every event about a dataset, its requests and grants (callers check the viewer is a steward)."""
    return AuditEvent.objects.filter(detail__dataset_id=dataset.pk).order_by("-occurred_at", "-id")


def audit_csv_write(events: QuerySet[AuditEvent], out: IO[str]) -> int:
    writer = csv.writer(out)
    writer.writerow(AUDIT_COLUMNS)
    count = 0
    for event in events.iterator():
        writer.writerow(
            [
                event.occurred_at.isoformat(),
                event.actor_label,
                event.action,
                event.target_type,
                event.target_id,
                json.dumps({key: value for key, value in event.detail.items() if key != "dataset_id"}),
            ]
        )
        count += 1
    return count
