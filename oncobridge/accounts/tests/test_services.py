"""Organisations, people and personal access tokens."""

from __future__ import annotations

import datetime as dt
import hashlib

import pytest
from django.utils import timezone

from oncobridge.accounts.models import Membership, Organisation, PersonalAccessToken, Role, User
from oncobridge.accounts.services import (
    organisation_create,
    token_authenticate,
    token_create,
    token_revoke,
    user_create,
)
from oncobridge.conftest import Alliance
from oncobridge.core.errors import Conflict, ServiceError
from oncobridge.core.models import AuditEvent

pytestmark = pytest.mark.django_db


def last_event(action: str) -> AuditEvent:
    return AuditEvent.objects.filter(action=action).latest("id")


# --- organisations --------------------------------------------------------------------------------------


@pytest.mark.parametrize("slug", ["St Olaf", "st_olaf!", "", "ST-OLAF"])
def test_it_refuses_an_organisation_slug_that_is_not_a_slug(slug: str) -> None:
    with pytest.raises(ServiceError) as refused:
        organisation_create(slug=slug, name="St Olaf", kind="academic")

    assert refused.value.field == "slug"


def test_it_refuses_an_unknown_organisation_kind() -> None:
    with pytest.raises(ServiceError) as refused:
        organisation_create(slug="st-olaf", name="St Olaf", kind="university")

    assert refused.value.field == "kind"


def test_it_refuses_an_organisation_without_a_name() -> None:
    with pytest.raises(ServiceError) as refused:
        organisation_create(slug="st-olaf", name="   ", kind="academic")

    assert refused.value.field == "name"


def test_it_refuses_a_second_organisation_with_the_same_slug() -> None:
    organisation_create(slug="st-olaf", name="St Olaf", kind="academic")

    with pytest.raises(Conflict):
        organisation_create(slug="st-olaf", name="Another St Olaf", kind="hospital")
    assert Organisation.objects.filter(slug="st-olaf").count() == 1


def test_it_makes_academic_institutions_alliance_members_by_default() -> None:
    organisation = organisation_create(slug="st-olaf", name="St Olaf", kind="academic")

    assert organisation.alliance_member


def test_it_makes_companies_partners_rather_than_alliance_members_by_default() -> None:
    organisation = organisation_create(slug="acme", name="Acme", kind="company")

    assert not organisation.alliance_member


def test_it_records_who_created_an_organisation(alliance: Alliance) -> None:
    organisation = organisation_create(slug="initech", name="Initech", kind="company", actor=alliance.alice)

    event = last_event("organisation.create")
    assert (event.actor_label, event.target_id) == ("alice@stolaf.example", str(organisation.pk))


# --- people ---------------------------------------------------------------------------------------------


@pytest.mark.parametrize("email", ["not-an-address", "", "bob@", "bob@@stolaf.example"])
def test_it_refuses_an_invalid_email_address(alliance: Alliance, email: str) -> None:
    with pytest.raises(ServiceError) as refused:
        user_create(email=email, organisation=alliance.centre, role=Role.INVESTIGATOR)

    assert refused.value.field == "email"


def test_it_refuses_an_unknown_role(alliance: Alliance) -> None:
    with pytest.raises(ServiceError) as refused:
        user_create(email="bob@stolaf.example", organisation=alliance.centre, role="professor")

    assert refused.value.field == "role"


def test_it_refuses_a_second_account_for_the_same_address_in_another_case(alliance: Alliance) -> None:
    with pytest.raises(Conflict) as refused:
        user_create(email=" Alice@StOlaf.example ", organisation=alliance.university, role=Role.INVESTIGATOR)

    assert refused.value.field == "email"
    assert User.objects.filter(email__iexact="alice@stolaf.example").count() == 1


def test_it_refuses_a_weak_password(alliance: Alliance) -> None:
    with pytest.raises(ServiceError) as refused:
        user_create(
            email="bob@stolaf.example", organisation=alliance.centre, role=Role.TRAINEE, password="123"
        )

    assert refused.value.field == "password"
    assert not User.objects.filter(email="bob@stolaf.example").exists()


def test_it_stores_the_email_address_in_lower_case(alliance: Alliance) -> None:
    user = user_create(email="Bob@StOlaf.Example", organisation=alliance.centre, role=Role.TRAINEE)

    assert user.email == "bob@stolaf.example"


