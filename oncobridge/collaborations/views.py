"""HTML views of collaborations: thin adapters over collaborations.selectors, services and access.

Every view needs a signed-in member (portfolio's member_view); the access module decides what each person
sees or changes, and its NotFound / PermissionDenied become the 404 / 403 pages. A service's refusal becomes
a form error next to the field it names; a stale milestone edit shows both versions side by side.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.conf import settings
from django.contrib import messages
from django.core.paginator import Paginator
from django.db.models import QuerySet
from django.http import FileResponse, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.safestring import mark_safe
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from oncobridge.accounts.access import can_manage_organisation
from oncobridge.accounts.models import Organisation, User
from oncobridge.collaborations import access, selectors, services
from oncobridge.collaborations.forms import (
    ActionItemFormSet,
    AgreementFilterForm,
    AgreementForm,
    AgreementSignForm,
    AgreementTransitionForm,
    CheckInForm,
    CheckInRecordForm,
    DocumentForm,
    DocumentVersionForm,
    GoalForm,
    KeyResultForm,
    MemberForm,
    MilestoneForm,
    ProgrammeForm,
    ProjectForm,
    RaciForm,
    StageChangeForm,
    add_service_error,
    milestone_initial,
)
from oncobridge.collaborations.models import (
    AgreementStatus,
    CheckIn,
    KeyResult,
    Milestone,
    Programme,
    Project,
    TranslationalStage,
)
from oncobridge.collaborations.timeline import TimelineItem, timeline_svg
from oncobridge.core.errors import Conflict, NotFound, PermissionDenied, ServiceError
from oncobridge.core.htmx import is_htmx_partial, render_page_or_partial
from oncobridge.core.params import record_id
from oncobridge.core.visibility import Viewer
from oncobridge.matching import selectors as matching_selectors
from oncobridge.matching.models import IntroductionStatus
from oncobridge.portfolio import selectors as portfolio_selectors
from oncobridge.portfolio.views import member_view

UPCOMING_DAYS = 14
FORM_TEMPLATE = "collaborations/form.html"


def _form_page(
    request: HttpRequest,
    form: Any,
    *,
    title: str,
    submit: str,
    cancel_url: str,
    intro: str = "",
    multipart: bool = False,
    breadcrumbs: list[tuple[str, str]] | None = None,
    status: int = 200,
    **extra: Any,
) -> HttpResponse:
    context = {
        "form": form,
        "title": title,
        "submit": submit,
        "cancel_url": cancel_url,
        "intro": intro,
        "multipart": multipart,
        "breadcrumbs": breadcrumbs or [],
        **extra,
    }
    return render(request, FORM_TEMPLATE, context, status=status)


def _actor(request: HttpRequest) -> User:
    user = request.user
    assert isinstance(user, User)  # noqa: S101 - member_view lets only signed-in members through
    return user


def _keep_edits_after_conflict(request: HttpRequest, form: Any, error: Conflict, version: int) -> None:
    """After a stale edit: keep what this person typed, say why, and carry the saved version so that a
    resubmit of the same form wins (the page shows what the other person saved)."""
    form.add_error(None, error.message)
    posted = request.POST.copy()
    posted["version"] = str(version)
    form.data = posted


def _project_url(project: Project, anchor: str = "") -> str:
    return reverse("collaborations:project_detail", args=[project.pk]) + (f"#{anchor}" if anchor else "")


def _project_crumbs(project: Project) -> list[tuple[str, str]]:
    return [
        (reverse("collaborations:project_list"), "Joint projects"),
        (_project_url(project), project.title),
    ]


def _organisations_where(viewer: Viewer, allowed: Callable[[Viewer, int], bool]) -> list[Organisation]:
    """The viewer's organisations (all, for a platform admin) for which `allowed` (an access rule) holds."""
    organisations = (
        Organisation.objects.all()
        if viewer.platform_admin
        else Organisation.objects.filter(pk__in=viewer.organisation_ids)
    )
    return [o for o in organisations.order_by("name") if allowed(viewer, o.pk)]


def _managed_organisations(viewer: Viewer) -> list[Organisation]:
    return _organisations_where(viewer, can_manage_organisation)


def _network_people() -> QuerySet[User]:
    """People with a membership somewhere in the network: who can be named on a programme."""
    return User.objects.filter(is_active=True, memberships__isnull=False).distinct()


# --- programmes ---------------------------------------------------------------------------------------


@member_view
@require_GET
def programme_list(request: HttpRequest, viewer: Viewer) -> HttpResponse:
    programmes = selectors.programme_list(viewer=viewer)
    page = Paginator(programmes, settings.ONCOBRIDGE_PAGE_SIZE).get_page(request.GET.get("page"))
    context = {"page": page, "can_create": bool(_managed_organisations(viewer))}
    return render(request, "collaborations/programme_list.html", context)


