"""Matching speed at 100,000 entities: index build, embedding throughput, index memory, query latency.

    ONCOBRIDGE_DATA_DIR=../shared/data python benchmarks/matching.py [--entities 100000] [--embed 256]

Embedding 100,000 texts with MiniLM on a 2-core CPU takes hours, so the benchmark embeds --embed real texts
(dbGaP studies, NCI projects, industry trials), measures that throughput, and synthesises the other entities:
each takes a real text's sentences (shuffled, some dropped, some borrowed from another text) and that text's
vector with Gaussian noise, renormalised. Query latency includes embedding the query text. The baseline is
timed in the same run: brute-force numpy over every entity (exhaustive_top), which is also the reference
search()'s top 10 is checked against. The machine's load average is printed at the start and the end.
"""

from __future__ import annotations

import argparse
import csv
import os
import random
import statistics
import sys
import time
from pathlib import Path

import numpy as np

from oncobridge.matching.engine.embedding import MiniLMEmbedder, Vectors, normalise
from oncobridge.matching.engine.entities import CAPABILITIES, Entity
from oncobridge.matching.engine.expert_finding import clean_html
from oncobridge.matching.engine.index import MatchIndex
from oncobridge.matching.engine.ontology import ONCOTREE_FILE, ontology_from_data_dir
from oncobridge.matching.engine.weights import DEFAULT_WEIGHTS, Weights
from oncobridge.vocab.oncotree import load_oncotree

KINDS = ("investigator", "asset", "partner_need", "organisation")
ORGANISATION_TYPES = ("academic", "company", "hospital", "funder")


def _rows(path: Path) -> list[dict[str, str]]:
    csv.field_size_limit(1 << 30)
    with path.open(encoding="utf-8", newline="") as handle:
        return list(csv.DictReader(handle, delimiter="\t"))


def real_texts(data_dir: Path) -> list[tuple[str, str]]:
    """(title, text) of every real document: dbGaP studies, NCI projects, industry trials."""
    found = [
        (clean_html(row["dataset_title"]), clean_html(row["description"]))
        for row in _rows(data_dir / "portfolio" / "dbgap_studies.tsv")
    ]
    found += [
        (row["project_title"], clean_html(row["abstract_text"]))
        for row in _rows(data_dir / "portfolio" / "nci_projects.tsv")
    ]
    found += [
        (row["brief_title"], clean_html(row["description"]))
        for row in _rows(data_dir / "trials" / "industry_cancer_trials.tsv")
    ]
    return [(title, text) for title, text in found if title and text]


def percentile(values: list[float], share: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(share * len(ordered)))]


def _summary(values: list[float]) -> str:
    return (
        f"p50 {statistics.median(values):.1f} ms, p95 {percentile(values, 0.95):.1f} ms, "
        f"max {max(values):.1f} ms"
    )


def _load() -> str:
    one, five, fifteen = os.getloadavg()
    return f"load average {one:.2f} {five:.2f} {fifteen:.2f} on {os.cpu_count()} CPUs"


