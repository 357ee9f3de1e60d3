"""API shapes for the research portfolio: people, assets, projects, partner needs and profiles, search."""

from __future__ import annotations

from datetime import date, datetime
from typing import Annotated, Any, ClassVar, Literal

from django.conf import settings
from django.urls import reverse
from ninja import Field, Schema
from pydantic import StringConstraints, ValidationInfo, field_validator
from pydantic.json_schema import SkipJsonSchema

from oncobridge.accounts.schemas import Slug, StorableStr
from oncobridge.core.pagination import MAX_OFFSET
from oncobridge.portfolio.selectors import SearchHit

# Literal twins of the model choices, so the OpenAPI schema lists the values; a test keeps them in step.
VisibilityName = Literal["private", "alliance", "partners", "network"]
AssetKindName = Literal[
    "specimen_collection",
    "pdx_model",
    "organoid",
    "cell_line",
    "dataset",
    "invention",
    "patent",
    "core_facility",
    "clinical_trial",
]
DevelopmentStageName = Literal[
    "discovery", "preclinical", "phase_1", "phase_2", "phase_3", "phase_4", "marketed"
]
CollaborationKindName = Literal[
    "sponsored_research",
    "co_development",
    "licensing",
    "data_access",
    "material_access",
    "trial_site",
    "service",
    "advisory",
]
NeedStatusName = Literal["open", "closed"]
DocumentKindName = Literal["profile", "asset", "project", "need", "partner"]

MAX_CONCEPTS = 50
Concept = Annotated[StorableStr, StringConstraints(min_length=1, max_length=80)]
ConceptList = Annotated[list[Concept], Field(max_length=MAX_CONCEPTS)]
Title = Annotated[StorableStr, StringConstraints(min_length=1, max_length=500)]
LongText = Annotated[StorableStr, StringConstraints(max_length=20_000)]
SizeUnit = Annotated[StorableStr, StringConstraints(max_length=40)]
Availability = Annotated[StorableStr, StringConstraints(max_length=5_000)]
Source = Annotated[StorableStr, StringConstraints(max_length=120)]
Url = Annotated[StorableStr, StringConstraints(max_length=500, pattern=r"^(https?://\S+)?$")]
# Positive integer columns are 32-bit on PostgreSQL.
MAX_SIZE = 2_147_483_647


class PortfolioFilters(Schema):
    organisation: Slug | None = Field(None, description="Organisation slug.")


class AssetFilters(PortfolioFilters):
    kind: AssetKindName | None = None


class NeedFilters(PortfolioFilters):
    status: Literal["open", "closed", "any"] = "open"


class Tagged(Schema):
    cancer_types: list[str] = Field(description="OncoTree codes.")
    genes: list[str] = Field(description="HUGO gene symbols.")
    modalities: list[str]
    visibility: VisibilityName


class ProfileOut(Tagged):
    id: int
    user_id: int
    name: str = Field(alias="user.display_name")
    organisation: str = Field(alias="organisation.slug")
    organisation_name: str = Field(alias="organisation.name")
    department: str | None = Field(None, alias="department.name")
    position: str
    summary: str
    methods: list[str]
    orcid: str
    publications: list[str] = Field(description="PubMed ids.")
    updated_at: datetime


class AssetOut(Tagged):
    id: int
    organisation: str = Field(alias="organisation.slug")
    organisation_name: str = Field(alias="organisation.name")
    kind: AssetKindName
    title: str
    description: str
    size: int | None
    size_unit: str
    availability: str
    source: str
    url: str
    owner_id: int | None
    created_at: datetime
    updated_at: datetime


class ProjectOut(Tagged):
    id: int
    organisation: str = Field(alias="organisation.slug")
    organisation_name: str = Field(alias="organisation.name")
    title: str
    abstract: str
    programme: str
    start_date: date | None
    end_date: date | None
    publications: list[str]


class NeedOut(Tagged):
    id: int
    organisation: str = Field(alias="organisation.slug")
    organisation_name: str = Field(alias="organisation.name")
    title: str
    description: str
    development_stage: DevelopmentStageName | Literal[""]
    collaboration_kind: CollaborationKindName | Literal[""]
    status: NeedStatusName
    posted_by_id: int | None
    created_at: datetime
    updated_at: datetime


class NeedResponseOut(Schema):
    id: int
    need_id: int
    responder: str = Field(alias="responder.display_name")
    organisation: str = Field(alias="organisation.slug")
    message: str
    asset_id: int | None
    created_at: datetime


class PartnerOut(Schema):
    id: int
    organisation: str = Field(alias="organisation.slug")
    organisation_name: str = Field(alias="organisation.name")
    summary: str
    therapeutic_areas: list[str] = Field(description="OncoTree codes.")
    targets: list[str] = Field(description="HUGO gene symbols.")
    modalities: list[str]
    development_stages: list[str]
    collaboration_kinds: list[str]
    visibility: VisibilityName


class ConceptsIn(Schema):
    cancer_types: ConceptList = Field(default_factory=list, description="OncoTree codes.")
    genes: ConceptList = Field(default_factory=list, description="HUGO gene symbols or aliases.")
    modalities: ConceptList = Field(default_factory=list)


class ProfileIn(ConceptsIn):
    organisation: Slug | None = Field(
        None, description="Slug of one of your organisations; defaults to the profile's current one."
    )
    position: StorableStr = Field("", max_length=200)
    summary: StorableStr = Field("", max_length=20_000)
    methods: list[Annotated[StorableStr, StringConstraints(max_length=200)]] = Field(
        default_factory=list, max_length=MAX_CONCEPTS
    )
    orcid: StorableStr = Field("", max_length=40)
    publications: list[Annotated[str, StringConstraints(pattern=r"^\d{1,9}$")]] = Field(
        default_factory=list, max_length=1000, description="PubMed ids."
    )
    visibility: VisibilityName = "alliance"


