"""The alliance office in a real browser: an output recorded through htmx, the dashboard, the pipeline."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.utils import timezone

from oncobridge.accounts.access import viewer_for
from oncobridge.collaborations.models import Agreement
from oncobridge.collaborations.services import milestone_create, project_create, project_member_add
from oncobridge.conftest import Alliance
from oncobridge.core.tests.browser import BROWSER_MARKS, expect, sign_in

pytestmark = BROWSER_MARKS


@pytest.fixture(autouse=True)
def media(settings: Any, tmp_path: Any) -> None:
    settings.MEDIA_ROOT = tmp_path / "media"


def test_a_lead_records_a_publication_and_the_alliance_office_sees_it(
    page: Any, live_server: Any, alliance: Alliance
) -> None:
    project = project_create(
        viewer=viewer_for(alliance.ivan),
        actor=alliance.ivan,
        organisation=alliance.centre,
        title="EGFR screen",
    )
    project_member_add(actor=alliance.ivan, project=project, user=alliance.paula, organisation=alliance.acme)
    milestone_create(
        actor=alliance.ivan,
        project=project,
        title="Assay validated",
        due_date=timezone.localdate() - dt.timedelta(days=2),
    )

    sign_in(page, live_server.url, alliance.ivan.email)
    page.goto(f"{live_server.url}/collaborations/projects/{project.pk}/outcomes/")
    page.get_by_label("PubMed id").fill("abc")
    page.get_by_role("button", name="Record").click()
    expect(page.get_by_text("is not a PubMed id")).to_be_visible()
    page.get_by_label("PubMed id").fill("31562422")
    page.get_by_label("Title").fill("Organoids predict EGFR inhibitor response")
    page.get_by_role("button", name="Record").click()
    expect(page.get_by_role("link", name="PMID 31562422")).to_be_visible()
    page.goto(f"{live_server.url}/collaborations/projects/{project.pk}/activity/")
    expect(page.get_by_text("Output recorded for “EGFR screen”: PMID 31562422")).to_be_visible()

    page.context.clear_cookies()
    sign_in(page, live_server.url, alliance.alice.email)
    page.goto(f"{live_server.url}/collaborations/office/")
    expect(page.get_by_test_id("stat-partnerships")).to_contain_text("1")
    expect(page.get_by_test_id("overdue-milestone")).to_contain_text("Assay validated")
    page.get_by_text("Projects outside a programme").click()
    expect(page.get_by_role("link", name="PMID 31562422")).to_be_visible()


def test_the_alliance_manager_filters_the_pipeline_by_kind(
    page: Any, live_server: Any, alliance: Alliance
) -> None:
    mta = Agreement.objects.create(title="Globex MTA", kind="mta")
    mta.parties.set([alliance.centre, alliance.globex])

    sign_in(page, live_server.url, alliance.alice.email)
    page.goto(f"{live_server.url}/collaborations/office/pipeline/")
    expect(page.get_by_role("link", name="Acme / St Olaf CDA")).to_be_visible()
    page.get_by_label("Kind").select_option("mta")
    expect(page.get_by_role("link", name="Acme / St Olaf CDA")).to_have_count(0)
    expect(page.get_by_role("link", name="Globex MTA")).to_be_visible()
    assert "kind=mta" in page.url