def exhaustive_top(
    index: MatchIndex, query: Entity, vector: Vectors, k: int, weights: Weights = DEFAULT_WEIGHTS
) -> list[str]:
    """The baseline: brute-force numpy over every slot, no shortcuts: every switched-on part's score for all
    entities (public part_scores), their weighted sum, the same exclusions as search(), a full sort, then the
    same per-organisation cap (2). It is also the reference that search()'s top 10 is checked against."""
    parts = index.part_scores(query, weights.active(), query_vector=vector)
    total = np.zeros(index.slot_count, dtype=np.float32)
    for part, values in parts.items():
        total += getattr(weights, part) * values
    ids = index.slot_ids()
    chosen: list[str] = []
    per_organisation: dict[str, int] = {}
    for slot in np.argsort(-total, kind="stable"):
        entity_id = ids[slot]
        if not entity_id or entity_id == query.id or total[slot] <= 0:
            continue
        organisation = index.get(entity_id).organisation
        if organisation == query.organisation:
            continue
        if organisation:
            if per_organisation.get(organisation, 0) >= 2:
                continue
            per_organisation[organisation] = per_organisation.get(organisation, 0) + 1
        chosen.append(entity_id)
        if len(chosen) == k:
            break
    return chosen


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--entities", type=int, default=100_000)
    parser.add_argument(
        "--embed", type=int, default=256, help="real texts embedded (the rest are synthesised)"
    )
    parser.add_argument("--queries", type=int, default=200)
    parser.add_argument(
        "--query-tokens", type=int, default=96, help="word pieces per query passage (query_max_tokens)"
    )
    parser.add_argument("--baseline-queries", type=int, default=50, help="queries timed on the baseline path")
    arguments = parser.parse_args()
    data_value = os.environ.get("ONCOBRIDGE_DATA_DIR")
    if not data_value:
        print("benchmarks/matching.py: set ONCOBRIDGE_DATA_DIR", file=sys.stderr)
        return 2
    print(f"machine: {_load()} (other jobs share it)")
    data_dir = Path(data_value)
    rng = random.Random(7)
    noise = np.random.default_rng(7)
    tree = load_oncotree(data_dir / ONCOTREE_FILE)
    ontology = ontology_from_data_dir(data_dir)
    documents = real_texts(data_dir)
    rng.shuffle(documents)
    sources = documents[: arguments.embed]
    queries = documents[arguments.embed : arguments.embed + arguments.queries]

    embedder = MiniLMEmbedder(query_max_tokens=arguments.query_tokens)
    started = time.perf_counter()
    source_vectors = embedder.embed([f"{title}. {text}" for title, text in sources])
    embedding_seconds = time.perf_counter() - started
    print(
        f"embedding: {len(sources)} real texts in {embedding_seconds:.1f} s = "
        f"{len(sources) / embedding_seconds:.1f} texts/s "
        f"(all-MiniLM-L6-v2 int8 ONNX, {embedder.model_id}, CPU)"
    )

    cancer = [tuple(tree.codes_in_text(f"{title}. {text[:600]}")) for title, text in sources]
    sentences = [[s for s in text.split(". ") if s] for _, text in sources]
    entities: list[Entity] = []
    vectors = np.zeros((arguments.entities, embedder.dimension), dtype=np.float32)
    capabilities = sorted(CAPABILITIES)
    for number in range(arguments.entities):
        base = number % len(sources)
        borrowed = rng.choice(sentences)
        kept = [s for s in sentences[base] if rng.random() > 0.3] or sentences[base][:1]
        kept += rng.sample(borrowed, min(2, len(borrowed)))
        rng.shuffle(kept)
        entities.append(
            Entity(
                id=f"e{number}",
                kind=rng.choice(KINDS),
                organisation=f"org{rng.randrange(5000)}",
                organisation_type=rng.choice(ORGANISATION_TYPES),
                title=sources[base][0],
                text=". ".join(kept),
                cancer_types=cancer[base],
                offers=tuple(rng.sample(capabilities, 2)),
                seeks=tuple(rng.sample(capabilities, 1)),
            )
        )
        vectors[number] = source_vectors[base]
    vectors = normalise(vectors + np.asarray(noise.normal(0, 0.02, vectors.shape), dtype=np.float32))
    print(
        f"synthesised {arguments.entities - len(sources):,} of {arguments.entities:,} entities from the "
        f"{len(sources)} embedded real texts (perturbed text, vector + N(0, 0.02) noise, renormalised)"
    )

    started = time.perf_counter()
    index = MatchIndex.build(entities, embedder=embedder, ontology=ontology, vectors=vectors)
    print(f"index build (given vectors): {time.perf_counter() - started:.1f} s for {len(index):,} entities")
    memory = index.memory_bytes()
    print("index memory: " + ", ".join(f"{name} {value / 2**20:.1f} MiB" for name, value in memory.items()))

    query_entities = [
        Entity(
            id=f"query{n}",
            text=f"{title}. {text[:300]}",
            organisation=f"org{n}",
            cancer_types=tuple(tree.codes_in_text(title)),
            seeks=(capabilities[n % len(capabilities)],),
        )
        for n, (title, text) in enumerate(queries)
    ]
    index.search(query_entities[0], k=10)  # warm-up: first-call allocations

    embedding_ms = []
    for query in query_entities:
        started = time.perf_counter()
        index.query_vector(query)
        embedding_ms.append((time.perf_counter() - started) * 1000)
    print(
        f"query embedding alone (embed_query, {arguments.query_tokens} word pieces at most): "
        f"{_summary(embedding_ms)}"
    )

    latencies = []
    for query in query_entities:
        started = time.perf_counter()
        index.search(query, k=10)
        latencies.append((time.perf_counter() - started) * 1000)
    print(
        f"top-10 hybrid search over {len(index):,} entities, {len(latencies)} queries "
        f"(title + 300 characters, query embedding included): {_summary(latencies)}"
    )

    # The baseline, in this run on this machine: the exhaustive path (the query embedded passage by passage as
    # documents are, through embed(); every part over every entity; a full sort). Timed query by query against
    # search(), in alternating order, so that both see the same load from whatever else the machine runs.
    baseline: list[float] = []
    paired: list[float] = []
    for number, query in enumerate(query_entities[: arguments.baseline_queries]):
        for which in ("search", "baseline") if number % 2 else ("baseline", "search"):
            started = time.perf_counter()
            if which == "search":
                index.search(query, k=10)
            else:
                exhaustive_top(index, query, embedder.embed([query.full_text])[0], 10)
            (paired if which == "search" else baseline).append((time.perf_counter() - started) * 1000)
    print(
        f"baseline, exhaustive brute force over all {len(index):,} entities (embed() + part_scores + full "
        f"sort), first {len(baseline)} queries: {_summary(baseline)}; search() on the same queries, timed "
        f"alternately: {_summary(paired)}; speed-up p50 "
        f"{statistics.median(baseline) / statistics.median(paired):.1f}x, "
        f"p95 {percentile(baseline, 0.95) / percentile(paired, 0.95):.1f}x"
    )

    # search() must return exactly the exhaustive ranking's top 10 for the same query vector.
    same = 0
    for query in query_entities[: arguments.baseline_queries]:
        vector = index.query_vector(query)
        fast_ids = [match.entity.id for match in index.search(query, k=10, query_vector=vector)]
        same += fast_ids == exhaustive_top(index, query, vector, 10)
    print(f"search() top 10 identical to the exhaustive top 10: {same} of {len(baseline)} queries")

    started = time.perf_counter()
    for number in range(100):
        index.update(Entity(id=f"e{number}", text=queries[number % len(queries)][1], organisation="org1"))
    print(
        f"incremental update: {(time.perf_counter() - started) * 10:.2f} ms per entity (embedding included)"
    )
    started = time.perf_counter()
    index.search(query_entities[1], k=10)
    print(f"search right after 100 updates: {(time.perf_counter() - started) * 1000:.1f} ms")
    print(f"machine at the end: {_load()}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
