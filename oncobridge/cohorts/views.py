"""HTML for cohorts: the builder with a live count, saved cohorts, and analyses tabs with charts.

Thin adapters: the builder rows become a definition (forms.py), and everything else goes through
analyses.py (access, suppression, audit), services.py (saved cohorts) and presentation.py (charts, tables).
"""

from __future__ import annotations

from typing import Any, cast

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_GET, require_POST

from oncobridge.accounts.models import User
from oncobridge.analytics import charts
from oncobridge.analytics.charts.survival import endpoint_name
from oncobridge.cohorts import analyses, selectors, services
from oncobridge.cohorts.access import cohort_for_user
from oncobridge.cohorts.criteria import DefinitionError, definition_describe, pathway_names
from oncobridge.cohorts.forms import (
    OPS,
    ROW_KINDS,
    CriterionRow,
    attach_error,
    builder_definition,
    rows_from,
)
from oncobridge.cohorts.models import SavedCohort
from oncobridge.cohorts.presentation import TABS, analysis_render
from oncobridge.core.errors import NotFound, ServiceError
from oncobridge.core.htmx import render_page_or_partial
from oncobridge.core.params import record_id
from oncobridge.core.visibility import Viewer
from oncobridge.portfolio.views import member_view

# The page lists this many members; the CSV has them all.
MEMBERS_SHOWN = 200


def _user(request: HttpRequest) -> User:
    """The signed-in person (member_view let only them through)."""
    return cast(User, request.user)


def _builder_context(viewer: Viewer, **extra: Any) -> dict[str, Any]:
    datasets = list(selectors.queryable_dataset_list(viewer=viewer))
    context = {
        "datasets": datasets,
        "selected": [d.slug for d in datasets],
        "rows": [CriterionRow(index=0)],
        "combine": "and",
        "kinds": ROW_KINDS,
        "ops": OPS,
        "pathways": pathway_names(),
        "projects": list(selectors.shareable_projects(viewer=viewer)),
        "saved": list(selectors.cohort_list(viewer=viewer)),
        "next_index": 1,
    }
    context.update(extra)
    return context


class _Built:
    """What the builder posted: datasets, rows, the definition, and the first error if any."""

    def __init__(self, request: HttpRequest) -> None:
        self.datasets = [slug for slug in request.POST.getlist("datasets") if slug][:50]
        self.rows = rows_from(request.POST)
        self.combine = "or" if request.POST.get("combine") == "or" else "and"
        self.error = ""
        self.definition: dict[str, Any] | None = None
        self.used: list[CriterionRow] = []
        try:
            self.definition, self.used = builder_definition(self.rows, self.combine)
        except DefinitionError as error:
            self.fail(error)
        if not self.datasets and not self.error:
            self.error = "Tick at least one dataset."

    def fail(self, error: ServiceError) -> None:
        if isinstance(error, DefinitionError) and attach_error(error, self.rows, self.used):
            self.error = "Check the highlighted criterion."
        else:
            self.error = error.message

    def context(self) -> dict[str, Any]:
        return {
            "selected": self.datasets,
            "rows": self.rows or [CriterionRow(index=0)],
            "combine": self.combine,
            "next_index": max((row.index for row in self.rows), default=0) + 1,
        }


@member_view
@require_GET
def builder(request: HttpRequest, viewer: Viewer) -> HttpResponse:
    return render(request, "cohorts/builder.html", _builder_context(viewer))


@member_view
@require_GET
def criterion_row(request: HttpRequest, viewer: Viewer) -> HttpResponse:
    """One builder row (a new one, or the same row re-drawn for another kind); `remove` re-counts."""
    if request.GET.get("remove") == "1":
        # The row is deleted by htmx; the event makes the builder count again without it.
        return HttpResponse(headers={"HX-Trigger": "criteria-changed"})
    try:
        index = min(max(int(request.GET.get("index", "0")), 0), 999)
    except ValueError:
        index = 0
    kind = request.GET.get(f"c{index}-kind") or request.GET.get("kind", "gene_mutated")
    row = CriterionRow(index=index, kind=kind if kind in ROW_KINDS else "gene_mutated")
    context = {"row": row, "kinds": ROW_KINDS, "ops": OPS, "add": request.GET.get("add") == "1"}
    return render(request, "cohorts/partials/row.html", context)


