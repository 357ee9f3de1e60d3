from __future__ import annotations

from oncobridge.formats.cbioportal_clinical import (
    ClinicalRead,
    OncoTreeCodes,
    parse_status,
    read_cbioportal_clinical,
)
from oncobridge.formats.tests.conftest import FIXTURES, MALFORMED


def read_both() -> ClinicalRead:
    return read_cbioportal_clinical(
        patient_file=FIXTURES / "data_clinical_patient.txt", sample_file=FIXTURES / "data_clinical_sample.txt"
    )


def test_it_reads_patients_and_samples() -> None:
    read = read_both()
    assert read.patients["patient_id"].to_pylist() == ["OB-P001", "OB-P002", "OB-P003", "OB-P004"]
    assert read.patients["vital_status"].to_pylist() == ["alive", "deceased", "deceased", "alive"]
    assert read.patients["sex"].to_pylist() == ["female", "male", "female", "male"]
    assert read.samples.num_rows == 5
    assert read.samples.to_pylist()[2] == {
        "sample_id": "OB-P002-M1",
        "patient_id": "OB-P002",
        "sample_type": "Metastasis",
        "oncotree_code": "LUAD",
        "tissue": None,
    }


def test_it_turns_months_and_statuses_into_outcomes() -> None:
    outcomes = read_both().outcomes.to_pylist()
    assert {"patient_id": "OB-P002", "endpoint": "OS", "time_months": 12.5, "event": True} in outcomes
    assert {"patient_id": "OB-P002", "endpoint": "DFS", "time_months": 6.3, "event": True} in outcomes
    assert len([o for o in outcomes if o["endpoint"] == "DFS"]) == 3  # OB-P003's DFS is [Not Available]


def test_it_keeps_every_attribute_in_long_format_with_its_datatype() -> None:
    attributes = read_both().attributes.to_pylist()
    assert {
        "entity_type": "sample", "entity_id": "OB-P001-T1", "attribute": "TUMOR_PURITY", "value": "0.62",
        "datatype": "NUMBER",
    } in attributes  # fmt: skip
    assert not [a for a in attributes if a["entity_id"] == "OB-P004" and a["attribute"] == "SMOKING_HISTORY"]


def test_it_reads_status_values_old_and_new() -> None:
    assert parse_status("1:DECEASED") is True
    assert parse_status("0:LIVING") is False
    assert parse_status("DECEASED") is True
    assert parse_status("maybe") is None


def test_a_former_oncotree_code_is_read_as_its_replacement_with_a_warning() -> None:
    oncotree = OncoTreeCodes(current={"IDC", "LUAD", "GB", "SKCM"}, former={"GBM": ("GB",)}, unknown="warn")
    read = read_cbioportal_clinical(
        patient_file=FIXTURES / "data_clinical_patient.txt",
        sample_file=MALFORMED / "clinical_sample_unknown_oncotree.txt",
        oncotree=oncotree,
    )
    codes = dict(
        zip(read.samples["sample_id"].to_pylist(), read.samples["oncotree_code"].to_pylist(), strict=True)
    )
    assert codes == {"OB-P001-T1": "IDC", "OB-P002-T1": "LUADX", "OB-P003-T1": "GB", "OB-P004-T1": "SKCM"}
    assert [str(warning) for warning in read.warnings if warning.field == "ONCOTREE_CODE"] == [
        "clinical_sample_unknown_oncotree.txt:7: ONCOTREE_CODE: 'LUADX' is not an OncoTree code",
        "clinical_sample_unknown_oncotree.txt:8: ONCOTREE_CODE: 'GBM' is a former OncoTree code; read as GB",
    ]
