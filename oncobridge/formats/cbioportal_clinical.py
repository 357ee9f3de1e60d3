"""cBioPortal clinical patient and sample files -> patients, samples, clinical attributes and outcomes.

The format: four "#" lines (display names, descriptions, datatypes, priorities), the header, then one row per
patient (data_clinical_patient.txt) or sample (data_clinical_sample.txt). Survival endpoints come in pairs,
<X>_MONTHS and <X>_STATUS with "1:DECEASED"-style values. Clinical files are small (one row per patient),
so they are read line by line in Python, which keeps line numbers exact and messages precise.
"""

from __future__ import annotations

import re
import zlib
from collections.abc import Container, Iterator, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Literal

import pyarrow as pa

from oncobridge.formats import tables
from oncobridge.formats._text import open_text
from oncobridge.formats.problems import FormatError, Problem, Problems

DATATYPES = frozenset({"STRING", "NUMBER", "BOOLEAN"})
# The values cBioPortal's own validator treats as "no value".
NULL_VALUES = frozenset(
    {
        "",
        "na",
        "nan",
        "[not applicable]",
        "[not available]",
        "[pending]",
        "[discrepancy]",
        "[completed]",
        "[null]",
        "[unknown]",
        "[not evaluated]",
        "[not reported]",
    }
)
_NUMBER = re.compile(r"^[+-]?(\d+(\.\d*)?|\.\d+)([eE][+-]?\d+)?$")
_STATUS = re.compile(r"^([01])\s*:\s*\S.*$")
# Status words written without the "0:"/"1:" prefix by older studies.
LEGACY_STATUS = {
    "living": False,
    "alive": False,
    "deceased": True,
    "dead": True,
    "diseasefree": False,
    "disease free": False,
    "recurred/progressed": True,
    "recurred": True,
    "progressed": True,
    "censored": False,
    "progression": True,
}
UnknownOncoTree = Literal["error", "warn"]
BOOLEANS = {"true": True, "false": False, "yes": True, "no": False, "1": True, "0": False}
SEX_VALUES = {
    "male": "male",
    "m": "male",
    "female": "female",
    "f": "female",
    "other": "other",
    "unknown": "unknown",
}


@dataclass
class ClinicalRead:
    patients: pa.Table
    samples: pa.Table
    attributes: pa.Table
    outcomes: pa.Table
    warnings: list[Problem] = field(default_factory=list)

    @property
    def sample_ids(self) -> set[str]:
        return set(self.samples["sample_id"].to_pylist())


@dataclass(frozen=True)
class OncoTreeCodes:
    """What the reader checks ONCOTREE_CODE values against (the caller's vocabulary; this package stays pure).

    `current`: today's codes, case-insensitive. `former`: retired or renamed codes (GBM, DIPG...) that older
    cBioPortal studies still carry, with the code(s) that replaced each; one replacement is taken with a
    warning. `unknown`: "error" refuses other codes; "warn" (for a partial vocabulary) only reports them.
    """

    current: Container[str]
    former: Mapping[str, tuple[str, ...]] = field(default_factory=dict)
    unknown: UnknownOncoTree = "error"


@dataclass(frozen=True, slots=True)
class _Row:
    line: int
    values: dict[str, str | None]


