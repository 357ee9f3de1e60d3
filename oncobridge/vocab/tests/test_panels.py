from __future__ import annotations

import json
from pathlib import Path

import pytest

from oncobridge.vocab.errors import VocabularyError
from oncobridge.vocab.panels import GenePanel, load_gene_panels
from oncobridge.vocab.tests.conftest import PANELS_FILE, data_file


@pytest.fixture(scope="module")
def panels(data_dir: Path) -> dict[str, GenePanel]:
    return load_gene_panels(data_file(data_dir, PANELS_FILE))


def test_it_loads_65_panels(panels: dict[str, GenePanel]) -> None:
    assert len(panels) == 65


def test_it_knows_which_genes_msk_impact_covers(panels: dict[str, GenePanel]) -> None:
    impact468 = panels["IMPACT468"]
    assert len(impact468.genes) == 469
    assert {"KRAS", "TP53", "TERT"} <= impact468.genes
    assert "ZZZ3" not in impact468.genes


def test_it_accepts_the_web_api_stable_id(tmp_path: Path) -> None:
    path = tmp_path / "panels.json"
    genes = [{"entrezGeneId": 3845, "hugoGeneSymbol": "KRAS"}]
    path.write_text(json.dumps([{"stableId": "MINI", "description": "Mini panel", "genes": genes}]))
    assert load_gene_panels(path) == {"MINI": GenePanel("MINI", "Mini panel", frozenset({"KRAS"}))}


def test_it_rejects_a_panel_without_an_id(tmp_path: Path) -> None:
    path = tmp_path / "panels.json"
    path.write_text(json.dumps([{"description": "no id", "genes": []}]))
    with pytest.raises(VocabularyError, match="without an id"):
        load_gene_panels(path)
