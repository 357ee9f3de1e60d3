"""The CLI: `oncobridge match reindex`, `oncobridge match report --json`, `oncobridge match-eval`."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from django.core.management import call_command

from oncobridge.cli import main
from oncobridge.conftest import Alliance
from oncobridge.matching import indexing
from oncobridge.matching.tests.conftest import Portfolio


def test_reindex_indexes_the_whole_portfolio(alliance: Alliance, portfolio: Portfolio, capsys: Any) -> None:
    call_command("match", "reindex", "--no-progress")

    assert "Indexed 6 portfolio entries" in capsys.readouterr().out
    index = indexing.index_for_search()
    assert index is not None and len(index) == 6


def test_report_prints_one_json_object(alliance: Alliance, portfolio: Portfolio, capsys: Any) -> None:
    call_command("match", "report", "--json")

    report = json.loads(capsys.readouterr().out)
    assert report["introductions"] == 0
    assert set(report) >= {"by_outcome", "acceptance_by_score", "acceptance_by_part"}


def test_match_eval_prints_the_metrics_as_json(tmp_path: Path, capsys: Any) -> None:
    corpus = tmp_path / "corpus.jsonl"
    queries = tmp_path / "queries.jsonl"
    corpus.write_text(
        "\n".join(
            json.dumps(record)
            for record in [
                {"id": "a", "text": "lung adenocarcinoma organoids with EGFR mutations"},
                {"id": "b", "text": "breast cancer imaging and HER2 signalling"},
                {"id": "c", "text": "melanoma immunotherapy response"},
            ]
        )
    )
    queries.write_text(json.dumps({"id": "q", "text": "EGFR lung organoids", "relevant": ["a"]}))

    main(["match-eval", "--corpus", str(corpus), "--queries", str(queries), "--method", "bm25", "--k", "10"])

    result = json.loads(capsys.readouterr().out)
    assert set(result) == {"method", "n_queries", "recall@10", "mrr", "ndcg@10"}
    assert result["mrr"] == 1.0