@dataclass
class _ClinicalFile:
    path: Path
    problems: Problems
    header: list[str] = field(default_factory=list)
    datatypes: dict[str, str] = field(default_factory=dict)
    rows: list[_Row] = field(default_factory=list)

    def read(self) -> None:
        meta: list[tuple[int, list[str]]] = []
        try:
            for number, text in _lines(self.path):
                if not self.header:
                    if text.startswith("#"):
                        meta.append((number, text[1:].split("\t")))
                        continue
                    self.header = [name.strip() for name in text.split("\t")]
                    self._check_meta(meta, number)
                    continue
                if not text.strip():
                    continue
                fields = text.split("\t")
                if len(fields) != len(self.header):
                    self.problems.add(
                        number, None, f"expected {len(self.header)} tab-separated fields, found {len(fields)}"
                    )
                    continue
                values = {
                    name: None if value.strip().lower() in NULL_VALUES else value.strip()
                    for name, value in zip(self.header, fields, strict=True)
                }
                self.rows.append(_Row(number, values))
        except (OSError, EOFError, zlib.error) as exc:
            self.problems.add(None, None, f"the file is truncated or unreadable: {exc}")
        if not self.header:
            self.problems.add(None, None, "the file has no header line")

    def _check_meta(self, meta: list[tuple[int, list[str]]], header_line: int) -> None:
        if len(meta) != 4:
            self.problems.add(
                header_line,
                None,
                "expected 4 '#' header lines (display names, descriptions, datatypes, priorities), "
                f"found {len(meta)}",
            )
            self.datatypes = dict.fromkeys(self.header, "STRING")
            return
        for line, fields in meta:
            if len(fields) != len(self.header):
                self.problems.add(
                    line, None, f"expected {len(self.header)} fields like the header, found {len(fields)}"
                )
        datatype_line, datatypes = meta[2]
        for name, datatype in zip(self.header, datatypes, strict=False):
            kind = datatype.strip().upper()
            if kind not in DATATYPES:
                self.problems.add(
                    datatype_line, name, f"datatype {datatype.strip()!r} is not STRING, NUMBER or BOOLEAN"
                )
            self.datatypes[name] = kind if kind in DATATYPES else "STRING"
        priority_line, priorities = meta[3]
        for name, priority in zip(self.header, priorities, strict=False):
            if not re.fullmatch(r"-?\d+", priority.strip()):
                self.problems.add(priority_line, name, f"priority {priority.strip()!r} is not an integer")

    def check_values(self) -> None:
        for row in self.rows:
            for name, value in row.values.items():
                if value is None:
                    continue
                kind = self.datatypes.get(name, "STRING")
                if kind == "NUMBER" and not _NUMBER.match(value):
                    self.problems.add(
                        row.line, name, f"{value!r} is not a number (the column is declared NUMBER)"
                    )
                elif kind == "BOOLEAN" and value.lower() not in BOOLEANS:
                    self.problems.add(
                        row.line, name, f"{value!r} is not TRUE or FALSE (the column is declared BOOLEAN)"
                    )

    def unique_ids(self, column: str) -> dict[str, _Row]:
        if column not in self.header:
            self.problems.add(None, None, f"missing required column {column}")
            return {}
        seen: dict[str, _Row] = {}
        for row in self.rows:
            identifier = row.values[column]
            if identifier is None:
                self.problems.add(row.line, column, "is empty")
            elif identifier in seen:
                self.problems.add(
                    row.line, column, f"{identifier!r} is a duplicate of line {seen[identifier].line}"
                )
            else:
                seen[identifier] = row
        return seen


def _lines(path: Path) -> Iterator[tuple[int, str]]:
    with open_text(path) as handle:
        for number, raw in enumerate(handle, start=1):
            yield number, raw.rstrip("\n")


def parse_status(value: str) -> bool | None:
    """ "1:DECEASED" -> True, "0:LIVING" -> False, legacy "DECEASED" -> True; None when not a status."""
    match = _STATUS.match(value)
    if match:
        return match.group(1) == "1"
    return LEGACY_STATUS.get(value.strip().lower())


