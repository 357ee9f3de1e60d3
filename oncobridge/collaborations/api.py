"""API for collaborations: programmes, joint projects and their plans, check-ins, documents, agreements.

Thin adapters: parse, ask the access module (a project the caller may not see is a 404, like one that does
not exist), call a service or selector, render. Joint projects live under `/joint-projects` because
`/projects` is the research portfolio's.
"""

from typing import Any

from django.db.models import QuerySet
from django.http import FileResponse, HttpRequest, HttpResponse
from ninja import File, Form, Query, Router, Status, UploadedFile
from ninja.pagination import paginate
from ninja.security import APIKeyQuery, HttpBearer

from oncobridge.accounts.access import api_caller, viewer_for
from oncobridge.accounts.models import Department, User
from oncobridge.accounts.selectors import organisation_named
from oncobridge.accounts.services import token_authenticate
from oncobridge.collaborations import access, calendars, office, selectors, services
from oncobridge.collaborations.models import (
    ActionItem,
    Activity,
    Agreement,
    CheckIn,
    Document,
    Goal,
    KeyResult,
    Milestone,
    OutputKind,
    Programme,
    Project,
    ProjectMember,
    ProjectOutput,
    StageChange,
)
from oncobridge.collaborations.schemas import (
    ActionItemOut,
    ActionItemPatch,
    ActivityOut,
    AgreementFilters,
    AgreementIn,
    AgreementOut,
    CheckInIn,
    CheckInOut,
    CheckInRecordIn,
    ConfidentialityName,
    DashboardOut,
    DocumentOut,
    ExpiringQuery,
    GoalIn,
    GoalOut,
    KeyResultOut,
    KeyResultPatch,
    MemberIn,
    MemberOut,
    MilestoneFlags,
    MilestoneIn,
    MilestoneOut,
    MilestonePatch,
    MilestoneWindow,
    OutcomeIn,
    OutputOut,
    PipelineOut,
    PipelineQuery,
    PipelineRowOut,
    ProgrammeIn,
    ProgrammeOut,
    ProjectIn,
    ProjectOut,
    PublicationIn,
    RaciIn,
    ResponsibilityOut,
    SignIn,
    StageChangeIn,
    StageChangeOut,
    TransitionIn,
)
from oncobridge.core.errors import NotFound, ServiceError
from oncobridge.core.pagination import OffsetPagination
from oncobridge.matching.access import introduction_for_user
from oncobridge.portfolio.access import asset_for_user

router = Router(tags=["collaborations"])

CALENDAR_CONTENT_TYPE = "text/calendar; charset=utf-8"


class CalendarQueryTokenAuth(APIKeyQuery):
    """Calendar applications cannot send headers: a feed URL may carry the personal access token."""

    param_name = "token"

    def authenticate(self, request: HttpRequest, key: str | None) -> Any:
        user = token_authenticate(secret=key or "")
        if user is not None:
            request.user = user
        return user


class CalendarBearerAuth(HttpBearer):
    def authenticate(self, request: HttpRequest, token: str) -> Any:
        user = token_authenticate(secret=token)
        if user is not None:
            request.user = user
        return user


CALENDAR_AUTH = [CalendarQueryTokenAuth(), CalendarBearerAuth()]


def _people(ids: list[int], field: str) -> list[User]:
    people = list(User.objects.filter(pk__in=ids, is_active=True))
    if len(people) != len(set(ids)):
        raise ServiceError("Some of these people do not exist.", field=field)
    return people


def _person(pk: int | None, field: str) -> User | None:
    return None if pk is None else _people([pk], field)[0]


def _milestones(project: Project, ids: list[int]) -> list[Milestone]:
    milestones = list(project.milestones.filter(pk__in=ids))
    if len(milestones) != len(set(ids)):
        raise ServiceError("Some of these milestones are not in this project.", field="depends_on")
    return milestones


# Programmes


