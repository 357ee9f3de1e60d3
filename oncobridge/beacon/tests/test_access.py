"""Who gets which Beacon granularity, and the audit trail every query leaves."""

from __future__ import annotations

from typing import Any

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

from oncobridge.accounts.access import viewer_for
from oncobridge.beacon.tests.conftest import BEACON, FIXTURES, BeaconClient
from oncobridge.conftest import Alliance
from oncobridge.core.models import AuditEvent
from oncobridge.core.visibility import Visibility
from oncobridge.datasharing.models import Dataset, Grant
from oncobridge.datasharing.services import (
    access_request_decide,
    access_request_submit,
    dataset_create,
    dataset_import,
    grant_revoke,
    import_source,
)

LUAD = {"filters": "oncotree:LUAD"}


def _get(client: Client, path: str, **params: str) -> dict[str, Any]:
    response = client.get(f"{BEACON}{path}", params)
    assert response.status_code == 200, response.content
    return dict(response.json())


@pytest.fixture
def private_dataset(alliance: Alliance, cohort: Dataset) -> Dataset:
    """A second dataset of the cancer centre, visible to its own members only."""
    dataset = dataset_create(
        viewer=viewer_for(alliance.dana),
        actor=alliance.dana,
        slug="centre-only",
        title="Centre-only mutations",
        organisation=alliance.centre,
        duo_codes=("GRU",),
        visibility=Visibility.PRIVATE,
    )
    dataset_import(
        viewer=viewer_for(alliance.dana),
        actor=alliance.dana,
        dataset=dataset,
        source=import_source(maf=FIXTURES / "cohort_mutations.maf.txt"),
    )
    return dataset


def test_anonymous_caller_learns_nothing_about_patients(cohort: Dataset, client_for: BeaconClient) -> None:
    body = _get(client_for(None), "/individuals", requestedGranularity="record")

    assert body["meta"]["returnedGranularity"] == "boolean"
    assert body["responseSummary"] == {"exists": False}
    assert "Log in" in body["info"]["message"]


def test_outsider_without_membership_gets_nothing(
    alliance: Alliance, cohort: Dataset, client_for: BeaconClient
) -> None:
    body = _get(client_for(alliance.oscar), "/g_variants", geneId="KRAS", requestedGranularity="count")

    assert body["meta"]["returnedGranularity"] == "boolean"
    assert body["responseSummary"] == {"exists": False}
    assert "response" not in body
    assert _get(client_for(alliance.oscar), "/datasets")["response"]["collections"] == []


def test_grantee_sees_individual_records(
    alliance: Alliance, cohort: Dataset, nora_grant: None, client_for: BeaconClient
) -> None:
    body = _get(client_for(alliance.nora), "/individuals", requestedGranularity="record", **LUAD)

    assert body["meta"]["returnedGranularity"] == "record"
    [result_set] = body["response"]["resultSets"]
    [patient] = result_set["results"]
    assert patient["id"] == "ob-cohort:OB-P002"
    assert patient["sex"] == {"id": "NCIT:C20197", "label": "male"}
    assert {"id": "NCIT:C3512", "label": "Lung Adenocarcinoma"} in [
        d["diseaseCode"] for d in patient["diseases"]
    ]
    assert patient["info"]["ageYears"] == 67


def test_steward_sees_records_without_a_grant(
    alliance: Alliance, cohort: Dataset, client_for: BeaconClient
) -> None:
    body = _get(client_for(alliance.dana), "/biosamples", requestedGranularity="record", **LUAD)

    ids = [record["id"] for record in body["response"]["resultSets"][0]["results"]]
    assert ids == ["ob-cohort:OB-P002-M1", "ob-cohort:OB-P002-T1"]


