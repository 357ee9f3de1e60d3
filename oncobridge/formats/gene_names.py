"""Gene symbols in submitted files -> current HUGO symbols, by the gene vocabulary, per distinct value.

Policy (why): real public files are full of gene names the vocabulary cannot know offline: clone names
(AC004485.3), Ensembl ids for unnamed genes, previous symbols the vocabulary lacks (BAI2), tool idioms
(FLT3_ITD), and cBioPortal rows with no symbol at all. Refusing them would refuse every real file, so by
default such rows are kept with an empty `gene`, the submitted name stays in `submitted_gene`, and a warning
counts them per name. `unknown_genes="error"` refuses them instead (for curated data). Values that cannot
be a gene name at all (numbers, text with spaces: a sign of shifted columns) are always refused.
"""

from __future__ import annotations

import re
from collections import Counter
from dataclasses import dataclass, field
from typing import Literal

import pyarrow as pa
import pyarrow.compute as pc

from oncobridge.vocab.genes import Gene, GeneVocabulary

UnknownGenes = Literal["warn", "error"]

# Placeholders that mean "no gene" in MAF and cBioPortal files.
NO_GENE = frozenset({"", "UNKNOWN", ".", "-", "NA"})
_GENE_SHAPED = re.compile(r"^[A-Za-z0-9][A-Za-z0-9._\-/@:]*$")
_NUMBER = re.compile(r"^[0-9.eE+-]+$")


@dataclass(frozen=True, slots=True)
class Resolved:
    symbol: str | None
    entrez_id: int | None
    status: Literal["known", "blank", "unknown", "malformed"]


@dataclass
class GeneResolver:
    """Resolves symbols (and Entrez ids where a symbol fails) once per distinct value; counts what failed."""

    vocabulary: GeneVocabulary
    _cache: dict[tuple[str | None, int | None], Resolved] = field(default_factory=dict)
    _by_entrez: dict[int, Gene] | None = None
    unknown: Counter[str] = field(default_factory=Counter)
    first_unknown_row: dict[str, int] = field(default_factory=dict)
    blank: int = 0

    def resolve(self, submitted: str | None, entrez_id: int | None = None) -> Resolved:
        key = (submitted, entrez_id)
        found = self._cache.get(key)
        if found is None:
            found = self._resolve(submitted, entrez_id)
            self._cache[key] = found
        return found

    def _resolve(self, submitted: str | None, entrez_id: int | None) -> Resolved:
        text = (submitted or "").strip()
        gene = self.vocabulary.resolve(text) if text.upper() not in NO_GENE else None
        if gene is None and text.upper().endswith("_ITD"):
            gene = self.vocabulary.resolve(text[:-4])  # maftools writes FLT3 internal tandem duplications so
        if gene is None and entrez_id:
            gene = self._entrez_index().get(entrez_id)
        if gene is not None:
            return Resolved(gene.symbol, gene.entrez_id, "known")
        if text.upper() in NO_GENE:
            return Resolved(None, None, "blank")
        if not _GENE_SHAPED.match(text) or _NUMBER.match(text):
            return Resolved(None, None, "malformed")
        return Resolved(None, entrez_id or None, "unknown")

    def _entrez_index(self) -> dict[int, Gene]:
        if self._by_entrez is None:
            self._by_entrez = {gene.entrez_id: gene for gene in self.vocabulary}
        return self._by_entrez

    def resolve_array(
        self, submitted: pa.Array, entrez: pa.Array | None
    ) -> tuple[pa.Array, pa.Array, pa.Array]:
        """(symbols, entrez ids, statuses) for a column; resolution runs once per distinct (name, entrez)."""
        if entrez is None:
            uniques = pc.unique(submitted)
            resolved = [self.resolve(value) for value in uniques.to_pylist()]
            positions = pc.index_in(submitted, value_set=uniques)
        else:
            # One string key per (name, entrez) pair: Arrow has no unique() over structs.
            keys = pc.binary_join_element_wise(
                pc.fill_null(submitted, ""), pc.fill_null(pc.cast(entrez, pa.string()), ""), "\x1f"
            )
            uniques = pc.unique(keys)
            resolved = []
            for key in uniques.to_pylist():
                name, _, number = key.partition("\x1f")
                resolved.append(self.resolve(name or None, int(number) if number else None))
            positions = pc.index_in(keys, value_set=uniques)
        symbols = pa.array([item.symbol for item in resolved], pa.string()).take(positions)
        entrez_ids = pa.array([item.entrez_id for item in resolved], pa.int64()).take(positions)
        statuses = pa.array([item.status for item in resolved], pa.string()).take(positions)
        return symbols, entrez_ids, statuses

    def note_unknown(self, name: str, row: int) -> None:
        self.unknown[name] += 1
        self.first_unknown_row.setdefault(name, row)