@router.get("/programmes", response=list[ProgrammeOut], summary="Research programmes")
@paginate(OffsetPagination)
def programmes(request: HttpRequest) -> QuerySet[Programme]:
    return selectors.programme_list(viewer=viewer_for(api_caller(request)))


@router.get("/programmes/{programme_id}", response=ProgrammeOut, summary="One programme")
def programme_detail(request: HttpRequest, programme_id: int) -> Programme:
    return access.programme_for_user(api_caller(request), programme_id)


@router.post("/programmes", response={201: ProgrammeOut}, summary="Start a programme")
def programme_create(request: HttpRequest, payload: ProgrammeIn) -> Status[Programme]:
    user = api_caller(request)
    organisation = organisation_named(payload.organisation)
    departments = list(Department.objects.filter(pk__in=payload.lead_department_ids))
    if len(departments) != len(set(payload.lead_department_ids)):
        raise ServiceError("Some of these departments do not exist.", field="lead_department_ids")
    programme = services.programme_create(
        viewer=viewer_for(user),
        actor=user,
        organisation=organisation,
        title=payload.title,
        problem_statement=payload.problem_statement,
        lead_departments=departments,
        investigators=_people(payload.investigator_ids, "investigator_ids"),
        partner_organisations=[
            organisation_named(slug, "partner_organisations") for slug in payload.partner_organisations
        ],
        resources=[asset_for_user(user, pk) for pk in payload.resource_ids],
        business_contact=_person(payload.business_contact_id, "business_contact_id"),
    )
    return Status(201, programme)


# Projects


@router.get("/joint-projects", response=list[ProjectOut], summary="Joint projects")
@paginate(OffsetPagination)
def projects(request: HttpRequest) -> QuerySet[Project]:
    return selectors.project_list(viewer=viewer_for(api_caller(request)))


@router.get("/joint-projects/{project_id}", response=ProjectOut, summary="One joint project")
def project_detail(request: HttpRequest, project_id: int) -> Project:
    return access.project_for_user(api_caller(request), project_id)


@router.post("/joint-projects", response={201: ProjectOut}, summary="Start a joint project")
def project_create(request: HttpRequest, payload: ProjectIn) -> Status[Project]:
    user = api_caller(request)
    project = services.project_create(
        viewer=viewer_for(user),
        actor=user,
        organisation=organisation_named(payload.organisation),
        title=payload.title,
        summary=payload.summary,
        programme=(
            access.programme_for_user(user, payload.programme_id)
            if payload.programme_id is not None
            else None
        ),
        introduction=(
            introduction_for_user(user, payload.introduction_id)
            if payload.introduction_id is not None
            else None
        ),
        stage=payload.stage,
    )
    return Status(201, project)


@router.get("/joint-projects/{project_id}/members", response=list[MemberOut], summary="Project members")
@paginate(OffsetPagination)
def members(request: HttpRequest, project_id: int) -> QuerySet[ProjectMember]:
    return selectors.project_members(project=access.project_for_user(api_caller(request), project_id))


@router.put("/joint-projects/{project_id}/members", response=MemberOut, summary="Add or change a member")
def member_set(request: HttpRequest, project_id: int, payload: MemberIn) -> ProjectMember:
    user = api_caller(request)
    project = access.project_for_user(user, project_id, write=True)
    person = _person(payload.user_id, "user_id")
    assert person is not None  # noqa: S101 - _person returns a user for an id
    return services.project_member_add(
        actor=user,
        project=project,
        user=person,
        organisation=organisation_named(payload.organisation),
        role=payload.role,
    )


@router.get(
    "/joint-projects/{project_id}/stage-changes", response=list[StageChangeOut], summary="Stage history"
)
@paginate(OffsetPagination)
def stage_changes(request: HttpRequest, project_id: int) -> QuerySet[StageChange]:
    return selectors.stage_history(project=access.project_for_user(api_caller(request), project_id))


