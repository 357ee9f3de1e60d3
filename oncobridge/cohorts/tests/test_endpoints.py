"""Survival endpoints other than OS: GBSG2 (lifelines' German breast cancer study) holds recurrence-free
survival only, imported as the demo imports it; API, CLI and page choose it and agree with lifelines."""

from __future__ import annotations

import io
import json
from pathlib import Path
from typing import Any

import pandas as pd
import pytest
from django.core.management import call_command
from django.test import Client
from lifelines import KaplanMeierFitter
from lifelines.datasets import load_gbsg2
from lifelines.statistics import multivariate_logrank_test

from oncobridge import analytics
from oncobridge.accounts.access import viewer_for
from oncobridge.accounts.models import User
from oncobridge.accounts.services import token_create
from oncobridge.analytics import DatasetSource
from oncobridge.cohorts import analyses
from oncobridge.cohorts.tests.conftest import Personas, client_for
from oncobridge.conftest import Alliance
from oncobridge.datasharing.services import dataset_create, dataset_import, import_source

pytestmark = pytest.mark.django_db

DAYS_PER_MONTH = 30.4375
MAPPING = """\
patient_id: patient
survival: {time: time, unit: days, event: cens, event_values: [1], censored_values: [0], endpoint: RFS}
attributes: {hormone_therapy: horTh, tumour_grade: tgrade}
"""


@pytest.fixture
def gbsg2(alliance: Alliance, personas: Personas, tmp_path: Path) -> pd.DataFrame:
    frame = load_gbsg2().reset_index(drop=True)
    frame.insert(0, "patient", [f"GBSG2-{index:04d}" for index in range(len(frame))])
    table, mapping = tmp_path / "gbsg2.tsv", tmp_path / "gbsg2.yaml"
    frame.to_csv(table, sep="\t", index=False)
    mapping.write_text(MAPPING, encoding="utf-8")
    dana = alliance.dana
    dataset = dataset_create(
        viewer=viewer_for(dana),
        actor=dana,
        slug="gbsg2",
        title="GBSG2",
        organisation=alliance.centre,
        duo_codes=("GRU",),
    )
    source = import_source(clinical=table, mapping=mapping)
    dataset_import(viewer=viewer_for(dana), actor=dana, dataset=dataset, source=source)
    frame["months"] = frame["time"] / DAYS_PER_MONTH
    return frame


def _post(personas: Personas, body: dict[str, Any]) -> Any:
    return Client().post(
        "/api/v1/analyses/survival",
        json.dumps(body),
        content_type="application/json",
        HTTP_AUTHORIZATION=f"Bearer {token_create(user=personas.steward).secret}",
    )


def test_the_api_compares_groups_on_recurrence_free_survival_as_lifelines(
    personas: Personas, gbsg2: pd.DataFrame
) -> None:
    body = {"datasets": ["gbsg2"], "attribute": "hormone_therapy", "endpoint": "rfs"}

    result = _post(personas, body).json()

    assert result["endpoint"] == "RFS"
    logrank = multivariate_logrank_test(gbsg2["months"], gbsg2["horTh"], gbsg2["cens"])
    assert result["logrank_p"] == pytest.approx(logrank.p_value, rel=1e-9)
    for group in result["groups"]:
        rows = gbsg2[gbsg2["horTh"] == group["label"].removeprefix("hormone_therapy = ")]
        fitter = KaplanMeierFitter().fit(rows["months"], rows["cens"])
        assert group["n"] == len(rows)
        assert group["median_months"] == pytest.approx(fitter.median_survival_time_, rel=1e-9)


def test_without_an_endpoint_the_api_takes_the_one_the_dataset_holds(
    personas: Personas, gbsg2: pd.DataFrame
) -> None:
    result = _post(personas, {"datasets": ["gbsg2"], "attribute": "hormone_therapy"}).json()

    assert result["endpoint"] == "RFS"
    assert sum(group["n"] for group in result["groups"]) == len(gbsg2)


def test_an_endpoint_the_datasets_do_not_hold_is_a_400_naming_the_ones_they_do(
    personas: Personas, gbsg2: pd.DataFrame
) -> None:
    response = _post(personas, {"datasets": ["gbsg2"], "attribute": "hormone_therapy", "endpoint": "OS"})

    assert response.status_code == 400
    assert response.json()["field"] == "endpoint"
    assert "choose one of RFS" in response.json()["detail"]


def test_the_cli_takes_the_endpoint_and_keeps_its_json_form(personas: Personas, gbsg2: pd.DataFrame) -> None:
    out = io.StringIO()
    call_command("analyze", "survival", "gbsg2", "--gene", "TP53", "--endpoint", "RFS", "--json", stdout=out)

    document = json.loads(out.getvalue())
    assert set(document) == {"groups", "logrank_p", "hazard_ratio"}
    wild_type, mutated = document["groups"]
    fitter = KaplanMeierFitter().fit(gbsg2["months"], gbsg2["cens"])
    assert wild_type == {
        "label": "TP53 wild type",
        "n": len(gbsg2),
        "events": int(gbsg2["cens"].sum()),
        "median_months": pytest.approx(fitter.median_survival_time_, rel=1e-9),
    }
    assert mutated["n"] == 0


def test_the_survival_tab_offers_the_endpoints_the_datasets_hold(
    personas: Personas, gbsg2: pd.DataFrame
) -> None:
    client = client_for(personas.steward)
    params = {"dataset": "gbsg2", "tab": "survival", "group_by": "attribute", "attribute": "tumour_grade"}

    page = client.get("/cohorts/analyses/", params).content.decode()

    assert '<option value="RFS">Recurrence-free survival (RFS)</option>' in page
    assert 'value="OS"' not in page
    assert "Recurrence-free survival (Kaplan-Meier)" in page


def test_without_row_access_an_endpoint_fewer_than_k_patients_have_is_not_offered(
    personas: Personas, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(analytics, "outcome_endpoints", lambda sources: {"PFS": 3, "XYZ": 5, "OS": 12})

    def offered(user: User) -> list[str]:
        return analyses.survival_endpoints(scope=analyses.scope_build(actor=user, datasets=["breast-lung"]))

    assert offered(personas.investigator) == ["OS", "XYZ"]
    assert offered(personas.grantee) == ["OS", "PFS", "XYZ"]


def test_the_survival_tab_reads_the_datasets_endpoints_once(
    personas: Personas, monkeypatch: pytest.MonkeyPatch
) -> None:
    reads: list[object] = []
    read = analytics.outcome_endpoints

    def counted(sources: list[DatasetSource]) -> dict[str, int]:
        reads.append(sources)
        return read(sources)

    monkeypatch.setattr(analytics, "outcome_endpoints", counted)
    client = client_for(personas.grantee)

    page = client.get("/cohorts/analyses/", {"dataset": "breast-lung", "tab": "survival", "gene": "TP53"})

    assert '<option value="OS">Overall survival (OS)</option>' in page.content.decode()
    assert "TP53 mutated vs TP53 wild type" in page.content.decode()
    assert len(reads) == 1
