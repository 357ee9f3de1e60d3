from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from oncobridge.formats.fhir import read_fhir_bundle
from oncobridge.vocab.genes import GeneVocabulary

BUNDLE = "fhir/TrialMatching_Patient01.json"


def test_it_extracts_the_mcode_patient_and_primary_cancer(
    data_file: Callable[[str], Path], genes: GeneVocabulary
) -> None:
    read = read_fhir_bundle(data_file(BUNDLE), genes=genes)
    patient = read.patients.to_pylist()[0]
    assert patient["sex"] == "female"
    assert (patient["diagnosis_system"], patient["diagnosis_code"]) == ("snomed", "408643008")
    assert patient["stage"] == "IV"
    assert read.resource_counts == {"Patient": 1, "Condition": 4, "Observation": 8, "MedicationStatement": 5}


def test_it_extracts_tumour_markers_metastases_and_ecog(
    data_file: Callable[[str], Path], genes: GeneVocabulary
) -> None:
    attributes = {
        (row["attribute"], row["value"])
        for row in read_fhir_bundle(data_file(BUNDLE), genes=genes).attributes.to_pylist()
    }
    assert (
        "tumor_marker:HER2 Ag [Presence] in Tissue by Immune stain",
        "Negative (qualifier value)",
    ) in attributes
    assert ("metastatic_site", "Secondary malignant neoplasm of liver (disorder)") in attributes
    assert ("ecog_performance_status", "1") in attributes


def test_it_extracts_genomic_variants_and_medications(
    data_file: Callable[[str], Path], genes: GeneVocabulary
) -> None:
    read = read_fhir_bundle(data_file(BUNDLE), genes=genes)
    assert read.mutations["gene"].to_pylist() == ["ESR1", "PIK3CA"]
    assert read.treatments.num_rows == 5
    assert "ribociclib Oral Product" in read.treatments["treatment"].to_pylist()


def test_it_reports_the_bundle_id_fhir_forbids_without_refusing(
    data_file: Callable[[str], Path], genes: GeneVocabulary
) -> None:
    warnings = read_fhir_bundle(data_file(BUNDLE), genes=genes).warnings
    assert [warning.field for warning in warnings] == ["Bundle.id"]
