"""The data-sharing pages per persona: the owner's steward, a steward elsewhere, an investigator, an
industry member and an outsider (see oncobridge/conftest.py and this package's conftest)."""

from __future__ import annotations

import csv
import datetime as dt
import io
import json
from pathlib import Path
from typing import Any

import pyarrow.parquet as pq
import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from oncobridge.accounts.access import viewer_for
from oncobridge.accounts.models import User
from oncobridge.conftest import Alliance
from oncobridge.core.models import AuditEvent
from oncobridge.datasharing.models import AccessRequest, Dataset, Grant, ImportJob, RequestStatus
from oncobridge.datasharing.services import access_request_decide, access_request_submit, grant_revoke
from oncobridge.datasharing.tests.conftest import FIXTURES, MALFORMED, Import, MakeDataset

pytestmark = pytest.mark.django_db
LIST = reverse("datasharing:dataset_list")


def client_for(user: User) -> Client:
    client = Client()
    client.force_login(user)
    return client


def url(name: str, *args: Any) -> str:
    return reverse(f"datasharing:{name}", args=args)


def streamed(response: Any) -> bytes:
    return b"".join(response.streaming_content)


def upload(path: Path) -> SimpleUploadedFile:
    return SimpleUploadedFile(path.name, path.read_bytes())


def request_as(user: User, dataset: Dataset, **fields: Any) -> AccessRequest:
    return access_request_submit(
        viewer=viewer_for(user),
        actor=user,
        dataset=dataset,
        purpose=fields.pop("purpose", "Biomarkers of relapse in breast cancer"),
        commercial=fields.pop("commercial", False),
        **fields,
    )


@pytest.fixture
def cohort(clinical_dataset: Dataset, import_as_dana: Import) -> Dataset:
    """The centre's breast cohort: clinical data (v1) and mutations (v2)."""
    import_as_dana(clinical_dataset, maf=FIXTURES / "cohort_mutations.maf.txt")
    clinical_dataset.refresh_from_db()
    return clinical_dataset


@pytest.fixture
def ncu_dataset(make_dataset: MakeDataset) -> Dataset:
    return make_dataset(slug="ncu-cohort", title="Non-commercial cohort", duo=("GRU", "NCU"))


@pytest.fixture
def noras_grant(alliance: Alliance, cohort: Dataset) -> Grant:
    request = request_as(alliance.nora, cohort)
    access_request_decide(
        viewer=viewer_for(alliance.dana), actor=alliance.dana, request=request, approve=True
    )
    return Grant.objects.get(request=request)


# --- who may open the pages ---------------------------------------------------------------------------


def test_an_anonymous_visitor_is_sent_to_login(cohort: Dataset) -> None:
    for page in (LIST, url("dataset_detail", cohort.slug), url("access_request_list")):
        response = Client().get(page)
        assert response.status_code == 302
        assert response["Location"].startswith(reverse("accounts:login"))


def test_an_account_without_membership_sees_no_datasets(alliance: Alliance, cohort: Dataset) -> None:
    client = client_for(alliance.oscar)
    assert client.get(LIST).status_code == 403
    assert client.get(url("dataset_detail", cohort.slug)).status_code == 403
    assert client.get(url("dataset_table_download", cohort.slug, "patients", "csv")).status_code == 403


def test_the_navigation_links_to_data_sharing(alliance: Alliance) -> None:
    response = client_for(alliance.ivan).get(LIST)
    assert f'href="{LIST}" aria-current="page">Data sharing</a>' in response.content.decode()


# --- catalogue ----------------------------------------------------------------------------------------


def test_the_list_shows_what_each_member_may_see(
    alliance: Alliance, cohort: Dataset, make_dataset: MakeDataset
) -> None:
    make_dataset(slug="internal-lung", title="Internal lung series", visibility="private")

    centre = client_for(alliance.ivan).get(LIST).content.decode()
    university = client_for(alliance.nora).get(LIST).content.decode()

    assert "Breast cohort" in centre and "Internal lung series" in centre
    assert "Breast cohort" in university and "Internal lung series" not in university


