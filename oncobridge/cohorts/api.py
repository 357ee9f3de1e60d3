"""API for cohorts and analyses: counts for everyone who may query, rows and exact numbers by grant.

Every operation takes datasets plus a definition (or a saved cohort's id) and options, builds the caller's
scope and calls analyses.py, which checks access, suppresses small cells and audits the query.
"""

from typing import Any

from django.db.models import QuerySet
from django.http import HttpRequest
from ninja import Router, Status
from ninja.pagination import paginate

from oncobridge.accounts.access import api_caller, viewer_for
from oncobridge.cohorts import analyses, services
from oncobridge.cohorts.access import cohort_for_user
from oncobridge.cohorts.analyses import CohortGroup, Scope, SurvivalGrouping, scope_build
from oncobridge.cohorts.models import SavedCohort
from oncobridge.cohorts.schemas import (
    CohortQueryIn,
    CooccurrenceIn,
    CountOut,
    DistributionIn,
    DistributionOut,
    FrequenciesIn,
    FrequencyOut,
    MemberOut,
    OncoprintIn,
    OncoprintOut,
    PairOut,
    SavedCohortIn,
    SavedCohortOut,
    SavedCohortPatch,
    SurvivalIn,
    SurvivalOut,
)
from oncobridge.cohorts.selectors import cohort_list
from oncobridge.core.pagination import OffsetPagination

router = Router(tags=["cohorts"])


def _scope(request: HttpRequest, payload: CohortQueryIn) -> Scope:
    user = api_caller(request)
    cohort = cohort_for_user(user, payload.cohort) if payload.cohort is not None else None
    return scope_build(actor=user, datasets=payload.datasets, definition=payload.definition, cohort=cohort)


@router.post("/cohorts/count", response=CountOut, summary="Count a cohort's patients and samples")
def cohort_count(request: HttpRequest, payload: CohortQueryIn) -> Any:
    return analyses.cohort_count(scope=_scope(request, payload))


# Saved cohorts


@router.get("/cohorts", response=list[SavedCohortOut], summary="Saved cohorts: yours and your projects'")
@paginate(OffsetPagination)
def cohorts(request: HttpRequest) -> QuerySet[SavedCohort]:
    return cohort_list(viewer=viewer_for(api_caller(request)))


@router.post("/cohorts", response={201: SavedCohortOut}, summary="Save a cohort")
def cohort_create(request: HttpRequest, payload: SavedCohortIn) -> Status[SavedCohort]:
    cohort = services.cohort_save(
        actor=api_caller(request),
        name=payload.name,
        description=payload.description,
        datasets=payload.datasets,
        definition=payload.definition,
        project_id=payload.project,
    )
    return Status(201, cohort)


@router.get("/cohorts/{cohort_id}", response=SavedCohortOut, summary="One saved cohort")
def cohort_detail(request: HttpRequest, cohort_id: int) -> SavedCohort:
    return cohort_for_user(api_caller(request), cohort_id)


@router.patch(
    "/cohorts/{cohort_id}", response=SavedCohortOut, summary="Change or share a saved cohort (owner)"
)
def cohort_patch(request: HttpRequest, cohort_id: int, payload: SavedCohortPatch) -> SavedCohort:
    user = api_caller(request)
    cohort = cohort_for_user(user, cohort_id, write=True)
    sent = payload.model_fields_set
    cohort = services.cohort_update(
        actor=user,
        cohort=cohort,
        name=payload.name,
        description=payload.description,
        datasets=payload.datasets,
        definition=payload.definition if "definition" in sent else ...,
    )
    if "project" in sent:
        cohort = services.cohort_share(actor=user, cohort=cohort, project_id=payload.project)
    return cohort


@router.delete("/cohorts/{cohort_id}", response={204: None}, summary="Delete a saved cohort (owner)")
def cohort_delete(request: HttpRequest, cohort_id: int) -> Status[None]:
    user = api_caller(request)
    services.cohort_delete(actor=user, cohort=cohort_for_user(user, cohort_id, write=True))
    return Status(204, None)


@router.post(
    "/cohorts/{cohort_id}/members",
    response=list[MemberOut],
    summary="A saved cohort's patients and samples (row access to every dataset needed)",
)
@paginate(OffsetPagination)
def cohort_members(request: HttpRequest, cohort_id: int) -> list[analyses.Member]:
    user = api_caller(request)
    scope = scope_build(actor=user, cohort=cohort_for_user(user, cohort_id))
    return analyses.cohort_members(scope=scope)


# Analyses


@router.post("/analyses/frequencies", response=list[FrequencyOut], summary="Mutation frequencies per gene")
def frequencies(request: HttpRequest, payload: FrequenciesIn) -> Any:
    return analyses.analysis_frequencies(
        scope=_scope(request, payload),
        top=payload.top,
        genes=payload.genes,
        include_silent=payload.include_silent,
    )


@router.post(
    "/analyses/oncoprint", response=OncoprintOut, summary="Oncoprint of the top genes (row access needed)"
)
def oncoprint(request: HttpRequest, payload: OncoprintIn) -> Any:
    return analyses.analysis_oncoprint(scope=_scope(request, payload), genes=payload.genes, top=payload.top)


@router.post("/analyses/cooccurrence", response=list[PairOut], summary="Co-occurrence and mutual exclusivity")
def cooccurrence(request: HttpRequest, payload: CooccurrenceIn) -> Any:
    return analyses.analysis_cooccurrence(scope=_scope(request, payload), genes=payload.genes)


@router.post("/analyses/survival", response=SurvivalOut, summary="Kaplan-Meier survival by group")
def survival(request: HttpRequest, payload: SurvivalIn) -> Any:
    grouping = SurvivalGrouping(
        gene=payload.gene,
        cohorts=[CohortGroup(group.label, group.definition) for group in payload.compare],
        attribute=payload.attribute,
    )
    view, _ = analyses.analysis_survival(
        scope=_scope(request, payload), grouping=grouping, endpoint=payload.endpoint
    )
    return view


@router.post(
    "/analyses/distribution", response=DistributionOut, summary="Distribution of a clinical attribute"
)
def distribution(request: HttpRequest, payload: DistributionIn) -> Any:
    return analyses.analysis_distribution(scope=_scope(request, payload), attribute=payload.attribute)
