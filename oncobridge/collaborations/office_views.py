"""HTML views of the alliance office: dashboard, agreement pipeline, outputs, activity feeds and export.

Thin adapters over office (reads), services (writes) and access (who may): a project the user may not see
is the 404 page, the dashboard and pipeline are 403 for anyone but an alliance manager, a service's refusal
is a form error naming the field.
"""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.http import FileResponse, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from oncobridge.collaborations import access, office, services
from oncobridge.collaborations.models import OutputKind, Project
from oncobridge.collaborations.office_forms import OutputForm, PipelineFilterForm
from oncobridge.core.errors import ServiceError
from oncobridge.core.htmx import is_htmx_partial, render_page_or_partial
from oncobridge.core.visibility import Viewer
from oncobridge.portfolio.views import member_view


@member_view
@require_GET
def dashboard(request: HttpRequest, viewer: Viewer) -> HttpResponse:
    access.require_alliance_office(request.user)
    context = {"board": office.dashboard(viewer=viewer)}
    return render(request, "collaborations/office/dashboard.html", context)


@member_view
@require_GET
def pipeline(request: HttpRequest, viewer: Viewer) -> HttpResponse:
    access.require_alliance_office(request.user)
    form = PipelineFilterForm(request.GET or None)
    kind, party = None, None
    if form.is_bound and form.is_valid():
        kind = form.cleaned_data["kind"] or None
        party = form.cleaned_data["party"]
    context = {"form": form, "pipeline": office.pipeline(viewer=viewer, kind=kind, party=party)}
    return render_page_or_partial(
        request,
        page_template="collaborations/office/pipeline.html",
        partial_template="collaborations/office/pipeline_board.html",
        context=context,
    )


# Outputs


def _outputs_context(viewer: Viewer, project: Project, form: OutputForm) -> dict[str, Any]:
    return {
        "project": project,
        "outputs": office.output_list(project=project),
        "output_form": form,
        "can_edit_outputs": access.can_edit_project(viewer, project),
    }


def _outputs_response(
    request: HttpRequest, viewer: Viewer, project: Project, form: OutputForm, status: int = 200
) -> HttpResponse:
    context = _outputs_context(viewer, project, form)
    return render_page_or_partial(
        request,
        page_template="collaborations/office/project_outcomes_page.html",
        partial_template="collaborations/office/project_outcomes.html",
        context=context,
        status=status,
    )


@member_view
@require_http_methods(["GET", "POST"])
def project_outcomes(request: HttpRequest, viewer: Viewer, pk: int) -> HttpResponse:
    """The project's publications and outcomes; POST records one (project leads and managers)."""
    if request.method == "GET":
        project = access.project_for_user(request.user, pk)
        return _outputs_response(request, viewer, project, OutputForm())
    project = access.project_for_user(request.user, pk, write=True)
    form = OutputForm(request.POST)
    if form.is_valid():
        data = form.cleaned_data
        try:
            services.project_output_add(
                actor=request.user,  # type: ignore[arg-type]
                project=project,
                kind=data["kind"],
                pmid=data["pmid"] if data["kind"] == OutputKind.PUBLICATION else "",
                title=data["title"],
                year=data["year"],
                journal=data["journal"],
                reference=data["reference"],
                description=data["description"],
            )
        except ServiceError as error:
            form.add_error(error.field if error.field in form.fields else None, error.message)
        else:
            if not is_htmx_partial(request):
                messages.success(request, "The output is recorded.")
                return redirect("collaborations:project_outcomes", pk=project.pk)
            return _outputs_response(request, viewer, project, OutputForm())
    # htmx swaps only successful responses: the form with its errors is a 200 to it, a 400 to a plain POST.
    return _outputs_response(request, viewer, project, form, status=200 if is_htmx_partial(request) else 400)


@member_view
@require_POST
def project_outcome_remove(request: HttpRequest, viewer: Viewer, pk: int, output_pk: int) -> HttpResponse:
    project = access.project_for_user(request.user, pk, write=True)
    output = access.output_for_user(request.user, project, output_pk)
    services.project_output_remove(actor=request.user, output=output)  # type: ignore[arg-type]
    if is_htmx_partial(request):
        return _outputs_response(request, viewer, project, OutputForm())
    messages.success(request, "The output is removed.")
    return redirect("collaborations:project_outcomes", pk=project.pk)


# Activity


@member_view
@require_GET
def project_activity(request: HttpRequest, viewer: Viewer, pk: int) -> HttpResponse:
    project = access.project_for_user(request.user, pk)
    context = {"project": project, "entries": office.activity_feed(viewer=viewer, project=project)}
    return render_page_or_partial(
        request,
        page_template="collaborations/office/project_activity_page.html",
        partial_template="collaborations/office/activity.html",
        context=context,
    )


@member_view
@require_GET
def activity_feed(request: HttpRequest, viewer: Viewer) -> HttpResponse:
    """What happened in my projects (`?all=1`: in every project I may see)."""
    everything = request.GET.get("all") == "1"
    entries = office.activity_feed(viewer=viewer, mine=not everything)
    context = {
        "entries": entries,
        "everything": everything,
        "show_project": True,
        "is_office": access.is_alliance_office(viewer),
    }
    return render(request, "collaborations/office/feed.html", context)


# Export


@member_view  # type: ignore[arg-type]  # a FileResponse streams: not an HttpResponse, handled the same
@require_POST
def project_export(request: HttpRequest, viewer: Viewer, pk: int) -> FileResponse:
    """The same ZIP as the API's export: what the user may see, each document file audited."""
    project = access.project_for_user(request.user, pk)
    return FileResponse(
        services.project_export_spooled(actor=request.user, project=project),  # type: ignore[arg-type]
        as_attachment=True,
        filename=f"project-{project.pk}-export.zip",
        content_type="application/zip",
    )
