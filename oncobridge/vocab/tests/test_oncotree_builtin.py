from __future__ import annotations

import json
from dataclasses import replace
from pathlib import Path

import pytest

from oncobridge.vocab.builtin import BUILTIN_TUMOUR_TYPES, builtin_oncotree
from oncobridge.vocab.errors import VocabularyError
from oncobridge.vocab.oncotree import OncoTree, TumourType, load_oncotree


def node(code: str, parent: str | None, level: int = 1) -> TumourType:
    return TumourType(code, code.title(), "", "", level, parent)


def test_it_builds_one_rooted_tree_from_the_builtin_nodes() -> None:
    tree = builtin_oncotree()
    assert len(tree) == len(BUILTIN_TUMOUR_TYPES)
    assert [ancestor.code for ancestor in tree.ancestors("LUAD")] == ["NSCLC", "LUNG"]


def test_it_expands_lung_cancer_in_the_builtin_tree() -> None:
    assert {"LUNG", "NSCLC", "LUAD", "LUSC", "SCLC"} <= builtin_oncotree().expand_query("lung cancer")


def test_it_finds_tumour_types_in_text_with_the_builtin_tree() -> None:
    text = "Patients with NSCLC, AML, GBM or colorectal cancer; ovarian cancer excluded."
    assert builtin_oncotree().codes_in_text(text) == ["NSCLC", "AML", "GB", "COADREAD", "OVARY"]


def test_it_copies_the_builtin_tumour_types_exactly_from_the_real_file(oncotree: OncoTree) -> None:
    # The built-in subset leaves out the release history (former codes): without the file, none are read.
    real = {node.code: replace(node, former=()) for node in oncotree}
    assert [node for node in BUILTIN_TUMOUR_TYPES if real.get(node.code) != node] == []


def test_it_rejects_a_node_with_an_unknown_parent() -> None:
    with pytest.raises(VocabularyError, match="unknown parent MISSING"):
        OncoTree.from_nodes([node("TISSUE", None, 0), node("LUNG", "MISSING")])


def test_it_rejects_a_code_that_appears_twice() -> None:
    with pytest.raises(VocabularyError, match="appears twice"):
        OncoTree.from_nodes([node("TISSUE", None, 0), node("LUNG", "TISSUE"), node("LUNG", "TISSUE")])


def test_it_rejects_nodes_without_a_single_root() -> None:
    with pytest.raises(VocabularyError, match="exactly one root"):
        OncoTree.from_nodes([node("TISSUE", None, 0), node("LUNG", None)])


def test_it_reads_a_nested_oncotree_export(tmp_path: Path) -> None:
    lung = {"code": "LUNG", "name": "Lung", "mainType": "Lung Cancer", "tissue": "Lung", "level": 1}
    root = {"code": "TISSUE", "name": "Tissue", "level": 0, "parent": None, "children": {"LUNG": lung}}
    lung |= {"parent": "TISSUE", "children": {}, "externalReferences": {"NCI": ["C12468"]}}
    path = tmp_path / "oncotree.json"
    path.write_text(json.dumps({"TISSUE": root}), encoding="utf-8")
    tree = load_oncotree(path)
    assert tree.get("lung") == TumourType("LUNG", "Lung", "Lung Cancer", "Lung", 1, "TISSUE", ("C12468",))


def test_it_raises_a_vocabulary_error_for_a_malformed_file(tmp_path: Path) -> None:
    path = tmp_path / "oncotree.json"
    path.write_text("{not json", encoding="utf-8")
    with pytest.raises(VocabularyError, match="OncoTree: cannot read"):
        load_oncotree(path)
