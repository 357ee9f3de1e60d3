"""The accounts API: organisation directory, current user, personal access tokens, authentication."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import pytest
from django.conf import settings
from django.test import Client
from django.utils import timezone

from oncobridge.accounts.access import viewer_for
from oncobridge.accounts.models import User
from oncobridge.accounts.services import token_create, token_revoke
from oncobridge.conftest import Alliance
from oncobridge.core.visibility import Visibility
from oncobridge.portfolio.services import asset_save

API = "/api/v1"


def bearer(user: User) -> dict[str, str]:
    return {"HTTP_AUTHORIZATION": f"Bearer {token_create(user=user).secret}"}


def get(user: User, path: str, **params: Any) -> Any:
    return Client().get(f"{API}{path}", params, **bearer(user))


def test_it_lists_every_organisation_to_a_member(alliance: Alliance) -> None:
    response = get(alliance.gary, "/organisations")
    assert response.status_code == 200
    assert [item["slug"] for item in response.json()["items"]] == [
        "acme",
        "globex",
        "northern-uni",
        "st-olaf",
    ]


def test_it_filters_organisations_by_kind(alliance: Alliance) -> None:
    response = get(alliance.ivan, "/organisations", kind="company")
    assert [item["slug"] for item in response.json()["items"]] == ["acme", "globex"]


def test_it_filters_organisations_by_name(alliance: Alliance) -> None:
    response = get(alliance.ivan, "/organisations", q="olaf")
    assert response.json()["count"] == 1


def test_it_shows_no_organisations_to_an_outsider(alliance: Alliance) -> None:
    response = get(alliance.oscar, "/organisations")
    assert response.json() == {"items": [], "count": 0, "limit": settings.ONCOBRIDGE_PAGE_SIZE, "offset": 0}


def test_it_pages_organisations(alliance: Alliance) -> None:
    body = get(alliance.ivan, "/organisations", limit=2, offset=1).json()
    assert (body["count"], body["limit"], body["offset"], len(body["items"])) == (4, 2, 1, 2)


def test_it_refuses_a_page_larger_than_the_maximum(alliance: Alliance) -> None:
    response = get(alliance.ivan, "/organisations", limit=settings.NINJA_PAGINATION_MAX_LIMIT + 1)
    assert response.status_code == 422


def test_it_rejects_an_unknown_organisation_kind(alliance: Alliance) -> None:
    response = get(alliance.ivan, "/organisations", kind="spaceship")
    assert response.status_code == 422


def test_it_counts_only_the_portfolio_entries_the_caller_may_see(alliance: Alliance) -> None:
    asset_save(
        viewer=viewer_for(alliance.ivan),
        actor=alliance.ivan,
        organisation=alliance.centre,
        kind="organoid",
        title="Confidential organoids",
        visibility=Visibility.PARTNERS,
    )
    paula = get(alliance.paula, "/organisations/st-olaf").json()
    gary = get(alliance.gary, "/organisations/st-olaf").json()
    assert (paula["portfolio_counts"]["asset"], gary["portfolio_counts"]["asset"]) == (1, 0)


def test_it_answers_an_unknown_organisation_with_404(alliance: Alliance) -> None:
    assert get(alliance.ivan, "/organisations/atlantis").status_code == 404


def test_it_refuses_the_organisation_directory_to_an_outsider(alliance: Alliance) -> None:
    assert get(alliance.oscar, "/organisations/st-olaf").status_code == 403


def test_it_describes_the_current_user(alliance: Alliance) -> None:
    body = get(alliance.tess, "/me").json()
    assert (body["email"], body["roles"], body["memberships"][0]["organisation"]) == (
        "tess@stolaf.example",
        ["trainee"],
        "st-olaf",
    )


def test_it_answers_an_anonymous_request_with_a_401_problem(alliance: Alliance) -> None:
    response = Client().get(f"{API}/me")
    assert (response.status_code, response["Content-Type"], response.json()["status"]) == (
        401,
        "application/problem+json",
        401,
    )


def test_it_gives_problem_details_the_rfc_9457_shape(alliance: Alliance) -> None:
    body = Client().get(f"{API}/me").json()
    assert {"type", "title", "status", "detail"} <= body.keys()


def test_it_refuses_a_revoked_token(alliance: Alliance) -> None:
    issued = token_create(user=alliance.ivan)
    token_revoke(token=issued.token, actor=alliance.ivan)
    response = Client().get(f"{API}/me", HTTP_AUTHORIZATION=f"Bearer {issued.secret}")
    assert response.status_code == 401


def test_it_refuses_an_expired_token(alliance: Alliance) -> None:
    issued = token_create(user=alliance.ivan, expires_at=timezone.now() - timedelta(minutes=1))
    response = Client().get(f"{API}/me", HTTP_AUTHORIZATION=f"Bearer {issued.secret}")
    assert response.status_code == 401


def test_it_refuses_a_made_up_token(alliance: Alliance) -> None:
    response = Client().get(f"{API}/me", HTTP_AUTHORIZATION="Bearer obt_not-a-real-token")
    assert response.status_code == 401


def test_it_refuses_the_token_of_a_deactivated_user(alliance: Alliance) -> None:
    headers = bearer(alliance.ivan)
    User.objects.filter(pk=alliance.ivan.pk).update(is_active=False)
    assert Client().get(f"{API}/me", **headers).status_code == 401


def test_it_shows_a_new_token_secret_in_the_creation_response(alliance: Alliance) -> None:
    response = Client().post(
        f"{API}/tokens", {"name": "laptop"}, content_type="application/json", **bearer(alliance.ivan)
    )
    secret = response.json()["secret"]
    assert Client().get(f"{API}/me", HTTP_AUTHORIZATION=f"Bearer {secret}").status_code == 200


def test_it_never_shows_a_token_secret_again(alliance: Alliance) -> None:
    headers = bearer(alliance.ivan)
    secret = (
        Client()
        .post(f"{API}/tokens", {"name": "laptop"}, content_type="application/json", **headers)
        .json()["secret"]
    )
    listing = Client().get(f"{API}/tokens", **headers)
    assert secret not in listing.content.decode() and "secret" not in listing.json()["items"][0]


def test_it_lists_only_the_callers_tokens(alliance: Alliance) -> None:
    token_create(user=alliance.nora, name="nora's")
    names = [item["name"] for item in get(alliance.ivan, "/tokens").json()["items"]]
    assert names == ["API token"]


def test_it_refuses_a_token_expiring_in_the_past(alliance: Alliance) -> None:
    response = Client().post(
        f"{API}/tokens",
        {"name": "old", "expires_at": "2001-01-01T00:00:00Z"},
        content_type="application/json",
        **bearer(alliance.ivan),
    )
    assert response.status_code == 422


def test_it_refuses_an_expiry_without_a_time_zone(alliance: Alliance) -> None:
    response = Client().post(
        f"{API}/tokens",
        {"name": "naive", "expires_at": "2100-01-01T00:00:00"},
        content_type="application/json",
        **bearer(alliance.ivan),
    )
    assert response.status_code == 422


def test_it_revokes_a_token(alliance: Alliance) -> None:
    issued = token_create(user=alliance.ivan)
    Client().delete(f"{API}/tokens/{issued.token.pk}", **bearer(alliance.ivan))
    assert Client().get(f"{API}/me", HTTP_AUTHORIZATION=f"Bearer {issued.secret}").status_code == 401


def test_it_will_not_revoke_someone_elses_token(alliance: Alliance) -> None:
    issued = token_create(user=alliance.nora)
    response = Client().delete(f"{API}/tokens/{issued.token.pk}", **bearer(alliance.ivan))
    assert response.status_code == 404


def test_it_accepts_a_browser_session(alliance: Alliance) -> None:
    client = Client()
    client.force_login(alliance.ivan)
    assert client.get(f"{API}/me").json()["email"] == "ivan@stolaf.example"


def test_it_refuses_a_session_write_without_a_csrf_token(alliance: Alliance) -> None:
    client = Client(enforce_csrf_checks=True)
    client.force_login(alliance.ivan)
    response = client.post(f"{API}/tokens", {"name": "x"}, content_type="application/json")
    assert response.status_code == 403


def test_it_accepts_a_session_write_with_a_csrf_token(alliance: Alliance) -> None:
    client = Client(enforce_csrf_checks=True)
    client.force_login(alliance.ivan)
    client.get(f"{API}/docs")  # any page that renders the CSRF token sets the cookie
    token = client.cookies["csrftoken"].value
    response = client.post(
        f"{API}/tokens", {"name": "x"}, content_type="application/json", HTTP_X_CSRFTOKEN=token
    )
    assert response.status_code == 201


def test_it_serves_the_openapi_schema(db: None) -> None:
    response = Client().get(f"{API}/openapi.json")
    assert "/api/v1/search" in response.json()["paths"]


def test_it_serves_the_interactive_docs(db: None) -> None:
    assert Client().get(f"{API}/docs").status_code == 200


@pytest.mark.skipif(
    "ninja" not in settings.INSTALLED_APPS, reason="offline docs need 'ninja' in INSTALLED_APPS"
)
def test_it_serves_the_interactive_docs_without_a_cdn(db: None) -> None:
    page = Client().get(f"{API}/docs").content.decode()
    assert "/static/ninja/swagger-ui-bundle.js" in page and "cdn." not in page


def test_a_missing_request_body_is_a_422_that_names_the_body(alliance: Alliance) -> None:
    response = Client().generic("POST", f"{API}/tokens", **bearer(alliance.nora))

    assert response.status_code == 422
    assert response.json()["errors"] == [{"field": "body", "message": "Field required"}]
