"""HTML views of data sharing: thin adapters over datasharing.selectors, services and access.

Every view needs a signed-in member (portfolio's member_view): a dataset the viewer may not see is a 404,
an action they may not take a 403, and a service's refusal a form error or a message. Downloads and
decisions go through services.py, which audits them.
"""

from __future__ import annotations

import json
from typing import Any

from django.conf import settings
from django.contrib import messages
from django.core.exceptions import PermissionDenied as HttpForbidden
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse, StreamingHttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.http import urlencode
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from oncobridge.accounts.models import Organisation
from oncobridge.core.errors import ServiceError
from oncobridge.core.htmx import is_htmx_partial, render_page_or_partial
from oncobridge.core.visibility import Viewer
from oncobridge.core.vocabularies import vocabularies
from oncobridge.datasharing import access, selectors, services, tasks
from oncobridge.datasharing.forms import (
    AccessRequestForm,
    DatasetForm,
    DecisionForm,
    ImportForm,
    RevokeForm,
)
from oncobridge.datasharing.models import AccessRequest, Dataset, RequestStatus, Table
from oncobridge.portfolio.forms import add_service_error
from oncobridge.portfolio.views import member_view

AUDIT_PAGE_SIZE = 50


def _refusal_to_form(form: Any, error: ServiceError, *, fields: dict[str, str] | None = None) -> None:
    """A service's refusal as a form error; a 403 / 404 stays one (member_view renders the page)."""
    if error.status in (403, 404):
        raise error
    if fields and error.field in fields:
        error.field = fields[error.field]
    add_service_error(form, error)


def _member_organisations(viewer: Viewer) -> list[Organisation]:
    return list(Organisation.objects.filter(pk__in=viewer.organisation_ids).order_by("name"))


def _stewarded_organisations(viewer: Viewer) -> list[Organisation]:
    if viewer.platform_admin:
        return list(Organisation.objects.order_by("name"))
    return list(
        Organisation.objects.filter(pk__in=access.stewarded_organisation_ids(viewer)).order_by("name")
    )


# --- catalogue -------------------------------------------------------------------------------------------


@member_view
@require_GET
def dataset_list(request: HttpRequest, viewer: Viewer) -> HttpResponse:
    filters = {
        name: request.GET.get(name, "").strip()[:200]
        for name in ("q", "cancer_type", "data_type", "duo", "organisation")
    }
    search = selectors.dataset_search(
        viewer=viewer,
        text=filters["q"],
        cancer_type=filters["cancer_type"],
        data_type=filters["data_type"],
        duo_code=filters["duo"],
        organisation=filters["organisation"],
    )
    page = Paginator(search.datasets, settings.ONCOBRIDGE_PAGE_SIZE).get_page(request.GET.get("page"))
    query = urlencode({key: value for key, value in filters.items() if value})
    context = {
        "search": search,
        "page": page,
        "filters": filters,
        "query": query,
        "table_labels": dict(Table.choices),
        "can_register": bool(_stewarded_organisations(viewer)),
    }
    return render_page_or_partial(
        request,
        page_template="datasharing/dataset_list.html",
        partial_template="datasharing/partials/dataset_results.html",
        context=context,
    )


@member_view
@require_http_methods(["GET", "POST"])
def dataset_create(request: HttpRequest, viewer: Viewer) -> HttpResponse:
    organisations = _stewarded_organisations(viewer)
    if not organisations:
        raise HttpForbidden("Only data stewards register datasets.")
    form = DatasetForm(request.POST or None, organisations=organisations)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            dataset = services.dataset_create(
                viewer=viewer,
                actor=request.user,
                slug=data["slug"].strip(),
                title=data["title"],
                organisation=data["organisation"],
                duo_codes=data["duo_codes"],
                duo_modifiers=form.duo_modifiers(),
                description=data["description"],
                cancer_types=data["cancer_types"],
                assay=data["assay"],
                visibility=data["visibility"],
            )
        except ServiceError as error:
            about_ts = error.message.startswith(("TS ", "The modifier TS "))
            modifier_field = "ts_end_date" if about_ts else "ds_diseases"
            _refusal_to_form(form, error, fields={"duo_modifiers": modifier_field})
        else:
            messages.success(request, f"{dataset.title} is registered; import its first version.")
            return redirect("datasharing:dataset_import", slug=dataset.slug)
    return render(request, "datasharing/dataset_form.html", {"form": form})


