"""Imports: real files become immutable Parquet versions; malformed ones are refused and change nothing."""

from __future__ import annotations

from pathlib import Path

import pyarrow.parquet as pq
import pytest

from oncobridge.accounts.access import viewer_for
from oncobridge.conftest import Alliance
from oncobridge.core.errors import PermissionDenied, ServiceError
from oncobridge.core.models import AuditEvent
from oncobridge.datasharing import storage
from oncobridge.datasharing.models import Dataset, DatasetVersion
from oncobridge.datasharing.services import ImportRefused, dataset_import, import_source
from oncobridge.datasharing.tests.conftest import FIXTURES, MALFORMED, Import, MakeDataset

pytestmark = pytest.mark.django_db


def table(version: DatasetVersion, name: str) -> list[dict[str, object]]:
    return storage.read_table(version.storage_path, name).to_pylist()  # type: ignore[no-any-return]


def visible_entries(root: Path, slug: str) -> list[str]:
    return sorted(entry.name for entry in (root / slug).iterdir() if entry.name != ".lock")


def test_the_apl_maf_becomes_version_one_with_its_mutations_and_warnings(
    shared_data: Path, make_dataset: MakeDataset, import_as_dana: Import, datasets_root: Path
) -> None:
    dataset = make_dataset(slug="apl")

    version = import_as_dana(dataset, maf=shared_data / "genomics" / "APL_primary.maf.gz")

    dataset.refresh_from_db()
    assert dataset.current_version == version
    assert version.number == 1
    assert version.row_counts == {"mutations": 269}
    assert dataset.data_types == ["mutations"]
    assert version.sources[0]["file"] == "APL_primary.maf.gz"
    assert len(version.sources[0]["sha256"]) == 64
    assert any("'BAI2' is not a known gene symbol" in warning for warning in version.warnings)
    assert visible_entries(datasets_root, "apl") == ["v1"]
    assert pq.read_metadata(datasets_root / "apl" / "v1" / "mutations.parquet").num_rows == 269


def test_a_cbioportal_mutation_file_imports_with_its_genes_resolved(
    shared_data: Path, make_dataset: MakeDataset, import_as_dana: Import
) -> None:
    dataset = make_dataset(slug="bcc-unige")
    path = (
        shared_data
        / "genomics"
        / "public_bcc_unige_2016_archived_files_filtered_samples_data_mutations_mskcc.txt"
    )

    version = import_as_dana(dataset, maf=path)

    rows = table(version, "mutations")
    assert version.row_counts["mutations"] == len(rows) > 0
    assert sum(row["gene"] is not None for row in rows) > len(rows) // 2
    assert any(str(row["hgvsp_short"] or "").startswith("p.") for row in rows)


def test_a_cbioportal_file_of_non_chromosomal_genes_imports_them_as_unknown_genes(
    shared_data: Path, make_dataset: MakeDataset, import_as_dana: Import
) -> None:
    path = shared_data / "genomics" / "public_brca_tcga_pub_non_chrm_genes_data_mutations.txt"

    version = import_as_dana(make_dataset(slug="brca-tcga"), maf=path)

    rows = table(version, "mutations")
    assert len(rows) == version.row_counts["mutations"] == 41
    assert {row["gene"] for row in rows} == {None}
    assert any("ENSG" in warning for warning in version.warnings)


def test_a_fhir_bundle_imports_its_patient_with_an_age_instead_of_a_birth_date(
    shared_data: Path, make_dataset: MakeDataset, import_as_dana: Import
) -> None:
    dataset = make_dataset(slug="trial-matching")

    version = import_as_dana(dataset, fhir=shared_data / "fhir" / "TrialMatching_Patient01.json")

    [patient] = table(version, "patients")
    assert "birth_date" not in patient
    assert patient["age_years"] is not None
    assert version.deidentification["birth_dates_to_age"] == 1
    assert all(isinstance(row["start_day"], int | None) for row in table(version, "treatments"))
    assert version.row_counts["mutations"] > 0


def test_cbioportal_clinical_files_import_with_ages_over_89_capped(
    clinical_dataset: Dataset,
) -> None:
    version = clinical_dataset.current_version
    assert version is not None

    ages = {row["patient_id"]: row["age_years"] for row in table(version, "patients")}
    assert ages["OB-P003"] == 90
    assert version.row_counts["samples"] == 5
    assert version.deidentification["ages_capped"]["patients.age_years"] == 1


