"""Publications (by PubMed id) and other outcomes of a project: API, the project's section, who may."""

from __future__ import annotations

import pytest
from django.template.loader import render_to_string
from django.test import Client

from oncobridge.collaborations.models import OutputKind, ProjectOutput
from oncobridge.collaborations.tests.conftest import Joint, call
from oncobridge.conftest import PASSWORD, Alliance
from oncobridge.core.models import AuditEvent

HTMX = {"HTTP_HX_REQUEST": "true"}


def publications(joint: Joint) -> str:
    return f"/joint-projects/{joint.project.pk}/publications"


def outcomes(joint: Joint) -> str:
    return f"/joint-projects/{joint.project.pk}/outcomes"


def signed_in(user: object) -> Client:
    client = Client()
    assert client.login(email=user.email, password=PASSWORD)  # type: ignore[attr-defined]
    return client


def page(joint: Joint) -> str:
    return f"/collaborations/projects/{joint.project.pk}/outcomes/"


def test_a_project_lead_adds_a_publication_by_pubmed_id(alliance: Alliance, joint: Joint) -> None:
    response = call(
        alliance.ivan,
        "post",
        publications(joint),
        {"pmid": "PMID: 31562422", "title": "Organoids predict EGFR response", "year": 2019},
    )

    assert response.status_code == 201, response.content
    listed = call(alliance.paula, "get", publications(joint)).json()["items"]
    assert [(p["pmid"], p["pubmed_url"]) for p in listed] == [
        ("31562422", "https://pubmed.ncbi.nlm.nih.gov/31562422/")
    ]


@pytest.mark.parametrize("pmid", ["abc", "12a4", "0", "1234567890123", "\uff13\uff11\uff15"])
def test_a_pubmed_id_that_is_not_a_positive_number_is_refused_naming_the_field(
    alliance: Alliance, joint: Joint, pmid: str
) -> None:
    response = call(alliance.ivan, "post", publications(joint), {"pmid": pmid})

    assert response.status_code == 400
    assert response.json()["field"] == "pmid"
    assert not ProjectOutput.objects.exists()


def test_the_same_pubmed_id_is_recorded_once_per_project(alliance: Alliance, joint: Joint) -> None:
    call(alliance.ivan, "post", publications(joint), {"pmid": "31562422"})

    again = call(alliance.alice, "post", publications(joint), {"pmid": "031562422"})

    assert again.status_code == 409
    assert ProjectOutput.objects.count() == 1


def test_an_implausible_year_is_refused(alliance: Alliance, joint: Joint) -> None:
    response = call(alliance.ivan, "post", publications(joint), {"pmid": "1", "year": 3025})

    assert response.status_code == 400
    assert response.json()["field"] == "year"


def test_outcomes_are_listed_apart_from_publications(alliance: Alliance, joint: Joint) -> None:
    call(alliance.ivan, "post", publications(joint), {"pmid": "31562422"})
    created = call(
        alliance.ivan,
        "post",
        outcomes(joint),
        {"kind": "clinical_trial", "title": "Phase I of EGFRi-7", "reference": "NCT01234567"},
    )

    assert created.status_code == 201, created.content
    listed = call(alliance.gary, "get", outcomes(joint)).json()["items"]
    assert [(o["kind"], o["reference"], o["pmid"]) for o in listed] == [
        ("clinical_trial", "NCT01234567", None)
    ]


def test_an_outcome_needs_a_title(alliance: Alliance, joint: Joint) -> None:
    response = call(alliance.ivan, "post", outcomes(joint), {"kind": "patent", "title": ""})

    assert response.status_code == 422


def test_a_partner_member_sees_outputs_but_cannot_add_them(alliance: Alliance, joint: Joint) -> None:
    response = call(alliance.paula, "post", publications(joint), {"pmid": "31562422"})

    assert response.status_code == 403
    assert call(alliance.paula, "get", publications(joint)).status_code == 200


def test_an_outsider_cannot_see_outputs(alliance: Alliance, joint: Joint) -> None:
    assert call(alliance.oscar, "get", publications(joint)).status_code == 404
    assert call(alliance.oscar, "post", outcomes(joint), {"kind": "patent", "title": "X"}).status_code == 404


