"""The research portfolio: what the alliance has (people, assets, projects) and what partners seek."""

from __future__ import annotations

from django.conf import settings
from django.db import models

from oncobridge.core.models import TimeStampedModel
from oncobridge.core.visibility import Visibility


class AssetKind(models.TextChoices):
    SPECIMEN_COLLECTION = "specimen_collection", "Biobank / specimen collection"
    PDX_MODEL = "pdx_model", "Patient-derived xenograft (PDX)"
    ORGANOID = "organoid", "Patient-derived organoid"
    CELL_LINE = "cell_line", "Cell line"
    DATASET = "dataset", "Dataset / cohort"
    INVENTION = "invention", "Invention disclosure"
    PATENT = "patent", "Patent"
    CORE_FACILITY = "core_facility", "Core facility / platform"
    CLINICAL_TRIAL = "clinical_trial", "Clinical trial"


class DevelopmentStage(models.TextChoices):
    DISCOVERY = "discovery", "Discovery"
    PRECLINICAL = "preclinical", "Preclinical"
    PHASE_1 = "phase_1", "Phase 1"
    PHASE_2 = "phase_2", "Phase 2"
    PHASE_3 = "phase_3", "Phase 3"
    PHASE_4 = "phase_4", "Phase 4 / post-marketing"
    MARKETED = "marketed", "Marketed"


class CollaborationKind(models.TextChoices):
    SPONSORED_RESEARCH = "sponsored_research", "Sponsored research"
    CO_DEVELOPMENT = "co_development", "Co-development"
    LICENSING = "licensing", "Licensing / option"
    DATA_ACCESS = "data_access", "Data access"
    MATERIAL_ACCESS = "material_access", "Specimens / models access"
    TRIAL_SITE = "trial_site", "Clinical trial sites"
    SERVICE = "service", "Fee-for-service / core facility"
    ADVISORY = "advisory", "Scientific advice"


class NeedStatus(models.TextChoices):
    OPEN = "open", "Open"
    CLOSED = "closed", "Closed"


class Tagged(models.Model):
    """Concepts shared by everything in the portfolio: OncoTree codes, HUGO symbols, modalities."""

    cancer_types = models.JSONField(default=list, blank=True, help_text="OncoTree codes")
    genes = models.JSONField(default=list, blank=True, help_text="HUGO gene symbols")
    modalities = models.JSONField(default=list, blank=True)
    visibility = models.CharField(max_length=20, choices=Visibility.choices, default=Visibility.ALLIANCE)
    # Key of the record in the system it was imported from, so that re-imports update instead of duplicating.
    external_id = models.CharField(max_length=120, blank=True)

    class Meta:
        abstract = True


class InvestigatorProfile(Tagged, TimeStampedModel):
    user = models.OneToOneField(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="profile")
    organisation = models.ForeignKey(
        "accounts.Organisation", on_delete=models.CASCADE, related_name="profiles"
    )
    department = models.ForeignKey(
        "accounts.Department", null=True, blank=True, on_delete=models.SET_NULL, related_name="profiles"
    )
    position = models.CharField(max_length=200, blank=True)
    summary = models.TextField(blank=True)
    methods = models.JSONField(default=list, blank=True)
    orcid = models.CharField(max_length=19, blank=True)
    publications = models.JSONField(default=list, blank=True, help_text="PubMed ids")

    class Meta:
        ordering = ["user__full_name"]

    def __str__(self) -> str:
        return str(self.user)


class ResearchAsset(Tagged, TimeStampedModel):
    organisation = models.ForeignKey("accounts.Organisation", on_delete=models.CASCADE, related_name="assets")
    kind = models.CharField(max_length=30, choices=AssetKind.choices)
    title = models.CharField(max_length=500)
    description = models.TextField(blank=True)
    size = models.PositiveIntegerField(null=True, blank=True)
    size_unit = models.CharField(max_length=40, blank=True, help_text="participants, samples, models, ...")
    availability = models.TextField(blank=True, help_text="Terms on which partners can use it")
    source = models.CharField(
        max_length=120, blank=True, help_text="Registry or accession, e.g. dbGaP phs000178"
    )
    url = models.URLField(max_length=500, blank=True)
    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="owned_assets",
    )
    investigators = models.ManyToManyField(settings.AUTH_USER_MODEL, blank=True, related_name="assets")

    class Meta:
        ordering = ["title"]
        constraints = [
            models.UniqueConstraint(
                fields=["organisation", "external_id"],
                condition=~models.Q(external_id=""),
                name="asset_unique_external_id_per_org",
            )
        ]

    def __str__(self) -> str:
        return self.title