@router.post(
    "/joint-projects/{project_id}/stage-changes",
    response={201: StageChangeOut},
    summary="Move the project to another translational stage, with the evidence",
)
def stage_change(request: HttpRequest, project_id: int, payload: StageChangeIn) -> Status[StageChange]:
    user = api_caller(request)
    project = access.project_for_user(user, project_id, write=True)
    change = services.project_stage_change(
        actor=user, project=project, to_stage=payload.stage, evidence=payload.evidence
    )
    return Status(201, change)


# Goals


@router.get("/joint-projects/{project_id}/goals", response=list[GoalOut], summary="Goals and key results")
@paginate(OffsetPagination)
def goals(request: HttpRequest, project_id: int) -> QuerySet[Goal]:
    return selectors.goal_list(project=access.project_for_user(api_caller(request), project_id))


@router.post("/joint-projects/{project_id}/goals", response={201: GoalOut}, summary="Add a goal")
def goal_create(request: HttpRequest, project_id: int, payload: GoalIn) -> Status[Goal]:
    user = api_caller(request)
    project = access.project_for_user(user, project_id, write=True)
    goal = services.goal_create(
        actor=user,
        project=project,
        title=payload.title,
        description=payload.description,
        key_results=[services.KeyResultSpec(**result.dict()) for result in payload.key_results],
    )
    return Status(201, goal)


@router.patch(
    "/joint-projects/{project_id}/key-results/{result_id}", response=KeyResultOut, summary="Record progress"
)
def key_result_update(
    request: HttpRequest, project_id: int, result_id: int, payload: KeyResultPatch
) -> KeyResult:
    user = api_caller(request)
    project = access.project_for_user(user, project_id, write=True)
    result = KeyResult.objects.filter(goal__project=project, pk=result_id).first()
    if result is None:
        raise NotFound(f"No key result {result_id} in this project.")
    return services.key_result_update(actor=user, key_result=result, current=payload.current)


# Milestones


@router.get("/joint-projects/{project_id}/milestones", response=list[MilestoneOut], summary="Milestones")
@paginate(OffsetPagination)
def milestones(request: HttpRequest, project_id: int) -> QuerySet[Milestone]:
    return selectors.milestone_list(project=access.project_for_user(api_caller(request), project_id))


@router.get(
    "/joint-projects/{project_id}/milestones/flags",
    response=MilestoneFlags,
    summary="Overdue and upcoming milestones",
)
def milestone_flags(request: HttpRequest, project_id: int, window: Query[MilestoneWindow]) -> dict[str, Any]:
    project = access.project_for_user(api_caller(request), project_id)
    scope = Project.objects.filter(pk=project.pk)
    return {
        "overdue": list(selectors.milestones_overdue(projects=scope)),
        "upcoming": list(selectors.milestones_upcoming(projects=scope, days=window.days)),
    }


@router.post(
    "/joint-projects/{project_id}/milestones", response={201: MilestoneOut}, summary="Add a milestone"
)
def milestone_create(request: HttpRequest, project_id: int, payload: MilestoneIn) -> Status[Milestone]:
    user = api_caller(request)
    project = access.project_for_user(user, project_id, write=True)
    milestone = services.milestone_create(
        actor=user,
        project=project,
        title=payload.title,
        due_date=payload.due_date,
        owner=_person(payload.owner_id, "owner_id"),
        description=payload.description,
        is_deliverable=payload.is_deliverable,
        status=payload.status,
        depends_on=_milestones(project, payload.depends_on),
    )
    return Status(201, milestone)


@router.get(
    "/joint-projects/{project_id}/milestones/{milestone_id}", response=MilestoneOut, summary="One milestone"
)
def milestone_detail(request: HttpRequest, project_id: int, milestone_id: int) -> Milestone:
    user = api_caller(request)
    return access.milestone_for_user(user, access.project_for_user(user, project_id), milestone_id)


