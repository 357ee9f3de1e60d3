"""The portfolio in a real browser: headless Chromium through Playwright, against a live server."""

from __future__ import annotations

import re
from typing import Any

from oncobridge.accounts.access import viewer_for
from oncobridge.conftest import Alliance
from oncobridge.core.tests.browser import BROWSER_MARKS, expect, sign_in
from oncobridge.portfolio import services

pytestmark = BROWSER_MARKS


def test_a_member_searches_narrows_by_cancer_type_and_opens_an_asset(
    page: Any, live_server: Any, alliance: Alliance
) -> None:
    viewer = viewer_for(alliance.alice)
    for title, code, gene in (
        ("Lung adenocarcinoma PDX models", "LUAD", "KRAS"),
        ("Breast cancer PDX models", "BRCA", "BRCA1"),
    ):
        services.asset_save(
            viewer=viewer,
            actor=alliance.alice,
            organisation=alliance.centre,
            kind="pdx_model",
            title=title,
            cancer_types=[code],
            genes=[gene],
            visibility="network",
        )
    sign_in(page, live_server.url, alliance.ivan.email)

    page.get_by_role("searchbox", name="Search the portfolio").fill("PDX")
    hits = page.locator("#search-results .hit")
    expect(hits).to_have_count(2)

    page.locator("#facet-cancer_type-lung").check()
    expect(hits).to_have_count(1)
    expect(hits.first).to_contain_text("Lung adenocarcinoma PDX models")
    expect(page).to_have_url(re.compile(r"cancer_type=LUNG"))

    hits.first.get_by_role("link").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Lung adenocarcinoma PDX models")
    expect(page.locator("main")).to_contain_text("Lung Adenocarcinoma")


def test_an_investigator_edits_their_profile(page: Any, live_server: Any, alliance: Alliance) -> None:
    sign_in(page, live_server.url, alliance.ivan.email)
    page.get_by_role("link", name="My profile").click()

    page.get_by_label("Summary").fill("Drug resistance in KRAS-mutant lung cancer.")
    page.get_by_label("Cancer types").fill("LUAD, NOPE")
    page.get_by_role("button", name="Save profile").click()
    expect(page.locator(".field--error")).to_contain_text("'NOPE' is not an OncoTree code.")

    page.get_by_label("Cancer types").fill("LUAD")
    page.get_by_role("button", name="Save profile").click()
    expect(page.get_by_role("status").filter(has_text="Your profile is saved.")).to_be_visible()
    expect(page.get_by_test_id("profile-summary")).to_have_text("Drug resistance in KRAS-mutant lung cancer.")
    expect(page.locator("main")).to_contain_text("Lung Adenocarcinoma")
