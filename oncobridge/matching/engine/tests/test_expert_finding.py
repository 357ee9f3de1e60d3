"""The real evaluation: expert finding on NCI's dbGaP studies."""

from __future__ import annotations

from pathlib import Path

import pytest

from oncobridge.matching.engine.embedding import MiniLMEmbedder
from oncobridge.matching.engine.evaluation import METHODS, score_queries
from oncobridge.matching.engine.expert_finding import investigators, load_expert_finding, normalise_name
from oncobridge.matching.engine.ontology import ontology_from_data_dir
from oncobridge.matching.engine.weights import PARTS


@pytest.mark.parametrize(
    ("written", "key"),
    [
        ("Steven A. Rosenberg", "s rosenberg"),
        ("Steven A Rosenberg, MD", "s rosenberg"),
        ("Christopher Haiman, ScD", "c haiman"),
        ("Eun-sil (Shelley) Hwang", "e hwang"),
        ("Aadel A. Chaudhuri, MD/PhD", "a chaudhuri"),
    ],
)
def test_spellings_of_one_investigator_meet(written: str, key: str) -> None:
    assert normalise_name(written) == key


def test_several_investigators_in_one_cell_are_split() -> None:
    assert investigators("Walter C. Willett;Lorelei Mucci; ;Walter Willett") == ["w willett", "l mucci"]


def test_no_profile_contains_the_text_of_a_query(data_dir: Path) -> None:
    corpus, queries = load_expert_finding(data_dir)

    profiles = "\n".join(entity.text for entity in corpus)

    assert len(queries) > 100
    assert all(query.entity.text not in profiles for query in queries)


def test_hybrid_beats_bm25_and_embeddings_alone_on_real_data(
    data_dir: Path, embedder: MiniLMEmbedder
) -> None:
    corpus, queries = load_expert_finding(data_dir)
    scored = score_queries(
        corpus, queries, parts=PARTS, embedder=embedder, ontology=ontology_from_data_dir(data_dir)
    )

    found = {method: scored.evaluate(weights, 10) for method, weights in METHODS.items()}

    for alone in ("bm25", "embedding"):
        assert (
            found["hybrid"]["recall@10"] > found[alone]["recall@10"]
            or found["hybrid"]["mrr"] > found[alone]["mrr"]
        )
