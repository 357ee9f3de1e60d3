"""The harmonised tables, as Arrow schemas: every reader produces these, the analytics core reads them.

Stored tables are de-identified: dates appear only as day offsets (`*_day`) from a per-patient anchor, and
ages are capped (see deidentify.py). Readers may return `*_date` (date32) columns and `birth_date` before
de-identification; deidentify turns them into these shapes.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

import pyarrow as pa
import pyarrow.compute as pc

PATIENTS = pa.schema(
    [
        pa.field("patient_id", pa.string(), nullable=False),
        pa.field("sex", pa.string()),  # "female" | "male" | "other" | "unknown"
        pa.field("age_years", pa.float64()),  # at the anchor (usually diagnosis); capped at 90
        pa.field("vital_status", pa.string()),  # "alive" | "deceased"
        pa.field("diagnosis_code", pa.string()),  # e.g. SNOMED 408643008, OncoTree BRCA, NCIT:C7541
        pa.field("diagnosis_system", pa.string()),  # "snomed" | "icd-10" | "icd-o-3" | "oncotree" | "ncit"
        pa.field("diagnosis_label", pa.string()),
        pa.field("stage", pa.string()),  # e.g. "IV", or a TNM string
    ]
)

SAMPLES = pa.schema(
    [
        pa.field("sample_id", pa.string(), nullable=False),
        pa.field("patient_id", pa.string(), nullable=False),
        pa.field(
            "sample_type", pa.string()
        ),  # "primary" | "metastasis" | "recurrence" | "normal" | free text
        pa.field("oncotree_code", pa.string()),
        pa.field("tissue", pa.string()),
    ]
)

MUTATIONS = pa.schema(
    [
        pa.field("sample_id", pa.string(), nullable=False),
        pa.field("gene", pa.string()),  # current HUGO symbol from the gene vocabulary; null when unknown
        pa.field(
            "submitted_gene", pa.string()
        ),  # what the file said, kept so that unknown genes stay visible
        pa.field("entrez_id", pa.int64()),
        pa.field(
            "chromosome", pa.string()
        ),  # "1".."22", "X", "Y", "MT", a contig; null when only gene + HGVS are known (FHIR)
        pa.field("start", pa.int64()),  # 1-based; null for calls without a position (maftools' FLT3 ITDs)
        pa.field("end", pa.int64()),
        pa.field("reference_allele", pa.string()),
        pa.field("tumor_seq_allele2", pa.string()),
        pa.field("variant_classification", pa.string()),  # the MAF/GDC vocabulary (Missense_Mutation, ...)
        pa.field("variant_type", pa.string()),  # SNP DNP TNP ONP INS DEL
        pa.field("hgvsp_short", pa.string()),  # p.G12C
        pa.field("t_alt_count", pa.int64()),
        pa.field("t_ref_count", pa.int64()),
        pa.field("ncbi_build", pa.string()),  # "GRCh37" | "GRCh38"
    ]
)

CLINICAL_ATTRIBUTES = pa.schema(
    [
        pa.field("entity_type", pa.string(), nullable=False),  # "patient" | "sample"
        pa.field("entity_id", pa.string(), nullable=False),
        pa.field("attribute", pa.string(), nullable=False),
        pa.field("value", pa.string()),
        pa.field("datatype", pa.string(), nullable=False),  # "STRING" | "NUMBER" | "BOOLEAN"
    ]
)

OUTCOMES = pa.schema(
    [
        pa.field("patient_id", pa.string(), nullable=False),
        pa.field("endpoint", pa.string(), nullable=False),  # "OS" | "DFS" | "PFS" | "DSS" | a mapping's name
        pa.field("time_months", pa.float64(), nullable=False),
        pa.field("event", pa.bool_(), nullable=False),
    ]
)

TREATMENTS = pa.schema(
    [
        pa.field("patient_id", pa.string(), nullable=False),
        pa.field("treatment", pa.string()),  # a display name, e.g. "fulvestrant Injectable Product"
        pa.field("code", pa.string()),
        pa.field("code_system", pa.string()),  # "rxnorm" | "ncit" | ...
        pa.field("status", pa.string()),
        pa.field("start_day", pa.int32()),  # days from the patient's anchor
    ]
)

# Days in a month as used by cBioPortal and most survival papers (365.25 / 12).
DAYS_PER_MONTH = 30.4375


def empty(schema: pa.Schema) -> pa.Table:
    return schema.empty_table()


def table_from_rows(schema: pa.Schema, rows: list[dict[str, object]]) -> pa.Table:
    """A table of the schema from row dicts (small tables: clinical, FHIR, phenopackets)."""
    return pa.Table.from_pylist(rows, schema=schema)


@dataclass(frozen=True)
class Dangling:
    """Rows of `table` whose `column` names ids that `target` does not have."""

    table: str
    column: str
    target: str
    ids: list[str]  # the missing ids, sorted
    rows: int  # rows of `table` naming them


# (table, its column, the table it refers to, that table's id column, rows of `table` it concerns)
_REFERENCES: tuple[tuple[str, str, str, str, str | None], ...] = (
    ("samples", "patient_id", "patients", "patient_id", None),
    ("outcomes", "patient_id", "patients", "patient_id", None),
    ("treatments", "patient_id", "patients", "patient_id", None),
    ("clinical_attributes", "entity_id", "patients", "patient_id", "patient"),
    ("clinical_attributes", "entity_id", "samples", "sample_id", "sample"),
    ("mutations", "sample_id", "samples", "sample_id", None),
)


def _reference_columns() -> dict[str, list[str]]:
    needed: dict[str, set[str]] = {}
    for table, column, target, target_column, entity_type in _REFERENCES:
        needed.setdefault(table, set()).update([column, "entity_type"] if entity_type else [column])
        needed.setdefault(target, set()).add(target_column)
    return {name: sorted(columns) for name, columns in needed.items()}


# The columns dangling_references reads from each table; callers need not load the others.
REFERENCE_COLUMNS = _reference_columns()


def dangling_references(named: Mapping[str, pa.Table]) -> list[Dangling]:
    """The references one version's tables leave unresolved: samples, outcomes, treatments and patient
    attributes need their patient; sample attributes need their sample, and so do mutations when the
    dataset has a samples table (a dataset of mutations alone, with no clinical data, is allowed).

    Tables need only their REFERENCE_COLUMNS (mutations: sample_id).
    """
    found: list[Dangling] = []
    for table, column, target, target_column, entity_type in _REFERENCES:
        rows = named.get(table)
        if rows is None or rows.num_rows == 0:
            continue
        if table == "mutations" and target not in named:
            continue
        if entity_type is not None:
            rows = rows.filter(pc.equal(rows["entity_type"], entity_type))
        known = named[target][target_column] if target in named else pa.array([], pa.string())
        missing = pc.invert(pc.is_in(rows[column], value_set=known))
        count = pc.sum(pc.cast(missing, pa.int64())).as_py() or 0
        if count:
            ids = sorted(pc.unique(rows[column].filter(missing)).to_pylist())
            found.append(Dangling(table, column, target, ids, count))
    return found
