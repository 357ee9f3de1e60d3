"""Reads for the alliance office: the dashboard, the agreement pipeline, outputs and activity feeds.

Selectors like those in selectors.py, kept apart because they summarise many projects at once. Callers pass
a viewer that access.py has already admitted; every queryset here is narrowed through access.py as well.
"""

from __future__ import annotations

import datetime as dt
import statistics
from collections import Counter, defaultdict
from dataclasses import dataclass, field

from django.db.models import Prefetch, Q, QuerySet
from django.utils import timezone

from oncobridge.accounts.models import Organisation
from oncobridge.collaborations import access, selectors
from oncobridge.collaborations.models import (
    Activity,
    Agreement,
    AgreementKind,
    AgreementStatus,
    Milestone,
    OutputKind,
    Programme,
    Project,
    ProjectMember,
    ProjectOutput,
    TranslationalStage,
)
from oncobridge.core.visibility import Viewer

AT_RISK_DAYS = 14
EXPIRING_DAYS = 90
PENDING_STATUSES = (AgreementStatus.DRAFT, AgreementStatus.IN_NEGOTIATION)
FEED_LIMIT = 50


# Activity


def activity_feed(
    *, viewer: Viewer, project: Project | None = None, mine: bool = False, limit: int = FEED_LIMIT
) -> list[Activity]:
    """The newest entries the viewer may see: of one project, of their own projects (`mine`), or all."""
    scope: QuerySet[Project] | None = None
    if project is not None:
        scope = Project.objects.filter(pk=project.pk)
    elif mine:
        scope = Project.objects.filter(members__user_id=viewer.user_id or 0)
    entries = access.visible_activities(viewer, projects=scope).select_related("project", "actor")
    return list(entries.order_by("-created_at", "-id")[:limit])


# Outputs


def output_list(
    *, project: Project, kind: str | None = None, exclude_kind: str | None = None
) -> QuerySet[ProjectOutput]:
    outputs = project.outputs.select_related("created_by")
    if kind:
        outputs = outputs.filter(kind=kind)
    if exclude_kind:
        outputs = outputs.exclude(kind=exclude_kind)
    return outputs.order_by("kind", "-year", "id")


@dataclass(frozen=True)
class OutputGroup:
    """The outputs of one programme or one partner organisation, with a count per kind."""

    label: str
    outputs: list[ProjectOutput]
    by_kind: dict[str, int]


def _group(label: str, outputs: list[ProjectOutput]) -> OutputGroup:
    counts = Counter(output.kind for output in outputs)
    return OutputGroup(
        label, outputs, {kind.label: counts[kind.value] for kind in OutputKind if counts[kind.value]}
    )


# Dashboard


@dataclass(frozen=True)
class StageCount:
    stage: str
    label: str
    projects: int
    partnered: int  # of which with members from at least one other organisation


@dataclass(frozen=True)
class PendingAgreement:
    agreement: Agreement
    days_open: int


@dataclass(frozen=True)
class PartnerSummary:
    organisation: Organisation
    projects: list[Project]
    stages: dict[str, int]
    agreements: dict[str, int]  # status label -> count
    outputs: int


@dataclass(frozen=True)
class Dashboard:
    stages: list[StageCount]
    overdue: list[Milestone]
    due_soon: list[Milestone]
    pending: list[PendingAgreement]
    partners: list[PartnerSummary]
    outputs_by_programme: list[OutputGroup]
    outputs_by_partner: list[OutputGroup]
    today: dt.date = field(default_factory=timezone.localdate)

    @property
    def active_partnerships(self) -> int:
        return sum(row.partnered for row in self.stages)

    @property
    def at_risk(self) -> int:
        return len(self.overdue) + len(self.due_soon)


def _partner_organisation_ids(projects: list[Project]) -> dict[int, set[int]]:
    """Per project, the organisations its members come from other than the owner."""
    partners: dict[int, set[int]] = defaultdict(set)
    for project in projects:
        for member in project.members.all():
            if member.organisation_id != project.organisation_id:
                partners[project.pk].add(member.organisation_id)
    return partners


