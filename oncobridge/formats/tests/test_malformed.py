"""Every malformed file is refused with a FormatError naming the file, the line and the field."""

from __future__ import annotations

from collections.abc import Callable

import pytest

from oncobridge.formats.cbioportal_clinical import OncoTreeCodes, read_cbioportal_clinical
from oncobridge.formats.clinical_tsv import load_mapping, read_clinical_tsv
from oncobridge.formats.fhir import read_fhir_bundle
from oncobridge.formats.icgc import read_icgc_ssm
from oncobridge.formats.maf import read_maf
from oncobridge.formats.phenopackets import read_phenopacket
from oncobridge.formats.problems import FormatError
from oncobridge.formats.tests.conftest import FIXTURES, MALFORMED
from oncobridge.formats.vcf import read_vcf
from oncobridge.vocab.genes import GeneVocabulary

CLINICAL_SAMPLES = frozenset({"OB-P001-T1", "OB-P002-T1", "OB-P002-M1", "OB-P003-T1", "OB-P004-T1"})


def refused(read: Callable[[], object]) -> list[str]:
    with pytest.raises(FormatError) as caught:
        read()
    return [str(problem) for problem in caught.value.problems]


def test_a_maf_missing_required_columns_names_them(genes: GeneVocabulary) -> None:
    problems = refused(lambda: read_maf(MALFORMED / "missing_columns.maf.txt", genes=genes))
    assert problems == [
        "missing_columns.maf.txt:1: missing required columns: Start_Position, Variant_Classification"
    ]


def test_a_maf_line_with_missing_fields_is_named(genes: GeneVocabulary) -> None:
    problems = refused(lambda: read_maf(MALFORMED / "broken_line.maf.txt", genes=genes))
    assert problems == ["broken_line.maf.txt:3: expected 9 tab-separated fields, found 4"]


def test_a_non_integer_position_names_line_and_field(genes: GeneVocabulary) -> None:
    problems = refused(lambda: read_maf(MALFORMED / "bad_position.maf.txt", genes=genes))
    assert problems == ["bad_position.maf.txt:3: Start_Position: '75784O6' is not an integer position"]


def test_an_unknown_gene_is_refused_when_genes_are_strict(genes: GeneVocabulary) -> None:
    problems = refused(
        lambda: read_maf(MALFORMED / "unknown_gene.maf.txt", genes=genes, unknown_genes="error")
    )
    assert problems == ["unknown_gene.maf.txt:3: Hugo_Symbol: 'FOO1' is not a known gene symbol"]


def test_an_unknown_gene_is_a_warning_by_default(genes: GeneVocabulary) -> None:
    read = read_maf(MALFORMED / "unknown_gene.maf.txt", genes=genes)
    assert [str(warning) for warning in read.warnings] == [
        "unknown_gene.maf.txt:3: Hugo_Symbol: 'FOO1' is not a known gene symbol"
        " (1 rows; kept with an empty gene)"
    ]


def test_a_number_in_the_gene_column_is_always_refused(genes: GeneVocabulary) -> None:
    problems = refused(lambda: read_maf(MALFORMED / "shifted_gene.maf.txt", genes=genes))
    assert problems == ["shifted_gene.maf.txt:3: Hugo_Symbol: '25398284' cannot be a gene symbol"]


def test_bad_codes_are_each_named(genes: GeneVocabulary) -> None:
    problems = refused(lambda: read_maf(MALFORMED / "bad_codes.maf.txt", genes=genes))
    assert sorted(problems) == [
        "bad_codes.maf.txt:3: Chromosome: 'chr99' is not a chromosome",
        "bad_codes.maf.txt:3: Variant_Classification: 'Missense' is not a known Variant_Classification",
        "bad_codes.maf.txt:3: Variant_Type: 'SNV' is not a known Variant_Type",
    ]


def test_a_mutation_for_a_sample_missing_from_the_clinical_data_is_refused(genes: GeneVocabulary) -> None:
    clinical = read_cbioportal_clinical(
        patient_file=FIXTURES / "data_clinical_patient.txt", sample_file=FIXTURES / "data_clinical_sample.txt"
    )
    known = frozenset(clinical.sample_ids)
    problems = refused(
        lambda: read_maf(MALFORMED / "unknown_sample.maf.txt", genes=genes, known_samples=known)
    )
    assert problems == [
        "unknown_sample.maf.txt:3: Tumor_Sample_Barcode: "
        "'OB-P009-T1' is not a sample in the dataset's clinical data"
    ]


def test_a_truncated_gzip_is_refused(genes: GeneVocabulary) -> None:
    problems = refused(lambda: read_maf(MALFORMED / "truncated.maf.txt.gz", genes=genes))
    assert len(problems) == 1
    assert problems[0].startswith("truncated.maf.txt.gz: the file is truncated or corrupt after data row")


def test_bad_clinical_values_statuses_and_duplicates_are_named() -> None:
    problems = refused(
        lambda: read_cbioportal_clinical(patient_file=MALFORMED / "clinical_patient_bad_values.txt")
    )
    assert problems == [
        "clinical_patient_bad_values.txt:7: AGE: 'fifty' is not a number (the column is declared NUMBER)",
        "clinical_patient_bad_values.txt:7: OS_STATUS: "
        "'MAYBE' is not a status like '1:DECEASED' or '0:LIVING'",
        "clinical_patient_bad_values.txt:8: PATIENT_ID: 'OB-P001' is a duplicate of line 6",
    ]


def test_a_clinical_file_without_its_four_header_lines_is_refused() -> None:
    problems = refused(
        lambda: read_cbioportal_clinical(patient_file=MALFORMED / "clinical_patient_no_meta.txt")
    )
    assert problems[0].startswith("clinical_patient_no_meta.txt:1: expected 4 '#' header lines")