class AssetIn(ConceptsIn):
    organisation: Slug = Field(description="Slug of the organisation the asset belongs to.")
    kind: AssetKindName
    title: Title
    description: LongText = ""
    size: int | None = Field(None, ge=0, le=MAX_SIZE)
    size_unit: SizeUnit = ""
    availability: Availability = ""
    source: Source = ""
    url: Url = ""
    visibility: VisibilityName = "alliance"


class Patch(Schema):
    """A partial update: only the fields sent change, and a field sent as null is refused unless nullable.

    Absent fields are None in Python but not nullable in the OpenAPI schema (SkipJsonSchema).
    """

    nullable: ClassVar[frozenset[str]] = frozenset()

    # Runs only on values sent: pydantic does not validate defaults.
    @field_validator("*")
    @classmethod
    def _refuse_nulls(cls, value: Any, info: ValidationInfo) -> Any:
        if value is None and info.field_name not in cls.nullable:
            raise ValueError("This field cannot be null; leave it out to keep its value.")
        return value


class AssetPatch(Patch):
    nullable = frozenset({"size"})

    kind: AssetKindName | SkipJsonSchema[None] = Field(None)
    title: Title | SkipJsonSchema[None] = None
    description: LongText | SkipJsonSchema[None] = None
    cancer_types: ConceptList | SkipJsonSchema[None] = Field(None, description="OncoTree codes.")
    genes: ConceptList | SkipJsonSchema[None] = Field(None, description="HUGO gene symbols or aliases.")
    modalities: ConceptList | SkipJsonSchema[None] = Field(None)
    size: int | None = Field(None, ge=0, le=MAX_SIZE)
    size_unit: SizeUnit | SkipJsonSchema[None] = None
    availability: Availability | SkipJsonSchema[None] = None
    source: Source | SkipJsonSchema[None] = None
    url: Url | SkipJsonSchema[None] = None
    visibility: VisibilityName | SkipJsonSchema[None] = Field(None)


class NeedIn(ConceptsIn):
    organisation: Slug = Field(description="Slug of the organisation that has the need.")
    title: Title
    description: LongText = ""
    development_stage: DevelopmentStageName | Literal[""] = ""
    collaboration_kind: CollaborationKindName | Literal[""] = ""
    visibility: VisibilityName = "network"


class NeedPatch(Patch):
    title: Title | SkipJsonSchema[None] = None
    description: LongText | SkipJsonSchema[None] = None
    cancer_types: ConceptList | SkipJsonSchema[None] = Field(None, description="OncoTree codes.")
    genes: ConceptList | SkipJsonSchema[None] = Field(None, description="HUGO gene symbols or aliases.")
    modalities: ConceptList | SkipJsonSchema[None] = Field(None)
    development_stage: DevelopmentStageName | Literal[""] | SkipJsonSchema[None] = Field(None)
    collaboration_kind: CollaborationKindName | Literal[""] | SkipJsonSchema[None] = Field(None)
    status: NeedStatusName | SkipJsonSchema[None] = Field(None)
    visibility: VisibilityName | SkipJsonSchema[None] = Field(None)


class NeedResponseIn(Schema):
    message: StorableStr = Field(min_length=1, max_length=10_000)
    asset_id: int | None = Field(None, ge=1, description="One of your organisation's assets, offered.")


class SearchQuery(Schema):
    q: StorableStr = Field("", max_length=500, description="Words to find; the last one may be a prefix.")
    kind: list[DocumentKindName] = Field(default_factory=list)
    cancer_type: list[Concept] = Field(
        default_factory=list, max_length=MAX_CONCEPTS, description="OncoTree codes; descendants match too."
    )
    gene: list[Concept] = Field(default_factory=list, max_length=MAX_CONCEPTS)
    modality: list[Concept] = Field(default_factory=list, max_length=MAX_CONCEPTS)
    asset_kind: list[AssetKindName] = Field(default_factory=list)
    organisation: list[Slug] = Field(default_factory=list, max_length=MAX_CONCEPTS)
    limit: int = Field(20, ge=1, le=settings.NINJA_PAGINATION_MAX_LIMIT)
    offset: int = Field(0, ge=0, le=MAX_OFFSET)


DETAIL_URL_NAMES = {
    "profile": ("person_detail", "profile_id"),
    "asset": ("asset_detail", "asset_id"),
    "project": ("project_detail", "project_id"),
    "need": ("need_detail", "need_id"),
    "partner": ("partner_detail", "partner_id"),
}


class SearchHitOut(Schema):
    kind: DocumentKindName
    id: int = Field(alias="object_id")
    title: str
    subtitle: str
    snippet: str
    url: str = Field(description="The entry in this API.")

    @staticmethod
    def resolve_url(hit: SearchHit) -> str:
        url_name, argument = DETAIL_URL_NAMES[hit.kind]
        return reverse(f"api:{url_name}", kwargs={argument: hit.object_id})


class FacetValueOut(Schema):
    value: str
    label: str
    count: int
    selected: bool
    depth: int = Field(description="Nesting in the OncoTree (cancer type facet only).")


class SearchOut(Schema):
    query: str
    total: int = Field(description="Matching entries visible to you.")
    limit: int
    offset: int
    hits: list[SearchHitOut]
    kind_counts: dict[str, int]
    facets: dict[str, list[FacetValueOut]] = Field(
        description="Per facet (cancer, gene, modality, asset_kind, organisation), over visible matches."
    )
    suggested_cancer_types: list[FacetValueOut]
