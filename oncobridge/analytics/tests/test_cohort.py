"""Cohort semantics: which patients (and so which samples) each criterion and combination selects."""

from __future__ import annotations

from typing import Any

import pytest

from oncobridge.analytics import (
    AgeRange,
    And,
    Attribute,
    CancerType,
    Criterion,
    DatasetSource,
    GeneMutated,
    Not,
    Or,
    PathwayAltered,
    ProteinChange,
    Sex,
    Stage,
    VariantClass,
    cohort_count,
    cohort_members,
)
from oncobridge.analytics.tests.conftest import WriteDataset

PATIENTS: list[dict[str, Any]] = [
    {"patient_id": "P1", "sex": "female", "age_years": 40.0, "stage": "IIIA", "vital_status": "alive"},
    {"patient_id": "P2", "sex": "male", "age_years": 65.0, "stage": "IV", "vital_status": "deceased"},
    {"patient_id": "P3", "sex": "female", "age_years": 50.0, "stage": "Stage IB", "vital_status": "alive"},
    {"patient_id": "P4", "sex": "male", "age_years": None, "stage": None,
     "diagnosis_code": "LUAD", "diagnosis_system": "oncotree"},
    {"patient_id": "P5", "sex": "unknown", "age_years": 30.0, "stage": "II"},
]  # fmt: skip
SAMPLES = [
    {"sample_id": "S1", "patient_id": "P1", "oncotree_code": "IDC"},
    {"sample_id": "S1b", "patient_id": "P1", "oncotree_code": "IDC"},
    {"sample_id": "S2", "patient_id": "P2", "oncotree_code": "LUAD"},
    {"sample_id": "S3", "patient_id": "P3", "oncotree_code": "ILC"},
    {"sample_id": "S5", "patient_id": "P5", "oncotree_code": "COAD"},
]


def mutation(
    sample: str, gene: str, classification: str = "Missense_Mutation", hgvsp: str | None = None
) -> dict[str, Any]:
    return {"sample_id": sample, "gene": gene, "variant_classification": classification, "hgvsp_short": hgvsp}


MUTATIONS = [
    mutation("S1", "TP53", "Nonsense_Mutation", "p.R196*"),
    mutation("S1b", "PIK3CA", hgvsp="p.H1047R"),
    mutation("S2", "KRAS", hgvsp="p.G12C"),
    mutation("S2", "TP53", "Silent", "p.P72P"),
    mutation("S3", "CDH1", "Frame_Shift_Del", "p.K123fs"),
    mutation("S5", "KRAS", hgvsp="p.G12D"),
    mutation("S5", "APC", "Intron"),
]
ATTRIBUTES = [
    {"entity_type": "patient", "entity_id": "P1", "attribute": "TMB", "value": "9", "datatype": "NUMBER"},
    {"entity_type": "patient", "entity_id": "P2", "attribute": "TMB", "value": "10", "datatype": "NUMBER"},
    {"entity_type": "patient", "entity_id": "P3", "attribute": "TMB", "value": "100", "datatype": "NUMBER"},
    {
        "entity_type": "patient",
        "entity_id": "P1",
        "attribute": "SUBTYPE",
        "value": "Luminal A",
        "datatype": "STRING",
    },
    {
        "entity_type": "patient",
        "entity_id": "P3",
        "attribute": "SUBTYPE",
        "value": "Her2",
        "datatype": "STRING",
    },
    {
        "entity_type": "sample",
        "entity_id": "S2",
        "attribute": "SAMPLE_CLASS",
        "value": "Tumor",
        "datatype": "STRING",
    },
]


@pytest.fixture
def source(dataset: WriteDataset) -> DatasetSource:
    return dataset(
        "trial", patients=PATIENTS, samples=SAMPLES, mutations=MUTATIONS, clinical_attributes=ATTRIBUTES
    )


def patients(source: DatasetSource, criterion: Criterion | None) -> set[str]:
    members = cohort_members([source], criterion)
    return set(members.column("patient_id").to_pylist())


def test_no_criterion_is_everyone_with_their_samples(source: DatasetSource) -> None:
    count = cohort_count([source], None)

    assert (count.patients, count.samples) == (5, 5)
    assert count.by_dataset["trial"].patients == 5


def test_members_list_every_sample_and_a_null_for_a_patient_without_samples(source: DatasetSource) -> None:
    rows = cohort_members([source], None).to_pylist()

    assert {"dataset": "trial", "patient_id": "P4", "sample_id": None} in rows
    assert [row["sample_id"] for row in rows if row["patient_id"] == "P1"] == ["S1", "S1b"]
    assert len(rows) == 6


