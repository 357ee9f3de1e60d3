"""API shapes for shared data: datasets and versions, access requests, grants, audit events."""

from __future__ import annotations

from datetime import date, datetime
from typing import Annotated, Any, Literal

from ninja import Field, Schema
from pydantic import PlainValidator, StringConstraints

from oncobridge.accounts.schemas import Slug, StorableStr
from oncobridge.formats.vcf import Origin

# Literal twins of the model choices, so the OpenAPI schema lists the values.
VisibilityName = Literal["private", "alliance", "partners", "network"]
RequestStatusName = Literal["submitted", "approved", "rejected"]
ImportKindName = Literal["maf", "cbioportal_clinical", "clinical", "fhir", "vcf"]
VcfOriginName = Origin  # the VCF reader's own list, so that the API cannot drift from it
TableName = Literal["patients", "samples", "mutations", "clinical_attributes", "outcomes", "treatments"]
Title = Annotated[StorableStr, StringConstraints(min_length=1, max_length=255)]
LongText = Annotated[StorableStr, StringConstraints(max_length=20_000)]
Short = Annotated[StorableStr, StringConstraints(max_length=200)]
Code = Annotated[StorableStr, StringConstraints(min_length=1, max_length=20)]


class VersionOut(Schema):
    number: int
    created_at: datetime
    created_by: str | None = Field(None, alias="created_by.email")
    sources: list[dict[str, Any]]
    row_counts: dict[str, int]
    deidentification: dict[str, Any]
    warnings: list[str]


class DatasetOut(Schema):
    slug: str
    title: str
    description: str
    organisation: str = Field(alias="organisation.slug")
    visibility: VisibilityName
    cancer_types: list[str]
    data_types: list[str]
    assay: str
    duo_codes: list[str]
    duo_modifiers: dict[str, Any]
    current_version: int | None = Field(None, alias="current_version.number")
    row_counts: dict[str, int] = Field(default_factory=dict, alias="current_version.row_counts")
    created_at: datetime


def _modifier_value(value: object) -> str | list[str]:
    if isinstance(value, str) or (
        isinstance(value, list) and value and all(isinstance(item, str) for item in value)
    ):
        return value
    raise ValueError("a DUO modifier's value is a text (an OncoTree code, a date) or a list of texts")


# DS: an OncoTree code or a list of them; TS: an ISO date (checked by the service).
DuoModifierValue = Annotated[str | list[str], PlainValidator(_modifier_value)]


class DatasetIn(Schema):
    slug: Slug = Field(max_length=80)
    title: Title
    organisation: Slug
    duo_codes: list[Code] = Field(min_length=1, max_length=20)
    duo_modifiers: dict[str, DuoModifierValue] = Field(default_factory=dict)
    description: LongText = ""
    cancer_types: list[Code] = Field(default_factory=list, max_length=50)
    assay: Short = ""
    visibility: VisibilityName = "network"


class DatasetFilters(Schema):
    organisation: Slug | None = None


class AccessRequestIn(Schema):
    dataset: Slug
    purpose: Annotated[StorableStr, StringConstraints(min_length=1, max_length=20_000)]
    commercial: bool
    project: Short = ""
    team: list[Short] = Field(default_factory=list, max_length=50)
    organisation: Slug | None = None


class DecisionIn(Schema):
    approve: bool
    reason: LongText = ""
    expires_on: date | None = None


class RevokeIn(Schema):
    reason: LongText = ""


class AccessRequestOut(Schema):
    id: int
    dataset: str = Field(alias="dataset.slug")
    requester: str = Field(alias="requester.email")
    organisation: str = Field(alias="organisation.slug")
    purpose: str
    commercial: bool
    project: str
    team: list[str]
    status: RequestStatusName
    duo_check: dict[str, Any]
    decided_by: str | None = Field(None, alias="decided_by.email")
    decided_at: datetime | None
    reason: str
    created_at: datetime


class RequestFilters(Schema):
    status: RequestStatusName | None = None


class GrantOut(Schema):
    id: int
    request_id: int
    dataset: str = Field(alias="dataset.slug")
    grantee: str = Field(alias="grantee.email")
    created_at: datetime
    expires_at: datetime
    revoked_at: datetime | None


class GrantFilters(Schema):
    active: bool | None = None


class AuditEventOut(Schema):
    occurred_at: datetime
    actor: str = Field(alias="actor_label")
    action: str
    target_type: str
    target_id: str
    detail: dict[str, Any]


class DownloadQuery(Schema):
    format: Literal["csv", "parquet"] = "csv"


class ImportProblemOut(Schema):
    file: str
    line: int | None
    field: str | None
    message: str


class ImportRefusedOut(Schema):
    """A refused import as RFC 9457 problem details, listing every problem found."""

    type: str
    title: str
    status: int
    detail: str
    instance: str
    problems: list[ImportProblemOut]
    problems_omitted: int = 0