@member_view
@require_POST
def count(request: HttpRequest, viewer: Viewer) -> HttpResponse:
    """The live count under the builder (htmx), as this person may see it."""
    built = _Built(request)
    result = None
    if not built.error:
        try:
            scope = analyses.scope_build(
                actor=_user(request), datasets=built.datasets, definition=built.definition
            )
            result = analyses.cohort_count(scope=scope)
        except ServiceError as error:
            built.fail(error)
    context = {"result": result, "error": built.error, "rows": built.rows, "kinds": ROW_KINDS}
    context["summary"] = definition_describe(built.definition)
    return render(request, "cohorts/partials/count.html", context)


@member_view
@require_POST
def save(request: HttpRequest, viewer: Viewer) -> HttpResponse:
    built = _Built(request)
    if not built.error:
        try:
            cohort = services.cohort_save(
                actor=_user(request),
                name=request.POST.get("name", ""),
                description=request.POST.get("description", ""),
                datasets=built.datasets,
                definition=built.definition,
                project_id=_project_id(request.POST.get("project", "")),
            )
        except ServiceError as error:
            built.fail(error)
        else:
            messages.success(request, f"Saved the cohort “{cohort.name}”.")
            return redirect("cohorts:detail", pk=cohort.pk)
    context = _builder_context(viewer, **built.context())
    context.update(error=built.error, name=request.POST.get("name", ""))
    return render(request, "cohorts/builder.html", context, status=422)


def _project_id(value: str) -> int | None:
    """The posted joint project (blank: none); anything else that is not an id is refused, naming it."""
    if not value:
        return None
    project_id = record_id(value)
    if project_id is None:
        raise ServiceError(f"There is no joint project {value[:20]!r}.", field="project")
    return project_id


def _detail_context(request: HttpRequest, viewer: Viewer, cohort: SavedCohort) -> dict[str, Any]:
    result, error, members = None, "", None
    try:
        scope = analyses.scope_build(actor=_user(request), cohort=cohort)
        result = analyses.cohort_count(scope=scope)
        members = analyses.cohort_members_shown(scope=scope)
    except ServiceError as failure:
        error = failure.message
    return {
        "cohort": cohort,
        "summary": definition_describe(cohort.definition),
        "result": result,
        "error": error,
        "members": None if members is None else members[:MEMBERS_SHOWN],
        "member_count": None if members is None else len(members),
        "members_shown": MEMBERS_SHOWN,
        "is_owner": cohort.owner_id == viewer.user_id,
        "projects": list(selectors.shareable_projects(viewer=viewer)),
        "tabs": TABS,
    }


@member_view
@require_GET
def detail(request: HttpRequest, viewer: Viewer, pk: int) -> HttpResponse:
    cohort = cohort_for_user(request.user, pk)
    return render(request, "cohorts/detail.html", _detail_context(request, viewer, cohort))


