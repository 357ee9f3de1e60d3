"""HTML views of the portfolio: thin adapters over portfolio.selectors, services and access.

Every view needs a signed-in member; access functions decide what each person may see or change, and
their NotFound / PermissionDenied become the 404 / 403 pages. A service's refusal becomes a form error.
"""

from __future__ import annotations

from collections.abc import Callable
from functools import wraps
from typing import Any, Concatenate, ParamSpec

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied as HttpForbidden
from django.core.paginator import Paginator
from django.db.models import Q
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_http_methods

from oncobridge.accounts.access import organisation_for_user, viewer_for
from oncobridge.accounts.models import Organisation, Role
from oncobridge.core.errors import NotFound, PermissionDenied, ServiceError
from oncobridge.core.htmx import render_page_or_partial
from oncobridge.core.visibility import Viewer
from oncobridge.portfolio import access, selectors, services
from oncobridge.portfolio import view_helpers as helpers
from oncobridge.portfolio.forms import AssetForm, NeedForm, NeedResponseForm, ProfileForm, add_service_error
from oncobridge.portfolio.models import NeedStatus

P = ParamSpec("P")
MemberView = Callable[Concatenate[HttpRequest, Viewer, P], HttpResponse]


def member_view(view: MemberView[P]) -> Callable[..., HttpResponse]:
    """Signed in, a member of some organisation, and access errors shown as 404 / 403 pages."""

    @login_required
    @wraps(view)
    def wrapper(request: HttpRequest, *args: P.args, **kwargs: P.kwargs) -> HttpResponse:
        viewer = viewer_for(request.user)
        if not viewer.is_member:
            return render(request, "portfolio/no_membership.html", status=403)
        try:
            return view(request, viewer, *args, **kwargs)
        except NotFound as error:
            raise Http404(error.message) from None
        except PermissionDenied as error:
            raise HttpForbidden(error.message) from None

    return wrapper


def _member_organisations(viewer: Viewer) -> list[Organisation]:
    return list(Organisation.objects.filter(pk__in=viewer.organisation_ids).order_by("name"))


def _creatable_organisations(viewer: Viewer) -> list[Organisation]:
    organisations = (
        Organisation.objects.all()
        if viewer.platform_admin
        else Organisation.objects.filter(pk__in=viewer.organisation_ids)
    )
    return [
        organisation
        for organisation in organisations.order_by("name")
        if access.can_create_in(viewer, organisation.pk)
    ]


def _visible_profile_ids(viewer: Viewer, user_ids: list[int]) -> dict[int, int]:
    """user id -> profile id, for the people whose profile this viewer may open."""
    return dict(
        selectors.profile_list(viewer=viewer).filter(user_id__in=user_ids).values_list("user_id", "pk")
    )


def _people(viewer: Viewer, users: Any) -> list[dict[str, Any]]:
    people = list(users)
    profile_ids = _visible_profile_ids(viewer, [person.pk for person in people])
    return [{"user": person, "profile_id": profile_ids.get(person.pk)} for person in people]


# --- search --------------------------------------------------------------------------------------------