@router.patch(
    "/joint-projects/{project_id}/milestones/{milestone_id}",
    response=MilestoneOut,
    summary="Change a milestone (send the version you edited; a stale one gets 409)",
)
def milestone_update(
    request: HttpRequest, project_id: int, milestone_id: int, payload: MilestonePatch
) -> Milestone:
    user = api_caller(request)
    project = access.project_for_user(user, project_id, write=True)
    milestone = access.milestone_for_user(user, project, milestone_id)
    changes = payload.dict(exclude_unset=True, exclude={"version", "depends_on", "owner_id"})
    if "owner_id" in payload.model_fields_set:
        changes["owner"] = _person(payload.owner_id, "owner_id")
    depends_on = None if payload.depends_on is None else _milestones(project, payload.depends_on)
    return services.milestone_update(
        actor=user, milestone=milestone, expected_version=payload.version, depends_on=depends_on, **changes
    )


@router.put(
    "/joint-projects/{project_id}/milestones/{milestone_id}/raci",
    response=list[ResponsibilityOut],
    summary="Set who is responsible, accountable, consulted and informed",
)
def milestone_raci(request: HttpRequest, project_id: int, milestone_id: int, payload: RaciIn) -> list[Any]:
    user = api_caller(request)
    project = access.project_for_user(user, project_id, write=True)
    milestone = access.milestone_for_user(user, project, milestone_id)
    people = {
        person.pk: person for person in _people([a.user_id for a in payload.assignments], "assignments")
    }
    return services.milestone_raci_set(
        actor=user,
        milestone=milestone,
        assignments=[(people[a.user_id], a.letter) for a in payload.assignments],
    )


# Check-ins and action items


@router.get("/joint-projects/{project_id}/checkins", response=list[CheckInOut], summary="Check-ins")
@paginate(OffsetPagination)
def checkins(request: HttpRequest, project_id: int) -> QuerySet[CheckIn]:
    return selectors.checkin_list(project=access.project_for_user(api_caller(request), project_id))


@router.post(
    "/joint-projects/{project_id}/checkins", response={201: CheckInOut}, summary="Schedule a check-in"
)
def checkin_create(request: HttpRequest, project_id: int, payload: CheckInIn) -> Status[CheckIn]:
    user = api_caller(request)
    project = access.project_for_user(user, project_id, write=True)
    checkin = services.checkin_create(
        actor=user, project=project, scheduled_at=payload.scheduled_at, agenda=payload.agenda
    )
    return Status(201, checkin)


@router.put(
    "/joint-projects/{project_id}/checkins/{checkin_id}/record",
    response=CheckInOut,
    summary="Record notes, decisions, action items and goal reviews (send the version; a stale one gets 409)",
)
def checkin_record(
    request: HttpRequest, project_id: int, checkin_id: int, payload: CheckInRecordIn
) -> CheckIn:
    user = api_caller(request)
    project = access.project_for_user(user, project_id, write=True)
    checkin = access.checkin_for_user(user, project, checkin_id)
    owners = {p.pk: p for p in _people([item.owner_id for item in payload.action_items], "action_items")}
    return services.checkin_record(
        actor=user,
        checkin=checkin,
        expected_version=payload.version,
        notes=payload.notes,
        decisions=payload.decisions,
        action_items=[
            services.ActionItemSpec(item.description, owners[item.owner_id], item.due_date)
            for item in payload.action_items
        ],
        goal_reviews=[
            services.GoalReviewSpec(
                access.goal_for_user(user, project, review.goal_id), review.on_track, review.comment
            )
            for review in payload.goal_reviews
        ],
    )


@router.get("/me/tasks", response=list[ActionItemOut], summary="Your action items from every check-in")
@paginate(OffsetPagination)
def my_tasks(request: HttpRequest) -> QuerySet[ActionItem]:
    return selectors.task_list(user=api_caller(request))


@router.patch("/action-items/{item_id}", response=ActionItemOut, summary="Mark an action item done or not")
def action_item_update(request: HttpRequest, item_id: int, payload: ActionItemPatch) -> ActionItem:
    user = api_caller(request)
    item = access.action_item_for_user(user, item_id, write=True)
    return services.action_item_set_done(actor=user, item=item, done=payload.done)


