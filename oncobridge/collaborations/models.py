"""Collaborations: programmes, joint projects and their plans, check-ins, documents and agreements."""

from __future__ import annotations

from django.conf import settings
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


class TranslationalStage(models.TextChoices):
    FUNDAMENTAL_RESEARCH = "fundamental_research", "Fundamental research"
    PROOF_OF_CONCEPT = "proof_of_concept", "Proof of concept"
    DEVELOPMENT = "development", "Development"
    TRANSFER_TO_MARKET = "transfer_to_market", "Transfer to market"
    PATIENT_CARE = "patient_care", "Patient care"


class ProjectRole(models.TextChoices):
    LEAD = "lead", "Lead"
    MEMBER = "member", "Member"
    OBSERVER = "observer", "Observer"


class MilestoneStatus(models.TextChoices):
    PLANNED = "planned", "Planned"
    IN_PROGRESS = "in_progress", "In progress"
    DONE = "done", "Done"
    BLOCKED = "blocked", "Blocked"


class RaciLetter(models.TextChoices):
    RESPONSIBLE = "R", "Responsible"
    ACCOUNTABLE = "A", "Accountable"
    CONSULTED = "C", "Consulted"
    INFORMED = "I", "Informed"


class Confidentiality(models.TextChoices):
    INTERNAL = "internal", "Internal to the project"
    CONFIDENTIAL = "confidential", "Confidential (partners under CDA only)"


class Programme(TimeStampedModel):
    """A cross-departmental, problem-driven research programme that holds projects."""

    organisation = models.ForeignKey(
        "accounts.Organisation", on_delete=models.CASCADE, related_name="programmes"
    )
    title = models.CharField(max_length=255)
    problem_statement = models.TextField()
    lead_departments = models.ManyToManyField("accounts.Department", blank=True, related_name="programmes")
    investigators = models.ManyToManyField(settings.AUTH_USER_MODEL, blank=True, related_name="programmes")
    partner_organisations = models.ManyToManyField(
        "accounts.Organisation", blank=True, related_name="partner_programmes"
    )
    resources = models.ManyToManyField("portfolio.ResearchAsset", blank=True, related_name="programmes")
    business_contact = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    # Raised by each update; an edit of an older version is refused instead of overwriting.
    version = models.PositiveIntegerField(default=1)

    class Meta:
        ordering = ["title", "id"]

    def __str__(self) -> str:
        return self.title


class Project(TimeStampedModel):
    """A joint project between investigators and partners, moving through the translational stages."""

    organisation = models.ForeignKey(
        "accounts.Organisation", on_delete=models.CASCADE, related_name="joint_projects"
    )
    title = models.CharField(max_length=255)
    summary = models.TextField(blank=True)
    programme = models.ForeignKey(
        Programme, null=True, blank=True, on_delete=models.SET_NULL, related_name="projects"
    )
    introduction = models.ForeignKey(
        "matching.Introduction", null=True, blank=True, on_delete=models.SET_NULL, related_name="projects"
    )
    stage = models.CharField(
        max_length=30, choices=TranslationalStage.choices, default=TranslationalStage.FUNDAMENTAL_RESEARCH
    )

    class Meta:
        ordering = ["title", "id"]

    def __str__(self) -> str:
        return self.title


class ProjectMember(TimeStampedModel):
    """A person on a project, for one of their organisations, in a project role."""

    project = models.ForeignKey(Project, on_delete=models.CASCADE, related_name="members")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="project_roles")
    organisation = models.ForeignKey("accounts.Organisation", on_delete=models.CASCADE, related_name="+")
    role = models.CharField(max_length=20, choices=ProjectRole.choices, default=ProjectRole.MEMBER)

    class Meta:
        ordering = ["project", "user__full_name"]
        constraints = [models.UniqueConstraint(fields=["project", "user"], name="project_member_unique_user")]

    def __str__(self) -> str:
        return f"{self.user} ({self.get_role_display()}) on {self.project}"


class StageChange(models.Model):
    """A gate passed (or stepped back through), with the evidence that justified it."""

    project = models.ForeignKey(Project, on_delete=models.CASCADE, related_name="stage_changes")
    from_stage = models.CharField(max_length=30, choices=TranslationalStage.choices)
    to_stage = models.CharField(max_length=30, choices=TranslationalStage.choices)
    evidence = models.TextField()
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    decided_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["decided_at", "id"]

    def __str__(self) -> str:
        return f"{self.project}: {self.from_stage} → {self.to_stage}"


class Goal(TimeStampedModel):
    project = models.ForeignKey(Project, on_delete=models.CASCADE, related_name="goals")
    title = models.CharField(max_length=255)
    description = models.TextField(blank=True)

    class Meta:
        ordering = ["id"]

    def __str__(self) -> str:
        return self.title


