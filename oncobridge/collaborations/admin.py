from django.contrib import admin

from oncobridge.collaborations.models import Agreement, Document, Milestone, Programme, Project
from oncobridge.core.admin import ReadOnlyAdmin

# Read-only: agreement transitions, stage gates and milestone edits are audited and version-checked in
# services.py, which the admin would bypass.


@admin.register(Agreement)
class AgreementAdmin(ReadOnlyAdmin):
    list_display = ["title", "kind", "status", "effective_date", "expiry_date"]
    list_filter = ["kind", "status"]
    search_fields = ["title", "parties__name"]
    date_hierarchy = "effective_date"


@admin.register(Programme)
class ProgrammeAdmin(ReadOnlyAdmin):
    list_display = ["title", "organisation"]
    search_fields = ["title"]


@admin.register(Project)
class ProjectAdmin(ReadOnlyAdmin):
    list_display = ["title", "organisation", "stage"]
    list_filter = ["stage"]
    search_fields = ["title"]


@admin.register(Milestone)
class MilestoneAdmin(ReadOnlyAdmin):
    list_display = ["title", "project", "owner", "due_date", "status"]
    list_filter = ["status"]
    search_fields = ["title", "project__title"]


@admin.register(Document)
class DocumentAdmin(ReadOnlyAdmin):
    list_display = ["title", "project", "confidentiality"]
    list_filter = ["confidentiality"]
