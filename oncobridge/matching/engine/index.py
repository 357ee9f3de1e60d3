"""The match index: entities in, ranked and explained matches out, kept up to date one entity at a time.

Every entity occupies a slot. Per-slot data lives in numpy arrays (embedding vectors, document lengths, kind
and organisation numbers); terms and concept codes live in SparseRows stores. Scoring a query is a handful of
vectorised passes over those arrays, one per switched-on score part, so it stays fast at 100,000 entities:
every part is scored exactly for every entity (no candidate shortlist, so no match is ever missed). BM25 reads
only the query terms' columns; the embedding part is one BLAS mat-vec over a contiguous float32 matrix; the
query is embedded on a worker thread while the lexical and concept parts are scored. benchmarks/matching.py
times it and checks it against brute force.

`allowed` (search, part_scores) confines a query to some entities before anything is scored: the others are
not candidates and are not the corpus either, so BM25's document frequencies, average length and its scaling
to the best match are those of the allowed entities alone. Scores over an allowed set are the scores an index
holding only those entities would give. Filters and the own-organisation exclusion, by contrast, only choose
what is shown.
"""

from __future__ import annotations

import json
import os
import threading
from collections.abc import Collection, Iterable, Sequence
from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import dataclass, field
from itertools import repeat
from pathlib import Path
from typing import Any

import numpy as np
import numpy.typing as npt

from oncobridge.matching.engine.embedding import Embedder, Vectors
from oncobridge.matching.engine.entities import Entity
from oncobridge.matching.engine.explain import Explanation, explain
from oncobridge.matching.engine.ontology import EMPTY_ONTOLOGY, RELATION_CREDIT, Ontology
from oncobridge.matching.engine.sparse import FloatArray, IntArray, SparseRows
from oncobridge.matching.engine.text import term_counts
from oncobridge.matching.engine.weights import DEFAULT_WEIGHTS, PARTS, Weights

FORMAT_VERSION = 1
# BM25 (Robertson/Lucene): term-frequency saturation and length normalisation, the usual defaults.
BM25_K1 = 1.2
BM25_B = 0.75
KEY_PHRASES = 5
# Fold pending rows into the column stores once they are this share of the index (or this many at least).
_COMPACT_SHARE = 0.05
_COMPACT_MIN = 512
_SET_STORES = ("cancer_types", "genes", "pathways", "modalities", "offers", "seeks")


_WORKER: tuple[int, ThreadPoolExecutor] | None = None
_WORKER_LOCK = threading.Lock()


def _worker() -> ThreadPoolExecutor:
    """The threads that embed queries, one set per process (made again after a fork, whose child has none)."""
    global _WORKER
    with _WORKER_LOCK:
        if _WORKER is None or _WORKER[0] != os.getpid():
            _WORKER = (os.getpid(), ThreadPoolExecutor(max_workers=2, thread_name_prefix="match-embed"))
        return _WORKER[1]


@dataclass(frozen=True, slots=True)
class Filters:
    """Only entities of these kinds / organisation types / cancer types (hierarchy-aware); empty means any."""

    kinds: frozenset[str] = frozenset()
    organisation_types: frozenset[str] = frozenset()
    cancer_types: frozenset[str] = frozenset()


@dataclass(frozen=True, slots=True)
class Match:
    entity: Entity
    score: float
    parts: dict[str, float]  # each switched-on part's weighted contribution; they add up to score
    explanation: Explanation


_Mask = npt.NDArray[np.bool_]


@dataclass
class _Labels:
    """Strings numbered on first sight, so that filters compare small integers."""

    numbers: dict[str, int] = field(default_factory=dict)

    def number(self, label: str) -> int:
        return self.numbers.setdefault(label, len(self.numbers))


@dataclass
class _Lexical:
    """A query's BM25 evidence, kept to name the key phrases of the matches shown."""

    slots: IntArray
    terms: list[str]
    positions: IntArray
    contributions: FloatArray


