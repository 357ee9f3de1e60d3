"""API for the research portfolio: people, assets, projects, partner needs and profiles, and search.

Every list goes through a selector that applies the caller's visibility; every single entry through the
access module, so an entry the caller may not see is a 404 exactly like one that does not exist.
"""

from typing import Any

from django.db.models import QuerySet
from django.http import HttpRequest
from ninja import Query, Router, Status
from ninja.pagination import paginate

from oncobridge.accounts.access import api_caller, viewer_for
from oncobridge.accounts.models import Organisation
from oncobridge.accounts.selectors import organisation_named
from oncobridge.core.errors import ServiceError
from oncobridge.core.pagination import OffsetPagination
from oncobridge.core.visibility import Viewer
from oncobridge.portfolio import services
from oncobridge.portfolio.access import (
    asset_for_user,
    need_for_user,
    own_profile,
    partner_profile_for_user,
    profile_for_user,
    project_for_user,
    require_member,
)
from oncobridge.portfolio.models import (
    InvestigatorProfile,
    NeedResponse,
    PartnerNeed,
    PartnerProfile,
    ResearchAsset,
    ResearchProject,
)
from oncobridge.portfolio.schemas import (
    AssetFilters,
    AssetIn,
    AssetOut,
    AssetPatch,
    NeedFilters,
    NeedIn,
    NeedOut,
    NeedPatch,
    NeedResponseIn,
    NeedResponseOut,
    PartnerOut,
    PortfolioFilters,
    ProfileIn,
    ProfileOut,
    ProjectOut,
    SearchOut,
    SearchQuery,
)
from oncobridge.portfolio.selectors import (
    SearchFilters,
    asset_list,
    need_list,
    need_responses,
    partner_profile_list,
    portfolio_search,
    profile_list,
    project_list,
)

router = Router(tags=["portfolio"])


def _viewer(request: HttpRequest) -> Viewer:
    return viewer_for(api_caller(request))


# People


@router.get("/people", response=list[ProfileOut], summary="Investigator profiles")
@paginate(OffsetPagination)
def people(request: HttpRequest, filters: Query[PortfolioFilters]) -> QuerySet[InvestigatorProfile]:
    return profile_list(viewer=_viewer(request), organisation=filters.organisation)


@router.get("/people/{profile_id}", response=ProfileOut, url_name="person_detail", summary="One profile")
def person_detail(request: HttpRequest, profile_id: int) -> InvestigatorProfile:
    return profile_for_user(api_caller(request), profile_id)


@router.put("/me/profile", response=ProfileOut, summary="Create or replace your investigator profile")
def my_profile_save(request: HttpRequest, payload: ProfileIn) -> InvestigatorProfile:
    user = api_caller(request)
    viewer = require_member(user)
    current = own_profile(user)
    if payload.organisation is not None:
        organisation = organisation_named(payload.organisation)
    elif current is not None:
        organisation = current.organisation
    elif viewer.organisation_ids:
        organisation = Organisation.objects.get(pk=min(viewer.organisation_ids))
    else:
        raise ServiceError("Say which organisation the profile belongs to.", field="organisation")
    return services.profile_upsert(
        viewer=viewer,
        actor=user,
        user=user,
        organisation=organisation,
        **payload.dict(exclude={"organisation"}),
    )


# Research assets


@router.get("/assets", response=list[AssetOut], summary="Research assets")
@paginate(OffsetPagination)
def assets(request: HttpRequest, filters: Query[AssetFilters]) -> QuerySet[ResearchAsset]:
    return asset_list(viewer=_viewer(request), organisation=filters.organisation, kind=filters.kind)


@router.get("/assets/{asset_id}", response=AssetOut, url_name="asset_detail", summary="One research asset")
def asset_detail(request: HttpRequest, asset_id: int) -> ResearchAsset:
    return asset_for_user(api_caller(request), asset_id)


@router.post("/assets", response={201: AssetOut}, summary="Add a research asset")
def asset_create(request: HttpRequest, payload: AssetIn) -> Status[ResearchAsset]:
    asset = services.asset_save(
        viewer=_viewer(request),
        actor=api_caller(request),
        organisation=organisation_named(payload.organisation),
        **payload.dict(exclude={"organisation"}),
    )
    return Status(201, asset)


@router.patch("/assets/{asset_id}", response=AssetOut, summary="Change a research asset")
def asset_update(request: HttpRequest, asset_id: int, payload: AssetPatch) -> ResearchAsset:
    asset = asset_for_user(api_caller(request), asset_id, write=True)
    fields = {name: getattr(asset, name) for name in AssetPatch.model_fields}
    fields.update(payload.dict(exclude_unset=True))
    return services.asset_save(
        viewer=_viewer(request),
        actor=api_caller(request),
        organisation=asset.organisation,
        asset=asset,
        **fields,
    )


