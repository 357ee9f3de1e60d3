"""Collaborations in a real browser: headless Chromium through Playwright, against a live server.

The main flows of issue 4: start a project, add a milestone, record a check-in whose action lands in the
owner's task list, and upload a confidential document that a partner under CDA downloads.
"""

from __future__ import annotations

import datetime as dt
import re
from pathlib import Path
from typing import Any

from django.utils import timezone

from oncobridge.collaborations import services
from oncobridge.collaborations.models import Project
from oncobridge.collaborations.tests.conftest import Joint
from oncobridge.conftest import Alliance
from oncobridge.core.tests.browser import BROWSER_MARKS, expect, new_page, sign_in

pytestmark = BROWSER_MARKS


def test_an_investigator_starts_a_project_and_adds_a_milestone_on_its_timeline(
    page: Any, live_server: Any, alliance: Alliance
) -> None:
    sign_in(page, live_server.url, alliance.ivan.email)
    page.get_by_role("link", name="Collaborations").click()
    page.get_by_role("link", name="Start a project").click()

    page.get_by_label("Title").fill("KRAS degrader in PDX models")
    page.get_by_label("Translational stage").select_option("proof_of_concept")
    page.get_by_role("button", name="Start project").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("KRAS degrader in PDX models")
    expect(page.get_by_test_id("project-stage")).to_have_text("Proof of concept")

    page.get_by_role("link", name="Add a milestone").click()
    page.get_by_label("Title").fill("Tumour regression in 3 models")
    page.get_by_label("Owner").select_option(label="Ivan Investigator")
    page.get_by_label("Due date").fill((timezone.localdate() + dt.timedelta(days=90)).isoformat())
    page.get_by_label("This is a deliverable").check()
    page.get_by_role("button", name="Add milestone").click()

    expect(page.get_by_role("status").filter(has_text="is added")).to_be_visible()
    expect(page.get_by_test_id("milestone-table")).to_contain_text("Tumour regression in 3 models")
    expect(page.get_by_role("img", name=re.compile("Timeline of"))).to_be_visible()
    expect(page.locator("svg.timeline [data-milestone]")).to_have_count(1)


def test_a_recorded_check_in_puts_the_action_in_the_owners_tasks_where_it_is_marked_done(
    page: Any, live_server: Any, alliance: Alliance, joint: Joint
) -> None:
    sign_in(page, live_server.url, alliance.ivan.email)
    page.goto(f"{live_server.url}/collaborations/projects/{joint.project.pk}/")
    page.get_by_role("link", name="Schedule a check-in").click()
    page.get_by_label("When").fill("2026-01-15T10:00")
    page.get_by_label("Agenda").fill("Assay QC results")
    page.get_by_role("button", name="Schedule").click()
    expect(page.get_by_role("status").filter(has_text="Check-in scheduled")).to_be_visible()

    page.get_by_role("link", name=re.compile("^Record")).click()
    page.get_by_label("Notes").fill("QC passed on 38 of 40 lines.")
    page.get_by_label("Decisions").fill("Go for the full screen.")
    row = page.get_by_test_id("action-item-0")
    row.get_by_label("Action").fill("Send the QC report to Acme")
    row.get_by_label("Owner").select_option(label="Paula Partner")
    page.get_by_role("button", name="Save the record").click()
    expect(page.locator("#checkins")).to_contain_text("Go for the full screen.")

    page.get_by_role("button", name="Sign out").click()
    sign_in(page, live_server.url, alliance.paula.email)
    page.goto(f"{live_server.url}/collaborations/tasks/")
    tasks = page.get_by_test_id("task-table")
    expect(tasks).to_contain_text("Send the QC report to Acme")
    tasks.get_by_role("button", name="Mark done Send the QC report to Acme").click()
    expect(tasks.locator(".badge--done")).to_have_text("Done")
    expect(tasks.get_by_role("button", name=re.compile("^Reopen"))).to_be_visible()


def test_a_lead_uploads_a_confidential_document_and_a_partner_under_cda_downloads_it(
    page: Any, live_server: Any, alliance: Alliance, joint: Joint, tmp_path: Path
) -> None:
    secret = tmp_path / "licence-terms.txt"
    secret.write_bytes(b"Royalty 4% on net sales.")
    sign_in(page, live_server.url, alliance.ivan.email)
    page.goto(f"{live_server.url}/collaborations/projects/{joint.project.pk}/")
    page.get_by_role("link", name="Upload a document").click()
    page.get_by_label("Title").fill("Licence terms")
    page.get_by_label("File").set_input_files(str(secret))
    page.get_by_label("Confidentiality").select_option("confidential")
    page.get_by_role("button", name="Upload").click()
    expect(page.get_by_test_id("document-table")).to_contain_text("Licence terms")

    page.get_by_role("button", name="Sign out").click()
    sign_in(page, live_server.url, alliance.paula.email)
    page.goto(f"{live_server.url}/collaborations/projects/{joint.project.pk}/")
    with page.expect_download() as download_info:
        page.get_by_role("link", name="Download Licence terms").click()
    download = download_info.value
    assert download.suggested_filename == "licence-terms.txt"
    assert Path(download.path()).read_bytes() == b"Royalty 4% on net sales."


def test_a_partner_without_cda_does_not_see_the_confidential_document(
    page: Any, live_server: Any, alliance: Alliance, joint: Joint
) -> None:
    sign_in(page, live_server.url, alliance.gary.email)
    page.goto(f"{live_server.url}/collaborations/projects/{joint.project.pk}/")

    documents = page.get_by_test_id("document-table")
    expect(documents).to_contain_text("Screening protocol")
    expect(documents).not_to_contain_text("Term sheet")


def test_a_second_editor_of_a_milestone_sees_the_conflict_and_keeps_their_text(
    page: Any, browser: Any, live_server: Any, alliance: Alliance, joint: Joint
) -> None:
    services.project_member_add(
        actor=alliance.ivan,
        project=Project.objects.get(pk=joint.project.pk),
        user=alliance.alice,
        organisation=alliance.centre,
        role="lead",
    )
    edit = f"{live_server.url}/collaborations/projects/{joint.project.pk}/milestones/{joint.assay.pk}/edit/"
    sign_in(page, live_server.url, alliance.ivan.email)
    page.goto(edit)
    other = new_page(browser)
    sign_in(other, live_server.url, alliance.alice.email)
    other.goto(edit)
    other.get_by_label("Status").select_option("blocked")
    other.get_by_role("button", name="Save milestone").click()
    expect(other.get_by_role("status").filter(has_text="is saved")).to_be_visible()
    other.context.close()

    page.get_by_label("Title").fill("Assay validated on 40 lines")
    page.get_by_role("button", name="Save milestone").click()

    expect(page.get_by_role("alert").filter(has_text="Someone else changed this milestone")).to_be_visible()
    expect(page.get_by_test_id("conflict-values")).to_contain_text("Blocked")
    expect(page.get_by_label("Title")).to_have_value("Assay validated on 40 lines")
    page.get_by_role("button", name="Save milestone").click()
    expect(page.get_by_test_id("milestone-table")).to_contain_text("Assay validated on 40 lines")
