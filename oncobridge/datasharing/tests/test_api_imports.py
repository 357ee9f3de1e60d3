"""`POST /api/v1/datasets/{slug}/imports`: a multipart upload imported as the next version, or refused."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client

from oncobridge.accounts.models import User
from oncobridge.accounts.services import token_create
from oncobridge.conftest import Alliance
from oncobridge.datasharing.models import Dataset, ImportJob
from oncobridge.datasharing.tests.conftest import FIXTURES, MALFORMED, MakeDataset

pytestmark = pytest.mark.django_db


def post_import(user: User, slug: str, **fields: Any) -> Any:
    data = {
        name: SimpleUploadedFile(value.name, value.read_bytes()) if isinstance(value, Path) else value
        for name, value in fields.items()
    }
    return Client().post(
        f"/api/v1/datasets/{slug}/imports",
        data,
        HTTP_AUTHORIZATION=f"Bearer {token_create(user=user).secret}",
    )


def test_a_steward_uploads_a_maf_and_gets_the_new_version(
    alliance: Alliance, clinical_dataset: Dataset
) -> None:
    response = post_import(
        alliance.dana, clinical_dataset.slug, kind="maf", file=FIXTURES / "cohort_mutations.maf.txt"
    )

    assert response.status_code == 201
    body = response.json()
    assert body["number"] == 2
    assert body["row_counts"]["mutations"] > 0
    assert body["sources"][0]["file"] == "cohort_mutations.maf.txt"
    clinical_dataset.refresh_from_db()
    assert clinical_dataset.current_version is not None
    assert clinical_dataset.current_version.number == 2


def test_a_clinical_tsv_is_imported_with_its_mapping(
    alliance: Alliance, make_dataset: MakeDataset, tmp_path: Path
) -> None:
    dataset = make_dataset(slug="survival")
    table = tmp_path / "cohort.tsv"
    table.write_text("pid\ttime\tcens\tage\nP1\t300\t1\t54\nP2\t1200\t0\t61\nP3\t90\t1\t70\n")

    response = post_import(
        alliance.dana, dataset.slug, kind="clinical", file=table, mapping=FIXTURES / "gbsg2_mapping.yaml"
    )

    assert response.status_code == 201
    assert response.json()["row_counts"]["outcomes"] == 3


def test_cbioportal_patient_and_sample_files_go_up_together(
    alliance: Alliance, make_dataset: MakeDataset
) -> None:
    dataset = make_dataset(slug="clinical-pair")
    response = post_import(
        alliance.dana,
        dataset.slug,
        kind="cbioportal_clinical",
        file=FIXTURES / "data_clinical_patient.txt",
        second_file=FIXTURES / "data_clinical_sample.txt",
    )
    assert response.status_code == 201
    assert response.json()["row_counts"]["samples"] == 5


def test_a_malformed_file_is_422_with_every_problem_and_the_version_untouched(
    alliance: Alliance, clinical_dataset: Dataset
) -> None:
    before = clinical_dataset.current_version
    response = post_import(
        alliance.dana, clinical_dataset.slug, kind="maf", file=MALFORMED / "bad_position.maf.txt"
    )

    assert response.status_code == 422
    assert response["Content-Type"] == "application/problem+json"
    body = response.json()
    assert body["title"] == "Import refused"
    where = {(problem["file"], problem["line"], problem["field"]) for problem in body["problems"]}
    assert ("bad_position.maf.txt", 3, "Start_Position") in where
    clinical_dataset.refresh_from_db()
    assert clinical_dataset.current_version == before
    assert clinical_dataset.versions.count() == 1


@pytest.mark.parametrize(
    ("fields", "file"),
    [
        ({"kind": "maf", "file": MALFORMED / "truncated.maf.txt.gz"}, "truncated.maf.txt.gz"),
        (
            {
                "kind": "cbioportal_clinical",
                "file": MALFORMED / "truncated_clinical_patient.txt.gz",
                "second_file": FIXTURES / "data_clinical_sample.txt",
            },
            "truncated_clinical_patient.txt.gz",
        ),
        (
            {
                "kind": "clinical",
                "file": MALFORMED / "clinical_bad_time.tsv",
                "mapping": MALFORMED / "mapping_latin1.yaml",
            },
            "mapping_latin1.yaml",
        ),
    ],
    ids=["truncated-gzip", "truncated-gzip-clinical", "latin1-mapping"],
)
def test_an_unreadable_upload_is_a_refusal_naming_the_file_not_a_500(
    alliance: Alliance, clinical_dataset: Dataset, fields: dict[str, Any], file: str
) -> None:
    response = post_import(alliance.dana, clinical_dataset.slug, **fields)

    assert response.status_code == 422
    assert response.json()["title"] == "Import refused"
    assert file in {problem["file"] for problem in response.json()["problems"]}
    assert ImportJob.objects.get().status == "refused"


def test_a_clinical_tsv_without_its_mapping_is_refused_naming_the_field(
    alliance: Alliance, clinical_dataset: Dataset
) -> None:
    response = post_import(
        alliance.dana, clinical_dataset.slug, kind="clinical", file=MALFORMED / "clinical_bad_time.tsv"
    )
    assert response.status_code == 400
    assert response.json()["field"] == "mapping"
    assert not ImportJob.objects.exists()


def test_an_unknown_kind_is_a_validation_error(alliance: Alliance, clinical_dataset: Dataset) -> None:
    response = post_import(
        alliance.dana, clinical_dataset.slug, kind="xlsx", file=FIXTURES / "cohort_mutations.maf.txt"
    )
    assert response.status_code == 422
    assert response.json()["errors"][0]["field"].endswith("kind")


@pytest.mark.parametrize("persona", ["ivan", "paula"])
def test_only_the_owners_stewards_may_upload(
    alliance: Alliance, clinical_dataset: Dataset, persona: str
) -> None:
    response = post_import(
        getattr(alliance, persona),
        clinical_dataset.slug,
        kind="maf",
        file=FIXTURES / "cohort_mutations.maf.txt",
    )
    assert response.status_code == 403
    assert not ImportJob.objects.exists()


def test_a_dataset_the_caller_cannot_see_is_404(alliance: Alliance, make_dataset: MakeDataset) -> None:
    dataset = make_dataset(slug="internal", visibility="private")
    for slug in (dataset.slug, "no-such-dataset"):
        response = post_import(alliance.nora, slug, kind="maf", file=FIXTURES / "cohort_mutations.maf.txt")
        assert response.status_code == 404


def test_an_anonymous_upload_is_401(clinical_dataset: Dataset) -> None:
    response = Client().post(
        f"/api/v1/datasets/{clinical_dataset.slug}/imports",
        {"kind": "maf", "file": SimpleUploadedFile("x.maf", b"x")},
    )
    assert response.status_code == 401


def test_a_vcf_uploaded_as_germline_keeps_its_origin_through_the_import_job(
    alliance: Alliance, make_dataset: MakeDataset
) -> None:
    dataset = make_dataset(slug="carriers")

    response = post_import(
        alliance.dana, dataset.slug, kind="vcf", file=FIXTURES / "germline_vep.vcf", origin="germline"
    )

    assert response.status_code == 201
    assert response.json()["sources"][0]["origin"] == "germline"
    assert ImportJob.objects.get().origin == "germline"


def test_an_origin_other_than_somatic_or_germline_is_a_422(
    alliance: Alliance, make_dataset: MakeDataset
) -> None:
    dataset = make_dataset(slug="carriers")

    response = post_import(
        alliance.dana, dataset.slug, kind="vcf", file=FIXTURES / "germline_vep.vcf", origin="inherited"
    )

    assert response.status_code == 422
    assert not ImportJob.objects.exists()
