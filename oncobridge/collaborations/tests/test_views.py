"""The collaborations web pages, per persona (see tests/conftest.py: Ivan leads, Paula is under CDA)."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from oncobridge.accounts.access import viewer_for
from oncobridge.accounts.models import Role, User
from oncobridge.accounts.services import membership_add, user_create
from oncobridge.collaborations import services
from oncobridge.collaborations.models import (
    ActionItem,
    Agreement,
    CheckIn,
    Document,
    Milestone,
    Programme,
    Project,
    ProjectRole,
)
from oncobridge.collaborations.tests.conftest import Joint, Managers, today
from oncobridge.conftest import PASSWORD, Alliance
from oncobridge.core.models import AuditEvent


def client_for(user: User) -> Client:
    client = Client()
    client.force_login(user)
    return client


def url(name: str, *args: Any) -> str:
    return reverse(f"collaborations:{name}", args=args)


def page(response: Any) -> str:
    return str(response.content.decode())


def stream(response: Any) -> bytes:
    return b"".join(response.streaming_content)


def outsider(alliance: Alliance) -> User:
    """A Globex member who is on none of the centre's projects."""
    return user_create(
        email="olga@globex.example",
        full_name="Olga Other",
        organisation=alliance.globex,
        role=Role.INDUSTRY_MEMBER,
        password=PASSWORD,
    )


# Who sees what


def test_anonymous_visitor_is_sent_to_login(joint: Joint) -> None:
    for target in (url("project_list"), url("project_detail", joint.project.pk), url("task_list")):
        response = Client().get(target)
        assert response.status_code == 302
        assert response["Location"].startswith(reverse("accounts:login"))


def test_account_without_membership_sees_a_friendly_page(alliance: Alliance, joint: Joint) -> None:
    response = client_for(alliance.oscar).get(url("project_detail", joint.project.pk))

    assert response.status_code == 403
    assert "no membership" in page(response)


def test_outsider_gets_404_for_the_project_its_documents_and_its_forms(
    alliance: Alliance, joint: Joint
) -> None:
    client = client_for(outsider(alliance))
    project = joint.project

    for target in (
        url("project_detail", project.pk),
        url("document_download", project.pk, joint.protocol.pk),
        url("milestone_edit", project.pk, joint.assay.pk),
        url("milestone_create", project.pk),
    ):
        assert client.get(target).status_code == 404, target
    assert client.post(url("milestone_create", project.pk), {"title": "x"}).status_code == 404
    assert "EGFR organoid screen" not in page(client.get(url("project_list"), {"scope": "all"}))


def test_member_of_the_owning_organisation_reads_the_project_but_cannot_change_it(
    alliance: Alliance, joint: Joint
) -> None:
    client = client_for(alliance.tess)
    response = client.get(url("project_detail", joint.project.pk))

    assert response.status_code == 200
    assert "Term sheet" in page(response)
    assert "Add a milestone" not in page(response)
    refused = client.post(
        url("milestone_create", joint.project.pk),
        {"title": "Sneaky", "due_date": "2030-01-01", "status": "planned"},
    )
    assert refused.status_code == 403
    assert not Milestone.objects.filter(title="Sneaky").exists()


def test_lead_sees_the_project_home_with_every_section_and_edit_links(
    alliance: Alliance, joint: Joint
) -> None:
    response = client_for(alliance.ivan).get(url("project_detail", joint.project.pk))
    html = page(response)

    assert response.status_code == 200
    for text in (
        "Translational stage",
        "Members and roles",
        "Paula Partner",
        "Acme Oncology",
        "Assay validated",
        "Screening protocol",
        "Term sheet",
        "Add a milestone",
        "Upload a document",
        "calendar.ics",
    ):
        assert text in html, text


def test_partner_under_cda_sees_and_downloads_the_confidential_document(
    alliance: Alliance, joint: Joint
) -> None:
    client = client_for(alliance.paula)
    html = page(client.get(url("project_detail", joint.project.pk)))
    response = client.get(url("document_download", joint.project.pk, joint.term_sheet.pk))

    assert "Term sheet" in html
    assert stream(response) == b"Milestone payment: 1M."
    assert response["Content-Disposition"].startswith('attachment; filename="terms')
    event = AuditEvent.objects.get(action="document.download")
    assert (event.actor, event.target_id) == (alliance.paula, str(joint.term_sheet.pk))


def test_partner_without_cda_neither_sees_nor_downloads_the_confidential_document(
    alliance: Alliance, joint: Joint
) -> None:
    client = client_for(alliance.gary)
    html = page(client.get(url("project_detail", joint.project.pk)))
    response = client.get(url("document_download", joint.project.pk, joint.term_sheet.pk))

    assert "Screening protocol" in html
    assert "Term sheet" not in html
    assert response.status_code == 404
    assert not AuditEvent.objects.filter(action="document.download").exists()


def test_the_project_page_asks_about_document_access_once_per_level_not_per_document(
    alliance: Alliance, joint: Joint, django_assert_num_queries: Any
) -> None:
    client = client_for(alliance.paula)
    target = url("project_detail", joint.project.pk)
    client.get(target)
    with django_assert_num_queries(23) as few:
        client.get(target)
    for number in range(5):
        services.document_upload(
            actor=alliance.ivan,
            project=joint.project,
            title=f"Assay report {number}",
            confidentiality="confidential",
            upload=SimpleUploadedFile("report.txt", b"IC50 8 nM."),
        )
    with django_assert_num_queries(len(few.captured_queries)):
        response = client.get(target)
    assert len(response.context["documents"]) == 7


def test_partner_member_cannot_change_the_project(alliance: Alliance, joint: Joint) -> None:
    response = client_for(alliance.paula).post(
        url("project_stage", joint.project.pk), {"stage": "proof_of_concept", "evidence": "We say so."}
    )

    assert response.status_code == 403
    joint.project.refresh_from_db()
    assert joint.project.stage == "fundamental_research"


# Project list and creation


