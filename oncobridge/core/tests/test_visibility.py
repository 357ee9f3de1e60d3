"""The visibility rule, seen through the personas of the shared alliance fixture."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.contrib.auth.models import AnonymousUser
from django.utils import timezone

from oncobridge.accounts.access import viewer_for
from oncobridge.accounts.models import Organisation, Role, User
from oncobridge.accounts.services import user_create
from oncobridge.collaborations.models import Agreement, AgreementStatus
from oncobridge.conftest import Alliance
from oncobridge.core.visibility import Viewer, Visibility, can_see, visible_q
from oncobridge.portfolio.models import ResearchAsset

PERSONAS = ["alice", "ivan", "dana", "tess", "nora", "paula", "gary", "oscar", "anonymous", "admin"]


def person(alliance: Alliance, name: str) -> Any:
    if name == "anonymous":
        return AnonymousUser()
    if name == "admin":
        return user_create(
            email="admin@stolaf.example", organisation=alliance.centre, role=Role.PLATFORM_ADMIN
        )
    # A fresh instance: viewer_for caches on the user object, and these tests change agreements.
    return User.objects.get(pk=getattr(alliance, name).pk)


def asset(organisation: Organisation, visibility: str, title: str = "") -> ResearchAsset:
    return ResearchAsset.objects.create(
        organisation=organisation,
        kind="dataset",
        title=title or f"{organisation.slug} {visibility} cohort",
        visibility=visibility,
    )


def visible_titles(viewer: Viewer) -> set[str]:
    return set(ResearchAsset.objects.filter(visible_q(viewer)).values_list("title", flat=True))


def cda(alliance: Alliance) -> Agreement:
    return Agreement.objects.get(parties=alliance.acme)


@pytest.mark.parametrize("visibility", Visibility.values)
@pytest.mark.parametrize("persona", PERSONAS)
def test_it_gives_the_same_answer_in_the_database_and_in_memory(
    alliance: Alliance, persona: str, visibility: str
) -> None:
    assets = [
        asset(org, visibility)
        for org in (alliance.centre, alliance.university, alliance.acme, alliance.globex)
    ]
    viewer = viewer_for(person(alliance, persona))

    in_memory = {
        a.title for a in assets if can_see(viewer, organisation_id=a.organisation_id, visibility=a.visibility)
    }

    assert visible_titles(viewer) == in_memory


def test_it_shows_network_items_to_a_company_without_agreement(alliance: Alliance) -> None:
    asset(alliance.centre, Visibility.NETWORK, "Open lung cohort")

    assert visible_titles(viewer_for(alliance.gary)) == {"Open lung cohort"}


def test_it_shows_private_items_to_every_member_of_their_organisation(alliance: Alliance) -> None:
    asset(alliance.centre, Visibility.PRIVATE, "Internal biobank")

    assert visible_titles(viewer_for(alliance.tess)) == {"Internal biobank"}


def test_it_hides_private_items_from_another_alliance_institution(alliance: Alliance) -> None:
    asset(alliance.centre, Visibility.PRIVATE, "Internal biobank")

    assert visible_titles(viewer_for(alliance.nora)) == set()


def test_it_shows_alliance_items_to_another_alliance_institution(alliance: Alliance) -> None:
    asset(alliance.centre, Visibility.ALLIANCE, "Alliance organoids")

    assert visible_titles(viewer_for(alliance.nora)) == {"Alliance organoids"}


def test_it_hides_alliance_items_from_a_cda_partner(alliance: Alliance) -> None:
    asset(alliance.centre, Visibility.ALLIANCE, "Alliance organoids")

    assert visible_titles(viewer_for(alliance.paula)) == set()


def test_it_shows_partners_items_to_a_company_with_an_executed_cda(alliance: Alliance) -> None:
    asset(alliance.centre, Visibility.PARTNERS, "PDX panel under CDA")

    assert visible_titles(viewer_for(alliance.paula)) == {"PDX panel under CDA"}


def test_it_hides_partners_items_from_a_company_without_a_cda(alliance: Alliance) -> None:
    asset(alliance.centre, Visibility.PARTNERS, "PDX panel under CDA")

    assert visible_titles(viewer_for(alliance.gary)) == set()


def test_it_hides_partners_items_of_an_institution_outside_the_cda(alliance: Alliance) -> None:
    asset(alliance.university, Visibility.PARTNERS, "University PDX panel")

    assert visible_titles(viewer_for(alliance.paula)) == set()


@pytest.mark.parametrize("persona", ["oscar", "anonymous"])
def test_it_shows_nothing_at_all_to_people_without_membership(alliance: Alliance, persona: str) -> None:
    for visibility in Visibility.values:
        asset(alliance.centre, visibility)

    assert visible_titles(viewer_for(person(alliance, persona))) == set()


def test_it_shows_everything_to_a_platform_admin(alliance: Alliance) -> None:
    asset(alliance.globex, Visibility.PRIVATE, "Globex internal screen")

    assert visible_titles(viewer_for(person(alliance, "admin"))) == {"Globex internal screen"}


@pytest.mark.parametrize(
    "status",
    [
        AgreementStatus.DRAFT,
        AgreementStatus.IN_NEGOTIATION,
        AgreementStatus.EXPIRED,
        AgreementStatus.TERMINATED,
    ],
)
def test_it_hides_partners_items_while_the_cda_is_not_executed(alliance: Alliance, status: str) -> None:
    asset(alliance.centre, Visibility.PARTNERS, "PDX panel under CDA")
    Agreement.objects.filter(pk=cda(alliance).pk).update(status=status)

    assert visible_titles(viewer_for(person(alliance, "paula"))) == set()


def test_it_hides_partners_items_once_the_cda_has_passed_its_expiry_date(alliance: Alliance) -> None:
    asset(alliance.centre, Visibility.PARTNERS, "PDX panel under CDA")
    yesterday = timezone.localdate() - dt.timedelta(days=1)
    Agreement.objects.filter(pk=cda(alliance).pk).update(
        effective_date=yesterday - dt.timedelta(days=365), expiry_date=yesterday
    )

    assert visible_titles(viewer_for(person(alliance, "paula"))) == set()


def test_it_hides_partners_items_before_the_cda_takes_effect(alliance: Alliance) -> None:
    asset(alliance.centre, Visibility.PARTNERS, "PDX panel under CDA")
    Agreement.objects.filter(pk=cda(alliance).pk).update(
        effective_date=timezone.localdate() + dt.timedelta(days=7)
    )

    assert visible_titles(viewer_for(person(alliance, "paula"))) == set()


def test_it_keeps_network_items_visible_to_a_partner_whose_cda_expired(alliance: Alliance) -> None:
    asset(alliance.centre, Visibility.NETWORK, "Open lung cohort")
    Agreement.objects.filter(pk=cda(alliance).pk).update(status=AgreementStatus.EXPIRED)

    assert visible_titles(viewer_for(person(alliance, "paula"))) == {"Open lung cohort"}
