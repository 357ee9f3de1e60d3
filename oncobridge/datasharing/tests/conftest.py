"""Datasets for the data-sharing tests: every test gets its own DATASETS_ROOT."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from oncobridge.accounts.access import viewer_for
from oncobridge.accounts.models import Role, User
from oncobridge.accounts.services import user_create
from oncobridge.conftest import PASSWORD, Alliance
from oncobridge.datasharing.models import Dataset, DatasetVersion
from oncobridge.datasharing.services import dataset_create, dataset_import, import_source

FIXTURES = Path(__file__).resolve().parents[2] / "formats" / "tests" / "fixtures"
MALFORMED = FIXTURES / "malformed"


@pytest.fixture(autouse=True)
def datasets_root(settings: Any, tmp_path: Path) -> Path:
    settings.DATASETS_ROOT = tmp_path / "datasets"
    return tmp_path / "datasets"


@pytest.fixture
def shared_data(settings: Any) -> Path:
    if settings.ONCOBRIDGE_DATA_DIR is None or not Path(settings.ONCOBRIDGE_DATA_DIR).is_dir():
        pytest.skip("ONCOBRIDGE_DATA_DIR not set: these tests import the real files in the shared data")
    return Path(settings.ONCOBRIDGE_DATA_DIR)


MakeDataset = Callable[..., Dataset]
Import = Callable[..., DatasetVersion]


@pytest.fixture
def make_dataset(alliance: Alliance) -> MakeDataset:
    """Dana registers a dataset of the cancer centre with the given DUO terms."""

    def make(slug: str = "breast-cohort", duo: tuple[str, ...] = ("GRU",), **fields: Any) -> Dataset:
        return dataset_create(
            viewer=viewer_for(alliance.dana),
            actor=alliance.dana,
            slug=slug,
            title=fields.pop("title", "Breast cohort"),
            organisation=alliance.centre,
            duo_codes=duo,
            **fields,
        )

    return make


@pytest.fixture
def import_as_dana(alliance: Alliance) -> Import:
    def run(dataset: Dataset, **files: Any) -> DatasetVersion:
        return dataset_import(
            viewer=viewer_for(alliance.dana),
            actor=alliance.dana,
            dataset=dataset,
            source=import_source(**files),
        )

    return run


@pytest.fixture
def clinical_dataset(make_dataset: MakeDataset, import_as_dana: Import) -> Dataset:
    """Four patients and five samples from cBioPortal clinical files, as version 1."""
    dataset = make_dataset()
    import_as_dana(
        dataset,
        cbioportal_clinical=[FIXTURES / "data_clinical_patient.txt", FIXTURES / "data_clinical_sample.txt"],
    )
    dataset.refresh_from_db()
    return dataset


@pytest.fixture(autouse=True)
def tasks_run_immediately(settings: Any) -> None:
    # Uploaded imports run as tasks; in tests they run when the upload's transaction commits.
    settings.TASKS = {"default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend"}}


@pytest.fixture
def uni_steward(alliance: Alliance) -> User:
    """Una, a data steward, but at Northern University: a steward elsewhere."""
    return user_create(
        email="una@northern.example",
        full_name="Una Steward",
        organisation=alliance.university,
        role=Role.DATA_STEWARD,
        password=PASSWORD,
    )