@member_view
@require_GET
def programme_detail(request: HttpRequest, viewer: Viewer, pk: int) -> HttpResponse:
    programme = selectors.programme_list(viewer=viewer).filter(pk=pk).first()
    if programme is None:
        raise NotFound(f"No programme {pk}, or it is not visible to you.")
    context = {
        "programme": programme,
        "projects": selectors.programme_projects(viewer=viewer, programme=programme),
        "can_edit": can_manage_organisation(viewer, programme.organisation_id),
        "can_add_project": access.can_create_project(viewer, programme.organisation_id),
    }
    return render(request, "collaborations/programme_detail.html", context)


def _programme_form(
    request: HttpRequest, viewer: Viewer, organisations: list[Organisation], **kwargs: Any
) -> ProgrammeForm:
    return ProgrammeForm(
        request.POST or None,
        organisations=organisations,
        people=_network_people(),
        assets=portfolio_selectors.asset_list(viewer=viewer).order_by("title"),
        **kwargs,
    )


@member_view
@require_http_methods(["GET", "POST"])
def programme_create(request: HttpRequest, viewer: Viewer) -> HttpResponse:
    organisations = _managed_organisations(viewer)
    if not organisations:
        raise PermissionDenied("Programmes are started by alliance managers.")
    form = _programme_form(request, viewer, organisations)
    if request.method == "POST" and form.is_valid():
        try:
            programme = services.programme_create(viewer=viewer, actor=_actor(request), **form.cleaned_data)
        except ServiceError as error:
            add_service_error(form, error)
        else:
            messages.success(request, f"The programme “{programme.title}” is started.")
            return redirect("collaborations:programme_detail", pk=programme.pk)
    return _form_page(
        request,
        form,
        title="Start a programme",
        submit="Start programme",
        cancel_url=reverse("collaborations:programme_list"),
        intro="A cross-departmental, problem-driven research programme that will hold joint projects.",
        breadcrumbs=[(reverse("collaborations:programme_list"), "Programmes")],
    )


@member_view
@require_http_methods(["GET", "POST"])
def programme_edit(request: HttpRequest, viewer: Viewer, pk: int) -> HttpResponse:
    programme = access.programme_for_user(request.user, pk, write=True)
    initial = {
        "title": programme.title,
        "problem_statement": programme.problem_statement,
        "lead_departments": list(programme.lead_departments.values_list("pk", flat=True)),
        "investigators": list(programme.investigators.values_list("pk", flat=True)),
        "partner_organisations": list(programme.partner_organisations.values_list("pk", flat=True)),
        "resources": list(programme.resources.values_list("pk", flat=True)),
        "business_contact": programme.business_contact_id,
        "version": programme.version,
    }
    form = _programme_form(request, viewer, [programme.organisation], editing=True, initial=initial)
    conflict: list[tuple[str, str]] | None = None
    if request.method == "POST" and form.is_valid():
        data = dict(form.cleaned_data)
        expected = data.pop("version") or 0
        try:
            services.programme_update(
                viewer=viewer, actor=_actor(request), programme=programme, expected_version=expected, **data
            )
        except Conflict as error:
            current = Programme.objects.get(pk=programme.pk)
            conflict = [("Title", current.title), ("Problem statement", current.problem_statement)]
            _keep_edits_after_conflict(request, form, error, current.version)
        except ServiceError as error:
            add_service_error(form, error)
        else:
            messages.success(request, "Your changes are saved.")
            return redirect("collaborations:programme_detail", pk=programme.pk)
    return _form_page(
        request,
        form,
        title=f"Edit “{programme.title}”",
        submit="Save programme",
        cancel_url=reverse("collaborations:programme_detail", args=[programme.pk]),
        breadcrumbs=[
            (reverse("collaborations:programme_list"), "Programmes"),
            (reverse("collaborations:programme_detail", args=[programme.pk]), programme.title),
        ],
        conflict=conflict,
        conflict_subject="programme",
        status=409 if conflict else 200,
    )


# --- projects -----------------------------------------------------------------------------------------

PROJECT_SCOPES = (("mine", "My projects"), ("all", "All I may see"))


@member_view
@require_GET
def project_list(request: HttpRequest, viewer: Viewer) -> HttpResponse:
    scope = request.GET.get("scope", "mine")
    if scope not in dict(PROJECT_SCOPES):
        scope = "mine"
    stage = request.GET.get("stage", "")
    if stage not in TranslationalStage.values:
        stage = ""
    projects = selectors.project_overview(viewer=viewer, stage=stage or None, mine=scope == "mine")
    page = Paginator(projects, settings.ONCOBRIDGE_PAGE_SIZE).get_page(request.GET.get("page"))
    context = {
        "page": page,
        "scope": scope,
        "scopes": PROJECT_SCOPES,
        "stage": stage,
        "stages": TranslationalStage.choices,
        "can_create": bool(_creatable_organisations(viewer)),
    }
    return render(request, "collaborations/project_list.html", context)


