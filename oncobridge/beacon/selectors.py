"""Reads for the Beacon: rows of the harmonised tables, dataset and cohort collections, filtering terms.

Queries over shared data go through the analytics core; what is read here directly is a dataset version's
own rows for ids the core already selected (to describe them as Beacon records) and the distinct codes
present (for /filtering_terms).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Any

import pyarrow.compute as pc
import pyarrow.parquet as pq

from oncobridge import analytics
from oncobridge.analytics import DatasetSource
from oncobridge.beacon.filters import (
    AGE_TERM,
    RESOURCES,
    SEX_TERMS,
    ncit_terms,
    oncotree_term,
)
from oncobridge.cohorts import access as cohorts_access
from oncobridge.cohorts.models import SavedCohort
from oncobridge.core.visibility import Viewer
from oncobridge.core.vocabularies import vocabularies
from oncobridge.datasharing.models import Dataset

INDIVIDUAL_SCOPES = ["individuals"]
DUO_RELEASE = "2021-02-23"  # the DUO release in the reference data (duo-basic.owl's versionIRI)
CANCER_SCOPES = ["individuals", "biosamples"]


def table_rows(
    source: DatasetSource, table: str, *, column: str | None = None, values: Iterable[str] = ()
) -> list[dict[str, Any]]:
    """Rows of one table of a dataset version (those whose `column` is among `values`, if given)."""
    path = Path(source.directory) / f"{table}.parquet"
    if not path.is_file():
        return []
    if column is None:
        data = pq.read_table(path)
    else:  # pushed down to the row groups: a page of records does not read the whole table
        wanted = sorted(set(values))
        if not wanted:
            return []
        data = pq.read_table(path, filters=[(column, "in", wanted)])
    rows: list[dict[str, Any]] = data.to_pylist()
    return rows


def distinct_values(source: DatasetSource, table: str, column: str) -> set[str]:
    path = Path(source.directory) / f"{table}.parquet"
    if not path.is_file():
        return set()
    data = pq.read_table(path, columns=[column])
    return {value for value in pc.unique(data[column]).to_pylist() if value}


def dataset_record(dataset: Dataset) -> dict[str, Any]:
    duo = vocabularies().duo
    version = dataset.current_version
    record: dict[str, Any] = {
        "id": dataset.slug,
        "name": dataset.title,
        "description": dataset.description,
        "createDateTime": dataset.created_at.isoformat(),
        "updateDateTime": dataset.updated_at.isoformat(),
        "version": f"v{version.number}" if version is not None else "none",
        "info": {
            "organisation": dataset.organisation.name,
            "cancerTypes": list(dataset.cancer_types),
            "dataTypes": list(dataset.data_types),
            "assay": dataset.assay,
            "rowCounts": dict(version.row_counts) if version is not None else {},
        },
    }
    terms = [
        {"id": duo[code].id, "label": duo[code].label, "version": DUO_RELEASE}
        for code in dataset.duo_codes
        if code in duo and duo[code].id.startswith("DUO:")
    ]
    if terms:
        record["dataUseConditions"] = {"duoDataUse": terms}
    return record


def _size(
    row_access: Mapping[str, bool], datasets: Sequence[Dataset], criterion: analytics.Criterion | None
) -> int | None:
    """A cohort's size in patients, or None when a small count may not be shown (row_access: by slug)."""
    if not datasets:
        return 0
    count = analytics.cohort_count([cohorts_access.dataset_source(d) for d in datasets], criterion)
    shown = [d for d in datasets if row_access[d.slug] or count.by_dataset[d.slug].patients == 0]
    hidden = sum(count.by_dataset[d.slug].patients for d in datasets if d not in shown)
    if hidden and cohorts_access.is_suppressed(cohorts_access.suppress(hidden)):
        return None
    return count.patients


def dataset_cohort_record(row_access: Mapping[str, bool], dataset: Dataset) -> dict[str, Any]:
    record: dict[str, Any] = {
        "id": dataset.slug,
        "name": f"All patients of {dataset.title}",
        "cohortType": "study-defined",
        "info": {"datasets": [dataset.slug]},
    }
    size = _size(row_access, [dataset], None)
    if size is not None:
        record["cohortSize"] = size
    return record


SAVED_PREFIX = "saved-"
MAX_ID_DIGITS = 18  # beyond a 64-bit primary key


