"""Who sees and changes a joint project and its documents, persona by persona, through the API."""

from __future__ import annotations

import datetime as dt

import pytest

from oncobridge.collaborations.models import Agreement, AgreementKind, AgreementStatus, Project
from oncobridge.collaborations.tests.conftest import Joint, call, today
from oncobridge.conftest import Alliance


@pytest.mark.parametrize(
    ("persona", "status"),
    [
        ("ivan", 200),  # lead
        ("alice", 200),  # alliance manager of the owning organisation
        ("tess", 200),  # owning organisation, not on the project
        ("paula", 200),  # member from Acme
        ("gary", 200),  # member from Globex
        ("nora", 200),  # member from the university
        ("oscar", 404),  # no membership anywhere
    ],
)
def test_project_members_and_the_owning_organisation_see_the_project(
    alliance: Alliance, joint: Joint, persona: str, status: int
) -> None:
    response = call(getattr(alliance, persona), "get", f"/joint-projects/{joint.project.pk}")

    assert response.status_code == status


def test_a_project_is_missing_for_a_colleague_of_a_partner_who_is_not_on_it(
    alliance: Alliance, joint: Joint
) -> None:
    joint.project.members.filter(user=alliance.nora).delete()

    response = call(alliance.nora, "get", f"/joint-projects/{joint.project.pk}")

    assert response.status_code == 404
    assert response["Content-Type"] == "application/problem+json"


def test_the_project_list_shows_only_visible_projects(alliance: Alliance, joint: Joint) -> None:
    seen = call(alliance.paula, "get", "/joint-projects").json()
    unseen = call(alliance.oscar, "get", "/joint-projects").json()

    assert [item["title"] for item in seen["items"]] == ["EGFR organoid screen"]
    assert unseen == {"items": [], "count": 0, "limit": unseen["limit"], "offset": 0}


@pytest.mark.parametrize(
    ("persona", "status"),
    [
        ("ivan", 201),  # lead
        ("alice", 201),  # alliance manager of the owning organisation
        ("tess", 403),  # sees the project but has no lead role
        ("paula", 403),  # plain member
        ("oscar", 404),  # cannot even see it
    ],
)
def test_leads_and_the_owning_organisations_managers_add_milestones(
    alliance: Alliance, joint: Joint, persona: str, status: int
) -> None:
    response = call(
        getattr(alliance, persona),
        "post",
        f"/joint-projects/{joint.project.pk}/milestones",
        {"title": "Report", "due_date": "2030-01-31"},
    )

    assert response.status_code == status


def test_a_member_promoted_to_lead_may_edit(alliance: Alliance, joint: Joint) -> None:
    call(
        alliance.ivan,
        "put",
        f"/joint-projects/{joint.project.pk}/members",
        {"user_id": alliance.paula.pk, "organisation": "acme", "role": "lead"},
    )

    response = call(
        alliance.paula,
        "post",
        f"/joint-projects/{joint.project.pk}/milestones",
        {"title": "Compound shipped", "due_date": "2030-01-31"},
    )

    assert response.status_code == 201


def titles(persona: object, joint: Joint) -> list[str]:
    response = call(persona, "get", f"/joint-projects/{joint.project.pk}/documents")
    return sorted(document["title"] for document in response.json())


def test_a_partner_under_an_executed_cda_sees_the_confidential_document(
    alliance: Alliance, joint: Joint
) -> None:
    assert titles(alliance.paula, joint) == ["Screening protocol", "Term sheet"]


def test_a_partner_without_a_cda_sees_only_internal_documents(alliance: Alliance, joint: Joint) -> None:
    assert titles(alliance.gary, joint) == ["Screening protocol"]


def test_a_partner_without_a_cda_cannot_download_the_confidential_document(
    alliance: Alliance, joint: Joint
) -> None:
    path = f"/joint-projects/{joint.project.pk}/documents/{joint.term_sheet.pk}/download"

    assert call(alliance.gary, "get", path).status_code == 404
    assert call(alliance.paula, "get", path).status_code == 200


def test_the_confidential_document_closes_when_the_cda_expires(alliance: Alliance, joint: Joint) -> None:
    Agreement.objects.filter(kind=AgreementKind.CDA, parties=alliance.acme).update(
        effective_date=today() - dt.timedelta(days=365), expiry_date=today() - dt.timedelta(days=1)
    )
    path = f"/joint-projects/{joint.project.pk}/documents/{joint.term_sheet.pk}/download"

    assert titles(alliance.paula, joint) == ["Screening protocol"]
    assert call(alliance.paula, "get", path).status_code == 404


def executed_globex_cda(alliance: Alliance, project: Project | None) -> Agreement:
    cda = Agreement.objects.create(
        title="Globex CDA", kind=AgreementKind.CDA, status=AgreementStatus.EXECUTED, project=project
    )
    cda.parties.set([alliance.centre, alliance.globex])
    return cda


def test_a_cda_tied_to_the_project_opens_its_confidential_document_to_the_partner(
    alliance: Alliance, joint: Joint
) -> None:
    executed_globex_cda(alliance, joint.project)

    assert titles(alliance.gary, joint) == ["Screening protocol", "Term sheet"]


def test_a_cda_tied_to_another_project_keeps_this_projects_confidential_document_closed(
    alliance: Alliance, joint: Joint
) -> None:
    other = Project.objects.create(organisation=alliance.centre, title="Another screen")
    executed_globex_cda(alliance, other)
    path = f"/joint-projects/{joint.project.pk}/documents/{joint.term_sheet.pk}/download"

    assert titles(alliance.gary, joint) == ["Screening protocol"]
    assert call(alliance.gary, "get", path).status_code == 404


def test_a_cda_tied_to_another_project_keeps_confidential_entries_out_of_the_partners_feed(
    alliance: Alliance, joint: Joint
) -> None:
    executed_globex_cda(alliance, Project.objects.create(organisation=alliance.centre, title="Another"))

    feed = call(alliance.gary, "get", f"/joint-projects/{joint.project.pk}/activity").json()["items"]

    assert not any("Term sheet" in entry["summary"] for entry in feed)


def test_the_owning_organisation_sees_confidential_documents_without_a_cda(
    alliance: Alliance, joint: Joint
) -> None:
    assert titles(alliance.tess, joint) == ["Screening protocol", "Term sheet"]


def test_an_outsider_cannot_download_any_document(alliance: Alliance, joint: Joint) -> None:
    path = f"/joint-projects/{joint.project.pk}/documents/{joint.protocol.pk}/download"

    assert call(alliance.oscar, "get", path).status_code == 404


def test_an_agreement_is_missing_for_a_non_party(alliance: Alliance) -> None:
    cda = Agreement.objects.get(kind=AgreementKind.CDA, parties=alliance.acme)

    assert call(alliance.paula, "get", f"/agreements/{cda.pk}").status_code == 200
    assert call(alliance.gary, "get", f"/agreements/{cda.pk}").status_code == 404
    assert call(alliance.nora, "get", f"/agreements/{cda.pk}").status_code == 404