def test_a_clinical_tsv_imports_through_its_yaml_mapping(
    make_dataset: MakeDataset, import_as_dana: Import, tmp_path: Path
) -> None:
    data = tmp_path / "gbsg2.tsv"
    data.write_text("pid\ttime\tcens\tage\nA1\t1814\t1\t70\nA2\t2018\t0\t95\n")
    dataset = make_dataset(slug="gbsg2")

    version = import_as_dana(dataset, clinical=data, mapping=FIXTURES / "gbsg2_mapping.yaml")

    outcomes = {row["patient_id"]: row for row in table(version, "outcomes")}
    assert outcomes["A1"]["event"] is True
    assert outcomes["A2"]["event"] is False
    ages = {row["entity_id"]: row["value"] for row in table(version, "clinical_attributes")}
    assert ages == {"A1": "70", "A2": "90"}
    assert [source["kind"] for source in version.sources] == ["clinical", "mapping"]


def test_a_cbioportal_file_with_identifiers_is_stored_without_them(
    make_dataset: MakeDataset, import_as_dana: Import
) -> None:
    version = import_as_dana(
        make_dataset(), cbioportal_clinical=[FIXTURES / "data_clinical_patient_identifiers.txt"]
    )

    rows = table(version, "clinical_attributes")
    stored = {(row["attribute"], row["value"]) for row in rows}
    assert {row["attribute"] for row in rows} >= {"DAY_OF_DIAGNOSIS", "LAST_CONTACT_DAY", "AGE_AT_DIAGNOSIS"}
    assert not {"PATIENT_NAME", "DATE_OF_DIAGNOSIS"} & {attribute for attribute, _ in stored}
    assert ("AGE_AT_DIAGNOSIS", "93") not in stored
    assert ("AGE_AT_DIAGNOSIS", "90") in stored
    report = version.deidentification
    assert report["columns_dropped"] == {"clinical_attributes": ["PATIENT_NAME"]}
    assert report["dates_offset"]["clinical_attributes.DATE_OF_DIAGNOSIS"] == 4
    assert report["dates_dropped"] == {"clinical_attributes.LAST_CONTACT_DATE": 1}
    assert report["ages_capped"] == {"clinical_attributes.AGE_AT_DIAGNOSIS": 1}


def test_a_mapped_identifier_date_or_age_is_de_identified_by_its_name_or_its_column(
    make_dataset: MakeDataset, import_as_dana: Import
) -> None:
    version = import_as_dana(
        make_dataset(),
        clinical=FIXTURES / "clinical_identifiers.tsv",
        mapping=FIXTURES / "identifiers_mapping.yaml",
    )

    stored = {
        (row["entity_id"], row["attribute"]): row["value"] for row in table(version, "clinical_attributes")
    }
    assert stored == {
        ("A1", "dx_day"): "0",
        ("A1", "AGE_AT_DIAGNOSIS"): "70",
        ("A1", "grade"): "2",
        ("A2", "dx_day"): "0",
        ("A2", "AGE_AT_DIAGNOSIS"): "90",
        ("A2", "grade"): "3",
    }
    report = version.deidentification
    assert report["columns_dropped"] == {"clinical_attributes": ["patient_name", "record"]}
    assert report["dates_offset"] == {"clinical_attributes.dx_date": 2}
    assert report["ages_capped"] == {"clinical_attributes.AGE_AT_DIAGNOSIS": 1}


def test_importing_a_maf_keeps_the_clinical_tables_of_the_previous_version(
    clinical_dataset: Dataset, import_as_dana: Import
) -> None:
    first = clinical_dataset.current_version
    assert first is not None

    second = import_as_dana(clinical_dataset, maf=FIXTURES / "cohort_mutations.maf.txt")

    assert second.number == 2
    assert second.row_counts == {**first.row_counts, "mutations": 6}
    assert table(second, "patients") == table(first, "patients")
    assert table(second, "samples") == table(first, "samples")
    assert "mutations" not in first.row_counts  # version 1 is as it was


def test_a_sample_file_alone_replaces_sample_attributes_and_keeps_patient_ones(
    clinical_dataset: Dataset, import_as_dana: Import
) -> None:
    second = import_as_dana(clinical_dataset, cbioportal_clinical=[FIXTURES / "data_clinical_sample.txt"])

    kinds = {row["entity_type"] for row in table(second, "clinical_attributes")}
    assert kinds == {"patient", "sample"}
    assert (
        second.row_counts["clinical_attributes"]
        == clinical_dataset.current_version.row_counts[  # type: ignore[union-attr]
            "clinical_attributes"
        ]
    )


