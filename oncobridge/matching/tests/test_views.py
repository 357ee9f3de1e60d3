"""The HTML side: Find partners, requesting an introduction, notifications and the report."""

from __future__ import annotations

from django.test import Client

from oncobridge.accounts.models import User
from oncobridge.conftest import Alliance
from oncobridge.matching.models import Introduction
from oncobridge.matching.tests.conftest import Portfolio


def client_for(user: User) -> Client:
    client = Client()
    client.force_login(user)
    return client


def test_find_partners_from_a_need_shows_explained_matches(alliance: Alliance, indexed: Portfolio) -> None:
    response = client_for(alliance.paula).get("/matching/", {"from": f"need:{indexed.acme_need.pk}"})

    assert response.status_code == 200
    assert "NSCLC (you) ⊃ LUAD (them)" in response.content.decode()
    assert "Request introduction" in response.content.decode()


def test_find_partners_never_shows_gary_the_partners_only_asset(
    alliance: Alliance, indexed: Portfolio
) -> None:
    response = client_for(alliance.gary).get("/matching/", {"text": "lung adenocarcinoma organoid biobank"})

    assert response.status_code == 200
    assert indexed.organoids.title not in response.content.decode()


def test_the_request_button_files_an_introduction(alliance: Alliance, indexed: Portfolio) -> None:
    response = client_for(alliance.paula).post(
        "/matching/introductions/new/",
        {
            "target": f"asset:{indexed.organoids.pk}",
            "source": f"need:{indexed.acme_need.pk}",
            "message": "Hi",
        },
    )

    introduction = Introduction.objects.get()
    assert response.status_code == 302
    assert response["Location"] == f"/matching/introductions/{introduction.pk}/"


def test_the_manager_sees_the_unread_count_and_decides_in_the_browser(
    alliance: Alliance, indexed: Portfolio
) -> None:
    client_for(alliance.paula).post(
        "/matching/introductions/new/", {"target": f"asset:{indexed.organoids.pk}", "text": "organoids"}
    )
    alice = client_for(alliance.alice)
    introduction = Introduction.objects.get()

    badge = alice.get("/matching/notifications/badge/").content.decode()
    alice.post(f"/matching/introductions/{introduction.pk}/decision/", {"decision": "approve", "note": "ok"})

    assert '<span class="count" aria-label="1 unread">1</span>' in badge
    introduction.refresh_from_db()
    assert introduction.status == "approved"


def test_the_report_is_for_alliance_managers(alliance: Alliance, indexed: Portfolio) -> None:
    assert client_for(alliance.alice).get("/matching/report/").status_code == 200
    assert client_for(alliance.paula).get("/matching/report/").status_code == 403


def test_a_portfolio_entry_id_that_is_not_ascii_digits_is_a_form_error_not_a_500(
    alliance: Alliance, indexed: Portfolio
) -> None:
    for source in ("need:²", "need:" + "9" * 25):
        response = client_for(alliance.paula).get("/matching/", {"from": source})

        assert response.status_code == 200
        assert "is not a portfolio entry" in response.content.decode()