def test_project_list_shows_mine_by_default_and_all_i_may_see_on_request(
    alliance: Alliance, joint: Joint
) -> None:
    services.project_create(
        viewer=viewer_for(alliance.alice),
        actor=alliance.alice,
        organisation=alliance.centre,
        title="Biobank audit",
    )
    client = client_for(alliance.ivan)

    mine = page(client.get(url("project_list")))
    everything = page(client.get(url("project_list"), {"scope": "all"}))

    assert "EGFR organoid screen" in mine and "Biobank audit" not in mine
    assert "EGFR organoid screen" in everything and "Biobank audit" in everything


def test_project_list_filters_by_stage(alliance: Alliance, joint: Joint) -> None:
    client = client_for(alliance.ivan)

    assert "EGFR organoid screen" in page(client.get(url("project_list"), {"stage": "fundamental_research"}))
    assert "EGFR organoid screen" not in page(client.get(url("project_list"), {"stage": "patient_care"}))


def test_project_list_counts_overdue_milestones(alliance: Alliance, joint: Joint) -> None:
    services.milestone_create(
        actor=alliance.ivan, project=joint.project, title="Late", due_date=today() - dt.timedelta(days=3)
    )

    assert "1 overdue" in page(client_for(alliance.ivan).get(url("project_list")))


def test_project_list_runs_the_same_number_of_queries_for_many_projects(
    alliance: Alliance, django_assert_num_queries: Any
) -> None:
    def create(n: int) -> None:
        for i in range(n):
            project = services.project_create(
                viewer=viewer_for(alliance.ivan),
                actor=alliance.ivan,
                organisation=alliance.centre,
                title=f"P{i}",
            )
            services.milestone_create(actor=alliance.ivan, project=project, title="M", due_date=today())

    client = client_for(alliance.ivan)
    create(2)
    with django_assert_num_queries(8) as few:
        client.get(url("project_list"))
    create(8)
    with django_assert_num_queries(len(few.captured_queries)):
        response = client.get(url("project_list"))
    assert response.context["page"].paginator.count == 10


def test_investigator_starts_a_project_and_leads_it(alliance: Alliance) -> None:
    response = client_for(alliance.ivan).post(
        url("project_create"),
        {
            "organisation": alliance.centre.pk,
            "title": "KRAS degrader",
            "summary": "",
            "stage": "proof_of_concept",
        },
    )

    project = Project.objects.get(title="KRAS degrader")
    assert response.status_code == 302
    assert response["Location"] == url("project_detail", project.pk)
    assert project.stage == "proof_of_concept"
    assert project.members.get().user == alliance.ivan and project.members.get().role == ProjectRole.LEAD


def test_project_without_a_title_is_refused_with_the_field_named(alliance: Alliance) -> None:
    response = client_for(alliance.ivan).post(
        url("project_create"), {"organisation": alliance.centre.pk, "title": "", "stage": "development"}
    )

    assert response.status_code == 200
    assert response.context["form"].errors["title"] == ["This field is required."]
    assert not Project.objects.exists()


def test_industry_member_may_not_start_a_project(alliance: Alliance) -> None:
    assert client_for(alliance.paula).get(url("project_create")).status_code == 403


def test_a_project_starts_from_an_approved_introduction(alliance: Alliance) -> None:
    from oncobridge.matching.models import Introduction, IntroductionStatus

    introduction = Introduction.objects.create(
        requester=alliance.ivan,
        requester_organisation=alliance.centre,
        target_kind="partner",
        target_id=1,
        target_organisation=alliance.acme,
        target_title="Acme organoid platform",
        status=IntroductionStatus.APPROVED,
    )
    client = client_for(alliance.ivan)

    form = client.get(url("project_create"), {"introduction": introduction.pk}).context["form"]
    response = client.post(
        url("project_create"),
        {
            "organisation": alliance.centre.pk,
            "title": form.initial["title"],
            "stage": "fundamental_research",
            "introduction": introduction.pk,
        },
    )

    assert response.status_code == 302
    assert Project.objects.get(title="Acme organoid platform").introduction == introduction


# Stage, members, goals


def test_lead_moves_the_project_to_the_next_stage_with_evidence(alliance: Alliance, joint: Joint) -> None:
    client = client_for(alliance.ivan)
    client.post(
        url("project_stage", joint.project.pk), {"stage": "proof_of_concept", "evidence": "IC50 < 10 nM"}
    )

    html = page(client.get(url("project_detail", joint.project.pk)))
    assert "Fundamental research → Proof of concept" in html
    assert "Evidence: IC50 &lt; 10 nM" in html


def test_a_stage_change_without_evidence_names_the_field(alliance: Alliance, joint: Joint) -> None:
    response = client_for(alliance.ivan).post(
        url("project_stage", joint.project.pk), {"stage": "proof_of_concept", "evidence": ""}
    )

    assert response.status_code == 200
    assert "evidence" in response.context["form"].errors


def test_lead_adds_a_member_for_their_organisation(alliance: Alliance, joint: Joint) -> None:
    response = client_for(alliance.ivan).post(
        url("member_add", joint.project.pk),
        {"email": "tess@stolaf.example", "organisation": alliance.centre.pk, "role": "observer"},
    )

    assert response.status_code == 302
    assert joint.project.members.get(user=alliance.tess).role == "observer"


def test_adding_someone_for_an_organisation_they_do_not_belong_to_is_refused(
    alliance: Alliance, joint: Joint
) -> None:
    response = client_for(alliance.ivan).post(
        url("member_add", joint.project.pk),
        {"email": "tess@stolaf.example", "organisation": alliance.acme.pk, "role": "member"},
    )

    assert response.context["form"].errors["organisation"] == [
        "Tess Trainee is not a member of Acme Oncology."
    ]