def test_a_maf_naming_a_sample_missing_from_the_clinical_data_is_refused(
    clinical_dataset: Dataset, import_as_dana: Import
) -> None:
    with pytest.raises(ImportRefused) as refused:
        import_as_dana(clinical_dataset, maf=MALFORMED / "unknown_sample.maf.txt")

    assert [str(problem) for problem in refused.value.problems] == [
        "unknown_sample.maf.txt:3: Tumor_Sample_Barcode: "
        "'OB-P009-T1' is not a sample in the dataset's clinical data"
    ]


def test_a_fhir_bundle_of_one_patient_cannot_orphan_the_samples_and_outcomes_of_the_others(
    shared_data: Path, clinical_dataset: Dataset, import_as_dana: Import
) -> None:
    with pytest.raises(ImportRefused) as refused:
        import_as_dana(clinical_dataset, fhir=shared_data / "fhir" / "TrialMatching_Patient01.json")

    fields = {problem.field: str(problem) for problem in refused.value.problems}
    assert set(fields) == {"samples.patient_id", "outcomes.patient_id", "mutations.sample_id"}
    assert fields["samples.patient_id"].startswith(
        "TrialMatching_Patient01.json: samples.patient_id: the dataset's samples (kept from version 1) "
        "name 4 patient(s) that this import leaves out (OB-P001, OB-P002, OB-P003, OB-P004)"
    )
    clinical_dataset.refresh_from_db()
    assert clinical_dataset.versions.count() == 1


def test_clinical_files_that_leave_out_a_mutated_sample_are_refused(
    clinical_dataset: Dataset, import_as_dana: Import
) -> None:
    import_as_dana(clinical_dataset, maf=FIXTURES / "cohort_mutations.maf.txt")

    with pytest.raises(ImportRefused) as refused:
        import_as_dana(
            clinical_dataset,
            cbioportal_clinical=[
                FIXTURES / "data_clinical_patient.txt",
                MALFORMED / "clinical_sample_missing_mutated.txt",
            ],
        )

    assert [str(problem) for problem in refused.value.problems] == [
        "clinical_sample_missing_mutated.txt: mutations.sample_id: the dataset's mutations (kept from "
        "version 2) name 1 sample(s) that this import leaves out (OB-P002-M1): 1 rows would be orphaned; "
        "import a file that keeps those samples, or replace the mutations too"
    ]


def test_a_sample_file_with_a_code_oncotree_lacks_is_refused(
    shared_data: Path, clinical_dataset: Dataset, import_as_dana: Import
) -> None:
    with pytest.raises(ImportRefused) as refused:
        import_as_dana(
            clinical_dataset, cbioportal_clinical=[MALFORMED / "clinical_sample_unknown_oncotree.txt"]
        )

    assert [str(problem) for problem in refused.value.problems] == [
        "clinical_sample_unknown_oncotree.txt:7: ONCOTREE_CODE: 'LUADX' is not an OncoTree code"
    ]
    clinical_dataset.refresh_from_db()
    assert clinical_dataset.versions.count() == 1


def test_a_former_oncotree_code_in_a_sample_file_is_stored_as_its_current_code(
    shared_data: Path, clinical_dataset: Dataset, import_as_dana: Import, tmp_path: Path
) -> None:
    text = (MALFORMED / "clinical_sample_unknown_oncotree.txt").read_text().replace("LUADX", "LUAD")
    (tmp_path / "data_clinical_sample.txt").write_text(text)

    version = import_as_dana(clinical_dataset, cbioportal_clinical=[tmp_path / "data_clinical_sample.txt"])

    codes = {row["sample_id"]: row["oncotree_code"] for row in table(version, "samples")}
    assert codes["OB-P003-T1"] == "GB"
    assert codes["OB-P004-T1"] == "SKCM"
    assert any("'GBM' is a former OncoTree code; read as GB" in str(warning) for warning in version.warnings)


def test_a_vcf_whose_sample_is_not_in_the_clinical_data_is_refused(
    clinical_dataset: Dataset, import_as_dana: Import
) -> None:
    with pytest.raises(ImportRefused) as refused:
        import_as_dana(clinical_dataset, vcf=FIXTURES / "germline_vep.vcf", origin="germline")

    assert [str(problem) for problem in refused.value.problems] == [
        "germline_vep.vcf:7: sample: 'OB-P001-N1' is not a sample in the dataset's clinical data"
    ]
    clinical_dataset.refresh_from_db()
    assert clinical_dataset.versions.count() == 1


