"""Portfolio CSV/TSV import and export: all rows or none, every problem named, re-imports idempotent."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from oncobridge.accounts.access import viewer_for
from oncobridge.accounts.models import Role, User
from oncobridge.accounts.services import membership_add
from oncobridge.conftest import Alliance
from oncobridge.core.errors import ServiceError
from oncobridge.portfolio.csvio import (
    COLUMNS,
    ImportProblem,
    ImportRefused,
    ImportReport,
    portfolio_export,
    portfolio_import,
)
from oncobridge.portfolio.models import PartnerNeed, ResearchAsset, ResearchProject, SearchDocument

pytestmark = pytest.mark.django_db

HEADER = ",".join(COLUMNS)
GOOD_ROWS = [
    "asset,org-1,st-olaf,organoid,Lung organoids,Patient-derived organoids,LUAD,KRAS;egfr,,120,models,"
    "MTA,biobank,https://example.org/organoids,partners",
    'project,grant-7,st-olaf,,KRAS resistance,"An abstract, with a comma\nand a second line",'
    "LUAD,KRAS,,,,,,,",
    "need,need-3,acme,trial_site,Phase 1 sites,Sites for a KRAS study,NSCLC,KRAS,small_molecule,,,,,,network",
]


def write(tmp_path: Path, rows: list[str], *, name: str = "portfolio.csv", header: str = HEADER) -> Path:
    path = tmp_path / name
    path.write_text("\n".join([header, *rows]) + "\n", encoding="utf-8")
    return path


@pytest.fixture
def admin(alliance: Alliance) -> User:
    """Alice, also a platform admin: she may write every organisation's entries."""
    membership_add(user=alliance.alice, organisation=alliance.centre, role=Role.PLATFORM_ADMIN)
    return User.objects.get(pk=alliance.alice.pk)


def load(path: Path, user: User, **kwargs: Any) -> ImportReport:
    return portfolio_import(path, actor=user, viewer=viewer_for(user), **kwargs)


def counts() -> tuple[int, int, int, int]:
    return (
        ResearchAsset.objects.count(),
        ResearchProject.objects.count(),
        PartnerNeed.objects.count(),
        SearchDocument.objects.count(),
    )


def refusal(path: Path, user: User) -> list[str]:
    with pytest.raises(ImportRefused) as refused:
        load(path, user)
    return [str(problem) for problem in refused.value.problems]


def test_a_good_file_creates_every_row_searchable(admin: User, tmp_path: Path) -> None:
    path = write(tmp_path, GOOD_ROWS)

    report = load(path, admin)

    assert (report.created, report.updated, report.unchanged) == (3, 0, 0)
    asset = ResearchAsset.objects.get(external_id="org-1")
    assert (asset.kind, asset.genes, asset.size, asset.visibility) == (
        "organoid",
        ["KRAS", "EGFR"],
        120,
        "partners",
    )
    project = ResearchProject.objects.get(external_id="grant-7")
    assert project.abstract == "An abstract, with a comma\nand a second line"
    assert PartnerNeed.objects.get(external_id="need-3").collaboration_kind == "trial_site"
    assert SearchDocument.objects.filter(title="Lung organoids").exists()


def test_a_tsv_file_is_read_with_tabs(admin: User, tmp_path: Path) -> None:
    path = write(
        tmp_path,
        ["\t".join(["asset", "t-1", "st-olaf", "dataset", "A cohort, with commas"] + [""] * 10)],
        name="portfolio.tsv",
        header="\t".join(COLUMNS),
    )

    report = load(path, admin)

    assert report.created == 1
    assert ResearchAsset.objects.get(external_id="t-1").title == "A cohort, with commas"


def test_reimporting_the_same_file_changes_nothing(admin: User, tmp_path: Path) -> None:
    path = write(tmp_path, GOOD_ROWS)
    load(path, admin)
    before = counts()

    report = load(path, admin)

    assert (report.created, report.updated, report.unchanged) == (0, 0, 3)
    assert counts() == before


def test_a_changed_row_updates_its_entry(admin: User, tmp_path: Path) -> None:
    load(write(tmp_path, GOOD_ROWS), admin)
    changed = [GOOD_ROWS[0].replace("Lung organoids", "Lung adenocarcinoma organoids"), *GOOD_ROWS[1:]]

    report = load(write(tmp_path, changed), admin)

    assert (report.created, report.updated, report.unchanged) == (0, 1, 2)
    assert ResearchAsset.objects.get(external_id="org-1").title == "Lung adenocarcinoma organoids"


def test_a_malformed_file_reports_every_problem_and_writes_nothing(admin: User, tmp_path: Path) -> None:
    path = write(
        tmp_path,
        [
            GOOD_ROWS[0],
            "asset,a-2,st-olaf,organoid,Models,,LUNGX,KRAS,,ten,,,,,",
            "asset,a-3,st-olaf,dataset,,,,NOTAGENE1,,,,,,,everyone",
            "need,n-4,nowhere,trial_site,Sites,,,,,,,,,,",
            "project,p-5,st-olaf,dataset,Project,,,,laser_beams,5,,,,,",
            "asset,a-6,st-olaf,spaceship,Rocket,,,,,,,,,not a url,",
        ],
    )
    before = counts()

    problems = refusal(path, admin)

    assert problems == [
        "portfolio.csv:3: cancer_types: 'LUNGX' is not an OncoTree code",
        "portfolio.csv:3: size: 'ten' is not a whole number",
        "portfolio.csv:4: genes: 'NOTAGENE1' is not a known HUGO gene symbol or alias",
        "portfolio.csv:4: title: a title is required",
        "portfolio.csv:4: visibility: 'everyone' is not one of private, alliance, partners, network",
        "portfolio.csv:5: organisation: no organisation with slug 'nowhere'",
        "portfolio.csv:6: modalities: 'laser_beams' is not a modality; use one of adc, antibody, "
        "cell_therapy, device, diagnostic_biomarker, digital, radiopharmaceutical, small_molecule, vaccine",
        "portfolio.csv:6: size: only assets have a size; leave it empty",
        "portfolio.csv:6: kind: projects have no kind; leave it empty",
        "portfolio.csv:7: kind: 'spaceship' is not an asset kind: specimen_collection, pdx_model, organoid, "
        "cell_line, dataset, invention, patent, core_facility, clinical_trial",
        "portfolio.csv:7: url: 'not a url' is not an http(s) address",
    ]
    assert counts() == before