def test_a_sample_of_an_unknown_patient_is_refused() -> None:
    problems = refused(
        lambda: read_cbioportal_clinical(
            patient_file=FIXTURES / "data_clinical_patient.txt",
            sample_file=MALFORMED / "clinical_sample_unknown_patient.txt",
        )
    )
    assert problems == [
        "clinical_sample_unknown_patient.txt:7: PATIENT_ID: 'OB-P077' is not a patient in the patient file"
    ]


def test_a_sample_with_an_unknown_oncotree_code_is_refused() -> None:
    oncotree = OncoTreeCodes(current={"IDC", "LUAD", "GB", "SKCM"}, former={"GBM": ("GB",)})
    problems = refused(
        lambda: read_cbioportal_clinical(
            patient_file=FIXTURES / "data_clinical_patient.txt",
            sample_file=MALFORMED / "clinical_sample_unknown_oncotree.txt",
            oncotree=oncotree,
        )
    )
    assert problems == [
        "clinical_sample_unknown_oncotree.txt:7: ONCOTREE_CODE: 'LUADX' is not an OncoTree code"
    ]


def test_a_vcf_sample_column_missing_from_the_clinical_data_is_refused(genes: GeneVocabulary) -> None:
    problems = refused(
        lambda: read_vcf(
            FIXTURES / "germline_vep.vcf", genes=genes, origin="germline", known_samples=CLINICAL_SAMPLES
        )
    )
    assert problems == [
        "germline_vep.vcf:7: sample: 'OB-P001-N1' is not a sample in the dataset's clinical data"
    ]


def test_a_mapping_naming_missing_columns_is_refused() -> None:
    mapping = load_mapping(MALFORMED / "mapping_unknown_column.yaml")
    problems = refused(lambda: read_clinical_tsv(MALFORMED / "clinical_bad_time.tsv", mapping))
    assert problems == [
        "clinical_bad_time.tsv:1: survival_days: "
        "the mapping's survival.time names a column the file does not have",
        "clinical_bad_time.tsv:1: tgrade: "
        "the mapping's attributes.grade names a column the file does not have",
    ]


def test_a_malformed_mapping_names_its_keys() -> None:
    problems = refused(lambda: load_mapping(MALFORMED / "mapping_bad_unit.yaml"))
    assert sorted(problems) == [
        "mapping_bad_unit.yaml: colour: "
        "unknown mapping key (expected attributes, patient_id, sample_id, survival)",
        "mapping_bad_unit.yaml: survival.unit: 'weeks' is not days or months",
    ]


def test_a_non_numeric_survival_time_names_line_and_field(tmp_path: object) -> None:
    mapping = load_mapping(FIXTURES / "gbsg2_mapping.yaml")
    problems = refused(lambda: read_clinical_tsv(MALFORMED / "clinical_bad_time.tsv", mapping))
    assert problems == [
        "clinical_bad_time.tsv:3: time: '2O18' is not a number",
        "clinical_bad_time.tsv:4: cens: '2' is not one of 0, 1",
    ]


def test_bad_vcf_records_are_each_named(genes: GeneVocabulary) -> None:
    problems = refused(lambda: read_vcf(MALFORMED / "bad_records.vcf", genes=genes))
    assert problems == [
        "bad_records.vcf:6: POS: 'abc' is not a positive integer position",
        "bad_records.vcf:7: REF: 'XYZ' is not a sequence of A, C, G, T, N",
        "bad_records.vcf:8: expected 10 tab-separated fields, found 8",
    ]


def test_a_vcf_without_its_fileformat_line_is_refused(genes: GeneVocabulary) -> None:
    problems = refused(lambda: read_vcf(MALFORMED / "no_fileformat.vcf", genes=genes))
    assert problems == ["no_fileformat.vcf:1: fileformat: the first line must be ##fileformat=VCFv4.x"]


def test_an_invalid_fhir_bundle_lists_every_broken_resource(genes: GeneVocabulary) -> None:
    problems = refused(lambda: read_fhir_bundle(MALFORMED / "bad_bundle.json", genes=genes))
    assert any(p.startswith("bad_bundle.json:") and "entry[0].Patient.birthDate" in p for p in problems)
    assert any("entry[1].Observation.code: Field required" in p for p in problems)
    assert any("entry[3].resourceType: 'Widget' is not a FHIR R4 resource type" in p for p in problems)
    assert any(
        "entry[2].Condition.subject: 'Patient/nobody' is not a Patient in this bundle" in p for p in problems
    )


def test_a_truncated_fhir_bundle_names_the_line(genes: GeneVocabulary) -> None:
    problems = refused(lambda: read_fhir_bundle(MALFORMED / "truncated_bundle.json", genes=genes))
    assert len(problems) == 1 and problems[0].startswith("truncated_bundle.json:")
    assert "not valid JSON" in problems[0]


def test_a_phenopacket_with_a_bad_enum_is_refused(genes: GeneVocabulary) -> None:
    problems = refused(lambda: read_phenopacket(MALFORMED / "bad_phenopacket.json", genes=genes))
    assert "sex" in problems[0] and "bad_phenopacket.json" in problems[0]


def test_an_icgc_file_with_bad_values_names_line_and_field(genes: GeneVocabulary) -> None:
    problems = refused(lambda: read_icgc_ssm(MALFORMED / "icgc_bad.tsv", genes=genes))
    assert sorted(problems) == [
        "icgc_bad.tsv:3: chromosome_start: 'seven' is not an integer",
        "icgc_bad.tsv:3: mutation_type: 'quantum substitution' is not an ICGC mutation type",
    ]