class KeyResult(models.Model):
    """A measurable result that tells whether a goal is met: current against target, in a unit."""

    goal = models.ForeignKey(Goal, on_delete=models.CASCADE, related_name="key_results")
    name = models.CharField(max_length=255)
    target = models.FloatField()
    current = models.FloatField(default=0.0)
    unit = models.CharField(max_length=40, blank=True)

    class Meta:
        ordering = ["id"]

    def __str__(self) -> str:
        return f"{self.name}: {self.current}/{self.target} {self.unit}".strip()


class Milestone(TimeStampedModel):
    project = models.ForeignKey(Project, on_delete=models.CASCADE, related_name="milestones")
    title = models.CharField(max_length=255)
    description = models.TextField(blank=True)
    is_deliverable = models.BooleanField(default=False)
    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="milestones"
    )
    due_date = models.DateField()
    status = models.CharField(max_length=20, choices=MilestoneStatus.choices, default=MilestoneStatus.PLANNED)
    depends_on = models.ManyToManyField("self", symmetrical=False, blank=True, related_name="dependants")
    # Optimistic concurrency: every change bumps it; a change made against an older version is refused.
    version = models.PositiveIntegerField(default=1)
    # The due date an overdue notice was last sent for, so that the daily command tells once per date.
    overdue_notified_for = models.DateField(null=True, blank=True)

    class Meta:
        ordering = ["due_date", "id"]

    def __str__(self) -> str:
        return self.title