def test_a_goal_with_key_results_is_added_and_progress_is_updated_with_htmx(
    alliance: Alliance, joint: Joint
) -> None:
    client = client_for(alliance.ivan)
    client.post(
        url("goal_create", joint.project.pk),
        {"title": "Validate the assay", "key_results": "Organoid lines screened; 40; lines"},
    )
    result = joint.project.goals.get().key_results.get()

    response = client.post(
        url("key_result_update", joint.project.pk, result.pk), {"current": "12"}, HTTP_HX_REQUEST="true"
    )

    assert response.status_code == 200
    assert "12 of 40 lines" in page(response)
    result.refresh_from_db()
    assert result.current == 12


def test_a_key_result_line_without_a_numeric_target_names_the_line(alliance: Alliance, joint: Joint) -> None:
    response = client_for(alliance.ivan).post(
        url("goal_create", joint.project.pk), {"title": "G", "key_results": "Lines; 40\nPapers; many"}
    )

    assert response.context["form"].errors["key_results"] == ["Line 2: the target “many” is not a number."]


# Milestones, timeline and RACI


def milestone_post(milestone: Milestone, **changes: Any) -> dict[str, Any]:
    data = {
        "title": milestone.title,
        "description": milestone.description,
        "owner": milestone.owner_id or "",
        "due_date": milestone.due_date.isoformat(),
        "status": milestone.status,
        "version": milestone.version,
    }
    data.update(changes)
    return data


def test_lead_adds_a_milestone_with_an_owner_and_a_dependency(alliance: Alliance, joint: Joint) -> None:
    response = client_for(alliance.ivan).post(
        url("milestone_create", joint.project.pk),
        {
            "title": "Screen complete",
            "owner": alliance.nora.pk,
            "due_date": (today() + dt.timedelta(days=60)).isoformat(),
            "status": "planned",
            "depends_on": [joint.assay.pk],
        },
    )

    milestone = Milestone.objects.get(title="Screen complete")
    assert response.status_code == 302
    assert milestone.owner == alliance.nora
    assert list(milestone.depends_on.all()) == [joint.assay]


def test_a_milestone_owner_is_chosen_among_the_project_members(alliance: Alliance, joint: Joint) -> None:
    response = client_for(alliance.ivan).post(
        url("milestone_create", joint.project.pk),
        {"title": "X", "owner": alliance.tess.pk, "due_date": "2030-01-01", "status": "planned"},
    )

    assert response.status_code == 200
    assert response.context["form"].errors["owner"] == [
        "Select a valid choice. That choice is not one of the available choices."
    ]
    assert not Milestone.objects.filter(title="X").exists()


def test_a_dependency_that_would_make_a_cycle_is_refused_naming_the_field(
    alliance: Alliance, joint: Joint
) -> None:
    later = services.milestone_create(
        actor=alliance.ivan,
        project=joint.project,
        title="Screen complete",
        due_date=today() + dt.timedelta(days=60),
        depends_on=[joint.assay],
    )
    assay = Milestone.objects.get(pk=joint.assay.pk)

    response = client_for(alliance.ivan).post(
        url("milestone_edit", joint.project.pk, assay.pk), milestone_post(assay, depends_on=[later.pk])
    )

    assert response.status_code == 200
    assert response.context["form"].errors["depends_on"] == ["These dependencies would make a cycle."]
    assert not Milestone.objects.get(pk=assay.pk).depends_on.exists()


def test_a_stale_milestone_edit_shows_a_conflict_with_the_other_values_and_keeps_mine(
    alliance: Alliance, joint: Joint
) -> None:
    services.project_member_add(
        actor=alliance.ivan,
        project=joint.project,
        user=alliance.alice,
        organisation=alliance.centre,
        role="lead",
    )
    stale = Milestone.objects.get(pk=joint.assay.pk)
    edit = url("milestone_edit", joint.project.pk, joint.assay.pk)
    client_for(alliance.alice).post(edit, milestone_post(stale, status="blocked", title="Assay blocked"))

    response = client_for(alliance.ivan).post(edit, milestone_post(stale, title="Assay validated twice"))

    html = page(response)
    assert response.status_code == 409
    assert "Someone else changed this milestone" in html
    assert "Assay blocked" in html and "Blocked" in html  # what Alice saved
    assert 'value="Assay validated twice"' in html  # what Ivan typed, still in the form
    current = Milestone.objects.get(pk=joint.assay.pk)
    assert (current.title, current.status, current.version) == ("Assay blocked", "blocked", 2)


def test_resubmitting_after_a_conflict_applies_my_change_on_top(alliance: Alliance, joint: Joint) -> None:
    stale = Milestone.objects.get(pk=joint.assay.pk)
    edit = url("milestone_edit", joint.project.pk, joint.assay.pk)
    client = client_for(alliance.ivan)
    client.post(edit, milestone_post(stale, status="blocked"))
    conflict = client.post(edit, milestone_post(stale, title="Assay validated twice"))

    resubmit = client.post(edit, conflict.context["form"].data)

    assert resubmit.status_code == 302
    current = Milestone.objects.get(pk=joint.assay.pk)
    assert (current.title, current.version) == ("Assay validated twice", 3)


def test_the_project_page_draws_the_timeline_with_overdue_milestones_flagged(
    alliance: Alliance, joint: Joint
) -> None:
    services.milestone_create(
        actor=alliance.ivan,
        project=joint.project,
        title="Ethics approval",
        due_date=today() - dt.timedelta(days=2),
    )

    html = page(client_for(alliance.ivan).get(url("project_detail", joint.project.pk)))

    assert '<svg xmlns="http://www.w3.org/2000/svg" class="timeline" role="img"' in html
    assert "Ethics approval (overdue)" in html
    assert html.count("badge--overdue") == 1
    assert "Due soon" in html  # the assay is due in a week


def test_lead_fills_the_raci_matrix(alliance: Alliance, joint: Joint) -> None:
    assay = joint.assay.pk
    response = client_for(alliance.ivan).post(
        url("raci_edit", joint.project.pk),
        {f"raci_{assay}_{alliance.ivan.pk}": "A", f"raci_{assay}_{alliance.paula.pk}": "C"},
    )

    assert response.status_code == 302
    letters = {cell.user: cell.letter for cell in joint.assay.responsibilities.all()}
    assert letters == {alliance.ivan: "A", alliance.paula: "C"}