# Documents


@router.get("/joint-projects/{project_id}/documents", response=list[DocumentOut], summary="Documents")
def documents(request: HttpRequest, project_id: int) -> list[Document]:
    user = api_caller(request)
    return access.visible_documents(viewer_for(user), access.project_for_user(user, project_id))


@router.post(
    "/joint-projects/{project_id}/documents", response={201: DocumentOut}, summary="Upload a document"
)
def document_create(
    request: HttpRequest,
    project_id: int,
    title: Form[str],
    file: File[UploadedFile],
    confidentiality: Form[ConfidentialityName] = "internal",
) -> Status[Document]:
    user = api_caller(request)
    project = access.project_for_user(user, project_id, write=True)
    document = services.document_upload(
        actor=user, project=project, title=title, upload=file, confidentiality=confidentiality
    )
    return Status(201, document)


@router.post(
    "/joint-projects/{project_id}/documents/{document_id}/versions",
    response={201: DocumentOut},
    summary="Upload a new version",
)
def document_version_add(
    request: HttpRequest, project_id: int, document_id: int, file: File[UploadedFile]
) -> Status[Document]:
    user = api_caller(request)
    project = access.project_for_user(user, project_id, write=True)
    document = access.document_for_user(user, project, document_id, write=True)
    services.document_version_add(actor=user, document=document, upload=file)
    return Status(201, document)


@router.get(
    "/joint-projects/{project_id}/documents/{document_id}/download",
    summary="Download a document (the latest version unless `version` is given); audited",
)
def document_download(
    request: HttpRequest, project_id: int, document_id: int, version: int | None = None
) -> FileResponse:
    user = api_caller(request)
    document = access.document_for_user(user, access.project_for_user(user, project_id), document_id)
    stored = services.document_download(actor=user, document=document, number=version)
    return FileResponse(
        stored.file.open("rb"),
        as_attachment=True,
        filename=stored.filename,
        content_type=stored.content_type or "application/octet-stream",
    )


# Agreements


@router.get("/agreements", response=list[AgreementOut], summary="Agreements your organisations are party to")
@paginate(OffsetPagination)
def agreements(request: HttpRequest, filters: Query[AgreementFilters]) -> QuerySet[Agreement]:
    return selectors.agreement_list(
        viewer=viewer_for(api_caller(request)), kind=filters.kind, status=filters.status
    )


@router.get(
    "/agreements/expiring", response=list[AgreementOut], summary="Executed agreements about to expire"
)
@paginate(OffsetPagination)
def agreements_expiring(request: HttpRequest, params: Query[ExpiringQuery]) -> QuerySet[Agreement]:
    visible = access.visible_agreements(viewer_for(api_caller(request)))
    return selectors.agreements_expiring(within_days=params.within_days).filter(pk__in=visible.values("pk"))


@router.get("/agreements/pipeline", response=list[PipelineRowOut], summary="Agreements by kind and status")
def agreement_pipeline(request: HttpRequest) -> list[selectors.PipelineRow]:
    return selectors.agreement_pipeline(agreements=access.visible_agreements(viewer_for(api_caller(request))))


@router.get("/agreements/{agreement_id}", response=AgreementOut, summary="One agreement")
def agreement_detail(request: HttpRequest, agreement_id: int) -> Agreement:
    return access.agreement_for_user(api_caller(request), agreement_id)


