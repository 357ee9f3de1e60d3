"""Data sharing in a real browser: headless Chromium through Playwright, against a live server."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from oncobridge.conftest import Alliance
from oncobridge.core.tests.browser import BROWSER_MARKS, expect, sign_in
from oncobridge.datasharing.models import Dataset, Grant
from oncobridge.datasharing.tests.conftest import FIXTURES

pytestmark = BROWSER_MARKS


def test_a_steward_imports_a_file_through_the_ui_and_sees_the_new_version(
    page: Any, live_server: Any, alliance: Alliance, clinical_dataset: Dataset
) -> None:
    sign_in(page, live_server.url, alliance.dana.email)
    page.get_by_role("link", name="Data sharing").click()
    page.get_by_role("link", name="Breast cohort").click()
    page.get_by_role("link", name="Import a new version").click()
    page.wait_for_load_state("load")

    page.get_by_label("What the file holds").select_option("maf")
    page.get_by_label("File", exact=True).set_input_files(str(FIXTURES / "cohort_mutations.maf.txt"))
    page.get_by_role("button", name="Upload and import").click()

    expect(page.locator("#import-status")).to_have_attribute("data-status", "succeeded")
    expect(page.locator("#import-status")).to_contain_text("Version 2 is now the dataset's current version.")
    page.get_by_role("link", name="Version 2").click()
    expect(page.get_by_test_id("version-2")).to_contain_text("cohort_mutations.maf.txt")
    expect(page.get_by_role("heading", name="Version 2 (current)")).to_be_visible()


def test_a_refused_upload_shows_its_problems_in_the_browser(
    page: Any, live_server: Any, alliance: Alliance, clinical_dataset: Dataset, tmp_path: Path
) -> None:
    broken = tmp_path / "broken.maf"
    broken.write_text("Hugo_Symbol\tChromosome\nKRAS\n")
    sign_in(page, live_server.url, alliance.dana.email)
    page.goto(f"{live_server.url}/datasets/{clinical_dataset.slug}/import/")
    page.wait_for_load_state("load")
    page.get_by_label("File", exact=True).set_input_files(str(broken))
    page.get_by_role("button", name="Upload and import").click()

    expect(page.locator("#import-status")).to_have_attribute("data-status", "refused")
    expect(page.locator("table.problems")).to_contain_text("broken.maf")
    clinical_dataset.refresh_from_db()
    assert clinical_dataset.versions.count() == 1


def test_a_researcher_requests_access_the_steward_approves_and_the_researcher_downloads(
    page: Any, live_server: Any, alliance: Alliance, clinical_dataset: Dataset
) -> None:
    sign_in(page, live_server.url, alliance.nora.email)
    page.goto(f"{live_server.url}/datasets/{clinical_dataset.slug}/")
    page.get_by_role("link", name="Request access").first.click()
    page.wait_for_load_state("load")
    page.get_by_label("Purpose").fill("Relapse biomarkers in breast cancer")
    expect(page.get_by_test_id("duo-check")).to_contain_text("Compatible with the dataset's data-use terms")
    page.get_by_label("Project").fill("RELAPSE-1")
    page.get_by_role("button", name="Submit request").click()
    expect(page.get_by_test_id("request-status")).to_have_text("Submitted")

    sign_in(page, live_server.url, alliance.dana.email)
    page.goto(f"{live_server.url}/datasets/committee/")
    page.get_by_role("link", name="Breast cohort").click()
    page.get_by_label("Approve").check()
    page.get_by_role("button", name="Save decision").click()
    expect(page.get_by_test_id("request-status")).to_have_text("Approved")
    assert Grant.objects.filter(grantee=alliance.nora).count() == 1

    sign_in(page, live_server.url, alliance.nora.email)
    page.goto(f"{live_server.url}/datasets/{clinical_dataset.slug}/")
    with page.expect_download() as download_info:
        page.locator(".downloads li").filter(has_text="patients:").get_by_role("link", name="CSV").click()
    download = download_info.value
    assert download.suggested_filename == "breast-cohort-v1-patients.csv"
    assert Path(download.path()).read_text().count("OB-P00") == 4