def test_it_gives_a_new_person_their_first_membership(alliance: Alliance) -> None:
    user = user_create(email="bob@stolaf.example", organisation=alliance.centre, role=Role.DATA_STEWARD)

    assert list(Membership.objects.filter(user=user).values_list("organisation__slug", "role")) == [
        ("st-olaf", Role.DATA_STEWARD)
    ]


def test_it_creates_an_account_without_password_that_cannot_log_in_with_one(alliance: Alliance) -> None:
    user = user_create(email="bob@stolaf.example", organisation=alliance.centre, role=Role.TRAINEE)

    assert not user.has_usable_password()


def test_it_records_who_created_a_person(alliance: Alliance) -> None:
    user = user_create(
        email="bob@stolaf.example", organisation=alliance.centre, role=Role.TRAINEE, actor=alliance.alice
    )

    event = last_event("user.create")
    assert (event.actor_label, event.target_id, event.detail["role"]) == (
        "alice@stolaf.example",
        str(user.pk),
        Role.TRAINEE,
    )


# --- personal access tokens -----------------------------------------------------------------------------


def test_it_stores_only_a_digest_of_a_new_token(alliance: Alliance) -> None:
    issued = token_create(user=alliance.ivan, name="Notebook")

    stored = PersonalAccessToken.objects.get(pk=issued.token.pk)
    assert stored.digest == hashlib.sha256(issued.secret.encode()).hexdigest()
    assert issued.secret not in {stored.digest, stored.prefix, stored.name}


def test_it_authenticates_the_owner_of_a_token(alliance: Alliance) -> None:
    issued = token_create(user=alliance.ivan)

    assert token_authenticate(secret=issued.secret) == alliance.ivan


def test_it_records_when_a_token_was_last_used(alliance: Alliance) -> None:
    issued = token_create(user=alliance.ivan)

    token_authenticate(secret=issued.secret)

    assert PersonalAccessToken.objects.get(pk=issued.token.pk).last_used_at is not None


@pytest.mark.parametrize("secret", ["", "obt_not-a-real-token", "Bearer obt_x", "some-other-scheme"])
def test_it_authenticates_nobody_with_an_unknown_token(alliance: Alliance, secret: str) -> None:
    token_create(user=alliance.ivan)

    assert token_authenticate(secret=secret) is None


def test_it_stops_authenticating_a_revoked_token(alliance: Alliance) -> None:
    issued = token_create(user=alliance.ivan)

    token_revoke(token=issued.token, actor=alliance.ivan)

    assert token_authenticate(secret=issued.secret) is None


def test_it_stops_authenticating_an_expired_token(alliance: Alliance) -> None:
    issued = token_create(user=alliance.ivan, expires_at=timezone.now() - dt.timedelta(seconds=1))

    assert token_authenticate(secret=issued.secret) is None


def test_it_still_authenticates_a_token_before_its_expiry(alliance: Alliance) -> None:
    issued = token_create(user=alliance.ivan, expires_at=timezone.now() + dt.timedelta(days=30))

    assert token_authenticate(secret=issued.secret) == alliance.ivan


def test_it_stops_authenticating_the_token_of_a_deactivated_person(alliance: Alliance) -> None:
    issued = token_create(user=alliance.ivan)
    User.objects.filter(pk=alliance.ivan.pk).update(is_active=False)

    assert token_authenticate(secret=issued.secret) is None


def test_it_refuses_a_token_for_a_deactivated_person(alliance: Alliance) -> None:
    alliance.ivan.is_active = False
    alliance.ivan.save()

    with pytest.raises(ServiceError):
        token_create(user=alliance.ivan)
    assert not PersonalAccessToken.objects.filter(user=alliance.ivan).exists()


def test_it_records_the_issue_of_a_token(alliance: Alliance) -> None:
    issued = token_create(user=alliance.ivan)

    event = last_event("token.create")
    assert (event.actor_label, event.target_id) == ("ivan@stolaf.example", str(issued.token.pk))


def test_it_records_a_revocation_once_however_often_it_is_asked(alliance: Alliance) -> None:
    issued = token_create(user=alliance.ivan)

    token_revoke(token=issued.token, actor=alliance.alice)
    token_revoke(token=issued.token, actor=alliance.alice)

    events = AuditEvent.objects.filter(action="token.revoke", target_id=str(issued.token.pk))
    assert [event.actor_label for event in events] == ["alice@stolaf.example"]
