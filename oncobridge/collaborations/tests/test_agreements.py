"""Agreements: validated, audited transitions; expiry reminders; the pipeline with time to execution."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.core import mail
from django.core.management import call_command

from oncobridge.collaborations.models import Agreement, AgreementKind, AgreementStatus
from oncobridge.collaborations.services import agreement_reminders_send
from oncobridge.collaborations.tests.conftest import Joint, call, today
from oncobridge.conftest import Alliance
from oncobridge.core.models import AuditEvent
from oncobridge.matching.models import Notification


def draft(alliance: Alliance, **extra: Any) -> dict[str, Any]:
    response = call(
        alliance.alice,
        "post",
        "/agreements",
        {"title": "Globex MTA", "kind": "mta", "parties": ["st-olaf", "globex"], **extra},
    )
    assert response.status_code == 201, response.content
    return dict(response.json())


def move(alliance: Alliance, agreement_id: int, status: str, **extra: Any) -> Any:
    return call(
        alliance.alice, "post", f"/agreements/{agreement_id}/transitions", {"status": status, **extra}
    )


def test_an_agreement_goes_from_draft_through_negotiation_to_executed(alliance: Alliance) -> None:
    agreement = draft(alliance)

    move(alliance, agreement["id"], "in_negotiation")
    executed = move(alliance, agreement["id"], "executed", effective_date=str(today())).json()

    assert executed["status"] == "executed"
    assert executed["executed_at"] is not None
    assert list(
        AuditEvent.objects.filter(action="agreement.transition")
        .order_by("id")
        .values_list("detail__to", flat=True)
    ) == ["in_negotiation", "executed"]


def test_an_agreement_cannot_be_executed_without_an_effective_date(alliance: Alliance) -> None:
    agreement = draft(alliance)
    move(alliance, agreement["id"], "in_negotiation")

    response = move(alliance, agreement["id"], "executed")

    assert response.status_code == 400
    assert response.json()["field"] == "effective_date"
    assert Agreement.objects.get(pk=agreement["id"]).status == AgreementStatus.IN_NEGOTIATION


@pytest.mark.parametrize(
    ("path", "refused"),
    [
        ([], "executed"),  # a draft is negotiated first
        (["terminated"], "in_negotiation"),  # terminated is final
    ],
)
def test_an_invalid_transition_is_a_conflict(alliance: Alliance, path: list[str], refused: str) -> None:
    agreement = draft(alliance, effective_date=str(today()))
    for status in path:
        move(alliance, agreement["id"], status)

    response = move(alliance, agreement["id"], refused)

    assert response.status_code == 409


def test_only_the_parties_managers_change_an_agreement(alliance: Alliance) -> None:
    agreement = draft(alliance)

    assert (
        call(
            alliance.ivan, "post", f"/agreements/{agreement['id']}/transitions", {"status": "in_negotiation"}
        ).status_code
        == 403
    )
    assert (
        call(
            alliance.paula, "post", f"/agreements/{agreement['id']}/transitions", {"status": "in_negotiation"}
        ).status_code
        == 404
    )


def test_an_agreement_links_its_projects_documents(alliance: Alliance, joint: Joint) -> None:
    agreement = draft(alliance, project_id=joint.project.pk, document_ids=[joint.term_sheet.pk])

    assert (agreement["project_id"], agreement["document_ids"]) == (joint.project.pk, [joint.term_sheet.pk])


def expiring_mta(alliance: Alliance, days: int) -> Agreement:
    agreement = Agreement.objects.create(
        title="Globex MTA",
        kind=AgreementKind.MTA,
        status=AgreementStatus.EXECUTED,
        effective_date=today() - dt.timedelta(days=300),
        expiry_date=today() + dt.timedelta(days=days),
    )
    agreement.parties.set([alliance.centre, alliance.globex])
    return agreement


def test_the_remind_command_tells_the_parties_managers_once(
    alliance: Alliance, django_capture_on_commit_callbacks: Any
) -> None:
    expiring_mta(alliance, days=10)
    expiring_mta(alliance, days=90).parties.set([alliance.university, alliance.globex])

    with django_capture_on_commit_callbacks(execute=True):
        call_command("agreements", "remind", "--days", "30")
        call_command("agreements", "remind", "--days", "30")

    assert list(Notification.objects.values_list("recipient__email", flat=True)) == [alliance.alice.email]
    assert [message.to for message in mail.outbox] == [[alliance.alice.email]]
    assert "expires on" in mail.outbox[0].subject


def test_a_renewed_agreement_is_reminded_again_for_its_new_expiry(alliance: Alliance) -> None:
    mta = expiring_mta(alliance, days=10)
    agreement_reminders_send(within_days=30)
    Agreement.objects.filter(pk=mta.pk).update(expiry_date=today() + dt.timedelta(days=20))

    assert agreement_reminders_send(within_days=30) == 1


def test_the_pipeline_counts_by_status_and_measures_time_to_execution(alliance: Alliance) -> None:
    agreement = draft(alliance)
    Agreement.objects.filter(pk=agreement["id"]).update(
        created_at=Agreement.objects.get(pk=agreement["id"]).created_at - dt.timedelta(days=30)
    )
    move(alliance, agreement["id"], "in_negotiation")
    move(alliance, agreement["id"], "executed", effective_date=str(today()))
    draft(alliance, title="Second MTA")

    rows = {row["kind"]: row for row in call(alliance.alice, "get", "/agreements/pipeline").json()}

    assert rows["mta"]["by_status"] == {
        "draft": 1,
        "in_negotiation": 0,
        "executed": 1,
        "expired": 0,
        "terminated": 0,
    }
    assert rows["mta"]["executed"] == 1
    assert rows["mta"]["mean_days_to_execution"] == pytest.approx(30, abs=0.1)
    assert rows["cda"]["by_status"]["executed"] == 1
    assert rows["cda"]["mean_days_to_execution"] is None


def test_expiring_agreements_are_listed_for_their_parties(alliance: Alliance) -> None:
    expiring_mta(alliance, days=10)

    assert [
        a["title"] for a in call(alliance.gary, "get", "/agreements/expiring", within_days=30).json()["items"]
    ] == ["Globex MTA"]
    assert call(alliance.paula, "get", "/agreements/expiring", within_days=30).json()["count"] == 0
