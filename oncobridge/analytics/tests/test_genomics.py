"""Mutation frequencies, co-occurrence and the oncoprint, checked against maftools' definitions computed
independently with pandas and scipy on the raw files (never through the analytics core)."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import numpy as np
import pandas as pd
import pyarrow.parquet as pq
import pytest
from scipy import stats

from oncobridge.analytics import (
    NON_SILENT_CLASSES,
    Attribute,
    DatasetSource,
    GeneMutated,
    cooccurrence,
    mutation_frequencies,
    oncoprint,
)
from oncobridge.analytics.tests.conftest import WriteDataset
from oncobridge.vocab.panels import load_gene_panels

# maftools' vc_nonSyn, spelled out here so that the test does not trust the code under test.
MAFTOOLS_NON_SYNONYMOUS = {
    "Frame_Shift_Del",
    "Frame_Shift_Ins",
    "Splice_Site",
    "Translation_Start_Site",
    "Nonsense_Mutation",
    "Nonstop_Mutation",
    "In_Frame_Del",
    "In_Frame_Ins",
    "Missense_Mutation",
}

REAL_MAFS = [
    "genomics/APL_primary.maf.gz",
    "genomics/APL_relapse.maf.gz",
    "genomics/brca.maf.gz",
    "genomics/public_brca_tcga_pub_non_chrm_genes_data_mutations.txt",
]


def _raw_maf(path: Path) -> pd.DataFrame:
    return pd.read_csv(path, sep="\t", comment="#", dtype=str, low_memory=False)


def _maftools_gene_summary(raw: pd.DataFrame) -> tuple[dict[str, int], int]:
    """maftools' getGeneSummary AlteredSamples per Hugo_Symbol, and its sample count (every barcode)."""
    coding = raw[raw["Variant_Classification"].isin(MAFTOOLS_NON_SYNONYMOUS) & raw["Hugo_Symbol"].notna()]
    altered = coding.groupby("Hugo_Symbol")["Tumor_Sample_Barcode"].nunique()
    return {str(gene): int(count) for gene, count in altered.items()}, int(
        raw["Tumor_Sample_Barcode"].nunique()
    )


def _assert_frequencies_match_maftools(source: DatasetSource, raw: pd.DataFrame) -> None:
    expected, samples = _maftools_gene_summary(raw)
    ours = {item.gene: item for item in mutation_frequencies([source], None)}
    compared = [gene for gene in expected if gene in ours]
    # Symbols the reader renamed or did not know cannot be compared by name; nearly all genes can.
    assert len(compared) >= 0.9 * len(expected)
    for gene in compared:
        assert ours[gene].altered_samples == expected[gene], gene
        assert ours[gene].profiled_samples == samples, gene
        assert ours[gene].frequency == pytest.approx(expected[gene] / samples)
    top_expected = sorted(compared, key=lambda gene: (-expected[gene], gene))[:10]
    assert [gene for gene in ours if gene in expected][:10] == top_expected


@pytest.mark.parametrize("relative", REAL_MAFS)
def test_frequencies_agree_with_maftools_on_the_real_mafs(
    relative: str, data_file: Callable[[str], Path], maf_dataset: Callable[[Path, str], DatasetSource]
) -> None:
    path = data_file(relative)
    _assert_frequencies_match_maftools(maf_dataset(path, "real"), _raw_maf(path))


@pytest.mark.parametrize("name", ["example_multisample.maf", "example_single_sample.maf"])
def test_frequencies_agree_with_maftools_on_pymaftools_tcga_mafs(
    name: str, pymaftools_data: Path, maf_dataset: Callable[[Path, str], DatasetSource]
) -> None:
    path = pymaftools_data / name
    _assert_frequencies_match_maftools(maf_dataset(path, "tcga"), _raw_maf(path))


def test_silent_variants_count_only_when_asked(
    data_file: Callable[[str], Path], maf_dataset: Callable[[Path, str], DatasetSource]
) -> None:
    path = data_file("genomics/APL_primary.maf.gz")
    raw = _raw_maf(path)
    every = raw[raw["Hugo_Symbol"].notna()].groupby("Hugo_Symbol")["Tumor_Sample_Barcode"].nunique()
    source = maf_dataset(path, "apl")
    with_silent = {
        item.gene: item.altered_samples for item in mutation_frequencies([source], None, include_silent=True)
    }
    without = {item.gene: item.altered_samples for item in mutation_frequencies([source], None)}
    assert sum(with_silent.values()) > sum(without.values())
    # Genes the reader filled from other symbols (FLT3 from FLT3_ITD) cannot be compared by name.
    read = pq.read_table(source.directory / "mutations.parquet").to_pandas()
    submitted = read.groupby("gene")["submitted_gene"].agg(set)
    same_name = [gene for gene, names in submitted.items() if names == {gene} and gene in every.index]
    assert len(same_name) >= 0.9 * len(every)
    for gene in same_name:
        assert with_silent[gene] == every[gene], gene