def test_a_raci_row_with_two_accountable_people_is_refused(alliance: Alliance, joint: Joint) -> None:
    assay = joint.assay.pk
    response = client_for(alliance.ivan).post(
        url("raci_edit", joint.project.pk),
        {f"raci_{assay}_{alliance.ivan.pk}": "A", f"raci_{assay}_{alliance.paula.pk}": "A"},
    )

    assert response.status_code == 400
    assert "Assay validated: Exactly one person is accountable (A) for a milestone." in page(response)
    assert not joint.assay.responsibilities.exists()


# Check-ins and tasks


def test_a_check_in_is_scheduled_and_recorded_and_its_action_lands_in_the_owners_tasks(
    alliance: Alliance, joint: Joint
) -> None:
    client = client_for(alliance.ivan)
    goal = services.goal_create(actor=alliance.ivan, project=joint.project, title="Validate the assay")
    client.post(
        url("checkin_create", joint.project.pk), {"scheduled_at": "2026-01-15T10:00", "agenda": "Assay QC"}
    )
    checkin = CheckIn.objects.get()

    response = client.post(
        url("checkin_record", joint.project.pk, checkin.pk),
        {
            "version": "1",
            "notes": "QC passed on 38 of 40 lines.",
            "decisions": "Go for the full screen.",
            f"goal_{goal.pk}": "on_track",
            "items-TOTAL_FORMS": "3",
            "items-INITIAL_FORMS": "0",
            "items-0-description": "Send the QC report to Acme",
            "items-0-owner": alliance.paula.pk,
            "items-0-due_date": "2026-01-22",
        },
    )

    assert response.status_code == 302
    tasks = page(client_for(alliance.paula).get(url("task_list")))
    assert "Send the QC report to Acme" in tasks and "EGFR organoid screen" in tasks
    project_page = page(client.get(url("project_detail", joint.project.pk)))
    assert "Go for the full screen." in project_page
    assert "On track" in project_page


def test_a_stale_check_in_record_shows_a_conflict_with_the_other_values_and_keeps_mine(
    alliance: Alliance, joint: Joint
) -> None:
    checkin = services.checkin_create(actor=alliance.ivan, project=joint.project, scheduled_at=timezone.now())
    record = url("checkin_record", joint.project.pk, checkin.pk)
    form = client_for(alliance.alice).get(record)
    assert 'name="version" value="1"' in page(form)
    services.checkin_record(
        actor=alliance.ivan, checkin=checkin, expected_version=1, decisions="Go for the full screen."
    )
    mine = {
        "version": "1",
        "decisions": "Pause the screen.",
        "items-TOTAL_FORMS": "1",
        "items-INITIAL_FORMS": "0",
        "items-0-description": "Tell Acme",
        "items-0-owner": alliance.paula.pk,
    }

    response = client_for(alliance.alice).post(record, mine)

    html = page(response)
    assert response.status_code == 409
    assert "Someone else recorded this check-in" in html and "Go for the full screen." in html
    assert "Pause the screen." in html and 'name="version" value="2"' in html
    checkin.refresh_from_db()
    assert (checkin.decisions, checkin.version) == ("Go for the full screen.", 2)
    assert not ActionItem.objects.exists()
    resubmitted = client_for(alliance.alice).post(record, {**mine, "version": "2"})
    assert resubmitted.status_code == 302
    checkin.refresh_from_db()
    assert checkin.decisions == "Pause the screen."
    assert list(ActionItem.objects.values_list("description", flat=True)) == ["Tell Acme"]


def test_an_action_item_without_an_owner_is_refused_with_the_field_named(
    alliance: Alliance, joint: Joint
) -> None:
    checkin = services.checkin_create(actor=alliance.ivan, project=joint.project, scheduled_at=timezone.now())
    response = client_for(alliance.ivan).post(
        url("checkin_record", joint.project.pk, checkin.pk),
        {
            "version": "1",
            "items-TOTAL_FORMS": "1",
            "items-INITIAL_FORMS": "0",
            "items-0-description": "Do it",
        },
    )

    assert response.status_code == 200
    assert response.context["items"].errors[0]["owner"] == ["Every action item has an owner."]
    assert not ActionItem.objects.exists()


def task(
    alliance: Alliance, joint: Joint, owner: User, description: str = "Ship the organoids"
) -> ActionItem:
    checkin = services.checkin_create(actor=alliance.ivan, project=joint.project, scheduled_at=timezone.now())
    services.checkin_record(
        actor=alliance.ivan,
        checkin=checkin,
        expected_version=1,
        action_items=[services.ActionItemSpec(description, owner)],
    )
    return ActionItem.objects.get(description=description)


def test_the_owner_marks_a_task_done_with_htmx(alliance: Alliance, joint: Joint) -> None:
    item = task(alliance, joint, alliance.paula)

    response = client_for(alliance.paula).post(
        url("task_done", item.pk), {"done": "1"}, HTTP_HX_REQUEST="true"
    )

    assert response.status_code == 200
    assert "badge--done" in page(response) and "Reopen" in page(response)
    item.refresh_from_db()
    assert item.done
    assert "Ship the organoids" not in page(client_for(alliance.paula).get(url("task_list")))


def test_my_tasks_lists_the_milestones_i_own_that_are_overdue_or_due_soon(
    alliance: Alliance, joint: Joint
) -> None:
    services.milestone_create(
        actor=alliance.ivan,
        project=joint.project,
        title="Ethics approval",
        due_date=today() - dt.timedelta(days=2),
        owner=alliance.ivan,
    )
    services.milestone_create(
        actor=alliance.ivan, project=joint.project, title="Far away", due_date=today() + dt.timedelta(days=90)
    )

    mine = page(client_for(alliance.ivan).get(url("task_list")))
    theirs = page(client_for(alliance.nora).get(url("task_list")))

    assert "Ethics approval" in mine and "Overdue" in mine
    assert "Assay validated" in mine and "Due soon" in mine
    assert "Far away" not in mine
    assert "Milestones you own" not in theirs


