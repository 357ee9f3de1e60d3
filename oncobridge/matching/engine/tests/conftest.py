"""Matching-engine fixtures: the real embedding model, a small hand-made ontology, the reference data."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from oncobridge.matching.engine.embedding import MiniLMEmbedder
from oncobridge.matching.engine.ontology import Ontology

# Passage vectors are cached under var/ (git-ignored), so that the real-data evaluation embeds only once.
EMBEDDING_CACHE = Path(__file__).resolve().parents[4] / "var" / "cache" / "matching" / "embeddings"


@pytest.fixture(scope="session")
def embedder() -> MiniLMEmbedder:
    return MiniLMEmbedder(cache_dir=EMBEDDING_CACHE)


@pytest.fixture(scope="session")
def lung_ontology() -> Ontology:
    """A corner of OncoTree: Lung > NSCLC > LUAD, LUSC; Lung > SCLC; Breast > BRCA; two pathways."""
    return Ontology(
        ancestors={
            "LUNG": (),
            "NSCLC": ("LUNG",),
            "LUAD": ("NSCLC", "LUNG"),
            "LUSC": ("NSCLC", "LUNG"),
            "SCLC": ("LUNG",),
            "BREAST": (),
            "BRCA": ("BREAST",),
        },
        names={"LUNG": "Lung", "NSCLC": "Non-Small Cell Lung Cancer", "LUAD": "Lung Adenocarcinoma"},
        pathways={"RTK-RAS": frozenset({"EGFR", "KRAS", "ERBB2"}), "TP53": frozenset({"TP53"})},
    )


@pytest.fixture(scope="session")
def data_dir() -> Path:
    value = os.environ.get("ONCOBRIDGE_DATA_DIR")
    if not value:
        pytest.skip("ONCOBRIDGE_DATA_DIR not set: the real-data evaluation needs the shared data folder")
    path = Path(value)
    if not (path / "portfolio" / "dbgap_studies.tsv").is_file():
        pytest.skip(f"{path}/portfolio/dbgap_studies.tsv not found in ONCOBRIDGE_DATA_DIR")
    return path