def test_cooccurrence_agrees_with_fisher_on_the_apl_samples(
    data_file: Callable[[str], Path], maf_dataset: Callable[[Path, str], DatasetSource]
) -> None:
    path = data_file("genomics/APL_primary.maf.gz")
    raw = _raw_maf(path)
    genes = ["FLT3", "WT1", "NRAS", "KRAS", "ARID1A", "ARID1B"]
    coding = raw[raw["Variant_Classification"].isin(MAFTOOLS_NON_SYNONYMOUS)]
    samples = raw["Tumor_Sample_Barcode"].unique()
    matrix = (
        pd.crosstab(coding["Tumor_Sample_Barcode"], coding["Hugo_Symbol"])
        .reindex(index=samples, columns=genes)
        .fillna(0)
        > 0
    )
    expected = []
    for index, gene_a in enumerate(genes):
        for gene_b in genes[index + 1 :]:
            a, b = matrix[gene_a], matrix[gene_b]
            table = [[int((a & b).sum()), int((a & ~b).sum())], [int((~a & b).sum()), int((~a & ~b).sum())]]
            odds, p = stats.fisher_exact(table)
            expected.append((gene_a, gene_b, table, odds, p))
    p_values = np.array([row[4] for row in expected])
    order = np.argsort(p_values)
    ranked = p_values[order] * len(p_values) / np.arange(1, len(p_values) + 1)
    q_sorted = np.minimum(1, np.minimum.accumulate(ranked[::-1])[::-1])
    q_values = np.empty_like(q_sorted)
    q_values[order] = q_sorted

    pairs = cooccurrence([maf_dataset(path, "apl")], None, genes)

    assert len(pairs) == len(expected) == 15
    for pair, (gene_a, gene_b, table, odds, p), q in zip(pairs, expected, q_values, strict=True):
        assert (pair.gene_a, pair.gene_b) == (gene_a, gene_b)
        assert [[pair.both, pair.a_only], [pair.b_only, pair.neither]] == table
        assert pair.p_value == pytest.approx(p, rel=1e-12)
        assert pair.q_value == pytest.approx(q, rel=1e-12)
        assert pair.odds_ratio == pytest.approx(odds, nan_ok=True)
        direction = "co-occurrence" if odds > 1 else "mutual exclusivity" if odds < 1 else "no association"
        assert pair.relation == ("undetermined" if np.isnan(odds) else direction)


def test_mutually_exclusive_genes_are_reported_as_such(dataset: WriteDataset) -> None:
    mutations = [
        {
            "sample_id": f"S{i}",
            "gene": "KRAS" if i < 10 else "EGFR",
            "variant_classification": "Missense_Mutation",
        }
        for i in range(20)
    ] + [{"sample_id": f"S{i}", "gene": "TP53", "variant_classification": "Silent"} for i in range(20, 30)]
    source = dataset(mutations=mutations)

    (pair,) = cooccurrence([source], None, ["KRAS", "EGFR"])

    assert (pair.both, pair.a_only, pair.b_only, pair.neither) == (0, 10, 10, 10)
    assert pair.relation == "mutual exclusivity"
    assert pair.p_value == pytest.approx(stats.fisher_exact([[0, 10], [10, 10]]).pvalue)


def _mutation(sample: str, gene: str, variant_class: str = "Missense_Mutation") -> dict[str, str]:
    return {"sample_id": sample, "gene": gene, "variant_classification": variant_class}


def test_a_pair_with_a_gene_altered_in_no_sample_has_no_direction(dataset: WriteDataset) -> None:
    mutations = [_mutation(f"S{i}", "KRAS") for i in range(5)]
    mutations += [_mutation(f"S{i}", "TP53", "Silent") for i in range(5, 10)]
    source = dataset(mutations=mutations)

    (pair,) = cooccurrence([source], None, ["KRAS", "BRAF"])

    assert (pair.both, pair.a_only, pair.b_only, pair.neither) == (0, 5, 0, 5)
    assert np.isnan(stats.fisher_exact([[0, 5], [0, 5]]).statistic)
    assert np.isnan(pair.odds_ratio)
    assert pair.relation == "undetermined"


