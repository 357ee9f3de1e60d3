"""Shared clinical and genomic datasets, their immutable versions, access requests and grants."""

from __future__ import annotations

import datetime as dt

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone

from oncobridge.core.models import TimeStampedModel
from oncobridge.core.visibility import Visibility


class Table(models.TextChoices):
    """The harmonised tables a version may hold (schemas: formats/tables.py)."""

    PATIENTS = "patients", "Patients"
    SAMPLES = "samples", "Samples"
    MUTATIONS = "mutations", "Mutations"
    CLINICAL_ATTRIBUTES = "clinical_attributes", "Clinical attributes"
    OUTCOMES = "outcomes", "Outcomes"
    TREATMENTS = "treatments", "Treatments"


class Dataset(TimeStampedModel):
    """A shared dataset's description and data-use terms; its data lives in `current_version`."""

    slug = models.SlugField(max_length=80, unique=True)
    title = models.CharField(max_length=255)
    description = models.TextField(blank=True)
    organisation = models.ForeignKey(
        "accounts.Organisation", on_delete=models.PROTECT, related_name="datasets"
    )
    # Who may see that the dataset exists (its description, terms, size); row-level data needs a grant.
    visibility = models.CharField(max_length=20, choices=Visibility.choices, default=Visibility.NETWORK)
    cancer_types = models.JSONField(default=list, blank=True, help_text="OncoTree codes")
    data_types = models.JSONField(default=list, blank=True, help_text="Tables present, e.g. mutations")
    assay = models.CharField(max_length=200, blank=True, help_text="Sequencing panel or assay")
    duo_codes = models.JSONField(default=list, blank=True, help_text="GA4GH DUO shorthands, e.g. GRU, NCU")
    duo_modifiers = models.JSONField(
        default=dict, blank=True, help_text='Modifier values, e.g. {"DS": "BRCA", "TS": "2027-12-31"}'
    )
    current_version = models.ForeignKey(
        "DatasetVersion", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )

    class Meta:
        ordering = ["title", "id"]

    def __str__(self) -> str:
        return self.title


class DatasetVersion(models.Model):
    """One import's result: Parquet files under DATASETS_ROOT/<storage_path>; never changed afterwards."""

    dataset = models.ForeignKey(Dataset, on_delete=models.PROTECT, related_name="versions")
    number = models.PositiveIntegerField()
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    sources = models.JSONField(default=list, help_text="[{kind, file, sha256, bytes}] of this import")
    row_counts = models.JSONField(default=dict, help_text="table -> rows, carried-forward tables included")
    deidentification = models.JSONField(default=dict)
    warnings = models.JSONField(default=list)
    storage_path = models.CharField(max_length=255, help_text="Relative to DATASETS_ROOT")

    class Meta:
        ordering = ["dataset", "-number"]
        constraints = [
            models.UniqueConstraint(fields=["dataset", "number"], name="dataset_version_unique_number")
        ]

    def __str__(self) -> str:
        return f"{self.dataset.slug} v{self.number}"

    def save(self, *args: object, **kwargs: object) -> None:
        if self.pk is not None:
            raise ValueError("Dataset versions are immutable.")
        super().save(*args, **kwargs)

    def delete(self, *args: object, **kwargs: object) -> tuple[int, dict[str, int]]:
        raise ValueError("Dataset versions are immutable.")


class RequestStatus(models.TextChoices):
    SUBMITTED = "submitted", "Submitted"
    APPROVED = "approved", "Approved"
    REJECTED = "rejected", "Rejected"


