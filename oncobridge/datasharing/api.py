"""API for shared data: datasets, row-level downloads, access requests and grants, the audit trail.

A dataset the caller may not see is a 404 exactly like a missing one; one they may see but not read
row by row is a 403. Every decision and download goes through services.py, which audits it.
"""

import io
from typing import Any

from django.db.models import QuerySet
from django.http import HttpRequest, HttpResponse, StreamingHttpResponse
from ninja import File, Form, Query, Router, Status, UploadedFile
from ninja.pagination import paginate

from oncobridge.accounts.access import api_caller, viewer_for
from oncobridge.accounts.selectors import organisation_named
from oncobridge.core.models import AuditEvent
from oncobridge.core.pagination import OffsetPagination
from oncobridge.core.problems import problem_response
from oncobridge.datasharing import services
from oncobridge.datasharing.access import dataset_for_user, grant_for_user, request_for_user
from oncobridge.datasharing.models import AccessRequest, Dataset, DatasetVersion, Grant, ImportStatus
from oncobridge.datasharing.schemas import (
    AccessRequestIn,
    AccessRequestOut,
    AuditEventOut,
    DatasetFilters,
    DatasetIn,
    DatasetOut,
    DecisionIn,
    DownloadQuery,
    GrantFilters,
    GrantOut,
    ImportKindName,
    ImportRefusedOut,
    RequestFilters,
    RevokeIn,
    TableName,
    VcfOriginName,
    VersionOut,
)
from oncobridge.datasharing.selectors import (
    access_request_list,
    audit_csv_write,
    audit_for_dataset,
    dataset_list,
    dataset_versions,
    grant_list,
)

router = Router(tags=["datasharing"])


# Datasets


@router.get("/datasets", response=list[DatasetOut], summary="Shared datasets visible to you")
@paginate(OffsetPagination)
def datasets(request: HttpRequest, filters: Query[DatasetFilters]) -> QuerySet[Dataset]:
    return dataset_list(viewer=viewer_for(api_caller(request)), organisation=filters.organisation)


@router.post("/datasets", response={201: DatasetOut}, summary="Register a dataset (data stewards)")
def dataset_create(request: HttpRequest, payload: DatasetIn) -> Status[Dataset]:
    dataset = services.dataset_create(
        viewer=viewer_for(api_caller(request)),
        actor=api_caller(request),
        organisation=organisation_named(payload.organisation),
        **payload.dict(exclude={"organisation"}),
    )
    return Status(201, dataset)


@router.get("/datasets/{slug}", response=DatasetOut, summary="One dataset")
def dataset_detail(request: HttpRequest, slug: str) -> Dataset:
    return dataset_for_user(api_caller(request), slug)


@router.get("/datasets/{slug}/versions", response=list[VersionOut], summary="A dataset's versions")
@paginate(OffsetPagination)
def dataset_version_list(request: HttpRequest, slug: str) -> QuerySet[DatasetVersion]:
    return dataset_versions(dataset=dataset_for_user(api_caller(request), slug))


@router.post(
    "/datasets/{slug}/imports",
    response={201: VersionOut, 422: ImportRefusedOut},
    summary="Upload a file and import it as the next version (data stewards); 422 lists every problem",
    description=(
        "Multipart form: `kind` (maf, cbioportal_clinical, clinical, fhir, vcf) and `file`; a clinical TSV "
        "needs its YAML `mapping`; cBioPortal clinical data may add the other file as `second_file`; "
        "a VCF may say `origin` (somatic, the default, or germline). "
        "All or nothing: a refused file leaves the current version untouched."
    ),
)
def dataset_import_upload(
    request: HttpRequest,
    slug: str,
    kind: Form[ImportKindName],
    file: File[UploadedFile],
    mapping: File[UploadedFile | None] = None,
    second_file: File[UploadedFile | None] = None,
    origin: Form[VcfOriginName | None] = None,
) -> Status[DatasetVersion] | HttpResponse:
    user = api_caller(request)
    dataset = dataset_for_user(user, slug, steward=True)
    uploads = [
        services.Upload(role=role, name=upload.name or role, chunks=upload.chunks())
        for role, upload in (("file", file), ("mapping", mapping), ("second_file", second_file))
        if upload is not None
    ]
    job = services.import_job_create(
        viewer=viewer_for(user), actor=user, dataset=dataset, kind=kind, uploads=uploads, origin=origin
    )
    job = services.import_job_run(job_id=job.pk)
    if job.status == ImportStatus.SUCCEEDED and job.version is not None:
        return Status(201, job.version)
    if job.status == ImportStatus.FAILED:
        return problem_response(request, status=500, title="Import failed", detail=job.message)
    return problem_response(
        request,
        status=422,
        title="Import refused",
        detail=job.message,
        problems=job.problems,
        problems_omitted=job.problems_omitted,
    )