def test_member_without_grant_gets_a_count_instead_of_records(
    alliance: Alliance, cohort: Dataset, client_for: BeaconClient, settings: Any
) -> None:
    settings.ONCOBRIDGE_SMALL_CELL_THRESHOLD = 3
    body = _get(client_for(alliance.ivan), "/individuals", requestedGranularity="record")

    assert body["meta"]["returnedGranularity"] == "count"
    assert body["responseSummary"] == {"exists": True, "numTotalResults": 4}
    assert "response" not in body


def test_small_count_reads_as_boolean_only_for_a_member_without_grant(
    alliance: Alliance, cohort: Dataset, client_for: BeaconClient
) -> None:
    body = _get(client_for(alliance.paula), "/individuals", requestedGranularity="count", **LUAD)

    assert body["meta"]["returnedGranularity"] == "boolean"
    assert body["responseSummary"] == {"exists": True}
    assert body["info"]["suppressedCounts"] == {"ob-cohort": "<5"}


def test_grantee_sees_a_small_count(
    alliance: Alliance, cohort: Dataset, nora_grant: None, client_for: BeaconClient
) -> None:
    body = _get(client_for(alliance.nora), "/individuals", requestedGranularity="count", **LUAD)

    assert body["responseSummary"] == {"exists": True, "numTotalResults": 1}


def test_revoked_grant_falls_back_to_boolean_and_count(
    alliance: Alliance, cohort: Dataset, nora_grant: None, client_for: BeaconClient, settings: Any
) -> None:
    settings.ONCOBRIDGE_SMALL_CELL_THRESHOLD = 2
    grant = Grant.objects.get(grantee=alliance.nora, dataset=cohort)
    grant_revoke(viewer=viewer_for(alliance.dana), actor=alliance.dana, grant=grant, reason="Project ended")

    body = _get(client_for(alliance.nora), "/biosamples", requestedGranularity="record")

    assert body["meta"]["returnedGranularity"] == "count"
    assert body["responseSummary"]["numTotalResults"] == 5
    assert "response" not in body  # no records once the grant is revoked


def test_dataset_the_caller_cannot_see_is_not_queried(
    alliance: Alliance, private_dataset: Dataset, nora_grant: None, client_for: BeaconClient
) -> None:
    body = _get(client_for(alliance.nora), "/g_variants", geneId="KRAS", requestedGranularity="record")

    assert [result_set["id"] for result_set in body["response"]["resultSets"]] == ["ob-cohort"]
    assert [d["id"] for d in _get(client_for(alliance.nora), "/datasets")["response"]["collections"]] == [
        "ob-cohort"
    ]


def test_naming_a_dataset_the_caller_cannot_see_reads_as_not_found(
    alliance: Alliance, private_dataset: Dataset, client_for: BeaconClient
) -> None:
    response = client_for(alliance.nora).get(f"{BEACON}/individuals", {"datasets": "centre-only"})

    assert response.status_code == 404
    assert "centre-only" in response.json()["error"]["errorMessage"]
    assert (
        client_for(alliance.ivan).get(f"{BEACON}/individuals", {"datasets": "centre-only"}).status_code == 200
    )


def test_grant_on_one_dataset_gives_records_there_and_counts_elsewhere(
    alliance: Alliance, private_dataset: Dataset, client_for: BeaconClient, settings: Any
) -> None:
    settings.ONCOBRIDGE_SMALL_CELL_THRESHOLD = 2
    request = access_request_submit(
        viewer=viewer_for(alliance.ivan),
        actor=alliance.ivan,
        dataset=private_dataset,
        purpose="Cancer research",
        commercial=False,
    )
    access_request_decide(
        viewer=viewer_for(alliance.dana), actor=alliance.dana, request=request, approve=True
    )

    body = _get(client_for(alliance.ivan), "/biosamples", requestedGranularity="record", geneId="KRAS")

    by_dataset = {result_set["id"]: result_set for result_set in body["response"]["resultSets"]}
    assert [r["id"] for r in by_dataset["centre-only"]["results"]] == [
        "centre-only:OB-P002-M1",
        "centre-only:OB-P002-T1",
    ]
    assert by_dataset["ob-cohort"]["results"] == []
    assert by_dataset["ob-cohort"]["resultsCount"] == 2