def saved_cohort_record(
    row_access: Mapping[str, bool], cohort: SavedCohort, queryable: dict[str, Dataset]
) -> dict[str, Any]:
    datasets = [queryable[slug] for slug in cohort.datasets if slug in queryable]
    record: dict[str, Any] = {
        "id": f"{SAVED_PREFIX}{cohort.pk}",
        "name": cohort.name,
        "cohortType": "user-defined",
        "info": {"datasets": [d.slug for d in datasets], "description": cohort.description},
    }
    try:
        criterion = analytics.criterion_from_dict(cohort.definition) if cohort.definition else None
    except analytics.CriterionError:
        return record  # a definition that no longer parses has no size to report
    size = _size(row_access, datasets, criterion)
    if size is not None:
        record["cohortSize"] = size
    return record


def cohort_records(viewer: Viewer, *, cohort_id: str | None = None) -> list[dict[str, Any]]:
    queryable = {dataset.slug: dataset for dataset in cohorts_access.queryable_datasets(viewer)}
    row_access = cohorts_access.row_access_by_slug(viewer, queryable.values())
    records = [
        dataset_cohort_record(row_access, dataset)
        for slug, dataset in queryable.items()
        if cohort_id is None or cohort_id == slug
    ]
    saved = cohorts_access.visible_cohorts(viewer)
    if cohort_id is not None:
        pk = cohort_id.removeprefix(SAVED_PREFIX)
        saved = (
            saved.filter(pk=int(pk)) if cohort_id.startswith(SAVED_PREFIX) and pk.isdigit() else saved.none()
        )
    records += [saved_cohort_record(row_access, cohort, queryable) for cohort in saved]
    return records


@dataclass(frozen=True)
class TermsPresent:
    cancer_codes: frozenset[str]
    sexes: frozenset[str]
    has_age: bool
    attributes: frozenset[str]


def terms_present(directory: Path) -> TermsPresent:
    """What a dataset version holds that a filter can name, read once per version folder (a version never
    changes; the folder's inode tells a version from a later one that reuses its path after a reset)."""
    stat = directory.stat()
    return _terms_present(directory, stat.st_ino, stat.st_mtime_ns)


@lru_cache(maxsize=256)
def _terms_present(directory: Path, inode: int, mtime_ns: int) -> TermsPresent:
    source = DatasetSource(key="", directory=directory)
    cancer_codes = set(distinct_values(source, "samples", "oncotree_code"))
    sexes: set[str] = set()
    has_age = False
    patients = directory / "patients.parquet"
    if patients.is_file():
        columns = ["diagnosis_system", "diagnosis_code", "sex", "age_years"]
        for patient in pq.read_table(patients, columns=columns).to_pylist():
            if patient["diagnosis_system"] == "oncotree" and patient["diagnosis_code"]:
                cancer_codes.add(str(patient["diagnosis_code"]))
            if patient["sex"]:
                sexes.add(str(patient["sex"]))
            has_age = has_age or patient["age_years"] is not None
    return TermsPresent(
        cancer_codes=frozenset(cancer_codes),
        sexes=frozenset(sexes),
        has_age=has_age,
        attributes=frozenset(distinct_values(source, "clinical_attributes", "attribute")),
    )


def filtering_terms(datasets: Sequence[Dataset]) -> dict[str, Any]:
    """Terms present in the datasets: cancer types (OncoTree and NCIt), sexes, age, clinical attributes."""
    present = [terms_present(Path(cohorts_access.dataset_source(dataset).directory)) for dataset in datasets]
    cancer_codes = set().union(*(p.cancer_codes for p in present))
    sexes = set().union(*(p.sexes for p in present))
    attributes = set().union(*(p.attributes for p in present))
    has_age = any(p.has_age for p in present)
    terms: list[dict[str, Any]] = []
    seen: set[str] = set()
    for code in sorted(code.upper() for code in cancer_codes):
        for term in [oncotree_term(code), *ncit_terms(code)]:
            if term.id not in seen:
                seen.add(term.id)
                terms.append(
                    {"type": "ontologyTerm", "id": term.id, "label": term.label, "scopes": CANCER_SCOPES}
                )
    for sex in sorted(sexes):
        term_id, label = SEX_TERMS.get(sex, SEX_TERMS["unknown"])
        if term_id not in seen:
            seen.add(term_id)
            terms.append({"type": "ontologyTerm", "id": term_id, "label": label, "scopes": INDIVIDUAL_SCOPES})
    if has_age:
        terms.append(
            {"type": "alphanumeric", "id": AGE_TERM[0], "label": AGE_TERM[1], "scopes": INDIVIDUAL_SCOPES}
        )
    for attribute in sorted(attributes):
        terms.append(
            {
                "type": "alphanumeric",
                "id": attribute,
                "label": f"Clinical attribute {attribute}",
                "scopes": CANCER_SCOPES,
            }
        )
    return {"filteringTerms": terms, "resources": RESOURCES}