def test_the_list_filters_by_cancer_type_data_type_duo_code_and_organisation(
    alliance: Alliance, cohort: Dataset, make_dataset: MakeDataset
) -> None:
    make_dataset(slug="lung-series", title="Lung series", duo=("GRU", "NCU"), cancer_types=["LUAD"])
    Dataset.objects.filter(pk=cohort.pk).update(cancer_types=["IDC"])
    client = client_for(alliance.nora)

    def titles(**query: str) -> set[str]:
        page = client.get(LIST, query).content.decode()
        return {title for title in ("Breast cohort", "Lung series") if title in page}

    assert titles() == {"Breast cohort", "Lung series"}
    assert titles(cancer_type="BREAST") == {"Breast cohort"}  # IDC lies under Breast in OncoTree
    assert titles(data_type="mutations") == {"Breast cohort"}
    assert titles(duo="NCU") == {"Lung series"}
    assert titles(organisation="northern-uni") == set()
    assert titles(q="lung") == {"Lung series"}


def test_an_htmx_search_answers_only_the_results(alliance: Alliance, cohort: Dataset) -> None:
    response = client_for(alliance.nora).get(LIST, {"q": "breast"}, HTTP_HX_REQUEST="true")
    body = response.content.decode()
    assert "Breast cohort" in body
    assert "<html" not in body


def test_the_list_costs_the_same_queries_for_more_datasets(
    alliance: Alliance, make_dataset: MakeDataset, django_assert_max_num_queries: Any
) -> None:
    make_dataset(slug="one")
    client = client_for(alliance.nora)
    client.get(LIST)  # warm the viewer's and the vocabularies' caches
    with django_assert_max_num_queries(12) as one:
        client.get(LIST)
    for index in range(5):
        make_dataset(slug=f"more-{index}", title=f"More {index}")
    with django_assert_max_num_queries(len(one.captured_queries)):
        client.get(LIST)


# --- detail -------------------------------------------------------------------------------------------


def test_the_detail_explains_the_terms_versions_and_de_identification(
    alliance: Alliance, make_dataset: MakeDataset, import_as_dana: Import
) -> None:
    dataset = make_dataset(
        slug="breast-ds",
        duo=("DS", "TS", "IRB"),
        duo_modifiers={"DS": ["BRCA"], "TS": "2030-06-30"},
        cancer_types=["BRCA"],
        assay="MSK-IMPACT 468",
    )
    import_as_dana(
        dataset,
        cbioportal_clinical=[FIXTURES / "data_clinical_patient.txt", FIXTURES / "data_clinical_sample.txt"],
    )

    page = client_for(alliance.nora).get(url("dataset_detail", dataset.slug)).content.decode()

    assert "Only for research on BRCA (Invasive Breast Carcinoma)." in page
    assert "Use allowed until 2030-06-30" in page
    assert "MSK-IMPACT 468" in page
    assert "Version 1 (current)" in page
    assert "data_clinical_patient.txt (cbioportal_clinical" in page
    assert "patients 4" in page
    assert "Ages over 89 capped" in page


def test_the_owners_steward_sees_import_audit_and_downloads(alliance: Alliance, cohort: Dataset) -> None:
    page = client_for(alliance.dana).get(url("dataset_detail", cohort.slug)).content.decode()
    assert url("dataset_import", cohort.slug) in page
    assert url("dataset_audit", cohort.slug) in page
    assert url("dataset_table_download", cohort.slug, "mutations", "csv") in page


