"""The access rules cohorts and the Beacon share: who may query, who sees rows, what a count reads as."""

from __future__ import annotations

from typing import Any

import pytest

from oncobridge.accounts.access import viewer_for
from oncobridge.cohorts import access
from oncobridge.cohorts.tests.conftest import Personas, dataset_steward
from oncobridge.conftest import Alliance
from oncobridge.datasharing.models import Dataset, Grant
from oncobridge.datasharing.services import dataset_create, grant_revoke
from oncobridge.vocab import GenePanel

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(("count", "shown"), [(0, "<5"), (1, "<5"), (4, "<5"), (5, 5), (120, 120)])
def test_counts_below_the_threshold_read_as_below_it(count: int, shown: int | str) -> None:
    assert access.suppress(count, 5) == shown


def test_the_threshold_comes_from_the_setting(settings: Any) -> None:
    settings.ONCOBRIDGE_SMALL_CELL_THRESHOLD = 10

    assert access.suppress(7) == "<10"


def test_a_threshold_of_one_turns_suppression_off() -> None:
    assert access.suppress(0, 1) == 0


def test_a_dataset_without_data_cannot_be_queried(personas: Personas, alliance: Alliance) -> None:
    dataset_create(
        viewer=viewer_for(alliance.dana),
        actor=alliance.dana,
        slug="empty",
        title="Empty",
        organisation=alliance.centre,
        duo_codes=("GRU",),
    )

    slugs = [d.slug for d in access.queryable_datasets(viewer_for(personas.investigator))]

    assert slugs == ["breast-lung"]


def test_an_outsider_may_query_nothing(personas: Personas) -> None:
    assert not access.queryable_datasets(viewer_for(personas.outsider)).exists()


def test_row_access_is_for_stewards_and_grantees(personas: Personas, cohort_dataset: Dataset) -> None:
    rows = {
        name: access.has_row_access(viewer_for(getattr(personas, name)), cohort_dataset)
        for name in ("grantee", "steward", "investigator", "industry", "outsider")
    }

    assert rows == {
        "grantee": True,
        "steward": True,
        "investigator": False,
        "industry": False,
        "outsider": False,
    }


def test_a_revoked_grant_gives_no_more_row_access(personas: Personas, cohort_dataset: Dataset) -> None:
    steward = dataset_steward(cohort_dataset)
    grant = Grant.objects.get(grantee=personas.grantee, dataset=cohort_dataset)

    grant_revoke(viewer=viewer_for(steward), actor=steward, grant=grant)

    assert not access.has_row_access(viewer_for(personas.grantee), cohort_dataset)


def test_the_source_points_at_the_current_version(personas: Personas, cohort_dataset: Dataset) -> None:
    source = access.dataset_source(cohort_dataset)

    assert source.key == "breast-lung"
    assert (source.directory / "mutations.parquet").is_file()
    assert source.panel_genes is None  # no assay named: every gene was profiled


def test_an_assay_naming_a_known_panel_gives_its_genes() -> None:
    panels = {"IMPACT341": GenePanel(id="IMPACT341", description="", genes=frozenset({"TP53", "KRAS"}))}

    assert access.panel_genes_for_assay("impact341", panels) == frozenset({"TP53", "KRAS"})
    assert access.panel_genes_for_assay("IMPACT 341", panels) == frozenset({"TP53", "KRAS"})
    assert access.panel_genes_for_assay("whole exome", panels) is None
    assert access.panel_genes_for_assay("IMPACT3410", panels) is None
