"""Load every vocabulary from the reference-data directory, falling back to the built-in subset per part."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import TypeVar

from oncobridge.vocab.builtin import (
    BUILTIN_GENES,
    BUILTIN_TUMOUR_TYPES,
    builtin_duo,
    builtin_genes,
    builtin_oncotree,
    builtin_pathways,
)
from oncobridge.vocab.duo import DuoTerm, load_duo
from oncobridge.vocab.genes import GeneVocabulary, load_genes
from oncobridge.vocab.oncotree import OncoTree, load_oncotree
from oncobridge.vocab.panels import GenePanel, load_gene_panels
from oncobridge.vocab.pathways import load_pathways

BUILTIN_SOURCE = "built-in subset"

GENES_FILE = Path("vocab/cbioportal_genes.json")
PANELS_FILE = Path("vocab/cbioportal_gene_panels.json")
DUO_FILE = Path("vocab/duo.csv")
PATHWAYS_FILE = Path("genomics/oncogenic_sig_patwhays.tsv")
ONCOTREE_GLOB = "vocab/oncotree_*.json"

T = TypeVar("T")


@dataclass(frozen=True, slots=True)
class Vocabularies:
    oncotree: OncoTree
    genes: GeneVocabulary
    panels: Mapping[str, GenePanel]
    duo: Mapping[str, DuoTerm]
    pathways: Mapping[str, frozenset[str]]
    source: str
    missing: tuple[str, ...]


def find_oncotree_file(data_dir: Path) -> Path | None:
    """The newest OncoTree release in the directory; release dates in the names sort as text."""
    candidates = sorted(data_dir.glob(ONCOTREE_GLOB))
    return candidates[-1] if candidates else None


def load_vocabularies(data_dir: Path | None) -> Vocabularies:
    """Load each vocabulary file that exists under data_dir; use the built-in subset for the rest.

    A file that exists but cannot be read raises VocabularyError: a broken deployment should fail loudly,
    only an absent file falls back. `missing` holds one sentence per fallback, for logs and the admin page.
    """
    missing: list[str] = []

    def load(part: str, path: Path | None, loader: Callable[[Path], T], fallback: T, note: str) -> T:
        if path is not None and path.is_file():
            return loader(path)
        reason = f"{path} not found" if path is not None else "no reference-data directory given"
        missing.append(f"{part}: {reason}; {note}")
        return fallback

    def under(relative: Path) -> Path | None:
        return data_dir / relative if data_dir is not None else None

    oncotree_path = None
    if data_dir is not None:
        oncotree_path = find_oncotree_file(data_dir) or data_dir / ONCOTREE_GLOB
    oncotree = load(
        "OncoTree",
        oncotree_path,
        load_oncotree,
        builtin_oncotree(),
        f"using the built-in subset of {len(BUILTIN_TUMOUR_TYPES)} tumour types",
    )
    genes = load(
        "Genes",
        under(GENES_FILE),
        load_genes,
        builtin_genes(),
        f"using the built-in subset of {len(BUILTIN_GENES)} cancer genes",
    )
    panels: Mapping[str, GenePanel] = load(
        "Gene panels",
        under(PANELS_FILE),
        load_gene_panels,
        {},
        "no gene panels are available, so mutation frequencies cannot be panel-aware",
    )
    duo: Mapping[str, DuoTerm] = load(
        "DUO", under(DUO_FILE), load_duo, builtin_duo(), "using the built-in copy of the DUO terms"
    )
    pathways: Mapping[str, frozenset[str]] = load(
        "Pathways",
        under(PATHWAYS_FILE),
        load_pathways,
        builtin_pathways(),
        f"using the built-in copy of {len(builtin_pathways())} of the 10 oncogenic pathways",
    )
    if data_dir is None:
        source = BUILTIN_SOURCE
    elif missing:
        source = f"{data_dir} (partly the {BUILTIN_SOURCE})"
    else:
        source = str(data_dir)
    return Vocabularies(
        oncotree=oncotree,
        genes=genes,
        panels=panels,
        duo=duo,
        pathways=pathways,
        source=source,
        missing=tuple(missing),
    )
