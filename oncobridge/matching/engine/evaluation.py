"""Ranking quality: recall@k, MRR and nDCG@k of a method over a corpus and queries with known answers.

    python -m oncobridge.matching.engine.evaluation --corpus CORPUS.jsonl --queries QUERIES.jsonl \
        [--method hybrid|bm25|embedding] [--k 10]

prints one JSON object. Corpus lines are entities ({"id", "text", ...}); query lines the same plus "relevant".
Evaluation ranks the whole corpus with no organisation cap and no own-organisation exclusion: it measures the
ranking, not the result policy. The ontology comes from ONCOBRIDGE_DATA_DIR when that is set.
"""

from __future__ import annotations

import argparse
import hashlib
import itertools
import json
import math
import os
import sys
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from oncobridge.matching.engine.embedding import Embedder, MiniLMEmbedder, Vectors
from oncobridge.matching.engine.entities import Entity
from oncobridge.matching.engine.index import MatchIndex
from oncobridge.matching.engine.ontology import EMPTY_ONTOLOGY, Ontology, ontology_from_data_dir
from oncobridge.matching.engine.sparse import FloatArray
from oncobridge.matching.engine.weights import DEFAULT_WEIGHTS, PARTS, Weights

METHODS: dict[str, Weights] = {
    "hybrid": DEFAULT_WEIGHTS,
    "bm25": Weights.only("bm25"),
    "embedding": Weights.only("embedding"),
}


@dataclass(frozen=True, slots=True)
class EvalQuery:
    entity: Entity
    relevant: frozenset[str]


# --- metrics --------------------------------------------------------------------------------------------


def metrics(
    rankings: Sequence[Sequence[str]], relevant: Sequence[frozenset[str]], k: int
) -> dict[str, float]:
    """Mean recall@k, MRR (first relevant anywhere in the ranking) and binary nDCG@k over queries."""
    if len(rankings) != len(relevant):
        raise ValueError("One ranking per query is needed")
    recall = reciprocal = ndcg = 0.0
    for ranking, answers in zip(rankings, relevant, strict=True):
        if not answers:
            raise ValueError("Every query needs at least one relevant id")
        top = ranking[:k]
        recall += sum(1 for item in top if item in answers) / len(answers)
        first = next((rank for rank, item in enumerate(ranking, start=1) if item in answers), None)
        reciprocal += 1.0 / first if first is not None else 0.0
        dcg = sum(1.0 / math.log2(rank + 1) for rank, item in enumerate(top, start=1) if item in answers)
        ideal = sum(1.0 / math.log2(rank + 1) for rank in range(1, min(len(answers), k) + 1))
        ndcg += dcg / ideal
    count = max(len(rankings), 1)
    return {f"recall@{k}": recall / count, "mrr": reciprocal / count, f"ndcg@{k}": ndcg / count}


# --- ranking a whole corpus -------------------------------------------------------------------------------


@dataclass
class ScoredQueries:
    """Each part's score of each corpus entity for each query: weights are tried without rescoring."""

    index: MatchIndex
    queries: list[EvalQuery]
    parts: list[dict[str, FloatArray]]

    def totals(self, number: int, weights: Weights) -> FloatArray:
        total = np.zeros(self.index.slot_count, dtype=np.float32)
        for part, values in self.parts[number].items():
            total += getattr(weights, part) * values
        return total

    def rankings(self, weights: Weights, numbers: Sequence[int] | None = None) -> list[list[str]]:
        ids = self.index.slot_ids()
        found = []
        for number in numbers if numbers is not None else range(len(self.queries)):
            total = self.totals(number, weights)
            order = np.argsort(-total, kind="stable")
            own = self.queries[number].entity.id
            found.append([ids[slot] for slot in order if ids[slot] and ids[slot] != own])
        return found

    def evaluate(self, weights: Weights, k: int, numbers: Sequence[int] | None = None) -> dict[str, float]:
        chosen = list(numbers) if numbers is not None else list(range(len(self.queries)))
        return metrics(self.rankings(weights, chosen), [self.queries[n].relevant for n in chosen], k)


def score_queries(
    corpus: Sequence[Entity],
    queries: Sequence[EvalQuery],
    *,
    parts: Sequence[str] = PARTS,
    embedder: Embedder | None = None,
    ontology: Ontology = EMPTY_ONTOLOGY,
) -> ScoredQueries:
    uses_embedding = "embedding" in parts
    if uses_embedding and embedder is None:
        raise ValueError("The embedding part needs an embedder")
    index = MatchIndex.build(corpus, embedder=embedder if uses_embedding else None, ontology=ontology)
    vectors: Vectors | None = None
    if uses_embedding and embedder is not None:
        # Queries are embedded as search() embeds them (MatchIndex.query_vector), so that the figures measure
        # what users get.
        vectors = np.stack([index.query_vector(query.entity) for query in queries]) if queries else None
    scored = [
        index.part_scores(query.entity, parts, query_vector=None if vectors is None else vectors[number])
        for number, query in enumerate(queries)
    ]
    return ScoredQueries(index=index, queries=list(queries), parts=scored)


