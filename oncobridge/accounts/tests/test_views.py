"""Signing in and out, and personal access tokens."""

from __future__ import annotations

import pytest
from django.test import Client
from django.urls import reverse

from oncobridge.accounts.models import PersonalAccessToken, User
from oncobridge.accounts.services import token_authenticate, token_create
from oncobridge.conftest import PASSWORD, Alliance
from oncobridge.core.models import AuditEvent

TOKENS = reverse("accounts:tokens")


def client_for(user: object) -> Client:
    client = Client()
    client.force_login(user)
    return client


def test_login_page_asks_for_an_email_address(db: None) -> None:
    response = Client().get(reverse("accounts:login"))
    assert response.status_code == 200
    assert "Email address" in response.content.decode()
    assert 'type="email"' in response.content.decode()


def test_member_signs_in_with_email_and_password(alliance: Alliance) -> None:
    response = Client().post(
        reverse("accounts:login"), {"username": "ivan@stolaf.example", "password": PASSWORD}
    )
    assert response.status_code == 302
    assert response["Location"] == reverse("portfolio:home")


def test_wrong_password_is_refused_with_a_message(alliance: Alliance) -> None:
    response = Client().post(
        reverse("accounts:login"), {"username": "ivan@stolaf.example", "password": "nope"}
    )
    assert response.status_code == 200
    assert "correct email and password" in response.content.decode().lower()


def test_sign_out_takes_a_post(alliance: Alliance) -> None:
    client = client_for(alliance.ivan)
    assert client.get(reverse("accounts:logout")).status_code == 405
    response = client.post(reverse("accounts:logout"))
    assert response.status_code == 302
    assert client.get(reverse("portfolio:home")).status_code == 302


def test_anonymous_visitor_cannot_open_tokens(db: None) -> None:
    response = Client().get(TOKENS)
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("accounts:login"))


def test_a_new_token_is_shown_once_and_works(alliance: Alliance) -> None:
    client = client_for(alliance.ivan)
    response = client.post(TOKENS, {"name": "Nightly export", "expires_on": ""})
    secret = response.context["issued"].secret
    assert secret in response.content.decode()
    assert token_authenticate(secret=secret) == alliance.ivan
    assert secret not in client.get(TOKENS).content.decode()
    assert "Nightly export" in client.get(TOKENS).content.decode()


def test_an_expiry_in_the_past_is_refused(alliance: Alliance) -> None:
    response = client_for(alliance.ivan).post(TOKENS, {"name": "Old", "expires_on": "2000-01-01"})
    assert response.context["form"].errors["expires_on"] == ["The expiry date is in the past."]
    assert not PersonalAccessToken.objects.filter(user=alliance.ivan).exists()


def test_revoked_token_stops_working(alliance: Alliance) -> None:
    issued = token_create(user=alliance.ivan, name="Script")
    response = client_for(alliance.ivan).post(reverse("accounts:token_revoke", args=[issued.token.pk]))
    assert response.status_code == 302
    assert token_authenticate(secret=issued.secret) is None


def test_nobody_revokes_another_persons_token(alliance: Alliance) -> None:
    issued = token_create(user=alliance.ivan, name="Script")
    response = client_for(alliance.nora).post(reverse("accounts:token_revoke", args=[issued.token.pk]))
    assert response.status_code == 404
    assert token_authenticate(secret=issued.secret) == alliance.ivan


ADMIN_CHANGELISTS = [
    "accounts/organisation",
    "accounts/user",
    "accounts/membership",
    "accounts/personalaccesstoken",
    "collaborations/agreement",
    "core/auditevent",
    "portfolio/investigatorprofile",
    "portfolio/researchasset",
    "portfolio/researchproject",
    "portfolio/partnerprofile",
    "portfolio/partnerneed",
    "portfolio/needresponse",
    "portfolio/searchdocument",
]


@pytest.mark.parametrize("changelist", ADMIN_CHANGELISTS)
def test_admin_lists_every_registered_model(alliance: Alliance, changelist: str) -> None:
    admin_user = User.objects.create_superuser("root@example.org", PASSWORD)
    assert client_for(admin_user).get(f"/admin/{changelist}/").status_code == 200


def test_audit_trail_is_read_only_in_the_admin(alliance: Alliance) -> None:
    admin_user = User.objects.create_superuser("root@example.org", PASSWORD)
    client = client_for(admin_user)
    event = AuditEvent.objects.first()
    assert event is not None
    assert client.get("/admin/core/auditevent/add/").status_code == 403
    assert client.get(f"/admin/core/auditevent/{event.pk}/delete/").status_code == 403
    assert 'name="_save"' not in client.get(f"/admin/core/auditevent/{event.pk}/change/").content.decode()
