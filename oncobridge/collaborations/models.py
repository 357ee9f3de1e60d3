from __future__ import annotations

from django.db import models

from oncobridge.core.models import TimeStampedModel


class AgreementKind(models.TextChoices):
    CDA = "cda", "Confidentiality agreement (CDA/NDA)"
    MTA = "mta", "Material transfer agreement"
    SPONSORED_RESEARCH = "sponsored_research", "Sponsored research agreement"
    COLLABORATION = "collaboration", "Collaboration agreement"
    DATA_USE = "data_use", "Data use agreement"
    LICENCE = "licence", "Licence / option"


class AgreementStatus(models.TextChoices):
    DRAFT = "draft", "Draft"
    IN_NEGOTIATION = "in_negotiation", "In negotiation"
    EXECUTED = "executed", "Executed"
    EXPIRED = "expired", "Expired"
    TERMINATED = "terminated", "Terminated"


class Agreement(TimeStampedModel):
    title = models.CharField(max_length=255)
    kind = models.CharField(max_length=30, choices=AgreementKind.choices)
    status = models.CharField(max_length=20, choices=AgreementStatus.choices, default=AgreementStatus.DRAFT)
    parties = models.ManyToManyField("accounts.Organisation", related_name="agreements")
    effective_date = models.DateField(null=True, blank=True)
    expiry_date = models.DateField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(expiry_date__isnull=True)
                | models.Q(effective_date__isnull=True)
                | models.Q(expiry_date__gte=models.F("effective_date")),
                name="agreement_expiry_after_effective",
            )
        ]

    def __str__(self) -> str:
        return self.title
