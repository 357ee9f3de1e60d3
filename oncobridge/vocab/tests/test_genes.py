from __future__ import annotations

import json
from pathlib import Path

import pytest

from oncobridge.vocab.builtin import BUILTIN_GENES, builtin_genes
from oncobridge.vocab.errors import VocabularyError
from oncobridge.vocab.genes import CURATED_ALIASES, GeneVocabulary, load_genes

ABSTRACT = (
    "KRAS G12C and TP53 co-mutations in EGFR-mutant NSCLC; PD-L1 expression, HER2-positive disease, loss of "
    "p53 function, BRCA1/2 carriers and MET amplification. ALL AND AML patients were enrolled in IMPACT."
)


def test_it_loads_all_46056_genes(genes: GeneVocabulary) -> None:
    assert len(genes) == 46056


def test_it_resolves_symbols_case_insensitively(genes: GeneVocabulary) -> None:
    gene = genes.resolve("kras")
    assert gene is not None and (gene.symbol, gene.entrez_id, gene.type) == ("KRAS", 3845, "protein-coding")


@pytest.mark.parametrize(
    ("alias", "symbol"),
    [
        ("PD-L1", "CD274"),
        ("pd-1", "PDCD1"),
        ("HER2", "ERBB2"),
        ("ERBB1", "EGFR"),
        ("p53", "TP53"),
        ("MLL", "KMT2A"),
    ],
)
def test_it_resolves_curated_aliases(genes: GeneVocabulary, alias: str, symbol: str) -> None:
    assert genes.normalise(alias) == symbol


def test_it_resolves_previous_symbols(genes: GeneVocabulary) -> None:
    assert (genes.normalise("MLL2"), genes.normalise("H3F3A")) == ("KMT2D", "H3-3A")


def test_it_resolves_an_alias_written_without_its_hyphen(genes: GeneVocabulary) -> None:
    assert genes.normalise("PDL1") == "CD274"


def test_it_returns_none_for_an_unknown_symbol(genes: GeneVocabulary) -> None:
    assert genes.resolve("NOTAGENE1") is None
    assert "NOTAGENE1" not in genes


def test_it_finds_genes_in_an_abstract(genes: GeneVocabulary) -> None:
    assert genes.symbols_in_text(ABSTRACT) == ["KRAS", "TP53", "EGFR", "CD274", "ERBB2", "BRCA1", "MET"]


def test_it_skips_words_and_abbreviations_that_collide_with_symbols(genes: GeneVocabulary) -> None:
    text = "ALL AND CELL IMPACT: CAT, SET, WAS, HR and CD in a T cell TRIAL"
    assert genes.symbols_in_text(text) == []


def test_it_ignores_symbols_not_written_in_capitals(genes: GeneVocabulary) -> None:
    assert genes.symbols_in_text("we ret the kit and met the team") == []


def test_it_ignores_genes_that_are_not_protein_coding_in_text(genes: GeneVocabulary) -> None:
    assert genes.symbols_in_text("BRCA1P1 and BRCA2") == ["BRCA2"]


def test_it_searches_symbols_by_prefix(genes: GeneVocabulary) -> None:
    assert [gene.symbol for gene in genes.search("brca", limit=2)] == ["BRCA1", "BRCA2"]


def test_it_maps_every_curated_alias_to_a_real_gene(genes: GeneVocabulary) -> None:
    assert sorted(symbol for symbol in CURATED_ALIASES if genes.resolve(symbol) is None) == []


def test_it_lets_no_curated_alias_shadow_a_current_symbol(genes: GeneVocabulary) -> None:
    aliases = [alias for names in CURATED_ALIASES.values() for alias in names]
    shadowing = [
        alias for alias in aliases if (gene := genes.resolve(alias)) and gene.symbol == alias.upper()
    ]
    assert shadowing == []


def test_it_copies_the_builtin_genes_with_their_real_entrez_ids(genes: GeneVocabulary) -> None:
    wrong = [
        symbol
        for symbol, entrez_id in BUILTIN_GENES
        if (gene := genes.resolve(symbol)) is None or gene.entrez_id != entrez_id
    ]
    assert wrong == []


def test_it_resolves_aliases_in_the_builtin_genes() -> None:
    assert builtin_genes().normalise("PD-L1") == "CD274"


def test_it_finds_genes_in_text_with_the_builtin_genes() -> None:
    assert builtin_genes().symbols_in_text("KRAS and HER2 but not ALL") == ["KRAS", "ERBB2"]


def test_it_reads_a_cbioportal_gene_list(tmp_path: Path) -> None:
    path = tmp_path / "genes.json"
    path.write_text(json.dumps([{"entrezGeneId": 7157, "hugoGeneSymbol": "TP53", "type": "protein-coding"}]))
    assert load_genes(path).normalise("p53") == "TP53"


def test_it_raises_a_vocabulary_error_for_a_malformed_gene_file(tmp_path: Path) -> None:
    path = tmp_path / "genes.json"
    path.write_text(json.dumps([{"hugoGeneSymbol": "TP53"}]))
    with pytest.raises(VocabularyError, match="malformed entry"):
        load_genes(path)


def test_it_reads_no_gene_into_a_compound_code(genes: GeneVocabulary) -> None:
    assert genes.symbols_in_text("ERAS-007 with BPI-7711") == []


def test_it_reads_both_partners_of_a_fusion(genes: GeneVocabulary) -> None:
    assert genes.symbols_in_text("TMPRSS2-ERG and EWS-FLI1 fusions") == ["TMPRSS2", "ERG", "EWSR1", "FLI1"]
