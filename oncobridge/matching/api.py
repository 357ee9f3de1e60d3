"""API for matchmaking: ranked, explained matches and the introductions the alliance office brokers.

Matches are computed over what the caller may see only; an entry to match from or to be introduced to that the
caller may not see is a 404, exactly like one that does not exist.
"""

from typing import Any

from django.db.models import QuerySet
from django.http import HttpRequest
from ninja import Query, Router, Status
from ninja.pagination import paginate

from oncobridge.accounts.access import api_caller
from oncobridge.core.pagination import OffsetPagination
from oncobridge.matching import access, selectors, services
from oncobridge.matching.models import Introduction
from oncobridge.matching.schemas import (
    DecisionIn,
    IntroductionFilters,
    IntroductionIn,
    IntroductionOut,
    MatchesOut,
    MatchParams,
    MatchSource,
    OutcomeIn,
)

router = Router(tags=["matching"])


def _query(source: MatchSource, **filters: Any) -> selectors.MatchQuery:
    has_source = source.from_kind is not None and source.from_id is not None
    return selectors.MatchQuery(
        text="" if has_source else source.text,
        source_kind=(source.from_kind or "") if has_source else "",
        source_id=source.from_id if has_source else None,
        include_own_organisation=source.include_own_organisation,
        **filters,
    )


@router.get("/matches", response=MatchesOut, summary="Find partners: ranked, explained matches")
def matches(request: HttpRequest, params: Query[MatchParams]) -> dict[str, Any]:
    user = api_caller(request)
    viewer = access.require_member(user)
    query = _query(
        params,
        kinds=tuple(params.kind),
        organisation_types=tuple(params.organisation_type),
        cancer_types=tuple(params.cancer_type),
        limit=params.limit,
    )
    result = selectors.matches_find(user=user, viewer=viewer, query=query)
    return {
        "query": result.query_label,
        "index_ready": result.index_ready,
        "items": result.matches,
        "count": len(result.matches),
    }


@router.get("/introductions", response=list[IntroductionOut], summary="Introductions you may see")
@paginate(OffsetPagination)
def introductions(request: HttpRequest, filters: Query[IntroductionFilters]) -> QuerySet[Introduction]:
    return selectors.introduction_list(user=api_caller(request), status=filters.status)


@router.get(
    "/introductions/{introduction_id}",
    response=IntroductionOut,
    url_name="introduction_detail",
    summary="One introduction",
)
def introduction_detail(request: HttpRequest, introduction_id: int) -> Introduction:
    return access.introduction_for_user(api_caller(request), introduction_id)


@router.post("/introductions", response={201: IntroductionOut}, summary="Ask for an introduction to a match")
def introduction_request(request: HttpRequest, payload: IntroductionIn) -> Status[Introduction]:
    user = api_caller(request)
    viewer = access.require_member(user)
    introduction = services.introduction_request(
        viewer=viewer,
        actor=user,
        target_kind=payload.target_kind,
        target_id=payload.target_id,
        message=payload.message,
        query=_query(payload),
    )
    return Status(201, introduction)


@router.post(
    "/introductions/{introduction_id}/decision",
    response=IntroductionOut,
    summary="Approve or decline an introduction (alliance managers)",
)
def introduction_decide(request: HttpRequest, introduction_id: int, payload: DecisionIn) -> Introduction:
    user = api_caller(request)
    introduction = access.introduction_for_user(user, introduction_id)
    return services.introduction_decide(
        actor=user, introduction=introduction, approve=payload.approve, note=payload.note
    )


@router.post(
    "/introductions/{introduction_id}/outcome",
    response=IntroductionOut,
    summary="Record what came of an approved introduction",
)
def introduction_outcome(request: HttpRequest, introduction_id: int, payload: OutcomeIn) -> Introduction:
    user = api_caller(request)
    introduction = access.introduction_for_user(user, introduction_id)
    return services.introduction_record_outcome(
        actor=user, introduction=introduction, outcome=payload.outcome
    )


@router.post(
    "/introductions/{introduction_id}/cda",
    response={201: IntroductionOut},
    summary="Open the confidentiality agreement of an approved introduction",
)
def introduction_open_cda(request: HttpRequest, introduction_id: int) -> Status[Introduction]:
    user = api_caller(request)
    introduction = access.introduction_for_user(user, introduction_id)
    services.introduction_open_cda(actor=user, introduction=introduction)
    return Status(201, access.introduction_for_user(user, introduction_id))