@pytest.mark.parametrize("persona", ["ivan", "nora", "paula", "una"])
def test_others_see_a_request_button_and_no_import_audit_or_download_links(
    alliance: Alliance, cohort: Dataset, uni_steward: User, persona: str
) -> None:
    user = uni_steward if persona == "una" else getattr(alliance, persona)
    page = client_for(user).get(url("dataset_detail", cohort.slug)).content.decode()
    assert url("access_request_create", cohort.slug) in page
    for hidden in (
        url("dataset_import", cohort.slug),
        url("dataset_audit", cohort.slug),
        url("dataset_table_download", cohort.slug, "mutations", "csv"),
        url("dataset_phenopackets", cohort.slug),
    ):
        assert hidden not in page


def test_a_private_dataset_is_not_found_for_other_organisations(
    alliance: Alliance, make_dataset: MakeDataset
) -> None:
    dataset = make_dataset(slug="internal", visibility="private")
    assert client_for(alliance.nora).get(url("dataset_detail", dataset.slug)).status_code == 404
    assert client_for(alliance.ivan).get(url("dataset_detail", dataset.slug)).status_code == 200


# --- registering a dataset ----------------------------------------------------------------------------


def test_a_steward_registers_a_dataset_with_duo_modifiers(alliance: Alliance) -> None:
    response = client_for(alliance.dana).post(
        url("dataset_create"),
        {
            "organisation": alliance.centre.pk,
            "title": "Lung biobank",
            "slug": "lung-biobank",
            "cancer_types": "LUAD, LUSC",
            "assay": "MSK-IMPACT 468",
            "duo_codes": ["DS", "TS", "NCU"],
            "ds_diseases": "LUAD",
            "ts_end_date": "2031-01-31",
            "visibility": "network",
        },
    )

    assert response.status_code == 302
    assert response["Location"] == url("dataset_import", "lung-biobank")
    dataset = Dataset.objects.get(slug="lung-biobank")
    assert dataset.organisation == alliance.centre
    assert dataset.cancer_types == ["LUAD", "LUSC"]
    assert dataset.duo_codes == ["DS", "TS", "NCU"]
    assert dataset.duo_modifiers == {"DS": ["LUAD"], "TS": "2031-01-31"}


def test_an_unknown_disease_is_shown_at_its_field_and_nothing_is_registered(alliance: Alliance) -> None:
    response = client_for(alliance.dana).post(
        url("dataset_create"),
        {
            "organisation": alliance.centre.pk,
            "title": "Lung biobank",
            "slug": "lung-biobank",
            "duo_codes": ["DS"],
            "ds_diseases": "NOPE",
            "visibility": "network",
        },
    )
    assert response.status_code == 200
    assert response.context["form"].errors["ds_diseases"] == ["'NOPE' is not an OncoTree code."]
    assert not Dataset.objects.filter(slug="lung-biobank").exists()


@pytest.mark.parametrize("persona", ["ivan", "paula"])
def test_only_data_stewards_may_open_the_register_page(alliance: Alliance, persona: str) -> None:
    assert client_for(getattr(alliance, persona)).get(url("dataset_create")).status_code == 403


def test_a_steward_elsewhere_registers_only_for_their_own_organisation(
    alliance: Alliance, uni_steward: User
) -> None:
    response = client_for(uni_steward).post(
        url("dataset_create"),
        {
            "organisation": alliance.centre.pk,
            "title": "Not theirs",
            "slug": "not-theirs",
            "duo_codes": ["GRU"],
            "visibility": "network",
        },
    )
    assert "organisation" in response.context["form"].errors
    assert not Dataset.objects.filter(slug="not-theirs").exists()


# --- imports ------------------------------------------------------------------------------------------


def test_a_steward_uploads_a_maf_and_sees_the_new_version(
    alliance: Alliance, clinical_dataset: Dataset, django_capture_on_commit_callbacks: Any
) -> None:
    client = client_for(alliance.dana)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            url("dataset_import", clinical_dataset.slug),
            {"kind": "maf", "file": upload(FIXTURES / "cohort_mutations.maf.txt")},
        )

    job = ImportJob.objects.get()
    assert response.status_code == 302
    assert response["Location"] == url("import_job_detail", clinical_dataset.slug, job.pk)
    page = client.get(response["Location"]).content.decode()
    assert "Version 2 is now the dataset&#x27;s current version." in page
    clinical_dataset.refresh_from_db()
    assert clinical_dataset.current_version is not None
    assert clinical_dataset.current_version.number == 2
    assert clinical_dataset.current_version.sources[0]["file"] == "cohort_mutations.maf.txt"
    assert "Version 2 (current)" in client.get(url("dataset_detail", clinical_dataset.slug)).content.decode()