class ResearchProject(Tagged, TimeStampedModel):
    """A funded research project: evidence of an organisation's and its investigators' expertise."""

    organisation = models.ForeignKey(
        "accounts.Organisation", on_delete=models.CASCADE, related_name="projects"
    )
    title = models.CharField(max_length=500)
    abstract = models.TextField(blank=True)
    programme = models.CharField(max_length=200, blank=True)
    start_date = models.DateField(null=True, blank=True)
    end_date = models.DateField(null=True, blank=True)
    publications = models.JSONField(default=list, blank=True, help_text="PubMed ids")
    investigators = models.ManyToManyField(
        settings.AUTH_USER_MODEL, blank=True, related_name="research_projects"
    )

    class Meta:
        ordering = ["-start_date", "title"]
        constraints = [
            models.UniqueConstraint(
                fields=["organisation", "external_id"],
                condition=~models.Q(external_id=""),
                name="project_unique_external_id_per_org",
            )
        ]

    def __str__(self) -> str:
        return self.title


class PartnerProfile(TimeStampedModel):
    """What a partner organisation seeks, in general; specific requests are PartnerNeeds."""

    organisation = models.OneToOneField(
        "accounts.Organisation", on_delete=models.CASCADE, related_name="partner_profile"
    )
    summary = models.TextField(blank=True)
    therapeutic_areas = models.JSONField(default=list, blank=True, help_text="OncoTree codes")
    targets = models.JSONField(default=list, blank=True, help_text="HUGO gene symbols")
    modalities = models.JSONField(default=list, blank=True)
    development_stages = models.JSONField(default=list, blank=True)
    collaboration_kinds = models.JSONField(default=list, blank=True)
    visibility = models.CharField(max_length=20, choices=Visibility.choices, default=Visibility.NETWORK)

    def __str__(self) -> str:
        return f"Partner profile of {self.organisation}"


class PartnerNeed(Tagged, TimeStampedModel):
    organisation = models.ForeignKey("accounts.Organisation", on_delete=models.CASCADE, related_name="needs")
    posted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="needs"
    )
    title = models.CharField(max_length=500)
    description = models.TextField(blank=True)
    development_stage = models.CharField(max_length=20, choices=DevelopmentStage.choices, blank=True)
    collaboration_kind = models.CharField(max_length=30, choices=CollaborationKind.choices, blank=True)
    status = models.CharField(max_length=10, choices=NeedStatus.choices, default=NeedStatus.OPEN)

    class Meta:
        ordering = ["-created_at"]
        constraints = [
            models.UniqueConstraint(
                fields=["organisation", "external_id"],
                condition=~models.Q(external_id=""),
                name="need_unique_external_id_per_org",
            )
        ]

    def __str__(self) -> str:
        return self.title


class NeedResponse(TimeStampedModel):
    """An answer to a partner need: an investigator offering expertise or an asset."""

    need = models.ForeignKey(PartnerNeed, on_delete=models.CASCADE, related_name="responses")
    responder = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    organisation = models.ForeignKey("accounts.Organisation", on_delete=models.CASCADE, related_name="+")
    message = models.TextField()
    asset = models.ForeignKey(
        ResearchAsset, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return f"Response to {self.need} by {self.responder}"


class DocumentKind(models.TextChoices):
    PROFILE = "profile", "Investigator"
    ASSET = "asset", "Research asset"
    PROJECT = "project", "Research project"
    NEED = "need", "Partner need"
    PARTNER = "partner", "Partner profile"


class SearchDocument(models.Model):
    """The search read-model: one row per portfolio entry, rebuilt by services whenever the entry changes."""

    kind = models.CharField(max_length=10, choices=DocumentKind.choices)
    object_id = models.PositiveBigIntegerField()
    organisation = models.ForeignKey("accounts.Organisation", on_delete=models.CASCADE, related_name="+")
    visibility = models.CharField(max_length=20, choices=Visibility.choices)
    title = models.CharField(max_length=500)
    subtitle = models.CharField(max_length=300, blank=True)
    body = models.TextField(blank=True)
    updated_at = models.DateTimeField()

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["kind", "object_id"], name="searchdocument_unique_entry")
        ]
        indexes = [models.Index(fields=["visibility", "organisation"])]

    def __str__(self) -> str:
        return f"{self.kind}:{self.object_id} {self.title}"


class FacetName(models.TextChoices):
    # Every OncoTree code of the entry with all its ancestors, so a filter on NSCLC finds LUAD work.
    CANCER_LINEAGE = "cancer", "Cancer type"
    GENE = "gene", "Gene"
    MODALITY = "modality", "Modality"
    ASSET_KIND = "asset_kind", "Asset kind"
    ORGANISATION = "organisation", "Organisation"


class SearchFacet(models.Model):
    document = models.ForeignKey(SearchDocument, on_delete=models.CASCADE, related_name="facets")
    facet = models.CharField(max_length=20, choices=FacetName.choices)
    value = models.CharField(max_length=80)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["document", "facet", "value"], name="searchfacet_unique_value")
        ]
        indexes = [models.Index(fields=["facet", "value", "document"])]

    def __str__(self) -> str:
        return f"{self.facet}={self.value}"
