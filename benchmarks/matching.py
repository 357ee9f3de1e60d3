"""Matching speed at 100,000 entities: index build, embedding throughput, index memory, query latency.

    ONCOBRIDGE_DATA_DIR=../shared/data python benchmarks/matching.py [--entities 100000] [--embed 256]

Embedding 100,000 texts with MiniLM on a 2-core CPU takes hours, so the benchmark embeds --embed real texts
(dbGaP studies, NCI projects, industry trials), measures that throughput, and synthesises the other entities:
each takes a real text's sentences (shuffled, some dropped, some borrowed from another text) and that text's
vector with Gaussian noise, renormalised. Query latency includes embedding the query text.
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

from oncobridge.matching.engine.embedding import MiniLMEmbedder, normalise
from oncobridge.matching.engine.entities import CAPABILITIES, Entity
from oncobridge.matching.engine.expert_finding import clean_html
from oncobridge.matching.engine.index import MatchIndex
from oncobridge.matching.engine.ontology import ONCOTREE_FILE, ontology_from_data_dir
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


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--entities", type=int, default=100_000)
    parser.add_argument(
        "--embed", type=int, default=256, help="real texts embedded (the rest are synthesised)"
    )
    parser.add_argument("--queries", type=int, default=200)
    arguments = parser.parse_args()
    data_value = os.environ.get("ONCOBRIDGE_DATA_DIR")
    if not data_value:
        print("benchmarks/matching.py: set ONCOBRIDGE_DATA_DIR", file=sys.stderr)
        return 2
    data_dir = Path(data_value)
    rng = random.Random(7)
    noise = np.random.default_rng(7)
    tree = load_oncotree(data_dir / ONCOTREE_FILE)
    ontology = ontology_from_data_dir(data_dir)
    documents = real_texts(data_dir)
    rng.shuffle(documents)
    sources = documents[: arguments.embed]
    queries = documents[arguments.embed : arguments.embed + arguments.queries]

    embedder = MiniLMEmbedder()
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
    vectors = normalise(vectors + noise.normal(0, 0.02, vectors.shape).astype(np.float32))
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
    latencies = []
    for query in query_entities:
        started = time.perf_counter()
        index.search(query, k=10)
        latencies.append((time.perf_counter() - started) * 1000)
    print(
        f"top-10 hybrid search over {len(index):,} entities, {len(latencies)} queries "
        "(title + 300 characters, "
        f"query embedding included): p50 {statistics.median(latencies):.1f} ms, "
        f"p95 {percentile(latencies, 0.95):.1f} ms, max {max(latencies):.1f} ms"
    )

    started = time.perf_counter()
    for number in range(100):
        index.update(Entity(id=f"e{number}", text=queries[number % len(queries)][1], organisation="org1"))
    print(
        f"incremental update: {(time.perf_counter() - started) * 10:.2f} ms per entity (embedding included)"
    )
    started = time.perf_counter()
    index.search(query_entities[1], k=10)
    print(f"search right after 100 updates: {(time.perf_counter() - started) * 1000:.1f} ms")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