def test_bearer_token_applies_the_token_owners_rights(
    alliance: Alliance, cohort: Dataset, nora_grant: None, bearer_for: Any
) -> None:
    response = Client().post(
        f"{BEACON}/individuals",
        {"meta": {"apiVersion": "v2.1.1"}, "query": {"requestedGranularity": "record"}},
        content_type="application/json",
        **bearer_for(alliance.nora),
    )

    assert response.status_code == 200
    assert response.json()["meta"]["returnedGranularity"] == "record"
    assert response.json()["responseSummary"]["numTotalResults"] == 4
    anonymous = Client().post(
        f"{BEACON}/individuals",
        {"meta": {"apiVersion": "v2.1.1"}, "query": {"requestedGranularity": "record"}},
        content_type="application/json",
    )
    assert anonymous.json()["meta"]["returnedGranularity"] == "boolean"


def test_invalid_bearer_token_is_refused_not_treated_as_anonymous(cohort: Dataset) -> None:
    response = Client().get(f"{BEACON}/individuals", HTTP_AUTHORIZATION="Bearer obt_forged")

    assert response.status_code == 401
    assert response["WWW-Authenticate"].startswith("Bearer")
    assert response.json()["error"]["errorCode"] == 401


def test_browser_session_post_needs_its_csrf_token(
    alliance: Alliance, cohort: Dataset, nora_grant: None
) -> None:
    client = Client(enforce_csrf_checks=True)
    client.force_login(alliance.nora)

    response = client.post(f"{BEACON}/individuals", {"meta": {}}, content_type="application/json")

    assert response.status_code == 403
    assert "CSRF" in response.json()["error"]["errorMessage"]


def test_every_query_is_audited_with_who_what_and_which_dataset(
    alliance: Alliance, cohort: Dataset, nora_grant: None, client_for: BeaconClient
) -> None:
    _get(client_for(alliance.nora), "/individuals", requestedGranularity="record", **LUAD)

    event = AuditEvent.objects.get(action="beacon.query")
    assert event.actor == alliance.nora
    assert event.detail["caller"] == "nora@northern.example"
    assert event.target_id == str(cohort.pk)
    assert event.detail["dataset_id"] == cohort.pk
    assert event.detail["entry_type"] == "individuals"
    assert event.detail["filters"] == ["oncotree:LUAD"]
    assert event.detail["returned_granularity"] == "record"
    assert event.detail["results"] == 1


def test_anonymous_queries_are_audited_too(cohort: Dataset, client_for: BeaconClient) -> None:
    _get(client_for(None), "/g_variants", geneId="KRAS")

    event = AuditEvent.objects.get(action="beacon.query")
    assert event.actor is None
    assert event.detail["caller"] == "anonymous"
    assert event.detail["datasets"] == []
    assert event.detail["request_parameters"] == {"geneId": "KRAS"}


def test_saved_cohort_is_listed_for_its_owner_with_a_size_only_where_allowed(
    alliance: Alliance, cohort: Dataset, client_for: BeaconClient
) -> None:
    from oncobridge.cohorts.services import cohort_save

    kras = {"type": "gene_mutated", "gene": "KRAS"}
    mine = cohort_save(actor=alliance.ivan, name="KRAS carriers", datasets=["ob-cohort"], definition=kras)
    stewards = cohort_save(
        actor=alliance.dana, name="KRAS (steward)", datasets=["ob-cohort"], definition=kras
    )

    ivan = _get(client_for(alliance.ivan), "/cohorts")["response"]["collections"]
    dana = _get(client_for(alliance.dana), f"/cohorts/saved-{stewards.pk}")["response"]["collections"]

    assert [c["id"] for c in ivan] == ["ob-cohort", f"saved-{mine.pk}"]
    assert ivan[1]["cohortType"] == "user-defined"
    assert "cohortSize" not in ivan[1]  # one patient: a small cell without a grant
    assert dana[0]["cohortSize"] == 1
    assert client_for(alliance.nora).get(f"{BEACON}/cohorts/saved-{mine.pk}").status_code == 404


