"""De-identification on import: drop direct identifiers, turn dates into day offsets, cap ages over 89.

Rules (HIPAA Safe Harbor-like, what DESIGN.md asks for):
- columns that name a direct identifier (names, addresses, phone, e-mail, MRN, SSN, ...) by an explicit
  list or a name heuristic are dropped;
- every date column becomes days from a per-patient anchor (the first date seen for that patient unless
  the caller names an anchor column, e.g. date of diagnosis); `x_date` becomes `x_day`;
- a birth date becomes the age in years at the anchor, then is dropped (a birth date is an identifier);
- ages over 89 become 90 (read "90+"); the count is reported.
"""

from __future__ import annotations

import datetime as dt
import re
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass, field

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
_AGE_COLUMN = re.compile(r"(^|_)age(_|$)|^age")


@dataclass
class DeidentificationReport:
    columns_dropped: dict[str, list[str]] = field(default_factory=dict)  # table -> columns
    dates_offset: Counter[str] = field(default_factory=Counter)  # column -> values turned into offsets
    ages_capped: Counter[str] = field(default_factory=Counter)  # column -> values capped at 90
    birth_dates_to_age: int = 0
    patients_without_anchor: int = 0

    def as_dict(self) -> dict[str, object]:
        return {
            "columns_dropped": self.columns_dropped,
            "dates_offset": dict(self.dates_offset),
            "ages_capped": dict(self.ages_capped),
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


def _is_date(field_: pa.Field) -> bool:
    return bool(pa.types.is_date(field_.type) or pa.types.is_timestamp(field_.type))


def deidentify_tables(
    tables_by_name: dict[str, pa.Table],
    *,
    anchors: dict[str, dt.date] | None = None,
    anchor_column: str | None = None,
    drop_columns: Iterable[str] = (),
) -> tuple[dict[str, pa.Table], DeidentificationReport]:
    """De-identify tables that share `patient_id`; returns new tables and the report of what changed.

    Anchors: `anchors` (patient -> date) first, else the patient's `anchor_column` date (e.g. diagnosis_date)
    in any table, else the first date seen for that patient in any table.
    """
    report = DeidentificationReport()
    extra = list(drop_columns)
    chosen: dict[str, dt.date] = dict(anchors or {})
    first_seen: dict[str, dt.date] = {}
    for table in tables_by_name.values():
        if "patient_id" not in table.column_names:
            continue
        for field_ in table.schema:
            if not _is_date(field_) or field_.name == "birth_date":
                continue
            for patient_id, value in zip(
                table["patient_id"].to_pylist(), table[field_.name].to_pylist(), strict=True
            ):
                if value is None:
                    continue
                day = value.date() if isinstance(value, dt.datetime) else value
                if field_.name == anchor_column:
                    chosen.setdefault(patient_id, day)
                if patient_id not in first_seen or day < first_seen[patient_id]:
                    first_seen[patient_id] = day
    for patient_id, day in first_seen.items():
        chosen.setdefault(patient_id, day)

    result: dict[str, pa.Table] = {}
    without_anchor: set[str] = set()
    for name, table in tables_by_name.items():
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
        if not (
            _AGE_COLUMN.search(_normalised(field_.name))
            and (pa.types.is_integer(field_.type) or pa.types.is_floating(field_.type))
        ):
            continue
        column = table[field_.name]
        over = pc.fill_null(pc.greater(column, 89), False)
        count = pc.sum(pc.cast(over, pa.int64())).as_py() or 0
        if count:
            report.ages_capped[f"{name}.{field_.name}"] += count
            capped = pc.if_else(over, pa.scalar(AGE_CAP, field_.type), column)
            table = table.set_column(table.column_names.index(field_.name), field_, capped)
    return table


def cap_age_attributes(
    attributes: pa.Table, report: DeidentificationReport, *, names: Iterable[str] = ("AGE",)
) -> pa.Table:
    """Clinical attributes hold ages as text (AGE in cBioPortal files): cap those over 89 at "90"."""
    wanted = {name.upper() for name in names}
    values = attributes["value"].to_pylist()
    keys = attributes["attribute"].to_pylist()
    changed = 0
    for index, (key, value) in enumerate(zip(keys, values, strict=True)):
        if key.upper() in wanted and value is not None:
            try:
                if float(value) > 89:
                    values[index] = str(AGE_CAP)
                    changed += 1
            except ValueError:
                continue
    if changed:
        report.ages_capped["clinical_attributes.value"] += changed
        attributes = attributes.set_column(
            attributes.column_names.index("value"), "value", pa.array(values, pa.string())
        )
    return attributes
