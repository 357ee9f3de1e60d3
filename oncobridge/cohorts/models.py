"""Saved cohorts: a named cohort definition over some datasets, optionally shared with a joint project."""

from __future__ import annotations

from django.conf import settings
from django.db import models

from oncobridge.core.models import TimeStampedModel


class SavedCohort(TimeStampedModel):
    """A cohort definition (the analytics core's criterion JSON) kept; members are recomputed."""

    name = models.CharField(max_length=200)
    description = models.TextField(blank=True)
    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="saved_cohorts"
    )
    definition = models.JSONField(
        null=True, blank=True, help_text="A criterion as JSON (and/or/not tree); null means everyone"
    )
    datasets = models.JSONField(default=list, help_text="Slugs of the datasets the cohort is drawn from")
    # Members of this joint project may see and use the cohort (never change it).
    project = models.ForeignKey(
        "collaborations.Project",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="saved_cohorts",
    )

    class Meta:
        ordering = ["name", "id"]

    def __str__(self) -> str:
        return self.name