def _creatable_organisations(viewer: Viewer) -> list[Organisation]:
    return _organisations_where(viewer, access.can_create_project)


@member_view
@require_http_methods(["GET", "POST"])
def project_create(request: HttpRequest, viewer: Viewer) -> HttpResponse:
    organisations = _creatable_organisations(viewer)
    if not organisations:
        raise PermissionDenied("Joint projects are started by alliance managers and investigators.")
    introductions = (
        matching_selectors.introduction_list(user=request.user)
        .filter(status__in=[IntroductionStatus.APPROVED, IntroductionStatus.CDA_OPENED])
        .select_related("target_organisation")
    )
    programmes = selectors.programme_list(viewer=viewer).filter(
        organisation__in=[o.pk for o in organisations]
    )
    initial: dict[str, Any] = {}
    # Prefill links carry these ids; one that is not an id, or not the viewer's, just prefills nothing.
    chosen = record_id(request.GET.get("introduction"))
    if chosen is not None:
        introduction = introductions.filter(pk=chosen).first()
        if introduction is not None:
            initial = {"introduction": introduction.pk, "title": introduction.target_title}
    in_programme = record_id(request.GET.get("programme"))
    if in_programme is not None:
        programme = programmes.filter(pk=in_programme).first()
        if programme is not None:
            initial.update(programme=programme.pk, organisation=programme.organisation_id)
    form = ProjectForm(
        request.POST or None,
        initial=initial,
        organisations=organisations,
        programmes=programmes,
        introductions=introductions,
    )
    if request.method == "POST" and form.is_valid():
        try:
            project = services.project_create(viewer=viewer, actor=_actor(request), **form.cleaned_data)
        except ServiceError as error:
            add_service_error(form, error)
        else:
            messages.success(request, f"The project “{project.title}” is started; you lead it.")
            return redirect("collaborations:project_detail", pk=project.pk)
    return _form_page(
        request,
        form,
        title="Start a joint project",
        submit="Start project",
        cancel_url=reverse("collaborations:project_list"),
        intro="Create it directly, or from an introduction the alliance office approved.",
        breadcrumbs=[(reverse("collaborations:project_list"), "Joint projects")],
    )


def _timeline_items(project: Project, milestones: list[Milestone], overdue: set[int]) -> list[TimelineItem]:
    """Each bar runs from when its dependencies are due (or the project started) to its own due date."""
    project_start = timezone.localtime(project.created_at).date()
    due = {milestone.pk: milestone.due_date for milestone in milestones}
    items = []
    for milestone in milestones:
        dependencies = [other.pk for other in milestone.depends_on.all()]
        start = max([due[pk] for pk in dependencies if pk in due], default=project_start)
        items.append(
            TimelineItem(
                key=milestone.pk,
                label=milestone.title,
                start=min(start, milestone.due_date),
                due=milestone.due_date,
                status=milestone.status,
                overdue=milestone.pk in overdue,
                depends_on=tuple(dependencies),
                owner=milestone.owner.display_name if milestone.owner else "",
            )
        )
    return items


@member_view
@require_GET
def project_detail(request: HttpRequest, viewer: Viewer, pk: int) -> HttpResponse:
    project = access.project_for_user(request.user, pk)
    can_edit = access.can_edit_project(viewer, project)
    today = timezone.localdate()
    scope = Project.objects.filter(pk=project.pk)
    overdue = set(selectors.milestones_overdue(projects=scope, today=today).values_list("pk", flat=True))
    upcoming = set(
        selectors.milestones_upcoming(projects=scope, days=UPCOMING_DAYS, today=today).values_list(
            "pk", flat=True
        )
    )
    milestones = list(selectors.milestone_list(project=project))
    members = list(selectors.project_members(project=project))
    latest_reviews = selectors.goal_latest_reviews(project=project)
    goals = [(goal, latest_reviews.get(goal.pk)) for goal in selectors.goal_list(project=project)]
    checkins = list(selectors.checkin_list(project=project).prefetch_related("goal_reviews__goal"))
    now = timezone.now()
    context = {
        "project": project,
        "can_edit": can_edit,
        "today": today,
        "members": members,
        "stage_history": selectors.stage_history(project=project),
        "stage_form": StageChangeForm(initial={"stage": project.stage}) if can_edit else None,
        "goals": goals,
        "milestones": milestones,
        "overdue": overdue,
        "upcoming": upcoming,
        "upcoming_days": UPCOMING_DAYS,
        "timeline": mark_safe(  # noqa: S308 - timeline_svg escapes every text it writes
            timeline_svg(
                items=_timeline_items(project, milestones, overdue),
                today=today,
                title=f"Timeline of “{project.title}”",
                id_prefix=f"timeline-{project.pk}",
            )
        )
        if milestones
        else "",
        "raci_rows": [
            (milestone, [letters.get(member.user_id, "") for member in members])
            for milestone in milestones
            for letters in [{cell.user_id: cell.letter for cell in milestone.responsibilities.all()}]
        ],
        "upcoming_checkins": [checkin for checkin in checkins if checkin.scheduled_at >= now],
        "past_checkins": [checkin for checkin in reversed(checkins) if checkin.scheduled_at < now],
        "documents": access.visible_documents(viewer, project),
        "agreements": selectors.agreement_list(viewer=viewer).filter(project=project),
        "can_draft_agreement": can_manage_organisation(viewer, project.organisation_id),
        "calendar_url": request.build_absolute_uri(f"/api/v1/joint-projects/{project.pk}/calendar.ics"),
        "my_calendar_url": request.build_absolute_uri("/api/v1/me/calendar.ics"),
    }
    return render(request, "collaborations/project_detail.html", context)


