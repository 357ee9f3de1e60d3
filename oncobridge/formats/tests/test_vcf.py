from __future__ import annotations

import gzip
import shutil
from pathlib import Path

import pytest

from oncobridge.formats import tables
from oncobridge.formats.problems import FormatError
from oncobridge.formats.tests.conftest import FIXTURES
from oncobridge.formats.vcf import read_vcf
from oncobridge.vocab.genes import GeneVocabulary


def test_it_reads_a_somatic_snpeff_vcf_for_the_tumour_sample(genes: GeneVocabulary) -> None:
    read = read_vcf(FIXTURES / "somatic_snpeff.vcf", genes=genes, tumor_sample="TUMOR")
    assert read.table.schema == tables.MUTATIONS
    rows = read.table.to_pylist()
    assert [row["gene"] for row in rows] == ["BRAF", "KRAS", "TP53"]  # the weak_evidence call is skipped
    braf = rows[0]
    assert (braf["chromosome"], braf["start"], braf["hgvsp_short"]) == ("7", 140753336, "p.V600E")
    assert (braf["t_alt_count"], braf["t_ref_count"], braf["ncbi_build"]) == (34, 48, "GRCh38")
    assert braf["variant_classification"] == "Missense_Mutation"
    assert rows[2]["gene"] == "TP53"  # the missense beats WRAP53's upstream annotation
    assert any("not PASS" in warning.message for warning in read.warnings)


def test_it_writes_deletions_in_maf_style(genes: GeneVocabulary) -> None:
    kras = read_vcf(FIXTURES / "somatic_snpeff.vcf", genes=genes, tumor_sample="TUMOR").table.to_pylist()[1]
    assert (kras["start"], kras["end"], kras["reference_allele"], kras["tumor_seq_allele2"]) == (
        25245351,
        25245351,
        "C",
        "-",
    )
    assert (kras["variant_type"], kras["variant_classification"]) == ("DEL", "Frame_Shift_Del")


def test_it_reads_a_gzipped_germline_vep_vcf(tmp_path: Path, genes: GeneVocabulary) -> None:
    gzipped = tmp_path / "germline.vcf.gz"
    with (FIXTURES / "germline_vep.vcf").open("rb") as source, gzip.open(gzipped, "wb") as target:
        shutil.copyfileobj(source, target)
    read = read_vcf(gzipped, genes=genes, origin="germline")
    rows = read.table.to_pylist()
    assert [row["gene"] for row in rows] == ["BRCA1", "BRCA2", "MTHFR"]
    assert rows[0]["hgvsp_short"] == "p.E1257Gfs*9"
    assert rows[1]["variant_classification"] == "Frame_Shift_Ins"
    assert rows[1]["reference_allele"] == "-" and rows[1]["tumor_seq_allele2"] == "A"
    assert rows[2]["t_alt_count"] == 48
    assert read.sample_ids == {"OB-P001-N1"}


# The somatic fixture with real sample names and Mutect2's ##tumor_sample line naming the tumour.
PAIRED = FIXTURES / "somatic_pair_mutect2.vcf"


def test_a_somatic_pair_reads_the_tumour_that_mutect2_names_in_its_header(genes: GeneVocabulary) -> None:
    read = read_vcf(PAIRED, genes=genes, known_samples=frozenset({"OB-P002-T1"}))
    assert read.sample_ids == {"OB-P002-T1"}
    assert read.table.num_rows == 3


def test_a_germline_vcf_checks_every_sample_column(genes: GeneVocabulary) -> None:
    with pytest.raises(FormatError) as refused:
        read_vcf(PAIRED, genes=genes, origin="germline", known_samples=frozenset({"OB-P002-T1"}))
    assert [str(problem) for problem in refused.value.problems] == [
        "somatic_pair_mutect2.vcf:15: sample: 'OB-P002-N1' is not a sample in the dataset's clinical data"
    ]
