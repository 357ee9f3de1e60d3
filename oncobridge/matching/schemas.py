"""API shapes for matchmaking: match queries and results, introductions and their steps."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated, Literal

from ninja import Field, Schema
from pydantic import StringConstraints

from oncobridge.accounts.schemas import StorableStr
from oncobridge.matching.selectors import MAX_LIMIT
from oncobridge.portfolio.schemas import MAX_CONCEPTS, Concept, DocumentKindName

OrganisationKindName = Literal["academic", "hospital", "company", "funder", "nonprofit"]
IntroductionStatusName = Literal["requested", "approved", "declined", "cda_opened"]
OutcomeName = Literal["none", "accepted", "declined", "led_to_project"]
RecordedOutcomeName = Literal["accepted", "declined", "led_to_project"]
QueryText = Annotated[StorableStr, StringConstraints(max_length=5_000)]
Message = Annotated[StorableStr, StringConstraints(max_length=5_000)]


class MatchSource(Schema):
    text: QueryText = Field("", description="Free text to find partners for (when no from_kind/from_id).")
    from_kind: DocumentKindName | None = Field(None, description="Match from this kind of portfolio entry…")
    from_id: int | None = Field(None, ge=1, le=2**53, description="…with this id.")
    include_own_organisation: bool = Field(False, description="Keep matches from your own organisation.")


class MatchParams(MatchSource):
    kind: list[DocumentKindName] = Field(default_factory=list, description="Only these kinds of entry.")
    organisation_type: list[OrganisationKindName] = Field(default_factory=list)
    cancer_type: list[Concept] = Field(
        default_factory=list, max_length=MAX_CONCEPTS, description="OncoTree codes; related codes match too."
    )
    limit: int = Field(10, ge=1, le=MAX_LIMIT)


class MatchOut(Schema):
    kind: DocumentKindName
    id: int = Field(alias="object_id")
    title: str
    url: str
    organisation: str = Field(alias="organisation_slug")
    organisation_name: str
    organisation_kind: OrganisationKindName
    score: float
    parts: dict[str, float] = Field(description="Each score part's weighted contribution; they add up.")
    explanation: list[str] = Field(description="Why it matches, strongest evidence first.")


class MatchesOut(Schema):
    query: str
    index_ready: bool = Field(description="False until the match index has been built.")
    items: list[MatchOut]
    count: int


class IntroductionIn(MatchSource):
    target_kind: DocumentKindName
    target_id: int = Field(ge=1, le=2**53)
    message: Message = ""


class DecisionIn(Schema):
    approve: bool
    note: Message = ""


class OutcomeIn(Schema):
    outcome: RecordedOutcomeName


class IntroductionOut(Schema):
    id: int
    requester: str = Field(alias="requester.display_name")
    requester_organisation: str = Field(alias="requester_organisation.slug")
    target_kind: DocumentKindName
    target_id: int
    target_title: str
    target_organisation: str = Field(alias="target_organisation.slug")
    source: str
    score: float
    score_parts: dict[str, float]
    explanation: list[str]
    message: str
    status: IntroductionStatusName
    decision_note: str
    decided_at: datetime | None
    agreement_id: int | None
    outcome: OutcomeName
    created_at: datetime
    updated_at: datetime


class IntroductionFilters(Schema):
    status: IntroductionStatusName | None = None