def test_a_pair_with_an_odds_ratio_of_one_shows_no_association(dataset: WriteDataset) -> None:
    both = [_mutation(f"S{i}", gene) for i in range(2) for gene in ("KRAS", "EGFR")]
    single = [_mutation(f"S{i}", "KRAS" if i < 4 else "EGFR") for i in range(2, 6)]
    silent = [_mutation(f"S{i}", "TP53", "Silent") for i in range(6, 8)]
    source = dataset(mutations=both + single + silent)

    (pair,) = cooccurrence([source], None, ["KRAS", "EGFR"])

    assert (pair.both, pair.a_only, pair.b_only, pair.neither) == (2, 2, 2, 2)
    assert pair.odds_ratio == stats.fisher_exact([[2, 2], [2, 2]]).statistic == 1.0
    assert pair.relation == "no association"


def test_frequencies_are_panel_aware_on_the_mskcc_file(
    data_file: Callable[[str], Path], maf_dataset: Callable[[Path, str], DatasetSource], dataset: WriteDataset
) -> None:
    path = data_file(
        "genomics/public_bcc_unige_2016_archived_files_filtered_samples_data_mutations_mskcc.txt"
    )
    panels = {
        panel_id: panel.genes
        for panel_id, panel in load_gene_panels(data_file("vocab/cbioportal_gene_panels.json")).items()
    }
    impact341, impact468 = panels["IMPACT341"], panels["IMPACT468"]
    raw = _raw_maf(path)
    samples = sorted(raw["Tumor_Sample_Barcode"].unique())
    on_341 = set(samples[: len(samples) // 2])
    mutations = maf_dataset(path, "msk").directory / "mutations.parquet"
    source = dataset(
        "msk",
        panel_genes=impact468,
        mutations=pq.read_table(mutations),
        clinical_attributes=[
            {
                "entity_type": "sample",
                "entity_id": s,
                "attribute": "GENE_PANEL",
                "value": "IMPACT341",
                "datatype": "STRING",
            }
            for s in sorted(on_341)
        ],
    )
    coding = raw[raw["Variant_Classification"].isin(MAFTOOLS_NON_SYNONYMOUS)]

    result = {item.gene: item for item in mutation_frequencies([source], None, panels=panels)}

    checked = 0
    for gene, rows in coding.groupby("Hugo_Symbol"):
        if gene not in result and gene in impact468:
            continue  # a symbol the reader renamed
        profiled = [s for s in samples if gene in (impact341 if s in on_341 else impact468)]
        altered = {s for s in rows["Tumor_Sample_Barcode"] if s in profiled}
        item = result.get(str(gene))
        if not profiled:
            assert item is None or (item.profiled_samples, item.altered_samples) == (0, 0), gene
            continue
        assert item is not None, gene
        assert (item.altered_samples, item.profiled_samples) == (len(altered), len(profiled)), gene
        checked += 1
    assert checked >= 10
    # A gene in IMPACT468 but not IMPACT341 is profiled only on the IMPACT468 samples.
    only_468 = sorted(impact468 - impact341)[0]
    (item,) = mutation_frequencies([source], None, genes=[only_468], panels=panels)
    assert item.profiled_samples == len(samples) - len(on_341)


def test_a_gene_off_the_dataset_panel_is_not_counted_as_unaltered(dataset: WriteDataset) -> None:
    source = dataset(
        panel_genes=frozenset({"KRAS"}),
        samples=[{"sample_id": f"S{i}", "patient_id": f"P{i}"} for i in range(4)],
        mutations=[{"sample_id": "S0", "gene": "KRAS", "variant_classification": "Missense_Mutation"}],
    )

    kras, tp53 = mutation_frequencies([source], None, genes=["KRAS", "TP53"])

    assert (kras.altered_samples, kras.profiled_samples, kras.frequency) == (1, 4, 0.25)
    assert (tp53.altered_samples, tp53.profiled_samples, tp53.frequency) == (0, 0, 0.0)


def test_frequencies_over_a_cohort_count_only_its_samples(dataset: WriteDataset) -> None:
    source = dataset(
        samples=[{"sample_id": f"S{i}", "patient_id": f"P{i}"} for i in range(6)],
        clinical_attributes=[
            {
                "entity_type": "patient",
                "entity_id": f"P{i}",
                "attribute": "ARM",
                "value": "A" if i < 3 else "B",
                "datatype": "STRING",
            }
            for i in range(6)
        ],
        mutations=[
            {"sample_id": "S0", "gene": "TP53", "variant_classification": "Nonsense_Mutation"},
            {"sample_id": "S4", "gene": "TP53", "variant_classification": "Missense_Mutation"},
            {"sample_id": "S5", "gene": "TP53", "variant_classification": "Missense_Mutation"},
        ],
    )

    (arm_a,) = mutation_frequencies([source], Attribute("ARM", "eq", "a"))
    (arm_b,) = mutation_frequencies([source], Attribute("ARM", "eq", "B"))

    assert (arm_a.altered_samples, arm_a.profiled_samples) == (1, 3)
    assert (arm_b.altered_samples, arm_b.profiled_samples) == (2, 3)


def test_frequencies_across_datasets_add_samples_and_rank_by_count(dataset: WriteDataset) -> None:
    one = dataset(
        "one", mutations=[{"sample_id": "S1", "gene": "KRAS", "variant_classification": "Missense_Mutation"}]
    )
    two = dataset(
        "two",
        mutations=[
            {"sample_id": "S1", "gene": "KRAS", "variant_classification": "Missense_Mutation"},
            {"sample_id": "S2", "gene": "BRAF", "variant_classification": "Missense_Mutation"},
        ],
    )

    result = mutation_frequencies([one, two], None, top=1)

    assert [(item.gene, item.altered_samples, item.profiled_samples) for item in result] == [("KRAS", 2, 3)]


def test_oncoprint_orders_samples_by_alteration_pattern(dataset: WriteDataset) -> None:
    source = dataset(
        "d",
        panel_genes=frozenset({"KRAS", "TP53"}),
        samples=[{"sample_id": s, "patient_id": s} for s in ["A", "B", "C", "D"]],
        mutations=[
            {"sample_id": "C", "gene": "TP53", "variant_classification": "Missense_Mutation"},
            {"sample_id": "B", "gene": "TP53", "variant_classification": "Nonsense_Mutation"},
            {"sample_id": "B", "gene": "TP53", "variant_classification": "Missense_Mutation"},
            {"sample_id": "D", "gene": "TP53", "variant_classification": "Frame_Shift_Del"},
            {"sample_id": "D", "gene": "KRAS", "variant_classification": "Missense_Mutation"},
            {"sample_id": "A", "gene": "KRAS", "variant_classification": "Silent"},
        ],
    )

    result = oncoprint([source], None, genes=["TP53", "KRAS", "EGFR"])

    assert result.genes == ["TP53", "KRAS", "EGFR"]
    assert result.samples == ["d:D", "d:B", "d:C", "d:A"]
    cells = {(cell.sample, cell.gene): cell.variant_classes for cell in result.cells}
    assert cells == {
        ("d:D", "TP53"): ("Frame_Shift_Del",),
        ("d:D", "KRAS"): ("Missense_Mutation",),
        ("d:B", "TP53"): ("Missense_Mutation", "Nonsense_Mutation"),
        ("d:C", "TP53"): ("Missense_Mutation",),
    }
    assert result.not_profiled == [(sample, "EGFR") for sample in result.samples]
    assert [(f.gene, f.altered_samples) for f in result.frequencies] == [
        ("TP53", 3),
        ("KRAS", 1),
        ("EGFR", 0),
    ]


def test_oncoprint_takes_the_top_genes_when_none_are_given(
    data_file: Callable[[str], Path], maf_dataset: Callable[[Path, str], DatasetSource]
) -> None:
    path = data_file("genomics/APL_primary.maf.gz")
    expected, _ = _maftools_gene_summary(_raw_maf(path))
    source = maf_dataset(path, "apl")

    result = oncoprint([source], None, top=3)

    assert result.genes == sorted(expected, key=lambda gene: (-expected[gene], gene))[:3]
    first_gene_altered = {cell.sample for cell in result.cells if cell.gene == result.genes[0]}
    assert set(result.samples[: len(first_gene_altered)]) == first_gene_altered


def test_an_empty_cohort_has_no_frequencies_and_an_empty_oncoprint(dataset: WriteDataset) -> None:
    source = dataset(
        mutations=[{"sample_id": "S1", "gene": "KRAS", "variant_classification": "Missense_Mutation"}]
    )
    nobody = GeneMutated("BRAF")

    assert mutation_frequencies([source], nobody) == []
    assert mutation_frequencies([source], nobody, genes=["KRAS"])[0].profiled_samples == 0
    empty = oncoprint([source], nobody)
    assert (empty.genes, empty.samples, empty.cells) == ([], [], [])
    pair = cooccurrence([source], nobody, ["KRAS", "BRAF"])[0]
    assert (pair.both, pair.a_only, pair.b_only, pair.neither) == (0, 0, 0, 0)


def test_a_dataset_without_mutations_gives_empty_results(dataset: WriteDataset) -> None:
    source = dataset(patients=[{"patient_id": "P1"}])

    assert mutation_frequencies([source], None) == []
    assert oncoprint([source], None).cells == []


def test_non_silent_classes_are_maftools_vc_nonsyn() -> None:
    assert NON_SILENT_CLASSES == MAFTOOLS_NON_SYNONYMOUS
