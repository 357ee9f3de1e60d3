"""`oncobridge analyze ...` and `oncobridge cohort count`: the documented forms and output shapes."""

from __future__ import annotations

import io
import json

import pytest
from django.core.management import CommandError, call_command
from django.test import Client

from oncobridge.accounts.services import token_create
from oncobridge.cohorts.tests.conftest import Personas
from oncobridge.core.models import AuditEvent

pytestmark = pytest.mark.django_db


def run(*args: str) -> str:
    out = io.StringIO()
    call_command(*args, stdout=out, stderr=io.StringIO())
    return out.getvalue()


def test_frequencies_print_the_documented_json_list(personas: Personas) -> None:
    rows = json.loads(run("analyze", "frequencies", "breast-lung", "--top", "2", "--json"))

    assert rows == [
        {"gene": "TP53", "altered_samples": 8, "profiled_samples": 12, "frequency": pytest.approx(8 / 12)},
        {"gene": "PIK3CA", "altered_samples": 6, "profiled_samples": 12, "frequency": 0.5},
    ]


def test_frequencies_as_a_person_without_grant_are_suppressed(personas: Personas) -> None:
    rows = json.loads(run("analyze", "frequencies", "breast-lung", "--json", "--as", "ivan@stolaf.example"))

    kras = next(row for row in rows if row["gene"] == "KRAS")
    assert kras == {"gene": "KRAS", "altered_samples": "<5", "profiled_samples": 12, "frequency": None}


def test_survival_prints_the_documented_json(personas: Personas) -> None:
    document = json.loads(run("analyze", "survival", "breast-lung", "--gene", "TP53", "--json"))

    assert set(document) == {"groups", "logrank_p", "hazard_ratio"}
    assert [set(group) for group in document["groups"]] == [{"label", "n", "events", "median_months"}] * 2
    assert [(g["label"], g["n"]) for g in document["groups"]] == [("TP53 wild type", 4), ("TP53 mutated", 8)]
    assert 0 < document["logrank_p"] < 1


def test_cooccurrence_prints_pairs_with_their_statistics(personas: Personas) -> None:
    pairs = json.loads(run("analyze", "cooccurrence", "breast-lung", "--genes", "TP53,PIK3CA,KRAS", "--json"))

    assert len(pairs) == 3
    first = pairs[0]
    assert {"gene_a", "gene_b", "odds_ratio", "p_value", "q_value", "both", "neither"} <= set(first)


def test_cohort_count_prints_totals_and_datasets(personas: Personas) -> None:
    document = json.loads(
        run("cohort", "count", "--datasets", "breast-lung", "--protein-change", "KRAS p.G12C", "--json")
    )

    assert document["patients"] == 3
    assert document["by_dataset"] == [
        {
            "dataset": "breast-lung",
            "title": "Breast and lung cohort",
            "patients": 3,
            "samples": 3,
            "row_access": True,
        }
    ]


def test_cohort_count_combines_the_criteria(personas: Personas) -> None:
    document = json.loads(
        run(
            "cohort",
            "count",
            "--datasets",
            "breast-lung",
            "--gene-mutated",
            "TP53",
            "--cancer-type",
            "BRCA",
            "--json",
        )
    )

    assert document["patients"] == 8


def test_cohort_count_as_a_person_without_grant_reads_small_counts_as_below_the_threshold(
    personas: Personas,
) -> None:
    document = json.loads(
        run(
            "cohort",
            "count",
            "--datasets",
            "breast-lung",
            "--gene-mutated",
            "KRAS",
            "--json",
            "--as",
            "gary@globex.example",
        )
    )

    assert document["by_dataset"][0]["patients"] == "<5"


def test_without_json_a_readable_table_is_printed(personas: Personas) -> None:
    out = run("analyze", "frequencies", "breast-lung", "--top", "1")

    assert out.splitlines()[0].split() == ["gene", "altered", "profiled", "frequency"]
    assert out.splitlines()[1].split() == ["TP53", "8", "12", "0.6667"]


def test_an_unknown_dataset_fails_with_one_line(personas: Personas) -> None:
    with pytest.raises(CommandError) as raised:
        run("analyze", "frequencies", "nope", "--json")

    assert "'nope'" in str(raised.value)
    assert "\n" not in str(raised.value)


def test_an_unknown_gene_fails_naming_it(personas: Personas) -> None:
    with pytest.raises(CommandError, match="Unknown gene 'NOTAGENE1'"):
        run("analyze", "survival", "breast-lung", "--gene", "NOTAGENE1", "--json")


def test_an_operator_query_is_audited_as_operator(personas: Personas) -> None:
    run("cohort", "count", "--datasets", "breast-lung", "--gene-mutated", "TP53", "--json")

    event = AuditEvent.objects.get(action="cohort.count")
    assert event.actor is None
    assert event.detail["caller"] == "operator"


def test_cooccurrence_with_a_gene_mutated_nowhere_prints_null_and_no_direction(personas: Personas) -> None:
    text = run("analyze", "cooccurrence", "breast-lung", "--genes", "TP53,BRAF", "--json")

    (pair,) = json.loads(text, parse_constant=lambda name: pytest.fail(f"{name} is not JSON"))
    assert (pair["both"], pair["b_only"]) == (0, 0)
    assert pair["odds_ratio"] is None
    assert pair["relation"] == "undetermined"


def test_cohort_count_prints_what_the_api_answers(personas: Personas) -> None:
    body = {"datasets": ["breast-lung"], "definition": {"type": "gene_mutated", "gene": "KRAS"}}
    answer = Client().post(
        "/api/v1/cohorts/count",
        json.dumps(body),
        content_type="application/json",
        HTTP_AUTHORIZATION=f"Bearer {token_create(user=personas.industry).secret}",
    )
    printed = run(
        "cohort", "count", "--datasets", "breast-lung", "--gene-mutated", "KRAS", "--json", "--as",
        personas.industry.email,
    )  # fmt: skip

    assert json.loads(printed) == answer.json()