def test_a_vcf_uploaded_as_germline_says_so_in_the_version_summary(
    alliance: Alliance, make_dataset: MakeDataset, django_capture_on_commit_callbacks: Any
) -> None:
    dataset = make_dataset(slug="carriers")
    client = client_for(alliance.dana)
    with django_capture_on_commit_callbacks(execute=True):
        client.post(
            url("dataset_import", dataset.slug),
            {"kind": "vcf", "origin": "germline", "file": upload(FIXTURES / "germline_vep.vcf")},
        )

    page = client.get(url("dataset_detail", dataset.slug)).content.decode()
    assert "germline_vep.vcf (vcf, germline calls," in page


def test_the_uploaded_files_are_removed_once_the_import_ends(
    alliance: Alliance,
    clinical_dataset: Dataset,
    datasets_root: Path,
    django_capture_on_commit_callbacks: Any,
) -> None:
    with django_capture_on_commit_callbacks(execute=True):
        client_for(alliance.dana).post(
            url("dataset_import", clinical_dataset.slug),
            {"kind": "maf", "file": upload(FIXTURES / "cohort_mutations.maf.txt")},
        )
    assert not any((datasets_root / ".uploads").rglob("*.txt"))


def test_an_htmx_upload_is_redirected_to_the_progress_page(
    alliance: Alliance, clinical_dataset: Dataset, django_capture_on_commit_callbacks: Any
) -> None:
    with django_capture_on_commit_callbacks(execute=True):
        response = client_for(alliance.dana).post(
            url("dataset_import", clinical_dataset.slug),
            {"kind": "maf", "file": upload(FIXTURES / "cohort_mutations.maf.txt")},
            HTTP_HX_REQUEST="true",
        )
    assert response["HX-Redirect"] == url(
        "import_job_detail", clinical_dataset.slug, ImportJob.objects.get().pk
    )


def test_a_running_import_shows_its_progress_and_keeps_polling(alliance: Alliance, cohort: Dataset) -> None:
    job = ImportJob.objects.create(
        dataset=cohort,
        requested_by=alliance.dana,
        kind="maf",
        status="running",
        rows_done=250,
        rows_expected=1000,
    )
    response = client_for(alliance.dana).get(
        url("import_job_detail", cohort.slug, job.pk), HTTP_HX_REQUEST="true"
    )
    body = response.content.decode()
    assert "250 of about 1000 rows read (25%)" in body
    assert 'hx-trigger="every 1s"' in body


def test_a_refused_upload_lists_every_problem_and_keeps_the_current_version(
    alliance: Alliance, clinical_dataset: Dataset, django_capture_on_commit_callbacks: Any
) -> None:
    before = clinical_dataset.current_version
    client = client_for(alliance.dana)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            url("dataset_import", clinical_dataset.slug),
            {"kind": "maf", "file": upload(MALFORMED / "bad_position.maf.txt")},
        )

    page = client.get(response["Location"]).content.decode()
    assert "Nothing was imported" in page
    assert "The current version is unchanged." in page
    assert "<td>bad_position.maf.txt</td><td>3</td><td>Start_Position</td>" in page
    job = ImportJob.objects.get()
    assert job.status == "refused" and len(job.problems) >= 1
    clinical_dataset.refresh_from_db()
    assert clinical_dataset.current_version == before
    assert clinical_dataset.versions.count() == 1