def read_cbioportal_clinical(
    *,
    patient_file: Path | str | None = None,
    sample_file: Path | str | None = None,
    known_patients: frozenset[str] | None = None,
    oncotree: OncoTreeCodes | None = None,
) -> ClinicalRead:
    """Read a patient file, a sample file or both: samples must name a patient of the patient file, or of
    `known_patients` (the dataset's patients) when a sample file comes alone. With `oncotree`, every
    ONCOTREE_CODE value must be an OncoTree code (CANCER_TYPE is a free-text name in cBioPortal's format,
    so it is not checked)."""
    if patient_file is None and sample_file is None:
        raise ValueError("give a patient file, a sample file or both")
    all_problems: list[Problems] = []
    patients: dict[str, _Row] = {}
    patient_rows: list[dict[str, object]] = []
    sample_rows: list[dict[str, object]] = []
    attribute_rows: list[dict[str, object]] = []
    outcome_rows: list[dict[str, object]] = []

    if patient_file is not None:
        clinical = _ClinicalFile(Path(patient_file), Problems(Path(patient_file).name))
        all_problems.append(clinical.problems)
        clinical.read()
        clinical.check_values()
        patients = clinical.unique_ids("PATIENT_ID")
        if oncotree is not None:
            for row in patients.values():
                _oncotree_code(clinical, row, oncotree)
        endpoints = _endpoints(clinical)
        for patient_id, row in patients.items():
            values = row.values
            patient_rows.append(
                {
                    "patient_id": patient_id,
                    "sex": _sex(clinical, row),
                    "age_years": _number(values.get("AGE")),
                    "vital_status": _vital_status(values.get("OS_STATUS")),
                    "diagnosis_code": None,
                    "diagnosis_system": None,
                    "diagnosis_label": None,
                    "stage": values.get("AJCC_PATHOLOGIC_TUMOR_STAGE") or values.get("STAGE"),
                }
            )
            attribute_rows.extend(_attributes(clinical, "patient", patient_id, row, skip={"PATIENT_ID"}))
            outcome_rows.extend(_outcomes(clinical, patient_id, row, endpoints))

    if sample_file is not None:
        clinical = _ClinicalFile(Path(sample_file), Problems(Path(sample_file).name))
        all_problems.append(clinical.problems)
        clinical.read()
        clinical.check_values()
        samples = clinical.unique_ids("SAMPLE_ID")
        if clinical.header and "PATIENT_ID" not in clinical.header:
            clinical.problems.add(None, None, "missing required column PATIENT_ID")
        for sample_id, row in samples.items():
            sample_patient = row.values.get("PATIENT_ID")
            if sample_patient is None:
                clinical.problems.add(row.line, "PATIENT_ID", "is empty")
                continue
            if patient_file is not None and sample_patient not in patients:
                clinical.problems.add(
                    row.line, "PATIENT_ID", f"{sample_patient!r} is not a patient in the patient file"
                )
            elif patient_file is None and known_patients is not None and sample_patient not in known_patients:
                clinical.problems.add(
                    row.line,
                    "PATIENT_ID",
                    f"{sample_patient!r} is not a patient of the dataset (import its patient file with it)",
                )
            sample_rows.append(
                {
                    "sample_id": sample_id,
                    "patient_id": sample_patient,
                    "sample_type": row.values.get("SAMPLE_TYPE"),
                    "oncotree_code": _oncotree_code(clinical, row, oncotree)
                    if oncotree is not None
                    else row.values.get("ONCOTREE_CODE"),
                    "tissue": row.values.get("TISSUE_SITE") or row.values.get("PRIMARY_SITE"),
                }
            )
            attribute_rows.extend(
                _attributes(clinical, "sample", sample_id, row, skip={"SAMPLE_ID", "PATIENT_ID"})
            )

    _raise_all(all_problems)
    return ClinicalRead(
        patients=tables.table_from_rows(tables.PATIENTS, patient_rows),
        samples=tables.table_from_rows(tables.SAMPLES, sample_rows),
        attributes=tables.table_from_rows(tables.CLINICAL_ATTRIBUTES, attribute_rows),
        outcomes=tables.table_from_rows(tables.OUTCOMES, outcome_rows),
        warnings=[warning for problems in all_problems for warning in problems.warnings],
    )


def _raise_all(all_problems: list[Problems]) -> None:
    errors = [problem for problems in all_problems for problem in problems.errors]
    errors.sort(key=lambda problem: (problem.file, problem.line or 0, problem.field or ""))
    omitted = sum(problems.omitted for problems in all_problems)
    if errors or omitted:
        raise FormatError(errors, omitted)


