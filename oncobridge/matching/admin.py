"""Admin for matchmaking: introductions and notifications are read here; their steps go through the app."""

from __future__ import annotations

from typing import Any

from django.contrib import admin
from django.http import HttpRequest

from oncobridge.matching.models import Introduction, Notification


@admin.register(Introduction)
class IntroductionAdmin(admin.ModelAdmin):
    list_display = ["created_at", "requester", "target_title", "status", "outcome", "score"]
    list_filter = ["status", "outcome", "target_kind"]
    search_fields = ["target_title", "requester__email", "message"]
    date_hierarchy = "created_at"

    # Decisions and outcomes are audited steps with notifications: they are made in the app, not here.
    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


@admin.register(Notification)
class NotificationAdmin(admin.ModelAdmin):
    list_display = ["created_at", "recipient", "verb", "read_at"]
    list_filter = ["read_at"]
    search_fields = ["recipient__email", "verb"]
    readonly_fields = ["created_at"]
