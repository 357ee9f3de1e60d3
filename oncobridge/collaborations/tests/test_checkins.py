"""Check-ins: notes and decisions, action items that land in their owners' task lists, goal reviews."""

from __future__ import annotations

from typing import Any

from django.core import mail

from oncobridge.collaborations.models import ActionItem, GoalReview
from oncobridge.collaborations.services import goal_create
from oncobridge.collaborations.tests.conftest import Joint, call
from oncobridge.conftest import Alliance
from oncobridge.core.models import AuditEvent
from oncobridge.matching.models import Notification


def record(alliance: Alliance, joint: Joint) -> dict[str, object]:
    checkin = call(
        alliance.ivan,
        "post",
        f"/joint-projects/{joint.project.pk}/checkins",
        {"scheduled_at": "2030-03-04T10:00:00+01:00", "agenda": "Screen results"},
    ).json()
    goal = goal_create(actor=alliance.ivan, project=joint.project, title="Validate the target")
    response = call(
        alliance.ivan,
        "put",
        f"/joint-projects/{joint.project.pk}/checkins/{checkin['id']}/record",
        {
            "version": 1,
            "notes": "Eight lines responded.",
            "decisions": "Go to the PDX study.",
            "action_items": [
                {
                    "description": "Ship compound batch 2",
                    "owner_id": alliance.paula.pk,
                    "due_date": "2030-03-20",
                },
                {"description": "Book the PDX facility", "owner_id": alliance.ivan.pk},
            ],
            "goal_reviews": [{"goal_id": goal.pk, "on_track": True, "comment": "Ahead of plan"}],
        },
    )
    assert response.status_code == 200, response.content
    return dict(response.json())


def test_action_items_appear_in_their_owners_task_list(alliance: Alliance, joint: Joint) -> None:
    record(alliance, joint)

    tasks = call(alliance.paula, "get", "/me/tasks").json()["items"]

    assert [(t["description"], t["due_date"], t["project_id"]) for t in tasks] == [
        ("Ship compound batch 2", "2030-03-20", joint.project.pk)
    ]


def test_the_owner_of_an_action_item_is_told_in_the_app_and_by_email(
    alliance: Alliance, joint: Joint, django_capture_on_commit_callbacks: Any
) -> None:
    with django_capture_on_commit_callbacks(execute=True):
        record(alliance, joint)

    assert Notification.objects.filter(
        recipient=alliance.paula, verb__contains="Ship compound batch 2"
    ).exists()
    assert any(alliance.paula.email in message.to for message in mail.outbox)


def test_a_done_action_item_leaves_the_task_list(alliance: Alliance, joint: Joint) -> None:
    record(alliance, joint)
    item = call(alliance.paula, "get", "/me/tasks").json()["items"][0]

    response = call(alliance.paula, "patch", f"/action-items/{item['id']}", {"done": True})

    assert response.status_code == 200
    assert call(alliance.paula, "get", "/me/tasks").json()["items"] == []


def test_someone_elses_action_item_cannot_be_ticked_off_by_a_plain_member(
    alliance: Alliance, joint: Joint
) -> None:
    record(alliance, joint)
    item = call(alliance.paula, "get", "/me/tasks").json()["items"][0]

    assert call(alliance.gary, "patch", f"/action-items/{item['id']}", {"done": True}).status_code == 403
    assert call(alliance.oscar, "patch", f"/action-items/{item['id']}", {"done": True}).status_code == 404


def test_the_check_in_records_whether_each_goal_is_on_track(alliance: Alliance, joint: Joint) -> None:
    checkin = record(alliance, joint)

    assert checkin["decisions"] == "Go to the PDX study."
    assert [(r.goal.title, r.on_track, r.comment) for r in GoalReview.objects.all()] == [
        ("Validate the target", True, "Ahead of plan")
    ]


def test_an_action_item_for_someone_outside_the_project_is_refused(alliance: Alliance, joint: Joint) -> None:
    checkin = call(
        alliance.ivan,
        "post",
        f"/joint-projects/{joint.project.pk}/checkins",
        {"scheduled_at": "2030-03-04T10:00:00Z"},
    ).json()

    response = call(
        alliance.ivan,
        "put",
        f"/joint-projects/{joint.project.pk}/checkins/{checkin['id']}/record",
        {"version": 1, "action_items": [{"description": "Snoop", "owner_id": alliance.oscar.pk}]},
    )

    assert response.status_code == 400