def test_someone_elses_task_cannot_be_marked_done(alliance: Alliance, joint: Joint) -> None:
    item = task(alliance, joint, alliance.paula)

    response = client_for(alliance.gary).post(url("task_done", item.pk), {"done": "1"})

    assert response.status_code == 403
    item.refresh_from_db()
    assert not item.done


def test_the_task_list_runs_the_same_number_of_queries_for_many_tasks(
    alliance: Alliance, joint: Joint, django_assert_num_queries: Any
) -> None:
    client = client_for(alliance.paula)
    task(alliance, joint, alliance.paula, "Task 0")
    with django_assert_num_queries(9) as few:
        client.get(url("task_list"))
    for n in range(1, 6):
        task(alliance, joint, alliance.paula, f"Task {n}")
    with django_assert_num_queries(len(few.captured_queries)):
        response = client.get(url("task_list"))
    assert response.context["page"].paginator.count == 6


# Documents


def test_lead_uploads_a_confidential_document_that_a_partner_without_cda_does_not_see(
    alliance: Alliance, joint: Joint
) -> None:
    response = client_for(alliance.ivan).post(
        url("document_upload", joint.project.pk),
        {
            "title": "Licence draft",
            "confidentiality": "confidential",
            "file": SimpleUploadedFile("licence.txt", b"Royalty 4%."),
        },
    )

    assert response.status_code == 302
    assert Document.objects.get(title="Licence draft").confidentiality == "confidential"
    assert "Licence draft" in page(client_for(alliance.paula).get(url("project_detail", joint.project.pk)))
    assert "Licence draft" not in page(client_for(alliance.gary).get(url("project_detail", joint.project.pk)))


def test_an_upload_without_a_file_names_the_field(alliance: Alliance, joint: Joint) -> None:
    response = client_for(alliance.ivan).post(
        url("document_upload", joint.project.pk), {"title": "Empty", "confidentiality": "internal"}
    )

    assert response.context["form"].errors["file"] == ["This field is required."]


def test_a_new_version_is_listed_and_the_old_one_still_downloads(alliance: Alliance, joint: Joint) -> None:
    client = client_for(alliance.ivan)
    client.post(
        url("document_version_add", joint.project.pk, joint.protocol.pk),
        {"file": SimpleUploadedFile("protocol-v2.txt", b"Seed 3000 cells per well.")},
    )

    html = page(client.get(url("project_detail", joint.project.pk)))
    latest = client.get(url("document_download", joint.project.pk, joint.protocol.pk))
    first = client.get(url("document_download", joint.project.pk, joint.protocol.pk) + "?version=1")

    assert "protocol-v2.txt" in html and "v2" in html
    assert stream(latest) == b"Seed 3000 cells per well."
    assert stream(first) == b"Seed 2000 cells per well."


def test_a_version_that_does_not_exist_is_a_404_page(alliance: Alliance, joint: Joint) -> None:
    client = client_for(alliance.ivan)
    download = url("document_download", joint.project.pk, joint.protocol.pk)

    for version in ("7", "x", "99999999999999999999"):
        response = client.get(download, {"version": version})
        assert response.status_code == 404, version
    assert not AuditEvent.objects.filter(action="document.download").exists()


# Programmes


def test_alliance_manager_starts_and_edits_a_programme(alliance: Alliance) -> None:
    client = client_for(alliance.alice)
    client.post(
        url("programme_create"),
        {
            "organisation": alliance.centre.pk,
            "title": "Lung cancer resistance",
            "problem_statement": "Why EGFR inhibitors stop working.",
            "investigators": [alliance.ivan.pk],
            "partner_organisations": [alliance.acme.pk],
            "business_contact": alliance.alice.pk,
        },
    )
    programme = Programme.objects.get()

    client.post(
        url("programme_edit", programme.pk),
        {
            "version": "1",
            "title": "Lung cancer drug resistance",
            "problem_statement": "Why EGFR inhibitors stop working.",
        },
    )

    programme.refresh_from_db()
    assert programme.title == "Lung cancer drug resistance"
    assert not programme.investigators.exists()
    html = page(client_for(alliance.ivan).get(url("programme_detail", programme.pk)))
    assert "Lung cancer drug resistance" in html and "Why EGFR inhibitors stop working." in html


def test_a_stale_programme_edit_shows_a_conflict_with_the_other_values_and_keeps_mine(
    alliance: Alliance,
) -> None:
    programme = services.programme_create(
        viewer=viewer_for(alliance.alice),
        actor=alliance.alice,
        organisation=alliance.centre,
        title="Lung cancer resistance",
        problem_statement="Why EGFR inhibitors stop working.",
    )
    edit = url("programme_edit", programme.pk)
    assert 'name="version" value="1"' in page(client_for(alliance.alice).get(edit))
    services.programme_update(
        viewer=viewer_for(alliance.alice),
        actor=alliance.alice,
        programme=programme,
        expected_version=1,
        title="Lung cancer drug resistance",
        problem_statement="Why EGFR inhibitors stop working.",
    )
    mine = {"version": "1", "title": "Resistance in NSCLC", "problem_statement": "Why they stop working."}

    response = client_for(alliance.alice).post(edit, mine)

    html = page(response)
    assert response.status_code == 409
    assert "Someone else changed this programme" in html and "Lung cancer drug resistance" in html
    assert "Resistance in NSCLC" in html and 'name="version" value="2"' in html
    programme.refresh_from_db()
    assert (programme.title, programme.version) == ("Lung cancer drug resistance", 2)
    assert client_for(alliance.alice).post(edit, {**mine, "version": "2"}).status_code == 302
    programme.refresh_from_db()
    assert (programme.title, programme.version) == ("Resistance in NSCLC", 3)