def test_a_clinical_tsv_without_its_mapping_is_a_form_error(
    alliance: Alliance, clinical_dataset: Dataset
) -> None:
    response = client_for(alliance.dana).post(
        url("dataset_import", clinical_dataset.slug),
        {"kind": "clinical", "file": upload(MALFORMED / "clinical_bad_time.tsv")},
    )
    assert response.status_code == 200
    assert response.context["form"].errors["mapping"] == ["A clinical TSV needs its YAML mapping file."]
    assert not ImportJob.objects.exists()


def test_a_clinical_tsv_with_its_mapping_imports_survival(
    alliance: Alliance,
    make_dataset: MakeDataset,
    tmp_path: Path,
    django_capture_on_commit_callbacks: Any,
) -> None:
    dataset = make_dataset(slug="gbsg-like")
    table = tmp_path / "cohort.tsv"
    table.write_text("pid\ttime\tcens\tage\nP1\t300\t1\t54\nP2\t1200\t0\t91\n")
    with django_capture_on_commit_callbacks(execute=True):
        client_for(alliance.dana).post(
            url("dataset_import", dataset.slug),
            {"kind": "clinical", "file": upload(table), "mapping": upload(FIXTURES / "gbsg2_mapping.yaml")},
        )
    dataset.refresh_from_db()
    assert dataset.current_version is not None
    assert dataset.current_version.row_counts["outcomes"] == 2
    assert [source["kind"] for source in dataset.current_version.sources] == ["clinical", "mapping"]


@pytest.mark.parametrize("persona", ["ivan", "paula", "una"])
def test_no_one_but_the_owners_stewards_may_import(
    alliance: Alliance, cohort: Dataset, uni_steward: User, persona: str
) -> None:
    user = uni_steward if persona == "una" else getattr(alliance, persona)
    client = client_for(user)
    assert client.get(url("dataset_import", cohort.slug)).status_code == 403
    response = client.post(
        url("dataset_import", cohort.slug),
        {"kind": "maf", "file": upload(FIXTURES / "cohort_mutations.maf.txt")},
    )
    assert response.status_code == 403
    assert not ImportJob.objects.exists()


def test_an_import_page_is_the_owners_stewards_only(
    alliance: Alliance, cohort: Dataset, uni_steward: User
) -> None:
    job = ImportJob.objects.create(dataset=cohort, requested_by=alliance.dana, kind="maf")
    assert client_for(alliance.ivan).get(url("import_job_detail", cohort.slug, job.pk)).status_code == 403
    assert client_for(uni_steward).get(url("import_job_detail", cohort.slug, job.pk)).status_code == 403


# --- access requests ----------------------------------------------------------------------------------


def test_an_investigator_requests_access_and_the_check_is_stored(alliance: Alliance, cohort: Dataset) -> None:
    client = client_for(alliance.nora)
    response = client.post(
        url("access_request_create", cohort.slug),
        {
            "purpose": "Relapse biomarkers in breast cancer",
            "project": "RELAPSE-1",
            "team": "Nora Investigator\nsam@northern.example",
            "organisation": alliance.university.pk,
        },
    )

    submitted = AccessRequest.objects.get()
    assert response["Location"] == url("access_request_detail", submitted.pk)
    assert submitted.duo_check["compatible"] is True
    assert submitted.team == ["Nora Investigator", "sam@northern.example"]
    page = client.get(response["Location"]).content.decode()
    assert "Compatible with the dataset's data-use terms" in page
    assert "Relapse biomarkers in breast cancer" in client.get(url("access_request_list")).content.decode()


def test_an_industry_commercial_request_on_an_ncu_dataset_is_flagged(
    alliance: Alliance, ncu_dataset: Dataset
) -> None:
    client = client_for(alliance.paula)
    response = client.post(
        url("access_request_create", ncu_dataset.slug),
        {"purpose": "Companion diagnostic development", "commercial": "on", "organisation": alliance.acme.pk},
        follow=True,
    )

    page = response.content.decode()
    assert "it conflicts with the dataset&#x27;s data-use terms" in page
    assert "NCU: the dataset is for non-commercial use only; the request states commercial use." in page
    assert AccessRequest.objects.get().duo_check["compatible"] is False
    queue = client_for(alliance.dana).get(url("committee_queue")).content.decode()
    assert "conflicts with the data-use terms" in queue


