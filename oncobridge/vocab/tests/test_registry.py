from __future__ import annotations

import json
from pathlib import Path

import pytest

from oncobridge.vocab.errors import VocabularyError
from oncobridge.vocab.registry import find_oncotree_file, load_vocabularies


def test_it_falls_back_to_the_builtin_subset_without_a_data_dir() -> None:
    vocabularies = load_vocabularies(None)
    assert vocabularies.source == "built-in subset"
    assert "LUAD" in vocabularies.oncotree
    assert vocabularies.genes.normalise("HER2") == "ERBB2"
    assert "NCU" in vocabularies.duo


def test_it_says_in_a_sentence_what_is_missing_without_a_data_dir() -> None:
    missing = load_vocabularies(None).missing
    assert len(missing) == 5
    assert missing[0].startswith("OncoTree: no reference-data directory given; using the built-in subset of")


def test_it_names_the_missing_file_path_in_an_empty_data_dir(tmp_path: Path) -> None:
    vocabularies = load_vocabularies(tmp_path)
    assert f"Genes: {tmp_path / 'vocab/cbioportal_genes.json'} not found" in vocabularies.missing[1]
    assert vocabularies.source == f"{tmp_path} (partly the built-in subset)"
    assert vocabularies.panels == {}


def test_it_picks_the_newest_oncotree_release(tmp_path: Path) -> None:
    (tmp_path / "vocab").mkdir()
    for name in ["oncotree_2021_11_02.json", "oncotree_2025_10_03.json", "oncotree_2023_06_01.json"]:
        (tmp_path / "vocab" / name).write_text("{}")
    found = find_oncotree_file(tmp_path)
    assert found is not None and found.name == "oncotree_2025_10_03.json"


def test_it_fails_loudly_on_a_broken_file_instead_of_falling_back(tmp_path: Path) -> None:
    (tmp_path / "vocab").mkdir()
    (tmp_path / "vocab" / "cbioportal_genes.json").write_text(json.dumps({"not": "a list"}))
    with pytest.raises(VocabularyError, match="Genes"):
        load_vocabularies(tmp_path)


def test_it_loads_every_vocabulary_from_the_data_dir(data_dir: Path) -> None:
    vocabularies = load_vocabularies(data_dir)
    assert vocabularies.missing == ()
    assert (len(vocabularies.oncotree), len(vocabularies.genes), len(vocabularies.panels)) == (898, 46056, 65)
    assert (len(vocabularies.duo), len(vocabularies.pathways)) == (23, 10)