def test_cancer_type_matches_the_given_codes_on_samples_and_oncotree_diagnoses(source: DatasetSource) -> None:
    breast = CancerType(("BRCA", "IDC", "ILC"))  # the caller expands BRCA to its descendants

    assert patients(source, breast) == {"P1", "P3"}
    assert patients(source, CancerType(("luad",))) == {"P2", "P4"}


def test_age_range_is_inclusive_and_skips_unknown_ages(source: DatasetSource) -> None:
    assert patients(source, AgeRange(40, 50)) == {"P1", "P3"}
    assert patients(source, AgeRange(min_years=60)) == {"P2"}
    assert patients(source, AgeRange(max_years=30)) == {"P5"}


def test_sex(source: DatasetSource) -> None:
    assert patients(source, Sex("female")) == {"P1", "P3"}
    assert patients(source, Sex("male")) == {"P2", "P4"}


def test_stage_is_a_case_insensitive_prefix_that_does_not_confuse_roman_numerals(
    source: DatasetSource,
) -> None:
    assert patients(source, Stage(("III",))) == {"P1"}
    assert patients(source, Stage(("iiia",))) == {"P1"}
    assert patients(source, Stage(("I",))) == {"P3"}  # "Stage IB"; not II, IIIA or IV
    assert patients(source, Stage(("II", "IV"))) == {"P2", "P5"}


def test_numeric_attributes_compare_as_numbers_not_text(source: DatasetSource) -> None:
    assert patients(source, Attribute("TMB", "ge", 10.0)) == {"P2", "P3"}  # as text "9" > "10"
    assert patients(source, Attribute("tmb", "lt", 10.0)) == {"P1"}
    assert patients(source, Attribute("TMB", "eq", "10.0")) == {"P2"}
    assert patients(source, Attribute("TMB", "in", ("9", "100"))) == {"P1", "P3"}


def test_text_attributes_match_case_insensitively_and_ne_excludes_the_value(source: DatasetSource) -> None:
    assert patients(source, Attribute("SUBTYPE", "eq", "luminal a")) == {"P1"}
    assert patients(source, Attribute("SUBTYPE", "ne", "Her2")) == {"P1"}
    assert patients(source, Attribute("SUBTYPE", "in", ("Her2", "Basal"))) == {"P3"}


def test_a_sample_attribute_selects_the_samples_patient(source: DatasetSource) -> None:
    assert patients(source, Attribute("SAMPLE_CLASS", "eq", "Tumor")) == {"P2"}


def test_patient_columns_can_be_used_as_attributes(source: DatasetSource) -> None:
    assert patients(source, Attribute("vital_status", "eq", "deceased")) == {"P2"}
    assert patients(source, Attribute("age_years", "gt", 45.0)) == {"P2", "P3"}


def test_gene_mutated_counts_non_silent_coding_variants_only(source: DatasetSource) -> None:
    assert patients(source, GeneMutated("TP53")) == {"P1"}  # P2's TP53 is silent
    assert patients(source, GeneMutated("TP53", include_silent=True)) == {"P1", "P2"}
    assert patients(source, GeneMutated("APC")) == set()  # intronic


def test_a_patient_matches_a_genomic_criterion_through_any_sample(source: DatasetSource) -> None:
    count = cohort_count([source], GeneMutated("PIK3CA"))

    assert (count.patients, count.samples) == (1, 2)  # P1 through S1b; the cohort has both samples


@pytest.mark.parametrize("spelling", ["p.G12C", "G12C", "p.Gly12Cys"])
def test_protein_change_accepts_each_spelling(source: DatasetSource, spelling: str) -> None:
    assert patients(source, ProteinChange("KRAS", spelling)) == {"P2"}


def test_protein_change_needs_the_gene_too(source: DatasetSource) -> None:
    assert patients(source, ProteinChange("NRAS", "G12C")) == set()
    assert patients(source, ProteinChange("KRAS", "G12D")) == {"P5"}


def test_variant_class_with_and_without_a_gene(source: DatasetSource) -> None:
    assert patients(source, VariantClass(("Nonsense_Mutation", "Frame_Shift_Del"))) == {"P1", "P3"}
    assert patients(source, VariantClass(("Missense_Mutation",), gene="KRAS")) == {"P2", "P5"}
    assert patients(source, VariantClass(("Intron",))) == {"P5"}


