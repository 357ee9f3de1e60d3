"""Every read of collaborations: projects and plans, task lists, agreements, pipeline and calendars."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from django.db.models import Count, F, Prefetch, Q, QuerySet
from django.utils import timezone

from oncobridge.accounts.models import Organisation
from oncobridge.collaborations import access
from oncobridge.collaborations.models import (
    ActionItem,
    Agreement,
    AgreementKind,
    AgreementSignature,
    AgreementStatus,
    CheckIn,
    Goal,
    GoalReview,
    Milestone,
    MilestoneStatus,
    Programme,
    Project,
    ProjectMember,
    StageChange,
)
from oncobridge.core.models import AuditEvent
from oncobridge.core.visibility import Viewer


@dataclass(frozen=True)
class CdaInForce:
    """An executed confidentiality agreement in force today: its parties, and the project it is tied to.

    Without a project it is a master CDA: it covers everything its parties share, on every project.
    """

    parties: frozenset[int]
    project_id: int | None

    def covers(self, project_id: int | None) -> bool:
        """A master CDA covers every project; a project's CDA only that project (and no portfolio)."""
        return self.project_id is None or (project_id is not None and self.project_id == project_id)


def cdas_in_force(*, organisation_ids: Iterable[int]) -> list[CdaInForce]:
    """The executed CDAs in force today to which any of these organisations is a party, in one query."""
    own = set(organisation_ids)
    if not own:
        return []
    today = timezone.localdate()
    in_force = (
        Agreement.objects.filter(
            kind=AgreementKind.CDA,
            status=AgreementStatus.EXECUTED,
            parties__in=own,
        )
        .filter(Q(effective_date__isnull=True) | Q(effective_date__lte=today))
        .filter(Q(expiry_date__isnull=True) | Q(expiry_date__gte=today))
    )
    rows = Agreement.parties.through.objects.filter(agreement__in=in_force).values_list(
        "agreement_id", "organisation_id", "agreement__project_id"
    )
    parties: dict[int, set[int]] = {}
    projects: dict[int, int | None] = {}
    for agreement_id, organisation_id, project_id in rows:
        parties.setdefault(agreement_id, set()).add(organisation_id)
        projects[agreement_id] = project_id
    return [CdaInForce(frozenset(parties[pk]), projects[pk]) for pk in sorted(parties)]


def cda_partner_ids(*, organisation_ids: Iterable[int], project_id: int | None = None) -> frozenset[int]:
    """Organisations bound to any of these by an executed confidentiality agreement in force today.

    Without a project (the portfolio's "partners under CDA"): master CDAs only. With a project (its
    confidential documents): master CDAs and the CDAs tied to that project.
    """
    own = set(organisation_ids)
    partners = {
        party
        for cda in cdas_in_force(organisation_ids=own)
        if cda.covers(project_id)
        for party in cda.parties
    }
    return frozenset(partners - own)


# Projects and their plans


def project_list(*, viewer: Viewer, stage: str | None = None) -> QuerySet[Project]:
    projects = access.visible_projects(viewer).select_related("organisation", "programme")
    if stage:
        projects = projects.filter(stage=stage)
    return projects.order_by("title", "id")


def programme_list(*, viewer: Viewer) -> QuerySet[Programme]:
    return (
        access.visible_programmes(viewer)
        .select_related("organisation", "business_contact")
        .prefetch_related("lead_departments", "investigators", "partner_organisations", "resources")
    )


def project_members(*, project: Project) -> QuerySet[ProjectMember]:
    return project.members.select_related("user", "organisation")


def stage_history(*, project: Project) -> QuerySet[StageChange]:
    return project.stage_changes.select_related("decided_by")


def milestone_list(*, project: Project) -> QuerySet[Milestone]:
    return project.milestones.select_related("owner").prefetch_related("depends_on", "responsibilities")


def milestones_overdue(*, projects: QuerySet[Project], today: dt.date | None = None) -> QuerySet[Milestone]:
    """Milestones past their due date and not done."""
    today = today or timezone.localdate()
    return (
        Milestone.objects.filter(project__in=projects, due_date__lt=today)
        .exclude(status=MilestoneStatus.DONE)
        .select_related("project", "owner")
        .order_by("due_date", "id")
    )


def milestones_upcoming(
    *, projects: QuerySet[Project], days: int = 14, today: dt.date | None = None
) -> QuerySet[Milestone]:
    """Milestones due from today to `days` ahead and not done."""
    today = today or timezone.localdate()
    return (
        Milestone.objects.filter(
            project__in=projects, due_date__gte=today, due_date__lte=today + dt.timedelta(days=days)
        )
        .exclude(status=MilestoneStatus.DONE)
        .select_related("project", "owner")
        .order_by("due_date", "id")
    )


def goal_list(*, project: Project) -> QuerySet[Goal]:
    return project.goals.prefetch_related("key_results")


def checkin_list(*, project: Project) -> QuerySet[CheckIn]:
    return project.checkins.prefetch_related("action_items__owner", "goal_reviews")


def task_list(*, user: Any, include_done: bool = False) -> QuerySet[ActionItem]:
    """A person's action items from every check-in, open ones first by due date."""
    items = ActionItem.objects.filter(owner_id=user.pk).select_related("checkin__project")
    if not include_done:
        items = items.filter(done=False)
    return items.order_by("done", F("due_date").asc(nulls_last=True), "id")


