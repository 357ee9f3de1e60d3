"""Agreements: validated, audited transitions; execution by every party's signature; expiry reminders; the
pipeline with time to execution. Greta manages Globex, the other party of the MTAs drafted here."""

from __future__ import annotations

import datetime as dt
from io import StringIO
from typing import Any

import pytest
from django.core import mail
from django.core.management import call_command

from oncobridge.accounts.models import Role
from oncobridge.accounts.services import membership_add
from oncobridge.collaborations.models import ActivityKind, Agreement, AgreementKind, AgreementStatus
from oncobridge.collaborations.services import agreement_reminders_send
from oncobridge.collaborations.tests.conftest import Joint, Managers, call, today
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


def sign(person: Any, agreement_id: int, **body: Any) -> Any:
    return call(person, "post", f"/agreements/{agreement_id}/sign", body)


def negotiating(alliance: Alliance, **extra: Any) -> dict[str, Any]:
    agreement = draft(alliance, **extra)
    assert move(alliance, agreement["id"], "in_negotiation").status_code == 200
    return agreement


def globex_cda_in_negotiation(managers: Managers) -> dict[str, Any]:
    """A master CDA between Globex and the centre, drafted and put in negotiation by Greta (Globex)."""
    drafted = call(
        managers.greta,
        "post",
        "/agreements",
        {"title": "Globex CDA", "kind": "cda", "parties": ["globex", "st-olaf"]},
    )
    assert drafted.status_code == 201, drafted.content
    cda = dict(drafted.json())
    moved = call(managers.greta, "post", f"/agreements/{cda['id']}/transitions", {"status": "in_negotiation"})
    assert moved.status_code == 200, moved.content
    return cda


def test_an_agreement_goes_from_draft_through_negotiation_to_executed_by_both_signatures(
    alliance: Alliance, managers: Managers
) -> None:
    agreement = negotiating(alliance, effective_date=str(today()))

    sign(managers.greta, agreement["id"])
    executed = sign(alliance.alice, agreement["id"]).json()

    assert executed["status"] == "executed"
    assert executed["executed_at"] is not None
    assert [(s["organisation"], s["signed_by"]["email"]) for s in executed["signatures"]] == [
        ("globex", managers.greta.email),
        ("st-olaf", alliance.alice.email),
    ]
    assert list(
        AuditEvent.objects.filter(action="agreement.transition")
        .order_by("id")
        .values_list("detail__to", flat=True)
    ) == ["in_negotiation", "executed"]


def test_one_partys_signature_leaves_the_agreement_in_negotiation(
    alliance: Alliance, managers: Managers
) -> None:
    agreement = negotiating(alliance)

    response = sign(managers.greta, agreement["id"])

    assert response.status_code == 200
    assert (response.json()["status"], response.json()["executed_at"]) == ("in_negotiation", None)
    assert [(s["organisation"], s["signed_by"]["email"]) for s in response.json()["signatures"]] == [
        ("globex", managers.greta.email)
    ]


def test_a_partner_manager_alone_cannot_execute_a_cda_with_the_centre(
    alliance: Alliance, managers: Managers, joint: Joint
) -> None:
    cda = globex_cda_in_negotiation(managers)

    refused = call(
        managers.greta,
        "post",
        f"/agreements/{cda['id']}/transitions",
        {"status": "executed", "effective_date": str(today())},
    )
    sign(managers.greta, cda["id"])

    assert refused.status_code == 409
    assert "every party has signed" in refused.json()["detail"]
    assert Agreement.objects.get(pk=cda["id"]).status == AgreementStatus.IN_NEGOTIATION
    documents = call(alliance.gary, "get", f"/joint-projects/{joint.project.pk}/documents").json()
    assert [document["title"] for document in documents] == ["Screening protocol"]


def test_a_cda_signed_by_both_parties_opens_the_confidential_document_to_the_partner(
    alliance: Alliance, managers: Managers, joint: Joint
) -> None:
    cda = globex_cda_in_negotiation(managers)

    sign(managers.greta, cda["id"])
    sign(alliance.alice, cda["id"])

    documents = call(alliance.gary, "get", f"/joint-projects/{joint.project.pk}/documents").json()
    assert sorted(document["title"] for document in documents) == ["Screening protocol", "Term sheet"]


def test_without_an_agreed_effective_date_the_agreement_takes_effect_on_the_last_signature(
    alliance: Alliance, managers: Managers
) -> None:
    agreement = negotiating(alliance)

    sign(managers.greta, agreement["id"])
    executed = sign(alliance.alice, agreement["id"]).json()

    assert executed["effective_date"] == str(today())


def test_a_non_party_cannot_sign(alliance: Alliance, managers: Managers) -> None:
    agreement = negotiating(alliance)

    response = sign(managers.ursula, agreement["id"])

    assert response.status_code == 404
    assert not Agreement.objects.get(pk=agreement["id"]).signatures.exists()