@router.post("/agreements", response={201: AgreementOut}, summary="Draft an agreement")
def agreement_create(request: HttpRequest, payload: AgreementIn) -> Status[Agreement]:
    user = api_caller(request)
    project = access.project_for_user(user, payload.project_id) if payload.project_id is not None else None
    linked = [access.document_for_user(user, project, pk) for pk in payload.document_ids] if project else []
    if payload.document_ids and project is None:
        raise ServiceError("Documents are linked through the agreement's project.", field="document_ids")
    agreement = services.agreement_create(
        viewer=viewer_for(user),
        actor=user,
        title=payload.title,
        kind=payload.kind,
        parties=[organisation_named(slug, "parties") for slug in payload.parties],
        project=project,
        effective_date=payload.effective_date,
        expiry_date=payload.expiry_date,
        documents=linked,
    )
    return Status(201, agreement)


@router.post(
    "/agreements/{agreement_id}/transitions", response=AgreementOut, summary="Change an agreement's status"
)
def agreement_transition(request: HttpRequest, agreement_id: int, payload: TransitionIn) -> Agreement:
    user = api_caller(request)
    agreement = access.agreement_for_user(user, agreement_id, write=True)
    return services.agreement_transition(
        actor=user,
        agreement=agreement,
        to_status=payload.status,
        effective_date=payload.effective_date,
        expiry_date=payload.expiry_date,
    )


@router.post(
    "/agreements/{agreement_id}/sign",
    response=AgreementOut,
    summary="Sign for your organisation; the last party's signature executes the agreement",
)
def agreement_sign(request: HttpRequest, agreement_id: int, payload: SignIn) -> Agreement:
    user = api_caller(request)
    agreement = access.agreement_for_user(user, agreement_id)
    party = organisation_named(payload.organisation) if payload.organisation else None
    return services.agreement_sign(actor=user, agreement=agreement, organisation=party)


# Calendars


@router.get(
    "/joint-projects/{project_id}/calendar.ics",
    auth=CALENDAR_AUTH,
    summary="The project's milestones and check-ins as an iCalendar feed",
)
def project_calendar(request: HttpRequest, project_id: int) -> HttpResponse:
    project = access.project_for_user(api_caller(request), project_id)
    scope = Project.objects.filter(pk=project.pk)
    body = calendars.calendar_render(
        name=project.title,
        milestones=selectors.calendar_milestones(projects=scope),
        checkins=selectors.calendar_checkins(projects=scope),
    )
    return HttpResponse(body, content_type=CALENDAR_CONTENT_TYPE)


@router.get(
    "/me/calendar.ics",
    auth=CALENDAR_AUTH,
    summary="Milestones and check-ins of every project you are a member of, as an iCalendar feed",
)
def my_calendar(request: HttpRequest) -> HttpResponse:
    user = api_caller(request)
    scope = selectors.calendar_projects(user=user)
    body = calendars.calendar_render(
        name=f"OncoBridge: {user.display_name}",
        milestones=selectors.calendar_milestones(projects=scope),
        checkins=selectors.calendar_checkins(projects=scope),
    )
    return HttpResponse(body, content_type=CALENDAR_CONTENT_TYPE)


# Publications and other outputs


@router.get(
    "/joint-projects/{project_id}/publications", response=list[OutputOut], summary="Publications (PubMed)"
)
@paginate(OffsetPagination)
def publications(request: HttpRequest, project_id: int) -> QuerySet[ProjectOutput]:
    project = access.project_for_user(api_caller(request), project_id)
    return office.output_list(project=project, kind=OutputKind.PUBLICATION)


@router.post(
    "/joint-projects/{project_id}/publications", response={201: OutputOut}, summary="Add a publication"
)
def publication_add(request: HttpRequest, project_id: int, payload: PublicationIn) -> Status[ProjectOutput]:
    user = api_caller(request)
    project = access.project_for_user(user, project_id, write=True)
    output = services.project_output_add(
        actor=user,
        project=project,
        kind=OutputKind.PUBLICATION,
        pmid=payload.pmid,
        title=payload.title,
        year=payload.year,
        journal=payload.journal,
    )
    return Status(201, output)