def test_an_investigator_starts_a_project_from_the_programme_page(alliance: Alliance) -> None:
    programme = services.programme_create(
        viewer=viewer_for(alliance.alice),
        actor=alliance.alice,
        organisation=alliance.centre,
        title="Organoid medicine",
        problem_statement="S",
    )
    client = client_for(alliance.ivan)
    assert "Start a project in this programme" in page(client.get(url("programme_detail", programme.pk)))

    form = client.get(url("project_create"), {"programme": programme.pk}).context["form"]
    client.post(
        url("project_create"),
        {**form.initial, "title": "Colon organoids", "stage": "fundamental_research"},
    )

    assert Project.objects.get(title="Colon organoids").programme == programme
    assert "Colon organoids" in page(client.get(url("programme_detail", programme.pk)))


def test_investigator_may_not_start_or_edit_a_programme(alliance: Alliance) -> None:
    programme = services.programme_create(
        viewer=viewer_for(alliance.alice),
        actor=alliance.alice,
        organisation=alliance.centre,
        title="P",
        problem_statement="S",
    )
    client = client_for(alliance.ivan)

    assert client.get(url("programme_create")).status_code == 403
    assert client.post(url("programme_edit", programme.pk), {"title": "Mine"}).status_code == 403


def test_a_partner_organisation_sees_the_programme_and_an_outsider_does_not(alliance: Alliance) -> None:
    programme = services.programme_create(
        viewer=viewer_for(alliance.alice),
        actor=alliance.alice,
        organisation=alliance.centre,
        title="Organoid medicine",
        problem_statement="S",
        partner_organisations=[alliance.acme],
    )

    assert "Organoid medicine" in page(client_for(alliance.paula).get(url("programme_list")))
    assert client_for(alliance.gary).get(url("programme_detail", programme.pk)).status_code == 404


def test_the_programme_list_runs_the_same_number_of_queries_for_many_programmes(
    alliance: Alliance, django_assert_num_queries: Any
) -> None:
    def create(n: int) -> None:
        for i in range(n):
            services.programme_create(
                viewer=viewer_for(alliance.alice),
                actor=alliance.alice,
                organisation=alliance.centre,
                title=f"Programme {i}",
                problem_statement="S",
                partner_organisations=[alliance.acme],
            )

    client = client_for(alliance.alice)
    create(1)
    with django_assert_num_queries(12) as few:
        client.get(url("programme_list"))
    create(5)
    with django_assert_num_queries(len(few.captured_queries)):
        client.get(url("programme_list"))


# Agreements


def mta(alliance: Alliance, joint: Joint) -> Agreement:
    return services.agreement_create(
        viewer=viewer_for(alliance.alice),
        actor=alliance.alice,
        title="Organoid MTA",
        kind="mta",
        parties=[alliance.centre, alliance.globex],
        project=joint.project,
        documents=[joint.term_sheet],
    )


def test_alliance_manager_drafts_an_agreement_for_a_project_with_a_linked_document(
    alliance: Alliance, joint: Joint
) -> None:
    client = client_for(alliance.alice)
    form = client.get(url("agreement_create"), {"project": joint.project.pk}).context["form"]

    response = client.post(
        url("agreement_create"),
        {
            "project": joint.project.pk,
            "title": "Acme sponsored research",
            "kind": "sponsored_research",
            "parties": [alliance.centre.pk, alliance.acme.pk],
            "documents": [joint.term_sheet.pk],
        },
    )

    agreement = Agreement.objects.get(title="Acme sponsored research")
    assert form.initial["parties"] == [alliance.centre.pk]
    assert response["Location"] == url("agreement_detail", agreement.pk)
    assert (agreement.project, agreement.status) == (joint.project, "draft")
    assert list(agreement.documents.all()) == [joint.term_sheet]
    assert "Acme sponsored research" in page(client.get(url("project_detail", joint.project.pk)))


def test_an_agreement_with_one_party_is_refused_naming_the_field(alliance: Alliance) -> None:
    response = client_for(alliance.alice).post(
        url("agreement_create"), {"title": "Solo", "kind": "cda", "parties": [alliance.centre.pk]}
    )

    assert response.context["form"].errors["parties"] == ["An agreement has at least two parties."]
    assert not Agreement.objects.filter(title="Solo").exists()


def test_an_investigator_may_not_draft_an_agreement(alliance: Alliance) -> None:
    assert client_for(alliance.ivan).get(url("agreement_create")).status_code == 403


def test_agreements_are_filtered_by_kind_and_status(alliance: Alliance, joint: Joint) -> None:
    mta(alliance, joint)
    client = client_for(alliance.alice)

    assert "Organoid MTA" in page(client.get(url("agreement_list"), {"kind": "mta"}))
    assert "Organoid MTA" not in page(client.get(url("agreement_list"), {"kind": "cda"}))
    assert "Organoid MTA" not in page(client.get(url("agreement_list"), {"status": "executed"}))
    partial = client.get(url("agreement_list"), {"kind": "mta"}, HTTP_HX_REQUEST="true")
    assert "<html" not in page(partial) and "Organoid MTA" in page(partial)


def test_a_non_party_does_not_see_the_agreement(alliance: Alliance, joint: Joint) -> None:
    agreement = mta(alliance, joint)

    assert client_for(alliance.paula).get(url("agreement_detail", agreement.pk)).status_code == 404
    assert "Organoid MTA" not in page(client_for(alliance.paula).get(url("agreement_list")))


def test_the_agreement_list_runs_the_same_number_of_queries_for_many_agreements(
    alliance: Alliance, joint: Joint, django_assert_num_queries: Any
) -> None:
    client = client_for(alliance.alice)
    mta(alliance, joint)
    with django_assert_num_queries(11) as few:
        client.get(url("agreement_list"))
    for _ in range(5):
        mta(alliance, joint)
    with django_assert_num_queries(len(few.captured_queries)):
        client.get(url("agreement_list"))


