"""The demo alliance: the built-in one everywhere, the real public data where ONCOBRIDGE_DATA_DIR has it."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from django.conf import settings
from django.db import transaction
from django.test import Client

from oncobridge.accounts.access import viewer_for
from oncobridge.accounts.models import Organisation, OrganisationKind, User
from oncobridge.core.models import AuditEvent
from oncobridge.core.visibility import Visibility
from oncobridge.portfolio import selectors
from oncobridge.portfolio.demo import DEFAULT_DEMO_PASSWORD, PERSONAS, DemoReport, demo_counts, demo_load
from oncobridge.portfolio.demo.public_data import missing_files, person_names
from oncobridge.portfolio.models import PartnerNeed, ResearchAsset, ResearchProject

DATA_DIR: Path | None = settings.ONCOBRIDGE_DATA_DIR


@pytest.mark.django_db
def test_the_builtin_demo_loads_every_persona_with_the_demo_password() -> None:
    report = demo_load(data_dir=None, show_progress=False)

    assert not report.public_data
    assert report.password == DEFAULT_DEMO_PASSWORD
    for persona in PERSONAS:
        assert User.objects.get(email=persona.email).check_password(DEFAULT_DEMO_PASSWORD)
    assert report.counts["research assets"] > 0
    assert report.counts["search documents"] == sum(
        report.counts[name]
        for name in (
            "investigator profiles",
            "research projects",
            "research assets",
            "partner profiles",
            "partner needs",
        )
    )


@pytest.mark.django_db
def test_the_builtin_demo_is_idempotent() -> None:
    demo_load(data_dir=None, show_progress=False)
    counts, events = demo_counts(), AuditEvent.objects.count()

    demo_load(data_dir=None, show_progress=False)

    assert demo_counts() == counts
    assert AuditEvent.objects.count() == events


@pytest.mark.django_db
def test_the_demo_password_comes_from_the_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    demo_load(data_dir=None, show_progress=False)
    monkeypatch.setenv("ONCOBRIDGE_DEMO_PASSWORD", "another-local-password")

    report = demo_load(data_dir=None, show_progress=False)

    assert report.password == "another-local-password"
    assert User.objects.get(email=PERSONAS[1].email).check_password("another-local-password")


@pytest.mark.django_db
def test_the_demo_admin_can_open_the_admin_site(settings: Any, tmp_path: Path) -> None:
    settings.STATIC_ROOT = tmp_path  # WhiteNoise warns when the static folder does not exist yet
    demo_load(data_dir=None, show_progress=False)
    client = Client()

    assert client.login(email="admin@oncobridge.example", password=DEFAULT_DEMO_PASSWORD)
    assert client.get("/admin/portfolio/researchasset/").status_code == 200


@pytest.mark.django_db
def test_only_the_company_with_a_cda_sees_the_centres_partners_only_assets() -> None:
    demo_load(data_dir=None, show_progress=False)
    partners_only = set(
        ResearchAsset.objects.filter(visibility=Visibility.PARTNERS).values_list("title", flat=True)
    )

    def visible_to(email: str) -> set[str]:
        viewer = viewer_for(User.objects.get(email=email))
        return set(selectors.asset_list(viewer=viewer).values_list("title", flat=True))

    assert partners_only
    assert partners_only <= visible_to("partner@helix.example")
    assert not partners_only & visible_to("partner@northwind.example")


@pytest.mark.django_db
def test_the_demo_says_what_it_lacks_without_a_data_directory() -> None:
    report = demo_load(data_dir=None, show_progress=False)

    assert report.lacking[0].startswith("ONCOBRIDGE_DATA_DIR is not set")


@pytest.mark.django_db
def test_the_demo_names_each_missing_file(tmp_path: Path) -> None:
    report = demo_load(data_dir=tmp_path, show_progress=False)

    assert not report.public_data
    assert f"{tmp_path / 'trials/industry_cancer_trials.tsv'} is missing." in report.lacking


def test_pi_fields_give_one_name_per_person() -> None:
    assert person_names("Kara N. Maxwell, MD, PhD") == ["Kara N. Maxwell"]
    assert person_names("Marcela Maus, PhD;Catherine J. Wu, MD") == ["Marcela Maus", "Catherine J. Wu"]
    assert person_names(
        "Irene Andrulis, PhD, Jeanine M. Genkinger, PHD, MHS, Mary Beth Terry, PhD (Contact)"
    ) == [
        "Irene Andrulis",
        "Jeanine M. Genkinger",
        "Mary Beth Terry",
    ]
    assert person_names("Eun-sil (Shelley) Hwang;Rajen Mody, MD, MS") == ["Eun-sil Hwang", "Rajen Mody"]


# --- the real public data ---------------------------------------------------------------------------------

needs_data = pytest.mark.skipif(
    DATA_DIR is None or bool(missing_files(DATA_DIR)),
    reason="the real-data demo needs ONCOBRIDGE_DATA_DIR with portfolio/ and trials/ files (see data README)",
)


@pytest.fixture(scope="module")
def real_demo(django_db_setup: None, django_db_blocker: Any) -> Iterator[DemoReport]:
    """Load the public data once for this module, inside a transaction rolled back at the end."""
    assert DATA_DIR is not None
    with django_db_blocker.unblock(), transaction.atomic():
        yield demo_load(data_dir=DATA_DIR, show_progress=False)
        transaction.set_rollback(True)


@needs_data
@pytest.mark.django_db
def test_every_industry_trial_becomes_a_partner_need(real_demo: DemoReport) -> None:
    needs = PartnerNeed.objects.filter(external_id__startswith="NCT")

    assert needs.count() == 401
    assert set(needs.values_list("collaboration_kind", flat=True)) == {"trial_site"}
    assert "levels of < 20 pg/mL have been achieved" in needs.get(external_id="NCT04906395").description


@needs_data
@pytest.mark.django_db
def test_trial_sponsors_become_companies_with_partner_profiles(real_demo: DemoReport) -> None:
    sponsor = Organisation.objects.get(name="AstraZeneca")

    assert sponsor.kind == OrganisationKind.COMPANY
    assert not sponsor.alliance_member
    assert sponsor.partner_profile.collaboration_kinds == ["trial_site", "co_development"]
    assert sponsor.partner_profile.therapeutic_areas
    assert (
        Organisation.objects.filter(kind=OrganisationKind.COMPANY, partner_profile__isnull=False).count()
        >= 175
    )


@needs_data
@pytest.mark.django_db
def test_nci_projects_keep_their_grant_programme_and_publications(real_demo: DemoReport) -> None:
    project = ResearchProject.objects.get(external_id="U24CA224285")  # listed under two programmes

    assert ResearchProject.objects.exclude(external_id__startswith="demo-").count() == 757
    assert project.organisation.name == "UNIVERSITY OF TX MD ANDERSON CAN CTR"
    assert project.organisation.kind == OrganisationKind.ACADEMIC
    assert "; " in project.programme
    assert ResearchProject.objects.exclude(publications=[]).count() > 600


@needs_data
@pytest.mark.django_db
def test_datasets_bring_their_investigators_with_profiles(real_demo: DemoReport) -> None:
    asset = ResearchAsset.objects.get(source="phs003348")

    assert asset.kind == "dataset"
    assert asset.size == 39
    assert "<p>" not in asset.description
    investigator = asset.investigators.get()
    assert investigator.full_name == "Kara N. Maxwell"
    assert not investigator.has_usable_password()
    assert set(asset.cancer_types) <= set(investigator.profile.cancer_types)
    assert {"dataset", "organoid", "cell_line"} <= set(ResearchAsset.objects.values_list("kind", flat=True))
    visibilities = set(
        ResearchAsset.objects.filter(external_id__startswith="dbgap:").values_list("visibility", flat=True)
    )
    assert visibilities == {"network", "alliance", "partners"}


@needs_data
@pytest.mark.django_db
def test_a_search_for_lung_cancer_finds_lung_adenocarcinoma_work(real_demo: DemoReport) -> None:
    viewer = viewer_for(User.objects.get(email="investigator@oncobridge.example"))
    tagged = {
        (kind, pk)
        for kind, model in (("project", ResearchProject), ("asset", ResearchAsset), ("need", PartnerNeed))
        for pk, codes in model.objects.values_list("pk", "cancer_types")
        if "LUAD" in codes
    }

    result = selectors.portfolio_search(viewer=viewer, query="lung cancer", limit=500)

    assert tagged
    assert {(hit.kind, hit.object_id) for hit in result.hits} & tagged


@needs_data
@pytest.mark.django_db
def test_the_real_demo_skips_nothing_and_a_second_load_changes_nothing(real_demo: DemoReport) -> None:
    events = AuditEvent.objects.count()
    assert DATA_DIR is not None

    again = demo_load(data_dir=DATA_DIR, show_progress=False)

    assert real_demo.public_data
    assert again.counts == real_demo.counts
    assert AuditEvent.objects.count() == events
