"""Cohort definitions as Ibis expressions: a criterion becomes the set of (dataset, patient_id) it selects.

Each leaf is one filter on one harmonised table; and/or/not are set intersection, union and difference
against everyone in the sources. Genomic criteria select a patient when any of their samples matches.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence
from functools import reduce

import ibis
import ibis.expr.types as ir
import pyarrow as pa

from oncobridge.analytics import engine
from oncobridge.analytics.definitions import (
    NON_SILENT_CLASSES,
    PATIENT_COLUMNS,
    AgeRange,
    And,
    Attribute,
    CancerType,
    CohortCount,
    Criterion,
    DatasetCount,
    DatasetSource,
    GeneMutated,
    Not,
    Or,
    PathwayAltered,
    ProteinChange,
    Sex,
    Stage,
    VariantClass,
)
from oncobridge.analytics.sources import PATIENT_KEY, SAMPLE_KEY, Tables, tables_for

MEMO_SIZE = 512  # criteria expressions kept per set of sources
_ROMAN_CONTINUATION = ["I", "V", "X"]  # "I" must not match "II" or "IV"


def cohort_patients(tables: Tables, criterion: Criterion | None) -> ir.Table:
    """(dataset, patient_id) of the patients the criterion selects; None selects everyone."""
    if criterion is None:
        return tables.universe
    key = ("patients", criterion)
    patients = tables.memo.get(key)
    if patients is None:
        if len(tables.memo) > MEMO_SIZE:
            tables.memo.clear()
        patients = tables.memo[key] = _COMPILERS[type(criterion)](tables, criterion)
    return patients


def cohort_samples(tables: Tables, criterion: Criterion | None) -> ir.Table:
    """(dataset, sample_id, patient_id) of every sample of the cohort's patients."""
    if criterion is None:
        return tables.sample_map
    return tables.sample_map.semi_join(cohort_patients(tables, criterion), PATIENT_KEY)


def non_silent(mutations: ir.Table, include_silent: bool = False) -> ir.Table:
    """maftools' "mutated": coding, non-silent variant classes, unless every variant is asked for."""
    if include_silent:
        return mutations
    return mutations.filter(mutations.variant_classification.isin(sorted(NON_SILENT_CLASSES)))


def cohort_count(sources: Sequence[DatasetSource], criterion: Criterion | None) -> CohortCount:
    tables = tables_for(sources)
    patients = cohort_patients(tables, criterion)
    per_dataset = patients.group_by("dataset").aggregate(patients=patients.count())
    members = tables.sample_map.semi_join(patients, PATIENT_KEY)
    samples = members.group_by("dataset").aggregate(samples=members.count())
    joined = per_dataset.left_join(samples, "dataset").select(
        per_dataset.dataset, per_dataset.patients, samples=samples.samples.fill_null(0)
    )
    counts = {
        row["dataset"]: DatasetCount(patients=row["patients"], samples=row["samples"])
        for row in engine.execute(joined).to_pylist()
    }
    by_dataset = {source.key: counts.get(source.key, DatasetCount(0, 0)) for source in sources}
    return CohortCount(
        patients=sum(count.patients for count in by_dataset.values()),
        samples=sum(count.samples for count in by_dataset.values()),
        by_dataset=by_dataset,
    )


def cohort_members(sources: Sequence[DatasetSource], criterion: Criterion | None) -> pa.Table:
    """dataset, patient_id, sample_id (null for a patient without samples), ordered by those."""
    tables = tables_for(sources)
    patients = cohort_patients(tables, criterion)
    samples = tables.sample_map
    joined = patients.left_join(samples, PATIENT_KEY).select(
        patients.dataset, patients.patient_id, samples.sample_id
    )
    return engine.execute(joined.order_by(["dataset", "patient_id", "sample_id"]))


# --- Leaves ---------------------------------------------------------------------------------------------


def _patients_where(tables: Tables, predicate: Callable[[ir.Table], ir.BooleanValue]) -> ir.Table:
    patients = tables.patients
    return patients.filter(predicate(patients)).select(*PATIENT_KEY).distinct()


def _patients_of_samples(tables: Tables, samples: ir.Table) -> ir.Table:
    """The patients owning the given (dataset, sample_id) rows."""
    return tables.sample_map.semi_join(samples, SAMPLE_KEY).select(*PATIENT_KEY).distinct()