def test_alliance_manager_moves_an_agreement_into_negotiation(alliance: Alliance, joint: Joint) -> None:
    agreement = mta(alliance, joint)
    client = client_for(alliance.alice)

    client.post(url("agreement_transition", agreement.pk), {"status": "in_negotiation"})

    html = page(client.get(url("agreement_detail", agreement.pk)))
    assert "Draft → In negotiation" in html
    agreement.refresh_from_db()
    assert agreement.status == "in_negotiation"


def test_choosing_executed_in_the_status_form_tells_the_manager_to_sign(
    alliance: Alliance, joint: Joint
) -> None:
    agreement = mta(alliance, joint)
    client = client_for(alliance.alice)
    target = url("agreement_transition", agreement.pk)
    client.post(target, {"status": "in_negotiation"})

    refused = client.post(target, {"status": "executed", "effective_date": "2026-01-01"})

    assert refused.status_code == 400
    assert "every party has signed it" in refused.context["form"].errors["status"][0]
    agreement.refresh_from_db()
    assert agreement.status == "in_negotiation"


def test_the_agreement_page_offers_each_manager_to_sign_for_their_own_organisation(
    alliance: Alliance, joint: Joint, managers: Managers
) -> None:
    agreement = mta(alliance, joint)
    services.agreement_transition(actor=alliance.alice, agreement=agreement, to_status="in_negotiation")

    alice_sees = page(client_for(alliance.alice).get(url("agreement_detail", agreement.pk)))
    greta_sees = page(client_for(managers.greta).get(url("agreement_detail", agreement.pk)))
    gary_sees = page(client_for(alliance.gary).get(url("agreement_detail", agreement.pk)))

    assert "Sign for St Olaf Cancer Centre" in alice_sees and "Sign for Globex" not in alice_sees
    assert "Sign for Globex Pharma" in greta_sees and "Sign for St Olaf" not in greta_sees
    assert "Sign for" not in gary_sees
    assert "Awaiting the signature of Globex Pharma" in gary_sees


def test_after_signing_the_page_no_longer_offers_to_sign_and_awaits_only_the_other_party(
    alliance: Alliance, joint: Joint, managers: Managers
) -> None:
    agreement = mta(alliance, joint)
    services.agreement_transition(actor=alliance.alice, agreement=agreement, to_status="in_negotiation")
    services.agreement_sign(actor=managers.greta, agreement=agreement)

    greta_sees = page(client_for(managers.greta).get(url("agreement_detail", agreement.pk)))
    alice_sees = page(client_for(alliance.alice).get(url("agreement_detail", agreement.pk)))

    assert "Sign for" not in greta_sees
    assert "Sign for St Olaf Cancer Centre" in alice_sees
    assert "Awaiting the signature of St Olaf Cancer Centre" in greta_sees
    assert "Awaiting the signature of Globex Pharma" not in greta_sees


def test_a_manager_of_both_parties_is_offered_no_second_signature_after_signing_for_one(
    alliance: Alliance, joint: Joint
) -> None:
    membership_add(user=alliance.alice, organisation=alliance.globex, role=Role.ALLIANCE_MANAGER)
    agreement = mta(alliance, joint)
    services.agreement_transition(actor=alliance.alice, agreement=agreement, to_status="in_negotiation")
    before = page(client_for(alliance.alice).get(url("agreement_detail", agreement.pk)))
    services.agreement_sign(actor=alliance.alice, agreement=agreement, organisation=alliance.centre)

    after = page(client_for(alliance.alice).get(url("agreement_detail", agreement.pk)))

    assert "Sign for Globex Pharma" in before and "Sign for St Olaf Cancer Centre" in before
    assert "Sign for" not in after
    assert "Awaiting the signature of Globex Pharma" in after


def test_both_managers_sign_on_the_agreement_page_and_it_is_executed(
    alliance: Alliance, joint: Joint, managers: Managers
) -> None:
    agreement = mta(alliance, joint)
    services.agreement_transition(actor=alliance.alice, agreement=agreement, to_status="in_negotiation")

    first = client_for(managers.greta).post(
        url("agreement_sign", agreement.pk), {"organisation": alliance.globex.pk}
    )
    client_for(alliance.alice).post(url("agreement_sign", agreement.pk), {"organisation": alliance.centre.pk})

    assert first["Location"] == url("agreement_detail", agreement.pk)
    agreement.refresh_from_db()
    assert agreement.status == "executed"
    html = page(client_for(alliance.gary).get(url("agreement_detail", agreement.pk)))
    assert "Signed for Globex Pharma by Greta Globex" in html
    assert "Signed for St Olaf Cancer Centre by Alice Manager" in html
    assert "In negotiation → Executed" in html


def test_signing_for_another_partys_organisation_on_the_page_is_forbidden(
    alliance: Alliance, joint: Joint
) -> None:
    agreement = mta(alliance, joint)
    services.agreement_transition(actor=alliance.alice, agreement=agreement, to_status="in_negotiation")

    response = client_for(alliance.alice).post(
        url("agreement_sign", agreement.pk), {"organisation": alliance.globex.pk}
    )

    assert response.status_code == 403
    assert not agreement.signatures.exists()


def test_signing_a_draft_on_the_page_says_why_not(alliance: Alliance, joint: Joint) -> None:
    agreement = mta(alliance, joint)

    response = client_for(alliance.alice).post(url("agreement_sign", agreement.pk))

    assert response.status_code == 409
    assert "Only an agreement in negotiation is signed" in page(response)


def test_a_party_member_without_the_manager_role_cannot_change_an_agreement(
    alliance: Alliance, joint: Joint
) -> None:
    agreement = mta(alliance, joint)

    response = client_for(alliance.gary).post(
        url("agreement_transition", agreement.pk), {"status": "terminated"}
    )

    assert response.status_code == 403
    agreement.refresh_from_db()
    assert agreement.status == "draft"


