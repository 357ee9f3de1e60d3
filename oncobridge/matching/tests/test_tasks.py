"""The match index follows the portfolio: a background task applies every committed change."""

from __future__ import annotations

from typing import Any

from oncobridge.accounts.access import viewer_for
from oncobridge.conftest import Alliance
from oncobridge.core.visibility import Visibility
from oncobridge.matching import indexing
from oncobridge.matching.models import IndexChange
from oncobridge.matching.selectors import MatchQuery, matches_find
from oncobridge.matching.tests.conftest import Portfolio
from oncobridge.portfolio.services import asset_delete, asset_save


def test_the_index_learns_of_a_saved_asset(
    alliance: Alliance, indexed: Portfolio, django_capture_on_commit_callbacks: Any
) -> None:
    with django_capture_on_commit_callbacks(execute=True):
        asset = asset_save(
            viewer=viewer_for(alliance.alice),
            actor=alliance.alice,
            organisation=alliance.centre,
            kind="pdx_model",
            title="Pancreatic adenocarcinoma PDX collection",
            cancer_types=["PAAD"],
            visibility=Visibility.NETWORK,
        )

    found = matches_find(
        user=alliance.gary,
        viewer=viewer_for(alliance.gary),
        query=MatchQuery(text="pancreatic adenocarcinoma xenografts"),
    )
    assert found.matches[0].key == f"asset:{asset.pk}"
    assert not IndexChange.objects.exists()


def test_the_index_forgets_a_deleted_asset(
    alliance: Alliance, indexed: Portfolio, django_capture_on_commit_callbacks: Any
) -> None:
    with django_capture_on_commit_callbacks(execute=True):
        asset_delete(viewer=viewer_for(alliance.alice), actor=alliance.alice, asset=indexed.cohort)

    index = indexing.index_for_search()
    assert index is not None
    assert f"asset:{indexed.cohort.pk}" not in index


def test_a_change_before_any_index_builds_the_whole_index(
    alliance: Alliance, portfolio: Portfolio, django_capture_on_commit_callbacks: Any
) -> None:
    with django_capture_on_commit_callbacks(execute=True):
        asset_save(
            viewer=viewer_for(alliance.alice),
            actor=alliance.alice,
            organisation=alliance.centre,
            asset=portfolio.cohort,
            kind="dataset",
            title="Lung cancer sequencing cohort, version 2",
            visibility=Visibility.NETWORK,
        )

    index = indexing.index_for_search()
    assert index is not None
    assert len(index) == 6
