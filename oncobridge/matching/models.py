"""Matchmaking: introductions brokered by the alliance office, in-app notifications, pending index changes."""

from __future__ import annotations

from django.conf import settings
from django.db import models

from oncobridge.core.models import TimeStampedModel
from oncobridge.portfolio.models import DocumentKind


class IntroductionStatus(models.TextChoices):
    REQUESTED = "requested", "Requested"
    APPROVED = "approved", "Approved"
    DECLINED = "declined", "Declined"
    CDA_OPENED = "cda_opened", "Confidentiality agreement opened"


class IntroductionOutcome(models.TextChoices):
    NONE = "none", "Not recorded"
    ACCEPTED = "accepted", "Accepted"
    DECLINED = "declined", "Declined"
    LED_TO_PROJECT = "led_to_project", "Led to a project"


class Introduction(TimeStampedModel):
    """A request to be introduced to a match, with the match as it was when requested."""

    requester = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="introductions_requested"
    )
    requester_organisation = models.ForeignKey(
        "accounts.Organisation", on_delete=models.CASCADE, related_name="introductions_requested"
    )
    target_kind = models.CharField(max_length=10, choices=DocumentKind.choices)
    target_id = models.PositiveBigIntegerField()
    target_organisation = models.ForeignKey(
        "accounts.Organisation", on_delete=models.CASCADE, related_name="introductions_received"
    )
    target_title = models.CharField(max_length=500)
    # What the match was found from: a portfolio entry ("asset:12") or free text; empty when neither.
    source = models.CharField(max_length=40, blank=True)
    source_text = models.TextField(blank=True)
    score = models.FloatField(default=0.0)
    score_parts = models.JSONField(default=dict, blank=True)
    explanation = models.JSONField(default=list, blank=True, help_text="The explanation's lines")
    message = models.TextField(blank=True)
    status = models.CharField(
        max_length=12, choices=IntroductionStatus.choices, default=IntroductionStatus.REQUESTED
    )
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    decided_at = models.DateTimeField(null=True, blank=True)
    decision_note = models.TextField(blank=True)
    agreement = models.ForeignKey(
        "collaborations.Agreement", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    outcome = models.CharField(
        max_length=16, choices=IntroductionOutcome.choices, default=IntroductionOutcome.NONE
    )
    outcome_recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    outcome_recorded_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        indexes = [models.Index(fields=["status", "created_at"]), models.Index(fields=["outcome"])]

    def __str__(self) -> str:
        return f"Introduction of {self.requester} to {self.target_title}"

    @property
    def target_key(self) -> str:
        return f"{self.target_kind}:{self.target_id}"


class Notification(models.Model):
    """Something a person should know about, shown in the app until read."""

    recipient = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="notifications"
    )
    verb = models.CharField(max_length=255)
    target_url = models.CharField(max_length=500, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    read_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        indexes = [models.Index(fields=["recipient", "read_at"])]

    def __str__(self) -> str:
        return f"{self.recipient}: {self.verb}"


class IndexChange(models.Model):
    """A portfolio entry whose match-index entry is stale.

    Written in the entry's own transaction and drained by the background task, so that a burst of writes
    (an import, the demo) costs one index save, not one each.
    """

    kind = models.CharField(max_length=10, choices=DocumentKind.choices)
    object_id = models.PositiveBigIntegerField()
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["id"]

    def __str__(self) -> str:
        return f"{self.kind}:{self.object_id}"