def test_the_duo_check_is_shown_before_submitting_and_records_nothing(
    alliance: Alliance, ncu_dataset: Dataset
) -> None:
    client = client_for(alliance.paula)
    check = url("access_request_check", ncu_dataset.slug)

    conflict = client.get(check, {"purpose": "Diagnostics", "commercial": "on"}, HTTP_HX_REQUEST="true")
    assert "NCU: the dataset is for non-commercial use only" in conflict.content.decode()
    academic = client_for(alliance.nora).get(check, {"purpose": "Diagnostics"}, HTTP_HX_REQUEST="true")
    assert "Compatible with the dataset" in academic.content.decode()
    assert not AccessRequest.objects.exists()


def test_the_request_form_asks_for_the_duo_check_as_the_user_types(
    alliance: Alliance, ncu_dataset: Dataset
) -> None:
    page = client_for(alliance.nora).get(url("access_request_create", ncu_dataset.slug)).content.decode()
    assert f'hx-get="{url("access_request_check", ncu_dataset.slug)}"' in page


def test_a_request_without_a_purpose_is_a_form_error(alliance: Alliance, cohort: Dataset) -> None:
    response = client_for(alliance.nora).post(
        url("access_request_create", cohort.slug), {"purpose": "", "organisation": alliance.university.pk}
    )
    assert "purpose" in response.context["form"].errors
    assert not AccessRequest.objects.exists()


def test_the_committee_queue_is_for_the_owning_organisations_stewards(
    alliance: Alliance, cohort: Dataset, uni_steward: User
) -> None:
    request_as(alliance.nora, cohort, purpose="Breast cancer relapse signatures")
    assert (
        "Breast cancer relapse signatures"
        in client_for(alliance.dana).get(url("committee_queue")).content.decode()
    )
    assert (
        "Breast cancer relapse signatures"
        not in client_for(uni_steward).get(url("committee_queue")).content.decode()
    )
    assert client_for(alliance.ivan).get(url("committee_queue")).status_code == 403


def test_my_requests_hold_only_my_own(alliance: Alliance, cohort: Dataset) -> None:
    request_as(alliance.nora, cohort, purpose="Nora's breast cancer question")
    assert (
        "Nora&#x27;s breast cancer question"
        not in client_for(alliance.ivan).get(url("access_request_list")).content.decode()
    )
    assert (
        client_for(alliance.ivan)
        .get(url("access_request_detail", AccessRequest.objects.get().pk))
        .status_code
        == 404
    )


def test_the_steward_approves_with_an_expiry_and_the_requester_downloads(
    alliance: Alliance, cohort: Dataset
) -> None:
    request = request_as(alliance.nora, cohort)
    expiry = timezone.now().date() + dt.timedelta(days=90)

    response = client_for(alliance.dana).post(
        url("access_request_decide", request.pk),
        {"decision": "approve", "reason": "Fits the consent", "expires_on": expiry.isoformat()},
        follow=True,
    )

    assert "Approved: the requester holds a grant." in response.content.decode()
    grant = Grant.objects.get(request=request)
    assert grant.expires_at.date() == expiry
    nora = client_for(alliance.nora)
    detail = nora.get(url("dataset_detail", cohort.slug)).content.decode()
    assert url("dataset_table_download", cohort.slug, "mutations", "parquet") in detail
    download = nora.get(url("dataset_table_download", cohort.slug, "mutations", "csv"))
    rows = list(csv.DictReader(io.StringIO(streamed(download).decode())))
    assert download["Content-Disposition"] == 'attachment; filename="breast-cohort-v2-mutations.csv"'
    assert {row["gene"] for row in rows} >= {"KRAS", "PIK3CA"}
    assert AuditEvent.objects.filter(action="dataset.download", actor=alliance.nora).count() == 1