@member_view
def home(request: HttpRequest, viewer: Viewer) -> HttpResponse:
    params = helpers.SearchParams.from_query(request.GET)
    page_size = settings.ONCOBRIDGE_PAGE_SIZE
    result = selectors.portfolio_search(
        viewer=viewer,
        query=params.q,
        filters=params.filters(),
        offset=(params.page - 1) * page_size,
        limit=page_size,
    )
    page_count = max(1, -(-result.total // page_size))
    context = {
        "params": params,
        "result": result,
        "hits": helpers.hit_views(result.hits),
        "tabs": helpers.kind_tabs(result.kind_counts, params),
        "facet_groups": helpers.facet_groups(result, params),
        "suggestions": helpers.suggestions(result, params),
        "first_index": (params.page - 1) * page_size + 1,
        "last_index": (params.page - 1) * page_size + len(result.hits),
        "page_count": page_count,
        "previous_url": params.url(page=params.page - 1) if params.page > 1 else "",
        "next_url": params.url(page=params.page + 1) if params.page < page_count else "",
        "clear_url": params.url(cancer_type=(), gene=(), asset_kind=(), organisation=(), modality=()),
        "can_add_asset": bool(_creatable_organisations(viewer)),
    }
    return render_page_or_partial(
        request,
        page_template="portfolio/search.html",
        partial_template="portfolio/partials/search_results.html",
        context=context,
    )


# --- research assets -----------------------------------------------------------------------------------


@member_view
def asset_detail(request: HttpRequest, viewer: Viewer, pk: int) -> HttpResponse:
    asset = access.asset_for_user(request.user, pk)
    context = {
        "asset": asset,
        "cancer_types": helpers.cancer_types_view(asset.cancer_types),
        "modalities": helpers.modality_labels(asset.modalities),
        "investigators": _people(viewer, asset.investigators.order_by("full_name", "email")),
        "owner_profile_id": _visible_profile_ids(viewer, [asset.owner_id]).get(asset.owner_id or 0)
        if asset.owner_id
        else None,
        "can_edit": access.can_edit(viewer, asset),
    }
    return render(request, "portfolio/asset_detail.html", context)


@member_view
@require_http_methods(["GET", "POST"])
def asset_create(request: HttpRequest, viewer: Viewer) -> HttpResponse:
    organisations = _creatable_organisations(viewer)
    if not organisations:
        raise PermissionDenied("Your roles do not allow adding research assets.")
    form = AssetForm(request.POST or None, organisations=organisations)
    if request.method == "POST" and form.is_valid():
        try:
            asset = services.asset_save(viewer=viewer, actor=request.user, **form.cleaned_data)  # type: ignore[arg-type]
        except ServiceError as error:
            add_service_error(form, error)
        else:
            messages.success(request, f"“{asset.title}” is now in the portfolio.")
            return redirect("portfolio:asset_detail", pk=asset.pk)
    return render(request, "portfolio/asset_form.html", {"form": form, "asset": None})


@member_view
@require_http_methods(["GET", "POST"])
def asset_edit(request: HttpRequest, viewer: Viewer, pk: int) -> HttpResponse:
    asset = access.asset_for_user(request.user, pk, write=True)
    form = AssetForm(request.POST or None, organisations=(), asset=asset)
    if request.method == "POST" and form.is_valid():
        try:
            services.asset_save(
                viewer=viewer,
                actor=request.user,  # type: ignore[arg-type]
                asset=asset,
                organisation=asset.organisation,
                **form.cleaned_data,
            )
        except ServiceError as error:
            add_service_error(form, error)
        else:
            messages.success(request, "Your changes are saved.")
            return redirect("portfolio:asset_detail", pk=asset.pk)
    return render(request, "portfolio/asset_form.html", {"form": form, "asset": asset})


# --- people and projects -------------------------------------------------------------------------------


@member_view
def profile_detail(request: HttpRequest, viewer: Viewer, pk: int) -> HttpResponse:
    profile = access.profile_for_user(request.user, pk)
    person = profile.user
    context = {
        "profile": profile,
        "cancer_types": helpers.cancer_types_view(profile.cancer_types),
        "modalities": helpers.modality_labels(profile.modalities),
        "assets": selectors.asset_list(viewer=viewer)
        .filter(Q(investigators=person) | Q(owner=person))
        .distinct()[:25],
        "projects": selectors.project_list(viewer=viewer).filter(investigators=person)[:25],
        "can_edit": access.can_edit(viewer, profile),
        "is_own": person.pk == request.user.pk,
    }
    return render(request, "portfolio/profile_detail.html", context)


@member_view
@require_http_methods(["GET", "POST"])
def my_profile(request: HttpRequest, viewer: Viewer) -> HttpResponse:
    profile = access.own_profile(request.user)
    organisations = _member_organisations(viewer)
    if profile is None and not organisations:
        raise PermissionDenied("A profile belongs to an organisation; your account has no membership yet.")
    initial: dict[str, Any] = {"organisation": profile.organisation_id if profile else organisations[0].pk}
    if profile is not None:
        initial.update(
            position=profile.position,
            summary=profile.summary,
            cancer_types=profile.cancer_types,
            genes=profile.genes,
            modalities=profile.modalities,
            methods=profile.methods,
            orcid=profile.orcid,
            publications=profile.publications,
            visibility=profile.visibility,
        )
    form = ProfileForm(request.POST or None, initial=initial, organisations=organisations)
    if request.method == "POST" and form.is_valid():
        data = dict(form.cleaned_data)
        organisation = data.pop("organisation", None) or (
            profile.organisation if profile else organisations[0]
        )
        try:
            saved = services.profile_upsert(
                viewer=viewer,
                actor=request.user,  # type: ignore[arg-type]
                user=request.user,  # type: ignore[arg-type]
                organisation=organisation,
                **data,
            )
        except ServiceError as error:
            add_service_error(form, error)
        else:
            messages.success(request, "Your profile is saved.")
            return redirect("portfolio:profile_detail", pk=saved.pk)
    return render(request, "portfolio/profile_form.html", {"form": form, "profile": profile})


@member_view
def project_detail(request: HttpRequest, viewer: Viewer, pk: int) -> HttpResponse:
    project = access.project_for_user(request.user, pk)
    context = {
        "project": project,
        "cancer_types": helpers.cancer_types_view(project.cancer_types),
        "modalities": helpers.modality_labels(project.modalities),
        "investigators": _people(viewer, project.investigators.order_by("full_name", "email")),
    }
    return render(request, "portfolio/project_detail.html", context)


# --- partner needs and partners ------------------------------------------------------------------------

NEED_STATUS_FILTERS = (("open", "Open"), ("closed", "Closed"), ("all", "All"))


def _need_organisations(viewer: Viewer) -> list[Organisation]:
    if not (viewer.platform_admin or viewer.has_role(Role.INDUSTRY_MEMBER)):
        return []
    return _creatable_organisations(viewer)


@member_view
def need_list(request: HttpRequest, viewer: Viewer) -> HttpResponse:
    status = request.GET.get("status", "open")
    if status not in {key for key, _ in NEED_STATUS_FILTERS}:
        status = "open"
    needs = selectors.need_list(viewer=viewer, status=None if status == "all" else status)
    page = Paginator(needs, settings.ONCOBRIDGE_PAGE_SIZE).get_page(request.GET.get("page"))
    context = {
        "page": page,
        "status": status,
        "status_filters": NEED_STATUS_FILTERS,
        "can_post": bool(_need_organisations(viewer)),
    }
    return render(request, "portfolio/need_list.html", context)


@member_view
@require_http_methods(["GET", "POST"])
def need_create(request: HttpRequest, viewer: Viewer) -> HttpResponse:
    organisations = _need_organisations(viewer)
    if not organisations:
        raise PermissionDenied("Partner needs are posted by members of industry partners.")
    form = NeedForm(request.POST or None, organisations=organisations)
    if request.method == "POST" and form.is_valid():
        try:
            need = services.need_save(viewer=viewer, actor=request.user, **form.cleaned_data)  # type: ignore[arg-type]
        except ServiceError as error:
            add_service_error(form, error)
        else:
            messages.success(
                request, "Your need is posted; the alliance office and investigators can now answer it."
            )
            return redirect("portfolio:need_detail", pk=need.pk)
    return render(request, "portfolio/need_form.html", {"form": form})


def _can_respond(viewer: Viewer, need: Any) -> bool:
    if need.status != NeedStatus.OPEN:
        return False
    try:
        access.ensure_can_respond(viewer, need)
    except PermissionDenied:
        return False
    return True


@member_view
@require_http_methods(["GET", "POST"])
def need_detail(request: HttpRequest, viewer: Viewer, pk: int) -> HttpResponse:
    need = access.need_for_user(request.user, pk)
    can_respond = _can_respond(viewer, need)
    form = None
    if can_respond:
        own_assets = selectors.asset_list(viewer=viewer).filter(organisation_id__in=viewer.organisation_ids)
        form = NeedResponseForm(request.POST or None, assets=own_assets)
        if request.method == "POST" and form.is_valid():
            try:
                services.need_respond(
                    viewer=viewer,
                    actor=request.user,  # type: ignore[arg-type]
                    need=need,
                    message=form.cleaned_data["message"],
                    asset=form.cleaned_data["asset"],
                )
            except ServiceError as error:
                add_service_error(form, error)
            else:
                messages.success(request, "Your answer is sent to the partner.")
                return redirect("portfolio:need_detail", pk=need.pk)
    elif request.method == "POST":
        raise PermissionDenied("You cannot answer this need.")
    context = {
        "need": need,
        "cancer_types": helpers.cancer_types_view(need.cancer_types),
        "modalities": helpers.modality_labels(need.modalities),
        "responses": selectors.need_responses(viewer=viewer, need=need),
        "form": form,
        "can_edit": access.can_edit(viewer, need),
    }
    return render(request, "portfolio/need_detail.html", context)


@member_view
def partner_detail(request: HttpRequest, viewer: Viewer, pk: int) -> HttpResponse:
    partner = access.partner_profile_for_user(request.user, pk)
    context = {
        "partner": partner,
        "therapeutic_areas": helpers.cancer_types_view(partner.therapeutic_areas),
        "modalities": helpers.modality_labels(partner.modalities),
        "development_stages": helpers.development_stage_labels(partner.development_stages),
        "collaboration_kinds": helpers.collaboration_kind_labels(partner.collaboration_kinds),
        "needs": selectors.need_list(viewer=viewer, organisation=partner.organisation.slug)[:10],
    }
    return render(request, "portfolio/partner_detail.html", context)


@member_view
def organisation_detail(request: HttpRequest, viewer: Viewer, slug: str) -> HttpResponse:
    organisation = organisation_for_user(request.user, slug)
    counts = selectors.organisation_portfolio_counts(viewer=viewer, organisation=organisation)
    partner = selectors.partner_profile_list(viewer=viewer).filter(organisation=organisation).first()
    context = {
        "organisation": organisation,
        "counts": [(label, counts.get(kind, 0), kind) for kind, label in helpers.KIND_TABS],
        "search_url": helpers.SearchParams(organisation=(organisation.slug,)).url(),
        "people": selectors.profile_list(viewer=viewer, organisation=slug)[:10],
        "assets": selectors.asset_list(viewer=viewer, organisation=slug)[:10],
        "projects": selectors.project_list(viewer=viewer, organisation=slug)[:10],
        "needs": selectors.need_list(viewer=viewer, organisation=slug)[:10],
        "partner": partner,
    }
    return render(request, "portfolio/organisation_detail.html", context)