def _endpoints(clinical: _ClinicalFile) -> list[str]:
    """Endpoints with both <X>_MONTHS and <X>_STATUS columns (OS, DFS, PFS, DSS, ...)."""
    endpoints = []
    for name in clinical.header:
        if name.endswith("_STATUS") and name[: -len("_STATUS")] + "_MONTHS" in clinical.header:
            endpoints.append(name[: -len("_STATUS")])
    for name in clinical.header:
        if name.endswith("_MONTHS") and name[: -len("_MONTHS")] + "_STATUS" not in clinical.header:
            clinical.problems.warn(
                None, name, "has no matching _STATUS column; not read as a survival endpoint"
            )
    return endpoints


def _outcomes(
    clinical: _ClinicalFile, patient_id: str, row: _Row, endpoints: list[str]
) -> list[dict[str, object]]:
    found = []
    for endpoint in endpoints:
        months_text, status_text = row.values.get(f"{endpoint}_MONTHS"), row.values.get(f"{endpoint}_STATUS")
        if status_text is None and months_text is None:
            continue
        event = parse_status(status_text) if status_text is not None else None
        if status_text is not None and event is None:
            clinical.problems.add(
                row.line,
                f"{endpoint}_STATUS",
                f"{status_text!r} is not a status like '1:DECEASED' or '0:LIVING'",
            )
            continue
        months = _number(months_text)
        if months is not None and months < 0:
            clinical.problems.add(row.line, f"{endpoint}_MONTHS", f"{months_text!r} is negative")
            continue
        if months is None or event is None:
            missing = f"{endpoint}_MONTHS" if months is None else f"{endpoint}_STATUS"
            clinical.problems.warn(
                row.line, missing, "is empty; this patient has no " + endpoint, kind="incomplete outcome"
            )
            continue
        found.append({"patient_id": patient_id, "endpoint": endpoint, "time_months": months, "event": event})
    return found


def _attributes(
    clinical: _ClinicalFile, entity_type: str, entity_id: str, row: _Row, *, skip: set[str]
) -> Iterator[dict[str, object]]:
    for name, value in row.values.items():
        if name in skip or value is None:
            continue
        yield {
            "entity_type": entity_type,
            "entity_id": entity_id,
            "attribute": name,
            "value": value,
            "datatype": clinical.datatypes.get(name, "STRING"),
        }


def _oncotree_code(clinical: _ClinicalFile, row: _Row, oncotree: OncoTreeCodes) -> str | None:
    """The sample's OncoTree code, upper case, a former code replaced; reports a code OncoTree lacks."""
    value = row.values.get("ONCOTREE_CODE")
    if value is None:
        return None
    code = value.upper()
    if code in oncotree.current:
        return code
    replacements = oncotree.former.get(code)
    if replacements:
        if len(replacements) == 1:
            clinical.problems.warn(
                row.line,
                "ONCOTREE_CODE",
                f"{value!r} is a former OncoTree code; read as {replacements[0]}",
                kind="former OncoTree code",
            )
            return replacements[0]
        clinical.problems.warn(
            row.line,
            "ONCOTREE_CODE",
            f"{value!r} is a former OncoTree code, since split into {', '.join(replacements)}; kept as given",
            kind="former OncoTree code",
        )
        return code
    message = f"{value!r} is not an OncoTree code"
    if oncotree.unknown == "error":
        clinical.problems.add(row.line, "ONCOTREE_CODE", message)
    else:
        clinical.problems.warn(row.line, "ONCOTREE_CODE", message, kind="unknown OncoTree code")
    return value


def _number(text: str | None) -> float | None:
    return float(text) if text is not None and _NUMBER.match(text) else None


def _vital_status(text: str | None) -> str | None:
    event = parse_status(text) if text else None
    return None if event is None else ("deceased" if event else "alive")


def _sex(clinical: _ClinicalFile, row: _Row) -> str | None:
    value = row.values.get("SEX") or row.values.get("GENDER")
    if value is None:
        return None
    sex = SEX_VALUES.get(value.lower())
    if sex is None:
        clinical.problems.add(row.line, "SEX", f"{value!r} is not Male, Female, Other or Unknown")
    return sex
