"""The evaluation harness: metrics against hand-computed numbers, and the match-eval command."""

from __future__ import annotations

import json
import math
from pathlib import Path

import pytest

from oncobridge.matching.engine.evaluation import main, metrics


def test_metrics_match_a_hand_computed_example() -> None:
    rankings = [["a", "b", "c"], ["d", "e", "f"]]
    relevant = [frozenset({"b"}), frozenset({"d", "f"})]

    found = metrics(rankings, relevant, k=2)

    # Query 1: b at rank 2: recall 1, RR 1/2, nDCG 1/log2(3). Query 2: d at rank 1, f outside the top 2:
    # recall 1/2, RR 1, nDCG 1 / (1 + 1/log2(3)).
    assert found["recall@2"] == pytest.approx(0.75)
    assert found["mrr"] == pytest.approx(0.75)
    assert found["ndcg@2"] == pytest.approx((1 / math.log2(3) + 1 / (1 + 1 / math.log2(3))) / 2)
    assert found["ndcg@2"] == pytest.approx(0.622038473168458)


def test_a_relevant_item_missing_from_the_ranking_scores_zero() -> None:
    assert metrics([["a"]], [frozenset({"z"})], k=10) == {"recall@10": 0.0, "mrr": 0.0, "ndcg@10": 0.0}


def test_match_eval_prints_one_json_object(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    corpus = tmp_path / "corpus.jsonl"
    queries = tmp_path / "queries.jsonl"
    corpus.write_text(
        '{"id": "a", "text": "melanoma vaccines"}\n{"id": "b", "text": "pancreatic organoids"}\n',
        encoding="utf-8",
    )
    queries.write_text(
        '{"id": "q", "text": "organoids of the pancreas", "relevant": ["b"]}\n', encoding="utf-8"
    )

    assert main(["--corpus", str(corpus), "--queries", str(queries), "--method", "bm25", "--k", "5"]) == 0

    printed = json.loads(capsys.readouterr().out)
    assert printed == {"method": "bm25", "n_queries": 1, "recall@5": 1.0, "mrr": 1.0, "ndcg@5": 1.0}


def test_match_eval_refuses_a_query_without_answers(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    corpus = tmp_path / "corpus.jsonl"
    queries = tmp_path / "queries.jsonl"
    corpus.write_text('{"id": "a", "text": "x"}\n', encoding="utf-8")
    queries.write_text('{"id": "q", "text": "x"}\n', encoding="utf-8")

    assert main(["--corpus", str(corpus), "--queries", str(queries), "--method", "bm25"]) == 2
    assert "relevant" in capsys.readouterr().err