def test_a_grantee_downloads_parquet_and_phenopackets(
    alliance: Alliance, noras_grant: Grant, tmp_path: Path
) -> None:
    client = client_for(alliance.nora)
    parquet = client.get(url("dataset_table_download", "breast-cohort", "patients", "parquet"))
    (tmp_path / "patients.parquet").write_bytes(streamed(parquet))
    assert pq.read_table(tmp_path / "patients.parquet").num_rows == 4
    packets = client.get(url("dataset_phenopackets", "breast-cohort"))
    assert len(json.loads(packets.content)) == 4
    assert AuditEvent.objects.filter(action="dataset.export_phenopackets").count() == 1


@pytest.mark.parametrize("persona", ["ivan", "paula", "gary", "una"])
def test_no_one_without_a_grant_can_fetch_the_rows(
    alliance: Alliance, noras_grant: Grant, uni_steward: User, persona: str
) -> None:
    client = client_for(uni_steward if persona == "una" else getattr(alliance, persona))
    assert client.get(url("dataset_table_download", "breast-cohort", "mutations", "csv")).status_code == 403
    assert client.get(url("dataset_phenopackets", "breast-cohort")).status_code == 403
    assert not AuditEvent.objects.filter(action="dataset.download").exists()


def test_an_incompatible_request_cannot_be_approved(alliance: Alliance, ncu_dataset: Dataset) -> None:
    request = request_as(alliance.paula, ncu_dataset, commercial=True)
    response = client_for(alliance.dana).post(
        url("access_request_decide", request.pk), {"decision": "approve"}, follow=True
    )
    assert "conflicts with the dataset&#x27;s data-use terms" in response.content.decode()
    assert not Grant.objects.exists()


def test_a_rejection_needs_a_reason_then_tells_the_requester(alliance: Alliance, cohort: Dataset) -> None:
    request = request_as(alliance.nora, cohort)
    dana = client_for(alliance.dana)

    refused = dana.post(url("access_request_decide", request.pk), {"decision": "reject"}, follow=True)
    assert "Give the requester a reason for the rejection." in refused.content.decode()
    dana.post(
        url("access_request_decide", request.pk), {"decision": "reject", "reason": "Consent excludes it"}
    )

    request.refresh_from_db()
    assert request.status == RequestStatus.REJECTED
    assert (
        "Consent excludes it"
        in client_for(alliance.nora).get(url("access_request_detail", request.pk)).content.decode()
    )


@pytest.mark.parametrize("persona", ["ivan", "nora", "una"])
def test_only_the_owners_stewards_may_decide(
    alliance: Alliance, cohort: Dataset, uni_steward: User, persona: str
) -> None:
    request = request_as(alliance.nora, cohort)
    client = client_for(uni_steward if persona == "una" else getattr(alliance, persona))
    assert client.post(url("access_request_decide", request.pk), {"decision": "approve"}).status_code == 403
    request.refresh_from_db()
    assert request.status == RequestStatus.SUBMITTED


# --- grants -------------------------------------------------------------------------------------------


def test_the_steward_revokes_a_grant_and_the_rows_are_closed(alliance: Alliance, noras_grant: Grant) -> None:
    response = client_for(alliance.dana).post(
        url("grant_revoke", noras_grant.pk), {"reason": "Project ended"}, follow=True
    )
    assert "is revoked" in response.content.decode()
    assert (
        client_for(alliance.nora)
        .get(url("dataset_table_download", "breast-cohort", "mutations", "csv"))
        .status_code
        == 403
    )
    assert AuditEvent.objects.get(action="grant.revoke").detail["reason"] == "Project ended"