@member_view
@require_http_methods(["GET", "POST"])
def project_stage(request: HttpRequest, viewer: Viewer, pk: int) -> HttpResponse:
    project = access.project_for_user(request.user, pk, write=True)
    form = StageChangeForm(request.POST or None, initial={"stage": project.stage})
    if request.method == "POST" and form.is_valid():
        try:
            services.project_stage_change(
                actor=_actor(request),
                project=project,
                to_stage=form.cleaned_data["stage"],
                evidence=form.cleaned_data["evidence"],
            )
        except ServiceError as error:
            add_service_error(form, error)
        else:
            messages.success(request, f"The project is now at {project.get_stage_display()}.")
            return redirect(_project_url(project, "stage"))
    return _form_page(
        request,
        form,
        title="Change the translational stage",
        submit="Change stage",
        cancel_url=_project_url(project, "stage"),
        intro=f"Now at {project.get_stage_display()}. Record the evidence for the gate.",
        breadcrumbs=_project_crumbs(project),
    )


@member_view
@require_http_methods(["GET", "POST"])
def member_add(request: HttpRequest, viewer: Viewer, pk: int) -> HttpResponse:
    project = access.project_for_user(request.user, pk, write=True)
    form = MemberForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            member = services.project_member_add(
                actor=_actor(request),
                project=project,
                user=form.cleaned_data["email"],
                organisation=form.cleaned_data["organisation"],
                role=form.cleaned_data["role"],
            )
        except ServiceError as error:
            add_service_error(form, error)
        else:
            messages.success(
                request, f"{member.user.display_name} is on the project as {member.get_role_display()}."
            )
            return redirect(_project_url(project, "members"))
    return _form_page(
        request,
        form,
        title="Add a member",
        submit="Add member",
        cancel_url=_project_url(project, "members"),
        intro="A person joins for one of their organisations; adding someone again changes their role.",
        breadcrumbs=_project_crumbs(project),
    )


@member_view
@require_http_methods(["GET", "POST"])
def goal_create(request: HttpRequest, viewer: Viewer, pk: int) -> HttpResponse:
    project = access.project_for_user(request.user, pk, write=True)
    form = GoalForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            goal = services.goal_create(actor=_actor(request), project=project, **form.cleaned_data)
        except ServiceError as error:
            add_service_error(form, error)
        else:
            messages.success(request, f"The goal “{goal.title}” is added.")
            return redirect(_project_url(project, "goals"))
    return _form_page(
        request,
        form,
        title="Add a goal",
        submit="Add goal",
        cancel_url=_project_url(project, "goals"),
        breadcrumbs=_project_crumbs(project),
    )


@member_view
@require_POST
def key_result_update(request: HttpRequest, viewer: Viewer, pk: int, result_pk: int) -> HttpResponse:
    project = access.project_for_user(request.user, pk, write=True)
    result = KeyResult.objects.filter(goal__project=project, pk=result_pk).first()
    if result is None:
        raise NotFound(f"No key result {result_pk} in this project.")
    form = KeyResultForm(request.POST)
    error = ""
    if form.is_valid():
        services.key_result_update(
            actor=_actor(request), key_result=result, current=form.cleaned_data["current"]
        )
    else:
        error = "; ".join(str(message) for message in form.errors.get("current", ["Enter a number."]))
    if is_htmx_partial(request):
        context = {"project": project, "result": result, "can_edit": True, "error": error, "saved": not error}
        return render(
            request, "collaborations/partials/key_result.html", context, status=422 if error else 200
        )
    if error:
        messages.error(request, f"{result.name}: {error}")
    else:
        messages.success(request, f"{result.name} is now {result.current:g} of {result.target:g}.")
    return redirect(_project_url(project, "goals"))


