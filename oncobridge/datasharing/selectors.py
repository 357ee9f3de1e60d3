"""Every read of shared-data records; lists go through the access module's visibility first."""

from __future__ import annotations

import csv
import json
from collections import Counter
from dataclasses import dataclass, field
from typing import IO

from django.db.models import QuerySet
from django.utils import timezone

from oncobridge.core.models import AuditEvent
from oncobridge.core.visibility import Viewer
from oncobridge.core.vocabularies import vocabularies
from oncobridge.datasharing.access import (
    stewarded_organisation_ids,
    visible_datasets,
    visible_grants,
    visible_requests,
)
from oncobridge.datasharing.models import AccessRequest, Dataset, DatasetVersion, Grant, ImportJob

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


def committee_requests(*, viewer: Viewer, status: str | None = None) -> QuerySet[AccessRequest]:
    """The data access committee's queue: requests on datasets of the organisations the viewer stewards
    (every organisation's, for a platform admin), the viewer's own among them."""
    requests = access_request_list(viewer=viewer, status=status)
    if viewer.platform_admin:
        return requests
    return requests.filter(dataset__organisation_id__in=stewarded_organisation_ids(viewer))


def stewarded_grants(*, viewer: Viewer, dataset_slug: str = "") -> QuerySet[Grant]:
    """Others' grants that the viewer oversees as a steward (all, for a platform admin)."""
    grants = grant_list(viewer=viewer).exclude(grantee_id=viewer.user_id)
    if not viewer.platform_admin:
        grants = grants.filter(dataset__organisation_id__in=stewarded_organisation_ids(viewer))
    return grants.filter(dataset__slug=dataset_slug) if dataset_slug else grants


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


@dataclass
class DatasetSearch:
    """The datasets a viewer may see that match the filters, and the values to filter by (with counts)."""

    datasets: list[Dataset]
    total_visible: int
    cancer_types: list[tuple[str, str, int]] = field(default_factory=list)  # code, name, count
    data_types: list[tuple[str, int]] = field(default_factory=list)
    duo_codes: list[tuple[str, str, int]] = field(default_factory=list)  # code, label, count
    organisations: list[tuple[str, str, int]] = field(default_factory=list)  # slug, name, count


def dataset_search(
    *,
    viewer: Viewer,
    text: str = "",
    cancer_type: str = "",
    data_type: str = "",
    duo_code: str = "",
    organisation: str = "",
) -> DatasetSearch:
    """Filter the visible catalogue; a cancer type also finds datasets of its OncoTree descendants.

    A catalogue holds tens to hundreds of datasets, so the JSON list filters run here, the same on
    SQLite and PostgreSQL, over one query.
    """
    visible = list(dataset_list(viewer=viewer))
    vocab = vocabularies()
    wanted_cancers: set[str] = set()
    if cancer_type:
        node = vocab.oncotree.get(cancer_type)
        wanted_cancers = vocab.oncotree.descendants(node.code) if node else {cancer_type.upper()}
    words = text.lower().split()

    def matches(dataset: Dataset) -> bool:
        haystack = f"{dataset.title} {dataset.description} {dataset.assay} {dataset.slug}".lower()
        return (
            all(word in haystack for word in words)
            and (not wanted_cancers or bool(wanted_cancers & set(dataset.cancer_types)))
            and (not data_type or data_type in dataset.data_types)
            and (not duo_code or duo_code.upper() in dataset.duo_codes)
            and (not organisation or dataset.organisation.slug == organisation)
        )

    found = [dataset for dataset in visible if matches(dataset)]
    cancers: Counter[str] = Counter(code for dataset in visible for code in dataset.cancer_types)
    types: Counter[str] = Counter(name for dataset in visible for name in dataset.data_types)
    duo: Counter[str] = Counter(code for dataset in visible for code in dataset.duo_codes)
    organisations: Counter[tuple[str, str]] = Counter(
        (dataset.organisation.slug, dataset.organisation.name) for dataset in visible
    )

    def cancer_name(code: str) -> str:
        node = vocab.oncotree.get(code)
        return node.name if node else code

    def duo_label(code: str) -> str:
        term = vocab.duo.get(code)
        return term.label if term else code

    return DatasetSearch(
        datasets=found,
        total_visible=len(visible),
        cancer_types=[(code, cancer_name(code), count) for code, count in sorted(cancers.items())],
        data_types=sorted(types.items()),
        duo_codes=[(code, duo_label(code), count) for code, count in sorted(duo.items())],
        organisations=[(slug, name, count) for (slug, name), count in sorted(organisations.items())],
    )


def import_job_list(*, dataset: Dataset) -> QuerySet[ImportJob]:
    """A dataset's uploaded imports, newest first (callers check the viewer is a steward)."""
    return dataset.import_jobs.select_related("requested_by", "version").order_by("-created_at", "-id")


def audit_actions(*, dataset: Dataset) -> list[str]:
    return sorted(set(audit_for_dataset(dataset=dataset).values_list("action", flat=True)))


@dataclass(frozen=True)
class DuoTermExplained:
    code: str
    label: str
    description: str
    modifier: str  # the dataset's value for the term, in words ("" when it has none)


def duo_terms_explained(*, dataset: Dataset) -> list[DuoTermExplained]:
    """The dataset's data-use terms in words, with the values of its modifiers (DS diseases, TS date)."""
    vocab = vocabularies()
    explained = []
    for code in dataset.duo_codes:
        term = vocab.duo.get(code)
        value = dataset.duo_modifiers.get(code)
        modifier = ""
        if code == "DS" and value:
            diseases = [value] if isinstance(value, str) else list(value)
            names = []
            for disease in diseases:
                node = vocab.oncotree.get(str(disease))
                names.append(f"{disease} ({node.name})" if node else str(disease))
            modifier = "Only for research on " + ", ".join(names) + "."
        elif code == "TS" and value:
            modifier = f"Use allowed until {value}; grants end on that date at the latest."
        elif value:
            modifier = str(value)
        explained.append(
            DuoTermExplained(
                code=code,
                label=term.label if term else code,
                description=term.description if term else "",
                modifier=modifier,
            )
        )
    return explained