@router.get(
    "/datasets/{slug}/tables/{table}",
    response={200: None},
    summary="Download a table of the current version (CSV or Parquet; grantees and stewards)",
)
def dataset_table(
    request: HttpRequest, slug: str, table: TableName, query: Query[DownloadQuery]
) -> StreamingHttpResponse:
    dataset = dataset_for_user(api_caller(request), slug)
    download = services.dataset_table_download(
        viewer=viewer_for(api_caller(request)),
        actor=api_caller(request),
        dataset=dataset,
        table=table,
        fmt=query.format,
    )
    response = StreamingHttpResponse(download.chunks, content_type=download.content_type)
    response["Content-Disposition"] = f'attachment; filename="{download.filename}"'
    return response


@router.get(
    "/datasets/{slug}/phenopackets",
    response=list[dict[str, Any]],
    summary="Phenopackets v2 of the current version's patients (grantees and stewards)",
)
def dataset_phenopackets(request: HttpRequest, slug: str) -> list[dict[str, Any]]:
    dataset = dataset_for_user(api_caller(request), slug)
    return services.dataset_phenopackets_export(
        viewer=viewer_for(api_caller(request)), actor=api_caller(request), dataset=dataset
    )


@router.get("/datasets/{slug}/audit", response=list[AuditEventOut], summary="Audit trail (data stewards)")
@paginate(OffsetPagination)
def dataset_audit(request: HttpRequest, slug: str) -> QuerySet[AuditEvent]:
    return audit_for_dataset(dataset=dataset_for_user(api_caller(request), slug, steward=True))


@router.get("/datasets/{slug}/audit.csv", response={200: None}, summary="Audit trail as CSV (data stewards)")
def dataset_audit_csv(request: HttpRequest, slug: str) -> HttpResponse:
    dataset = dataset_for_user(api_caller(request), slug, steward=True)
    out = io.StringIO()
    audit_csv_write(audit_for_dataset(dataset=dataset), out)
    response = HttpResponse(out.getvalue(), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{dataset.slug}-audit.csv"'
    return response


# Access requests


@router.get("/access-requests", response=list[AccessRequestOut], summary="Your requests, and your datasets'")
@paginate(OffsetPagination)
def access_requests(request: HttpRequest, filters: Query[RequestFilters]) -> QuerySet[AccessRequest]:
    return access_request_list(viewer=viewer_for(api_caller(request)), status=filters.status)


@router.post("/access-requests", response={201: AccessRequestOut}, summary="Request access to a dataset")
def access_request_submit(request: HttpRequest, payload: AccessRequestIn) -> Status[AccessRequest]:
    user = api_caller(request)
    dataset = dataset_for_user(user, payload.dataset)
    submitted = services.access_request_submit(
        viewer=viewer_for(user),
        actor=user,
        dataset=dataset,
        purpose=payload.purpose,
        commercial=payload.commercial,
        project=payload.project,
        team=payload.team,
        organisation=organisation_named(payload.organisation) if payload.organisation else None,
    )
    return Status(201, submitted)


@router.get("/access-requests/{request_id}", response=AccessRequestOut, summary="One access request")
def access_request_detail(request: HttpRequest, request_id: int) -> AccessRequest:
    return request_for_user(api_caller(request), request_id)


@router.post(
    "/access-requests/{request_id}/decision",
    response=AccessRequestOut,
    summary="Approve (creating a grant) or reject (data stewards of the owning organisation)",
)
def access_request_decide(request: HttpRequest, request_id: int, payload: DecisionIn) -> AccessRequest:
    user = api_caller(request)
    return services.access_request_decide(
        viewer=viewer_for(user),
        actor=user,
        request=request_for_user(user, request_id, decide=True),
        approve=payload.approve,
        reason=payload.reason,
        expires_on=payload.expires_on,
    )


# Grants


@router.get("/grants", response=list[GrantOut], summary="Your grants, and those on your datasets")
@paginate(OffsetPagination)
def grants(request: HttpRequest, filters: Query[GrantFilters]) -> QuerySet[Grant]:
    return grant_list(viewer=viewer_for(api_caller(request)), active=filters.active)


@router.get("/grants/{grant_id}", response=GrantOut, summary="One grant")
def grant_detail(request: HttpRequest, grant_id: int) -> Grant:
    return grant_for_user(api_caller(request), grant_id)


@router.post("/grants/{grant_id}/revoke", response=GrantOut, summary="Revoke a grant (data stewards)")
def grant_revoke(request: HttpRequest, grant_id: int, payload: RevokeIn) -> Grant:
    user = api_caller(request)
    return services.grant_revoke(
        viewer=viewer_for(user), actor=user, grant=grant_for_user(user, grant_id), reason=payload.reason
    )
