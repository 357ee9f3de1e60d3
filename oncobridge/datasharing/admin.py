from django.contrib import admin

from oncobridge.core.admin import ReadOnlyAdmin
from oncobridge.datasharing.models import AccessRequest, Dataset, DatasetVersion, Grant, ImportJob

# Read-only: imports, decisions and grants are audited in services.py, which the admin would bypass.


@admin.register(Dataset)
class DatasetAdmin(ReadOnlyAdmin):
    list_display = ["slug", "title", "organisation", "current_version"]
    search_fields = ["slug", "title"]


@admin.register(DatasetVersion)
class DatasetVersionAdmin(ReadOnlyAdmin):
    list_display = ["dataset", "number", "created_by", "created_at"]


@admin.register(AccessRequest)
class AccessRequestAdmin(ReadOnlyAdmin):
    list_display = ["dataset", "requester", "status", "commercial", "created_at"]
    list_filter = ["status", "commercial"]


@admin.register(Grant)
class GrantAdmin(ReadOnlyAdmin):
    list_display = ["dataset", "grantee", "expires_at", "revoked_at"]


@admin.register(ImportJob)
class ImportJobAdmin(ReadOnlyAdmin):
    list_display = ["dataset", "kind", "status", "requested_by", "created_at"]
    list_filter = ["status", "kind"]
