from __future__ import annotations

import datetime as dt

import pyarrow as pa

from oncobridge.formats.cbioportal_clinical import read_cbioportal_clinical
from oncobridge.formats.deidentify import age_units_per_year, deidentify_tables, is_direct_identifier
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
    result, report = deidentify_tables({"patients": read.patients, "clinical_attributes": read.attributes})
    ages = [row["value"] for row in result["clinical_attributes"].to_pylist() if row["attribute"] == "AGE"]
    assert ages == ["54", "67", "90", "45"]
    assert result["patients"]["age_years"].to_pylist() == [54.0, 67.0, 90.0, 45.0]
    assert report.ages_capped == {"patients.age_years": 1, "clinical_attributes.AGE": 1}


def test_it_treats_attributes_of_a_cbioportal_file_like_columns() -> None:
    read = read_cbioportal_clinical(patient_file=FIXTURES / "data_clinical_patient_identifiers.txt")

    result, report = deidentify_tables({"patients": read.patients, "clinical_attributes": read.attributes})

    by_patient: dict[str, dict[str, str]] = {}
    for row in result["clinical_attributes"].to_pylist():
        by_patient.setdefault(row["entity_id"], {})[row["attribute"]] = row["value"]
    assert by_patient["OB-P001"] == {
        "DAY_OF_DIAGNOSIS": "0",
        "LAST_CONTACT_DAY": "731",
        "AGE_AT_DIAGNOSIS": "54",
        "SEX": "Female",
        "OS_MONTHS": "24.0",
        "OS_STATUS": "0:LIVING",
    }
    assert by_patient["OB-P002"]["AGE_AT_DIAGNOSIS"] == "90"
    assert "LAST_CONTACT_DAY" not in by_patient["OB-P003"]  # "unknown" cannot become an offset
    values = {str(value) for value in result["clinical_attributes"]["value"].to_pylist()}
    assert not values & {"Ann Smith", "2019-03-04", "93", "unknown"}
    assert report.columns_dropped == {"clinical_attributes": ["PATIENT_NAME"]}
    assert report.dates_offset == {
        "clinical_attributes.DATE_OF_DIAGNOSIS": 4,
        "clinical_attributes.LAST_CONTACT_DATE": 3,
    }
    assert report.dates_dropped == {"clinical_attributes.LAST_CONTACT_DATE": 1}
    assert report.ages_capped == {"clinical_attributes.AGE_AT_DIAGNOSIS": 1}


def test_a_date_attribute_of_a_sample_is_offset_from_its_patients_anchor() -> None:
    samples = pa.table({"sample_id": ["S1"], "patient_id": ["P1"]})
    attributes = pa.Table.from_pylist(
        [
            {"entity_type": "patient", "entity_id": "P1", "attribute": "dx", "value": "2020-01-01"},
            {"entity_type": "sample", "entity_id": "S1", "attribute": "collected", "value": "2020-02-01"},
        ],
        schema=pa.schema(
            [(name, pa.string()) for name in ("entity_type", "entity_id", "attribute", "value")]
        ),
    )

    result, _ = deidentify_tables({"samples": samples, "clinical_attributes": attributes})

    assert [(row["attribute"], row["value"]) for row in result["clinical_attributes"].to_pylist()] == [
        ("dx_day", "0"),
        ("collected_day", "31"),
    ]


def test_ages_are_recognised_by_the_word_age_in_any_unit() -> None:
    assert age_units_per_year("AGE") == age_units_per_year("Diagnosis Age") == 1.0
    assert age_units_per_year("AGE_AT_DIAGNOSIS") == age_units_per_year("age_years") == 1.0
    assert age_units_per_year("AGE_AT_DIAGNOSIS_DAYS") == age_units_per_year("DAYS_TO_BIRTH") == 365.25
    assert age_units_per_year("STAGE") is None
    assert age_units_per_year("PERCENTAGE") is None
    assert age_units_per_year("AGENT") is None
