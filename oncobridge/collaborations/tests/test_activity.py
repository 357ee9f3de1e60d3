"""What happens in a project: a feed entry for those who may see it, a notice to the people it concerns."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.core import mail
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command
from django.db import connection, transaction
from django.test import Client
from django.test.utils import CaptureQueriesContext

from oncobridge.accounts.access import viewer_for
from oncobridge.accounts.models import Role
from oncobridge.accounts.services import user_create
from oncobridge.collaborations.models import ActivityKind, Agreement, Milestone
from oncobridge.collaborations.services import (
    ActionItemSpec,
    agreement_create,
    agreement_sign,
    agreement_transition,
    checkin_create,
    checkin_record,
    document_upload,
    milestone_overdue_notices_send,
    milestone_update,
    project_member_add,
    project_stage_change,
)
from oncobridge.collaborations.tests.conftest import Joint, Managers, call, today
from oncobridge.conftest import PASSWORD, Alliance
from oncobridge.matching.models import Notification


def feed(user: Any, joint: Joint) -> list[dict[str, Any]]:
    response = call(user, "get", f"/joint-projects/{joint.project.pk}/activity")
    assert response.status_code == 200, response.content
    return list(response.json()["items"])


def notified(user: Any, text: str) -> bool:
    return Notification.objects.filter(recipient=user, verb__contains=text).exists()


def globex_mta(alliance: Alliance, joint: Joint, title: str = "Globex MTA") -> Agreement:
    """A draft MTA between the centre and Globex on the joint project, drafted by Alice."""
    return agreement_create(
        viewer=viewer_for(alliance.alice),
        actor=alliance.alice,
        title=title,
        kind="mta",
        parties=[alliance.centre, alliance.globex],
        project=joint.project,
    )


def test_a_stage_change_is_in_the_feed_and_tells_members_and_managers_by_email(
    alliance: Alliance, joint: Joint, django_capture_on_commit_callbacks: Any
) -> None:
    with django_capture_on_commit_callbacks(execute=True):
        project_stage_change(
            actor=alliance.ivan, project=joint.project, to_stage="proof_of_concept", evidence="IC50 < 10 nM"
        )

    assert feed(alliance.gary, joint)[0]["kind"] == ActivityKind.STAGE_CHANGE
    assert "to proof of concept" in feed(alliance.gary, joint)[0]["summary"]
    for person in (alliance.paula, alliance.gary, alliance.nora, alliance.alice):
        assert notified(person, "moved from fundamental research to proof of concept")
    assert not notified(alliance.ivan, "moved from")
    recipients = {address for message in mail.outbox for address in message.to}
    assert alliance.paula.email in recipients
    assert alliance.ivan.email not in recipients


def test_a_notification_links_to_the_project_activity(alliance: Alliance, joint: Joint) -> None:
    project_stage_change(
        actor=alliance.ivan, project=joint.project, to_stage="development", evidence="GLP tox"
    )

    notice = Notification.objects.get(recipient=alliance.paula, verb__contains="moved from")
    assert notice.target_url == f"/collaborations/projects/{joint.project.pk}/activity/"


def test_nothing_is_told_when_the_change_is_rolled_back(
    alliance: Alliance, joint: Joint, django_capture_on_commit_callbacks: Any
) -> None:
    Notification.objects.all().delete()
    with django_capture_on_commit_callbacks(execute=True), pytest.raises(RuntimeError), transaction.atomic():
        project_stage_change(actor=alliance.ivan, project=joint.project, to_stage="development", evidence="x")
        raise RuntimeError("the caller's transaction fails after the change")

    assert mail.outbox == []
    assert not Notification.objects.exists()
    assert feed(alliance.paula, joint)[0]["kind"] == ActivityKind.MILESTONE_CREATED


def test_an_action_item_tells_its_owner_and_the_check_in_tells_the_others(
    alliance: Alliance, joint: Joint
) -> None:
    checkin = checkin_create(actor=alliance.ivan, project=joint.project, scheduled_at=dt.datetime.now(dt.UTC))

    checkin_record(
        actor=alliance.ivan,
        checkin=checkin,
        expected_version=1,
        notes="Batch 1 looked good.",
        action_items=[ActionItemSpec("Ship compound batch 2", alliance.paula, today())],
    )

    assert notified(alliance.paula, "Ship compound batch 2")
    assert not notified(alliance.paula, "recorded")
    assert notified(alliance.gary, "Check-in of")
    kinds = [entry["kind"] for entry in feed(alliance.nora, joint)]
    assert kinds[:2] == [ActivityKind.ACTION_ASSIGNED, ActivityKind.CHECKIN_RECORDED]


def test_a_milestone_change_tells_its_owner(alliance: Alliance, joint: Joint) -> None:
    milestone_update(
        actor=alliance.alice, milestone=joint.assay, expected_version=joint.assay.version, status="blocked"
    )

    assert notified(alliance.ivan, "“Assay validated” in “EGFR organoid screen” updated (status: blocked)")
    assert feed(alliance.paula, joint)[0]["kind"] == ActivityKind.MILESTONE_UPDATED


def test_handing_a_milestone_over_tells_the_new_and_the_previous_owner(
    alliance: Alliance, joint: Joint
) -> None:
    milestone_update(
        actor=alliance.alice, milestone=joint.assay, expected_version=joint.assay.version, owner=alliance.nora
    )

    assert notified(alliance.nora, "Assay validated")
    assert notified(alliance.ivan, "Assay validated")


def test_a_confidential_upload_stays_unknown_to_a_partner_without_a_cda(
    alliance: Alliance, joint: Joint
) -> None:
    Notification.objects.all().delete()
    document_upload(
        actor=alliance.ivan,
        project=joint.project,
        title="Licence draft",
        confidentiality="confidential",
        upload=SimpleUploadedFile("licence.txt", b"Royalty 4%."),
    )

    assert notified(alliance.paula, "Licence draft")
    assert not notified(alliance.gary, "Licence draft")
    assert "Licence draft" in feed(alliance.paula, joint)[0]["summary"]
    assert not any("Licence draft" in entry["summary"] for entry in feed(alliance.gary, joint))
    assert any("Screening protocol" in entry["summary"] for entry in feed(alliance.gary, joint))


def test_an_agreement_change_is_shown_only_to_members_of_its_parties(
    alliance: Alliance, joint: Joint
) -> None:
    agreement = globex_mta(alliance, joint)

    agreement_transition(actor=alliance.alice, agreement=agreement, to_status="in_negotiation")

    assert feed(alliance.gary, joint)[0]["kind"] == ActivityKind.AGREEMENT_TRANSITION
    assert notified(alliance.gary, "“Globex MTA” went from draft to in negotiation")
    assert notified(alliance.ivan, "Globex MTA")
    assert not any("Globex MTA" in entry["summary"] for entry in feed(alliance.paula, joint))
    assert not notified(alliance.paula, "Globex MTA")


def test_the_last_signature_puts_the_execution_in_the_projects_feed(
    alliance: Alliance, joint: Joint, managers: Managers
) -> None:
    agreement = globex_mta(alliance, joint)
    agreement_transition(actor=alliance.alice, agreement=agreement, to_status="in_negotiation")

    agreement_sign(actor=managers.greta, agreement=agreement)
    agreement_sign(actor=alliance.alice, agreement=agreement)

    summaries = [(entry["kind"], entry["summary"]) for entry in feed(alliance.gary, joint)[:2]]
    assert summaries == [
        (
            ActivityKind.AGREEMENT_TRANSITION,
            "The agreement “Globex MTA” went from in negotiation to executed.",
        ),
        (
            ActivityKind.AGREEMENT_SIGNED,
            "Globex Pharma signed the agreement “Globex MTA” (Greta Globex); awaiting St Olaf Cancer Centre.",
        ),
    ]
    assert notified(alliance.gary, "went from in negotiation to executed")


def test_an_agreement_change_costs_the_same_queries_however_many_project_members_it_tells(
    alliance: Alliance, joint: Joint
) -> None:
    def transition_queries(title: str) -> int:
        agreement = globex_mta(alliance, joint, title)
        with CaptureQueriesContext(connection) as queries:
            agreement_transition(actor=alliance.alice, agreement=agreement, to_status="in_negotiation")
        return len(queries)

    few = transition_queries("First MTA")
    for number in range(4):
        chemist = user_create(
            email=f"chemist{number}@globex.example",
            full_name=f"Chemist {number}",
            organisation=alliance.globex,
            role=Role.INDUSTRY_MEMBER,
            password=PASSWORD,
        )
        project_member_add(
            actor=alliance.ivan, project=joint.project, user=chemist, organisation=alliance.globex
        )

    assert transition_queries("Second MTA") == few
    assert notified(chemist, "“Second MTA” went from draft to in negotiation")


def test_an_overdue_milestone_tells_its_owner_once_per_due_date(alliance: Alliance, joint: Joint) -> None:
    later = today() + dt.timedelta(days=8)

    first = milestone_overdue_notices_send(today=later)
    second = milestone_overdue_notices_send(today=later)

    assert (first, second) == (1, 0)
    assert Notification.objects.filter(recipient=alliance.ivan, verb__contains="is overdue").count() == 1
    assert Milestone.objects.get(pk=joint.assay.pk).version == joint.assay.version
    assert feed(alliance.paula, joint)[0]["kind"] == ActivityKind.MILESTONE_OVERDUE


def test_an_overdue_milestone_without_owner_tells_the_project_leads(alliance: Alliance, joint: Joint) -> None:
    Milestone.objects.filter(pk=joint.assay.pk).update(owner=None, due_date=today() - dt.timedelta(days=1))

    assert milestone_overdue_notices_send() == 1
    assert notified(alliance.ivan, "is overdue")
    assert not notified(alliance.paula, "is overdue")


def test_a_done_milestone_is_never_overdue(alliance: Alliance, joint: Joint) -> None:
    Milestone.objects.filter(pk=joint.assay.pk).update(status="done", due_date=today() - dt.timedelta(days=3))

    assert milestone_overdue_notices_send() == 0


def test_the_milestones_command_reports_how_many_it_told(
    alliance: Alliance, joint: Joint, capsys: Any
) -> None:
    Milestone.objects.filter(pk=joint.assay.pk).update(due_date=today() - dt.timedelta(days=1))

    call_command("milestones", "overdue")

    assert "Sent overdue notices for 1 milestone(s)." in capsys.readouterr().out


def test_an_outsider_cannot_read_a_project_feed(alliance: Alliance, joint: Joint) -> None:
    assert call(alliance.oscar, "get", f"/joint-projects/{joint.project.pk}/activity").status_code == 404
    joint.project.members.filter(user=alliance.nora).delete()
    assert call(alliance.nora, "get", f"/joint-projects/{joint.project.pk}/activity").status_code == 404


def test_my_activity_covers_the_projects_i_am_on(alliance: Alliance, joint: Joint) -> None:
    mine = call(alliance.gary, "get", "/me/activity").json()["items"]
    tess = call(alliance.tess, "get", "/me/activity").json()["items"]

    assert any("Assay validated" in entry["summary"] for entry in mine)
    assert tess == []


# Pages


def signed_in(user: Any) -> Client:
    client = Client()
    assert client.login(email=user.email, password=PASSWORD)
    return client


def test_the_project_activity_partial_lists_entries(alliance: Alliance, joint: Joint) -> None:
    response = signed_in(alliance.paula).get(
        f"/collaborations/projects/{joint.project.pk}/activity/", HTTP_HX_REQUEST="true"
    )

    assert response.status_code == 200
    body = response.content.decode()
    assert 'id="project-activity"' in body
    assert "Milestone “Assay validated” added" in body
    assert "<html" not in body


def test_the_personal_feed_shows_my_projects_and_everything_on_request(
    alliance: Alliance, joint: Joint
) -> None:
    own = signed_in(alliance.tess).get("/collaborations/activity/")
    everything = signed_in(alliance.tess).get("/collaborations/activity/?all=1")

    assert own.status_code == everything.status_code == 200
    assert "Assay validated" not in own.content.decode()
    assert "Assay validated" in everything.content.decode()


def test_an_outsider_gets_no_project_activity_page(alliance: Alliance, joint: Joint) -> None:
    response = signed_in(alliance.oscar).get(f"/collaborations/projects/{joint.project.pk}/activity/")

    assert response.status_code == 403


def test_the_personal_feed_runs_the_same_queries_however_many_entries(
    alliance: Alliance, joint: Joint
) -> None:
    client = signed_in(alliance.paula)
    with CaptureQueriesContext(connection) as few:
        client.get("/collaborations/activity/")
    for stage in ("proof_of_concept", "development", "transfer_to_market"):
        project_stage_change(actor=alliance.ivan, project=joint.project, to_stage=stage, evidence="data")

    with CaptureQueriesContext(connection) as many:
        response = client.get("/collaborations/activity/")

    assert response.content.decode().count('data-testid="activity-entry"') >= 4
    assert len(many.captured_queries) == len(few.captured_queries)
