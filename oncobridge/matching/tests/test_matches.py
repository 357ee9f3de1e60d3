"""Finding partners: explained matches over only what the requester may see."""

from __future__ import annotations

from typing import Any

import pytest

from oncobridge.accounts.access import viewer_for
from oncobridge.accounts.models import User
from oncobridge.conftest import Alliance
from oncobridge.core.visibility import Visibility
from oncobridge.matching.indexing import index_rebuild
from oncobridge.matching.selectors import MatchQuery, MatchResult, matches_find
from oncobridge.matching.tests.conftest import Portfolio
from oncobridge.portfolio.services import asset_save

LUNG_ORGANOIDS = "organoid models of EGFR-mutant lung adenocarcinoma"


def find(user: User, **query: Any) -> MatchResult:
    return matches_find(user=user, viewer=viewer_for(user), query=MatchQuery(**query))


def keys(result: MatchResult) -> list[str]:
    return [match.key for match in result.matches]


def test_a_need_for_nsclc_finds_a_luad_organoid_asset_and_says_why(
    alliance: Alliance, indexed: Portfolio
) -> None:
    result = find(alliance.paula, source_kind="need", source_id=indexed.acme_need.pk)

    organoids = next(match for match in result.matches if match.key == f"asset:{indexed.organoids.pk}")
    assert "Cancer types: NSCLC (you) ⊃ LUAD (them)" in organoids.explanation
    assert "They offer patient-derived models, which you seek." in organoids.explanation
    assert organoids.score == pytest.approx(sum(organoids.parts.values()), abs=1e-3)


def test_gary_never_gets_the_centres_partners_only_asset(alliance: Alliance, indexed: Portfolio) -> None:
    result = find(alliance.gary, text=LUNG_ORGANOIDS, limit=50)

    assert f"asset:{indexed.organoids.pk}" not in keys(result)
    assert all(indexed.organoids.title not in match.title for match in result.matches)


def test_paula_whose_company_has_a_cda_gets_the_partners_only_asset(
    alliance: Alliance, indexed: Portfolio
) -> None:
    result = find(alliance.paula, text=LUNG_ORGANOIDS)

    assert f"asset:{indexed.organoids.pk}" in keys(result)


def test_the_requesters_own_organisation_is_left_out_unless_asked(
    alliance: Alliance, indexed: Portfolio
) -> None:
    without = find(alliance.ivan, text=LUNG_ORGANOIDS)
    including = find(alliance.ivan, text=LUNG_ORGANOIDS, include_own_organisation=True)

    assert all(match.organisation_slug != "st-olaf" for match in without.matches)
    assert f"asset:{indexed.organoids.pk}" in keys(including)


def test_no_organisation_fills_more_than_two_places(alliance: Alliance, portfolio: Portfolio) -> None:
    for number in range(4):
        asset_save(
            viewer=viewer_for(alliance.alice),
            actor=alliance.alice,
            organisation=alliance.centre,
            kind="pdx_model",
            title=f"Lung adenocarcinoma PDX panel {number}",
            cancer_types=["LUAD"],
            visibility=Visibility.NETWORK,
        )
    index_rebuild()

    result = find(alliance.gary, text="lung adenocarcinoma PDX models", limit=20)

    centre = [match for match in result.matches if match.organisation_slug == "st-olaf"]
    assert len(centre) == 2


def test_filters_keep_only_the_kinds_asked_for(alliance: Alliance, indexed: Portfolio) -> None:
    result = find(alliance.paula, text=LUNG_ORGANOIDS, kinds=("need",), include_own_organisation=True)

    assert result.matches
    assert {match.kind for match in result.matches} == {"need"}


def test_matching_before_the_first_reindex_says_the_index_is_missing(
    alliance: Alliance, portfolio: Portfolio
) -> None:
    result = find(alliance.paula, text=LUNG_ORGANOIDS)

    assert not result.index_ready
    assert result.matches == []


def test_a_partners_asset_gary_cannot_see_changes_none_of_his_scores(
    alliance: Alliance, indexed: Portfolio
) -> None:
    before = find(alliance.gary, text=LUNG_ORGANOIDS, limit=50)
    hidden = asset_save(
        viewer=viewer_for(alliance.alice),
        actor=alliance.alice,
        organisation=alliance.centre,
        kind="organoid",
        title="EGFR-mutant lung adenocarcinoma organoid models",
        description=" ".join([LUNG_ORGANOIDS] * 20),  # the best lexical match there could be
        cancer_types=["LUAD"],
        genes=["EGFR"],
        visibility=Visibility.PARTNERS,
    )
    index_rebuild()

    after = find(alliance.gary, text=LUNG_ORGANOIDS, limit=50)

    assert before.matches
    assert [(match.key, match.score, match.parts, match.explanation) for match in after.matches] == [
        (match.key, match.score, match.parts, match.explanation) for match in before.matches
    ]
    # Paula's company has a CDA with the centre: she sees the new asset, so it is indexed and does score.
    assert f"asset:{hidden.pk}" in keys(find(alliance.paula, text=LUNG_ORGANOIDS))
