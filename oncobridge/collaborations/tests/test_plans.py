"""A project's plan: stage gates with evidence, milestones edited concurrently, dependencies, RACI, goals."""

from __future__ import annotations

import datetime as dt

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

from oncobridge.collaborations.models import KeyResult, MilestoneStatus, StageChange
from oncobridge.collaborations.selectors import milestones_overdue, milestones_upcoming
from oncobridge.collaborations.services import (
    KeyResultSpec,
    goal_create,
    milestone_create,
    milestone_raci_set,
    milestone_update,
    project_stage_change,
)
from oncobridge.collaborations.tests.conftest import API, Joint, bearer, call, today
from oncobridge.conftest import Alliance
from oncobridge.core.errors import ServiceError
from oncobridge.core.models import AuditEvent


def test_a_stage_change_is_recorded_with_its_evidence(alliance: Alliance, joint: Joint) -> None:
    response = call(
        alliance.ivan,
        "post",
        f"/joint-projects/{joint.project.pk}/stage-changes",
        {"stage": "proof_of_concept", "evidence": "IC50 below 10 nM in 8 of 10 organoid lines."},
    )
    history = call(alliance.paula, "get", f"/joint-projects/{joint.project.pk}/stage-changes").json()

    assert response.status_code == 201
    assert history["items"] == [
        {
            "from_stage": "fundamental_research",
            "to_stage": "proof_of_concept",
            "evidence": "IC50 below 10 nM in 8 of 10 organoid lines.",
            "decided_by": {
                "id": alliance.ivan.pk,
                "email": alliance.ivan.email,
                "full_name": "Ivan Investigator",
            },
            "decided_at": history["items"][0]["decided_at"],
        }
    ]
    assert (
        call(alliance.ivan, "get", f"/joint-projects/{joint.project.pk}").json()["stage"]
        == "proof_of_concept"
    )


def test_a_stage_change_without_evidence_is_refused(alliance: Alliance, joint: Joint) -> None:
    with pytest.raises(ServiceError, match="evidence is required"):
        project_stage_change(
            actor=alliance.ivan, project=joint.project, to_stage="development", evidence="  "
        )

    assert not StageChange.objects.exists()


def test_stage_changes_keep_the_whole_history_in_order(alliance: Alliance, joint: Joint) -> None:
    project_stage_change(
        actor=alliance.ivan, project=joint.project, to_stage="proof_of_concept", evidence="a"
    )
    project_stage_change(actor=alliance.alice, project=joint.project, to_stage="development", evidence="b")

    assert list(joint.project.stage_changes.values_list("from_stage", "to_stage", "evidence")) == [
        ("fundamental_research", "proof_of_concept", "a"),
        ("proof_of_concept", "development", "b"),
    ]
    assert AuditEvent.objects.filter(action="project.stage_change").count() == 2


def test_a_second_edit_of_the_same_version_gets_a_conflict_and_overwrites_nothing(
    alliance: Alliance, joint: Joint
) -> None:
    path = f"/joint-projects/{joint.project.pk}/milestones/{joint.assay.pk}"
    first = call(alliance.ivan, "patch", path, {"version": 1, "status": "in_progress"})
    second = call(alliance.alice, "patch", path, {"version": 1, "title": "Assay abandoned"})

    assert first.status_code == 200
    assert first.json()["version"] == 2
    assert second.status_code == 409
    assert second.json()["field"] == "version"
    assert "changed by someone else" in second.json()["detail"]
    joint.assay.refresh_from_db()
    assert (joint.assay.title, joint.assay.status, joint.assay.version) == (
        "Assay validated",
        "in_progress",
        2,
    )


def test_an_edit_against_the_current_version_succeeds_after_a_reload(
    alliance: Alliance, joint: Joint
) -> None:
    path = f"/joint-projects/{joint.project.pk}/milestones/{joint.assay.pk}"
    call(alliance.ivan, "patch", path, {"version": 1, "status": "in_progress"})

    response = call(alliance.alice, "patch", path, {"version": 2, "status": "done"})

    assert response.status_code == 200
    assert response.json()["status"] == "done"


