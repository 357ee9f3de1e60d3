"""Searching over allowed entities only: the others are never ranked, counted, explained or change a score."""

from __future__ import annotations

import numpy as np
import pytest

from oncobridge.matching.engine.embedding import MiniLMEmbedder
from oncobridge.matching.engine.entities import Entity
from oncobridge.matching.engine.index import Match, MatchIndex
from oncobridge.matching.engine.ontology import Ontology
from oncobridge.matching.engine.weights import DEFAULT_WEIGHTS, Weights

BM25 = Weights.only("bm25")
QUERY = Entity(
    id="query",
    text="EGFR-mutant lung adenocarcinoma organoids for osimertinib resistance",
    cancer_types=("NSCLC",),
    genes=("EGFR",),
    seeks=("patient_derived_models",),
)
VISIBLE = [
    Entity(
        id="organoids",
        organisation="centre",
        text="Patient-derived organoids of lung adenocarcinoma with EGFR mutations",
        cancer_types=("LUAD",),
        genes=("EGFR", "KRAS"),
        offers=("patient_derived_models",),
    ),
    Entity(
        id="cohort",
        organisation="university",
        text="Sequencing cohort of lung cancer patients treated with osimertinib",
        cancer_types=("LUAD",),
        genes=("TP53",),
        offers=("data",),
    ),
    Entity(
        id="breast", organisation="clinic", text="Breast cancer imaging in mouse models", genes=("ERBB2",)
    ),
]
# Every query term, many times over and in no other document: by far the best lexical match, were it seen.
HIDDEN = Entity(
    id="hidden",
    organisation="centre",
    text=" ".join(["EGFR-mutant lung adenocarcinoma organoids osimertinib resistance"] * 20),
    cancer_types=("LUAD",),
    genes=("EGFR",),
    offers=("patient_derived_models",),
)
VISIBLE_IDS = frozenset(entity.id for entity in VISIBLE)


def _scored(matches: list[Match]) -> dict[str, tuple[float, dict[str, float], list[str]]]:
    return {match.entity.id: (match.score, match.parts, match.explanation.lines()) for match in matches}


def _assert_same(got: list[Match], expected: list[Match]) -> None:
    assert [match.entity.id for match in got] == [match.entity.id for match in expected]
    for mine, theirs in zip(got, expected, strict=True):
        assert mine.score == pytest.approx(theirs.score, rel=1e-6, abs=1e-7)
        assert mine.parts == pytest.approx(theirs.parts, rel=1e-6, abs=1e-7)
        assert mine.explanation.lines() == theirs.explanation.lines()


def test_a_hidden_bm25_champion_changes_no_visible_score() -> None:
    everything = MatchIndex.build([*VISIBLE, HIDDEN], embedder=None)
    visible_only = MatchIndex.build(VISIBLE, embedder=None)

    allowed = everything.search(QUERY, weights=BM25, allowed=VISIBLE_IDS)
    unrestricted = everything.search(QUERY, weights=BM25)

    assert "hidden" not in _scored(allowed)
    _assert_same(allowed, visible_only.search(QUERY, weights=BM25))
    # Without the restriction the hidden entity leads and scales every other lexical score down.
    assert unrestricted[0].entity.id == "hidden"
    assert _scored(unrestricted)["organoids"][0] < _scored(allowed)["organoids"][0]


def test_hybrid_scores_over_allowed_entities_are_those_of_an_index_without_the_others(
    embedder: MiniLMEmbedder, lung_ontology: Ontology
) -> None:
    entities = [*VISIBLE, HIDDEN]
    vectors = embedder.embed([entity.full_text for entity in entities])
    query_vector = embedder.embed([QUERY.full_text])[0]
    everything = MatchIndex.build(entities, embedder=embedder, ontology=lung_ontology, vectors=vectors)
    visible_only = MatchIndex.build(
        VISIBLE, embedder=embedder, ontology=lung_ontology, vectors=vectors[: len(VISIBLE)]
    )

    got = everything.search(QUERY, allowed=VISIBLE_IDS, query_vector=query_vector, max_per_organisation=1)
    expected = visible_only.search(QUERY, query_vector=query_vector, max_per_organisation=1)

    assert got
    _assert_same(got, expected)


def test_part_scores_over_allowed_entities_leave_the_others_at_zero() -> None:
    everything = MatchIndex.build([*VISIBLE, HIDDEN], embedder=None)
    visible_only = MatchIndex.build(VISIBLE, embedder=None)
    parts = [part for part in DEFAULT_WEIGHTS.active() if part != "embedding"]

    scores = everything.part_scores(QUERY, parts, allowed=VISIBLE_IDS)
    expected = visible_only.part_scores(QUERY, parts)

    slots = everything.slot_ids()
    for part in parts:
        assert scores[part][slots.index("hidden")] == 0.0
        for entity_id in VISIBLE_IDS:
            assert scores[part][slots.index(entity_id)] == pytest.approx(
                expected[part][visible_only.slot_ids().index(entity_id)], rel=1e-6, abs=1e-7
            )
    # The best allowed lexical match scores 1, as it would with nothing else indexed.
    assert float(np.max(scores["bm25"])) == pytest.approx(1.0)


def test_a_hidden_entity_takes_no_place_under_the_organisation_cap() -> None:
    index = MatchIndex.build([*VISIBLE, HIDDEN], embedder=None)

    matches = index.search(QUERY, weights=BM25, allowed=VISIBLE_IDS, max_per_organisation=1)

    assert "organoids" in _scored(matches)  # the centre's one place is not taken by its hidden entity


def test_nothing_allowed_gives_no_results_and_unknown_ids_are_ignored() -> None:
    index = MatchIndex.build([*VISIBLE, HIDDEN], embedder=None)

    assert index.search(QUERY, weights=BM25, allowed=frozenset()) == []
    assert index.search(QUERY, weights=BM25, allowed=["gone", "never-indexed"]) == []
    assert [match.entity.id for match in index.search(QUERY, weights=BM25, allowed=["cohort", "gone"])] == [
        "cohort"
    ]
