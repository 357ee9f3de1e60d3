"""variant_search: the Beacon's lookup by position, alleles, gene, assembly and cohort."""

from __future__ import annotations

from typing import Any

import pytest

from oncobridge.analytics import (
    VARIANT_COLUMNS,
    CriterionError,
    DatasetSource,
    Sex,
    VariantQuery,
    variant_search,
)
from oncobridge.analytics.tests.conftest import WriteDataset


def _mutation(
    sample: str, gene: str, start: int, ref: str, alt: str, build: str = "GRCh37"
) -> dict[str, Any]:
    return {
        "sample_id": sample, "gene": gene, "chromosome": "12" if gene == "KRAS" else "17", "start": start,
        "end": start + len(ref) - 1, "reference_allele": ref, "tumor_seq_allele2": alt,
        "variant_classification": "Missense_Mutation", "ncbi_build": build,
    }  # fmt: skip


@pytest.fixture
def source(dataset: WriteDataset) -> DatasetSource:
    return dataset(
        "d",
        patients=[{"patient_id": "P1", "sex": "female"}, {"patient_id": "P2", "sex": "male"}],
        samples=[{"sample_id": "S1", "patient_id": "P1"}, {"sample_id": "S2", "patient_id": "P2"}],
        mutations=[
            _mutation("S1", "KRAS", 25398284, "C", "A"),
            _mutation("S2", "KRAS", 25398284, "C", "T"),
            _mutation("S2", "TP53", 7577120, "C", "T"),
            _mutation("S1", "TP53", 7578400, "GAT", "G"),
        ],
    )


def _rows(source: DatasetSource, query: VariantQuery) -> list[tuple[str, str, int]]:
    table = variant_search([source], query)
    assert table.column_names == VARIANT_COLUMNS
    return [(row["patient_id"], row["gene"], row["start"]) for row in table.to_pylist()]


def test_a_position_and_alleles_find_that_variant_with_its_patient(source: DatasetSource) -> None:
    query = VariantQuery(
        assembly="hg19", reference_name="chr12", start=25398284, reference_bases="C", alternate_bases="a"
    )

    assert _rows(source, query) == [("P1", "KRAS", 25398284)]


def test_a_range_finds_overlapping_variants(source: DatasetSource) -> None:
    assert _rows(source, VariantQuery(reference_name="17", start=7578401, end=7578500)) == [
        ("P1", "TP53", 7578400)
    ]
    assert _rows(source, VariantQuery(reference_name="17", start=7500000, end=7600000)) == [
        ("P2", "TP53", 7577120),
        ("P1", "TP53", 7578400),
    ]


def test_by_gene_within_a_cohort(source: DatasetSource) -> None:
    assert _rows(source, VariantQuery(gene="KRAS")) == [("P1", "KRAS", 25398284), ("P2", "KRAS", 25398284)]
    assert _rows(source, VariantQuery(gene="KRAS", criterion=Sex("male"))) == [("P2", "KRAS", 25398284)]


def test_another_assembly_finds_nothing(source: DatasetSource) -> None:
    assert _rows(source, VariantQuery(assembly="GRCh38", gene="KRAS")) == []


@pytest.mark.parametrize(
    ("query", "field"),
    [
        (VariantQuery(assembly="hg17"), "assembly"),
        (VariantQuery(reference_name="chromosome nine"), "reference_name"),
        (VariantQuery(start=10, end=5), "end"),
        (VariantQuery(end=5), "start"),
    ],
)
def test_a_bad_query_is_refused_naming_the_field(
    source: DatasetSource, query: VariantQuery, field: str
) -> None:
    with pytest.raises(CriterionError) as caught:
        variant_search([source], query)

    assert caught.value.field == field


def test_a_dataset_without_mutations_has_no_variants(dataset: WriteDataset) -> None:
    empty = dataset(patients=[{"patient_id": "P1"}])

    assert variant_search([empty], VariantQuery(gene="KRAS")).num_rows == 0