def test_a_dependency_cycle_is_refused(alliance: Alliance, joint: Joint) -> None:
    report = milestone_create(
        actor=alliance.ivan,
        project=joint.project,
        title="Report",
        due_date=today() + dt.timedelta(days=30),
        depends_on=[joint.assay],
    )

    response = call(
        alliance.ivan,
        "patch",
        f"/joint-projects/{joint.project.pk}/milestones/{joint.assay.pk}",
        {"version": 1, "depends_on": [report.pk]},
    )

    assert response.status_code == 400
    assert response.json()["field"] == "depends_on"
    assert list(joint.assay.depends_on.all()) == []


def test_a_milestone_cannot_depend_on_itself(alliance: Alliance, joint: Joint) -> None:
    response = call(
        alliance.ivan,
        "patch",
        f"/joint-projects/{joint.project.pk}/milestones/{joint.assay.pk}",
        {"version": 1, "depends_on": [joint.assay.pk]},
    )

    assert response.status_code == 400


def test_the_raci_matrix_takes_exactly_one_accountable_person(alliance: Alliance, joint: Joint) -> None:
    path = f"/joint-projects/{joint.project.pk}/milestones/{joint.assay.pk}/raci"
    two = call(
        alliance.ivan,
        "put",
        path,
        {
            "assignments": [
                {"user_id": alliance.ivan.pk, "letter": "A"},
                {"user_id": alliance.paula.pk, "letter": "A"},
            ]
        },
    )
    none = call(alliance.ivan, "put", path, {"assignments": [{"user_id": alliance.paula.pk, "letter": "R"}]})
    one = call(
        alliance.ivan,
        "put",
        path,
        {
            "assignments": [
                {"user_id": alliance.ivan.pk, "letter": "A"},
                {"user_id": alliance.paula.pk, "letter": "R"},
            ]
        },
    )

    assert (two.status_code, none.status_code, one.status_code) == (400, 400, 200)
    assert "Exactly one person is accountable" in two.json()["detail"]
    assert sorted(one.json(), key=lambda cell: cell["letter"]) == [
        {"user_id": alliance.ivan.pk, "letter": "A"},
        {"user_id": alliance.paula.pk, "letter": "R"},
    ]


def test_raci_is_only_for_project_members(alliance: Alliance, joint: Joint) -> None:
    with pytest.raises(ServiceError, match="not a member of this project"):
        milestone_raci_set(actor=alliance.ivan, milestone=joint.assay, assignments=[(alliance.oscar, "A")])


def test_overdue_and_upcoming_milestones_are_flagged(alliance: Alliance, joint: Joint) -> None:
    late = milestone_create(
        actor=alliance.ivan,
        project=joint.project,
        title="Ethics approval",
        due_date=today() - dt.timedelta(days=2),
    )
    milestone_create(
        actor=alliance.ivan,
        project=joint.project,
        title="Kick-off",
        due_date=today() - dt.timedelta(days=9),
        status=MilestoneStatus.DONE,
    )
    projects = type(joint.project).objects.all()

    assert list(milestones_overdue(projects=projects)) == [late]
    assert list(milestones_upcoming(projects=projects, days=14)) == [joint.assay]
    flags = call(alliance.paula, "get", f"/joint-projects/{joint.project.pk}/milestones/flags", days=3).json()
    assert ([m["title"] for m in flags["overdue"]], flags["upcoming"]) == (["Ethics approval"], [])


@pytest.mark.parametrize(
    "field", ["title", "due_date", "description", "is_deliverable", "status", "depends_on"]
)
def test_a_milestone_field_sent_as_null_is_refused_naming_it_and_nothing_changes(
    alliance: Alliance, joint: Joint, field: str
) -> None:
    path = f"/joint-projects/{joint.project.pk}/milestones/{joint.assay.pk}"

    response = call(alliance.ivan, "patch", path, {"version": 1, field: None})

    assert response.status_code == 422
    assert [error["field"] for error in response.json()["errors"]] == [field]
    joint.assay.refresh_from_db()
    assert (joint.assay.title, joint.assay.version) == ("Assay validated", 1)


def test_a_milestone_owner_sent_as_null_leaves_it_without_an_owner(alliance: Alliance, joint: Joint) -> None:
    path = f"/joint-projects/{joint.project.pk}/milestones/{joint.assay.pk}"

    response = call(alliance.ivan, "patch", path, {"version": 1, "owner_id": None})

    assert response.status_code == 200
    assert response.json()["owner"] is None