def test_recording_a_check_in_audits_its_decisions_goal_verdicts_and_action_items(
    alliance: Alliance, joint: Joint
) -> None:
    checkin = record(alliance, joint)

    event = AuditEvent.objects.get(action="checkin.record")
    goal = joint.project.goals.get()
    items = sorted(ActionItem.objects.values_list("pk", flat=True))
    assert (event.actor, event.target_type, event.target_id) == (
        alliance.ivan,
        "collaborations.checkin",
        str(checkin["id"]),
    )
    assert event.detail == {
        "decisions": "Go to the PDX study.",
        "goal_reviews": [{"goal": goal.pk, "on_track": True, "comment": "Ahead of plan"}],
        "action_items": items,
    }


def test_ticking_an_action_item_off_and_reopening_it_are_audited_with_who_did_it(
    alliance: Alliance, joint: Joint
) -> None:
    record(alliance, joint)
    item = call(alliance.paula, "get", "/me/tasks").json()["items"][0]
    path = f"/action-items/{item['id']}"

    call(alliance.paula, "patch", path, {"done": True})
    call(alliance.ivan, "patch", path, {"done": False})

    events = AuditEvent.objects.filter(action__startswith="action_item.").order_by("id")
    assert [(e.action, e.actor, e.target_type, e.target_id) for e in events] == [
        ("action_item.done", alliance.paula, "collaborations.actionitem", str(item["id"])),
        ("action_item.reopen", alliance.ivan, "collaborations.actionitem", str(item["id"])),
    ]
    assert events[0].detail == {"checkin": item["checkin_id"], "owner": alliance.paula.pk}


def test_marking_an_action_item_as_it_already_is_records_nothing(alliance: Alliance, joint: Joint) -> None:
    record(alliance, joint)
    item = call(alliance.paula, "get", "/me/tasks").json()["items"][0]

    response = call(alliance.paula, "patch", f"/action-items/{item['id']}", {"done": False})

    assert response.status_code == 200
    assert not AuditEvent.objects.filter(action__startswith="action_item.").exists()


def test_a_second_record_of_the_same_version_gets_a_conflict_and_overwrites_nothing(
    alliance: Alliance, joint: Joint
) -> None:
    checkin = record(alliance, joint)
    path = f"/joint-projects/{joint.project.pk}/checkins/{checkin['id']}/record"

    stale = call(
        alliance.alice,
        "put",
        path,
        {
            "version": 1,
            "decisions": "Stop the study.",
            "action_items": [{"description": "Cancel the PDX booking", "owner_id": alliance.ivan.pk}],
        },
    )

    assert checkin["version"] == 2
    assert stale.status_code == 409
    assert stale.json()["field"] == "version"
    assert "now version 2" in stale.json()["detail"]
    current = call(alliance.ivan, "get", f"/joint-projects/{joint.project.pk}/checkins").json()["items"][0]
    assert (current["decisions"], current["version"]) == ("Go to the PDX study.", 2)
    assert not ActionItem.objects.filter(description="Cancel the PDX booking").exists()
    assert AuditEvent.objects.filter(action="checkin.record").count() == 1


def test_recording_again_with_the_current_version_applies_on_top(alliance: Alliance, joint: Joint) -> None:
    checkin = record(alliance, joint)
    path = f"/joint-projects/{joint.project.pk}/checkins/{checkin['id']}/record"

    again = call(alliance.alice, "put", path, {"version": 2, "decisions": "Stop the study."})

    assert again.status_code == 200
    assert (again.json()["decisions"], again.json()["version"]) == ("Stop the study.", 3)


def test_recording_without_a_version_is_refused_naming_it(alliance: Alliance, joint: Joint) -> None:
    checkin = record(alliance, joint)
    path = f"/joint-projects/{joint.project.pk}/checkins/{checkin['id']}/record"

    response = call(alliance.ivan, "put", path, {"decisions": "Stop the study."})

    assert response.status_code == 422
    assert [error["field"] for error in response.json()["errors"]] == ["version"]
