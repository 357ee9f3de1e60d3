"""Matchmaking fixtures: a small portfolio over the shared alliance, and a match index built from it.

Each test gets its own VAR_DIR (its own index); the embedders are created once per session, before that, so
that their passage vectors are cached under the checkout's var/ and the ONNX model loads once.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import pytest

from oncobridge.accounts.access import viewer_for
from oncobridge.conftest import Alliance
from oncobridge.core.visibility import Visibility
from oncobridge.matching import indexing
from oncobridge.portfolio.models import InvestigatorProfile, PartnerNeed, ResearchAsset
from oncobridge.portfolio.services import asset_save, need_save, profile_upsert


@pytest.fixture(scope="session", autouse=True)
def embedders() -> None:
    indexing.document_embedder()
    indexing.query_embedder()


@pytest.fixture(autouse=True)
def matching_settings(settings: Any, tmp_path: Any) -> None:
    settings.VAR_DIR = tmp_path
    settings.TASKS = {"default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend"}}


@dataclass
class Portfolio:
    organoids: ResearchAsset  # the centre's, partners under CDA only
    cohort: ResearchAsset  # the centre's, whole network
    ivan: InvestigatorProfile  # the centre's, whole network
    nora: InvestigatorProfile  # the university's, alliance
    acme_need: PartnerNeed  # Acme's, whole network
    globex_need: PartnerNeed  # Globex's, whole network


@pytest.fixture
def portfolio(alliance: Alliance) -> Portfolio:
    centre_manager = viewer_for(alliance.alice)
    organoids = asset_save(
        viewer=centre_manager,
        actor=alliance.ivan,
        owner=alliance.ivan,
        organisation=alliance.centre,
        kind="organoid",
        title="Lung adenocarcinoma organoid biobank",
        description="Patient-derived organoids of resected lung adenocarcinoma with EGFR and KRAS mutations.",
        cancer_types=["LUAD"],
        genes=["EGFR", "KRAS"],
        visibility=Visibility.PARTNERS,
    )
    cohort = asset_save(
        viewer=centre_manager,
        actor=alliance.ivan,
        organisation=alliance.centre,
        kind="dataset",
        title="Lung cancer sequencing cohort",
        description="Whole-exome sequencing data of 400 lung adenocarcinoma patients with outcomes.",
        cancer_types=["LUAD"],
        genes=["EGFR", "TP53"],
        visibility=Visibility.NETWORK,
    )
    ivan = profile_upsert(
        viewer=viewer_for(alliance.ivan),
        actor=alliance.ivan,
        user=alliance.ivan,
        organisation=alliance.centre,
        summary="Lung cancer biology: organoid models of EGFR-mutant adenocarcinoma and drug resistance.",
        cancer_types=["LUAD"],
        genes=["EGFR"],
        visibility=Visibility.NETWORK,
    )
    nora = profile_upsert(
        viewer=viewer_for(alliance.nora),
        actor=alliance.nora,
        user=alliance.nora,
        organisation=alliance.university,
        summary="Breast cancer imaging and HER2 signalling in mouse models.",
        cancer_types=["BRCA"],
        genes=["ERBB2"],
        visibility=Visibility.ALLIANCE,
    )
    acme_need = need_save(
        viewer=viewer_for(alliance.paula),
        actor=alliance.paula,
        organisation=alliance.acme,
        title="Patient-derived models for an EGFR inhibitor in NSCLC",
        description="We seek organoid or PDX models of non-small cell lung cancer to test an EGFR inhibitor.",
        cancer_types=["NSCLC"],
        genes=["EGFR"],
        collaboration_kind="material_access",
        visibility=Visibility.NETWORK,
    )
    globex_need = need_save(
        viewer=viewer_for(alliance.gary),
        actor=alliance.gary,
        organisation=alliance.globex,
        title="Trial sites for a lung cancer antibody",
        description="Clinical trial sites enrolling NSCLC patients for a phase 2 antibody trial.",
        cancer_types=["NSCLC"],
        collaboration_kind="trial_site",
        visibility=Visibility.NETWORK,
    )
    return Portfolio(organoids, cohort, ivan, nora, acme_need, globex_need)


@pytest.fixture
def indexed(portfolio: Portfolio) -> Portfolio:
    indexing.index_rebuild()
    return portfolio
