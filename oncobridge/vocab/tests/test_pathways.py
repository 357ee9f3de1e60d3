from __future__ import annotations

from pathlib import Path

from oncobridge.vocab.builtin import BUILTIN_PATHWAYS
from oncobridge.vocab.pathways import load_pathways, pathways_for_genes
from oncobridge.vocab.tests.conftest import PATHWAYS_FILE, data_file


def test_it_loads_the_10_oncogenic_pathways(data_dir: Path) -> None:
    pathways = load_pathways(data_file(data_dir, PATHWAYS_FILE))
    assert len(pathways) == 10
    assert {"KRAS", "EGFR", "BRAF"} <= pathways["RTK-RAS"]


def test_it_copies_the_builtin_pathways_whole(data_dir: Path) -> None:
    pathways = load_pathways(data_file(data_dir, PATHWAYS_FILE))
    assert {name: pathways[name] for name in BUILTIN_PATHWAYS} == BUILTIN_PATHWAYS


def test_it_reports_the_pathways_hit_by_genes() -> None:
    hits = pathways_for_genes(["tp53", "MDM2", "CDK4", "NOTAGENE"], BUILTIN_PATHWAYS)
    assert hits == {"Cell_Cycle": ("CDK4",), "TP53": ("MDM2", "TP53")}


def test_it_reads_a_pathway_table(tmp_path: Path) -> None:
    path = tmp_path / "pathways.tsv"
    path.write_text("Pathway\tGene\tOG_TSG\nNRF2\tKEAP1\tTSG\nNRF2\tNFE2L2\tOG\n", encoding="utf-8")
    assert load_pathways(path) == {"NRF2": frozenset({"KEAP1", "NFE2L2"})}
