"""The concept knowledge the engine reasons with, as plain data: the cancer-type hierarchy and pathways.

The engine never loads files itself: the caller builds an Ontology, usually with ontology_from_vocab() from
the platform's OncoTree and pathway table, or by hand in tests.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from enum import Enum
from pathlib import Path

from oncobridge.vocab.oncotree import OncoTree, load_oncotree
from oncobridge.vocab.pathways import load_pathways


class Relation(Enum):
    """How a query's cancer type relates to a candidate's, strongest first."""

    SAME = "same"
    BROADER = "broader"  # the query's type contains the candidate's: NSCLC (you) ⊃ LUAD (them)
    NARROWER = "narrower"  # the candidate's type contains the query's: LUAD (you) ⊂ NSCLC (them)
    SAME_TISSUE = "same_tissue"  # different branches of one tissue: LUAD and SCLC, both Lung


# Part of a full match each relation earns. Fixed by the meaning of the relations (a subtype serves a need for
# its parent type nearly as well as the type itself; a sibling tumour in the same organ much less), not tuned:
# the weight of the whole cancer-type part is what the tuning sets.
RELATION_CREDIT: dict[Relation, float] = {
    Relation.SAME: 1.0,
    Relation.BROADER: 0.8,
    Relation.NARROWER: 0.7,
    Relation.SAME_TISSUE: 0.25,
}


@dataclass(frozen=True)
class Ontology:
    """ancestors: code -> its ancestors nearest first, without the tree's root; names: code -> display name;
    pathways: pathway -> member gene symbols (upper case)."""

    ancestors: Mapping[str, tuple[str, ...]]
    names: Mapping[str, str] = field(default_factory=dict)
    pathways: Mapping[str, frozenset[str]] = field(default_factory=dict)
    _descendants: dict[str, frozenset[str]] = field(init=False, repr=False, compare=False)
    _gene_pathways: dict[str, tuple[str, ...]] = field(init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        below: dict[str, set[str]] = {}
        for code, ancestors in self.ancestors.items():
            for ancestor in ancestors:
                below.setdefault(ancestor, set()).add(code)
        object.__setattr__(self, "_descendants", {code: frozenset(codes) for code, codes in below.items()})
        by_gene: dict[str, list[str]] = {}
        for pathway, genes in sorted(self.pathways.items()):
            for gene in genes:
                by_gene.setdefault(gene.upper(), []).append(pathway)
        object.__setattr__(self, "_gene_pathways", {gene: tuple(found) for gene, found in by_gene.items()})

    def descendants(self, code: str) -> frozenset[str]:
        return self._descendants.get(code, frozenset())

    def tissue(self, code: str) -> str:
        """The top-level ancestor (the tissue), or the code itself when it is one or is unknown."""
        ancestors = self.ancestors.get(code, ())
        return ancestors[-1] if ancestors else code

    def relation(self, query_code: str, candidate_code: str) -> Relation | None:
        if query_code == candidate_code:
            return Relation.SAME
        if query_code in self.ancestors.get(candidate_code, ()):
            return Relation.BROADER
        if candidate_code in self.ancestors.get(query_code, ()):
            return Relation.NARROWER
        if query_code in self.ancestors and self.tissue(query_code) == self.tissue(candidate_code):
            return Relation.SAME_TISSUE
        return None

    def related_codes(self, query_code: str) -> dict[Relation, frozenset[str]]:
        """Codes in each relation to a query code; unknown codes relate only to themselves."""
        same = frozenset({query_code})
        if query_code not in self.ancestors:
            return {Relation.SAME: same}
        broader = self.descendants(query_code)
        narrower = frozenset(self.ancestors[query_code])
        tissue = self.tissue(query_code)
        tissue_wide = self.descendants(tissue) | {tissue}
        return {
            Relation.SAME: same,
            Relation.BROADER: broader,
            Relation.NARROWER: narrower,
            Relation.SAME_TISSUE: tissue_wide - broader - narrower - same,
        }

    def lineage(self, code: str) -> frozenset[str]:
        """The code with its ancestors and descendants: every code that concerns the same tumours."""
        return frozenset({code, *self.ancestors.get(code, ()), *self.descendants(code)})

    def pathways_of(self, genes: Iterable[str]) -> tuple[str, ...]:
        found = {pathway for gene in genes for pathway in self._gene_pathways.get(gene.upper(), ())}
        return tuple(sorted(found))

    def pathway_genes(self, pathway: str, genes: Iterable[str]) -> tuple[str, ...]:
        members = self.pathways.get(pathway, frozenset())
        return tuple(sorted({gene.upper() for gene in genes} & members))

    def name(self, code: str) -> str:
        return self.names.get(code, code)


EMPTY_ONTOLOGY = Ontology(ancestors={})


def ontology_from_vocab(tree: OncoTree, pathways: Mapping[str, frozenset[str]] | None = None) -> Ontology:
    """Build the engine's plain-data ontology from the platform's OncoTree and (optionally) pathway table."""
    return Ontology(
        ancestors={
            node.code: tuple(ancestor.code for ancestor in tree.ancestors(node.code))
            for node in tree
            if node.parent is not None
        },
        names={node.code: node.name for node in tree},
        pathways=dict(pathways or {}),
    )


ONCOTREE_FILE = "vocab/oncotree_2025_10_03.json"
PATHWAYS_FILE = "genomics/oncogenic_sig_patwhays.tsv"


def ontology_from_data_dir(data_dir: Path) -> Ontology:
    """The ontology from the reference-data directory (ONCOBRIDGE_DATA_DIR): OncoTree and pathways."""
    pathways = data_dir / PATHWAYS_FILE
    return ontology_from_vocab(
        load_oncotree(data_dir / ONCOTREE_FILE), load_pathways(pathways) if pathways.is_file() else None
    )
