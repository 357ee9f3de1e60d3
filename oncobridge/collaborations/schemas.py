"""API shapes for collaborations: programmes, projects and their plans, check-ins, documents, agreements."""

from __future__ import annotations

from datetime import date, datetime
from typing import Annotated, Any, ClassVar, Literal

from ninja import Field, Schema
from pydantic import StringConstraints, ValidationInfo, field_validator
from pydantic.json_schema import SkipJsonSchema

from oncobridge.accounts.schemas import Slug, StorableStr

# Literal twins of the model choices, so the OpenAPI schema lists the values; a test keeps them in step.
StageName = Literal[
    "fundamental_research", "proof_of_concept", "development", "transfer_to_market", "patient_care"
]
ProjectRoleName = Literal["lead", "member", "observer"]
MilestoneStatusName = Literal["planned", "in_progress", "done", "blocked"]
RaciLetterName = Literal["R", "A", "C", "I"]
ConfidentialityName = Literal["internal", "confidential"]
AgreementKindName = Literal["cda", "mta", "sponsored_research", "collaboration", "data_use", "licence"]
AgreementStatusName = Literal["draft", "in_negotiation", "executed", "expired", "terminated"]

Title = Annotated[StorableStr, StringConstraints(min_length=1, max_length=255)]
LongText = Annotated[StorableStr, StringConstraints(max_length=20_000)]
Unit = Annotated[StorableStr, StringConstraints(max_length=40)]
# JSON parsing takes NaN and Infinity (and 1e999 becomes inf); no progress is measured in them.
Number = Annotated[float, Field(allow_inf_nan=False)]
MAX_IDS = 200


class PersonOut(Schema):
    id: int
    email: str
    full_name: str


# Programmes


class ProgrammeIn(Schema):
    organisation: Slug
    title: Title
    problem_statement: Annotated[StorableStr, StringConstraints(min_length=1, max_length=20_000)]
    lead_department_ids: list[int] = Field(default_factory=list, max_length=MAX_IDS)
    investigator_ids: list[int] = Field(default_factory=list, max_length=MAX_IDS)
    partner_organisations: list[Slug] = Field(default_factory=list, max_length=MAX_IDS)
    resource_ids: list[int] = Field(
        default_factory=list, max_length=MAX_IDS, description="Research asset ids."
    )
    business_contact_id: int | None = None


class ProgrammeOut(Schema):
    id: int
    organisation: str = Field(alias="organisation.slug")
    title: str
    problem_statement: str
    lead_departments: list[str]
    investigators: list[PersonOut]
    partner_organisations: list[str]
    resource_ids: list[int]
    business_contact: PersonOut | None

    @staticmethod
    def resolve_lead_departments(obj: object) -> list[str]:
        return [department.name for department in obj.lead_departments.all()]  # type: ignore[attr-defined]

    @staticmethod
    def resolve_investigators(obj: object) -> list[object]:
        return list(obj.investigators.all())  # type: ignore[attr-defined]

    @staticmethod
    def resolve_partner_organisations(obj: object) -> list[str]:
        return [organisation.slug for organisation in obj.partner_organisations.all()]  # type: ignore[attr-defined]

    @staticmethod
    def resolve_resource_ids(obj: object) -> list[int]:
        return [asset.pk for asset in obj.resources.all()]  # type: ignore[attr-defined]


# Projects


class ProjectIn(Schema):
    organisation: Slug
    title: Title
    summary: LongText = ""
    programme_id: int | None = None
    introduction_id: int | None = None
    stage: StageName = "fundamental_research"


class ProjectOut(Schema):
    id: int
    organisation: str = Field(alias="organisation.slug")
    title: str
    summary: str
    programme_id: int | None
    introduction_id: int | None
    stage: StageName
    created_at: datetime


class MemberIn(Schema):
    user_id: int
    organisation: Slug
    role: ProjectRoleName = "member"


class MemberOut(Schema):
    user: PersonOut
    organisation: str = Field(alias="organisation.slug")
    role: ProjectRoleName


class StageChangeIn(Schema):
    stage: StageName
    evidence: Annotated[StorableStr, StringConstraints(min_length=1, max_length=20_000)]


class StageChangeOut(Schema):
    from_stage: StageName
    to_stage: StageName
    evidence: str
    decided_by: PersonOut | None
    decided_at: datetime


# Goals


class KeyResultIn(Schema):
    name: Title
    target: Number
    current: Number = 0.0
    unit: Unit = ""


class KeyResultOut(KeyResultIn):
    id: int


class GoalIn(Schema):
    title: Title
    description: LongText = ""
    key_results: list[KeyResultIn] = Field(default_factory=list, max_length=50)


class GoalOut(Schema):
    id: int
    title: str
    description: str
    key_results: list[KeyResultOut]


class KeyResultPatch(Schema):
    current: Number


# Milestones