# --- milestones ---------------------------------------------------------------------------------------


def _milestone_form(
    request: HttpRequest, project: Project, milestone: Milestone | None, **kwargs: Any
) -> MilestoneForm:
    others = project.milestones.order_by("due_date", "id")
    if milestone is not None:
        others = others.exclude(pk=milestone.pk)
    return MilestoneForm(
        request.POST or None,
        members=User.objects.filter(project_roles__project=project),
        milestones=others,
        **kwargs,
    )


@member_view
@require_http_methods(["GET", "POST"])
def milestone_create(request: HttpRequest, viewer: Viewer, pk: int) -> HttpResponse:
    project = access.project_for_user(request.user, pk, write=True)
    form = _milestone_form(request, project, None)
    del form.fields["version"]
    if request.method == "POST" and form.is_valid():
        data = dict(form.cleaned_data)
        try:
            milestone = services.milestone_create(
                actor=_actor(request), project=project, **{**data, "depends_on": list(data["depends_on"])}
            )
        except ServiceError as error:
            add_service_error(form, error)
        else:
            messages.success(request, f"The milestone “{milestone.title}” is added.")
            return redirect(_project_url(project, "milestones"))
    return _form_page(
        request,
        form,
        title="Add a milestone",
        submit="Add milestone",
        cancel_url=_project_url(project, "milestones"),
        breadcrumbs=_project_crumbs(project),
    )


def _milestone_values(milestone: Milestone) -> list[tuple[str, str]]:
    """A milestone's fields as a person reads them, for the conflict message."""
    return [
        ("Title", milestone.title),
        ("Description", milestone.description or "—"),
        ("Deliverable", "yes" if milestone.is_deliverable else "no"),
        ("Owner", milestone.owner.display_name if milestone.owner else "nobody"),
        ("Due date", milestone.due_date.isoformat()),
        ("Status", milestone.get_status_display()),
        ("Depends on", ", ".join(other.title for other in milestone.depends_on.all()) or "nothing"),
    ]


@member_view
@require_http_methods(["GET", "POST"])
def milestone_edit(request: HttpRequest, viewer: Viewer, pk: int, milestone_pk: int) -> HttpResponse:
    project = access.project_for_user(request.user, pk, write=True)
    milestone = access.milestone_for_user(request.user, project, milestone_pk)
    form = _milestone_form(request, project, milestone, initial=milestone_initial(milestone))
    conflict: list[tuple[str, str]] | None = None
    if request.method == "POST" and form.is_valid():
        data = dict(form.cleaned_data)
        expected = data.pop("version") or 0
        depends_on = list(data.pop("depends_on"))
        try:
            services.milestone_update(
                actor=_actor(request),
                milestone=milestone,
                expected_version=expected,
                depends_on=depends_on,
                **data,
            )
        except Conflict as error:
            current = Milestone.objects.select_related("owner").get(pk=milestone.pk)
            conflict = _milestone_values(current)
            _keep_edits_after_conflict(request, form, error, current.version)
        except ServiceError as error:
            add_service_error(form, error)
        else:
            messages.success(request, f"The milestone “{milestone.title}” is saved.")
            return redirect(_project_url(project, "milestones"))
    return _form_page(
        request,
        form,
        title=f"Edit “{milestone.title}”",
        submit="Save milestone",
        cancel_url=_project_url(project, "milestones"),
        breadcrumbs=_project_crumbs(project),
        conflict=conflict,
        status=409 if conflict else 200,
    )


@member_view
@require_http_methods(["GET", "POST"])
def raci_edit(request: HttpRequest, viewer: Viewer, pk: int) -> HttpResponse:
    project = access.project_for_user(request.user, pk, write=True)
    milestones = list(selectors.milestone_list(project=project))
    members = [member.user for member in selectors.project_members(project=project)]
    form = RaciForm(request.POST or None, milestones=milestones, members=members)
    if request.method == "POST" and form.is_valid():
        errors = []
        for milestone in form.changed_milestones():
            try:
                services.milestone_raci_set(
                    actor=_actor(request), milestone=milestone, assignments=form.assignments(milestone)
                )
            except ServiceError as error:
                errors.append(f"{milestone.title}: {error.message}")
        if not errors:
            messages.success(request, "The RACI matrix is saved.")
            return redirect(_project_url(project, "raci"))
        for error_message in errors:
            form.add_error(None, error_message)
    context = {"project": project, "form": form, "members": members, "breadcrumbs": _project_crumbs(project)}
    return render(request, "collaborations/raci_form.html", context, status=400 if form.errors else 200)