def test_the_alliance_manager_removes_an_output_and_it_is_audited(alliance: Alliance, joint: Joint) -> None:
    output = call(alliance.ivan, "post", publications(joint), {"pmid": "31562422"}).json()

    response = call(alliance.alice, "delete", f"{publications(joint)}/{output['id']}")

    assert response.status_code == 204
    assert not ProjectOutput.objects.exists()
    assert AuditEvent.objects.filter(action="output.remove", actor=alliance.alice).exists()


def test_a_publication_is_not_removed_through_the_outcomes_endpoint(alliance: Alliance, joint: Joint) -> None:
    output = call(alliance.ivan, "post", publications(joint), {"pmid": "31562422"}).json()

    response = call(alliance.ivan, "delete", f"{outcomes(joint)}/{output['id']}")

    assert response.status_code == 404
    assert ProjectOutput.objects.filter(pk=output["id"]).exists()


# The project's section (HTML, htmx)


def test_the_outcomes_section_records_a_publication_through_htmx(alliance: Alliance, joint: Joint) -> None:
    response = signed_in(alliance.ivan).post(
        page(joint), {"kind": "publication", "pmid": "31562422", "title": "Organoid screen"}, **HTMX
    )

    assert response.status_code == 200
    body = response.content.decode()
    assert 'id="project-outcomes"' in body
    assert "PMID 31562422" in body
    assert "<html" not in body
    assert ProjectOutput.objects.get().kind == OutputKind.PUBLICATION


def test_a_bad_pubmed_id_in_the_form_is_shown_next_to_the_field(alliance: Alliance, joint: Joint) -> None:
    response = signed_in(alliance.ivan).post(page(joint), {"kind": "publication", "pmid": "abc"}, **HTMX)

    assert response.status_code == 200  # htmx swaps only successful responses
    body = response.content.decode()
    assert "field--error" in body
    assert "is not a PubMed id" in body
    assert not ProjectOutput.objects.exists()


def test_a_bad_pubmed_id_posted_without_htmx_is_a_400_page(alliance: Alliance, joint: Joint) -> None:
    response = signed_in(alliance.ivan).post(page(joint), {"kind": "publication", "pmid": "12x"})

    assert response.status_code == 400
    assert "is not a PubMed id" in response.content.decode()
    assert "<html" in response.content.decode()


def test_the_outcomes_page_shows_no_form_to_a_partner(alliance: Alliance, joint: Joint) -> None:
    response = signed_in(alliance.gary).get(page(joint))

    assert response.status_code == 200
    assert "Record an output" not in response.content.decode()
    assert signed_in(alliance.gary).post(page(joint), {"kind": "patent", "title": "X"}).status_code == 403


def test_an_outsider_gets_no_outcomes_page(alliance: Alliance, joint: Joint) -> None:
    assert signed_in(alliance.oscar).get(page(joint)).status_code == 403


def test_a_member_of_another_organisation_outside_the_project_gets_404(
    alliance: Alliance, joint: Joint
) -> None:
    joint.project.members.filter(user=alliance.nora).delete()

    assert signed_in(alliance.nora).get(page(joint)).status_code == 404


def test_removing_an_output_from_the_section_returns_the_section(alliance: Alliance, joint: Joint) -> None:
    output = call(alliance.ivan, "post", outcomes(joint), {"kind": "patent", "title": "EP 3 456 789"}).json()

    response = signed_in(alliance.alice).post(f"{page(joint)}{output['id']}/remove/", **HTMX)

    assert response.status_code == 200
    assert "No publications or outcomes recorded yet." in response.content.decode()


def test_the_section_included_with_only_the_project_loads_itself(alliance: Alliance, joint: Joint) -> None:
    outcomes_html = render_to_string(
        "collaborations/office/project_outcomes.html", {"project": joint.project}
    )
    activity_html = render_to_string("collaborations/office/activity.html", {"project": joint.project})

    assert (
        f'hx-get="/collaborations/projects/{joint.project.pk}/outcomes/" hx-trigger="load"' in outcomes_html
    )
    assert (
        f'hx-get="/collaborations/projects/{joint.project.pk}/activity/" hx-trigger="load"' in activity_html
    )