class MilestoneIn(Schema):
    title: Title
    due_date: date
    description: LongText = ""
    is_deliverable: bool = False
    owner_id: int | None = None
    status: MilestoneStatusName = "planned"
    depends_on: list[int] = Field(default_factory=list, max_length=MAX_IDS)


class MilestonePatch(Schema):
    """Only the fields sent change; null is accepted only where it means something (no owner)."""

    nullable: ClassVar[frozenset[str]] = frozenset({"owner_id"})

    version: int = Field(description="The version you edited; a stale one is refused with 409.")
    title: Title | SkipJsonSchema[None] = None
    due_date: date | SkipJsonSchema[None] = None
    description: LongText | SkipJsonSchema[None] = None
    is_deliverable: bool | SkipJsonSchema[None] = None
    owner_id: int | None = Field(None, description="null leaves the milestone without an owner.")
    status: MilestoneStatusName | SkipJsonSchema[None] = None
    depends_on: Annotated[list[int], Field(max_length=MAX_IDS)] | SkipJsonSchema[None] = None

    # Runs only on values sent: pydantic does not validate defaults.
    @field_validator("*")
    @classmethod
    def _refuse_nulls(cls, value: Any, info: ValidationInfo) -> Any:
        if value is None and info.field_name not in cls.nullable:
            raise ValueError("This field cannot be null; leave it out to keep its value.")
        return value


class ResponsibilityOut(Schema):
    user_id: int
    letter: RaciLetterName


class MilestoneOut(Schema):
    id: int
    title: str
    description: str
    is_deliverable: bool
    owner: PersonOut | None
    due_date: date
    status: MilestoneStatusName
    depends_on: list[int]
    raci: list[ResponsibilityOut]
    version: int

    @staticmethod
    def resolve_depends_on(obj: object) -> list[int]:
        return [other.pk for other in obj.depends_on.all()]  # type: ignore[attr-defined]

    @staticmethod
    def resolve_raci(obj: object) -> list[object]:
        return list(obj.responsibilities.all())  # type: ignore[attr-defined]


class RaciAssignment(Schema):
    user_id: int
    letter: RaciLetterName


class RaciIn(Schema):
    assignments: list[RaciAssignment] = Field(max_length=MAX_IDS)


class MilestoneWindow(Schema):
    days: int = Field(14, ge=0, le=3660, description="How far ahead 'upcoming' looks.")


class MilestoneFlags(Schema):
    overdue: list[MilestoneOut]
    upcoming: list[MilestoneOut]


# Check-ins


class CheckInIn(Schema):
    scheduled_at: datetime
    agenda: LongText = ""


class ActionItemIn(Schema):
    description: Annotated[StorableStr, StringConstraints(min_length=1, max_length=500)]
    owner_id: int
    due_date: date | None = None


class GoalReviewIn(Schema):
    goal_id: int
    on_track: bool
    comment: LongText = ""


class CheckInRecordIn(Schema):
    version: int = Field(description="The version you edited; a stale one is refused with 409.")
    notes: LongText = ""
    decisions: LongText = ""
    action_items: list[ActionItemIn] = Field(default_factory=list, max_length=100)
    goal_reviews: list[GoalReviewIn] = Field(default_factory=list, max_length=100)


class ActionItemOut(Schema):
    id: int
    description: str
    owner: PersonOut
    due_date: date | None
    done: bool
    project_id: int = Field(alias="checkin.project_id")
    checkin_id: int


class ActionItemPatch(Schema):
    done: bool


class GoalReviewOut(Schema):
    goal_id: int
    on_track: bool
    comment: str


class CheckInOut(Schema):
    id: int
    scheduled_at: datetime
    agenda: str
    notes: str
    decisions: str
    action_items: list[ActionItemOut]
    goal_reviews: list[GoalReviewOut]
    version: int

    @staticmethod
    def resolve_action_items(obj: object) -> list[object]:
        return list(obj.action_items.all())  # type: ignore[attr-defined]

    @staticmethod
    def resolve_goal_reviews(obj: object) -> list[object]:
        return list(obj.goal_reviews.all())  # type: ignore[attr-defined]


# Documents


class DocumentVersionOut(Schema):
    number: int
    filename: str
    sha256: str
    size: int
    uploaded_at: datetime


class DocumentOut(Schema):
    id: int
    title: str
    confidentiality: ConfidentialityName
    versions: list[DocumentVersionOut]

    @staticmethod
    def resolve_versions(obj: object) -> list[object]:
        return list(obj.versions.all())  # type: ignore[attr-defined]


# Agreements


class AgreementIn(Schema):
    title: Title
    kind: AgreementKindName
    parties: list[Slug] = Field(min_length=2, max_length=20)
    project_id: int | None = None
    effective_date: date | None = None
    expiry_date: date | None = None
    document_ids: list[int] = Field(default_factory=list, max_length=MAX_IDS)


class SignatureOut(Schema):
    organisation: str = Field(alias="organisation.slug")
    signed_by: PersonOut | None
    signed_at: datetime