def dashboard(*, viewer: Viewer, today: dt.date | None = None) -> Dashboard:
    today = today or timezone.localdate()
    scope = access.office_projects(viewer)
    projects = list(
        scope.select_related("programme", "organisation")
        .prefetch_related(
            Prefetch("members", queryset=ProjectMember.objects.only("project_id", "organisation_id")),
            Prefetch("outputs", queryset=ProjectOutput.objects.order_by("kind", "-year", "id")),
        )
        .order_by("title", "id")
    )
    partners_of = _partner_organisation_ids(projects)

    stage_projects = Counter(project.stage for project in projects)
    stage_partnered = Counter(project.stage for project in projects if partners_of[project.pk])
    stages = [
        StageCount(stage.value, stage.label, stage_projects[stage.value], stage_partnered[stage.value])
        for stage in TranslationalStage
    ]

    overdue = list(selectors.milestones_overdue(projects=scope, today=today))
    due_soon = list(selectors.milestones_upcoming(projects=scope, days=AT_RISK_DAYS, today=today))

    agreements = list(
        access.visible_agreements(viewer).prefetch_related("parties").select_related("project").order_by("id")
    )
    pending = sorted(
        (
            PendingAgreement(agreement, (today - timezone.localdate(agreement.created_at)).days)
            for agreement in agreements
            if agreement.status in PENDING_STATUSES
        ),
        key=lambda row: (-row.days_open, row.agreement.pk),
    )

    own = set(viewer.organisation_ids)
    partner_projects: dict[int, list[Project]] = defaultdict(list)
    for project in projects:
        for organisation_id in sorted(partners_of[project.pk]):
            partner_projects[organisation_id].append(project)
    partner_agreements: dict[int, Counter[str]] = defaultdict(Counter)
    for agreement in agreements:
        for party in agreement.parties.all():
            if party.pk not in own:
                partner_agreements[party.pk][agreement.get_status_display()] += 1
    organisations = Organisation.objects.in_bulk(set(partner_projects) | set(partner_agreements))
    partners = []
    outputs_by_partner = []
    for organisation in sorted(organisations.values(), key=lambda o: o.name.lower()):
        their_projects = partner_projects.get(organisation.pk, [])
        outputs = [output for project in their_projects for output in project.outputs.all()]
        partners.append(
            PartnerSummary(
                organisation=organisation,
                projects=their_projects,
                stages=dict(Counter(project.get_stage_display() for project in their_projects)),
                agreements=dict(partner_agreements.get(organisation.pk, Counter())),
                outputs=len(outputs),
            )
        )
        if outputs:
            outputs_by_partner.append(_group(organisation.name, outputs))

    by_programme: dict[Programme | None, list[ProjectOutput]] = defaultdict(list)
    for project in projects:
        by_programme[project.programme].extend(project.outputs.all())
    outputs_by_programme = [
        _group(programme.title if programme else "Projects outside a programme", outputs)
        for programme, outputs in sorted(
            by_programme.items(), key=lambda item: (item[0] is None, str(item[0] or "").lower())
        )
        if outputs
    ]
    return Dashboard(
        stages=stages,
        overdue=overdue,
        due_soon=due_soon,
        pending=pending,
        partners=partners,
        outputs_by_programme=outputs_by_programme,
        outputs_by_partner=outputs_by_partner,
        today=today,
    )


# Agreement pipeline


@dataclass(frozen=True)
class PipelineColumn:
    status: str
    label: str
    agreements: list[Agreement]


@dataclass(frozen=True)
class ExecutionTime:
    kind: str
    label: str
    executed: int
    median_days: float | None
    mean_days: float | None


@dataclass(frozen=True)
class Pipeline:
    columns: list[PipelineColumn]
    execution: list[ExecutionTime]
    expiring: list[Agreement]
    today: dt.date

    def days_to_expiry(self, agreement: Agreement) -> int | None:
        return (agreement.expiry_date - self.today).days if agreement.expiry_date else None


def pipeline(
    *,
    viewer: Viewer,
    kind: str | None = None,
    party: Organisation | None = None,
    today: dt.date | None = None,
) -> Pipeline:
    """Agreements by status, days from drafting to execution per kind, those expiring within 90 days."""
    today = today or timezone.localdate()
    agreements = access.visible_agreements(viewer)
    if kind:
        agreements = agreements.filter(kind=kind)
    if party is not None:
        agreements = agreements.filter(Q(pk__in=Agreement.objects.filter(parties=party).values("pk")))
    rows = list(
        agreements.prefetch_related("parties", "documents", selectors.signatures_prefetch())
        .select_related("project")
        .order_by("-created_at", "-id")
    )
    columns = [
        PipelineColumn(status.value, status.label, [a for a in rows if a.status == status.value])
        for status in AgreementStatus
    ]
    execution = []
    for agreement_kind in AgreementKind:
        days = [
            (a.executed_at - a.created_at).total_seconds() / 86_400
            for a in rows
            if a.kind == agreement_kind.value and a.executed_at is not None
        ]
        execution.append(
            ExecutionTime(
                agreement_kind.value,
                agreement_kind.label,
                len(days),
                round(statistics.median(days), 1) if days else None,
                round(statistics.fmean(days), 1) if days else None,
            )
        )
    horizon = today + dt.timedelta(days=EXPIRING_DAYS)
    expiring = sorted(
        (
            a
            for a in rows
            if a.status == AgreementStatus.EXECUTED
            and a.expiry_date is not None
            and today <= a.expiry_date <= horizon
        ),
        key=lambda a: (a.expiry_date, a.pk),
    )
    return Pipeline(columns, execution, expiring, today)