class Responsibility(models.Model):
    """One cell of a project's RACI matrix: who is responsible, accountable, consulted or informed."""

    milestone = models.ForeignKey(Milestone, on_delete=models.CASCADE, related_name="responsibilities")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    letter = models.CharField(max_length=1, choices=RaciLetter.choices)

    class Meta:
        ordering = ["milestone", "letter", "id"]
        constraints = [
            models.UniqueConstraint(fields=["milestone", "user"], name="responsibility_one_letter_per_user"),
            models.UniqueConstraint(
                fields=["milestone"],
                condition=models.Q(letter="A"),
                name="responsibility_one_accountable",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.letter}: {self.user} for {self.milestone}"


class CheckIn(TimeStampedModel):
    project = models.ForeignKey(Project, on_delete=models.CASCADE, related_name="checkins")
    scheduled_at = models.DateTimeField()
    agenda = models.TextField(blank=True)
    notes = models.TextField(blank=True)
    decisions = models.TextField(blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    # Raised by each recording; an edit of an older version is refused instead of overwriting.
    version = models.PositiveIntegerField(default=1)

    class Meta:
        ordering = ["scheduled_at", "id"]

    def __str__(self) -> str:
        return f"{self.project} check-in {self.scheduled_at:%Y-%m-%d}"


class ActionItem(TimeStampedModel):
    checkin = models.ForeignKey(CheckIn, on_delete=models.CASCADE, related_name="action_items")
    description = models.CharField(max_length=500)
    owner = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="action_items")
    due_date = models.DateField(null=True, blank=True)
    done = models.BooleanField(default=False)
    done_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["done", "due_date", "id"]

    def __str__(self) -> str:
        return self.description


class GoalReview(models.Model):
    """Whether a goal was on track when it was reviewed at a check-in."""

    checkin = models.ForeignKey(CheckIn, on_delete=models.CASCADE, related_name="goal_reviews")
    goal = models.ForeignKey(Goal, on_delete=models.CASCADE, related_name="reviews")
    on_track = models.BooleanField()
    comment = models.TextField(blank=True)

    class Meta:
        ordering = ["checkin", "goal"]
        constraints = [
            models.UniqueConstraint(fields=["checkin", "goal"], name="goal_review_once_per_checkin")
        ]

    def __str__(self) -> str:
        return f"{self.goal}: {'on track' if self.on_track else 'off track'}"


class Document(TimeStampedModel):
    project = models.ForeignKey(Project, on_delete=models.CASCADE, related_name="documents")
    title = models.CharField(max_length=255)
    confidentiality = models.CharField(
        max_length=20, choices=Confidentiality.choices, default=Confidentiality.INTERNAL
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        ordering = ["title", "id"]

    def __str__(self) -> str:
        return self.title


def document_upload_to(version: DocumentVersion, filename: str) -> str:
    return f"collaborations/{version.document.project_id}/{version.document_id}/{version.number}/{filename}"


class DocumentVersion(models.Model):
    document = models.ForeignKey(Document, on_delete=models.CASCADE, related_name="versions")
    number = models.PositiveIntegerField()
    file = models.FileField(upload_to=document_upload_to, max_length=500)
    filename = models.CharField(max_length=255)
    content_type = models.CharField(max_length=120, blank=True)
    sha256 = models.CharField(max_length=64)
    size = models.PositiveBigIntegerField()
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    uploaded_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["document", "-number"]
        constraints = [
            models.UniqueConstraint(fields=["document", "number"], name="document_version_unique_number")
        ]

    def __str__(self) -> str:
        return f"{self.document} v{self.number}"


class Agreement(TimeStampedModel):
    title = models.CharField(max_length=255)
    kind = models.CharField(max_length=30, choices=AgreementKind.choices)
    status = models.CharField(max_length=20, choices=AgreementStatus.choices, default=AgreementStatus.DRAFT)
    parties = models.ManyToManyField("accounts.Organisation", related_name="agreements")
    effective_date = models.DateField(null=True, blank=True)
    expiry_date = models.DateField(null=True, blank=True)
    project = models.ForeignKey(
        Project, null=True, blank=True, on_delete=models.SET_NULL, related_name="agreements"
    )
    documents = models.ManyToManyField(Document, blank=True, related_name="agreements")
    executed_at = models.DateTimeField(null=True, blank=True)
    # The expiry date a reminder was last sent for, so that the daily command reminds once per term.
    reminded_for_expiry = models.DateField(null=True, blank=True)

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


class AgreementSignature(models.Model):
    """One party's signature: an alliance manager of that organisation signed for it.

    An agreement is executed when every party has signed; no one party executes it alone.
    """

    agreement = models.ForeignKey(Agreement, on_delete=models.CASCADE, related_name="signatures")
    organisation = models.ForeignKey("accounts.Organisation", on_delete=models.CASCADE, related_name="+")
    signed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    signed_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["signed_at", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["agreement", "organisation"], name="agreement_signature_once_per_party"
            )
        ]

    def __str__(self) -> str:
        return f"{self.agreement} signed for {self.organisation}"


class OutputKind(models.TextChoices):
    PUBLICATION = "publication", "Publication"
    PATENT = "patent", "Patent"
    LICENCE = "licence", "Licence"
    PRODUCT = "product", "Product"
    CLINICAL_TRIAL = "clinical_trial", "Clinical trial"
    DATASET = "dataset", "Dataset"


class ProjectOutput(TimeStampedModel):
    """What a partnership produced: a publication (by PubMed id) or another outcome, entered by hand."""

    project = models.ForeignKey(Project, on_delete=models.CASCADE, related_name="outputs")
    kind = models.CharField(max_length=20, choices=OutputKind.choices)
    pmid = models.CharField("PubMed id", max_length=12, blank=True)
    title = models.CharField(max_length=500, blank=True)
    year = models.PositiveSmallIntegerField(null=True, blank=True)
    journal = models.CharField(max_length=255, blank=True)
    # A patent or application number, a licence reference, a trial registry id (NCT…), a dataset accession.
    reference = models.CharField(max_length=255, blank=True)
    description = models.TextField(blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        ordering = ["kind", "-year", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["project", "pmid"],
                condition=~models.Q(pmid=""),
                name="project_output_pmid_once_per_project",
            ),
            models.CheckConstraint(
                condition=(models.Q(kind="publication") & ~models.Q(pmid=""))
                | (~models.Q(kind="publication") & models.Q(pmid="")),
                name="project_output_pmid_for_publications_only",
            ),
        ]

    def __str__(self) -> str:
        if self.kind == OutputKind.PUBLICATION:
            return self.title or f"PMID {self.pmid}"
        return self.title or self.reference or self.get_kind_display()


class ActivityKind(models.TextChoices):
    STAGE_CHANGE = "stage_change", "Stage changed"
    MEMBER_ADDED = "member_added", "Member added"
    MILESTONE_CREATED = "milestone_created", "Milestone created"
    MILESTONE_UPDATED = "milestone_updated", "Milestone updated"
    MILESTONE_OVERDUE = "milestone_overdue", "Milestone overdue"
    CHECKIN_RECORDED = "checkin_recorded", "Check-in recorded"
    ACTION_ASSIGNED = "action_assigned", "Action item assigned"
    DOCUMENT_UPLOADED = "document_uploaded", "Document uploaded"
    AGREEMENT_TRANSITION = "agreement_transition", "Agreement status changed"
    AGREEMENT_SIGNED = "agreement_signed", "Agreement signed"
    OUTPUT_ADDED = "output_added", "Output recorded"


class Activity(models.Model):
    """Something that happened in a project, shown to everyone who may see the project."""

    project = models.ForeignKey(Project, on_delete=models.CASCADE, related_name="activities")
    kind = models.CharField(max_length=30, choices=ActivityKind.choices)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    summary = models.CharField(max_length=500)
    # An entry about a document or an agreement is shown only to those who may see that document or agreement.
    document = models.ForeignKey(
        Document, null=True, blank=True, on_delete=models.CASCADE, related_name="activities"
    )
    agreement = models.ForeignKey(
        Agreement, null=True, blank=True, on_delete=models.CASCADE, related_name="activities"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        indexes = [models.Index(fields=["project", "-created_at"])]
        verbose_name_plural = "activities"

    def __str__(self) -> str:
        return f"{self.project}: {self.summary}"
