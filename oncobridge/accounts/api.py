"""API for the organisation directory, the current user and their personal access tokens."""

from typing import Any

from django.db.models import QuerySet
from django.http import HttpRequest
from ninja import Query, Router, Status
from ninja.pagination import paginate

from oncobridge.accounts.access import api_caller, organisation_for_user, viewer_for
from oncobridge.accounts.models import Membership, Organisation, PersonalAccessToken
from oncobridge.accounts.schemas import (
    MeOut,
    OrganisationDetailOut,
    OrganisationFilters,
    OrganisationOut,
    Slug,
    TokenCreatedOut,
    TokenIn,
    TokenOut,
)
from oncobridge.accounts.selectors import organisation_list, token_list
from oncobridge.accounts.services import token_create, token_revoke
from oncobridge.core.errors import NotFound
from oncobridge.core.pagination import OffsetPagination
from oncobridge.portfolio.selectors import organisation_portfolio_counts

router = Router(tags=["accounts"])


@router.get("/organisations", response=list[OrganisationOut], summary="List organisations")
@paginate(OffsetPagination)
def organisations(request: HttpRequest, filters: Query[OrganisationFilters]) -> QuerySet[Organisation]:
    # The directory is open to every member and closed to outsiders, as in `organisation_for_user`.
    if not viewer_for(api_caller(request)).is_member:
        return Organisation.objects.none()
    return organisation_list(kind=filters.kind, query=filters.q)


@router.get("/organisations/{slug}", response=OrganisationDetailOut, summary="One organisation")
def organisation_detail(request: HttpRequest, slug: Slug) -> dict[str, Any]:
    organisation = organisation_for_user(api_caller(request), slug)
    counts = organisation_portfolio_counts(viewer=viewer_for(api_caller(request)), organisation=organisation)
    summary = OrganisationOut.model_validate(organisation).model_dump()
    return {**summary, "description": organisation.description, "portfolio_counts": counts}


@router.get("/me", response=MeOut, summary="The current user")
def me(request: HttpRequest) -> dict[str, Any]:
    user = api_caller(request)
    memberships = list(Membership.objects.filter(user=user).select_related("organisation"))
    return {
        "id": user.pk,
        "email": user.email,
        "full_name": user.full_name,
        "roles": sorted({membership.role for membership in memberships}),
        "memberships": memberships,
    }


@router.get("/tokens", response=list[TokenOut], summary="Your personal access tokens")
@paginate(OffsetPagination)
def tokens(request: HttpRequest) -> QuerySet[PersonalAccessToken]:
    return token_list(user=api_caller(request))


@router.post("/tokens", response={201: TokenCreatedOut}, summary="Issue a personal access token")
def token_issue(request: HttpRequest, payload: TokenIn) -> Status[dict[str, Any]]:
    issued = token_create(user=api_caller(request), name=payload.name, expires_at=payload.expires_at)
    return Status(201, {**TokenOut.model_validate(issued.token).model_dump(), "secret": issued.secret})


@router.delete("/tokens/{token_id}", response={204: None}, summary="Revoke one of your tokens")
def token_delete(request: HttpRequest, token_id: int) -> Status[None]:
    token = token_list(user=api_caller(request)).filter(pk=token_id).first()
    if token is None:
        raise NotFound(f"You have no token {token_id}.")
    token_revoke(token=token, actor=api_caller(request))
    return Status(204, None)
