"""The matchmaking API per persona: 401 without credentials, 403 without membership or role, 404 for what
the caller may not see, 200 otherwise."""

from __future__ import annotations

import json
from typing import Any

from django.test import Client

from oncobridge.accounts.models import User
from oncobridge.accounts.services import token_create
from oncobridge.conftest import Alliance
from oncobridge.matching.tests.conftest import Portfolio

API = "/api/v1"


def bearer(user: User) -> dict[str, str]:
    return {"HTTP_AUTHORIZATION": f"Bearer {token_create(user=user).secret}"}


def get(user: User, path: str, **params: Any) -> Any:
    return Client().get(f"{API}{path}", params, **bearer(user))


def post(user: User, path: str, body: Any) -> Any:
    return Client().post(f"{API}{path}", json.dumps(body), content_type="application/json", **bearer(user))


def request_body(portfolio: Portfolio) -> dict[str, Any]:
    return {
        "target_kind": "asset",
        "target_id": portfolio.organoids.pk,
        "from_kind": "need",
        "from_id": portfolio.acme_need.pk,
        "message": "Organoids for our inhibitor",
    }


def test_matches_need_credentials(alliance: Alliance, indexed: Portfolio) -> None:
    response = Client().get(f"{API}/matches", {"text": "lung"})

    assert response.status_code == 401
    assert response["Content-Type"] == "application/problem+json"


def test_matches_need_a_membership(alliance: Alliance, indexed: Portfolio) -> None:
    assert get(alliance.oscar, "/matches", text="lung").status_code == 403


def test_matches_from_an_entry_the_caller_cannot_see_are_not_found(
    alliance: Alliance, indexed: Portfolio
) -> None:
    response = get(alliance.gary, "/matches", from_kind="asset", from_id=indexed.organoids.pk)

    assert response.status_code == 404


def test_matches_come_with_score_parts_and_explanations(alliance: Alliance, indexed: Portfolio) -> None:
    response = get(alliance.paula, "/matches", from_kind="need", from_id=indexed.acme_need.pk, kind="asset")

    assert response.status_code == 200
    body = response.json()
    organoids = next(item for item in body["items"] if item["id"] == indexed.organoids.pk)
    assert organoids["kind"] == "asset"
    assert set(organoids["parts"]) >= {"bm25", "embedding", "cancer_types"}
    assert "Cancer types: NSCLC (you) ⊃ LUAD (them)" in organoids["explanation"]
    assert body["count"] == len(body["items"])


def test_garys_matches_never_count_the_partners_only_asset(alliance: Alliance, indexed: Portfolio) -> None:
    body = get(alliance.gary, "/matches", text="lung adenocarcinoma organoids", limit=50).json()

    assert indexed.organoids.pk not in [item["id"] for item in body["items"] if item["kind"] == "asset"]


def test_a_match_request_without_text_or_entry_is_a_problem(alliance: Alliance, indexed: Portfolio) -> None:
    response = get(alliance.paula, "/matches")

    assert response.status_code == 400
    assert response.json()["field"] == "text"


def test_requesting_an_introduction_answers_201(alliance: Alliance, indexed: Portfolio) -> None:
    response = post(alliance.paula, "/introductions", request_body(indexed))

    assert response.status_code == 201
    assert response.json()["status"] == "requested"


def test_requesting_an_introduction_to_a_hidden_entry_is_not_found(
    alliance: Alliance, indexed: Portfolio
) -> None:
    body = {"target_kind": "asset", "target_id": indexed.organoids.pk, "text": "organoids"}

    assert post(alliance.gary, "/introductions", body).status_code == 404


def test_the_requester_cannot_decide_their_own_introduction(alliance: Alliance, indexed: Portfolio) -> None:
    introduction = post(alliance.paula, "/introductions", request_body(indexed)).json()

    response = post(alliance.paula, f"/introductions/{introduction['id']}/decision", {"approve": True})

    assert response.status_code == 403


def test_an_outsider_to_an_introduction_does_not_find_it(alliance: Alliance, indexed: Portfolio) -> None:
    introduction = post(alliance.paula, "/introductions", request_body(indexed)).json()

    assert (
        post(alliance.gary, f"/introductions/{introduction['id']}/decision", {"approve": True}).status_code
        == 404
    )
    assert get(alliance.gary, f"/introductions/{introduction['id']}").status_code == 404


def test_the_manager_decides_and_a_party_records_the_outcome(alliance: Alliance, indexed: Portfolio) -> None:
    introduction = post(alliance.paula, "/introductions", request_body(indexed)).json()

    decided = post(
        alliance.alice, f"/introductions/{introduction['id']}/decision", {"approve": True, "note": "ok"}
    )
    outcome = post(alliance.ivan, f"/introductions/{introduction['id']}/outcome", {"outcome": "accepted"})

    assert decided.status_code == 200
    assert decided.json()["status"] == "approved"
    assert outcome.status_code == 200
    assert outcome.json()["outcome"] == "accepted"


def test_introduction_lists_show_each_persona_their_own(alliance: Alliance, indexed: Portfolio) -> None:
    post(alliance.paula, "/introductions", request_body(indexed))

    assert get(alliance.paula, "/introductions").json()["count"] == 1
    assert get(alliance.alice, "/introductions").json()["count"] == 1
    assert get(alliance.gary, "/introductions").json()["count"] == 0
    # Not yet approved: the target's side does not see it yet.
    assert get(alliance.ivan, "/introductions").json()["count"] == 0
