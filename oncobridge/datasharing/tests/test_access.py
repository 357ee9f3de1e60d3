"""Access requests, the DUO check, decisions by the owning stewards, grants, downloads and the audit trail."""

from __future__ import annotations

import csv
import datetime as dt
import io
import json
from typing import Any

import pyarrow.parquet as pq
import pytest
from django.test import Client
from django.utils import timezone

from oncobridge.accounts.access import viewer_for
from oncobridge.accounts.models import User
from oncobridge.accounts.services import token_create
from oncobridge.conftest import Alliance
from oncobridge.core.errors import ServiceError
from oncobridge.core.models import AuditEvent
from oncobridge.datasharing.models import AccessRequest, Dataset, Grant, RequestStatus
from oncobridge.datasharing.services import access_request_decide, access_request_submit
from oncobridge.datasharing.tests.conftest import FIXTURES, Import, MakeDataset

pytestmark = pytest.mark.django_db
API = "/api/v1"


def call(user: User, method: str, path: str, body: Any = None, **params: Any) -> Any:
    headers = {"HTTP_AUTHORIZATION": f"Bearer {token_create(user=user).secret}"}
    client = Client()
    if method == "get":
        return client.get(f"{API}{path}", params, **headers)
    return client.generic(
        method.upper(), f"{API}{path}", json.dumps(body), content_type="application/json", **headers
    )


def submit(
    user: User, dataset: Dataset, purpose: str = "Biomarker research in breast cancer", **kw: Any
) -> AccessRequest:
    return access_request_submit(
        viewer=viewer_for(user),
        actor=user,
        dataset=dataset,
        purpose=purpose,
        commercial=kw.pop("commercial", False),
        **kw,
    )


@pytest.fixture
def cohort(clinical_dataset: Dataset, import_as_dana: Import) -> Dataset:
    import_as_dana(clinical_dataset, maf=FIXTURES / "cohort_mutations.maf.txt")
    clinical_dataset.refresh_from_db()
    return clinical_dataset


@pytest.fixture
def granted(alliance: Alliance, cohort: Dataset) -> Grant:
    """Nora (Northern University) holds a grant on the cohort."""
    request = submit(alliance.nora, cohort)
    access_request_decide(
        viewer=viewer_for(alliance.dana), actor=alliance.dana, request=request, approve=True
    )
    return Grant.objects.get(request=request)


def test_paulas_commercial_request_on_an_ncu_dataset_is_flagged_incompatible(
    alliance: Alliance, make_dataset: MakeDataset
) -> None:
    dataset = make_dataset(duo=("GRU", "NCU"))

    request = submit(alliance.paula, dataset, commercial=True)

    assert request.duo_check["compatible"] is False
    assert request.duo_check["reasons"][0].startswith("NCU: the dataset is for non-commercial use only")


def test_a_company_is_excluded_from_an_ncu_dataset_even_for_non_commercial_use(
    alliance: Alliance, make_dataset: MakeDataset
) -> None:
    request = submit(alliance.gary, make_dataset(duo=("NCU",)), commercial=False)

    assert request.duo_check["compatible"] is False


def test_a_disease_specific_dataset_flags_a_purpose_about_another_disease(
    alliance: Alliance, make_dataset: MakeDataset
) -> None:
    dataset = make_dataset(duo=("DS",), duo_modifiers={"DS": "BRCA"})

    other = submit(alliance.nora, dataset, purpose="Lung adenocarcinoma drivers")
    fitting = submit(alliance.ivan, dataset, purpose="Drivers of invasive breast carcinoma")

    assert other.duo_check["compatible"] is False
    assert "DS: the dataset is limited to research on BRCA" in other.duo_check["reasons"][0]
    assert fitting.duo_check["compatible"] is True


def test_a_request_about_a_subtype_of_the_ds_disease_is_compatible(
    alliance: Alliance, make_dataset: MakeDataset
) -> None:
    dataset = make_dataset(duo=("DS",), duo_modifiers={"DS": ["NSCLC"]})

    by_name = submit(alliance.nora, dataset, purpose="Resistance to EGFR inhibitors in lung adenocarcinoma")
    by_code = submit(alliance.ivan, dataset, purpose="Co-mutations of KRAS and STK11 in LUSC")

    assert by_name.duo_check["compatible"] is True
    assert by_code.duo_check["compatible"] is True


def test_a_request_about_an_unrelated_or_broader_disease_than_the_ds_disease_is_incompatible(
    alliance: Alliance, make_dataset: MakeDataset
) -> None:
    dataset = make_dataset(duo=("DS",), duo_modifiers={"DS": ["NSCLC"]})

    unrelated = submit(alliance.nora, dataset, purpose="Drivers of invasive breast carcinoma")
    broader = submit(alliance.ivan, dataset, purpose="Screening for lung cancer in smokers")

    assert unrelated.duo_check["compatible"] is False
    assert unrelated.duo_check["reasons"] == [
        "DS: the dataset is limited to research on NSCLC (Non-Small Cell Lung Cancer) or its subtypes; "
        "the purpose names none of them."
    ]
    assert broader.duo_check["compatible"] is False