# Agreements


def agreement_list(
    *, viewer: Viewer, kind: str | None = None, status: str | None = None
) -> QuerySet[Agreement]:
    agreements = access.visible_agreements(viewer).prefetch_related(
        "parties", "documents", signatures_prefetch()
    )
    if kind:
        agreements = agreements.filter(kind=kind)
    if status:
        agreements = agreements.filter(status=status)
    return agreements.order_by("-created_at", "-id")


def signatures_prefetch() -> Prefetch[Any]:
    """An agreement's signatures with who signed for which party, in one query for a whole list."""
    return Prefetch(
        "signatures", queryset=AgreementSignature.objects.select_related("organisation", "signed_by")
    )


def agreement_parties_awaiting(*, agreement: Agreement) -> list[Organisation]:
    """The parties whose signature the agreement still awaits, by name; none unless it is in negotiation."""
    if agreement.status != AgreementStatus.IN_NEGOTIATION:
        return []
    return list(
        agreement.parties.exclude(pk__in=agreement.signatures.values("organisation")).order_by("name")
    )


def agreements_expiring(*, within_days: int, today: dt.date | None = None) -> QuerySet[Agreement]:
    """Executed agreements whose expiry date falls between today and `within_days` from now."""
    today = today or timezone.localdate()
    return (
        Agreement.objects.filter(
            status=AgreementStatus.EXECUTED,
            expiry_date__gte=today,
            expiry_date__lte=today + dt.timedelta(days=within_days),
        )
        .prefetch_related("parties", "documents", signatures_prefetch())
        .order_by("expiry_date", "id")
    )


def agreements_lapsed(*, today: dt.date | None = None) -> QuerySet[Agreement]:
    """Agreements still marked executed although their expiry date has passed (it is their last day)."""
    today = today or timezone.localdate()
    return Agreement.objects.filter(status=AgreementStatus.EXECUTED, expiry_date__lt=today).order_by(
        "expiry_date", "id"
    )


@dataclass(frozen=True)
class PipelineRow:
    kind: str
    by_status: dict[str, int]
    executed: int
    mean_days_to_execution: float | None


def agreement_pipeline(*, agreements: QuerySet[Agreement]) -> list[PipelineRow]:
    """Per kind: how many agreements stand at each status, and how long execution took on average."""
    rows: list[PipelineRow] = []
    for kind in AgreementKind.values:
        of_kind = agreements.filter(kind=kind)
        counts = dict(of_kind.values_list("status").annotate(n=Count("pk", distinct=True)).order_by())
        by_status = {status: counts.get(status, 0) for status in AgreementStatus.values}
        executed = of_kind.filter(executed_at__isnull=False).values_list("created_at", "executed_at")
        durations = [
            (executed_at - created_at).total_seconds() / 86_400
            for created_at, executed_at in executed.distinct()
            if executed_at is not None
        ]
        mean = round(sum(durations) / len(durations), 1) if durations else None
        rows.append(PipelineRow(kind, by_status, len(durations), mean))
    return rows


# Calendars


def calendar_projects(*, user: Any) -> QuerySet[Project]:
    """The projects a person's own calendar follows: those they are a member of."""
    return Project.objects.filter(members__user_id=user.pk).distinct()


def calendar_milestones(*, projects: QuerySet[Project]) -> QuerySet[Milestone]:
    return Milestone.objects.filter(project__in=projects).select_related("project").order_by("due_date", "id")


def calendar_checkins(*, projects: QuerySet[Project]) -> QuerySet[CheckIn]:
    return (
        CheckIn.objects.filter(project__in=projects).select_related("project").order_by("scheduled_at", "id")
    )


# Pages of the web UI


def project_overview(*, viewer: Viewer, stage: str | None = None, mine: bool = False) -> QuerySet[Project]:
    """The project list page: visible projects with their member, milestone and overdue counts."""
    today = timezone.localdate()
    projects = project_list(viewer=viewer, stage=stage)
    if mine:
        memberships = ProjectMember.objects.filter(user_id=viewer.user_id or 0)
        projects = projects.filter(pk__in=memberships.values("project"))
    return projects.annotate(
        member_count=Count("members", distinct=True),
        milestone_count=Count("milestones", distinct=True),
        overdue_count=Count(
            "milestones",
            filter=Q(milestones__due_date__lt=today) & ~Q(milestones__status=MilestoneStatus.DONE),
            distinct=True,
        ),
    )


def programme_projects(*, viewer: Viewer, programme: Programme) -> QuerySet[Project]:
    return project_list(viewer=viewer).filter(programme=programme)


def agreement_history(*, agreement: Agreement) -> QuerySet[AuditEvent]:
    """An agreement's drafting and every status change, oldest first, from the audit trail."""
    return AuditEvent.objects.filter(
        target_type=Agreement._meta.label_lower,
        target_id=str(agreement.pk),
        action__in=["agreement.create", "agreement.transition"],
    ).order_by("occurred_at", "id")


def goal_latest_reviews(*, project: Project) -> dict[int, GoalReview]:
    """Each goal's most recent review (by check-in date), keyed by goal id."""
    latest: dict[int, GoalReview] = {}
    for review in (
        GoalReview.objects.filter(goal__project=project)
        .select_related("checkin")
        .order_by("checkin__scheduled_at", "checkin_id")
    ):
        latest[review.goal_id] = review
    return latest
