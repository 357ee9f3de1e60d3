"""Any clinical TSV plus a small YAML mapping -> patients, samples, clinical attributes and outcomes.

The mapping names the columns, so a site's own export needs no reformatting:

    patient_id: pid
    sample_id: sample            # optional
    survival:                    # optional
      time: time
      unit: days                 # days | months
      event: cens
      event_values: [1]          # values meaning the event happened; anything else listed in
      censored_values: [0]       # censored_values (optional) means censored, other values are refused
      endpoint: OS               # optional, default OS
    attributes:                  # our name -> column
      age: age
      tumour_grade: tgrade
"""

from __future__ import annotations

import re
import zlib
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml

from oncobridge.formats import tables
from oncobridge.formats._text import open_text
from oncobridge.formats.cbioportal_clinical import NULL_VALUES, ClinicalRead
from oncobridge.formats.problems import FormatError, Problems

_NUMBER = re.compile(r"^[+-]?(\d+(\.\d*)?|\.\d+)([eE][+-]?\d+)?$")
UNITS = {"days": 1 / tables.DAYS_PER_MONTH, "months": 1.0}
_MAPPING_KEYS = {"patient_id", "sample_id", "survival", "attributes"}
_SURVIVAL_KEYS = {"time", "unit", "event", "event_values", "censored_values", "endpoint"}


@dataclass(frozen=True)
class Survival:
    time: str
    unit: str
    event: str
    event_values: frozenset[str]
    censored_values: frozenset[str] | None = None
    endpoint: str = "OS"


@dataclass(frozen=True)
class ClinicalMapping:
    patient_id: str
    sample_id: str | None = None
    survival: Survival | None = None
    attributes: Mapping[str, str] = field(default_factory=dict)


def _text(value: object) -> str:
    # YAML turns 1 into an int and yes into a bool; the file holds text, so compare as text.
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value)


def load_mapping(path: Path | str) -> ClinicalMapping:
    """Parse and check a mapping file's shape (columns are checked against the data in read_clinical_tsv)."""
    path = Path(path)
    problems = Problems(path.name)
    try:
        raw: Any = yaml.safe_load(path.read_text(encoding="utf-8"))
    except UnicodeDecodeError as exc:
        line = exc.object[: exc.start].count(b"\n") + 1
        raise _single(path, "the mapping is not UTF-8 text; save it as UTF-8", line=line) from exc
    except (OSError, yaml.YAMLError) as exc:
        raise _single(path, f"cannot read the mapping: {exc}") from exc
    return mapping_from_dict(raw, problems)


def _single(path: Path, message: str, *, line: int | None = None) -> FormatError:
    problems = Problems(path.name)
    problems.add(line, None, message)
    return FormatError(problems.errors)


def mapping_from_dict(raw: object, problems: Problems) -> ClinicalMapping:
    if not isinstance(raw, dict):
        problems.add(None, None, "the mapping must be a YAML mapping with at least patient_id")
        problems.raise_if_any()
        raise AssertionError("unreachable")  # pragma: no cover
    for key in sorted(set(raw) - _MAPPING_KEYS):
        problems.add(None, str(key), f"unknown mapping key (expected {', '.join(sorted(_MAPPING_KEYS))})")
    if not isinstance(raw.get("patient_id"), str):
        problems.add(None, "patient_id", "must name the patient id column")
    sample_id = raw.get("sample_id")
    if sample_id is not None and not isinstance(sample_id, str):
        problems.add(None, "sample_id", "must name a column")
    survival = None
    if raw.get("survival") is not None:
        survival = _survival(raw["survival"], problems)
    attributes = raw.get("attributes") or {}
    if not isinstance(attributes, dict) or not all(isinstance(v, str) for v in attributes.values()):
        problems.add(None, "attributes", "must map attribute names to column names")
        attributes = {}
    problems.raise_if_any()
    return ClinicalMapping(
        patient_id=raw["patient_id"],
        sample_id=sample_id,
        survival=survival,
        attributes={str(name): column for name, column in attributes.items()},
    )


def _survival(raw: object, problems: Problems) -> Survival | None:
    if not isinstance(raw, dict):
        problems.add(None, "survival", "must be a mapping with time, unit, event and event_values")
        return None
    for key in sorted(set(raw) - _SURVIVAL_KEYS):
        problems.add(None, f"survival.{key}", "unknown key")
    for key in ("time", "event"):
        if not isinstance(raw.get(key), str):
            problems.add(None, f"survival.{key}", "must name a column")
    unit = raw.get("unit")
    if unit not in UNITS:
        problems.add(None, "survival.unit", f"{unit!r} is not days or months")
    event_values = raw.get("event_values")
    if not isinstance(event_values, list) or not event_values:
        problems.add(None, "survival.event_values", "must list the values that mean an event")
        event_values = []
    censored = raw.get("censored_values")
    if censored is not None and not isinstance(censored, list):
        problems.add(None, "survival.censored_values", "must be a list")
        censored = None
    if problems:
        return None
    return Survival(
        time=raw["time"],
        unit=str(unit),
        event=raw["event"],
        event_values=frozenset(_text(value) for value in event_values),
        censored_values=None if censored is None else frozenset(_text(value) for value in censored),
        endpoint=str(raw.get("endpoint") or "OS"),
    )