def _patients_with_mutations(
    tables: Tables, predicate: Callable[[ir.Table], ir.BooleanValue], include_silent: bool = False
) -> ir.Table:
    mutations = non_silent(tables.mutations, include_silent)
    return _patients_of_samples(tables, mutations.filter(predicate(mutations)).select(*SAMPLE_KEY))


def _cancer_type(tables: Tables, criterion: CancerType) -> ir.Table:
    codes = sorted({code.upper() for code in criterion.codes})
    samples = tables.samples
    by_sample = _patients_of_samples(
        tables, samples.filter(samples.oncotree_code.upper().isin(codes)).select(*SAMPLE_KEY)
    )
    by_diagnosis = _patients_where(
        tables,
        lambda p: (p.diagnosis_system.lower() == "oncotree") & p.diagnosis_code.upper().isin(codes),
    )
    return ibis.union(by_sample, by_diagnosis, distinct=True)


def _age_range(tables: Tables, criterion: AgeRange) -> ir.Table:
    def predicate(patients: ir.Table) -> ir.BooleanValue:
        conditions = [patients.age_years.notnull()]
        if criterion.min_years is not None:
            conditions.append(patients.age_years >= criterion.min_years)
        if criterion.max_years is not None:
            conditions.append(patients.age_years <= criterion.max_years)
        return reduce(lambda a, b: a & b, conditions)

    return _patients_where(tables, predicate)


def _sex(tables: Tables, criterion: Sex) -> ir.Table:
    return _patients_where(tables, lambda p: p.sex.lower() == criterion.value.lower())


def _stage(tables: Tables, criterion: Stage) -> ir.Table:
    def predicate(patients: ir.Table) -> ir.BooleanValue:
        stage = patients.stage.upper().strip()
        stage = ibis.cases((stage.startswith("STAGE "), stage.substr(6).strip()), else_=stage)
        matches = [
            stage.startswith(prefix) & ~stage.substr(len(prefix), 1).isin(_ROMAN_CONTINUATION)
            for prefix in sorted(
                {value.strip().upper().removeprefix("STAGE ").strip() for value in criterion.values}
            )
        ]
        return reduce(lambda a, b: a | b, matches)

    return _patients_where(tables, predicate)


def _attribute(tables: Tables, criterion: Attribute) -> ir.Table:
    attributes = tables.clinical_attributes
    rows = attributes.filter(
        (attributes.attribute.upper() == criterion.name.upper()) & _attribute_predicate(attributes, criterion)
    )
    by_patient = rows.filter(rows.entity_type == "patient").select(rows.dataset, patient_id=rows.entity_id)
    samples = rows.filter(rows.entity_type == "sample").select(rows.dataset, sample_id=rows.entity_id)
    matched = ibis.union(by_patient.distinct(), _patients_of_samples(tables, samples), distinct=True)
    column = criterion.name.lower()
    if column in PATIENT_COLUMNS:  # sex, age, stage and vital status live on the patients table too
        patients = tables.patients
        value = patients[column].cast("string")
        if column == "age_years":
            value = patients[column]
        by_column = patients.filter(_compare(value, criterion, numeric=column == "age_years"))
        matched = ibis.union(matched, by_column.select(*PATIENT_KEY), distinct=True)
    return matched


def _attribute_predicate(attributes: ir.Table, criterion: Attribute) -> ir.BooleanValue:
    numeric = attributes.datatype.upper() == "NUMBER"
    as_number = _compare(attributes.value.try_cast("float64"), criterion, numeric=True)
    as_text = _compare(attributes.value, criterion, numeric=False)
    if criterion.op in ("lt", "le", "gt", "ge"):
        return numeric & as_number.fill_null(False)
    if _number(criterion.value) is None:
        return as_text.fill_null(False)
    return ibis.cases((numeric, as_number.fill_null(False)), else_=as_text.fill_null(False))


def _number(value: object) -> float | None:
    if isinstance(value, float | int):
        return float(value)
    if isinstance(value, str):
        try:
            return float(value)
        except ValueError:
            return None
    return None


