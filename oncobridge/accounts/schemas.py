"""API shapes for organisations, the current user and personal access tokens."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Annotated, Literal

from django.utils import timezone
from ninja import Field, Schema
from pydantic import AfterValidator, AwareDatetime, StringConstraints, field_validator

OrganisationKindName = Literal["academic", "hospital", "company", "funder", "nonprofit"]
RoleName = Literal[
    "platform_admin",
    "alliance_manager",
    "investigator",
    "industry_member",
    "data_steward",
    "reviewer",
    "trainee",
]


def _storable(value: str) -> str:
    """Text every database stores as given: PostgreSQL refuses NUL and unpaired surrogates are not UTF-8."""
    if "\x00" in value:
        raise ValueError("Text cannot contain NUL characters.")
    try:
        value.encode("utf-8")
    except UnicodeEncodeError:
        raise ValueError("Text must be valid Unicode.") from None
    return value


# Lengths are set per field with Field(max_length=...); this adds what every free-text input needs.
StorableStr = Annotated[str, AfterValidator(_storable)]
SLUG_PATTERN = r"^[-a-zA-Z0-9_]{1,80}$"
Slug = Annotated[str, StringConstraints(pattern=SLUG_PATTERN)]


class OrganisationFilters(Schema):
    kind: OrganisationKindName | None = None
    q: StorableStr | None = Field(None, max_length=200, description="Part of the organisation's name.")


class OrganisationOut(Schema):
    slug: str
    name: str
    kind: OrganisationKindName
    alliance_member: bool
    city: str
    country: str
    website: str


class OrganisationDetailOut(OrganisationOut):
    description: str
    portfolio_counts: dict[str, int] = Field(
        description="Entries of this organisation visible to you, by kind (profile, asset, project, ...)."
    )


class MembershipOut(Schema):
    organisation: str = Field(alias="organisation.slug")
    organisation_name: str = Field(alias="organisation.name")
    role: RoleName


class MeOut(Schema):
    id: int
    email: str
    full_name: str
    roles: list[RoleName]
    memberships: list[MembershipOut]


class TokenOut(Schema):
    id: int
    name: str
    prefix: str = Field(description="The first characters of the token, to recognise it.")
    created_at: datetime
    expires_at: datetime | None
    last_used_at: datetime | None
    revoked_at: datetime | None


class TokenCreatedOut(TokenOut):
    secret: str = Field(description="The token itself. It is shown this once and cannot be retrieved later.")


class TokenIn(Schema):
    name: StorableStr = Field("API token", min_length=1, max_length=120)
    expires_at: AwareDatetime | None = Field(
        None, description="When the token stops working; never if absent."
    )

    @field_validator("expires_at")
    @classmethod
    def _in_the_future(cls, value: datetime | None) -> datetime | None:
        if value is None:
            return None
        try:
            in_utc = value.astimezone(UTC)
        except OverflowError:
            raise ValueError("The expiry date is out of range.") from None
        if in_utc <= timezone.now():
            raise ValueError("The expiry date must be in the future.")
        if in_utc.year > 9000:
            raise ValueError("The expiry date is out of range.")
        return in_utc
