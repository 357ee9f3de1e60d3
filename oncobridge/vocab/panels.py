"""Targeted sequencing panels (cBioPortal gene panels): which genes each panel covers.

Mutation frequencies are only honest when the denominator counts samples whose panel covers the gene.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from oncobridge.vocab.errors import VocabularyError


@dataclass(frozen=True, slots=True)
class GenePanel:
    id: str
    description: str
    genes: frozenset[str]


def load_gene_panels(path: Path) -> dict[str, GenePanel]:
    """Read cBioPortal's gene-panel JSON list into panels keyed by panel id."""
    try:
        raw: Any = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, json.JSONDecodeError) as exc:
        raise VocabularyError(f"Gene panels: cannot read {path}: {exc}") from exc
    if not isinstance(raw, list):
        raise VocabularyError(f"Gene panels: {path} should hold a JSON list of panels")
    panels: dict[str, GenePanel] = {}
    for entry in raw:
        # The datahub export names the id genePanelId; the web API names it stableId.
        panel_id = entry.get("genePanelId") or entry.get("stableId")
        if not panel_id:
            raise VocabularyError(f"Gene panels: {path} has a panel without an id")
        genes = frozenset(
            gene["hugoGeneSymbol"].upper() for gene in entry.get("genes", []) if gene.get("hugoGeneSymbol")
        )
        panels[panel_id] = GenePanel(id=panel_id, description=entry.get("description", ""), genes=genes)
    return panels
