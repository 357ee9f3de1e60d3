"""Fixtures for the formats tests: real files when ONCOBRIDGE_DATA_DIR is set, else our own."""

from __future__ import annotations

import importlib.util
import os
from pathlib import Path

import pytest

from oncobridge.vocab.genes import Gene, GeneVocabulary, load_genes, with_curated_aliases

FIXTURES = Path(__file__).parent / "fixtures"
MALFORMED = FIXTURES / "malformed"

# Enough genes for our own fixtures when the shared gene list is not there.
_FIXTURE_GENES = [
    Gene("KRAS", 3845, "protein-coding"),
    Gene("TP53", 7157, "protein-coding"),
    Gene("BRAF", 673, "protein-coding"),
    Gene("PIK3CA", 5290, "protein-coding"),
    Gene("ERBB2", 2064, "protein-coding"),
    Gene("EGFR", 1956, "protein-coding"),
    Gene("BRCA1", 672, "protein-coding"),
    Gene("BRCA2", 675, "protein-coding"),
    Gene("MTHFR", 4524, "protein-coding"),
    Gene("ESR1", 2099, "protein-coding"),
    Gene("RB1", 5925, "protein-coding"),
    Gene("WRAP53", 55135, "protein-coding"),
]


def _data_dir() -> Path | None:
    value = os.environ.get("ONCOBRIDGE_DATA_DIR")
    return Path(value) if value and Path(value).is_dir() else None


@pytest.fixture(scope="session")
def data_dir() -> Path:
    directory = _data_dir()
    if directory is None:
        pytest.skip("ONCOBRIDGE_DATA_DIR not set: the real-file tests need the shared reference data folder")
    return directory


@pytest.fixture(scope="session")
def data_file(data_dir: Path):  # type: ignore[no-untyped-def]
    def find(relative: str) -> Path:
        path = data_dir / relative
        if not path.exists():
            pytest.skip(f"{relative} not found in ONCOBRIDGE_DATA_DIR")
        return path

    return find


@pytest.fixture(scope="session")
def genes() -> GeneVocabulary:
    """cBioPortal's 46,056 genes when the data folder is there, else the few our fixtures name."""
    directory = _data_dir()
    if directory is not None and (directory / "vocab" / "cbioportal_genes.json").exists():
        return load_genes(directory / "vocab" / "cbioportal_genes.json")
    return GeneVocabulary(with_curated_aliases(_FIXTURE_GENES))


@pytest.fixture(scope="session")
def pymaftools_data() -> Path:
    spec = importlib.util.find_spec("pymaftools")
    if spec is None or spec.origin is None:
        pytest.skip("pymaftools (a test dependency shipping TCGA MAFs) is not installed")
    return Path(spec.origin).parent / "data"
