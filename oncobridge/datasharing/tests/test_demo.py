"""The demo datasets: real public files imported for the demo centre by its steward, once."""

from __future__ import annotations

from pathlib import Path

import pytest

from oncobridge.accounts.access import viewer_for
from oncobridge.accounts.models import User
from oncobridge.core.models import AuditEvent
from oncobridge.datasharing.demo import DEMO_STEWARD, demo_datasets_load
from oncobridge.datasharing.models import Dataset, DatasetVersion
from oncobridge.datasharing.services import access_request_submit
from oncobridge.portfolio.demo.builtin import builtin_alliance_load

pytestmark = pytest.mark.django_db


@pytest.fixture
def demo_alliance() -> None:
    builtin_alliance_load(show_progress=False)


def test_the_demo_imports_the_public_files_owned_by_the_demo_centre(
    shared_data: Path, demo_alliance: None
) -> None:
    counts = demo_datasets_load(data_dir=shared_data, show_progress=False)

    slugs = set(Dataset.objects.values_list("slug", flat=True))
    assert {
        "apl-primary",
        "apl-relapse",
        "tcga-brca-cbioportal",
        "bcc-unige-2016",
        "mcode-trial-matching",
    } <= slugs
    assert counts["shared datasets"] == counts["dataset versions"] == len(slugs)
    apl = Dataset.objects.get(slug="apl-primary")
    assert apl.organisation.slug == "oncobridge-ccc"
    assert apl.current_version is not None
    assert apl.current_version.created_by == User.objects.get(email=DEMO_STEWARD)
    assert apl.current_version.row_counts["mutations"] > 0
    fhir = Dataset.objects.get(slug="mcode-trial-matching")
    assert fhir.current_version is not None and fhir.current_version.row_counts["patients"] == 1


def test_the_lifelines_tables_become_clinical_datasets_with_survival(demo_alliance: None) -> None:
    pytest.importorskip("lifelines", reason="lifelines (a dev dependency) is not installed")

    demo_datasets_load(data_dir=None, show_progress=False)

    gbsg2 = Dataset.objects.get(slug="gbsg2-breast").current_version
    lung = Dataset.objects.get(slug="ncctg-lung").current_version
    assert gbsg2 is not None and gbsg2.row_counts["outcomes"] == 686
    assert lung is not None and lung.row_counts["patients"] == 228
    assert [source["kind"] for source in lung.sources] == ["clinical", "mapping"]


def test_a_second_demo_load_changes_nothing(shared_data: Path, demo_alliance: None) -> None:
    demo_datasets_load(data_dir=shared_data, show_progress=False)
    versions, events = DatasetVersion.objects.count(), AuditEvent.objects.count()

    demo_datasets_load(data_dir=shared_data, show_progress=False)

    assert DatasetVersion.objects.count() == versions
    assert AuditEvent.objects.count() == events


def test_the_ncu_demo_dataset_flags_an_industry_members_commercial_request(
    shared_data: Path, demo_alliance: None
) -> None:
    demo_datasets_load(data_dir=shared_data, show_progress=False)
    industry = User.objects.get(email="partner@helix.example")
    request = access_request_submit(
        viewer=viewer_for(industry),
        actor=industry,
        dataset=Dataset.objects.get(slug="bcc-unige-2016"),
        purpose="Companion diagnostic for basal cell carcinoma",
        commercial=True,
    )
    assert request.duo_check["compatible"] is False