class AgreementOut(Schema):
    id: int
    title: str
    kind: AgreementKindName
    status: AgreementStatusName
    parties: list[str]
    project_id: int | None
    effective_date: date | None
    expiry_date: date | None
    executed_at: datetime | None
    document_ids: list[int]
    signatures: list[SignatureOut]
    created_at: datetime

    @staticmethod
    def resolve_signatures(obj: object) -> list[object]:
        return list(obj.signatures.all())  # type: ignore[attr-defined]

    @staticmethod
    def resolve_parties(obj: object) -> list[str]:
        return [organisation.slug for organisation in obj.parties.all()]  # type: ignore[attr-defined]

    @staticmethod
    def resolve_document_ids(obj: object) -> list[int]:
        return [document.pk for document in obj.documents.all()]  # type: ignore[attr-defined]


class AgreementFilters(Schema):
    kind: AgreementKindName | None = None
    status: AgreementStatusName | None = None


class TransitionIn(Schema):
    status: AgreementStatusName
    effective_date: date | None = None
    expiry_date: date | None = None


class SignIn(Schema):
    organisation: Slug | None = Field(
        None, description="The party you sign for; needed only if you manage several of the parties."
    )


class ExpiringQuery(Schema):
    within_days: int = Field(60, ge=0, le=3660)


class PipelineRowOut(Schema):
    kind: AgreementKindName
    by_status: dict[str, int]
    executed: int
    mean_days_to_execution: float | None


# Publications and other outputs

OutcomeKindName = Literal["patent", "licence", "product", "clinical_trial", "dataset"]
ShortText = Annotated[StorableStr, StringConstraints(max_length=255)]


class PublicationIn(Schema):
    pmid: Annotated[StorableStr, StringConstraints(min_length=1, max_length=20)] = Field(
        description="The PubMed id (digits; a 'PMID:' prefix is accepted)."
    )
    title: Annotated[StorableStr, StringConstraints(max_length=500)] = ""
    year: int | None = None
    journal: ShortText = ""


class OutcomeIn(Schema):
    kind: OutcomeKindName
    title: Annotated[StorableStr, StringConstraints(min_length=1, max_length=500)]
    year: int | None = None
    reference: ShortText = Field("", description="Patent number, licence reference, trial id, accession.")
    description: LongText = ""


class OutputOut(Schema):
    id: int
    kind: Literal["publication", "patent", "licence", "product", "clinical_trial", "dataset"]
    pmid: str | None
    pubmed_url: str | None
    title: str
    year: int | None
    journal: str
    reference: str
    description: str
    created_at: datetime

    @staticmethod
    def resolve_pmid(obj: object) -> str | None:
        return obj.pmid or None  # type: ignore[attr-defined]

    @staticmethod
    def resolve_pubmed_url(obj: object) -> str | None:
        pmid = obj.pmid  # type: ignore[attr-defined]
        return f"https://pubmed.ncbi.nlm.nih.gov/{pmid}/" if pmid else None


# Activity and the alliance office


class ActivityOut(Schema):
    id: int
    project_id: int
    kind: str
    summary: str
    actor: PersonOut | None
    created_at: datetime


class StageCountOut(Schema):
    stage: StageName
    label: str
    projects: int
    partnered: int


class AtRiskMilestoneOut(Schema):
    id: int
    project_id: int
    title: str
    due_date: date
    status: MilestoneStatusName
    owner: PersonOut | None


class PendingAgreementOut(Schema):
    id: int = Field(alias="agreement.pk")
    title: str = Field(alias="agreement.title")
    kind: AgreementKindName = Field(alias="agreement.kind")
    status: AgreementStatusName = Field(alias="agreement.status")
    days_open: int


class PartnerSummaryOut(Schema):
    organisation: str = Field(alias="organisation.slug")
    name: str = Field(alias="organisation.name")
    project_ids: list[int]
    stages: dict[str, int]
    agreements: dict[str, int]
    outputs: int

    @staticmethod
    def resolve_project_ids(obj: object) -> list[int]:
        return [project.pk for project in obj.projects]  # type: ignore[attr-defined]


class DashboardOut(Schema):
    active_partnerships: int
    stages: list[StageCountOut]
    overdue: list[AtRiskMilestoneOut]
    due_soon: list[AtRiskMilestoneOut]
    pending: list[PendingAgreementOut]
    partners: list[PartnerSummaryOut]


class ExecutionTimeOut(Schema):
    kind: AgreementKindName
    executed: int
    median_days: float | None
    mean_days: float | None


class PipelineOut(Schema):
    by_status: dict[str, list[AgreementOut]]
    execution: list[ExecutionTimeOut]
    expiring: list[AgreementOut]

    @staticmethod
    def resolve_by_status(obj: object) -> dict[str, list[object]]:
        return {column.status: column.agreements for column in obj.columns}  # type: ignore[attr-defined]


class PipelineQuery(Schema):
    kind: AgreementKindName | None = None
    party: Slug | None = Field(None, description="Only agreements this organisation is party to.")