def test_irb_pub_and_col_are_listed_as_conditions_and_ts_caps_the_grant(
    alliance: Alliance, make_dataset: MakeDataset
) -> None:
    end = timezone.now().date() + dt.timedelta(days=30)
    dataset = make_dataset(duo=("GRU", "IRB", "PUB", "COL", "TS"), duo_modifiers={"TS": end.isoformat()})
    request = submit(alliance.nora, dataset)

    access_request_decide(
        viewer=viewer_for(alliance.dana), actor=alliance.dana, request=request, approve=True
    )

    conditions = " ".join(request.duo_check["conditions"])
    assert all(code in conditions for code in ("IRB:", "PUB:", "COL:", f"TS: use ends on {end}"))
    assert Grant.objects.get(request=request).expires_at.date() == end


def test_dana_approves_a_request_and_the_requester_gets_a_grant(alliance: Alliance, cohort: Dataset) -> None:
    request = submit(alliance.nora, cohort)

    response = call(alliance.dana, "post", f"/access-requests/{request.pk}/decision", {"approve": True})

    assert response.status_code == 200
    assert response.json()["status"] == "approved"
    grant = Grant.objects.get(request=request)
    assert grant.grantee == alliance.nora
    assert grant.expires_at > timezone.now() + dt.timedelta(days=300)


def test_alice_the_alliance_manager_cannot_decide_on_requests(alliance: Alliance, cohort: Dataset) -> None:
    request = submit(alliance.nora, cohort)

    response = call(alliance.alice, "post", f"/access-requests/{request.pk}/decision", {"approve": True})

    assert response.status_code == 403
    assert response["Content-Type"] == "application/problem+json"
    request.refresh_from_db()
    assert request.status == RequestStatus.SUBMITTED


def test_an_incompatible_request_cannot_be_approved(alliance: Alliance, make_dataset: MakeDataset) -> None:
    request = submit(alliance.paula, make_dataset(duo=("NCU",)), commercial=True)

    response = call(alliance.dana, "post", f"/access-requests/{request.pk}/decision", {"approve": True})

    assert response.status_code == 409
    assert "non-commercial use only" in response.json()["detail"]


def test_a_rejection_needs_a_reason_and_records_it(alliance: Alliance, cohort: Dataset) -> None:
    request = submit(alliance.nora, cohort)
    path = f"/access-requests/{request.pk}/decision"

    assert call(alliance.dana, "post", path, {"approve": False}).status_code == 400
    response = call(alliance.dana, "post", path, {"approve": False, "reason": "Team lacks ethics approval"})

    assert response.json()["status"] == "rejected"
    assert response.json()["reason"] == "Team lacks ethics approval"
    assert not Grant.objects.exists()


def test_a_request_through_the_api_shows_its_duo_check(alliance: Alliance, make_dataset: MakeDataset) -> None:
    make_dataset(slug="ncu-set", duo=("NCU",))

    response = call(
        alliance.paula,
        "post",
        "/access-requests",
        {"dataset": "ncu-set", "purpose": "Target discovery", "commercial": True, "team": ["Paula"]},
    )

    assert response.status_code == 201
    assert response.json()["duo_check"]["compatible"] is False
    assert [item["id"] for item in call(alliance.dana, "get", "/access-requests").json()["items"]] == [
        response.json()["id"]
    ]
    assert call(alliance.gary, "get", "/access-requests").json()["count"] == 0


def test_the_grantee_downloads_a_table_as_csv_and_parquet(alliance: Alliance, granted: Grant) -> None:
    path = f"/datasets/{granted.dataset.slug}/tables/mutations"

    as_csv = call(alliance.nora, "get", path, format="csv")
    as_parquet = call(alliance.nora, "get", path, format="parquet")

    assert as_csv.status_code == 200
    rows = list(csv.DictReader(io.StringIO(b"".join(as_csv.streaming_content).decode())))
    assert len(rows) == 6
    assert {row["gene"] for row in rows} >= {"KRAS", "PIK3CA"}
    table = pq.read_table(io.BytesIO(b"".join(as_parquet.streaming_content)))
    assert table.num_rows == 6
    assert 'filename="breast-cohort-v2-mutations.parquet"' in as_parquet["Content-Disposition"]


def test_someone_without_a_grant_gets_403_and_an_outsider_404(alliance: Alliance, cohort: Dataset) -> None:
    path = f"/datasets/{cohort.slug}/tables/patients"

    assert call(alliance.gary, "get", path).status_code == 403
    assert call(alliance.ivan, "get", path).status_code == 403
    assert call(alliance.oscar, "get", path).status_code == 404
    assert call(alliance.dana, "get", path).status_code == 200


def test_a_revoked_grant_no_longer_opens_the_data(alliance: Alliance, granted: Grant) -> None:
    response = call(alliance.dana, "post", f"/grants/{granted.pk}/revoke", {"reason": "Project ended"})

    assert response.status_code == 200
    assert response.json()["revoked_at"] is not None
    assert call(alliance.nora, "get", f"/datasets/{granted.dataset.slug}/tables/samples").status_code == 403
    assert call(alliance.nora, "post", f"/grants/{granted.pk}/revoke", {}).status_code == 403