@member_view
@require_GET
def dataset_detail(request: HttpRequest, viewer: Viewer, slug: str) -> HttpResponse:
    dataset = access.dataset_for_user(request.user, slug)
    is_steward = access.is_steward(viewer, dataset.organisation_id)
    has_rows = access.has_row_access(viewer, dataset)
    version = dataset.current_version
    my_requests = list(
        AccessRequest.objects.filter(dataset=dataset, requester_id=viewer.user_id).order_by("-created_at")[:5]
    )
    grant = access.active_grants(user_id=viewer.user_id).filter(dataset=dataset).first()
    context = {
        "dataset": dataset,
        "cancer_types": _cancer_types(dataset),
        "duo_terms": selectors.duo_terms_explained(dataset=dataset),
        "versions": list(selectors.dataset_versions(dataset=dataset)),
        "table_labels": dict(Table.choices),
        "is_steward": is_steward,
        "has_rows": has_rows,
        "tables": sorted(version.row_counts) if version and has_rows else [],
        "grant": grant,
        "my_requests": my_requests,
        "can_request": not is_steward
        and grant is None
        and not any(r.status == RequestStatus.SUBMITTED for r in my_requests),
        "jobs": list(selectors.import_job_list(dataset=dataset)[:5]) if is_steward else [],
    }
    return render(request, "datasharing/dataset_detail.html", context)


def _cancer_types(dataset: Dataset) -> list[tuple[str, str]]:
    oncotree = vocabularies().oncotree
    return [
        (code, node.name if (node := oncotree.get(code)) is not None else code)
        for code in dataset.cancer_types
    ]


# --- imports ---------------------------------------------------------------------------------------------


@member_view
@require_http_methods(["GET", "POST"])
def dataset_import(request: HttpRequest, viewer: Viewer, slug: str) -> HttpResponse:
    dataset = access.dataset_for_user(request.user, slug, steward=True)
    form = ImportForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        uploads = [
            services.Upload(role=role, name=upload.name or role, chunks=upload.chunks())
            for role in services.UPLOAD_ROLES
            if (upload := form.cleaned_data.get(role)) is not None
        ]
        try:
            job = services.import_job_create(
                viewer=viewer,
                actor=request.user,
                dataset=dataset,
                kind=form.cleaned_data["kind"],
                uploads=uploads,
                origin=form.cleaned_data.get("origin") or None,
            )
        except ServiceError as error:
            _refusal_to_form(form, error)
        else:
            tasks.import_job_start(job)
            target = reverse("datasharing:import_job_detail", kwargs={"slug": slug, "pk": job.pk})
            if is_htmx_partial(request):
                response = HttpResponse(status=204)
                response["HX-Redirect"] = target
                return response
            return redirect(target)
    context = {
        "dataset": dataset,
        "form": form,
        "jobs": list(selectors.import_job_list(dataset=dataset)[:10]),
    }
    return render_page_or_partial(
        request,
        page_template="datasharing/import_form.html",
        partial_template="datasharing/partials/import_form.html",
        context=context,
    )


@member_view
@require_GET
def import_job_detail(request: HttpRequest, viewer: Viewer, slug: str, pk: int) -> HttpResponse:
    job = access.import_job_for_user(request.user, slug, pk)
    return render_page_or_partial(
        request,
        page_template="datasharing/import_job.html",
        partial_template="datasharing/partials/import_job_status.html",
        context={"job": job, "dataset": job.dataset, "table_labels": dict(Table.choices)},
    )


# --- access requests -------------------------------------------------------------------------------------


@member_view
@require_http_methods(["GET", "POST"])
def access_request_create(request: HttpRequest, viewer: Viewer, slug: str) -> HttpResponse:
    dataset = access.dataset_for_user(request.user, slug)
    form = AccessRequestForm(request.POST or None, organisations=_member_organisations(viewer))
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            submitted = services.access_request_submit(
                viewer=viewer,
                actor=request.user,
                dataset=dataset,
                purpose=data["purpose"],
                commercial=data["commercial"],
                project=data["project"],
                team=form.team_members(),
                organisation=data["organisation"],
            )
        except ServiceError as error:
            _refusal_to_form(form, error)
        else:
            if submitted.duo_check.get("compatible"):
                messages.success(request, "Your request is with the data access committee.")
            else:
                messages.warning(
                    request,
                    "Your request is recorded, but it conflicts with the dataset's data-use terms, "
                    "so it cannot be approved as it stands.",
                )
            return redirect("datasharing:access_request_detail", pk=submitted.pk)
    return render(request, "datasharing/access_request_form.html", {"dataset": dataset, "form": form})


