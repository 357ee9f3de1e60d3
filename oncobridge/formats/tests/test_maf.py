from __future__ import annotations

import gzip
import shutil
from collections.abc import Callable
from pathlib import Path

import pyarrow as pa
import pytest

from oncobridge.formats import tables
from oncobridge.formats.maf import MafReader, read_maf
from oncobridge.formats.problems import FormatError
from oncobridge.formats.tests.conftest import FIXTURES
from oncobridge.vocab.genes import GeneVocabulary

DataFile = Callable[[str], Path]


def test_it_reads_apl_primary_with_its_124_samples(data_file: DataFile, genes: GeneVocabulary) -> None:
    read = read_maf(data_file("genomics/APL_primary.maf.gz"), genes=genes)
    assert read.table.schema == tables.MUTATIONS
    assert read.table.num_rows == 269
    assert len(read.sample_ids) == 124
    assert set(read.table["ncbi_build"].to_pylist()) == {"GRCh37"}
    assert set(read.table["chromosome"].to_pylist()) >= {"17", "X"}  # "chr" prefixes removed


def test_it_reads_old_mac_line_endings_with_exact_line_numbers(
    data_file: DataFile, genes: GeneVocabulary
) -> None:
    read = read_maf(data_file("genomics/APL_primary.maf.gz"), genes=genes)
    bai2 = next(warning for warning in read.warnings if "'BAI2'" in warning.message)
    assert bai2.line == 8  # the APL files end lines with a lone \r


def test_it_resolves_maftools_flt3_itd_to_flt3(data_file: DataFile, genes: GeneVocabulary) -> None:
    table = read_maf(data_file("genomics/APL_primary.maf.gz"), genes=genes).table
    itd = table.filter(pa.compute.equal(table["variant_classification"], "ITD"))
    assert set(itd["gene"].to_pylist()) == {"FLT3"}


def test_it_keeps_calls_without_a_position_and_warns(data_file: DataFile, genes: GeneVocabulary) -> None:
    read = read_maf(data_file("genomics/APL_primary.maf.gz"), genes=genes)
    assert read.table["start"].null_count == 4
    assert any("4 rows have no position" in warning.message for warning in read.warnings)


def test_it_reads_brca_maf_with_the_build_given(data_file: DataFile, genes: GeneVocabulary) -> None:
    read = read_maf(data_file("genomics/brca.maf.gz"), genes=genes, ncbi_build="GRCh37")
    assert read.table.num_rows == 1913
    assert read.sample_ids == {"TCGA-A8-A08B"}
    assert set(read.table["ncbi_build"].to_pylist()) == {"GRCh37"}
    assert read.blank_genes == 606  # "Unknown" for intergenic calls
    assert "PRKN" in read.table["gene"].to_pylist()  # PARK2, a previous symbol


def test_it_reads_cbioportal_mutation_files(data_file: DataFile, genes: GeneVocabulary) -> None:
    bcc = read_maf(
        data_file("genomics/public_bcc_unige_2016_archived_files_filtered_samples_data_mutations_mskcc.txt"),
        genes=genes,
    )
    assert bcc.table.num_rows == 317 and len(bcc.sample_ids) == 10
    assert "p.G374D" in bcc.table["hgvsp_short"].to_pylist()
    assert bcc.table["t_alt_count"].null_count < bcc.table.num_rows


def test_it_reads_cbioportal_non_chromosomal_contigs_and_ensembl_names(
    data_file: DataFile, genes: GeneVocabulary
) -> None:
    read = read_maf(data_file("genomics/public_brca_tcga_pub_non_chrm_genes_data_mutations.txt"), genes=genes)
    assert set(read.table["chromosome"].to_pylist()) == {"GL000192.1", "GL000205.1", "GL000229.1", "MT"}
    assert read.table["gene"].null_count == read.table.num_rows
    assert sum(read.unknown_genes.values()) == 41


@pytest.mark.parametrize(
    ("name", "rows", "samples"), [("example_single_sample.maf", 669, 1), ("example_multisample.maf", 360, 6)]
)
def test_it_reads_gdc_masked_mafs_shipped_by_pymaftools(
    pymaftools_data: Path, genes: GeneVocabulary, name: str, rows: int, samples: int
) -> None:
    read = read_maf(pymaftools_data / name, genes=genes)
    assert read.table.num_rows == rows
    assert len(read.sample_ids) == samples
    assert set(read.table["ncbi_build"].to_pylist()) == {"GRCh38"}


def test_it_normalises_an_alias_to_the_hugo_symbol(genes: GeneVocabulary) -> None:
    table = read_maf(FIXTURES / "cohort_mutations.maf.txt", genes=genes).table
    row = table.filter(pa.compute.equal(table["submitted_gene"], "HER2")).to_pylist()[0]
    assert row["gene"] == "ERBB2"
    assert row["hgvsp_short"] == "p.S310F"


def test_it_streams_a_gzipped_maf_in_batches(tmp_path: Path, genes: GeneVocabulary) -> None:
    gzipped = tmp_path / "cohort.maf.gz"
    with (FIXTURES / "cohort_mutations.maf.txt").open("rb") as source, gzip.open(gzipped, "wb") as target:
        shutil.copyfileobj(source, target)
    reader = MafReader(gzipped, genes)
    batches = list(reader.batches())
    assert sum(batch.num_rows for batch in batches) == 6
    assert reader.sample_ids == {"OB-P001-T1", "OB-P002-T1", "OB-P002-M1", "OB-P003-T1", "OB-P004-T1"}


def test_it_accepts_mutations_of_known_samples(genes: GeneVocabulary) -> None:
    known = frozenset({"OB-P001-T1", "OB-P002-T1", "OB-P002-M1", "OB-P003-T1", "OB-P004-T1"})
    read = read_maf(FIXTURES / "cohort_mutations.maf.txt", genes=genes, known_samples=known)
    assert read.table.num_rows == 6


def test_it_collects_every_problem_and_caps_the_report(tmp_path: Path, genes: GeneVocabulary) -> None:
    header = (
        "Hugo_Symbol\tChromosome\tStart_Position\tEnd_Position\tVariant_Classification\tVariant_Type\t"
        "Reference_Allele\tTumor_Seq_Allele2\tTumor_Sample_Barcode\n"
    )
    bad_rows = "".join(f"KRAS\t12\tx{index}\t1\tMissense_Mutation\tSNP\tC\tA\tS1\n" for index in range(250))
    path = tmp_path / "many.maf"
    path.write_text(header + bad_rows)
    with pytest.raises(FormatError) as caught:
        read_maf(path, genes=genes)
    assert len(caught.value.problems) == 200
    assert caught.value.omitted == 50
    assert "... and 50 more problems" in str(caught.value)