class MatchIndex:
    """Hybrid lexical, semantic, concept and complementarity matching over a changing set of entities.

    embedder: turns texts into vectors (None: an index without the embedding part). ontology: cancer-type
    hierarchy and pathways (the default knows none: cancer types then match only when identical).
    """

    def __init__(self, *, embedder: Embedder | None, ontology: Ontology = EMPTY_ONTOLOGY) -> None:
        self.embedder = embedder
        self.ontology = ontology
        self._dimension = embedder.dimension if embedder is not None else 0
        self._entities: list[Entity | None] = []
        self._slots: dict[str, int] = {}
        self._free: list[int] = []
        self._vectors: Vectors = np.zeros((0, self._dimension), dtype=np.float32)
        self._lengths: FloatArray = np.zeros(0, dtype=np.float32)
        self._live: npt.NDArray[np.bool_] = np.zeros(0, dtype=bool)
        self._kinds: npt.NDArray[np.int32] = np.zeros(0, dtype=np.int32)
        self._organisations: npt.NDArray[np.int32] = np.zeros(0, dtype=np.int32)
        self._organisation_types: npt.NDArray[np.int32] = np.zeros(0, dtype=np.int32)
        self._sizes: dict[str, FloatArray] = {name: np.zeros(0, dtype=np.float32) for name in _SET_STORES}
        self._kind_labels = _Labels()
        self._organisation_labels = _Labels()
        self._organisation_type_labels = _Labels()
        self._terms = SparseRows()
        self._sets = {name: SparseRows() for name in _SET_STORES}
        self._total_length = 0.0

    # --- building and changing ----------------------------------------------------------------------------

    @classmethod
    def build(
        cls,
        entities: Iterable[Entity],
        *,
        embedder: Embedder | None,
        ontology: Ontology = EMPTY_ONTOLOGY,
        vectors: Vectors | None = None,
    ) -> MatchIndex:
        index = cls(embedder=embedder, ontology=ontology)
        index.add_many(list(entities), vectors=vectors)
        index.compact()
        return index

    def __len__(self) -> int:
        return len(self._slots)

    def __contains__(self, entity_id: object) -> bool:
        return entity_id in self._slots

    def get(self, entity_id: str) -> Entity:
        """The entity as indexed (its text is not kept: it lives on as terms and a vector)."""
        entity = self._entities[self._slots[entity_id]]
        assert entity is not None  # noqa: S101 - a slot in _slots always holds an entity
        return entity

    def ids(self) -> list[str]:
        return list(self._slots)

    @property
    def slot_count(self) -> int:
        """Length of the score arrays that part_scores() returns (live and free slots)."""
        return len(self._entities)

    def slot_ids(self) -> list[str]:
        """The id in each slot, "" for a free one: the positions of part_scores()'s arrays."""
        return [entity.id if entity is not None else "" for entity in self._entities]

    def add(self, entity: Entity, *, vector: Vectors | None = None) -> None:
        """Add a new entity; raises KeyError if its id is already indexed (use update)."""
        self.add_many([entity], vectors=None if vector is None else vector.reshape(1, -1))

    def update(self, entity: Entity, *, vector: Vectors | None = None) -> None:
        """Replace the indexed entity with the same id (added if absent)."""
        if entity.id in self._slots:
            self._release(entity.id)
        self.add(entity, vector=vector)

    def remove(self, entity_id: str) -> None:
        """Remove an entity; raises KeyError if it is not indexed."""
        self._release(entity_id)
        self._maybe_compact()

    def add_many(self, entities: Sequence[Entity], *, vectors: Vectors | None = None) -> None:
        """Add many entities at once, embedding their texts in batches unless vectors are given."""
        seen: set[str] = set()
        for entity in entities:
            if entity.id in self._slots or entity.id in seen:
                raise KeyError(f"Entity {entity.id} is already indexed; use update()")
            seen.add(entity.id)
        # Grown once up front: a build then holds exactly its entities, not the next power of two.
        self._grow(len(self._entities) + max(len(entities) - len(self._free), 0))
        if vectors is None and self.embedder is not None:
            vectors = self.embedder.embed([entity.full_text for entity in entities]) if entities else None
        if vectors is not None and vectors.shape != (len(entities), self._dimension):
            raise ValueError(
                f"Expected vectors of shape {(len(entities), self._dimension)}, got {vectors.shape}"
            )
        for number, entity in enumerate(entities):
            self._place(entity, None if vectors is None else vectors[number])
        self._maybe_compact()

    def _place(self, entity: Entity, vector: Vectors | None) -> None:
        slot = self._free.pop() if self._free else len(self._entities)
        if slot == len(self._entities):
            self._entities.append(None)
            self._grow(slot + 1)
        self._entities[slot] = entity.without_text()
        self._slots[entity.id] = slot
        self._live[slot] = True
        if vector is not None:
            self._vectors[slot] = vector
        counts = term_counts(entity.full_text)
        length = float(sum(counts.values()))
        self._lengths[slot] = length
        self._total_length += length
        self._terms.set_row(slot, {term: float(count) for term, count in counts.items()})
        self._kinds[slot] = self._kind_labels.number(entity.kind)
        self._organisations[slot] = self._organisation_labels.number(entity.organisation)
        self._organisation_types[slot] = self._organisation_type_labels.number(entity.organisation_type)
        for name, codes in self._concepts(entity).items():
            self._sets[name].set_row(slot, dict.fromkeys(codes, 1.0))
            self._sizes[name][slot] = len(codes)

    def _concepts(self, entity: Entity) -> dict[str, set[str]]:
        return {
            "cancer_types": set(entity.cancer_types),
            "genes": set(entity.genes),
            "pathways": set(self.ontology.pathways_of(entity.genes)),
            "modalities": set(entity.modalities),
            "offers": set(entity.offers),
            "seeks": set(entity.seeks),
        }

    def _release(self, entity_id: str) -> None:
        slot = self._slots.pop(entity_id)
        self._entities[slot] = None
        self._live[slot] = False
        self._total_length -= float(self._lengths[slot])
        self._lengths[slot] = 0.0
        self._terms.clear_row(slot)
        for name, store in self._sets.items():
            store.clear_row(slot)
            self._sizes[name][slot] = 0.0
        self._free.append(slot)

    def _grow(self, needed: int) -> None:
        capacity = self._lengths.size
        if needed <= capacity:
            return
        new = max(needed, 2 * capacity, 64)

        def grown(array: npt.NDArray[Any]) -> npt.NDArray[Any]:
            bigger = np.zeros((new, *array.shape[1:]), dtype=array.dtype)
            bigger[: array.shape[0]] = array
            return bigger

        self._vectors = grown(self._vectors)
        self._lengths = grown(self._lengths)
        self._live = grown(self._live)
        self._kinds = grown(self._kinds)
        self._organisations = grown(self._organisations)
        self._organisation_types = grown(self._organisation_types)
        self._sizes = {name: grown(sizes) for name, sizes in self._sizes.items()}

    def _maybe_compact(self) -> None:
        threshold = max(_COMPACT_MIN, int(_COMPACT_SHARE * len(self._entities)))
        if self._terms.pending_count > threshold:
            self.compact()

    def compact(self) -> None:
        """Fold pending changes into the column stores (done automatically; saving does it too)."""
        rows = len(self._entities)
        self._terms.compact(rows)
        for store in self._sets.values():
            store.compact(rows)

    # --- scoring ----------------------------------------------------------------------------------------

    def _set_cosine(self, name: str, codes: Iterable[str]) -> FloatArray:
        """|query ∩ candidate| / sqrt(|query| |candidate|) for a set-valued field."""
        wanted = set(codes)
        slots = len(self._entities)
        if not wanted:
            return np.zeros(slots, dtype=np.float32)
        rows, _, _ = self._sets[name].gather(self._sets[name].column_numbers(wanted))
        shared = np.bincount(rows, minlength=slots).astype(np.float32)
        sizes = self._sizes[name][:slots]
        cosine: FloatArray = (shared / np.sqrt(len(wanted) * np.maximum(sizes, 1.0))).astype(np.float32)
        return cosine

    def _cancer_scores(self, query: Entity) -> FloatArray:
        """Mean over the query's cancer types of the best hierarchy relation each finds in a candidate."""
        slots = len(self._entities)
        total = np.zeros(slots, dtype=np.float32)
        store = self._sets["cancer_types"]
        codes = list(dict.fromkeys(query.cancer_types))
        for code in codes:
            best = np.zeros(slots, dtype=np.float32)
            for relation, related in self.ontology.related_codes(code).items():
                rows, _, _ = store.gather(store.column_numbers(related))
                # Repeated rows all get the same value, so plain fancy assignment is safe (and fast).
                best[rows] = np.maximum(best[rows], RELATION_CREDIT[relation])
            total += best
        return (total / max(len(codes), 1)).astype(np.float32)

    def _complementarity(self, query: Entity) -> FloatArray:
        """Half for what they offer that the query seeks, half for what they seek that the query offers."""
        slots = len(self._entities)
        offers, seeks = self._sets["offers"], self._sets["seeks"]
        forward = np.zeros(slots, dtype=np.float32)
        if query.seeks:
            rows, _, _ = offers.gather(offers.column_numbers(set(query.seeks)))
            forward = (np.bincount(rows, minlength=slots) / len(set(query.seeks))).astype(np.float32)
        backward = np.zeros(slots, dtype=np.float32)
        if query.offers:
            rows, _, _ = seeks.gather(seeks.column_numbers(set(query.offers)))
            hits = np.bincount(rows, minlength=slots).astype(np.float32)
            backward = (hits / np.maximum(self._sizes["seeks"][:slots], 1.0)).astype(np.float32)
        return ((forward + backward) / 2).astype(np.float32)

    def _bm25(self, query: Entity, mask: _Mask | None) -> tuple[FloatArray, _Lexical]:
        """BM25 over the query's terms only: their CSC columns are gathered, nothing else is touched.

        With a mask, the corpus is the masked slots alone: the others' entries are dropped before document
        frequencies, the average length and the scaling to the best match are computed.
        """
        slots = len(self._entities)
        terms = sorted(term_counts(query.full_text))
        columns = self._terms.column_numbers(terms)
        known = [term for term in terms if term in self._terms.columns]
        rows, positions, frequencies = self._terms.gather(columns)
        if mask is None:
            documents = max(len(self._slots), 1)
            total_length = self._total_length
        else:
            kept = mask[rows]
            rows, positions, frequencies = rows[kept], positions[kept], frequencies[kept]
            documents = max(int(np.count_nonzero(mask)), 1)
            total_length = float(self._lengths[:slots][mask].sum(dtype=np.float64))
        frequency_in_docs = np.bincount(positions, minlength=columns.size).astype(np.float32)
        idf = np.log1p((documents - frequency_in_docs + 0.5) / (frequency_in_docs + 0.5))
        average = max(total_length / documents, 1.0)
        # Length normalisation once per slot (a short pass), then one gather per entry.
        slot_norms = BM25_K1 * (1 - BM25_B + BM25_B * self._lengths[:slots] / average)
        norm = slot_norms[rows]
        contributions = (idf[positions] * frequencies * (BM25_K1 + 1) / (frequencies + norm)).astype(
            np.float32
        )
        scores = np.bincount(rows, weights=contributions, minlength=slots).astype(np.float32)
        top = float(scores.max()) if scores.size else 0.0
        # Scaled so that the best lexical match scores 1: BM25's raw scale depends on the query's length.
        if top > 0:
            scores /= top
        return scores, _Lexical(rows, known, positions, contributions)

    def vector(self, entity_id: str) -> Vectors:
        """An indexed entity's stored vector: pass it as query_vector to search from it without embedding."""
        stored: Vectors = self._vectors[self._slots[entity_id]].copy()
        return stored

    def query_vector(self, query: Entity) -> Vectors:
        if self.embedder is None:
            raise ValueError("This index has no embedder: switch the embedding part off")
        # A query is embedded on its own, without the passage cache, and an embedder that can do it cheaper
        # for a query (MiniLMEmbedder.embed_query: one capped pass) is asked to.
        embed_query = getattr(self.embedder, "embed_query", None)
        if callable(embed_query):
            queried: Vectors = embed_query(query.full_text)
            return queried
        vector: Vectors = self.embedder.embed([query.full_text])[0]
        return vector

    def part_scores(
        self,
        query: Entity,
        parts: Iterable[str] = PARTS,
        *,
        query_vector: Vectors | None = None,
        allowed: Collection[str] | None = None,
    ) -> dict[str, FloatArray]:
        """Each requested part's score for every slot (dead slots included: callers mask with live_mask()).

        allowed: only these entity ids are scored, as if the index held nothing else; every other slot scores
        0 in every part (None: all).
        """
        found, _ = self._part_scores(query, tuple(parts), query_vector, self._mask_of(allowed))
        return found

    def _mask_of(self, allowed: Collection[str] | None) -> _Mask | None:
        """The slots of these entity ids (ids not indexed are ignored), as a mask as long as the score arrays.

        None stays None (all entities).
        """
        if allowed is None:
            return None
        # Looked up at C speed (map over dict.get, -1 for an id not indexed): ~25 ms per 100,000 ids.
        slots = np.array(list(map(self._slots.get, allowed, repeat(-1))), dtype=np.intp)
        mask = np.zeros(len(self._entities), dtype=bool)
        mask[slots[slots >= 0]] = True
        return mask

    def _part_scores(
        self, query: Entity, parts: tuple[str, ...], query_vector: Vectors | None, mask: _Mask | None
    ) -> tuple[dict[str, FloatArray], _Lexical | None]:
        unknown = [part for part in parts if part not in PARTS]
        if unknown:
            raise ValueError(f"Unknown score part {unknown[0]!r}; parts are {', '.join(PARTS)}")
        slots = len(self._entities)
        found: dict[str, FloatArray] = {}
        lexical: _Lexical | None = None
        # The query is embedded on a worker thread (onnxruntime lets go of the GIL) while this one scores the
        # lexical and concept parts: on two cores the embedding then hides most of their cost.
        pending: Future[Vectors] | None = None
        if "embedding" in parts and query_vector is None:
            if self.embedder is None:
                raise ValueError("This index has no embedder: switch the embedding part off")
            pending = _worker().submit(self.query_vector, query)
        for part in parts:
            if part == "bm25":
                found[part], lexical = self._bm25(query, mask)
            elif part == "cancer_types":
                found[part] = self._cancer_scores(query)
            elif part in ("genes", "modalities"):
                found[part] = self._set_cosine(part, getattr(query, part))
            elif part == "pathways":
                found[part] = self._set_cosine(part, self.ontology.pathways_of(query.genes))
            elif part == "complementarity":
                found[part] = self._complementarity(query)
        if "embedding" in parts:
            vector = pending.result() if pending is not None else query_vector
            assert vector is not None  # noqa: S101 - given, or embedded above
            # One BLAS mat-vec over the contiguous float32 matrix of the slots in use.
            found["embedding"] = self._vectors[:slots] @ vector
        if mask is not None:
            # Nothing of an entity outside the mask is ever handed out, not even its own part scores.
            for values in found.values():
                values[~mask] = 0.0
        # Back in the order asked for, so that weighted sums add up in the same order as ever.
        return {part: found[part] for part in parts}, lexical

    def live_mask(self) -> npt.NDArray[np.bool_]:
        """Which slots hold an entity (a copy, as long as the score arrays)."""
        return self._live[: len(self._entities)].copy()

    def _allowed(
        self, query: Entity, filters: Filters | None, include_own_organisation: bool
    ) -> npt.NDArray[np.bool_]:
        slots = len(self._entities)
        allowed = self.live_mask()
        own_slot = self._slots.get(query.id)
        if own_slot is not None:
            allowed[own_slot] = False
        if query.organisation and not include_own_organisation:
            own = self._organisation_labels.numbers.get(query.organisation)
            if own is not None:
                allowed &= self._organisations[:slots] != own
        if filters is None:
            return allowed
        if filters.kinds:
            wanted = [
                self._kind_labels.numbers[kind] for kind in filters.kinds if kind in self._kind_labels.numbers
            ]
            allowed &= np.isin(self._kinds[:slots], wanted)
        if filters.organisation_types:
            labels = self._organisation_type_labels.numbers
            wanted = [labels[label] for label in filters.organisation_types if label in labels]
            allowed &= np.isin(self._organisation_types[:slots], wanted)
        if filters.cancer_types:
            codes = set().union(*(self.ontology.lineage(code.upper()) for code in filters.cancer_types))
            store = self._sets["cancer_types"]
            rows, _, _ = store.gather(store.column_numbers(codes))
            hit = np.zeros(slots, dtype=bool)
            hit[rows] = True
            allowed &= hit
        return allowed

    def search(
        self,
        query: Entity,
        *,
        k: int = 10,
        weights: Weights = DEFAULT_WEIGHTS,
        filters: Filters | None = None,
        include_own_organisation: bool = False,
        max_per_organisation: int | None = 2,
        query_vector: Vectors | None = None,
        allowed: Collection[str] | None = None,
    ) -> list[Match]:
        """The k best matches for a query entity (or free text: Entity(id="query", text=...)), explained.

        The query's own id is never returned; its organisation's entities only with include_own_organisation.
        max_per_organisation caps how many results one organisation may fill (None: no cap; entities without
        an organisation are never capped). allowed: the entity ids the query may see (None: all); the others
        are left out before anything is scored, so they change no score, rank, cap or explanation.
        """
        parts = tuple(
            part
            for part in weights.active()
            if part != "embedding" or self.embedder is not None or query_vector is not None
        )
        mask = self._mask_of(allowed)
        if mask is not None and not mask.any():
            return []
        scores, lexical = self._part_scores(query, parts, query_vector, mask)
        slots = len(self._entities)
        total = np.zeros(slots, dtype=np.float32)
        for part, values in scores.items():
            total += getattr(weights, part) * values
        # A candidate with nothing in common with the query is no match, however few others there are.
        candidates = self._allowed(query, filters, include_own_organisation) & (total > 0)
        if mask is not None:
            candidates &= mask
        chosen = self._top(total, candidates, k, max_per_organisation)
        if lexical is not None:
            # Only the chosen slots' entries are kept for key phrases: a mask lookup, not a set search.
            picked = np.zeros(slots, dtype=bool)
            picked[chosen] = True
            shown = picked[lexical.slots]
            lexical = _Lexical(
                lexical.slots[shown], lexical.terms, lexical.positions[shown], lexical.contributions[shown]
            )
        return [self._match(query, slot, float(total[slot]), scores, weights, lexical) for slot in chosen]

    def _top(self, total: FloatArray, allowed: npt.NDArray[np.bool_], k: int, cap: int | None) -> list[int]:
        candidates = np.flatnonzero(allowed)
        if candidates.size == 0 or k <= 0:
            return []
        pool = min(candidates.size, max(4 * k, 40) if cap is not None else k)
        no_organisation = self._organisation_labels.numbers.get("")
        while True:
            values = total[candidates]
            best = (
                np.argpartition(-values, pool - 1)[:pool]
                if pool < candidates.size
                else np.arange(candidates.size)
            )
            ordered = candidates[best[np.argsort(-values[best], kind="stable")]]
            if cap is None:
                return [int(slot) for slot in ordered[:k]]
            chosen: list[int] = []
            per_organisation: dict[int, int] = {}
            for slot in ordered:
                organisation = int(self._organisations[slot])
                if organisation != no_organisation:
                    if per_organisation.get(organisation, 0) >= cap:
                        continue
                    per_organisation[organisation] = per_organisation.get(organisation, 0) + 1
                chosen.append(int(slot))
                if len(chosen) == k:
                    return chosen
            if pool >= candidates.size:
                return chosen
            pool = min(candidates.size, pool * 4)

    def _match(
        self,
        query: Entity,
        slot: int,
        score: float,
        scores: dict[str, FloatArray],
        weights: Weights,
        lexical: _Lexical | None,
    ) -> Match:
        entity = self._entities[slot]
        assert entity is not None  # noqa: S101 - only live slots are ranked
        key_phrases: list[str] = []
        if lexical is not None:
            mine = lexical.slots == slot
            order = np.argsort(-lexical.contributions[mine], kind="stable")[:KEY_PHRASES]
            key_phrases = [lexical.terms[position] for position in lexical.positions[mine][order]]
        parts = {part: float(getattr(weights, part) * values[slot]) for part, values in scores.items()}
        return Match(
            entity=entity,
            score=score,
            parts=parts,
            explanation=explain(query, entity, self.ontology, key_phrases),
        )

    # --- persistence and size ---------------------------------------------------------------------------

    def save(self, directory: Path) -> None:
        """Write the index as .npy arrays and one manifest.json; the directory is created if needed."""
        self.compact()
        directory.mkdir(parents=True, exist_ok=True)
        slots = len(self._entities)
        manifest = {
            "format_version": FORMAT_VERSION,
            "model_id": self.embedder.model_id if self.embedder is not None else None,
            "dimension": self._dimension,
            "entities": [entity.to_json() if entity is not None else None for entity in self._entities],
            "terms": self._terms.names,
            "sets": {name: store.names for name, store in self._sets.items()},
        }
        np.save(directory / "vectors.npy", self._vectors[:slots], allow_pickle=False)
        np.save(directory / "lengths.npy", self._lengths[:slots], allow_pickle=False)
        self._terms.save(directory, "terms")
        for name, store in self._sets.items():
            store.save(directory, name)
        (directory / "manifest.json").write_text(json.dumps(manifest), encoding="utf-8")

    @classmethod
    def load(
        cls, directory: Path, *, embedder: Embedder | None, ontology: Ontology = EMPTY_ONTOLOGY
    ) -> MatchIndex:
        manifest = json.loads((directory / "manifest.json").read_text(encoding="utf-8"))
        if manifest.get("format_version") != FORMAT_VERSION:
            raise ValueError(
                f"{directory}: index format {manifest.get('format_version')}, expected {FORMAT_VERSION}"
            )
        model = embedder.model_id if embedder is not None else None
        if manifest["model_id"] is not None and model is not None and manifest["model_id"] != model:
            raise ValueError(f"{directory} was built with {manifest['model_id']}, not {model}: rebuild it")
        index = cls(embedder=embedder, ontology=ontology)
        records: list[dict[str, Any] | None] = manifest["entities"]
        slots = len(records)
        index._entities = [None if record is None else Entity.from_json(record) for record in records]
        index._grow(slots)
        vectors = np.load(directory / "vectors.npy", allow_pickle=False)
        if index._dimension and vectors.shape[1] == index._dimension:
            index._vectors[:slots] = vectors
        index._lengths[:slots] = np.load(directory / "lengths.npy", allow_pickle=False)
        index._total_length = float(index._lengths[:slots].sum())
        index._terms = SparseRows.load(directory, "terms", manifest["terms"])
        index._sets = {
            name: SparseRows.load(directory, name, names) for name, names in manifest["sets"].items()
        }
        for slot, entity in enumerate(index._entities):
            if entity is None:
                index._free.append(slot)
                continue
            index._slots[entity.id] = slot
            index._live[slot] = True
            index._kinds[slot] = index._kind_labels.number(entity.kind)
            index._organisations[slot] = index._organisation_labels.number(entity.organisation)
            index._organisation_types[slot] = index._organisation_type_labels.number(entity.organisation_type)
            for name, codes in index._concepts(entity).items():
                index._sizes[name][slot] = len(codes)
        return index

    def memory_bytes(self) -> dict[str, int]:
        """Approximate bytes held, by component: arrays exactly, Python objects estimated from their sizes."""
        arrays = [
            self._lengths,
            self._live,
            self._kinds,
            self._organisations,
            self._organisation_types,
            *self._sizes.values(),
        ]
        entities = sum(
            200 + sum(len(str(value)) + 50 for value in entity.to_json().values())
            for entity in self._entities
            if entity is not None
        )
        report = {
            "vectors": int(self._vectors.nbytes),
            "per_entity_arrays": int(sum(array.nbytes for array in arrays)),
            "terms": self._terms.nbytes(),
            "concepts": sum(store.nbytes() for store in self._sets.values()),
            "entities": entities + 100 * len(self._slots),
        }
        report["total"] = sum(report.values())
        return report