def test_an_expired_grant_no_longer_opens_the_data(alliance: Alliance, granted: Grant) -> None:
    Grant.objects.filter(pk=granted.pk).update(expires_at=timezone.now() - dt.timedelta(minutes=1))

    assert call(alliance.nora, "get", f"/datasets/{granted.dataset.slug}/tables/samples").status_code == 403
    assert call(alliance.nora, "get", "/grants", active=True).json()["count"] == 0


def test_the_grantee_exports_phenopackets_of_the_patients(alliance: Alliance, granted: Grant) -> None:
    response = call(alliance.nora, "get", f"/datasets/{granted.dataset.slug}/phenopackets")

    assert response.status_code == 200
    packets = {packet["subject"]["id"]: packet for packet in response.json()}
    assert set(packets) == {"OB-P001", "OB-P002", "OB-P003", "OB-P004"}
    assert packets["OB-P002"]["metaData"]["phenopacketSchemaVersion"] == "2.0"
    assert "interpretations" in packets["OB-P002"]


def test_every_request_decision_grant_and_download_is_in_the_audit_trail(
    alliance: Alliance, granted: Grant
) -> None:
    slug = granted.dataset.slug
    call(alliance.nora, "get", f"/datasets/{slug}/tables/mutations", format="csv")

    actions = [
        event["action"] for event in call(alliance.dana, "get", f"/datasets/{slug}/audit").json()["items"]
    ]

    for action in (
        "dataset.create",
        "dataset.import",
        "access_request.submit",
        "access_request.approve",
        "grant.create",
        "dataset.download",
    ):
        assert action in actions
    exported = call(alliance.dana, "get", f"/datasets/{slug}/audit.csv")
    rows = list(csv.DictReader(io.StringIO(exported.content.decode())))
    assert rows[0]["action"] == "dataset.download"
    assert rows[0]["actor"] == "nora@northern.example"
    assert AuditEvent.objects.filter(action="dataset.download", actor=alliance.nora).count() == 1


def test_only_the_owning_stewards_see_the_audit_trail(alliance: Alliance, granted: Grant) -> None:
    slug = granted.dataset.slug

    assert call(alliance.nora, "get", f"/datasets/{slug}/audit").status_code == 403
    assert call(alliance.alice, "get", f"/datasets/{slug}/audit.csv").status_code == 403


def test_the_dataset_list_is_paginated_and_shows_the_current_version(
    alliance: Alliance, cohort: Dataset
) -> None:
    body = call(alliance.paula, "get", "/datasets", limit=10).json()

    assert body["count"] == 1
    assert body["limit"] == 10
    assert body["items"][0]["current_version"] == 2
    assert body["items"][0]["row_counts"]["mutations"] == 6
    versions = call(alliance.paula, "get", f"/datasets/{cohort.slug}/versions").json()["items"]
    assert [version["number"] for version in versions] == [2, 1]


def test_a_private_dataset_is_a_404_outside_its_organisation(
    alliance: Alliance, make_dataset: MakeDataset
) -> None:
    make_dataset(slug="internal", visibility="private")

    assert call(alliance.nora, "get", "/datasets/internal").status_code == 404
    assert call(alliance.ivan, "get", "/datasets/internal").status_code == 200


def test_stewards_register_datasets_through_the_api_and_others_may_not(alliance: Alliance) -> None:
    body = {"slug": "new-set", "title": "New", "organisation": "st-olaf", "duo_codes": ["GRU", "NCU"]}

    assert call(alliance.ivan, "post", "/datasets", body).status_code == 403
    response = call(alliance.dana, "post", "/datasets", body)

    assert response.status_code == 201
    assert response.json()["duo_codes"] == ["GRU", "NCU"]
    assert (
        call(alliance.dana, "post", "/datasets", {**body, "duo_codes": ["XYZ"], "slug": "x"}).status_code
        == 400
    )


@pytest.mark.parametrize("value", [None, 5, [], ["BRCA", 7]], ids=["null", "number", "empty", "mixed"])
def test_a_ds_modifier_that_is_not_oncotree_codes_is_a_422_naming_the_field(
    alliance: Alliance, value: Any
) -> None:
    body = {
        "slug": "ds-set",
        "title": "DS",
        "organisation": "st-olaf",
        "duo_codes": ["DS"],
        "duo_modifiers": {"DS": value},
    }

    response = call(alliance.dana, "post", "/datasets", body)

    assert response.status_code == 422
    assert response.json()["errors"][0]["field"] == "duo_modifiers.DS"
    assert not Dataset.objects.exists()


def test_the_service_refuses_a_ds_modifier_that_is_not_codes_whoever_calls_it(
    make_dataset: MakeDataset,
) -> None:
    with pytest.raises(ServiceError) as refused:
        make_dataset(duo=("DS",), duo_modifiers={"DS": 5})

    assert refused.value.field == "duo_modifiers"
    assert "DS needs one or more OncoTree codes, not 5" in refused.value.message