@router.delete("/assets/{asset_id}", response={204: None}, summary="Delete a research asset")
def asset_remove(request: HttpRequest, asset_id: int) -> Status[None]:
    asset = asset_for_user(api_caller(request), asset_id, write=True)
    services.asset_delete(viewer=_viewer(request), actor=api_caller(request), asset=asset)
    return Status(204, None)


# Research projects


@router.get("/projects", response=list[ProjectOut], summary="Research projects")
@paginate(OffsetPagination)
def projects(request: HttpRequest, filters: Query[PortfolioFilters]) -> QuerySet[ResearchProject]:
    return project_list(viewer=_viewer(request), organisation=filters.organisation)


@router.get("/projects/{project_id}", response=ProjectOut, url_name="project_detail", summary="One project")
def project_detail(request: HttpRequest, project_id: int) -> ResearchProject:
    return project_for_user(api_caller(request), project_id)


# Partner needs and the answers to them


@router.get("/needs", response=list[NeedOut], summary="Partner needs")
@paginate(OffsetPagination)
def needs(request: HttpRequest, filters: Query[NeedFilters]) -> QuerySet[PartnerNeed]:
    status = None if filters.status == "any" else filters.status
    return need_list(viewer=_viewer(request), organisation=filters.organisation, status=status)


@router.get("/needs/{need_id}", response=NeedOut, url_name="need_detail", summary="One partner need")
def need_detail(request: HttpRequest, need_id: int) -> PartnerNeed:
    return need_for_user(api_caller(request), need_id)


@router.post("/needs", response={201: NeedOut}, summary="Post a partner need")
def need_create(request: HttpRequest, payload: NeedIn) -> Status[PartnerNeed]:
    need = services.need_save(
        viewer=_viewer(request),
        actor=api_caller(request),
        organisation=organisation_named(payload.organisation),
        **payload.dict(exclude={"organisation"}),
    )
    return Status(201, need)


@router.patch("/needs/{need_id}", response=NeedOut, summary="Change a partner need")
def need_update(request: HttpRequest, need_id: int, payload: NeedPatch) -> PartnerNeed:
    need = need_for_user(api_caller(request), need_id, write=True)
    fields = {name: getattr(need, name) for name in NeedPatch.model_fields}
    fields.update(payload.dict(exclude_unset=True))
    return services.need_save(
        viewer=_viewer(request),
        actor=api_caller(request),
        organisation=need.organisation,
        need=need,
        **fields,
    )


@router.post("/needs/{need_id}/responses", response={201: NeedResponseOut}, summary="Answer a partner need")
def need_respond(request: HttpRequest, need_id: int, payload: NeedResponseIn) -> Status[NeedResponse]:
    user = api_caller(request)
    need = need_for_user(user, need_id)
    asset = asset_for_user(user, payload.asset_id) if payload.asset_id is not None else None
    response = services.need_respond(
        viewer=_viewer(request), actor=user, need=need, message=payload.message, asset=asset
    )
    return Status(201, response)


@router.get("/needs/{need_id}/responses", response=list[NeedResponseOut], summary="Answers to a partner need")
@paginate(OffsetPagination)
def need_response_list(request: HttpRequest, need_id: int) -> QuerySet[NeedResponse]:
    need = need_for_user(api_caller(request), need_id)
    return need_responses(viewer=_viewer(request), need=need)


# Partner profiles


@router.get("/partners", response=list[PartnerOut], summary="What partner organisations seek")
@paginate(OffsetPagination)
def partners(request: HttpRequest) -> QuerySet[PartnerProfile]:
    return partner_profile_list(viewer=_viewer(request))


@router.get("/partners/{partner_id}", response=PartnerOut, url_name="partner_detail", summary="One partner")
def partner_detail(request: HttpRequest, partner_id: int) -> PartnerProfile:
    return partner_profile_for_user(api_caller(request), partner_id)


# Search


@router.get("/search", response=SearchOut, summary="Search the portfolio")
def search(request: HttpRequest, params: Query[SearchQuery]) -> dict[str, Any]:
    filters = SearchFilters(
        kinds=tuple(params.kind),
        cancer_types=tuple(params.cancer_type),
        genes=tuple(params.gene),
        modalities=tuple(params.modality),
        asset_kinds=tuple(params.asset_kind),
        organisations=tuple(params.organisation),
    )
    result = portfolio_search(
        viewer=_viewer(request), query=params.q, filters=filters, offset=params.offset, limit=params.limit
    )
    return {
        "query": result.query,
        "total": result.total,
        "limit": params.limit,
        "offset": params.offset,
        "hits": result.hits,
        "kind_counts": result.kind_counts,
        "facets": result.facets,
        "suggested_cancer_types": result.suggested_cancer_types,
    }
