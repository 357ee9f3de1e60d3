from __future__ import annotations

import csv
from collections.abc import Callable
from pathlib import Path

from oncobridge.formats import tables
from oncobridge.formats.icgc import read_icgc_ssm
from oncobridge.vocab.genes import GeneVocabulary

ICGC = "genomics/simple_somatic_mutation.open.ESCA-CN.sample.tsv.gz"


def test_it_collapses_transcripts_to_one_row_per_mutation_and_sample(
    data_file: Callable[[str], Path], genes: GeneVocabulary
) -> None:
    read, samples = read_icgc_ssm(data_file(ICGC), genes=genes)
    assert read.table.schema == tables.MUTATIONS
    assert read.table.num_rows == 72  # 499 transcript rows, 72 distinct (mutation, sample) pairs
    assert samples.num_rows == 3
    assert set(read.table["ncbi_build"].to_pylist()) == {"GRCh37"}


def test_it_keeps_the_most_severe_consequence(
    data_file: Callable[[str], Path], genes: GeneVocabulary
) -> None:
    read, _ = read_icgc_ssm(data_file(ICGC), genes=genes)
    classes = set(read.table["variant_classification"].to_pylist())
    assert "Missense_Mutation" in classes
    assert "3'Flank" not in classes  # downstream_gene_variant loses to the coding consequence


def test_it_reports_ensembl_ids_it_cannot_map(
    data_file: Callable[[str], Path], genes: GeneVocabulary
) -> None:
    read, _ = read_icgc_ssm(data_file(ICGC), genes=genes)
    assert read.table["gene"].null_count == read.table.num_rows
    assert any("Ensembl gene ids have no symbol" in warning.message for warning in read.warnings)


def test_it_maps_genes_through_a_given_ensembl_map(
    data_file: Callable[[str], Path], genes: GeneVocabulary, pymaftools_data: Path
) -> None:
    with (pymaftools_data / "ensembl_gene_sizes.tsv").open() as handle:
        ensembl = {
            row["ensembl_gene_id"]: row["hugo_symbol"] for row in csv.DictReader(handle, delimiter="\t")
        }
    read, _ = read_icgc_ssm(data_file(ICGC), genes=genes, ensembl_genes=ensembl)
    tp53 = [row for row in read.table.to_pylist() if row["gene"] == "TP53"]
    assert tp53 and tp53[0]["hgvsp_short"] == "p.G266E"
    assert tp53[0]["t_alt_count"] == 21 and tp53[0]["t_ref_count"] == 106