# --- check-ins ----------------------------------------------------------------------------------------


@member_view
@require_http_methods(["GET", "POST"])
def checkin_create(request: HttpRequest, viewer: Viewer, pk: int) -> HttpResponse:
    project = access.project_for_user(request.user, pk, write=True)
    form = CheckInForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        checkin = services.checkin_create(actor=_actor(request), project=project, **form.cleaned_data)
        messages.success(
            request, f"Check-in scheduled for {timezone.localtime(checkin.scheduled_at):%d %b %Y %H:%M}."
        )
        return redirect(_project_url(project, "checkins"))
    return _form_page(
        request,
        form,
        title="Schedule a check-in",
        submit="Schedule",
        cancel_url=_project_url(project, "checkins"),
        breadcrumbs=_project_crumbs(project),
    )


@member_view
@require_http_methods(["GET", "POST"])
def checkin_record(request: HttpRequest, viewer: Viewer, pk: int, checkin_pk: int) -> HttpResponse:
    project = access.project_for_user(request.user, pk, write=True)
    checkin = access.checkin_for_user(request.user, project, checkin_pk)
    goals = list(selectors.goal_list(project=project))
    members = User.objects.filter(project_roles__project=project)
    form = CheckInRecordForm(
        request.POST or None,
        goals=goals,
        initial={"notes": checkin.notes, "decisions": checkin.decisions, "version": checkin.version},
    )
    items = ActionItemFormSet(request.POST or None, prefix="items", form_kwargs={"members": members})
    conflict: CheckIn | None = None
    if request.method == "POST" and form.is_valid() and items.is_valid():
        specs = [
            services.ActionItemSpec(data["description"], data["owner"], data.get("due_date"))
            for data in items.cleaned_data
            if data.get("description")
        ]
        try:
            services.checkin_record(
                actor=_actor(request),
                checkin=checkin,
                expected_version=form.cleaned_data["version"] or 0,
                notes=form.cleaned_data["notes"],
                decisions=form.cleaned_data["decisions"],
                action_items=specs,
                goal_reviews=[
                    services.GoalReviewSpec(goal, on_track, comment)
                    for goal, on_track, comment in form.goal_reviews()
                ],
            )
        except Conflict as error:
            conflict = CheckIn.objects.get(pk=checkin.pk)
            _keep_edits_after_conflict(request, form, error, conflict.version)
        except ServiceError as error:
            add_service_error(form, error)
        else:
            messages.success(request, f"The check-in is recorded with {len(specs)} action item(s).")
            return redirect(_project_url(project, "checkins"))
    context = {
        "project": project,
        "checkin": checkin,
        "form": form,
        "items": items,
        "existing_items": checkin.action_items.select_related("owner"),
        "breadcrumbs": _project_crumbs(project),
        "conflict": conflict,
    }
    return render(
        request, "collaborations/checkin_record.html", context, status=409 if conflict is not None else 200
    )


@member_view
@require_GET
def task_list(request: HttpRequest, viewer: Viewer) -> HttpResponse:
    show_done = request.GET.get("done") == "1"
    tasks = selectors.task_list(user=request.user, include_done=show_done)
    page = Paginator(tasks, settings.ONCOBRIDGE_PAGE_SIZE).get_page(request.GET.get("page"))
    projects = access.visible_projects(viewer)
    context = {
        "page": page,
        "show_done": show_done,
        "today": timezone.localdate(),
        "overdue_milestones": selectors.milestones_overdue(projects=projects).filter(owner_id=viewer.user_id),
        "upcoming_milestones": selectors.milestones_upcoming(projects=projects, days=UPCOMING_DAYS).filter(
            owner_id=viewer.user_id
        ),
        "upcoming_days": UPCOMING_DAYS,
    }
    return render(request, "collaborations/task_list.html", context)


@member_view
@require_POST
def task_done(request: HttpRequest, viewer: Viewer, pk: int) -> HttpResponse:
    item = access.action_item_for_user(request.user, pk, write=True)
    done = request.POST.get("done", "1") == "1"
    services.action_item_set_done(actor=_actor(request), item=item, done=done)
    if is_htmx_partial(request):
        context = {"task": item, "today": timezone.localdate()}
        return render(request, "collaborations/partials/task_row.html", context)
    messages.success(request, f"“{item.description}” is {'done' if done else 'open again'}.")
    return redirect("collaborations:task_list")


# --- documents ----------------------------------------------------------------------------------------


