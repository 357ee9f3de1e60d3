"""De-identification on import: drop direct identifiers, turn dates into day offsets, cap ages over 89.

Rules (HIPAA Safe Harbor-like, what DESIGN.md asks for), the same for the columns of a table and for the
attributes of the long-format clinical attributes table (whose attribute names are columns in all but shape):
- columns/attributes that name a direct identifier (names, addresses, phone, e-mail, MRN, SSN, ...) by an
  explicit list or a name heuristic are dropped;
- every date becomes days from a per-patient anchor (the first date seen for that patient in the import,
  unless the caller names an anchor column, e.g. date of diagnosis): `x_date` becomes `x_day`, and an
  attribute such as DATE_OF_DIAGNOSIS becomes DAY_OF_DIAGNOSIS (a number); an attribute is a date when its
  name says so (a DATE word, e.g. dx_date) or when every value is an ISO date; a value of a date attribute
  that is not a date cannot be offset, so it is dropped (and counted);
- a birth date column becomes the age in years at the anchor, then is dropped; a birth-date attribute is
  dropped (a birth date is an identifier);
- ages over 89 become 90 (read "90+"): columns and attributes whose name has AGE as a word (AGE,
  AGE_AT_DIAGNOSIS, DIAGNOSIS_AGE, AGE_YEARS), in years, or in days or months when the name says so
  (AGE_AT_DIAGNOSIS_DAYS, DAYS_TO_BIRTH);
- the report names every column/attribute dropped, offset or capped, with counts.
"""

from __future__ import annotations

import datetime as dt
import math
import re
from collections import Counter
from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass, field
from typing import Any

import pyarrow as pa
import pyarrow.compute as pc

AGE_CAP = 90  # ages above 89 are reported as 90, i.e. "90+"
DIRECT_IDENTIFIERS = frozenset(
    {
        "name",
        "first_name",
        "last_name",
        "given_name",
        "family_name",
        "full_name",
        "patient_name",
        "address",
        "street",
        "city",
        "zip",
        "zip_code",
        "postcode",
        "postal_code",
        "phone",
        "telephone",
        "fax",
        "email",
        "e_mail",
        "mrn",
        "medical_record_number",
        "ssn",
        "social_security_number",
        "nhs_number",
        "insurance_number",
        "account_number",
        "license_number",
        "ip_address",
        "url",
        "device_serial",
        "vehicle_id",
        "photo",
    }
)
_IDENTIFIER_WORDS = re.compile(
    r"(^|_)(name|surname|address|street|phone|telephone|fax|e?mail|mrn|ssn|nhs|zip|postcode|ip_address)(_|$)"
)
_BIRTH_DATE = re.compile(r"(^|_)(dob|birth_?date|date_of_birth)(_|$)")
_DATE_WORD = re.compile(r"(^|_)(date|dob)(_|$)")
_DATE_WORD_ANY_CASE = re.compile(r"(?<![A-Za-z])date(?![A-Za-z])", re.IGNORECASE)
_ISO_DATE = re.compile(r"^(\d{4})[-/](\d{2})[-/](\d{2})(?:[T ][0-9:.+\-Z]*)?$")
# Units of an age by the words of its name, as units per year.
_AGE_UNITS = {"days": 365.25, "day": 365.25, "months": 12.0, "month": 12.0}
ATTRIBUTES_TABLE = "clinical_attributes"


@dataclass
class DeidentificationReport:
    columns_dropped: dict[str, list[str]] = field(default_factory=dict)  # table -> columns
    dates_offset: Counter[str] = field(default_factory=Counter)  # column -> values turned into offsets
    ages_capped: Counter[str] = field(default_factory=Counter)  # column -> values capped at 90
    dates_dropped: Counter[str] = field(default_factory=Counter)  # column -> non-date values of a date
    birth_dates_to_age: int = 0
    patients_without_anchor: int = 0

    def as_dict(self) -> dict[str, object]:
        return {
            "columns_dropped": self.columns_dropped,
            "dates_offset": dict(self.dates_offset),
            "ages_capped": dict(self.ages_capped),
            "dates_dropped": dict(self.dates_dropped),
            "birth_dates_to_age": self.birth_dates_to_age,
            "patients_without_anchor": self.patients_without_anchor,
        }


def _normalised(column: str) -> str:
    return re.sub(r"[^a-z0-9]+", "_", column.lower()).strip("_")


def is_direct_identifier(column: str, extra: Iterable[str] = ()) -> bool:
    name = _normalised(column)
    if name.endswith("_id") or name == "id":
        return False  # study ids (patient_id, sample_id) are pseudonyms, kept on purpose
    return (
        name in DIRECT_IDENTIFIERS
        or name in {_normalised(item) for item in extra}
        or bool(_IDENTIFIER_WORDS.search(name))
    )


def is_birth_date(column: str) -> bool:
    return bool(_BIRTH_DATE.search(_normalised(column)))


def age_units_per_year(column: str) -> float | None:
    """How many of its units make a year when the name says it holds an age (AGE as a word, or
    DAYS_TO_BIRTH); None when it does not."""
    words = _normalised(column).split("_")
    if "age" not in words and not ("birth" in words and "to" in words):
        return None
    return next((_AGE_UNITS[word] for word in words if word in _AGE_UNITS), 1.0)