def _compare(column: ir.Value, criterion: Attribute, *, numeric: bool) -> ir.BooleanValue:
    """The attribute comparison on a column: numbers numerically, text case-insensitively."""
    op, value = criterion.op, criterion.value
    if op == "in":
        values = value if isinstance(value, tuple) else (str(value),)
        if numeric:
            numbers = [n for n in (_number(v) for v in values) if n is not None]
            return column.isin(numbers) if numbers else ibis.literal(False)
        return column.lower().isin(sorted({v.lower() for v in values}))
    if numeric:
        number = _number(value)
        if number is None:
            return ibis.literal(False)
        return {
            "eq": column == number,
            "ne": column != number,
            "lt": column < number,
            "le": column <= number,
            "gt": column > number,
            "ge": column >= number,
        }[op]
    text = str(value).lower() if not isinstance(value, float) else _format_number(value)
    if op == "eq":
        return column.lower() == text
    if op == "ne":
        return column.lower() != text
    return ibis.literal(False)


def _format_number(value: float) -> str:
    return str(int(value)) if value.is_integer() else str(value)


def _patients_with_mutated_genes(tables: Tables, genes: Sequence[str]) -> ir.Table:
    """Patients with a maftools "mutated" variant in any of the genes (read from the mutated pairs)."""
    pairs = tables.mutated_pairs
    chosen = sorted(set(genes))
    matches = pairs.gene == chosen[0] if len(chosen) == 1 else pairs.gene.isin(chosen)
    return _patients_of_samples(tables, pairs.filter(matches).select(*SAMPLE_KEY))


def _gene_mutated(tables: Tables, criterion: GeneMutated) -> ir.Table:
    if not criterion.include_silent:
        return _patients_with_mutated_genes(tables, [criterion.gene])
    return _patients_with_mutations(tables, lambda m: m.gene == criterion.gene, include_silent=True)


_THREE_LETTER = {
    "Ala": "A", "Arg": "R", "Asn": "N", "Asp": "D", "Cys": "C", "Gln": "Q", "Glu": "E", "Gly": "G",
    "His": "H", "Ile": "I", "Leu": "L", "Lys": "K", "Met": "M", "Phe": "F", "Pro": "P", "Ser": "S",
    "Thr": "T", "Trp": "W", "Tyr": "Y", "Val": "V", "Ter": "*", "Sec": "U",
}  # fmt: skip
_THREE_LETTER_CODE = re.compile("|".join(_THREE_LETTER))


def protein_change_spellings(change: str) -> list[str]:
    """ "p.G12C", "G12C" and "p.Gly12Cys" all name the same change; the spellings a MAF may hold."""
    short = change.strip().removeprefix("p.")
    short = _THREE_LETTER_CODE.sub(lambda m: _THREE_LETTER[m.group(0)], short)
    return sorted({f"p.{short}", short})


def _protein_change(tables: Tables, criterion: ProteinChange) -> ir.Table:
    spellings = protein_change_spellings(criterion.change)
    return _patients_with_mutations(
        tables, lambda m: (m.gene == criterion.gene) & m.hgvsp_short.isin(spellings), include_silent=True
    )


def _variant_class(tables: Tables, criterion: VariantClass) -> ir.Table:
    def predicate(mutations: ir.Table) -> ir.BooleanValue:
        matches = mutations.variant_classification.isin(sorted(criterion.classes))
        return matches if criterion.gene is None else matches & (mutations.gene == criterion.gene)

    return _patients_with_mutations(tables, predicate, include_silent=True)


def _pathway(tables: Tables, criterion: PathwayAltered) -> ir.Table:
    return _patients_with_mutated_genes(tables, criterion.genes)


def _and(tables: Tables, criterion: And) -> ir.Table:
    parts = [cohort_patients(tables, item) for item in criterion.items]
    return parts[0] if len(parts) == 1 else ibis.intersect(*parts, distinct=True)


def _or(tables: Tables, criterion: Or) -> ir.Table:
    parts = [cohort_patients(tables, item) for item in criterion.items]
    return parts[0] if len(parts) == 1 else ibis.union(*parts, distinct=True)


def _not(tables: Tables, criterion: Not) -> ir.Table:
    return ibis.difference(tables.universe, cohort_patients(tables, criterion.item), distinct=True)


_COMPILERS: dict[type, Callable[[Tables, ...], ir.Table]] = {  # type: ignore[misc]
    CancerType: _cancer_type,
    AgeRange: _age_range,
    Sex: _sex,
    Stage: _stage,
    Attribute: _attribute,
    GeneMutated: _gene_mutated,
    ProteinChange: _protein_change,
    VariantClass: _variant_class,
    PathwayAltered: _pathway,
    And: _and,
    Or: _or,
    Not: _not,
}