@router.get(
    "/joint-projects/{project_id}/outcomes",
    response=list[OutputOut],
    summary="Other outcomes: patents, licences, products, clinical trials, datasets",
)
@paginate(OffsetPagination)
def outcomes(request: HttpRequest, project_id: int) -> QuerySet[ProjectOutput]:
    project = access.project_for_user(api_caller(request), project_id)
    return office.output_list(project=project, exclude_kind=OutputKind.PUBLICATION)


@router.post("/joint-projects/{project_id}/outcomes", response={201: OutputOut}, summary="Add an outcome")
def outcome_add(request: HttpRequest, project_id: int, payload: OutcomeIn) -> Status[ProjectOutput]:
    user = api_caller(request)
    project = access.project_for_user(user, project_id, write=True)
    output = services.project_output_add(
        actor=user,
        project=project,
        kind=payload.kind,
        title=payload.title,
        year=payload.year,
        reference=payload.reference,
        description=payload.description,
    )
    return Status(201, output)


def _output_remove(request: HttpRequest, project_id: int, output_id: int, *, publication: bool) -> None:
    user = api_caller(request)
    project = access.project_for_user(user, project_id, write=True)
    output = access.output_for_user(user, project, output_id)
    if (output.kind == OutputKind.PUBLICATION) != publication:
        raise NotFound(f"No {'publication' if publication else 'outcome'} {output_id} in this project.")
    services.project_output_remove(actor=user, output=output)


@router.delete(
    "/joint-projects/{project_id}/publications/{output_id}", response={204: None}, summary="Remove one"
)
def publication_remove(request: HttpRequest, project_id: int, output_id: int) -> Status[None]:
    _output_remove(request, project_id, output_id, publication=True)
    return Status(204, None)


@router.delete(
    "/joint-projects/{project_id}/outcomes/{output_id}", response={204: None}, summary="Remove one"
)
def outcome_remove(request: HttpRequest, project_id: int, output_id: int) -> Status[None]:
    _output_remove(request, project_id, output_id, publication=False)
    return Status(204, None)


# Activity


@router.get(
    "/joint-projects/{project_id}/activity", response=list[ActivityOut], summary="What happened, newest first"
)
@paginate(OffsetPagination)
def project_activity(request: HttpRequest, project_id: int) -> QuerySet[Activity]:
    user = api_caller(request)
    project = access.project_for_user(user, project_id)
    scope = Project.objects.filter(pk=project.pk)
    return access.visible_activities(viewer_for(user), projects=scope).select_related("actor")


@router.get(
    "/me/activity", response=list[ActivityOut], summary="Activity in the projects you are a member of"
)
@paginate(OffsetPagination)
def my_activity(request: HttpRequest) -> QuerySet[Activity]:
    user = api_caller(request)
    scope = Project.objects.filter(members__user_id=user.pk)
    return access.visible_activities(viewer_for(user), projects=scope).select_related("actor")


# Export


@router.get(
    "/joint-projects/{project_id}/export",
    summary="A ZIP of project.json and the documents you may download (each file audited as a download)",
)
def project_export(request: HttpRequest, project_id: int) -> FileResponse:
    user = api_caller(request)
    project = access.project_for_user(user, project_id)
    return FileResponse(
        services.project_export_spooled(actor=user, project=project),
        as_attachment=True,
        filename=f"project-{project.pk}-export.zip",
        content_type="application/zip",
    )


# The alliance office


@router.get("/office/dashboard", response=DashboardOut, summary="Alliance-office dashboard (managers only)")
def office_dashboard(request: HttpRequest) -> office.Dashboard:
    return office.dashboard(viewer=access.require_alliance_office(api_caller(request)))


@router.get(
    "/office/pipeline", response=PipelineOut, summary="Agreement pipeline with time to execution (managers)"
)
def office_pipeline(request: HttpRequest, filters: Query[PipelineQuery]) -> office.Pipeline:
    viewer = access.require_alliance_office(api_caller(request))
    party = organisation_named(filters.party, "party") if filters.party else None
    return office.pipeline(viewer=viewer, kind=filters.kind, party=party)