@member_view
@require_GET
def access_request_check(request: HttpRequest, viewer: Viewer, slug: str) -> HttpResponse:
    """The DUO check of the request being written, shown (by htmx) before it is submitted."""
    dataset = access.dataset_for_user(request.user, slug)
    organisations = {organisation.pk: organisation for organisation in _member_organisations(viewer)}
    try:
        chosen = organisations.get(int(request.GET.get("organisation", "")))
    except ValueError:
        chosen = None
    organisation = chosen or next(iter(organisations.values()))
    check = services.access_request_check(
        dataset=dataset,
        organisation=organisation,
        purpose=request.GET.get("purpose", "")[:20_000],
        commercial=request.GET.get("commercial") in ("on", "true", "1"),
    )
    return render(request, "datasharing/partials/duo_check.html", {"check": check.as_dict(), "live": True})


@member_view
@require_GET
def access_request_list(request: HttpRequest, viewer: Viewer) -> HttpResponse:
    """My requests."""
    status = request.GET.get("status", "")
    if status not in RequestStatus.values:
        status = ""
    requests = selectors.access_request_list(viewer=viewer, status=status or None).filter(
        requester_id=viewer.user_id
    )
    page = Paginator(requests, settings.ONCOBRIDGE_PAGE_SIZE).get_page(request.GET.get("page"))
    context = {"page": page, "status": status, "statuses": RequestStatus.choices, "committee": False}
    return render(request, "datasharing/access_request_list.html", context)


@member_view
@require_GET
def committee_queue(request: HttpRequest, viewer: Viewer) -> HttpResponse:
    """The data access committee's queue: requests for the datasets of the organisations I steward."""
    if not access.is_any_steward(viewer):
        raise HttpForbidden("The data access committee's queue is for data stewards.")
    status = request.GET.get("status", RequestStatus.SUBMITTED)
    if status not in RequestStatus.values:
        status = ""
    requests = selectors.committee_requests(viewer=viewer, status=status or None)
    page = Paginator(requests, settings.ONCOBRIDGE_PAGE_SIZE).get_page(request.GET.get("page"))
    context = {"page": page, "status": status, "statuses": RequestStatus.choices, "committee": True}
    return render(request, "datasharing/access_request_list.html", context)


@member_view
@require_GET
def access_request_detail(request: HttpRequest, viewer: Viewer, pk: int) -> HttpResponse:
    found = access.request_for_user(request.user, pk)
    is_steward = access.is_steward(viewer, found.dataset.organisation_id)
    can_decide = is_steward and found.status == RequestStatus.SUBMITTED
    context = {
        "access_request": found,
        "is_steward": is_steward,
        "decision_form": DecisionForm() if can_decide else None,
        "grant": getattr(found, "grant", None) if found.status == RequestStatus.APPROVED else None,
    }
    return render(request, "datasharing/access_request_detail.html", context)


@member_view
@require_POST
def access_request_decide(request: HttpRequest, viewer: Viewer, pk: int) -> HttpResponse:
    found = access.request_for_user(request.user, pk, decide=True)
    form = DecisionForm(request.POST)
    if not form.is_valid():
        messages.error(request, "Choose approve or reject (and a valid expiry date).")
        return redirect("datasharing:access_request_detail", pk=pk)
    approve = form.cleaned_data["decision"] == "approve"
    try:
        services.access_request_decide(
            viewer=viewer,
            actor=request.user,
            request=found,
            approve=approve,
            reason=form.cleaned_data["reason"],
            expires_on=form.cleaned_data["expires_on"],
        )
    except ServiceError as error:
        if error.status in (403, 404):
            raise
        messages.error(request, error.message)
    else:
        messages.success(
            request,
            "Approved: the requester holds a grant." if approve else "Rejected: the requester is told why.",
        )
    return redirect("datasharing:access_request_detail", pk=pk)