def test_a_germline_vcf_is_recorded_as_germline_with_its_version(
    make_dataset: MakeDataset, import_as_dana: Import
) -> None:
    version = import_as_dana(make_dataset(), vcf=FIXTURES / "germline_vep.vcf", origin="germline")

    assert version.sources[0]["origin"] == "germline"
    assert version.row_counts["mutations"] == 3


def test_a_vcf_is_somatic_unless_told_otherwise_and_reads_the_tumour_of_a_pair(
    clinical_dataset: Dataset, import_as_dana: Import
) -> None:
    version = import_as_dana(clinical_dataset, vcf=FIXTURES / "somatic_pair_mutect2.vcf")

    assert version.sources[0]["origin"] == "somatic"
    assert {row["sample_id"] for row in table(version, "mutations")} == {"OB-P002-T1"}


def test_an_origin_goes_with_a_vcf_only(make_dataset: MakeDataset) -> None:
    with pytest.raises(ServiceError, match="goes with a VCF only"):
        import_source(maf=FIXTURES / "cohort_mutations.maf.txt", origin="germline")
    with pytest.raises(ServiceError, match="'inherited' is not an origin"):
        import_source(vcf=FIXTURES / "germline_vep.vcf", origin="inherited")


def test_two_patient_files_in_one_import_are_refused_rather_than_one_dropped(
    clinical_dataset: Dataset, import_as_dana: Import
) -> None:
    with pytest.raises(ImportRefused) as refused:
        import_as_dana(
            clinical_dataset,
            cbioportal_clinical=[
                FIXTURES / "data_clinical_patient.txt",
                MALFORMED / "clinical_patient_missing_p004.txt",
            ],
        )

    assert [str(problem) for problem in refused.value.problems] == [
        "clinical_patient_missing_p004.txt:5: PATIENT_ID: a second patient file "
        "(with data_clinical_patient.txt); import one patient file and one sample file, "
        "each with all of its patients"
    ]
    clinical_dataset.refresh_from_db()
    assert clinical_dataset.versions.count() == 1


def test_two_sample_files_in_one_import_are_refused(
    clinical_dataset: Dataset, import_as_dana: Import
) -> None:
    with pytest.raises(ImportRefused) as refused:
        import_as_dana(
            clinical_dataset,
            cbioportal_clinical=[
                FIXTURES / "data_clinical_sample.txt",
                MALFORMED / "clinical_sample_unknown_patient.txt",
            ],
        )

    assert [problem.file for problem in refused.value.problems] == ["clinical_sample_unknown_patient.txt"]
    assert "a second sample file (with data_clinical_sample.txt)" in refused.value.problems[0].message


def test_a_sample_file_cannot_come_before_its_patients(
    make_dataset: MakeDataset, import_as_dana: Import
) -> None:
    with pytest.raises(ImportRefused) as refused:
        import_as_dana(make_dataset(), cbioportal_clinical=[FIXTURES / "data_clinical_sample.txt"])

    assert len(refused.value.problems) == 5
    assert str(refused.value.problems[0]) == (
        "data_clinical_sample.txt:6: PATIENT_ID: 'OB-P001' is not a patient of the dataset "
        "(import its patient file with it)"
    )


