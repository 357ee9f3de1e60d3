"""Admin for the portfolio. Saves check the vocabularies, refresh the search index and are audited,
as the services do, so that an administrator's correction shows up in search at once."""

from __future__ import annotations

from typing import Any

from django import forms
from django.contrib import admin
from django.db.models import Model, QuerySet
from django.http import HttpRequest

from oncobridge.core.audit import audit_record
from oncobridge.core.errors import ServiceError
from oncobridge.portfolio import indexing, services
from oncobridge.portfolio.models import (
    DocumentKind,
    InvestigatorProfile,
    NeedResponse,
    PartnerNeed,
    PartnerProfile,
    ResearchAsset,
    ResearchProject,
    SearchDocument,
)

DOCUMENT_KINDS: dict[type[Model], str] = {
    InvestigatorProfile: DocumentKind.PROFILE,
    ResearchAsset: DocumentKind.ASSET,
    ResearchProject: DocumentKind.PROJECT,
    PartnerNeed: DocumentKind.NEED,
    PartnerProfile: DocumentKind.PARTNER,
}
CONCEPT_FIELDS = {
    "cancer_types": "cancer_types",
    "therapeutic_areas": "cancer_types",
    "genes": "genes",
    "targets": "genes",
    "modalities": "modalities",
}


class ConceptsForm(forms.ModelForm):
    """Cancer types, genes and modalities normalised by the same rule the services apply."""

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        for field, kind in CONCEPT_FIELDS.items():
            if field not in cleaned or not isinstance(cleaned[field], list):
                continue
            try:
                concepts = services.concepts_validate(**{kind: [str(value) for value in cleaned[field]]})
            except ServiceError as error:
                self.add_error(field, error.message)
                continue
            cleaned[field] = getattr(concepts, kind)
        return cleaned


class IndexedAdmin(admin.ModelAdmin):
    form = ConceptsForm

    def save_model(self, request: HttpRequest, obj: Any, form: Any, change: bool) -> None:
        super().save_model(request, obj, form, change)
        indexing.document_refresh(obj)
        audit_record(
            actor=request.user,
            action=f"{obj._meta.model_name}.admin_save",
            target=obj,
            changed=list(form.changed_data),
        )

    def delete_model(self, request: HttpRequest, obj: Any) -> None:
        audit_record(actor=request.user, action=f"{obj._meta.model_name}.admin_delete", target=obj)
        indexing.document_remove(kind=DOCUMENT_KINDS[type(obj)], object_id=obj.pk)
        super().delete_model(request, obj)

    def delete_queryset(self, request: HttpRequest, queryset: QuerySet[Any]) -> None:
        for obj in queryset:
            self.delete_model(request, obj)


@admin.register(InvestigatorProfile)
class InvestigatorProfileAdmin(IndexedAdmin):
    list_display = ["user", "organisation", "position", "visibility", "updated_at"]
    list_filter = ["visibility", "organisation"]
    search_fields = ["user__email", "user__full_name", "position", "summary"]
    list_select_related = ["user", "organisation"]
    autocomplete_fields = ["user", "organisation"]


@admin.register(ResearchAsset)
class ResearchAssetAdmin(IndexedAdmin):
    list_display = ["title", "kind", "organisation", "visibility", "updated_at"]
    list_filter = ["kind", "visibility", "organisation"]
    search_fields = ["title", "description", "external_id", "source"]
    list_select_related = ["organisation"]
    autocomplete_fields = ["organisation", "owner", "investigators"]


@admin.register(ResearchProject)
class ResearchProjectAdmin(IndexedAdmin):
    list_display = ["title", "organisation", "programme", "start_date", "visibility"]
    list_filter = ["visibility", "organisation"]
    search_fields = ["title", "abstract", "programme", "external_id"]
    list_select_related = ["organisation"]
    autocomplete_fields = ["organisation", "investigators"]


@admin.register(PartnerProfile)
class PartnerProfileAdmin(IndexedAdmin):
    list_display = ["organisation", "visibility", "updated_at"]
    list_filter = ["visibility"]
    search_fields = ["organisation__name", "summary"]
    list_select_related = ["organisation"]
    autocomplete_fields = ["organisation"]


@admin.register(PartnerNeed)
class PartnerNeedAdmin(IndexedAdmin):
    list_display = ["title", "organisation", "status", "collaboration_kind", "visibility", "created_at"]
    list_filter = ["status", "collaboration_kind", "visibility"]
    search_fields = ["title", "description", "external_id"]
    list_select_related = ["organisation"]
    autocomplete_fields = ["organisation", "posted_by"]


@admin.register(NeedResponse)
class NeedResponseAdmin(admin.ModelAdmin):
    list_display = ["need", "responder", "organisation", "created_at"]
    search_fields = ["need__title", "responder__email", "message"]
    list_select_related = ["need", "responder", "organisation"]
    autocomplete_fields = ["need", "responder", "organisation", "asset"]


@admin.register(SearchDocument)
class SearchDocumentAdmin(admin.ModelAdmin):
    """The search read-model, for diagnosis: rebuilt from the portfolio, never edited by hand."""

    list_display = ["title", "kind", "object_id", "organisation", "visibility", "updated_at"]
    list_filter = ["kind", "visibility"]
    search_fields = ["title"]
    list_select_related = ["organisation"]

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False
