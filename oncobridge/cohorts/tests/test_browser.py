"""The cohort builder in a real browser: two criteria, the live count, saving, and the survival tab."""

from __future__ import annotations

from typing import Any

from oncobridge.cohorts.tests.conftest import Personas
from oncobridge.core.tests.browser import BROWSER_MARKS, expect, sign_in

pytestmark = BROWSER_MARKS


def test_a_grantee_builds_a_cohort_with_two_criteria_saves_it_and_opens_survival(
    page: Any, live_server: Any, personas: Personas
) -> None:
    sign_in(page, live_server.url, personas.grantee.email)
    page.get_by_role("link", name="Cohorts").click()
    count = page.get_by_test_id("cohort-patients")
    expect(count).to_have_text("12")  # everyone, before any criterion

    page.locator('[name="c0-a"]').fill("TP53")
    expect(count).to_have_text("8")
    page.get_by_role("button", name="Add a criterion").click()
    # The new row is swapped in first and wired up by htmx a moment later: wait for that before using it.
    page.wait_for_function("() => document.querySelector('[name=c1-kind]')?.['htmx-internal-data']?.initHash")
    page.locator('[name="c1-kind"]').select_option("cancer_type")
    expect(page.locator('[name="c1-a"]')).to_have_attribute(
        "placeholder", "BRCA, LUAD (descendants included)"
    )
    page.locator('[name="c1-a"]').fill("LUAD")
    page.locator('[name="c1-not"]').check()
    expect(count).to_have_text("8")  # TP53 and not lung: all eight are breast
    page.locator('[name="c1-not"]').uncheck()
    expect(count).to_have_text("0")

    page.locator('[name="c1-a"]').fill("BRCA")
    expect(count).to_have_text("8")
    page.get_by_role("button", name="Add a criterion").click()
    page.wait_for_function("() => document.querySelector('[name=c2-kind]')?.['htmx-internal-data']?.initHash")
    page.locator('[name="c2-a"]').fill("KRAS")
    expect(count).to_have_text("0")
    page.get_by_role("button", name="Remove criterion 3").click()
    expect(page.locator('[name="c2-a"]')).to_have_count(0)
    expect(count).to_have_text("8")
    counts_posted: list[str] = []
    page.on("request", lambda sent: counts_posted.append(sent.url) if "/cohorts/count/" in sent.url else None)
    page.get_by_label("Name").fill("TP53 breast")
    page.get_by_label("Description").fill("for the survival tab")
    page.wait_for_timeout(800)  # twice the builder's 400 ms pause before it counts
    assert counts_posted == []  # naming a cohort does not change who is in it
    page.get_by_role("button", name="Save cohort").click()

    expect(page.get_by_role("heading", level=1)).to_have_text("TP53 breast")
    expect(page.get_by_test_id("cohort-patients")).to_have_text("8")
    page.get_by_role("link", name="Survival").click()
    page.get_by_label("Groups").select_option("gene")
    page.get_by_label("Gene", exact=True).fill("PIK3CA")
    page.get_by_role("button", name="Show").click()
    expect(page.locator(".analysis-chart svg")).to_be_visible()
    expect(page.locator("main table")).to_contain_text("PIK3CA mutated")
