"""Which organisations are confidentiality partners: the agreements that open PARTNERS items and, per
project, confidential documents (a master CDA covers every project, a project's CDA only that one)."""

from __future__ import annotations

import datetime as dt

import pytest
from django.utils import timezone

from oncobridge.collaborations.models import Agreement, AgreementKind, AgreementStatus, Project
from oncobridge.collaborations.selectors import cda_partner_ids
from oncobridge.conftest import Alliance


def today() -> dt.date:
    return timezone.localdate()


def the_cda(alliance: Alliance) -> Agreement:
    return Agreement.objects.get(parties=alliance.acme, kind=AgreementKind.CDA)


def test_it_names_the_other_party_of_an_executed_cda(alliance: Alliance) -> None:
    assert cda_partner_ids(organisation_ids=[alliance.acme.pk]) == {alliance.centre.pk}


def test_it_works_in_both_directions(alliance: Alliance) -> None:
    assert cda_partner_ids(organisation_ids=[alliance.centre.pk]) == {alliance.acme.pk}


def test_it_names_no_partner_for_an_organisation_without_a_cda(alliance: Alliance) -> None:
    assert cda_partner_ids(organisation_ids=[alliance.globex.pk]) == frozenset()


def test_it_names_no_partner_for_nobody(alliance: Alliance) -> None:
    assert cda_partner_ids(organisation_ids=[]) == frozenset()


@pytest.mark.parametrize(
    "status",
    [
        AgreementStatus.DRAFT,
        AgreementStatus.IN_NEGOTIATION,
        AgreementStatus.EXPIRED,
        AgreementStatus.TERMINATED,
    ],
)
def test_it_ignores_a_cda_that_is_not_executed(alliance: Alliance, status: str) -> None:
    Agreement.objects.filter(pk=the_cda(alliance).pk).update(status=status)

    assert cda_partner_ids(organisation_ids=[alliance.acme.pk]) == frozenset()


def test_it_ignores_an_executed_cda_past_its_expiry_date(alliance: Alliance) -> None:
    Agreement.objects.filter(pk=the_cda(alliance).pk).update(
        effective_date=today() - dt.timedelta(days=400), expiry_date=today() - dt.timedelta(days=1)
    )

    assert cda_partner_ids(organisation_ids=[alliance.acme.pk]) == frozenset()


def test_it_honours_a_cda_on_its_last_day(alliance: Alliance) -> None:
    Agreement.objects.filter(pk=the_cda(alliance).pk).update(expiry_date=today())

    assert cda_partner_ids(organisation_ids=[alliance.acme.pk]) == {alliance.centre.pk}


def test_it_ignores_an_executed_cda_that_has_not_yet_taken_effect(alliance: Alliance) -> None:
    Agreement.objects.filter(pk=the_cda(alliance).pk).update(effective_date=today() + dt.timedelta(days=1))

    assert cda_partner_ids(organisation_ids=[alliance.acme.pk]) == frozenset()


def test_it_ignores_other_kinds_of_agreement(alliance: Alliance) -> None:
    mta = Agreement.objects.create(
        title="Globex MTA", kind=AgreementKind.MTA, status=AgreementStatus.EXECUTED
    )
    mta.parties.set([alliance.centre, alliance.globex])

    assert cda_partner_ids(organisation_ids=[alliance.globex.pk]) == frozenset()


def test_it_names_every_other_party_of_a_multi_party_cda(alliance: Alliance) -> None:
    three_way = Agreement.objects.create(
        title="Consortium CDA", kind=AgreementKind.CDA, status=AgreementStatus.EXECUTED
    )
    three_way.parties.set([alliance.globex, alliance.university, alliance.centre])

    assert cda_partner_ids(organisation_ids=[alliance.globex.pk]) == {
        alliance.university.pk,
        alliance.centre.pk,
    }


def project_cda(alliance: Alliance, project: Project) -> Agreement:
    cda = Agreement.objects.create(
        title="Globex CDA for one project",
        kind=AgreementKind.CDA,
        status=AgreementStatus.EXECUTED,
        project=project,
    )
    cda.parties.set([alliance.centre, alliance.globex])
    return cda


def centre_project(alliance: Alliance, title: str) -> Project:
    return Project.objects.create(organisation=alliance.centre, title=title)


def test_a_project_cda_names_its_partner_for_that_project(alliance: Alliance) -> None:
    screen = centre_project(alliance, "Screen")
    project_cda(alliance, screen)

    assert cda_partner_ids(organisation_ids=[alliance.globex.pk], project_id=screen.pk) == {
        alliance.centre.pk
    }


def test_a_project_cda_names_no_partner_for_another_project(alliance: Alliance) -> None:
    project_cda(alliance, centre_project(alliance, "Screen"))
    other = centre_project(alliance, "Trial")

    assert cda_partner_ids(organisation_ids=[alliance.globex.pk], project_id=other.pk) == frozenset()


def test_a_project_cda_opens_no_partners_under_cda_portfolio_entries(alliance: Alliance) -> None:
    project_cda(alliance, centre_project(alliance, "Screen"))

    assert cda_partner_ids(organisation_ids=[alliance.globex.pk]) == frozenset()


def test_a_master_cda_names_its_partner_for_every_project(alliance: Alliance) -> None:
    trial = centre_project(alliance, "Trial")

    assert cda_partner_ids(organisation_ids=[alliance.acme.pk], project_id=trial.pk) == {alliance.centre.pk}
