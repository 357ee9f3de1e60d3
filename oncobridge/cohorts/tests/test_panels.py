"""Analyses through the app are panel-aware: a sample whose GENE_PANEL misses a gene is not profiled for it,
so it is neither wild type nor "neither" in a pair, and the oncoprint marks it not profiled.

The breast samples (S01-S08) were sequenced on IMPACT468, the lung samples (S09-S12) on AmpliSeq, whose
eight genes include TP53 but not PIK3CA or KRAS.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from oncobridge.cohorts.tests.conftest import BREAST, grant_rows, make_cohort_dataset
from oncobridge.cohorts.tests.test_api import post
from oncobridge.conftest import Alliance
from oncobridge.core.vocabularies import vocabularies
from oncobridge.datasharing.models import Dataset

pytestmark = pytest.mark.django_db

LUNG_SAMPLES = ["S09", "S10", "S11", "S12"]
BREAST_SAMPLES = [f"S{n:02d}" for n in range(1, len(BREAST) + 1)]
PANELS = dict.fromkeys(BREAST_SAMPLES, "IMPACT468") | dict.fromkeys(LUNG_SAMPLES, "AmpliSeq")


@pytest.fixture
def panel_dataset(alliance: Alliance, tmp_path: Path) -> Dataset:
    dataset = make_cohort_dataset(alliance, tmp_path / "panels", slug="on-panels", panels=PANELS)
    grant_rows(dataset, alliance.nora)
    return dataset


def test_the_panels_cover_what_these_tests_assume() -> None:
    panels = vocabularies().panels

    assert {"TP53", "PIK3CA", "KRAS"} <= set(panels["IMPACT468"].genes)
    assert "TP53" in panels["AmpliSeq"].genes
    assert not {"PIK3CA", "KRAS"} & set(panels["AmpliSeq"].genes)


def test_frequencies_count_only_the_samples_whose_panel_covers_the_gene(
    alliance: Alliance, panel_dataset: Dataset
) -> None:
    rows = post(alliance.nora, "/analyses/frequencies", {"datasets": ["on-panels"], "genes": ["PIK3CA"]})

    assert rows.json()[0]["profiled_samples"] == len(BREAST)


def test_the_oncoprint_marks_samples_whose_panel_misses_a_gene_as_not_profiled(
    alliance: Alliance, panel_dataset: Dataset
) -> None:
    body = {"datasets": ["on-panels"], "genes": ["TP53", "PIK3CA"]}

    result = post(alliance.nora, "/analyses/oncoprint", body).json()

    not_profiled = {tuple(pair) for pair in result["not_profiled"]}
    assert not_profiled == {(f"on-panels:{sample}", "PIK3CA") for sample in LUNG_SAMPLES}
    assert [f["profiled_samples"] for f in result["frequencies"]] == [12, 8]


def test_cooccurrence_counts_only_samples_profiled_for_both_genes(
    alliance: Alliance, panel_dataset: Dataset
) -> None:
    body = {"datasets": ["on-panels"], "genes": ["TP53", "PIK3CA"]}

    [pair] = post(alliance.nora, "/analyses/cooccurrence", body).json()

    # Without panels the four lung samples would be "neither" (6, 2, 0, 4).
    assert (pair["both"], pair["a_only"], pair["b_only"], pair["neither"]) == (6, 2, 0, 0)


def test_survival_by_gene_leaves_out_patients_not_profiled_for_it(
    alliance: Alliance, panel_dataset: Dataset
) -> None:
    body = {"datasets": ["on-panels"], "gene": "PIK3CA"}

    result = post(alliance.nora, "/analyses/survival", body).json()

    # Without panels the four lung patients would count as wild type (6 and 6).
    groups = [(g["label"], g["n"]) for g in result["groups"]]
    assert groups == [("PIK3CA wild type", 2), ("PIK3CA mutated", 6)]