@member_view
@require_GET
def members_csv(request: HttpRequest, viewer: Viewer, pk: int) -> HttpResponse:
    """The cohort's patients and samples as CSV: for row access to every dataset (else 403), audited."""
    cohort = cohort_for_user(request.user, pk)
    scope = analyses.scope_build(actor=_user(request), cohort=cohort)
    members = analyses.cohort_members(scope=scope, download="csv")
    text = charts.csv_text(
        ["dataset", "patient_id", "sample_id"], ([m.dataset, m.patient_id, m.sample_id] for m in members)
    )
    response = HttpResponse(text, content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{_file_name(cohort.name)}-members.csv"'
    return response


def _file_name(text: str) -> str:
    return "".join(ch if ch.isascii() and (ch.isalnum() or ch in "-_") else "-" for ch in text)


@member_view
@require_POST
def share(request: HttpRequest, viewer: Viewer, pk: int) -> HttpResponse:
    cohort = cohort_for_user(request.user, pk, write=True)
    project = request.POST.get("project", "")
    try:
        services.cohort_share(actor=_user(request), cohort=cohort, project_id=_project_id(project))
    except ServiceError as error:
        messages.error(request, error.message)
    else:
        messages.success(request, "Sharing updated." if project else "The cohort is no longer shared.")
    return redirect("cohorts:detail", pk=cohort.pk)


@member_view
@require_POST
def delete(request: HttpRequest, viewer: Viewer, pk: int) -> HttpResponse:
    cohort = cohort_for_user(request.user, pk, write=True)
    services.cohort_delete(actor=_user(request), cohort=cohort)
    messages.success(request, f"Deleted the cohort “{cohort.name}”.")
    return redirect("cohorts:builder")


# Analyses


def _analysis_subject(request: HttpRequest) -> tuple[SavedCohort | None, str]:
    return _cohort_param(request, "cohort"), request.GET.get("dataset", "").strip()


def _cohort_param(request: HttpRequest, name: str) -> SavedCohort | None:
    """The saved cohort a query parameter names (absent: None); one that is not an id is a 404 naming it."""
    value = request.GET.get(name, "")
    if not value:
        return None
    pk = record_id(value)
    if pk is None:
        raise NotFound(f"No saved cohort {value[:20]!r} ({name}).", field=name)
    return cohort_for_user(request.user, pk)


def _run(request: HttpRequest, viewer: Viewer) -> tuple[dict[str, Any], Any]:
    cohort, dataset = _analysis_subject(request)
    tab = request.GET.get("tab", "frequencies")
    tab = tab if tab in TABS else "frequencies"
    options = {key: request.GET.get(key, "") for key in request.GET}
    context: dict[str, Any] = {
        "cohort": cohort,
        "dataset": dataset,
        "tab": tab,
        "tabs": TABS,
        "options": options,
        "others": [c for c in selectors.cohort_list(viewer=viewer) if cohort is None or c.pk != cohort.pk],
        "query": request.GET.urlencode(),
    }
    if cohort is None and not dataset:
        context["error"] = "Choose a saved cohort or a dataset to analyse."
        return context, None
    compared = None
    try:
        if tab == "survival" and options.get("group_by") == "cohorts" and cohort is not None:
            other = _cohort_param(request, "other")
            if other is None:
                raise ServiceError("Choose the cohort to compare with.", field="other")
            scope, compared = analyses.cohorts_compared(actor=_user(request), cohorts=[cohort, other])
        else:
            scope = analyses.scope_build(
                actor=_user(request),
                datasets=[dataset] if dataset else [],
                cohort=cohort,
            )
        if tab == "survival":
            context["endpoints"] = [
                (code, endpoint_name(code)) for code in analyses.survival_endpoints(scope=scope)
            ]
        rendered = analysis_render(scope=scope, tab=tab, options=options, compared=compared)
    except ServiceError as error:
        context["error"] = error.message
        return context, None
    context["rendered"] = rendered
    return context, rendered


@member_view
@require_GET
def analysis(request: HttpRequest, viewer: Viewer) -> HttpResponse:
    context, rendered = _run(request, viewer)
    if rendered is not None:
        context["svg"] = rendered.chart.svg()
    return render_page_or_partial(
        request,
        page_template="cohorts/analysis.html",
        partial_template="cohorts/partials/analysis.html",
        context=context,
    )


@member_view
@require_GET
def analysis_export(request: HttpRequest, viewer: Viewer) -> HttpResponse:
    """The tab's chart (SVG, PNG) or table (CSV), as the person sees it on the page."""
    fmt = request.GET.get("format", "csv")
    context, rendered = _run(request, viewer)
    if rendered is None:
        return HttpResponse(context["error"], status=400, content_type="text/plain; charset=utf-8")
    name = _file_name(f"{context['cohort'].name if context['cohort'] else context['dataset']}-{rendered.tab}")
    if fmt == "svg":
        response = HttpResponse(rendered.chart.svg(), content_type="image/svg+xml")
    elif fmt == "png":
        response = HttpResponse(rendered.chart.png(), content_type="image/png")
    else:
        fmt = "csv"
        response = HttpResponse(rendered.csv(), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{name}.{fmt}"'
    return response