def test_browser_session_post_with_its_csrf_token_is_answered(
    alliance: Alliance, cohort: Dataset, nora_grant: None
) -> None:
    from django.middleware.csrf import _get_new_csrf_string

    client = Client(enforce_csrf_checks=True)
    client.force_login(alliance.nora)
    token = _get_new_csrf_string()
    client.cookies["csrftoken"] = token

    response = client.post(
        f"{BEACON}/individuals",
        {"meta": {"apiVersion": "v2.1.1"}, "query": {"requestedGranularity": "count"}},
        content_type="application/json",
        HTTP_X_CSRFTOKEN=token,
    )

    assert response.status_code == 200
    assert response.json()["responseSummary"] == {"exists": True, "numTotalResults": 4}


def test_request_parameters_can_name_the_datasets_to_query(
    alliance: Alliance, private_dataset: Dataset, bearer_for: Any
) -> None:
    body = {
        "meta": {"apiVersion": "v2.1.1"},
        "query": {
            "requestedGranularity": "record",
            "requestParameters": {
                "datasets": {"datasetIds": ["centre-only"]},
                "g_variant": {"geneId": "BRAF"},
            },
        },
    }

    response = Client().post(
        f"{BEACON}/biosamples", body, content_type="application/json", **bearer_for(alliance.dana)
    )

    [result_set] = response.json()["response"]["resultSets"]
    assert result_set["id"] == "centre-only"
    assert [r["id"] for r in result_set["results"]] == ["centre-only:OB-P004-T1"]


def test_listing_datasets_costs_the_same_queries_however_many_there_are(
    alliance: Alliance, cohort: Dataset, client_for: BeaconClient, django_assert_max_num_queries: Any
) -> None:
    client = client_for(alliance.ivan)
    client.get(f"{BEACON}/datasets")  # warm the session and the vocabularies
    for number in range(3):
        dataset = dataset_create(
            viewer=viewer_for(alliance.dana),
            actor=alliance.dana,
            slug=f"extra-{number}",
            title=f"Extra {number}",
            organisation=alliance.centre,
            duo_codes=("GRU",),
        )
        dataset_import(
            viewer=viewer_for(alliance.dana),
            actor=alliance.dana,
            dataset=dataset,
            source=import_source(maf=FIXTURES / "cohort_mutations.maf.txt"),
        )

    with django_assert_max_num_queries(7):
        response = client.get(f"{BEACON}/datasets")

    assert len(response.json()["response"]["collections"]) == 4


def _queries_for(client: Any, path: str) -> int:
    with CaptureQueriesContext(connection) as captured:
        response = client.get(path)
    assert response.status_code == 200
    return len(captured)


def test_querying_costs_the_same_queries_however_many_datasets_there_are(
    alliance: Alliance, cohort: Dataset, client_for: BeaconClient
) -> None:
    client = client_for(alliance.ivan)
    paths = (f"{BEACON}/individuals?filters=NSCLC", f"{BEACON}/cohorts")
    client.get(paths[0])  # warm the session and the vocabularies
    before = [_queries_for(client, path) for path in paths]
    for number in range(3):
        dataset = dataset_create(
            viewer=viewer_for(alliance.dana),
            actor=alliance.dana,
            slug=f"extra-{number}",
            title=f"Extra {number}",
            organisation=alliance.centre,
            duo_codes=("GRU",),
        )
        dataset_import(
            viewer=viewer_for(alliance.dana),
            actor=alliance.dana,
            dataset=dataset,
            source=import_source(maf=FIXTURES / "cohort_mutations.maf.txt"),
        )

    assert [_queries_for(client, path) for path in paths] == before
