"""A dataset with clinical data and mutations, a grant for Nora, and a Beacon client per persona.

The cancer centre shares "ob-cohort" (4 patients, 5 samples: IDC, LUAD x2, COAD, SKCM; mutations in
PIK3CA, KRAS p.G12C in both of OB-P002's samples, TP53, BRAF p.V600E, ERBB2) with the whole network.
Dana is its steward, Nora holds a grant, Ivan and Paula may see it without a grant, Oscar is an outsider.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from django.test import Client

from oncobridge.accounts.access import viewer_for
from oncobridge.accounts.services import token_create
from oncobridge.conftest import Alliance
from oncobridge.datasharing.models import Dataset
from oncobridge.datasharing.services import (
    access_request_decide,
    access_request_submit,
    dataset_create,
    dataset_import,
    import_source,
)

FIXTURES = Path(__file__).resolve().parents[2] / "formats" / "tests" / "fixtures"
BEACON = "/beacon/v2"


@pytest.fixture(autouse=True)
def datasets_root(settings: Any, tmp_path: Path) -> Path:
    settings.DATASETS_ROOT = tmp_path / "datasets"
    return tmp_path / "datasets"


def _import(alliance: Alliance, dataset: Dataset, **files: Any) -> None:
    dataset_import(
        viewer=viewer_for(alliance.dana), actor=alliance.dana, dataset=dataset, source=import_source(**files)
    )


@pytest.fixture
def cohort(alliance: Alliance) -> Dataset:
    dataset = dataset_create(
        viewer=viewer_for(alliance.dana),
        actor=alliance.dana,
        slug="ob-cohort",
        title="OncoBridge pan-cancer cohort",
        organisation=alliance.centre,
        duo_codes=("GRU",),
        description="Four patients with clinical data and somatic mutations.",
    )
    _import(
        alliance,
        dataset,
        cbioportal_clinical=[FIXTURES / "data_clinical_patient.txt", FIXTURES / "data_clinical_sample.txt"],
    )
    _import(alliance, dataset, maf=FIXTURES / "cohort_mutations.maf.txt")
    dataset.refresh_from_db()
    return dataset


@pytest.fixture
def nora_grant(alliance: Alliance, cohort: Dataset) -> None:
    request = access_request_submit(
        viewer=viewer_for(alliance.nora),
        actor=alliance.nora,
        dataset=cohort,
        purpose="Cancer research on KRAS-mutant lung cancer",
        commercial=False,
    )
    access_request_decide(
        viewer=viewer_for(alliance.dana), actor=alliance.dana, request=request, approve=True
    )


BeaconClient = Callable[..., Client]


@pytest.fixture
def client_for() -> BeaconClient:
    """A test client logged in as the user (None: anonymous)."""

    def make(user: Any | None) -> Client:
        client = Client()
        if user is not None:
            client.force_login(user)
        return client

    return make


@pytest.fixture
def bearer_for() -> Callable[[Any], dict[str, str]]:
    def make(user: Any) -> dict[str, str]:
        issued = token_create(user=user, name="beacon test")
        return {"HTTP_AUTHORIZATION": f"Bearer {issued.secret}"}

    return make
