"""Fixtures for the vocabulary tests: the real reference files when ONCOBRIDGE_DATA_DIR names them."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from oncobridge.vocab.genes import GeneVocabulary, load_genes
from oncobridge.vocab.oncotree import OncoTree, load_oncotree

ONCOTREE_FILE = "vocab/oncotree_2025_10_03.json"
GENES_FILE = "vocab/cbioportal_genes.json"
PANELS_FILE = "vocab/cbioportal_gene_panels.json"
DUO_FILE = "vocab/duo.csv"
PATHWAYS_FILE = "genomics/oncogenic_sig_patwhays.tsv"


@pytest.fixture(scope="session")
def data_dir() -> Path:
    value = os.environ.get("ONCOBRIDGE_DATA_DIR")
    if not value:
        pytest.skip("ONCOBRIDGE_DATA_DIR not set: the reference-data tests need the shared data folder")
    path = Path(value)
    if not path.is_dir():
        pytest.skip(f"ONCOBRIDGE_DATA_DIR={value} is not a directory")
    return path


def data_file(data_dir: Path, relative: str) -> Path:
    path = data_dir / relative
    if not path.is_file():
        pytest.skip(f"{path} not found in ONCOBRIDGE_DATA_DIR")
    return path


@pytest.fixture(scope="session")
def oncotree(data_dir: Path) -> OncoTree:
    return load_oncotree(data_file(data_dir, ONCOTREE_FILE))


@pytest.fixture(scope="session")
def genes(data_dir: Path) -> GeneVocabulary:
    return load_genes(data_file(data_dir, GENES_FILE))
