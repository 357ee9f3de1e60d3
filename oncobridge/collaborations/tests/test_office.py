"""The alliance-office dashboard and agreement pipeline: numbers on built data, and only for managers."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from oncobridge.accounts.access import viewer_for
from oncobridge.accounts.models import User
from oncobridge.collaborations import office
from oncobridge.collaborations.models import Agreement, Project
from oncobridge.collaborations.services import (
    milestone_create,
    programme_create,
    project_create,
    project_member_add,
    project_output_add,
)
from oncobridge.collaborations.tests.conftest import Joint, call, today
from oncobridge.conftest import PASSWORD, Alliance


@dataclass
class Office:
    solo: Project
    kras: Project


def agreement(
    alliance: Alliance,
    title: str,
    kind: str,
    parties: list[Any],
    status: str,
    *,
    opened_days_ago: int,
    executed_days_ago: int | None = None,
    expiry: dt.date | None = None,
) -> Agreement:
    now = timezone.now()
    created = Agreement.objects.create(title=title, kind=kind, status=status, expiry_date=expiry)
    created.parties.set(parties)
    Agreement.objects.filter(pk=created.pk).update(
        created_at=now - dt.timedelta(days=opened_days_ago),
        executed_at=now - dt.timedelta(days=executed_days_ago) if executed_days_ago is not None else None,
    )
    return created


def new_project(alliance: Alliance, title: str, stage: str, **extra: Any) -> Project:
    return project_create(
        viewer=viewer_for(alliance.ivan),
        actor=alliance.ivan,
        organisation=alliance.centre,
        title=title,
        stage=stage,
        **extra,
    )


@pytest.fixture
def built(alliance: Alliance, joint: Joint) -> Office:
    """Three centre projects, milestones around today, agreements at every status, two outputs."""
    programme = programme_create(
        viewer=viewer_for(alliance.alice),
        actor=alliance.alice,
        organisation=alliance.centre,
        title="Lung cancer programme",
        problem_statement="Resistance to EGFR inhibitors.",
    )
    solo = new_project(alliance, "Solo biomarker study", "development")
    kras = new_project(alliance, "KRAS PDX panel", "proof_of_concept", programme=programme)
    project_member_add(actor=alliance.ivan, project=kras, user=alliance.paula, organisation=alliance.acme)
    for title, days, status in [
        ("Ethics approval", -3, "planned"),  # overdue
        ("Cohort frozen", -5, "done"),  # past, but done
        ("Report", 14, "in_progress"),  # due soon, on the edge
        ("Paper draft", 30, "planned"),  # far away
    ]:
        milestone_create(
            actor=alliance.ivan,
            project=solo,
            title=title,
            due_date=today() + dt.timedelta(days=days),
            status=status,
        )
    agreement(alliance, "Globex MTA", "mta", [alliance.centre, alliance.globex], "draft", opened_days_ago=10)
    agreement(
        alliance, "Acme SRA", "sponsored_research", [alliance.centre, alliance.acme], "in_negotiation",
        opened_days_ago=30,
    )  # fmt: skip
    for title, opened, executed, expiry in [
        ("Acme collaboration", 40, 10, today() + dt.timedelta(days=30)),
        ("Acme collaboration 2", 20, 10, today() + dt.timedelta(days=120)),
        ("Acme collaboration 3", 70, 10, None),
    ]:
        agreement(
            alliance, title, "collaboration", [alliance.centre, alliance.acme], "executed",
            opened_days_ago=opened, executed_days_ago=executed, expiry=expiry,
        )  # fmt: skip
    agreement(
        alliance, "Uni / Globex DUA", "data_use", [alliance.university, alliance.globex], "draft",
        opened_days_ago=50,
    )  # fmt: skip
    project_output_add(actor=alliance.ivan, project=joint.project, kind="publication", pmid="31562422")
    project_output_add(actor=alliance.ivan, project=kras, kind="patent", title="KRAS PDX method")
    return Office(solo, kras)


def test_partnerships_are_counted_by_stage(alliance: Alliance, built: Office) -> None:
    board = office.dashboard(viewer=viewer_for(alliance.alice))

    counts = {row.stage: (row.projects, row.partnered) for row in board.stages}
    assert counts == {
        "fundamental_research": (1, 1),
        "proof_of_concept": (1, 1),
        "development": (1, 0),
        "transfer_to_market": (0, 0),
        "patient_care": (0, 0),
    }
    assert board.active_partnerships == 2


def test_milestones_at_risk_are_overdue_or_due_within_14_days_and_not_done(
    alliance: Alliance, built: Office
) -> None:
    board = office.dashboard(viewer=viewer_for(alliance.alice))

    assert [m.title for m in board.overdue] == ["Ethics approval"]
    assert [m.title for m in board.due_soon] == ["Assay validated", "Report"]
    assert board.at_risk == 3


def test_pending_agreements_show_how_long_they_have_been_open(alliance: Alliance, built: Office) -> None:
    board = office.dashboard(viewer=viewer_for(alliance.alice))

    assert [(row.agreement.title, row.days_open) for row in board.pending] == [
        ("Acme SRA", 30),
        ("Globex MTA", 10),
    ]


def test_each_partner_organisation_has_its_projects_stages_agreements_and_outputs(
    alliance: Alliance, built: Office
) -> None:
    board = office.dashboard(viewer=viewer_for(alliance.alice))

    partners = {row.organisation.slug: row for row in board.partners}
    assert set(partners) == {"acme", "globex", "northern-uni"}
    acme = partners["acme"]
    assert [p.title for p in acme.projects] == ["EGFR organoid screen", "KRAS PDX panel"]
    assert acme.stages == {"Fundamental research": 1, "Proof of concept": 1}
    assert acme.agreements == {"Executed": 4, "In negotiation": 1}
    assert acme.outputs == 2
    assert partners["globex"].agreements == {"Draft": 1}
    assert partners["northern-uni"].agreements == {}


def test_outputs_are_listed_per_programme_and_per_partner(alliance: Alliance, built: Office) -> None:
    board = office.dashboard(viewer=viewer_for(alliance.alice))

    assert [(g.label, g.by_kind) for g in board.outputs_by_programme] == [
        ("Lung cancer programme", {"Patent": 1}),
        ("Projects outside a programme", {"Publication": 1}),
    ]
    assert [(g.label, g.by_kind) for g in board.outputs_by_partner] == [
        ("Acme Oncology", {"Publication": 1, "Patent": 1}),
        ("Globex Pharma", {"Publication": 1}),
        ("Northern University", {"Publication": 1}),
    ]


def test_the_dashboard_api_gives_the_same_numbers(alliance: Alliance, built: Office) -> None:
    response = call(alliance.alice, "get", "/office/dashboard")

    assert response.status_code == 200, response.content
    body = response.json()
    assert body["active_partnerships"] == 2
    assert [m["title"] for m in body["overdue"]] == ["Ethics approval"]
    assert [(a["title"], a["days_open"]) for a in body["pending"]] == [("Acme SRA", 30), ("Globex MTA", 10)]


def test_the_dashboard_does_not_grow_queries_with_more_projects(alliance: Alliance, built: Office) -> None:
    with CaptureQueriesContext(connection) as before:
        call(alliance.alice, "get", "/office/dashboard")
    for n in range(3):
        extra = new_project(alliance, f"Extra {n}", "development")
        project_member_add(
            actor=alliance.ivan, project=extra, user=alliance.gary, organisation=alliance.globex
        )
        project_output_add(actor=alliance.ivan, project=extra, kind="dataset", title=f"Data {n}")
        milestone_create(actor=alliance.ivan, project=extra, title="Soon", due_date=today())

    with CaptureQueriesContext(connection) as after:
        call(alliance.alice, "get", "/office/dashboard")

    assert len(after.captured_queries) == len(before.captured_queries)


@pytest.mark.parametrize("persona", ["ivan", "paula", "gary", "tess", "oscar"])
def test_only_alliance_managers_see_the_dashboard_and_pipeline(
    alliance: Alliance, built: Office, persona: str
) -> None:
    user: User = getattr(alliance, persona)

    assert call(user, "get", "/office/dashboard").status_code == 403
    assert call(user, "get", "/office/pipeline").status_code == 403
    client = Client()
    assert client.login(email=user.email, password=PASSWORD)
    assert client.get("/collaborations/office/").status_code == 403
    assert client.get("/collaborations/office/pipeline/").status_code == 403


# The agreement pipeline


def test_the_pipeline_has_a_column_per_status(alliance: Alliance, built: Office) -> None:
    pipeline = office.pipeline(viewer=viewer_for(alliance.alice))

    assert {column.status: len(column.agreements) for column in pipeline.columns} == {
        "draft": 1,
        "in_negotiation": 1,
        "executed": 4,
        "expired": 0,
        "terminated": 0,
    }


def test_time_to_execution_is_the_median_and_mean_days_per_kind(alliance: Alliance, built: Office) -> None:
    pipeline = office.pipeline(viewer=viewer_for(alliance.alice))

    times = {row.kind: (row.executed, row.median_days, row.mean_days) for row in pipeline.execution}
    assert times["collaboration"] == (3, 30.0, 33.3)
    assert times["mta"] == (0, None, None)


def test_the_pipeline_lists_executed_agreements_expiring_within_90_days(
    alliance: Alliance, built: Office
) -> None:
    pipeline = office.pipeline(viewer=viewer_for(alliance.alice))

    assert [a.title for a in pipeline.expiring] == ["Acme collaboration"]
    assert pipeline.days_to_expiry(pipeline.expiring[0]) == 30


def test_the_pipeline_filters_by_kind_and_by_party(alliance: Alliance, built: Office) -> None:
    by_kind = call(alliance.alice, "get", "/office/pipeline", kind="mta").json()
    by_party = call(alliance.alice, "get", "/office/pipeline", party="globex").json()

    assert [a["title"] for column in by_kind["by_status"].values() for a in column] == ["Globex MTA"]
    assert [a["title"] for column in by_party["by_status"].values() for a in column] == ["Globex MTA"]


def test_an_unknown_party_in_the_pipeline_filter_is_a_clear_error(alliance: Alliance, built: Office) -> None:
    response = call(alliance.alice, "get", "/office/pipeline", party="nobody")

    assert response.status_code == 400
    assert response.json()["field"] == "party"


# Pages


def manager() -> Client:
    client = Client()
    assert client.login(email="alice@stolaf.example", password=PASSWORD)
    return client


def test_the_dashboard_page_shows_the_numbers(alliance: Alliance, built: Office) -> None:
    response = manager().get("/collaborations/office/")

    assert response.status_code == 200
    body = response.content.decode()
    assert 'data-testid="stat-at-risk"><span class="stat__value">3</span>' in body
    assert 'data-testid="stat-pending"><span class="stat__value">2</span>' in body
    assert "Ethics approval" in body
    assert "KRAS PDX method" in body
    assert "Uni / Globex DUA" not in body


def test_the_pipeline_page_filters_with_htmx(alliance: Alliance, built: Office) -> None:
    response = manager().get("/collaborations/office/pipeline/?kind=collaboration", HTTP_HX_REQUEST="true")

    assert response.status_code == 200
    body = response.content.decode()
    assert "<html" not in body
    assert "Acme collaboration" in body
    assert "Globex MTA" not in body


def test_a_bad_pipeline_filter_is_named_on_the_page(alliance: Alliance, built: Office) -> None:
    response = manager().get("/collaborations/office/pipeline/?kind=bribe")

    assert response.status_code == 200
    assert "Kind:" in response.content.decode()


def test_the_pipeline_excludes_agreements_of_others(alliance: Alliance, built: Office) -> None:
    pipeline = office.pipeline(viewer=viewer_for(alliance.alice))

    titles = {a.title for column in pipeline.columns for a in column.agreements}
    assert "Uni / Globex DUA" not in titles
