"""HTML views of matchmaking: thin adapters over matching.selectors, services and access.

Every view needs a signed-in member (portfolio's member_view); NotFound / PermissionDenied become the 404 /
403 pages, and a service's refusal becomes a message or a form error.
"""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.core.exceptions import PermissionDenied as HttpForbidden
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.http import urlencode
from django.views.decorators.http import require_GET, require_POST

from oncobridge.core.errors import ServiceError
from oncobridge.core.visibility import Viewer
from oncobridge.matching import access, selectors, services
from oncobridge.matching.forms import DecisionForm, FindPartnersForm, IntroductionRequestForm, OutcomeForm
from oncobridge.matching.models import IntroductionStatus
from oncobridge.portfolio.views import member_view

PAGE_SIZE = 25


@member_view
@require_GET
def find_partners(request: HttpRequest, viewer: Viewer) -> HttpResponse:
    """`/matching/?text=…` or `?source=asset:12`, with filters: ranked, explained matches."""
    data = request.GET.copy()
    if "from" in data and "source" not in data:
        data["source"] = data.get("from", "")
    form = FindPartnersForm(data if data else None)
    result = None
    if form.is_bound and form.is_valid() and (form.cleaned_data["text"] or form.cleaned_data["source"]):
        try:
            result = selectors.matches_find(user=request.user, viewer=viewer, query=form.query())
        except ServiceError as error:
            form.add_error(error.field if error.field in form.fields else None, error.message)
    context = {"form": form, "result": result}
    return render(request, "matching/find_partners.html", context)


@member_view
@require_POST
def introduction_create(request: HttpRequest, viewer: Viewer) -> HttpResponse:
    form = IntroductionRequestForm(request.POST)
    back = reverse("matching:find_partners")
    if not form.is_valid():
        messages.error(request, "That introduction request is not valid.")
        return redirect(back)
    query = form.query()
    if query.has_source or query.text:
        back += "?" + urlencode({"source": query.source} if query.has_source else {"text": query.text})
    kind, pk = form.cleaned_data["target"].split(":")
    try:
        introduction = services.introduction_request(
            viewer=viewer,
            actor=request.user,  # type: ignore[arg-type]
            target_kind=kind,
            target_id=int(pk),
            message=form.cleaned_data["message"],
            query=query,
        )
    except ServiceError as error:
        if error.status == 404:
            raise
        messages.error(request, error.message)
        return redirect(back)
    messages.success(request, "Your request is with the alliance office; you will hear when it is decided.")
    return redirect("matching:introduction_detail", pk=introduction.pk)


@member_view
@require_GET
def introduction_list(request: HttpRequest, viewer: Viewer) -> HttpResponse:
    status = request.GET.get("status", "")
    if status not in IntroductionStatus.values:
        status = ""
    introductions = selectors.introduction_list(user=request.user, status=status or None)
    page = Paginator(introductions, PAGE_SIZE).get_page(request.GET.get("page"))
    context = {
        "page": page,
        "status": status,
        "statuses": IntroductionStatus.choices,
        "is_manager": access.is_alliance_manager(request.user),
    }
    return render(request, "matching/introduction_list.html", context)


@member_view
@require_GET
def introduction_detail(request: HttpRequest, viewer: Viewer, pk: int) -> HttpResponse:
    introduction = access.introduction_for_user(request.user, pk)
    is_manager = access.is_alliance_manager(request.user)
    is_party = introduction.requester_id == viewer.user_id or (
        introduction.target_organisation_id in viewer.organisation_ids
    )
    approved = introduction.status in (IntroductionStatus.APPROVED, IntroductionStatus.CDA_OPENED)
    context: dict[str, Any] = {
        "introduction": introduction,
        "decision_form": DecisionForm() if is_manager and introduction.status == "requested" else None,
        "can_open_cda": (is_manager or is_party) and introduction.status == IntroductionStatus.APPROVED,
        "outcome_form": OutcomeForm(initial={"outcome": introduction.outcome})
        if (is_manager or is_party) and approved
        else None,
    }
    return render(request, "matching/introduction_detail.html", context)


def _step(request: HttpRequest, pk: int, action: Any, success: str) -> HttpResponse:
    introduction = access.introduction_for_user(request.user, pk)
    try:
        action(introduction)
    except ServiceError as error:
        if error.status == 403:
            raise HttpForbidden(error.message) from None
        messages.error(request, error.message)
    else:
        messages.success(request, success)
    return redirect("matching:introduction_detail", pk=pk)


@member_view
@require_POST
def introduction_decide(request: HttpRequest, viewer: Viewer, pk: int) -> HttpResponse:
    form = DecisionForm(request.POST)
    if not form.is_valid():
        messages.error(request, "Choose approve or decline.")
        return redirect("matching:introduction_detail", pk=pk)
    approve = form.cleaned_data["decision"] == "approve"
    return _step(
        request,
        pk,
        lambda introduction: services.introduction_decide(
            actor=request.user,  # type: ignore[arg-type]
            introduction=introduction,
            approve=approve,
            note=form.cleaned_data["note"],
        ),
        "Approved: both parties have been told." if approve else "Declined: the requester has been told.",
    )


@member_view
@require_POST
def introduction_open_cda(request: HttpRequest, viewer: Viewer, pk: int) -> HttpResponse:
    return _step(
        request,
        pk,
        lambda introduction: services.introduction_open_cda(
            actor=request.user,  # type: ignore[arg-type]
            introduction=introduction,
        ),
        "A draft confidentiality agreement between the two organisations is open.",
    )


@member_view
@require_POST
def introduction_outcome(request: HttpRequest, viewer: Viewer, pk: int) -> HttpResponse:
    form = OutcomeForm(request.POST)
    if not form.is_valid():
        messages.error(request, "Choose an outcome.")
        return redirect("matching:introduction_detail", pk=pk)
    return _step(
        request,
        pk,
        lambda introduction: services.introduction_record_outcome(
            actor=request.user,  # type: ignore[arg-type]
            introduction=introduction,
            outcome=form.cleaned_data["outcome"],
        ),
        "The outcome is recorded.",
    )


@member_view
@require_GET
def notification_list(request: HttpRequest, viewer: Viewer) -> HttpResponse:
    page = Paginator(selectors.notification_list(user=request.user), PAGE_SIZE).get_page(
        request.GET.get("page")
    )
    return render(request, "matching/notification_list.html", {"page": page})


@member_view
@require_GET
def notification_badge(request: HttpRequest, viewer: Viewer) -> HttpResponse:
    """The unread count in the navigation, fetched by htmx after the page so pages pay no query for it."""
    unread = selectors.notification_unread_count(user=request.user)
    return render(request, "matching/notification_badge.html", {"unread": unread})


@member_view
@require_POST
def notifications_read(request: HttpRequest, viewer: Viewer) -> HttpResponse:
    services.notifications_mark_read(user=request.user)  # type: ignore[arg-type]
    return redirect("matching:notification_list")


@member_view
@require_GET
def ranking_report(request: HttpRequest, viewer: Viewer) -> HttpResponse:
    if not access.is_alliance_manager(request.user):
        raise HttpForbidden("The ranking-quality report is for the alliance's managers.")
    return render(
        request,
        "matching/report.html",
        {"report": selectors.ranking_report()},
    )
