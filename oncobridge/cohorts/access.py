"""Who may query which datasets, who sees rows, and what everyone else sees: the one place cohorts ask.

- A user may query a dataset they can see (datasharing's visibility rule) that has a current version.
- Row-level results (patient and sample ids, oncoprints) reach the dataset's stewards and holders of an
  active grant (`has_row_access`, from datasharing); everyone else gets counts, and a count below the
  small-cell threshold (setting ONCOBRIDGE_SMALL_CELL_THRESHOLD, default 5) reads "<k" (`suppress`).
- A saved cohort is seen by its owner and by members of the joint project it is shared with; only its
  owner changes, shares or deletes it.

The beacon app reuses these functions, so that a Beacon answer and a cohort count follow the same rules.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from typing import Any

from django.conf import settings
from django.db.models import Q, QuerySet

from oncobridge.accounts.access import viewer_for
from oncobridge.analytics import DatasetSource
from oncobridge.cohorts.models import SavedCohort
from oncobridge.core.errors import NotFound, PermissionDenied
from oncobridge.core.visibility import Viewer
from oncobridge.core.vocabularies import vocabularies
from oncobridge.datasharing import access as datasharing_access
from oncobridge.datasharing.models import Dataset
from oncobridge.datasharing.storage import datasets_root

# What a suppressed count reads as, e.g. "<5".
SuppressedCount = int | str


def small_cell_threshold() -> int:
    return int(settings.ONCOBRIDGE_SMALL_CELL_THRESHOLD)


def suppress(count: int, threshold: int | None = None) -> SuppressedCount:
    """The count itself, or "<k" when it is below the threshold k (zero included: it is a small cell too).

    A threshold of 0 or 1 turns suppression off (nothing is below it but zero, which then shows as 0).
    """
    k = small_cell_threshold() if threshold is None else threshold
    if k <= 1 or count >= k:
        return count
    return f"<{k}"


def is_suppressed(value: SuppressedCount) -> bool:
    return isinstance(value, str)


def queryable_datasets(viewer: Viewer) -> QuerySet[Dataset]:
    """Datasets the viewer may run cohort queries on: visible to them and holding data."""
    return (
        datasharing_access.visible_datasets(viewer)
        .filter(current_version__isnull=False)
        .select_related("organisation", "current_version")
        .order_by("title", "id")
    )


def has_row_access(viewer: Viewer, dataset: Dataset) -> bool:
    """Stewards of the dataset's organisation and holders of an active grant see its rows."""
    return datasharing_access.has_row_access(viewer, dataset)


def row_access_by_slug(viewer: Viewer, datasets: Iterable[Dataset]) -> dict[str, bool]:
    datasets = list(datasets)
    readable = datasharing_access.row_access_dataset_ids(viewer, datasets)
    return {dataset.slug: dataset.pk in readable for dataset in datasets}


def datasets_for_query(viewer: Viewer, slugs: Sequence[str], *, field: str = "datasets") -> list[Dataset]:
    """The datasets named by slug, in the given order, if the viewer may query every one (else 404).

    No slugs means every dataset the viewer may query.
    """
    queryable = queryable_datasets(viewer)
    if not slugs:
        found = list(queryable)
        if not found:
            raise NotFound("There is no dataset with data that you may query.", field=field)
        return found
    by_slug = {dataset.slug: dataset for dataset in queryable.filter(slug__in=set(slugs))}
    missing = [slug for slug in slugs if slug not in by_slug]
    if missing:
        raise NotFound(
            f"No dataset with data named {', '.join(repr(s) for s in missing)}, or it is not visible to you.",
            field=field,
        )
    return [by_slug[slug] for slug in dict.fromkeys(slugs)]


def require_row_access(row_access: Mapping[str, bool], *, what: str) -> None:
    """Refuse `what` unless `row_access` (row_access_by_slug's answer) holds for every dataset."""
    refused = [slug for slug, readable in row_access.items() if not readable]
    if refused:
        raise PermissionDenied(
            f"{what} need an active access grant for {', '.join(refused)}; without one you see counts."
        )


def panel_genes_for_assay(assay: str, panels: Mapping[str, Any] | None = None) -> frozenset[str] | None:
    """The genes of the panel a dataset's assay names (case-insensitive); None if not a known panel."""
    known = vocabularies().panels if panels is None else panels
    wanted = _panel_key(assay)
    if not wanted:
        return None
    for panel_id, panel in known.items():
        if _panel_key(panel_id) == wanted:
            return frozenset(panel.genes)
    return None


def _panel_key(name: str) -> str:
    # "impact 468", "IMPACT-468" and "IMPACT468" name the same panel.
    return "".join(character for character in name.upper() if character.isalnum())


def gene_panels() -> dict[str, frozenset[str]]:
    """Panel id -> genes, for datasets whose samples carry a GENE_PANEL attribute."""
    return {panel_id: frozenset(panel.genes) for panel_id, panel in vocabularies().panels.items()}


def dataset_source(dataset: Dataset) -> DatasetSource:
    """Where the analytics core finds the dataset's current version, and which genes its assay covers."""
    version = dataset.current_version
    if version is None:
        raise NotFound(f"Dataset '{dataset.slug}' has no data yet.", field="datasets")
    return DatasetSource(
        key=dataset.slug,
        directory=datasets_root() / version.storage_path,
        panel_genes=panel_genes_for_assay(dataset.assay),
    )


# Saved cohorts


def cohorts_visible_q(viewer: Viewer) -> Q:
    """Saved cohorts the viewer may see: their own and those shared with a project they are a member of."""
    if viewer.user_id is None:
        return Q(pk__in=[])
    return Q(owner_id=viewer.user_id) | Q(project__members__user_id=viewer.user_id)


def visible_cohorts(viewer: Viewer) -> QuerySet[SavedCohort]:
    visible_ids = SavedCohort.objects.filter(cohorts_visible_q(viewer)).values("pk")
    return SavedCohort.objects.filter(pk__in=visible_ids).select_related("owner", "project")


def cohort_for_user(user: Any, pk: int, *, write: bool = False) -> SavedCohort:
    """A saved cohort the user may see (else 404); `write` (change, share, delete) is for its owner."""
    viewer = viewer_for(user)
    cohort = visible_cohorts(viewer).filter(pk=pk).first()
    if cohort is None:
        raise NotFound(f"No saved cohort {pk}, or it is not visible to you.")
    if write and cohort.owner_id != viewer.user_id:
        raise PermissionDenied("Only the cohort's owner may change, share or delete it.")
    return cohort