def test_a_grantee_cannot_revoke_their_own_grant(alliance: Alliance, noras_grant: Grant) -> None:
    assert client_for(alliance.nora).post(url("grant_revoke", noras_grant.pk)).status_code == 403
    assert client_for(alliance.ivan).post(url("grant_revoke", noras_grant.pk)).status_code == 404
    noras_grant.refresh_from_db()
    assert noras_grant.revoked_at is None


def test_the_grants_page_shows_mine_and_for_stewards_those_per_dataset(
    alliance: Alliance, noras_grant: Grant
) -> None:
    nora = client_for(alliance.nora).get(url("grant_list")).content.decode()
    assert "Breast cohort" in nora and "Revoke" not in nora
    dana = client_for(alliance.dana).get(url("grant_list"), {"dataset": "breast-cohort"}).content.decode()
    assert "nora@northern.example" in dana and "Revoke" in dana
    other = client_for(alliance.dana).get(url("grant_list"), {"dataset": "another"}).content.decode()
    assert "nora@northern.example" not in other
    ivan = client_for(alliance.ivan).get(url("grant_list")).content.decode()
    assert "nora@northern.example" not in ivan


def test_a_revoked_grant_shows_as_revoked(alliance: Alliance, noras_grant: Grant) -> None:
    grant_revoke(viewer=viewer_for(alliance.dana), actor=alliance.dana, grant=noras_grant)
    assert "Revoked" in client_for(alliance.nora).get(url("grant_list")).content.decode()


# --- audit --------------------------------------------------------------------------------------------


def test_the_steward_reads_the_audit_trail_filtered_by_action(alliance: Alliance, noras_grant: Grant) -> None:
    client = client_for(alliance.dana)
    everything = client.get(url("dataset_audit", "breast-cohort")).content.decode()
    assert "dataset.import" in everything and "grant.create" in everything
    grants_only = client.get(url("dataset_audit", "breast-cohort"), {"action": "grant.create"})
    actions = [event.action for event in grants_only.context["page"].object_list]
    assert actions == ["grant.create"]


def test_the_steward_exports_the_audit_trail_as_csv(alliance: Alliance, noras_grant: Grant) -> None:
    response = client_for(alliance.dana).get(url("dataset_audit_csv", "breast-cohort"))
    rows = list(csv.DictReader(io.StringIO(response.content.decode())))
    assert response["Content-Disposition"] == 'attachment; filename="breast-cohort-audit.csv"'
    assert {"dataset.create", "dataset.import", "access_request.submit", "grant.create"} <= {
        row["action"] for row in rows
    }


@pytest.mark.parametrize("persona", ["ivan", "nora", "una"])
def test_no_one_else_sees_the_audit_trail(
    alliance: Alliance, noras_grant: Grant, uni_steward: User, persona: str
) -> None:
    client = client_for(uni_steward if persona == "una" else getattr(alliance, persona))
    assert client.get(url("dataset_audit", "breast-cohort")).status_code == 403
    assert client.get(url("dataset_audit_csv", "breast-cohort")).status_code == 403


def test_an_import_that_never_ran_says_so_and_stops_polling(alliance: Alliance, cohort: Dataset) -> None:
    job = ImportJob.objects.create(dataset=cohort, requested_by=alliance.dana, kind="maf")
    ImportJob.objects.filter(pk=job.pk).update(created_at=timezone.now() - dt.timedelta(days=1))
    body = client_for(alliance.dana).get(url("import_job_detail", cohort.slug, job.pk)).content.decode()
    assert "the import worker stopped or is not running" in body
    assert "every 1s" not in body


def test_a_slug_that_names_a_page_is_refused(alliance: Alliance) -> None:
    response = client_for(alliance.dana).post(
        url("dataset_create"),
        {
            "organisation": alliance.centre.pk,
            "title": "New",
            "slug": "committee",
            "duo_codes": ["GRU"],
            "visibility": "network",
        },
    )
    assert "names a page of the data-sharing site" in response.context["form"].errors["slug"][0]