def read_clinical_tsv(path: Path | str, mapping: ClinicalMapping) -> ClinicalRead:
    """Read the TSV by the mapping; FormatError names unknown columns and every bad value's line and field."""
    path = Path(path)
    problems = Problems(path.name)
    header: list[str] = []
    rows: list[tuple[int, dict[str, str | None]]] = []
    try:
        with open_text(path) as handle:
            for number, raw_line in enumerate(handle, start=1):
                text = raw_line.rstrip("\n")
                if not header:
                    if text.startswith("#") or not text.strip():
                        continue
                    header = [name.strip() for name in text.split("\t")]
                    _check_columns(mapping, header, number, problems)
                    continue
                if not text.strip():
                    continue
                fields = text.split("\t")
                if len(fields) != len(header):
                    problems.add(
                        number, None, f"expected {len(header)} tab-separated fields, found {len(fields)}"
                    )
                    continue
                rows.append(
                    (
                        number,
                        {
                            n: None if v.strip().lower() in NULL_VALUES else v.strip()
                            for n, v in zip(header, fields, strict=True)
                        },
                    )
                )
    except (OSError, EOFError, zlib.error) as exc:
        problems.add(None, None, f"the file is truncated or unreadable: {exc}")
    if not header:
        problems.add(None, None, "the file has no header line")
    problems.raise_if_any()

    patients: dict[str, int] = {}
    samples: dict[str, int] = {}
    patient_rows: list[dict[str, object]] = []
    sample_rows: list[dict[str, object]] = []
    attribute_rows: list[dict[str, object]] = []
    outcome_rows: list[dict[str, object]] = []
    datatypes = {name: _datatype(column, rows) for name, column in mapping.attributes.items()}
    for line, values in rows:
        patient_id = values[mapping.patient_id]
        if patient_id is None:
            problems.add(line, mapping.patient_id, "is empty")
            continue
        new_patient = patient_id not in patients
        if mapping.sample_id is not None:
            sample_id = values[mapping.sample_id]
            if sample_id is None:
                problems.add(line, mapping.sample_id, "is empty")
            elif sample_id in samples:
                problems.add(
                    line, mapping.sample_id, f"{sample_id!r} is a duplicate of line {samples[sample_id]}"
                )
            else:
                samples[sample_id] = line
                sample_rows.append({"sample_id": sample_id, "patient_id": patient_id})
        elif not new_patient:
            # Without a sample column each row is a patient, so a repeated id is a mistake.
            problems.add(
                line, mapping.patient_id, f"{patient_id!r} is a duplicate of line {patients[patient_id]}"
            )
            continue
        if new_patient:
            patients[patient_id] = line
            patient_rows.append({"patient_id": patient_id})
            if mapping.survival is not None:
                outcome = _outcome(mapping.survival, patient_id, line, values, problems)
                if outcome is not None:
                    outcome_rows.append(outcome)
        entity_type, entity_id = (
            ("sample", values[mapping.sample_id]) if mapping.sample_id else ("patient", patient_id)
        )
        for name, column in mapping.attributes.items():
            value = values[column]
            if value is not None and entity_id is not None:
                attribute_rows.append(
                    {
                        "entity_type": entity_type,
                        "entity_id": entity_id,
                        "attribute": name,
                        "value": value,
                        "datatype": datatypes[name],
                    }
                )
    problems.raise_if_any()
    return ClinicalRead(
        patients=tables.table_from_rows(tables.PATIENTS, patient_rows),
        samples=tables.table_from_rows(tables.SAMPLES, sample_rows),
        attributes=tables.table_from_rows(tables.CLINICAL_ATTRIBUTES, attribute_rows),
        outcomes=tables.table_from_rows(tables.OUTCOMES, outcome_rows),
        warnings=problems.warnings,
    )


def _check_columns(mapping: ClinicalMapping, header: list[str], line: int, problems: Problems) -> None:
    named = {"patient_id": mapping.patient_id}
    if mapping.sample_id:
        named["sample_id"] = mapping.sample_id
    if mapping.survival:
        named["survival.time"] = mapping.survival.time
        named["survival.event"] = mapping.survival.event
    named.update({f"attributes.{name}": column for name, column in mapping.attributes.items()})
    for key, column in named.items():
        if column not in header:
            problems.add(line, column, f"the mapping's {key} names a column the file does not have")


def _datatype(column: str, rows: list[tuple[int, dict[str, str | None]]]) -> str:
    values = [values[column] for _, values in rows if values.get(column) is not None]
    return "NUMBER" if values and all(_NUMBER.match(value or "") for value in values) else "STRING"


def _outcome(
    survival: Survival, patient_id: str, line: int, values: dict[str, str | None], problems: Problems
) -> dict[str, object] | None:
    time_text, event_text = values[survival.time], values[survival.event]
    if time_text is None or event_text is None:
        missing = survival.time if time_text is None else survival.event
        problems.warn(
            line, missing, f"is empty; this patient has no {survival.endpoint}", kind="incomplete outcome"
        )
        return None
    if not _NUMBER.match(time_text):
        problems.add(line, survival.time, f"{time_text!r} is not a number")
        return None
    time = float(time_text)
    if time < 0:
        problems.add(line, survival.time, f"{time_text!r} is negative")
        return None
    event = _text(event_text) in survival.event_values
    if not event and survival.censored_values is not None and event_text not in survival.censored_values:
        allowed = sorted(survival.event_values | survival.censored_values)
        problems.add(line, survival.event, f"{event_text!r} is not one of {', '.join(allowed)}")
        return None
    return {
        "patient_id": patient_id,
        "endpoint": survival.endpoint,
        "time_months": time * UNITS[survival.unit],
        "event": event,
    }
