"""Clinical attribute distributions over a cohort: counts per category, or a histogram and summary.

An attribute is a patients column (sex, age_years, stage, vital_status) or a clinical attribute row's name
(patient or sample level, matched case-insensitively). Numbers are summarised as numbers when the column is
numeric or every row of the attribute says NUMBER.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Sequence

import ibis.expr.types as ir
import numpy as np

from oncobridge.analytics import engine
from oncobridge.analytics.cohort import cohort_patients
from oncobridge.analytics.definitions import (
    PATIENT_COLUMNS,
    AttributeDistribution,
    Criterion,
    DatasetSource,
)
from oncobridge.analytics.sources import PATIENT_KEY, tables_for

_NUMERIC_COLUMNS = frozenset({"age_years"})


def attribute_distribution(
    sources: Sequence[DatasetSource], criterion: Criterion | None, attribute: str
) -> AttributeDistribution:
    tables = tables_for(sources)
    cohort = cohort_patients(tables, criterion)
    column = attribute.strip().lower()
    if column in PATIENT_COLUMNS:
        patients = tables.patients.semi_join(cohort, PATIENT_KEY)
        column_values: list[object] = (
            engine.execute(patients.select(value=patients[column])).column("value").to_pylist()
        )
        return _distribution(column, column_values, _count(cohort), numeric=column in _NUMERIC_COLUMNS)
    rows = tables.clinical_attributes
    rows = rows.filter(rows.attribute.upper() == attribute.strip().upper())
    members = tables.sample_map.semi_join(cohort, PATIENT_KEY)
    of_patients = rows.filter(rows.entity_type == "patient").semi_join(
        cohort.rename(entity_id="patient_id"), ["dataset", "entity_id"]
    )
    of_samples = rows.filter(rows.entity_type == "sample").semi_join(
        members.select("dataset", entity_id="sample_id"), ["dataset", "entity_id"]
    )
    found = engine.execute(
        of_patients.union(of_samples, distinct=False).select("entity_type", "value", "datatype")
    )
    types = found.column("entity_type").to_pylist()
    sample_level = bool(types) and types.count("sample") > types.count("patient")
    entities = _count(members) if sample_level else _count(cohort)
    datatypes = {value.upper() for value in found.column("datatype").to_pylist()}
    numeric = datatypes == {"NUMBER"}
    raw = found.column("value").to_pylist()
    values: list[object] = [_as_number(value) for value in raw] if numeric else list(raw)
    return _distribution(attribute, values, entities, numeric=numeric)


def _count(table: ir.Table) -> int:
    return int(engine.execute(table.aggregate(n=table.count())).column("n")[0].as_py())


def _as_number(value: str | None) -> float | None:
    try:
        return float(value) if value is not None else None
    except ValueError:
        return None


def _distribution(name: str, values: list[object], entities: int, *, numeric: bool) -> AttributeDistribution:
    present = [value for value in values if value is not None and value != ""]
    missing = float(max(entities - len(present), 0))
    if not numeric:
        counts = Counter(str(value) for value in present)
        categories = sorted(counts.items(), key=lambda item: (-item[1], item[0]))
        summary = {"n": float(len(present)), "missing": missing, "categories": float(len(categories))}
        return AttributeDistribution(name, "categorical", categories, [], summary)
    numbers = np.array(
        [float(value) for value in present if isinstance(value, int | float)], dtype=np.float64
    )
    numbers = numbers[np.isfinite(numbers)]
    summary = {"n": float(numbers.size), "missing": missing + len(present) - numbers.size}
    if numbers.size == 0:
        return AttributeDistribution(name, "numeric", [], [], summary)
    heights, edges = np.histogram(numbers, bins=np.histogram_bin_edges(numbers, bins="sturges"))
    bins = [
        (float(low), float(high), int(count))
        for low, high, count in zip(edges[:-1], edges[1:], heights, strict=True)
    ]
    q1, median, q3 = (float(v) for v in np.quantile(numbers, [0.25, 0.5, 0.75]))
    summary |= {
        "min": float(numbers.min()),
        "q1": q1,
        "median": median,
        "q3": q3,
        "max": float(numbers.max()),
        "mean": float(numbers.mean()),
    }
    return AttributeDistribution(name, "numeric", [], bins, summary)