@member_view
@require_http_methods(["GET", "POST"])
def document_upload(request: HttpRequest, viewer: Viewer, pk: int) -> HttpResponse:
    project = access.project_for_user(request.user, pk, write=True)
    form = DocumentForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        try:
            document = services.document_upload(
                actor=_actor(request),
                project=project,
                title=form.cleaned_data["title"],
                upload=form.cleaned_data["file"],
                confidentiality=form.cleaned_data["confidentiality"],
            )
        except ServiceError as error:
            add_service_error(form, error)
        else:
            messages.success(
                request, f"“{document.title}” is uploaded ({document.get_confidentiality_display()})."
            )
            return redirect(_project_url(project, "documents"))
    return _form_page(
        request,
        form,
        title="Upload a document",
        submit="Upload",
        cancel_url=_project_url(project, "documents"),
        intro="Confidential documents reach partner members only while an executed CDA covers the project.",
        multipart=True,
        breadcrumbs=_project_crumbs(project),
    )


@member_view
@require_http_methods(["GET", "POST"])
def document_version_add(request: HttpRequest, viewer: Viewer, pk: int, document_pk: int) -> HttpResponse:
    project = access.project_for_user(request.user, pk, write=True)
    document = access.document_for_user(request.user, project, document_pk, write=True)
    form = DocumentVersionForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        try:
            version = services.document_version_add(
                actor=_actor(request), document=document, upload=form.cleaned_data["file"]
            )
        except ServiceError as error:
            add_service_error(form, error)
        else:
            messages.success(request, f"Version {version.number} of “{document.title}” is uploaded.")
            return redirect(_project_url(project, "documents"))
    return _form_page(
        request,
        form,
        title=f"New version of “{document.title}”",
        submit="Upload version",
        cancel_url=_project_url(project, "documents"),
        multipart=True,
        breadcrumbs=_project_crumbs(project),
        versions=document.versions.select_related("uploaded_by"),
    )


@member_view
@require_GET
def document_download(request: HttpRequest, viewer: Viewer, pk: int, document_pk: int) -> HttpResponse:
    project = access.project_for_user(request.user, pk)
    document = access.document_for_user(request.user, project, document_pk)
    asked = request.GET.get("version", "")
    number = record_id(asked)
    if asked and number is None:
        raise NotFound(f"The document has no version {asked[:20]}.")
    try:
        stored = services.document_download(actor=_actor(request), document=document, number=number)
    except ServiceError as error:
        raise NotFound(error.message) from None
    # A streamed file; member_view is typed for plain responses, which Django treats alike.
    return FileResponse(  # type: ignore[return-value]
        stored.file.open("rb"),
        as_attachment=True,
        filename=stored.filename,
        content_type=stored.content_type or "application/octet-stream",
    )


# --- agreements ---------------------------------------------------------------------------------------


@member_view
@require_GET
def agreement_list(request: HttpRequest, viewer: Viewer) -> HttpResponse:
    filters = AgreementFilterForm(request.GET)
    kind = status = ""
    if filters.is_valid():
        kind, status = filters.cleaned_data["kind"], filters.cleaned_data["status"]
    agreements = selectors.agreement_list(
        viewer=viewer, kind=kind or None, status=status or None
    ).select_related("project")
    page = Paginator(agreements, settings.ONCOBRIDGE_PAGE_SIZE).get_page(request.GET.get("page"))
    query = "&".join(f"{name}={value}" for name, value in (("kind", kind), ("status", status)) if value)
    context = {
        "page": page,
        "filters": filters,
        "query": query,
        "can_draft": bool(_managed_organisations(viewer)),
    }
    return render_page_or_partial(
        request,
        page_template="collaborations/agreement_list.html",
        partial_template="collaborations/partials/agreement_results.html",
        context=context,
    )


@member_view
@require_http_methods(["GET", "POST"])
def agreement_create(request: HttpRequest, viewer: Viewer) -> HttpResponse:
    if not _managed_organisations(viewer):
        raise PermissionDenied("Agreements are drafted by the parties' alliance managers.")
    chosen = request.POST.get("project") or request.GET.get("project", "")
    project_id = record_id(chosen)
    if chosen and project_id is None:
        raise NotFound(f"There is no project {chosen[:20]}.")
    project = access.project_for_user(request.user, project_id) if project_id is not None else None
    documents = access.visible_documents(viewer, project) if project is not None else []
    initial = {"parties": [project.organisation_id]} if project is not None else {}
    form = AgreementForm(request.POST or None, initial=initial, documents=documents)
    if request.method == "POST" and form.is_valid():
        data = dict(form.cleaned_data)
        try:
            agreement = services.agreement_create(
                viewer=viewer,
                actor=_actor(request),
                title=data["title"],
                kind=data["kind"],
                parties=list(data["parties"]),
                project=project,
                effective_date=data["effective_date"],
                expiry_date=data["expiry_date"],
                documents=list(data.get("documents") or []),
            )
        except ServiceError as error:
            add_service_error(form, error)
        else:
            messages.success(request, f"The agreement “{agreement.title}” is drafted.")
            return redirect("collaborations:agreement_detail", pk=agreement.pk)
    crumbs = _project_crumbs(project) if project is not None else []
    return _form_page(
        request,
        form,
        title=f"Draft an agreement for “{project.title}”" if project is not None else "Draft an agreement",
        submit="Draft agreement",
        cancel_url=_project_url(project, "agreements")
        if project is not None
        else reverse("collaborations:agreement_list"),
        breadcrumbs=crumbs or [(reverse("collaborations:agreement_list"), "Agreements")],
        hidden_project=project.pk if project is not None else None,
    )