def evaluate(
    corpus: Sequence[Entity],
    queries: Sequence[EvalQuery],
    method: str = "hybrid",
    k: int = 10,
    *,
    weights: Weights | None = None,
    embedder: Embedder | None = None,
    ontology: Ontology = EMPTY_ONTOLOGY,
) -> dict[str, float | int | str]:
    """Rank the corpus for every query with a method (or explicit weights) and report its metrics."""
    if weights is None:
        if method not in METHODS:
            raise ValueError(f"Unknown method {method!r}; choose from {', '.join(METHODS)}")
        weights = METHODS[method]
    active = weights.active()
    if "embedding" in active and embedder is None:
        embedder = MiniLMEmbedder()
    scored = score_queries(corpus, queries, parts=active, embedder=embedder, ontology=ontology)
    return {"method": method, "n_queries": len(queries), **scored.evaluate(weights, k)}


# --- tuning ---------------------------------------------------------------------------------------------

# Multiples of the BM25 weight, which stays 1 and sets the scale.
WEIGHT_GRID = (0.0, 0.05, 0.1, 0.2, 0.3, 0.5, 0.75, 1.0, 1.5, 2.0, 3.0, 4.0, 6.0, 8.0)


def training_split(queries: Sequence[EvalQuery]) -> tuple[list[int], list[int]]:
    """A fixed half/half split of query numbers by a hash of the query id: (training, held out)."""
    training: list[int] = []
    held_out: list[int] = []
    for number, query in enumerate(queries):
        digest = hashlib.sha256(query.entity.id.encode("utf-8")).digest()
        (training if digest[0] % 2 == 0 else held_out).append(number)
    return training, held_out


def tune_weights(
    scored: ScoredQueries, numbers: Sequence[int], *, k: int = 10, rounds: int = 3
) -> tuple[Weights, dict[str, float]]:
    """Coordinate search over WEIGHT_GRID maximising MRR (then recall@k) on the queries; bm25 stays 1."""
    current = Weights(bm25=1.0, embedding=1.0).as_dict()
    tunable = [part for part in PARTS if part != "bm25" and any(part in parts for parts in scored.parts)]

    def objective(values: Mapping[str, float]) -> tuple[float, float]:
        found = scored.evaluate(Weights.from_dict(dict(values)), k, numbers)
        return found["mrr"], found[f"recall@{k}"]

    best = objective(current)
    for _, part in itertools.product(range(rounds), tunable):
        for value in WEIGHT_GRID:
            trial = {**current, part: value}
            result = objective(trial)
            if result > best:
                best, current = result, trial
    return Weights.from_dict(current), {"mrr": best[0], f"recall@{k}": best[1]}


# --- files and command line -----------------------------------------------------------------------------


def read_jsonl(path: Path) -> list[dict[str, object]]:
    records = []
    with path.open(encoding="utf-8") as handle:
        for number, line in enumerate(handle, start=1):
            if line.strip():
                try:
                    records.append(json.loads(line))
                except json.JSONDecodeError as exc:
                    raise ValueError(f"{path}:{number}: not JSON: {exc}") from exc
    return records


def load_corpus(path: Path) -> list[Entity]:
    return [Entity.from_json(record) for record in read_jsonl(path)]


def load_queries(path: Path) -> list[EvalQuery]:
    queries = []
    for record in read_jsonl(path):
        relevant = record.get("relevant")
        if not isinstance(relevant, list) or not relevant:
            raise ValueError(f"{path}: query {record.get('id')} needs a non-empty list 'relevant'")
        queries.append(
            EvalQuery(entity=Entity.from_json(record), relevant=frozenset(str(item) for item in relevant))
        )
    return queries


def write_jsonl(path: Path, records: Sequence[Mapping[str, object]]) -> None:
    with path.open("w", encoding="utf-8") as handle:
        for record in records:
            handle.write(json.dumps(record, ensure_ascii=False) + "\n")


def default_ontology() -> Ontology:
    data_dir = os.environ.get("ONCOBRIDGE_DATA_DIR")
    return ontology_from_data_dir(Path(data_dir)) if data_dir and Path(data_dir).is_dir() else EMPTY_ONTOLOGY


def default_embedder() -> MiniLMEmbedder:
    cache = os.environ.get("ONCOBRIDGE_CACHE_DIR")
    return MiniLMEmbedder(cache_dir=Path(cache) / "embeddings" if cache else None)


def evaluate_files(
    corpus_path: Path, queries_path: Path, *, method: str = "hybrid", k: int = 10
) -> dict[str, float | int | str]:
    """What `oncobridge match-eval` prints: one method's metrics on a corpus and queries in JSON lines."""
    if method not in METHODS:
        raise ValueError(f"Unknown method {method!r}; choose from {', '.join(METHODS)}")
    embedder = default_embedder() if "embedding" in METHODS[method].active() else None
    return evaluate(
        load_corpus(corpus_path),
        load_queries(queries_path),
        method,
        k,
        embedder=embedder,
        ontology=default_ontology(),
    )


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="match-eval", description="Evaluate matching on a corpus and queries."
    )
    parser.add_argument("--corpus", type=Path, required=True)
    parser.add_argument("--queries", type=Path, required=True)
    parser.add_argument("--method", choices=sorted(METHODS), default="hybrid")
    parser.add_argument("--k", type=int, default=10)
    arguments = parser.parse_args(argv)
    try:
        result = evaluate_files(arguments.corpus, arguments.queries, method=arguments.method, k=arguments.k)
    except (OSError, ValueError) as exc:
        print(f"match-eval: {exc}", file=sys.stderr)
        return 2
    print(json.dumps(result))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