MALFORMED_INPUTS = [
    ({"maf": MALFORMED / "missing_columns.maf.txt"}, "missing_columns.maf.txt:1: missing required columns"),
    ({"maf": MALFORMED / "broken_line.maf.txt"}, "broken_line.maf.txt:3: expected 9 tab-separated fields"),
    ({"maf": MALFORMED / "bad_position.maf.txt"}, "bad_position.maf.txt:3: Start_Position: '75784O6'"),
    ({"maf": MALFORMED / "bad_codes.maf.txt"}, "bad_codes.maf.txt:"),
    ({"maf": MALFORMED / "shifted_gene.maf.txt"}, "shifted_gene.maf.txt:3: Hugo_Symbol: '25398284'"),
    ({"maf": MALFORMED / "truncated.maf.txt.gz"}, "truncated.maf.txt.gz"),
    ({"vcf": MALFORMED / "bad_records.vcf"}, "bad_records.vcf:6: POS: 'abc'"),
    ({"vcf": MALFORMED / "no_fileformat.vcf"}, "no_fileformat.vcf:1: fileformat"),
    ({"fhir": MALFORMED / "bad_bundle.json"}, "bad_bundle.json"),
    ({"fhir": MALFORMED / "truncated_bundle.json"}, "truncated_bundle.json"),
    (
        {"cbioportal_clinical": [MALFORMED / "clinical_patient_no_meta.txt"]},
        "clinical_patient_no_meta.txt:1: expected 4 '#' header lines",
    ),
    (
        {"cbioportal_clinical": [MALFORMED / "clinical_patient_bad_values.txt"]},
        "clinical_patient_bad_values.txt:",
    ),
    (
        {"clinical": MALFORMED / "clinical_bad_time.tsv", "mapping": FIXTURES / "gbsg2_mapping.yaml"},
        "clinical_bad_time.tsv:3: time: '2O18' is not a number",
    ),
    (
        {"clinical": MALFORMED / "clinical_bad_time.tsv", "mapping": MALFORMED / "mapping_bad_unit.yaml"},
        "mapping_bad_unit.yaml",
    ),
    (
        {"cbioportal_clinical": [MALFORMED / "clinical_sample_unknown_patient.txt"]},
        "clinical_sample_unknown_patient.txt:7: PATIENT_ID: 'OB-P077' is not a patient of the dataset",
    ),
    (
        {"cbioportal_clinical": [MALFORMED / "clinical_patient_missing_p004.txt"]},
        "clinical_patient_missing_p004.txt: samples.patient_id: the dataset's samples (kept from version 1) "
        "name 1 patient(s) that this import leaves out (OB-P004)",
    ),
]


@pytest.mark.parametrize(("files", "first_problem"), MALFORMED_INPUTS, ids=lambda value: str(value)[-40:])
def test_a_malformed_file_is_refused_with_its_problems_and_the_current_version_untouched(
    clinical_dataset: Dataset,
    import_as_dana: Import,
    datasets_root: Path,
    files: dict[str, object],
    first_problem: str,
) -> None:
    before = clinical_dataset.current_version

    with pytest.raises(ImportRefused) as refused:
        import_as_dana(clinical_dataset, **files)

    problems = [str(problem) for problem in refused.value.problems]
    assert any(problem.startswith(first_problem) for problem in problems), problems
    assert all(":" in problem for problem in problems)
    clinical_dataset.refresh_from_db()
    assert clinical_dataset.current_version == before
    assert clinical_dataset.versions.count() == 1
    assert visible_entries(datasets_root, clinical_dataset.slug) == ["v1"]
    assert AuditEvent.objects.filter(action="dataset.import_refused").count() == 1


def test_every_problem_of_a_file_is_reported_not_only_the_first(
    make_dataset: MakeDataset, import_as_dana: Import
) -> None:
    with pytest.raises(ImportRefused) as refused:
        import_as_dana(make_dataset(), vcf=MALFORMED / "bad_records.vcf")

    assert len(refused.value.problems) >= 3
    assert refused.value.message.startswith("Nothing was imported: ")


def test_a_version_can_be_neither_changed_nor_deleted(clinical_dataset: Dataset) -> None:
    version = clinical_dataset.current_version
    assert version is not None

    with pytest.raises(ValueError, match="immutable"):
        version.save()
    with pytest.raises(ValueError, match="immutable"):
        version.delete()
    assert not (storage.table_path(version.storage_path, "patients").stat().st_mode & 0o222)


def test_an_investigator_cannot_import_into_the_centres_dataset(
    alliance: Alliance, make_dataset: MakeDataset
) -> None:
    with pytest.raises(PermissionDenied):
        dataset_import(
            viewer=viewer_for(alliance.ivan),
            actor=alliance.ivan,
            dataset=make_dataset(),
            source=import_source(maf=FIXTURES / "cohort_mutations.maf.txt"),
        )


def test_the_next_import_removes_what_a_crashed_import_left_behind(
    clinical_dataset: Dataset, import_as_dana: Import, datasets_root: Path
) -> None:
    debris = datasets_root / clinical_dataset.slug
    (debris / ".staging-deadbeef").mkdir()
    (debris / ".staging-deadbeef" / "mutations.parquet").write_bytes(b"partial")
    (debris / "v2").mkdir()  # renamed, but the crash came before the database recorded it

    version = import_as_dana(clinical_dataset, maf=FIXTURES / "cohort_mutations.maf.txt")

    assert version.number == 2
    assert visible_entries(datasets_root, clinical_dataset.slug) == ["v1", "v2"]
    assert pq.read_metadata(debris / "v2" / "mutations.parquet").num_rows == 6