def test_linked_confidential_documents_are_hidden_from_a_party_without_cda(
    alliance: Alliance, joint: Joint
) -> None:
    agreement = mta(alliance, joint)

    html = page(client_for(alliance.gary).get(url("agreement_detail", agreement.pk)))

    assert "Term sheet" not in html
    assert "1 linked document you may not read." in html


@pytest.mark.parametrize("name", ["project_list", "programme_list", "task_list", "agreement_list"])
def test_list_pages_open_for_every_member_persona(alliance: Alliance, joint: Joint, name: str) -> None:
    for person in (alliance.alice, alliance.ivan, alliance.nora, alliance.paula, alliance.gary):
        assert client_for(person).get(url(name)).status_code == 200


def project_pages(joint: Joint, checkin: CheckIn, result_pk: int) -> list[str]:
    project = joint.project.pk
    return [
        url("project_detail", project),
        url("project_stage", project),
        url("member_add", project),
        url("goal_create", project),
        url("key_result_update", project, result_pk),
        url("milestone_create", project),
        url("milestone_edit", project, joint.assay.pk),
        url("raci_edit", project),
        url("checkin_create", project),
        url("checkin_record", project, checkin.pk),
        url("document_upload", project),
        url("document_version_add", project, joint.protocol.pk),
        url("document_download", project, joint.protocol.pk),
    ]


def test_an_outsider_gets_404_from_every_project_page_and_form(alliance: Alliance, joint: Joint) -> None:
    checkin = services.checkin_create(actor=alliance.ivan, project=joint.project, scheduled_at=timezone.now())
    goal = services.goal_create(
        actor=alliance.ivan, project=joint.project, title="G", key_results=[services.KeyResultSpec("K", 1)]
    )
    client = client_for(outsider(alliance))

    for target in project_pages(joint, checkin, goal.key_results.get().pk):
        assert client.get(target).status_code in (404, 405), target
        assert client.post(target, {"title": "x"}).status_code in (404, 405), target


def test_garbage_posted_to_every_form_is_a_form_error_never_a_500(alliance: Alliance, joint: Joint) -> None:
    checkin = services.checkin_create(actor=alliance.ivan, project=joint.project, scheduled_at=timezone.now())
    goal = services.goal_create(
        actor=alliance.ivan, project=joint.project, title="G", key_results=[services.KeyResultSpec("K", 1)]
    )
    client = client_for(alliance.ivan)
    garbage = {
        "title": "",
        "stage": "nowhere",
        "due_date": "31/31/2031",
        "owner": "999999",
        "depends_on": "abc",
        "version": "x",
        "current": "lots",
        "scheduled_at": "soon",
        "email": "not-an-email",
        "items-TOTAL_FORMS": "x",
        f"raci_{joint.assay.pk}_{alliance.ivan.pk}": "Z",
        "status": "bogus",
        "confidentiality": "secret",
    }

    for target in [*project_pages(joint, checkin, goal.key_results.get().pk), url("project_create")]:
        response = client.post(target, garbage)
        assert response.status_code < 500, target
    manager = client_for(alliance.alice)
    agreement = mta(alliance, joint)
    for target in (
        url("programme_create"),
        url("agreement_create"),
        url("agreement_transition", agreement.pk),
        url("agreement_create") + "?project=abc",
    ):
        response = manager.post(target, {**garbage, "parties": "x", "kind": "?", "effective_date": "never"})
        assert response.status_code < 500, target


@pytest.mark.parametrize("bad_id", ["²", "٣", "1" * 25, "0", "-4"])
def test_an_id_in_a_query_string_that_is_not_an_ascii_database_id_is_never_a_500(
    alliance: Alliance, joint: Joint, bad_id: str
) -> None:
    lead, manager = client_for(alliance.ivan), client_for(alliance.alice)
    download = url("document_download", joint.project.pk, joint.protocol.pk)

    start = lead.get(url("project_create"), {"introduction": bad_id, "programme": bad_id})
    assert start.status_code == 200
    assert 'name="title" value=' not in page(start)  # nothing prefilled from an id that is not one
    assert lead.get(download, {"version": bad_id}).status_code == 404
    assert manager.get(url("agreement_create"), {"project": bad_id}).status_code == 404
    drafted = manager.post(
        url("agreement_create"),
        {"project": bad_id, "title": "MTA", "kind": "mta", "parties": [alliance.centre.pk, alliance.acme.pk]},
    )
    assert drafted.status_code == 404
    assert not Agreement.objects.filter(title="MTA").exists()
    assert not AuditEvent.objects.filter(action="document.download").exists()


def test_garbage_in_list_filters_shows_the_page_unfiltered(alliance: Alliance, joint: Joint) -> None:
    client = client_for(alliance.ivan)

    for target, params in (
        (url("project_list"), {"stage": "nowhere", "scope": "x", "page": "abc"}),
        (url("agreement_list"), {"kind": "zzz", "status": "?", "page": "-1"}),
        (url("task_list"), {"page": "99999"}),
        (url("programme_list"), {"page": "0"}),
        (url("project_create"), {"introduction": "abc"}),
    ):
        assert client.get(target, params).status_code == 200, target
    assert "EGFR organoid screen" in page(client.get(url("project_list"), {"stage": "nowhere"}))


# The alliance-office parts on the project's home


def test_project_page_offers_export_outcomes_and_activity_to_a_member(
    alliance: Alliance, joint: Joint
) -> None:
    html = page(client_for(alliance.ivan).get(url("project_detail", joint.project.pk)))

    assert url("project_export", joint.project.pk) in html
    assert f'hx-get="{url("project_outcomes", joint.project.pk)}"' in html
    assert f'hx-get="{url("project_activity", joint.project.pk)}"' in html


def test_only_the_alliance_office_sees_the_dashboard_link(alliance: Alliance, joint: Joint) -> None:
    dashboard = url("office_dashboard")

    assert dashboard in page(client_for(alliance.alice).get(url("project_list")))
    assert dashboard not in page(client_for(alliance.ivan).get(url("project_list")))
