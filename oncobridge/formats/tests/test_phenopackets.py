from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from pathlib import Path

import pytest

from oncobridge.formats.phenopackets import read_phenopacket, validate_phenopacket, write_phenopacket
from oncobridge.vocab.genes import GeneVocabulary


@pytest.mark.parametrize(
    "name", ["retinoblastoma", "squamous-cell-esophageal-carcinoma", "urothelial-cancer"]
)
def test_it_reads_the_ga4gh_examples(
    data_file: Callable[[str], Path], genes: GeneVocabulary, name: str
) -> None:
    read = read_phenopacket(data_file(f"phenopackets/{name}.json"), genes=genes)
    assert read.patients.num_rows == 1
    assert read.patients["diagnosis_code"][0].as_py().startswith("NCIT:")
    assert read.samples.num_rows >= 1


def test_it_reads_the_retinoblastoma_rb1_variant(
    data_file: Callable[[str], Path], genes: GeneVocabulary
) -> None:
    read = read_phenopacket(data_file("phenopackets/retinoblastoma.json"), genes=genes)
    assert (
        read.mutations.to_pylist()[0].items()
        >= {"gene": "RB1", "chromosome": "13", "start": 48367512}.items()
    )


def test_a_written_phenopacket_round_trips(data_file: Callable[[str], Path], genes: GeneVocabulary) -> None:
    read = read_phenopacket(data_file("phenopackets/retinoblastoma.json"), genes=genes)
    document = write_phenopacket(
        "proband A",
        patients=read.patients,
        samples=read.samples,
        mutations=read.mutations,
        created_by="OncoBridge",
        created=dt.datetime(2025, 1, 2, tzinfo=dt.UTC),
    )
    message = validate_phenopacket(document, "out.json")
    assert message.subject.id == "proband A"
    assert message.diseases[0].term.id == "NCIT:C7541"
    descriptor = (
        message.interpretations[0]
        .diagnosis.genomic_interpretations[0]
        .variant_interpretation.variation_descriptor
    )
    assert descriptor.gene_context.symbol == "RB1"
    assert descriptor.vcf_record.chrom == "13"
    assert document["metaData"]["created"] == "2025-01-02T00:00:00Z"