def test_pathway_altered_is_any_non_silent_variant_in_its_genes(source: DatasetSource) -> None:
    rtk_ras = PathwayAltered("RTK-RAS", ("KRAS", "NRAS", "EGFR"))

    assert patients(source, rtk_ras) == {"P2", "P5"}
    assert patients(source, PathwayAltered("TP53", ("TP53", "MDM2"))) == {"P1"}


def test_and_or_not_combine_as_sets(source: DatasetSource) -> None:
    kras = GeneMutated("KRAS")
    female = Sex("female")

    assert patients(source, And((kras, AgeRange(min_years=60)))) == {"P2"}
    assert patients(source, Or((kras, female))) == {"P1", "P2", "P3", "P5"}
    assert patients(source, Not(kras)) == {"P1", "P3", "P4"}
    assert patients(source, Not(Or((kras, female)))) == {"P4"}
    assert patients(source, And((female, Not(GeneMutated("TP53"))))) == {"P3"}


def test_not_keeps_patients_who_have_no_samples(source: DatasetSource) -> None:
    assert "P4" in patients(source, Not(CancerType(("IDC",))))


def test_a_maf_only_dataset_makes_each_sample_its_own_patient(dataset: WriteDataset) -> None:
    maf_only = dataset(
        "maf", mutations=[mutation("T1", "KRAS"), mutation("T1", "TP53"), mutation("T2", "EGFR")]
    )

    count = cohort_count([maf_only], None)

    assert (count.patients, count.samples) == (2, 2)
    assert cohort_members([maf_only], GeneMutated("KRAS")).to_pylist() == [
        {"dataset": "maf", "patient_id": "T1", "sample_id": "T1"}
    ]


def test_mutations_of_samples_missing_from_the_samples_table_still_count(dataset: WriteDataset) -> None:
    partial = dataset(
        samples=[{"sample_id": "S1", "patient_id": "P1"}],
        mutations=[mutation("S1", "KRAS"), mutation("X9", "KRAS")],
    )

    count = cohort_count([partial], GeneMutated("KRAS"))

    assert (count.patients, count.samples) == (2, 2)


def test_the_same_patient_id_in_two_datasets_is_two_patients(dataset: WriteDataset) -> None:
    one = dataset("one", patients=[{"patient_id": "P1", "sex": "female"}])
    two = dataset(
        "two", patients=[{"patient_id": "P1", "sex": "female"}, {"patient_id": "P2", "sex": "male"}]
    )

    count = cohort_count([one, two], Sex("female"))

    assert count.patients == 2
    assert {key: value.patients for key, value in count.by_dataset.items()} == {"one": 1, "two": 1}


def test_missing_tables_and_empty_cohorts_count_zero(dataset: WriteDataset, source: DatasetSource) -> None:
    nothing = dataset("nothing")

    count = cohort_count([nothing, source], GeneMutated("BRAF"))

    assert (count.patients, count.samples) == (0, 0)
    assert count.by_dataset == {"nothing": count.by_dataset["nothing"], "trial": count.by_dataset["trial"]}
    assert count.by_dataset["nothing"].patients == 0
    assert cohort_members([nothing], None).num_rows == 0
    assert cohort_count([], None).patients == 0


def test_a_version_queried_again_after_many_others_still_answers(
    dataset: WriteDataset, monkeypatch: pytest.MonkeyPatch
) -> None:
    from oncobridge.analytics import engine

    monkeypatch.setattr(engine, "DERIVED_CACHE_SIZE", 2)
    versions = [
        dataset(f"v{i}", mutations=[mutation("S1", "KRAS"), mutation(f"S{i + 2}", "KRAS")]) for i in range(4)
    ]

    first = [cohort_count([v], GeneMutated("KRAS")).patients for v in versions]
    again = cohort_count([versions[0]], GeneMutated("KRAS"))

    assert first == [2, 2, 2, 2]
    assert (again.patients, again.samples) == (2, 2)


def test_a_rewritten_file_is_read_again(dataset: WriteDataset) -> None:
    from oncobridge.analytics.tests.conftest import write_dataset

    source = dataset("v", mutations=[mutation("S1", "KRAS")])
    assert cohort_count([source], GeneMutated("KRAS")).patients == 1

    write_dataset(
        source.directory,
        "v",
        mutations=[mutation("S1", "KRAS"), mutation("S2", "KRAS"), mutation("S3", "BRAF")],
    )

    assert cohort_count([source], GeneMutated("KRAS")).patients == 2
