from __future__ import annotations

import pytest

from oncobridge.vocab.errors import VocabularyError
from oncobridge.vocab.oncotree import _ABBREVIATIONS, _PHRASE_SYNONYMS, OncoTree

ABSTRACT = (
    "We enrolled patients with non-small cell lung cancer (NSCLC), including lung adenocarcinoma "
    "harbouring KRAS G12C, patients with acute myeloid leukaemia and patients with glioblastoma (GBM). "
    "A second cohort had metastatic colorectal cancer; patients with melanoma were excluded."
)


def test_it_loads_all_898_nodes(oncotree: OncoTree) -> None:
    assert len(oncotree) == 898


def test_it_finds_codes_case_insensitively(oncotree: OncoTree) -> None:
    node = oncotree.get("luad")
    assert node is not None and node.name == "Lung Adenocarcinoma"
    assert "Luad" in oncotree


def test_it_keeps_ncit_cross_references(oncotree: OncoTree) -> None:
    node = oncotree.get("LUAD")
    assert node is not None and node.ncit == ("C3512",)


def test_it_maps_retired_codes_to_todays_from_the_release_history(oncotree: OncoTree) -> None:
    assert oncotree.former_codes["GBM"] == ("GB",)
    assert "GBM" not in oncotree
    assert len(oncotree.former_codes["ALL"]) > 1  # split into B- and T-lymphoblastic
    assert not set(oncotree.former_codes) & {node.code for node in oncotree}


def test_it_lists_ancestors_nearest_first_without_the_root(oncotree: OncoTree) -> None:
    assert [node.code for node in oncotree.ancestors("LUAD")] == ["NSCLC", "LUNG"]


def test_it_lists_children(oncotree: OncoTree) -> None:
    assert {"LUAD", "LUSC"} <= {node.code for node in oncotree.children("NSCLC")}


def test_it_includes_luad_in_the_descendants_of_nsclc(oncotree: OncoTree) -> None:
    assert {"NSCLC", "LUAD", "LUSC"} <= oncotree.descendants("NSCLC")


def test_it_leaves_the_code_out_of_its_descendants_when_asked(oncotree: OncoTree) -> None:
    assert "NSCLC" not in oncotree.descendants("NSCLC", include_self=False)


def test_it_relates_a_code_to_its_ancestors_and_descendants_only(oncotree: OncoTree) -> None:
    related = oncotree.related("NSCLC")
    assert {"LUNG", "NSCLC", "LUAD"} <= related
    assert "SCLC" not in related


def test_it_shows_the_lineage_path_from_the_tissue(oncotree: OncoTree) -> None:
    assert oncotree.lineage_path("LUAD") == "Lung > Non-Small Cell Lung Cancer > Lung Adenocarcinoma"


def test_it_lists_the_32_tissues(oncotree: OncoTree) -> None:
    tissues = oncotree.tissues()
    assert len(tissues) == 32
    assert all(node.level == 1 for node in tissues)


def test_it_rejects_an_unknown_code_in_hierarchy_lookups(oncotree: OncoTree) -> None:
    with pytest.raises(VocabularyError, match="NOPE"):
        oncotree.ancestors("NOPE")


def test_it_expands_lung_cancer_to_the_whole_lung_subtree(oncotree: OncoTree) -> None:
    expanded = oncotree.expand_query("lung cancer")
    assert {"LUNG", "NSCLC", "LUAD", "LUSC", "SCLC"} <= expanded
    assert "BRCA" not in expanded


def test_it_expands_nsclc_to_its_subtypes_but_not_to_small_cell(oncotree: OncoTree) -> None:
    expanded = oncotree.expand_query("NSCLC")
    assert {"NSCLC", "LUAD", "LUSC"} <= expanded
    assert "SCLC" not in expanded


def test_it_expands_breast_carcinoma_without_breast_sarcoma(oncotree: OncoTree) -> None:
    expanded = oncotree.expand_query("breast carcinoma")
    assert {"BRCA", "IDC", "ILC"} <= expanded
    assert "PBS" not in expanded


def test_it_expands_melanoma_across_tissues(oncotree: OncoTree) -> None:
    assert {"MEL", "SKCM", "UM"} <= oncotree.expand_query("melanoma")


def test_it_expands_the_british_spelling_leukaemia(oncotree: OncoTree) -> None:
    assert {"AML", "CML", "CLLSLL"} <= oncotree.expand_query("leukaemias")


def test_it_expands_an_unknown_word_to_nothing(oncotree: OncoTree) -> None:
    assert oncotree.expand_query("xyzzy") == set()


def test_it_ranks_the_exact_code_first_in_search(oncotree: OncoTree) -> None:
    assert oncotree.search("luad")[0].code == "LUAD"


def test_it_ranks_invasive_breast_carcinoma_first_for_breast_carcinoma(oncotree: OncoTree) -> None:
    assert oncotree.search("breast carcinoma")[0].code == "BRCA"


def test_it_ranks_the_tissue_first_for_lung_cancer(oncotree: OncoTree) -> None:
    assert [node.code for node in oncotree.search("lung cancer", limit=2)] == ["LUNG", "NSCLC"]


def test_it_limits_search_results(oncotree: OncoTree) -> None:
    assert len(oncotree.search("carcinoma", limit=5)) == 5


def test_it_finds_the_most_specific_tumour_types_in_an_abstract(oncotree: OncoTree) -> None:
    assert oncotree.codes_in_text(ABSTRACT) == ["LUAD", "AML", "GB", "COADREAD", "MEL"]


def test_it_prefers_the_longest_phrase_in_text(oncotree: OncoTree) -> None:
    assert oncotree.codes_in_text("advanced non-small cell lung cancer") == ["NSCLC"]


def test_it_reads_abbreviations_only_in_capitals(oncotree: OncoTree) -> None:
    assert oncotree.codes_in_text("all patients with aml") == []
    assert oncotree.codes_in_text("children with ALL") == ["BLL", "TLL"]


def test_it_reads_the_common_synonyms(oncotree: OncoTree) -> None:
    text = "multiple myeloma, pancreatic cancer, breast cancer, prostate cancer and CLL"
    assert oncotree.codes_in_text(text) == ["PCM", "PANCREAS", "BREAST", "PROSTATE", "CLLSLL"]


def test_it_ignores_a_bare_organ_name(oncotree: OncoTree) -> None:
    assert oncotree.codes_in_text("lung function and breast milk") == []


def test_it_maps_every_synonym_and_abbreviation_to_a_real_code(oncotree: OncoTree) -> None:
    codes = {code for codes in [*_PHRASE_SYNONYMS.values(), *_ABBREVIATIONS.values()] for code in codes}
    assert sorted(code for code in codes if code not in oncotree) == []