# --- grants ----------------------------------------------------------------------------------------------


@member_view
@require_GET
def grant_list(request: HttpRequest, viewer: Viewer) -> HttpResponse:
    """Mine, and (for stewards) those on their organisations' datasets, optionally of one dataset."""
    mine = list(selectors.grant_list(viewer=viewer).filter(grantee_id=viewer.user_id))
    dataset_slug = request.GET.get("dataset", "")
    others = selectors.stewarded_grants(viewer=viewer, dataset_slug=dataset_slug)
    page = Paginator(others, settings.ONCOBRIDGE_PAGE_SIZE).get_page(request.GET.get("page"))
    context = {
        "mine": mine,
        "page": page,
        "is_steward": access.is_any_steward(viewer),
        "dataset_slug": dataset_slug,
        "now": timezone.now(),
    }
    return render(request, "datasharing/grant_list.html", context)


@member_view
@require_POST
def grant_revoke(request: HttpRequest, viewer: Viewer, pk: int) -> HttpResponse:
    grant = access.grant_for_user(request.user, pk)
    form = RevokeForm(request.POST)
    reason = form.cleaned_data["reason"] if form.is_valid() else ""
    try:
        services.grant_revoke(viewer=viewer, actor=request.user, grant=grant, reason=reason)
    except ServiceError as error:
        if error.status in (403, 404):
            raise
        messages.error(request, error.message)
    else:
        messages.success(
            request, f"The grant of {grant.grantee.display_name} on {grant.dataset.title} is revoked."
        )
    return redirect(request.POST.get("next") or reverse("datasharing:grant_list"))


# --- row-level data --------------------------------------------------------------------------------------


@member_view
@require_GET
def dataset_table_download(
    request: HttpRequest, viewer: Viewer, slug: str, table: str, fmt: str
) -> HttpResponse:
    dataset = access.dataset_for_user(request.user, slug)
    try:
        download = services.dataset_table_download(
            viewer=viewer, actor=request.user, dataset=dataset, table=table, fmt=fmt
        )
    except ServiceError as error:
        if error.status in (403, 404):
            raise
        raise Http404(error.message) from None
    response = StreamingHttpResponse(download.chunks, content_type=download.content_type)
    response["Content-Disposition"] = f'attachment; filename="{download.filename}"'
    return response  # type: ignore[return-value]  # streamed: a large table never sits in memory


@member_view
@require_GET
def dataset_phenopackets(request: HttpRequest, viewer: Viewer, slug: str) -> HttpResponse:
    dataset = access.dataset_for_user(request.user, slug)
    try:
        documents = services.dataset_phenopackets_export(viewer=viewer, actor=request.user, dataset=dataset)
    except ServiceError as error:
        if error.status in (403, 404):
            raise
        raise Http404(error.message) from None
    version = dataset.current_version.number if dataset.current_version else 0
    response = HttpResponse(json.dumps(documents, indent=2), content_type="application/json")
    response["Content-Disposition"] = f'attachment; filename="{dataset.slug}-v{version}-phenopackets.json"'
    return response


# --- audit -----------------------------------------------------------------------------------------------


@member_view
@require_GET
def dataset_audit(request: HttpRequest, viewer: Viewer, slug: str) -> HttpResponse:
    dataset = access.dataset_for_user(request.user, slug, steward=True)
    actions = selectors.audit_actions(dataset=dataset)
    action = request.GET.get("action", "")
    events = selectors.audit_for_dataset(dataset=dataset)
    if action in actions:
        events = events.filter(action=action)
    else:
        action = ""
    page = Paginator(events, AUDIT_PAGE_SIZE).get_page(request.GET.get("page"))
    context = {"dataset": dataset, "page": page, "actions": actions, "action": action}
    return render(request, "datasharing/audit.html", context)


@member_view
@require_GET
def dataset_audit_csv(request: HttpRequest, viewer: Viewer, slug: str) -> HttpResponse:
    dataset = access.dataset_for_user(request.user, slug, steward=True)
    events = selectors.audit_for_dataset(dataset=dataset)
    action = request.GET.get("action", "")
    if action:
        events = events.filter(action=action)
    response = HttpResponse(content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{dataset.slug}-audit.csv"'
    selectors.audit_csv_write(events, response)  # type: ignore[arg-type]
    return response