class AccessRequest(TimeStampedModel):
    requester = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="data_access_requests"
    )
    organisation = models.ForeignKey(
        "accounts.Organisation", on_delete=models.CASCADE, related_name="data_access_requests"
    )
    dataset = models.ForeignKey(Dataset, on_delete=models.CASCADE, related_name="access_requests")
    purpose = models.TextField()
    commercial = models.BooleanField(help_text="Intended use is commercial")
    project = models.CharField(max_length=255, blank=True)
    team = models.JSONField(default=list, blank=True, help_text="Names or e-mails of the team")
    status = models.CharField(max_length=20, choices=RequestStatus.choices, default=RequestStatus.SUBMITTED)
    duo_check = models.JSONField(default=dict, help_text="{compatible, reasons, conditions}")
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    decided_at = models.DateTimeField(null=True, blank=True)
    reason = models.TextField(blank=True)

    class Meta:
        ordering = ["-created_at", "-id"]

    def __str__(self) -> str:
        return f"{self.requester} -> {self.dataset.slug} ({self.status})"


class Grant(models.Model):
    """Row-level access to a dataset for one person, until it expires or is revoked."""

    request = models.OneToOneField(AccessRequest, on_delete=models.PROTECT, related_name="grant")
    grantee = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="data_grants"
    )
    dataset = models.ForeignKey(Dataset, on_delete=models.CASCADE, related_name="grants")
    created_at = models.DateTimeField(auto_now_add=True)
    expires_at = models.DateTimeField()
    revoked_at = models.DateTimeField(null=True, blank=True)
    revoked_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        ordering = ["-created_at", "-id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(revoked_at__isnull=True) | Q(revoked_at__gte=models.F("created_at")),
                name="grant_revoked_after_created",
            )
        ]

    def __str__(self) -> str:
        return f"{self.grantee} on {self.dataset.slug} until {self.expires_at:%Y-%m-%d}"


# A 1,000,000-row MAF imports in well under a minute; a job this old will not finish.
IMPORT_STALLED_AFTER = dt.timedelta(hours=6)


class ImportStatus(models.TextChoices):
    QUEUED = "queued", "Queued"
    RUNNING = "running", "Running"
    SUCCEEDED = "succeeded", "Imported"
    REFUSED = "refused", "Refused"
    FAILED = "failed", "Failed"


class ImportJob(TimeStampedModel):
    """One uploaded import (UI or API): its files until it ends, its progress, and its outcome.

    The uploaded files are raw, identifiable data: they are kept only until the import ends, under
    DATASETS_ROOT/.uploads/<job id>/, and the de-identified result becomes the dataset's next version.
    """

    dataset = models.ForeignKey(Dataset, on_delete=models.CASCADE, related_name="import_jobs")
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    kind = models.CharField(max_length=40)
    origin = models.CharField(max_length=10, blank=True, help_text="A VCF's calls: somatic or germline")
    files = models.JSONField(default=list, help_text="[{role, name, bytes}] of the uploaded files")
    status = models.CharField(max_length=20, choices=ImportStatus.choices, default=ImportStatus.QUEUED)
    rows_done = models.BigIntegerField(default=0)
    rows_expected = models.BigIntegerField(null=True, blank=True, help_text="Estimated from the file's lines")
    problems = models.JSONField(default=list, blank=True, help_text="[{file, line, field, message}]")
    problems_omitted = models.PositiveIntegerField(default=0)
    message = models.TextField(blank=True)
    version = models.ForeignKey(
        DatasetVersion, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    started_at = models.DateTimeField(null=True, blank=True)
    finished_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-id"]

    def __str__(self) -> str:
        return f"{self.dataset.slug} import {self.pk} ({self.status})"

    @property
    def finished(self) -> bool:
        return self.status in (ImportStatus.SUCCEEDED, ImportStatus.REFUSED, ImportStatus.FAILED)

    @property
    def stalled(self) -> bool:
        """Queued or running for longer than any import takes: the worker stopped (or is not running)."""
        return not self.finished and self.created_at < timezone.now() - IMPORT_STALLED_AFTER

    @property
    def percent(self) -> int | None:
        """Rows read of the rows expected, below 100 until the import has ended."""
        if self.status == ImportStatus.SUCCEEDED:
            return 100
        if not self.rows_expected:
            return None
        return min(99, int(100 * self.rows_done / self.rows_expected))
