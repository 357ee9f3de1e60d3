from __future__ import annotations

from typing import Any

from django.contrib import admin
from django.http import HttpRequest

from oncobridge.core.models import AuditEvent


class ReadOnlyAdmin(admin.ModelAdmin):
    """For records whose every change must go through an audited service: staff may look, not touch."""

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


@admin.register(AuditEvent)
class AuditEventAdmin(ReadOnlyAdmin):
    """The audit trail is append-only: the admin may read it, never add, change or delete."""

    list_display = ["occurred_at", "actor_label", "action", "target_type", "target_id"]
    list_filter = ["action", "target_type"]
    search_fields = ["actor_label", "action", "target_id"]
    date_hierarchy = "occurred_at"
    readonly_fields = ["occurred_at", "actor", "actor_label", "action", "target_type", "target_id", "detail"]