def parse_date(text: str | None) -> dt.date | None:
    """An ISO date (2019-03-04, also with "/" or a time after it); None for anything else."""
    match = _ISO_DATE.match(text.strip()) if text else None
    if match is None:
        return None
    try:
        return dt.date(int(match.group(1)), int(match.group(2)), int(match.group(3)))
    except ValueError:
        return None


def _is_date(field_: pa.Field) -> bool:
    return bool(pa.types.is_date(field_.type) or pa.types.is_timestamp(field_.type))


def deidentify_tables(
    tables_by_name: dict[str, pa.Table],
    *,
    anchors: dict[str, dt.date] | None = None,
    anchor_column: str | None = None,
    drop_columns: Iterable[str] = (),
    attribute_columns: Mapping[str, str] | None = None,
) -> tuple[dict[str, pa.Table], DeidentificationReport]:
    """De-identify tables that share `patient_id`; returns new tables and the report of what changed.

    Anchors: `anchors` (patient -> date) first, else the patient's `anchor_column` date (e.g. diagnosis_date)
    in any table, else the first date seen for that patient in any table (attributes included).
    The `clinical_attributes` table is de-identified attribute by attribute; `attribute_columns` names the
    source column of each attribute (a mapped clinical TSV), whose name is judged as well.
    """
    report = DeidentificationReport()
    extra = list(drop_columns)
    chosen: dict[str, dt.date] = dict(anchors or {})
    first_seen: dict[str, dt.date] = {}

    def see(patient_id: str, day: dt.date, *, anchor: bool) -> None:
        if anchor:
            chosen.setdefault(patient_id, day)
        if patient_id not in first_seen or day < first_seen[patient_id]:
            first_seen[patient_id] = day

    for table in tables_by_name.values():
        if "patient_id" not in table.column_names:
            continue
        for field_ in table.schema:
            if not _is_date(field_) or field_.name == "birth_date":
                continue
            for patient_id, value in zip(
                table["patient_id"].to_pylist(), table[field_.name].to_pylist(), strict=True
            ):
                if value is not None:
                    day = value.date() if isinstance(value, dt.datetime) else value
                    see(patient_id, day, anchor=field_.name == anchor_column)
    attributes = _Attributes.of(tables_by_name, extra, attribute_columns or {})
    if attributes is not None:
        for patient_id, name, day in attributes.dates():
            see(patient_id, day, anchor=name == anchor_column)
    for patient_id, day in first_seen.items():
        chosen.setdefault(patient_id, day)

    result: dict[str, pa.Table] = {}
    without_anchor: set[str] = set()
    for name, table in tables_by_name.items():
        if name == ATTRIBUTES_TABLE and attributes is not None:
            result[name] = attributes.deidentified(chosen, report)
            continue
        dropped = [column for column in table.column_names if is_direct_identifier(column, extra)]
        if dropped:
            report.columns_dropped[name] = dropped
            table = table.drop_columns(dropped)
        if "patient_id" in table.column_names:
            patient_ids = table["patient_id"].to_pylist()
            for field_ in list(table.schema):
                if not _is_date(field_):
                    continue
                values = table[field_.name].to_pylist()
                if field_.name == "birth_date":
                    ages = [
                        _age(value, chosen.get(patient))
                        for patient, value in zip(patient_ids, values, strict=True)
                    ]
                    report.birth_dates_to_age += sum(age is not None for age in ages)
                    table = table.drop_columns(["birth_date"])
                    if "age_years" in table.column_names:
                        merged = pc.coalesce(table["age_years"], pa.array(ages, pa.float64()))
                        table = table.set_column(table.column_names.index("age_years"), "age_years", merged)
                    else:
                        table = table.append_column("age_years", pa.array(ages, pa.float64()))
                    continue
                offsets: list[int | None] = []
                for patient, value in zip(patient_ids, values, strict=True):
                    anchor = chosen.get(patient)
                    if value is None or anchor is None:
                        if value is not None:
                            without_anchor.add(patient)
                        offsets.append(None)
                        continue
                    day = value.date() if isinstance(value, dt.datetime) else value
                    offsets.append((day - anchor).days)
                    report.dates_offset[f"{name}.{field_.name}"] += 1
                new_name = re.sub(r"_date$", "", field_.name) + "_day"
                position = table.column_names.index(field_.name)
                table = table.set_column(
                    position, pa.field(new_name, pa.int32()), pa.array(offsets, pa.int32())
                )
        table = _cap_ages(name, table, report)
        result[name] = table
    report.patients_without_anchor = len(without_anchor)
    return result, report


def _age(birth: object, anchor: dt.date | None) -> float | None:
    if birth is None or anchor is None:
        return None
    born = birth.date() if isinstance(birth, dt.datetime) else birth
    assert isinstance(born, dt.date)  # noqa: S101 - date columns hold dates
    return round((anchor - born).days / 365.25, 1)


