"""The survival numbers a person reads (API, the tab's table, its CSV) against lifelines on the same patients:
number at risk, median with its 95% interval, log-rank p and the Cox hazard ratio with its 95% interval."""

from __future__ import annotations

import csv
import io
import json
import math
from typing import Any

import pandas as pd
import pytest
from django.test import Client
from lifelines import CoxPHFitter, KaplanMeierFitter
from lifelines.statistics import multivariate_logrank_test
from lifelines.utils import median_survival_times

from oncobridge.accounts.models import User
from oncobridge.accounts.services import token_create
from oncobridge.cohorts.tests.conftest import OS_MONTHS, PATIENTS, TP53_MUTATED, Personas, client_for

pytestmark = pytest.mark.django_db

TICKS = [0.0, 12.0, 24.0, 36.0, 48.0, 60.0]  # round steps over the 60 months of follow-up
TP53_BODY = {"datasets": ["breast-lung"], "gene": "TP53"}
TP53_TAB = {"dataset": "breast-lung", "tab": "survival", "gene": "TP53"}


def _patients() -> pd.DataFrame:
    """The fixture's patients: P01-P08 TP53-mutated, a death unless the patient's number divides by 3."""
    return pd.DataFrame(
        {
            "months": [float(m) for m in OS_MONTHS],
            "event": [int(number % 3 != 0) for number in range(1, len(PATIENTS) + 1)],
            "mutated": [int(f"S{number:02d}" in TP53_MUTATED) for number in range(1, len(PATIENTS) + 1)],
        }
    )


def _finite(value: float) -> float | None:
    return float(value) if math.isfinite(value) else None


def _lifelines_group(frame: pd.DataFrame) -> dict[str, Any]:
    fitter = KaplanMeierFitter().fit(frame["months"], frame["event"])
    interval = median_survival_times(fitter.confidence_interval_)
    return {
        "n": len(frame),
        "events": int(frame["event"].sum()),
        "median": _finite(fitter.median_survival_time_),
        "median_ci": [_finite(interval.iloc[0, 0]), _finite(interval.iloc[0, 1])],
        "at_risk": [int((frame["months"] >= tick).sum()) for tick in TICKS],
    }


@pytest.fixture
def expected() -> dict[str, Any]:
    frame = _patients()
    wild, mutated = frame[frame["mutated"] == 0], frame[frame["mutated"] == 1]
    cox = CoxPHFitter().fit(frame, duration_col="months", event_col="event")
    low, high = (math.exp(v) for v in cox.confidence_intervals_.loc["mutated"])
    logrank = multivariate_logrank_test(frame["months"], frame["mutated"], frame["event"])
    return {
        "groups": [_lifelines_group(wild), _lifelines_group(mutated)],
        "logrank_p": float(logrank.p_value),
        "hazard_ratio": float(math.exp(cox.params_["mutated"])),
        "hazard_ratio_ci": [low, high],
    }


def _close(actual: Any, wanted: Any) -> bool:
    if wanted is None or actual is None:
        return actual is wanted
    return bool(actual == pytest.approx(wanted, rel=1e-5))


def _csv(user: User, params: dict[str, Any]) -> list[dict[str, str]]:
    client = client_for(user)
    response = client.get("/cohorts/analyses/export/", params | {"format": "csv"})
    assert response.status_code == 200
    return list(csv.DictReader(io.StringIO(response.content.decode())))


def _number(text: str) -> float | None:
    return float(text) if text else None


def test_the_survival_api_gives_the_statistics_lifelines_gives(
    personas: Personas, expected: dict[str, Any]
) -> None:
    response = Client().post(
        "/api/v1/analyses/survival",
        json.dumps(TP53_BODY),
        content_type="application/json",
        HTTP_AUTHORIZATION=f"Bearer {token_create(user=personas.grantee).secret}",
    )

    result = response.json()
    for group, wanted in zip(result["groups"], expected["groups"], strict=True):
        assert (group["n"], group["events"]) == (wanted["n"], wanted["events"])
        assert _close(group["median_months"], wanted["median"])
        assert all(map(_close, group["median_ci"], wanted["median_ci"]))
        assert group["at_risk"] == [[tick, n] for tick, n in zip(TICKS, wanted["at_risk"], strict=True)]
    assert result["logrank_p"] == pytest.approx(expected["logrank_p"], rel=1e-6)
    assert result["hazard_ratio"] == pytest.approx(expected["hazard_ratio"], rel=1e-5)
    assert result["hazard_ratio_ci"] == pytest.approx(expected["hazard_ratio_ci"], rel=1e-5)


def test_the_survival_csv_has_numbers_at_risk_and_the_tests_as_lifelines(
    personas: Personas, expected: dict[str, Any]
) -> None:
    wild, mutated = _csv(personas.grantee, TP53_TAB)

    for row, wanted in ((wild, expected["groups"][0]), (mutated, expected["groups"][1])):
        assert (int(row["n"]), int(row["events"])) == (wanted["n"], wanted["events"])
        assert _close(_number(row["median_months"]), wanted["median"])
        assert _close(_number(row["median_ci_lower"]), wanted["median_ci"][0])
        assert _close(_number(row["median_ci_upper"]), wanted["median_ci"][1])
        assert [int(row[f"at_risk_{tick:g}_months"]) for tick in TICKS] == wanted["at_risk"]
        assert float(row["logrank_p"]) == pytest.approx(expected["logrank_p"], rel=1e-6)
    assert (wild["hazard_ratio"], wild["hazard_ratio_ci_lower"]) == ("reference", "")
    assert float(mutated["hazard_ratio"]) == pytest.approx(expected["hazard_ratio"], rel=1e-5)
    assert [float(mutated["hazard_ratio_ci_lower"]), float(mutated["hazard_ratio_ci_upper"])] == (
        pytest.approx(expected["hazard_ratio_ci"], rel=1e-5)
    )


def test_the_survival_tab_shows_numbers_at_risk_and_the_hazard_ratio_in_its_table(
    personas: Personas, expected: dict[str, Any]
) -> None:
    client = client_for(personas.grantee)

    page = client.get("/cohorts/analyses/", TP53_TAB).content.decode()

    assert '<th scope="col">at_risk_12_months</th>' in page
    assert '<th scope="col">logrank_p</th>' in page
    assert f"<td>{expected['hazard_ratio']:.4g}</td>" in page
    assert "<td>reference</td>" in page
    assert "TP53 mutated vs TP53 wild type" in page


def test_a_withheld_group_has_no_numbers_at_risk_and_no_test_in_the_csv(personas: Personas) -> None:
    wild, mutated = _csv(personas.investigator, TP53_TAB)

    assert wild["n"] == "<5"
    assert all(wild[f"at_risk_{tick:g}_months"] == "" for tick in TICKS)
    assert mutated["at_risk_0_months"] == "8"
    assert mutated["at_risk_48_months"] == "<5"
    assert wild["logrank_p"] == mutated["logrank_p"] == mutated["hazard_ratio"] == ""