def test_a_party_member_who_is_not_its_alliance_manager_cannot_sign(alliance: Alliance) -> None:
    agreement = negotiating(alliance)

    response = sign(alliance.gary, agreement["id"])

    assert response.status_code == 403
    assert not Agreement.objects.get(pk=agreement["id"]).signatures.exists()


def test_a_manager_cannot_sign_for_the_other_party(alliance: Alliance) -> None:
    agreement = negotiating(alliance)

    response = sign(alliance.alice, agreement["id"], organisation="globex")

    assert response.status_code == 403
    assert not Agreement.objects.get(pk=agreement["id"]).signatures.exists()


def test_a_party_signs_only_once(alliance: Alliance) -> None:
    agreement = negotiating(alliance)
    sign(alliance.alice, agreement["id"])

    response = sign(alliance.alice, agreement["id"])

    assert response.status_code == 409
    assert Agreement.objects.get(pk=agreement["id"]).signatures.count() == 1


def test_one_person_managing_both_parties_signs_for_one_of_them_only(alliance: Alliance) -> None:
    membership_add(user=alliance.alice, organisation=alliance.globex, role=Role.ALLIANCE_MANAGER)
    agreement = negotiating(alliance)
    sign(alliance.alice, agreement["id"], organisation="st-olaf")

    response = sign(alliance.alice, agreement["id"], organisation="globex")

    assert response.status_code == 409
    assert Agreement.objects.get(pk=agreement["id"]).status == AgreementStatus.IN_NEGOTIATION
    assert list(
        Agreement.objects.get(pk=agreement["id"]).signatures.values_list("organisation__slug", flat=True)
    ) == ["st-olaf"]


def test_a_draft_is_not_signed(alliance: Alliance) -> None:
    agreement = draft(alliance)

    response = sign(alliance.alice, agreement["id"])

    assert response.status_code == 409
    assert response.json()["field"] == "status"
    assert not Agreement.objects.get(pk=agreement["id"]).signatures.exists()


def test_taking_an_agreement_back_to_draft_withdraws_its_signatures(alliance: Alliance) -> None:
    agreement = negotiating(alliance)
    sign(alliance.alice, agreement["id"])

    move(alliance, agreement["id"], "draft")

    assert not Agreement.objects.get(pk=agreement["id"]).signatures.exists()
    event = AuditEvent.objects.filter(action="agreement.transition").latest("id")
    assert event.detail["withdrawn"] == ["st-olaf"]


def test_each_signature_is_audited(alliance: Alliance, managers: Managers) -> None:
    agreement = negotiating(alliance)

    sign(managers.greta, agreement["id"])

    event = AuditEvent.objects.get(action="agreement.sign")
    assert (event.actor, event.target_id, event.detail) == (
        managers.greta,
        str(agreement["id"]),
        {"organisation": "globex"},
    )


def test_a_signature_tells_the_managers_still_to_sign(alliance: Alliance, managers: Managers) -> None:
    agreement = negotiating(alliance)

    sign(managers.greta, agreement["id"])

    notice = Notification.objects.get(recipient=alliance.alice)
    assert "Globex Pharma signed the agreement “Globex MTA”" in notice.verb
    assert "awaiting St Olaf Cancer Centre" in notice.verb


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


def test_the_remind_command_marks_an_agreement_past_its_expiry_date_expired_once(
    alliance: Alliance, joint: Joint
) -> None:
    lapsed = expiring_mta(alliance, days=-1)
    lapsed.parties.set([alliance.centre, alliance.acme])
    Agreement.objects.filter(pk=lapsed.pk).update(project=joint.project)
    last_day = expiring_mta(alliance, days=0)
    output = StringIO()

    call_command("agreements", "remind", stdout=output)
    call_command("agreements", "remind", stdout=output)

    lapsed.refresh_from_db()
    last_day.refresh_from_db()
    assert (lapsed.status, last_day.status) == (AgreementStatus.EXPIRED, AgreementStatus.EXECUTED)
    event = AuditEvent.objects.get(action="agreement.transition")
    assert (event.actor, event.actor_label, event.target_id) == (None, "system", str(lapsed.pk))
    assert (event.detail["from_status"], event.detail["to"], event.detail["via"]) == (
        "executed",
        "expired",
        "expiry date",
    )
    feed = call(alliance.paula, "get", f"/joint-projects/{joint.project.pk}/activity").json()["items"]
    assert [entry["summary"] for entry in feed if entry["kind"] == ActivityKind.AGREEMENT_TRANSITION] == [
        "The agreement “Globex MTA” went from executed to expired."
    ]
    assert "Marked 1 agreement(s)" in output.getvalue()
    assert "Marked 0 agreement(s)" in output.getvalue()


def test_the_pipeline_counts_by_status_and_measures_time_to_execution(
    alliance: Alliance, managers: Managers
) -> None:
    agreement = draft(alliance)
    Agreement.objects.filter(pk=agreement["id"]).update(
        created_at=Agreement.objects.get(pk=agreement["id"]).created_at - dt.timedelta(days=30)
    )
    move(alliance, agreement["id"], "in_negotiation")
    sign(managers.greta, agreement["id"])
    sign(alliance.alice, agreement["id"])
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