def test_a_refusal_is_a_service_error_listing_the_problems(admin: User, tmp_path: Path) -> None:
    path = write(tmp_path, ["asset,a-2,st-olaf,organoid,Models,,LUNGX,,,,,,,,"])

    with pytest.raises(
        ServiceError, match=r"portfolio\.csv:2: cancer_types: 'LUNGX' is not an OncoTree code"
    ):
        load(path, admin)


def test_a_wrong_header_is_refused(admin: User, tmp_path: Path) -> None:
    path = write(tmp_path, GOOD_ROWS, header=HEADER.replace("cancer_types", "cancers"))

    assert refusal(path, admin) == [
        "portfolio.csv:1: header: missing column(s): cancer_types",
        f"portfolio.csv:1: header: unknown column(s): cancers; expected {', '.join(COLUMNS)}",
    ]


def test_broken_encoding_is_reported_by_line(admin: User, tmp_path: Path) -> None:
    path = write(tmp_path, GOOD_ROWS)
    path.write_bytes(
        path.read_bytes() + "asset,x-1,st-olaf,dataset,Caf\u00e9 cohort,,,,,,,,,,\n".encode("latin-1")
    )
    before = counts()

    problems = refusal(path, admin)

    assert problems == [
        "portfolio.csv:6: encoding: byte 0xe9 at column 30 is not UTF-8; save the file as UTF-8"
    ]
    assert counts() == before


def test_duplicate_keys_in_one_file_are_refused(admin: User, tmp_path: Path) -> None:
    path = write(tmp_path, [GOOD_ROWS[0], GOOD_ROWS[0]])

    assert refusal(path, admin) == ["portfolio.csv:3: external_id: 'org-1' is also on line 2"]


def test_a_row_with_missing_fields_is_refused(admin: User, tmp_path: Path) -> None:
    path = write(tmp_path, ["asset,a-1,st-olaf,dataset,Title"])

    assert refusal(path, admin) == ["portfolio.csv:2: row: 5 fields, but the header has 15"]


def test_an_unsupported_extension_is_refused(admin: User, tmp_path: Path) -> None:
    path = write(tmp_path, GOOD_ROWS, name="portfolio.xlsx")

    assert refusal(path, admin) == [
        "portfolio.xlsx:0: file: the name must end in .csv (comma-separated) or .tsv (tab-separated)"
    ]


def test_an_industry_member_cannot_import_into_another_organisation(
    alliance: Alliance, tmp_path: Path
) -> None:
    path = write(tmp_path, [GOOD_ROWS[0]])

    with pytest.raises(ImportRefused) as refused:
        portfolio_import(path, actor=alliance.paula, viewer=viewer_for(alliance.paula))

    assert refused.value.problems == [
        ImportProblem(
            "portfolio.csv", 2, "organisation", "you may not add or change entries of St Olaf Cancer Centre"
        )
    ]


def test_the_default_organisation_fills_empty_cells(alliance: Alliance, admin: User, tmp_path: Path) -> None:
    path = write(tmp_path, ["asset,a-1,,dataset,Cohort,,,,,,,,,,"])

    load(path, admin, default_organisation=alliance.centre)

    assert ResearchAsset.objects.get(external_id="a-1").organisation == alliance.centre


def test_export_then_import_round_trips_without_changes(
    alliance: Alliance, admin: User, tmp_path: Path
) -> None:
    load(write(tmp_path, GOOD_ROWS), admin)
    ResearchAsset.objects.create(organisation=alliance.centre, kind="dataset", title="Made in the app")
    exported = tmp_path / "export.csv"

    rows = portfolio_export(exported, viewer=viewer_for(admin))
    before = counts()
    report = load(exported, admin)

    assert rows == 4
    assert (report.created, report.updated, report.unchanged) == (0, 0, 4)
    assert counts()[:3] == before[:3]


def test_export_into_an_empty_portfolio_recreates_the_entries(admin: User, tmp_path: Path) -> None:
    load(write(tmp_path, GOOD_ROWS), admin)
    exported = tmp_path / "export.tsv"
    portfolio_export(exported, viewer=viewer_for(admin))
    original = list(
        ResearchAsset.objects.values("title", "genes", "cancer_types", "size", "url", "visibility")
    )
    ResearchAsset.objects.all().delete()
    ResearchProject.objects.all().delete()
    PartnerNeed.objects.all().delete()

    report = load(exported, admin)

    assert report.created == 3
    assert list(
        ResearchAsset.objects.values("title", "genes", "cancer_types", "size", "url", "visibility")
    ) == (original)


def test_export_leaves_out_what_the_viewer_cannot_see(
    alliance: Alliance, admin: User, tmp_path: Path
) -> None:
    load(write(tmp_path, GOOD_ROWS), admin)
    exported = tmp_path / "export.csv"

    portfolio_export(exported, viewer=viewer_for(alliance.gary))

    text = exported.read_text(encoding="utf-8")
    assert "Phase 1 sites" in text
    assert "Lung organoids" not in text  # partners-only, and Globex has no CDA with St Olaf