def _cap_ages(name: str, table: pa.Table, report: DeidentificationReport) -> pa.Table:
    for field_ in list(table.schema):
        per_year = age_units_per_year(field_.name)
        if per_year is None or not (pa.types.is_integer(field_.type) or pa.types.is_floating(field_.type)):
            continue
        column = table[field_.name]
        over = pc.fill_null(pc.greater(column, 89 * per_year), False)
        count = pc.sum(pc.cast(over, pa.int64())).as_py() or 0
        if count:
            report.ages_capped[f"{name}.{field_.name}"] += count
            capped = pc.if_else(over, pa.scalar(round(AGE_CAP * per_year), field_.type), column)
            table = table.set_column(table.column_names.index(field_.name), field_, capped)
    return table


def _capped_age(text: str, per_year: float) -> str | None:
    """The capped value of an age held as text, or None when it needs no cap (or is not a number)."""
    try:
        number = float(text)
    except ValueError:
        return None
    if not abs(number) > 89 * per_year:
        return None
    return str(round(math.copysign(AGE_CAP * per_year, number)))


def _day_name(attribute: str) -> str:
    """DATE_OF_DIAGNOSIS -> DAY_OF_DIAGNOSIS, dx_date -> dx_day, diagnosis -> diagnosis_day."""
    match = _DATE_WORD_ANY_CASE.search(attribute)
    if match is None:
        return attribute + ("_DAY" if attribute.isupper() else "_day")
    word = match.group()
    day = "DAY" if word.isupper() else "Day" if word[0].isupper() else "day"
    return attribute[: match.start()] + day + attribute[match.end() :]


@dataclass
class _Attributes:
    """The long-format clinical attributes, with each attribute name judged once: drop, date or age."""

    table: pa.Table
    rows: list[dict[str, Any]]
    kinds: dict[str, str]  # attribute -> "drop" | "date" | "age"
    age_units: dict[str, float]
    patient_of_sample: dict[str, str]

    @classmethod
    def of(
        cls, tables_by_name: dict[str, pa.Table], extra: list[str], columns: Mapping[str, str]
    ) -> _Attributes | None:
        table = tables_by_name.get(ATTRIBUTES_TABLE)
        if table is None:
            return None
        rows = table.to_pylist()
        values: dict[str, list[str]] = {}
        for row in rows:
            values.setdefault(row["attribute"], [])
            if row["value"] is not None:
                values[row["attribute"]].append(row["value"])
        kinds: dict[str, str] = {}
        age_units: dict[str, float] = {}
        for attribute, seen in values.items():
            names = [attribute, *([columns[attribute]] if attribute in columns else [])]
            units = [unit for name in names if (unit := age_units_per_year(name)) is not None]
            if any(is_direct_identifier(name, extra) or is_birth_date(name) for name in names):
                kinds[attribute] = "drop"
            elif any(_DATE_WORD.search(_normalised(name)) for name in names) or (
                seen and all(parse_date(value) is not None for value in seen)
            ):
                kinds[attribute] = "date"
            elif units:
                kinds[attribute] = "age"
                age_units[attribute] = units[0]
        patient_of_sample: dict[str, str] = {}
        for other in tables_by_name.values():
            if {"sample_id", "patient_id"} <= set(other.column_names):
                patient_of_sample.update(
                    zip(other["sample_id"].to_pylist(), other["patient_id"].to_pylist(), strict=True)
                )
        return cls(table, rows, kinds, age_units, patient_of_sample)

    def _patient(self, row: dict[str, Any]) -> str:
        entity: str = row["entity_id"]
        return entity if row["entity_type"] == "patient" else self.patient_of_sample.get(entity, entity)

    def dates(self) -> Iterator[tuple[str, str, dt.date]]:
        """(patient, attribute, date) of every date attribute's value, for the anchors."""
        for row in self.rows:
            if self.kinds.get(row["attribute"]) == "date" and (day := parse_date(row["value"])):
                yield self._patient(row), row["attribute"], day

    def deidentified(self, anchors: Mapping[str, dt.date], report: DeidentificationReport) -> pa.Table:
        kept: list[dict[str, Any]] = []
        dropped: list[str] = []
        for row in self.rows:
            attribute = row["attribute"]
            kind = self.kinds.get(attribute)
            where = f"{ATTRIBUTES_TABLE}.{attribute}"
            if kind == "drop":
                if attribute not in dropped:
                    dropped.append(attribute)
                continue
            if kind == "date":
                day = parse_date(row["value"])
                anchor = anchors.get(self._patient(row))
                if day is None or anchor is None:
                    report.dates_dropped[where] += 1
                    continue
                row = {**row, "attribute": _day_name(attribute), "value": str((day - anchor).days)}
                row["datatype"] = "NUMBER"
                report.dates_offset[where] += 1
            elif kind == "age" and (capped := _capped_age(row["value"], self.age_units[attribute])):
                row = {**row, "value": capped}
                report.ages_capped[where] += 1
            kept.append(row)
        if dropped:
            report.columns_dropped[ATTRIBUTES_TABLE] = dropped
        return pa.Table.from_pylist(kept, schema=self.table.schema)
