from __future__ import annotations

import datetime as dt

import pyarrow as pa

from oncobridge.formats.cbioportal_clinical import read_cbioportal_clinical
from oncobridge.formats.deidentify import cap_age_attributes, deidentify_tables, is_direct_identifier
from oncobridge.formats.tests.conftest import FIXTURES


def test_it_drops_direct_identifiers_by_name_and_by_list() -> None:
    patients = pa.table(
        {
            "patient_id": ["P1"],
            "Patient Name": ["Ann Smith"],
            "e-mail": ["a@x.org"],
            "MRN": ["123"],
            "hospital_code": ["H7"],
            "age": [50],
        }
    )
    result, report = deidentify_tables({"patients": patients}, drop_columns=["hospital_code"])
    assert result["patients"].column_names == ["patient_id", "age"]
    assert report.columns_dropped == {"patients": ["Patient Name", "e-mail", "MRN", "hospital_code"]}


def test_it_keeps_study_ids() -> None:
    assert not is_direct_identifier("patient_id")
    assert is_direct_identifier("home_address")


def test_it_turns_dates_into_offsets_from_the_first_date_seen() -> None:
    treatments = pa.table(
        {
            "patient_id": ["P1", "P1", "P2"],
            "start_date": [dt.date(2019, 4, 1), dt.date(2019, 6, 1), dt.date(2020, 1, 1)],
        }
    )
    result, report = deidentify_tables({"treatments": treatments})
    assert result["treatments"].column_names == ["patient_id", "start_day"]
    assert result["treatments"]["start_day"].to_pylist() == [0, 61, 0]
    assert report.dates_offset == {"treatments.start_date": 3}


def test_it_turns_a_birth_date_into_a_capped_age_at_the_anchor() -> None:
    patients = pa.table(
        {"patient_id": ["P1", "P2"], "birth_date": [dt.date(1925, 1, 1), dt.date(1959, 1, 1)]}
    )
    anchors = {"P1": dt.date(2019, 4, 1), "P2": dt.date(2019, 4, 1)}
    result, report = deidentify_tables({"patients": patients}, anchors=anchors)
    assert result["patients"].column_names == ["patient_id", "age_years"]
    assert result["patients"]["age_years"].to_pylist() == [90.0, 60.2]
    assert report.birth_dates_to_age == 2
    assert report.ages_capped == {"patients.age_years": 1}


def test_it_caps_ages_held_as_clinical_attributes() -> None:
    read = read_cbioportal_clinical(patient_file=FIXTURES / "data_clinical_patient.txt")
    result, report = deidentify_tables({"patients": read.patients})
    attributes = cap_age_attributes(read.attributes, report)
    ages = [row["value"] for row in attributes.to_pylist() if row["attribute"] == "AGE"]
    assert ages == ["54", "67", "90", "45"]
    assert result["patients"]["age_years"].to_pylist() == [54.0, 67.0, 90.0, 45.0]
    assert report.ages_capped == {"patients.age_years": 1, "clinical_attributes.value": 1}
