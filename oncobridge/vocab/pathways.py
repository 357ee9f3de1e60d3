"""Oncogenic signalling pathways (Sanchez-Vega et al. 2018, as shipped by maftools): pathway -> genes."""

from __future__ import annotations

import csv
from collections.abc import Iterable, Mapping
from pathlib import Path

from oncobridge.vocab.errors import VocabularyError


def load_pathways(path: Path) -> dict[str, frozenset[str]]:
    """Read the tab-separated Pathway/Gene/OG_TSG table into pathway -> gene symbols."""
    members: dict[str, set[str]] = {}
    try:
        with path.open(encoding="utf-8", newline="") as handle:
            reader = csv.DictReader(handle, delimiter="\t")
            if reader.fieldnames is None or not {"Pathway", "Gene"} <= set(reader.fieldnames):
                raise VocabularyError(f"Pathways: {path} needs the columns Pathway and Gene")
            for row in reader:
                pathway, gene = (row["Pathway"] or "").strip(), (row["Gene"] or "").strip()
                if pathway and gene:
                    members.setdefault(pathway, set()).add(gene.upper())
    except OSError as exc:
        raise VocabularyError(f"Pathways: cannot read {path}: {exc}") from exc
    return {pathway: frozenset(genes) for pathway, genes in members.items()}


def pathways_for_genes(
    genes: Iterable[str], pathways: Mapping[str, frozenset[str]]
) -> dict[str, tuple[str, ...]]:
    """Pathways hit by the given genes, each with the (sorted) genes that hit it; others are left out."""
    wanted = {gene.upper() for gene in genes}
    hits = {pathway: tuple(sorted(members & wanted)) for pathway, members in sorted(pathways.items())}
    return {pathway: found for pathway, found in hits.items() if found}