@member_view
@require_GET
def agreement_detail(request: HttpRequest, viewer: Viewer, pk: int) -> HttpResponse:
    agreement = access.agreement_for_user(request.user, pk)
    return _agreement_page(request, viewer, agreement, None)


def _agreement_page(
    request: HttpRequest,
    viewer: Viewer,
    agreement: Any,
    form: AgreementTransitionForm | None,
    status: int = 200,
    sign_error: str = "",
) -> HttpResponse:
    can_manage = access.can_manage_agreement(viewer, agreement)
    next_statuses = services.AGREEMENT_TRANSITIONS[agreement.status]
    if form is None and can_manage and next_statuses:
        form = AgreementTransitionForm(
            next_statuses=next_statuses,
            initial={"effective_date": agreement.effective_date, "expiry_date": agreement.expiry_date},
        )
    documents = list(agreement.documents.select_related("project").prefetch_related("versions"))
    readable = [document for document in documents if access.can_read_document(viewer, document)]
    project_visible = (
        agreement.project_id is not None
        and access.visible_projects(viewer).filter(pk=agreement.project_id).exists()
    )
    signatures = list(agreement.signatures.select_related("organisation", "signed_by"))
    context = {
        "agreement": agreement,
        "parties": agreement.parties.order_by("name"),
        "history": [
            (event, _status_label(event.detail.get("from_status")), _status_label(event.detail.get("to")))
            for event in selectors.agreement_history(agreement=agreement).select_related("actor")
        ],
        "documents": readable,
        "hidden_documents": len(documents) - len(readable),
        "project_visible": project_visible,
        "form": form if can_manage else None,
        "today": timezone.localdate(),
        "signatures": signatures,
        "awaiting": selectors.agreement_parties_awaiting(agreement=agreement),
        "sign_for": access.agreement_parties_to_sign(viewer, agreement),
        "sign_error": sign_error,
    }
    return render(request, "collaborations/agreement_detail.html", context, status=status)


@member_view
@require_POST
def agreement_transition(request: HttpRequest, viewer: Viewer, pk: int) -> HttpResponse:
    agreement = access.agreement_for_user(request.user, pk, write=True)
    form = AgreementTransitionForm(
        request.POST, next_statuses=services.AGREEMENT_TRANSITIONS[agreement.status]
    )
    if form.is_valid():
        try:
            changed = services.agreement_transition(
                actor=_actor(request), agreement=agreement, **_dates(form.cleaned_data)
            )
        except ServiceError as error:
            add_service_error(form, error)
        else:
            messages.success(request, f"The agreement is now {changed.get_status_display().lower()}.")
            return redirect("collaborations:agreement_detail", pk=agreement.pk)
    return _agreement_page(request, viewer, agreement, form, status=400)


@member_view
@require_POST
def agreement_sign(request: HttpRequest, viewer: Viewer, pk: int) -> HttpResponse:
    agreement = access.agreement_for_user(request.user, pk)
    form = AgreementSignForm(request.POST, parties=agreement.parties.all())
    if not form.is_valid():
        return _agreement_page(
            request, viewer, agreement, None, status=400, sign_error="Choose one of the parties to sign for."
        )
    try:
        signed = services.agreement_sign(
            actor=_actor(request), agreement=agreement, organisation=form.cleaned_data["organisation"]
        )
    except (NotFound, PermissionDenied):
        raise
    except ServiceError as error:
        return _agreement_page(
            request, viewer, agreement, None, status=error.status, sign_error=error.message
        )
    if signed.status == AgreementStatus.EXECUTED:
        messages.success(request, "Every party has signed: the agreement is executed.")
    else:
        messages.success(request, "Your organisation's signature is recorded.")
    return redirect("collaborations:agreement_detail", pk=agreement.pk)


def _status_label(status: Any) -> str:
    return str(AgreementStatus(status).label) if status in AgreementStatus.values else ""


def _dates(data: dict[str, Any]) -> dict[str, Any]:
    return {
        "to_status": data["status"],
        "effective_date": data.get("effective_date"),
        "expiry_date": data.get("expiry_date"),
    }