def test_the_milestone_service_refuses_to_empty_a_required_field(alliance: Alliance, joint: Joint) -> None:
    with pytest.raises(ServiceError, match="due date cannot be emptied") as refused:
        milestone_update(actor=alliance.ivan, milestone=joint.assay, expected_version=1, due_date=None)

    assert refused.value.field == "due_date"


@pytest.mark.parametrize("number", [float("nan"), float("inf"), float("-inf")])
def test_a_key_result_number_that_is_not_finite_is_refused(
    alliance: Alliance, joint: Joint, number: float
) -> None:
    goals = f"/joint-projects/{joint.project.pk}/goals"
    created = call(
        alliance.ivan, "post", goals, {"title": "G", "key_results": [{"name": "Lines", "target": 10}]}
    ).json()
    result_id = created["key_results"][0]["id"]

    new_goal = call(
        alliance.ivan, "post", goals, {"title": "H", "key_results": [{"name": "Lines", "target": number}]}
    )
    progress = call(
        alliance.ivan,
        "patch",
        f"/joint-projects/{joint.project.pk}/key-results/{result_id}",
        {"current": number},
    )

    assert new_goal.status_code == 422
    assert [error["field"] for error in new_goal.json()["errors"]] == ["key_results.0.target"]
    assert progress.status_code == 422
    assert [error["field"] for error in progress.json()["errors"]] == ["current"]
    assert [goal["title"] for goal in call(alliance.ivan, "get", goals).json()["items"]] == ["G"]
    assert KeyResult.objects.get(pk=result_id).current == 0.0


def test_the_key_result_service_refuses_a_number_that_is_not_finite(alliance: Alliance, joint: Joint) -> None:
    with pytest.raises(ServiceError, match="target must be a finite number"):
        goal_create(
            actor=alliance.ivan,
            project=joint.project,
            title="G",
            key_results=[KeyResultSpec("Lines", float("nan"))],
        )

    assert not joint.project.goals.exists()


def test_a_goal_keeps_its_key_results_and_their_progress(alliance: Alliance, joint: Joint) -> None:
    created = call(
        alliance.ivan,
        "post",
        f"/joint-projects/{joint.project.pk}/goals",
        {
            "title": "Validate the target",
            "key_results": [{"name": "Lines screened", "target": 10, "unit": "lines"}],
        },
    ).json()
    result_id = created["key_results"][0]["id"]

    call(
        alliance.ivan, "patch", f"/joint-projects/{joint.project.pk}/key-results/{result_id}", {"current": 4}
    )

    goals = call(alliance.gary, "get", f"/joint-projects/{joint.project.pk}/goals").json()["items"]
    assert goals[0]["key_results"] == [
        {"id": result_id, "name": "Lines screened", "target": 10.0, "current": 4.0, "unit": "lines"}
    ]


def test_progress_on_a_key_result_is_audited_with_the_value_it_replaced(
    alliance: Alliance, joint: Joint
) -> None:
    goal = goal_create(
        actor=alliance.ivan,
        project=joint.project,
        title="Validate the target",
        key_results=[KeyResultSpec("Lines screened", 10, current=2)],
    )
    result = goal.key_results.get()
    path = f"/joint-projects/{joint.project.pk}/key-results/{result.pk}"

    call(alliance.alice, "patch", path, {"current": 7})

    event = AuditEvent.objects.get(action="key_result.update")
    assert (event.actor, event.target_type, event.target_id) == (
        alliance.alice,
        "collaborations.keyresult",
        str(result.pk),
    )
    assert event.detail == {"goal": goal.pk, "previous": 2.0, "current": 7.0, "target_value": 10.0}


def test_the_milestone_list_costs_the_same_queries_for_many_milestones(
    alliance: Alliance, joint: Joint
) -> None:
    client = Client()
    headers = bearer(alliance.ivan)
    path = f"{API}/joint-projects/{joint.project.pk}/milestones"

    def queries() -> int:
        with CaptureQueriesContext(connection) as context:
            client.get(path, **headers)
        return len(context)

    queries()  # the first request of a token also records its first use
    one = queries()
    for days in (3, 1, 2):
        milestone_create(
            actor=alliance.ivan,
            project=joint.project,
            title=f"M{days}",
            due_date=today() + dt.timedelta(days=days),
            owner=alliance.paula,
            depends_on=[joint.assay],
        )
    many = queries()

    assert many == one
    titles = [m["title"] for m in client.get(path, **headers).json()["items"]]
    assert titles == ["M1", "M2", "M3", "Assay validated"]
