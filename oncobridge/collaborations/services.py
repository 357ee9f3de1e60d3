"""Every write of collaborations: atomic, validated, audited where it matters, notifying whom it concerns."""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import math
import tempfile
import zipfile
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from typing import IO, Any, BinaryIO

from django.core.files.base import File
from django.db import transaction
from django.db.models import F
from django.urls import reverse
from django.utils import timezone

from oncobridge.accounts.access import can_manage_organisation, viewer_for
from oncobridge.accounts.models import Department, Membership, Organisation, Role, User
from oncobridge.collaborations import access, exports, selectors
from oncobridge.collaborations.models import (
    ActionItem,
    Activity,
    ActivityKind,
    Agreement,
    AgreementKind,
    AgreementSignature,
    AgreementStatus,
    CheckIn,
    Confidentiality,
    Document,
    DocumentVersion,
    Goal,
    GoalReview,
    KeyResult,
    Milestone,
    MilestoneStatus,
    OutputKind,
    Programme,
    Project,
    ProjectMember,
    ProjectOutput,
    ProjectRole,
    RaciLetter,
    Responsibility,
    StageChange,
    TranslationalStage,
)
from oncobridge.core.audit import audit_record
from oncobridge.core.errors import Conflict, PermissionDenied, ServiceError
from oncobridge.core.visibility import Viewer
from oncobridge.matching.models import Introduction
from oncobridge.matching.services import notify
from oncobridge.portfolio.models import ResearchAsset

MAX_UPLOAD_BYTES = 100 * 1024 * 1024

# Which status an agreement may move to from each status; expired and terminated are final. Executed is
# missing on purpose: an agreement in negotiation becomes executed only when every party has signed it.
AGREEMENT_TRANSITIONS: dict[str, frozenset[str]] = {
    AgreementStatus.DRAFT: frozenset({AgreementStatus.IN_NEGOTIATION, AgreementStatus.TERMINATED}),
    AgreementStatus.IN_NEGOTIATION: frozenset({AgreementStatus.DRAFT, AgreementStatus.TERMINATED}),
    AgreementStatus.EXECUTED: frozenset({AgreementStatus.EXPIRED, AgreementStatus.TERMINATED}),
    AgreementStatus.EXPIRED: frozenset(),
    AgreementStatus.TERMINATED: frozenset(),
}


def _choice(value: str, choices: Any, field: str) -> str:
    if value not in choices.values:
        raise ServiceError(
            f"'{value}' is not a valid {field}; use one of {', '.join(choices.values)}.", field=field
        )
    return value


def _text(value: str, field: str, *, required: bool = False) -> str:
    value = value.strip()
    if required and not value:
        raise ServiceError(f"The {field} is required.", field=field)
    return value


def _finite(value: float, field: str) -> float:
    if not math.isfinite(value):
        raise ServiceError(f"The {field} must be a finite number.", field=field)
    return value


def _require_project_member(project: Project, user: User, field: str) -> None:
    if not project.members.filter(user=user).exists():
        raise ServiceError(f"{user.display_name} is not a member of this project.", field=field)


# Activity and notifications


def project_activity_url(project: Project) -> str:
    return reverse("collaborations:project_activity", args=[project.pk])


def _project_people(project: Project, *, roles: Iterable[str] | None = None) -> list[User]:
    members = project.members.select_related("user")
    if roles is not None:
        members = members.filter(role__in=list(roles))
    return [member.user for member in members]


def _project_managers(project: Project) -> list[User]:
    return list(
        User.objects.filter(
            memberships__organisation_id=project.organisation_id,
            memberships__role=Role.ALLIANCE_MANAGER,
            is_active=True,
        ).distinct()
    )


def activity_record(
    *,
    actor: User | None,
    project: Project,
    kind: str,
    summary: str,
    notify_people: Iterable[User] = (),
    document: Document | None = None,
    agreement: Agreement | None = None,
) -> Activity:
    """An entry in the project's feed, and a notification to the people it concerns (never the actor).

    The e-mail part of the notification goes out when the surrounding transaction commits.
    """
    entry = Activity.objects.create(
        project=project,
        kind=_choice(kind, ActivityKind, "kind"),
        actor=actor,
        summary=summary[:500],
        document=document,
        agreement=agreement,
    )
    recipients = [person for person in notify_people if actor is None or person.pk != actor.pk]
    if recipients:
        notify(recipients=recipients, verb=summary, target_url=project_activity_url(project))
    return entry


# Programmes


def _lead_departments(departments: Iterable[Department], organisation_id: int) -> list[Department]:
    chosen = list(departments)
    if any(department.organisation_id != organisation_id for department in chosen):
        raise ServiceError(
            "Lead departments belong to the programme's organisation.", field="lead_departments"
        )
    return chosen


def _programme_relations_set(
    programme: Programme,
    departments: list[Department],
    investigators: Iterable[User],
    partner_organisations: Iterable[Organisation],
    resources: Iterable[ResearchAsset],
) -> None:
    """A programme's people and resources; its own organisation is never also its partner."""
    programme.lead_departments.set(departments)
    programme.investigators.set(list(investigators))
    programme.partner_organisations.set(
        [o for o in partner_organisations if o.pk != programme.organisation_id]
    )
    programme.resources.set(list(resources))


@transaction.atomic
def programme_create(
    *,
    viewer: Viewer,
    actor: User,
    organisation: Organisation,
    title: str,
    problem_statement: str,
    lead_departments: Iterable[Department] = (),
    investigators: Iterable[User] = (),
    partner_organisations: Iterable[Organisation] = (),
    resources: Iterable[ResearchAsset] = (),
    business_contact: User | None = None,
) -> Programme:
    if not can_manage_organisation(viewer, organisation.pk):
        raise PermissionDenied(f"Only alliance managers of {organisation.name} start its programmes.")
    departments = _lead_departments(lead_departments, organisation.pk)
    programme = Programme.objects.create(
        organisation=organisation,
        title=_text(title, "title", required=True),
        problem_statement=_text(problem_statement, "problem statement", required=True),
        business_contact=business_contact,
    )
    _programme_relations_set(programme, departments, investigators, partner_organisations, resources)
    audit_record(actor=actor, action="programme.create", target=programme)
    return programme


# Projects


@transaction.atomic
def project_create(
    *,
    viewer: Viewer,
    actor: User,
    organisation: Organisation,
    title: str,
    summary: str = "",
    programme: Programme | None = None,
    introduction: Introduction | None = None,
    stage: str = TranslationalStage.FUNDAMENTAL_RESEARCH,
) -> Project:
    """Start a project; its creator joins it as a lead, for the owning organisation."""
    if not access.can_create_project(viewer, organisation.pk):
        raise PermissionDenied(f"You may not start projects for {organisation.name}.")
    if programme is not None and programme.organisation_id != organisation.pk:
        raise ServiceError("A project belongs to a programme of its own organisation.", field="programme")
    project = Project.objects.create(
        organisation=organisation,
        title=_text(title, "title", required=True),
        summary=summary.strip(),
        programme=programme,
        introduction=introduction,
        stage=_choice(stage, TranslationalStage, "stage"),
    )
    ProjectMember.objects.create(
        project=project, user=actor, organisation=organisation, role=ProjectRole.LEAD
    )
    audit_record(actor=actor, action="project.create", target=project)
    return project


@transaction.atomic
def project_member_add(
    *, actor: User, project: Project, user: User, organisation: Organisation, role: str = ProjectRole.MEMBER
) -> ProjectMember:
    if not Membership.objects.filter(user=user, organisation=organisation).exists():
        raise ServiceError(
            f"{user.display_name} is not a member of {organisation.name}.", field="organisation"
        )
    member, created = ProjectMember.objects.update_or_create(
        project=project,
        user=user,
        defaults={"organisation": organisation, "role": _choice(role, ProjectRole, "role")},
    )
    audit_record(actor=actor, action="project.member_set", target=project, user=user.email, role=role)
    if created:
        activity_record(
            actor=actor,
            project=project,
            kind=ActivityKind.MEMBER_ADDED,
            summary=f"{user.display_name} joined “{project.title}” for {organisation.name}.",
        )
        notify(
            recipients=[user],
            verb=f"You were added to the project “{project.title}”.",
            target_url=project_activity_url(project),
        )
    return member


@transaction.atomic
def project_stage_change(*, actor: User, project: Project, to_stage: str, evidence: str) -> StageChange:
    """Move a project to another translational stage, recording the evidence for the gate."""
    to_stage = _choice(to_stage, TranslationalStage, "stage")
    evidence = _text(evidence, "evidence", required=True)
    locked = Project.objects.select_for_update().get(pk=project.pk)
    if locked.stage == to_stage:
        raise ServiceError(f"The project is already at {locked.get_stage_display()}.", field="stage")
    change = StageChange.objects.create(
        project=locked, from_stage=locked.stage, to_stage=to_stage, evidence=evidence, decided_by=actor
    )
    locked.stage = to_stage
    locked.save(update_fields=["stage", "updated_at"])
    project.stage = to_stage
    audit_record(
        actor=actor, action="project.stage_change", target=project, from_stage=change.from_stage, to=to_stage
    )
    activity_record(
        actor=actor,
        project=project,
        kind=ActivityKind.STAGE_CHANGE,
        summary=(
            f"“{project.title}” moved from {TranslationalStage(change.from_stage).label.lower()} to "
            f"{TranslationalStage(to_stage).label.lower()}."
        ),
        notify_people=[*_project_people(project), *_project_managers(project)],
    )
    return change


# Goals and key results


@dataclass(frozen=True)
class KeyResultSpec:
    name: str
    target: float
    current: float = 0.0
    unit: str = ""


@transaction.atomic
def goal_create(
    *,
    actor: User,
    project: Project,
    title: str,
    description: str = "",
    key_results: Sequence[KeyResultSpec] = (),
) -> Goal:
    goal = Goal.objects.create(
        project=project, title=_text(title, "title", required=True), description=description.strip()
    )
    KeyResult.objects.bulk_create(
        [
            KeyResult(
                goal=goal,
                name=_text(spec.name, "key result", required=True),
                target=_finite(spec.target, "target"),
                current=_finite(spec.current, "current"),
                unit=spec.unit.strip(),
            )
            for spec in key_results
        ]
    )
    audit_record(actor=actor, action="goal.create", target=goal)
    return goal


@transaction.atomic
def key_result_update(*, actor: User, key_result: KeyResult, current: float) -> KeyResult:
    """Record progress on a key result; the audit trail keeps the value it replaced."""
    previous = key_result.current
    key_result.current = _finite(current, "current")
    key_result.save(update_fields=["current"])
    audit_record(
        actor=actor,
        action="key_result.update",
        target=key_result,
        goal=key_result.goal_id,
        previous=previous,
        current=key_result.current,
        target_value=key_result.target,
    )
    return key_result


# Milestones


def _check_dependencies(
    milestone: Milestone | None, project: Project, depends_on: Sequence[Milestone]
) -> None:
    """Dependencies stay within the project and never loop back to the milestone itself."""
    if any(other.project_id != project.pk for other in depends_on):
        raise ServiceError("A milestone depends only on milestones of its own project.", field="depends_on")
    if milestone is None:
        return
    edges: dict[int, set[int]] = {}
    for source, target in Milestone.depends_on.through.objects.filter(
        from_milestone__project=project
    ).values_list("from_milestone_id", "to_milestone_id"):
        edges.setdefault(source, set()).add(target)
    edges[milestone.pk] = {other.pk for other in depends_on}
    seen: set[int] = set()
    stack = list(edges[milestone.pk])
    while stack:
        current = stack.pop()
        if current == milestone.pk:
            raise ServiceError("These dependencies would make a cycle.", field="depends_on")
        if current not in seen:
            seen.add(current)
            stack.extend(edges.get(current, ()))


@transaction.atomic
def milestone_create(
    *,
    actor: User,
    project: Project,
    title: str,
    due_date: dt.date,
    owner: User | None = None,
    description: str = "",
    is_deliverable: bool = False,
    status: str = MilestoneStatus.PLANNED,
    depends_on: Sequence[Milestone] = (),
) -> Milestone:
    if owner is not None:
        _require_project_member(project, owner, "owner")
    _check_dependencies(None, project, depends_on)
    milestone = Milestone.objects.create(
        project=project,
        title=_text(title, "title", required=True),
        due_date=due_date,
        owner=owner,
        description=description.strip(),
        is_deliverable=is_deliverable,
        status=_choice(status, MilestoneStatus, "status"),
    )
    milestone.depends_on.set(list(depends_on))
    audit_record(actor=actor, action="milestone.create", target=milestone)
    activity_record(
        actor=actor,
        project=project,
        kind=ActivityKind.MILESTONE_CREATED,
        summary=f"Milestone “{milestone.title}” added to “{project.title}”, due {due_date:%Y-%m-%d}.",
    )
    if owner is not None and owner.pk != actor.pk:
        notify(
            recipients=[owner],
            verb=f"You own the milestone “{milestone.title}” due {due_date:%Y-%m-%d}.",
            target_url=project_activity_url(project),
        )
    return milestone


MILESTONE_FIELDS = ("title", "description", "is_deliverable", "owner", "due_date", "status")


@transaction.atomic
def milestone_update(
    *,
    actor: User,
    milestone: Milestone,
    expected_version: int,
    depends_on: Sequence[Milestone] | None = None,
    **fields: Any,
) -> Milestone:
    """Change a milestone only if nobody changed it since `expected_version`; otherwise a 409 conflict."""
    unknown = set(fields) - set(MILESTONE_FIELDS)
    if unknown:
        raise ServiceError(f"Unknown milestone fields: {', '.join(sorted(unknown))}.")
    for name in sorted(fields):
        if fields[name] is None and name != "owner":
            raise ServiceError(f"The {name.replace('_', ' ')} cannot be emptied.", field=name)
    project = milestone.project
    if "title" in fields:
        fields["title"] = _text(fields["title"], "title", required=True)
    if "status" in fields:
        _choice(fields["status"], MilestoneStatus, "status")
    if fields.get("owner") is not None:
        _require_project_member(project, fields["owner"], "owner")
    if depends_on is not None:
        _check_dependencies(milestone, project, depends_on)
    # The version check and the write are one statement, so two concurrent edits cannot both pass it.
    updated = Milestone.objects.filter(pk=milestone.pk, version=expected_version).update(
        **fields, version=F("version") + 1, updated_at=timezone.now()
    )
    if not updated:
        current = Milestone.objects.filter(pk=milestone.pk).values_list("version", flat=True).first()
        raise Conflict(
            f"The milestone was changed by someone else (now version {current}, you edited version "
            f"{expected_version}). Reload it and apply your change again.",
            field="version",
        )
    if depends_on is not None:
        milestone.depends_on.set(list(depends_on))
    previous_owner_id = milestone.owner_id
    milestone.refresh_from_db()
    audit_record(
        actor=actor,
        action="milestone.update",
        target=milestone,
        changed=sorted(fields),
        version=milestone.version,
    )
    changed = [name.replace("_", " ") for name in sorted(fields)]
    if depends_on is not None:
        changed.append("dependencies")
    if "status" in fields:
        changed[changed.index("status")] = f"status: {milestone.get_status_display().lower()}"
    if "due_date" in fields:
        changed[changed.index("due date")] = f"due {milestone.due_date:%Y-%m-%d}"
    concerned = [milestone.owner] if milestone.owner is not None else []
    if previous_owner_id not in (None, milestone.owner_id):
        concerned += list(User.objects.filter(pk=previous_owner_id))
    activity_record(
        actor=actor,
        project=project,
        kind=ActivityKind.MILESTONE_UPDATED,
        summary=f"Milestone “{milestone.title}” in “{project.title}” updated ({', '.join(changed)}).",
        notify_people=concerned,
    )
    return milestone


@transaction.atomic
def milestone_raci_set(
    *, actor: User, milestone: Milestone, assignments: Sequence[tuple[User, str]]
) -> list[Responsibility]:
    """Replace a milestone's RACI row: each person one letter, exactly one of them accountable."""
    letters = [_choice(letter, RaciLetter, "letter") for _, letter in assignments]
    users = [user for user, _ in assignments]
    if len({user.pk for user in users}) != len(users):
        raise ServiceError("Each person takes one letter per milestone.", field="assignments")
    if letters.count(RaciLetter.ACCOUNTABLE) != 1:
        raise ServiceError("Exactly one person is accountable (A) for a milestone.", field="assignments")
    for user in users:
        _require_project_member(milestone.project, user, "assignments")
    milestone.responsibilities.all().delete()
    rows = Responsibility.objects.bulk_create(
        [Responsibility(milestone=milestone, user=user, letter=letter) for user, letter in assignments]
    )
    audit_record(
        actor=actor,
        action="milestone.raci_set",
        target=milestone,
        raci={user.email: letter for user, letter in assignments},
    )
    return rows


# Check-ins


@dataclass(frozen=True)
class ActionItemSpec:
    description: str
    owner: User
    due_date: dt.date | None = None


@dataclass(frozen=True)
class GoalReviewSpec:
    goal: Goal
    on_track: bool
    comment: str = ""


@transaction.atomic
def checkin_create(*, actor: User, project: Project, scheduled_at: dt.datetime, agenda: str = "") -> CheckIn:
    checkin = CheckIn.objects.create(
        project=project, scheduled_at=scheduled_at, agenda=agenda.strip(), created_by=actor
    )
    audit_record(actor=actor, action="checkin.create", target=checkin)
    return checkin


@transaction.atomic
def checkin_record(
    *,
    actor: User,
    checkin: CheckIn,
    expected_version: int,
    notes: str = "",
    decisions: str = "",
    action_items: Sequence[ActionItemSpec] = (),
    goal_reviews: Sequence[GoalReviewSpec] = (),
) -> CheckIn:
    """Record what a check-in said and decided; its action items go to their owners' task lists.

    Only if nobody recorded it since `expected_version`; otherwise a 409 conflict and nothing is written.
    """
    project = checkin.project
    for spec in action_items:
        _require_project_member(project, spec.owner, "action_items")
    if any(review.goal.project_id != project.pk for review in goal_reviews):
        raise ServiceError("Only this project's goals are reviewed at its check-ins.", field="goal_reviews")
    # The version check and the write are one statement, so two concurrent records cannot both pass it.
    updated = CheckIn.objects.filter(pk=checkin.pk, version=expected_version).update(
        notes=notes.strip(),
        decisions=decisions.strip(),
        version=F("version") + 1,
        updated_at=timezone.now(),
    )
    if not updated:
        current = CheckIn.objects.filter(pk=checkin.pk).values_list("version", flat=True).first()
        raise Conflict(
            f"The check-in was recorded by someone else (now version {current}, you edited version "
            f"{expected_version}). Reload it and apply your change again.",
            field="version",
        )
    checkin.refresh_from_db()
    items = ActionItem.objects.bulk_create(
        [
            ActionItem(
                checkin=checkin,
                description=_text(spec.description, "action item", required=True),
                owner=spec.owner,
                due_date=spec.due_date,
            )
            for spec in action_items
        ]
    )
    for review in goal_reviews:
        GoalReview.objects.update_or_create(
            checkin=checkin,
            goal=review.goal,
            defaults={"on_track": review.on_track, "comment": review.comment.strip()},
        )
    audit_record(
        actor=actor,
        action="checkin.record",
        target=checkin,
        decisions=checkin.decisions,
        goal_reviews=[
            {"goal": review.goal.pk, "on_track": review.on_track, "comment": review.comment.strip()}
            for review in goal_reviews
        ],
        action_items=[item.pk for item in items],
    )
    owners = {item.owner_id for item in items}
    activity_record(
        actor=actor,
        project=project,
        kind=ActivityKind.CHECKIN_RECORDED,
        summary=(
            f"Check-in of {checkin.scheduled_at:%Y-%m-%d} recorded for “{project.title}” "
            f"({len(items)} action item{'s' if len(items) != 1 else ''})."
        ),
        notify_people=[person for person in _project_people(project) if person.pk not in owners],
    )
    for item in items:
        due = f", due {item.due_date:%Y-%m-%d}" if item.due_date else ""
        activity_record(
            actor=actor,
            project=project,
            kind=ActivityKind.ACTION_ASSIGNED,
            summary=f"New action for “{project.title}”: {item.description} ({item.owner.display_name}{due})",
            notify_people=[item.owner],
        )
    return checkin


@transaction.atomic
def action_item_set_done(*, actor: User, item: ActionItem, done: bool) -> ActionItem:
    """Mark an action item done or open again; marking it as it already is changes and records nothing."""
    if item.done == done:
        return item
    item.done = done
    item.done_at = timezone.now() if done else None
    item.save(update_fields=["done", "done_at", "updated_at"])
    audit_record(
        actor=actor,
        action="action_item.done" if done else "action_item.reopen",
        target=item,
        checkin=item.checkin_id,
        owner=item.owner_id,
    )
    return item


# Documents


def _version_store(*, actor: User, document: Document, upload: File[Any], number: int) -> DocumentVersion:
    size = upload.size or 0
    if size > MAX_UPLOAD_BYTES:
        raise ServiceError(f"Documents are at most {MAX_UPLOAD_BYTES // (1024 * 1024)} MiB.", field="file")
    digest = hashlib.sha256()
    for chunk in upload.chunks():
        digest.update(chunk)
    upload.seek(0)
    filename = (upload.name or "document").rsplit("/", 1)[-1][:255]
    version = DocumentVersion(
        document=document,
        number=number,
        filename=filename,
        content_type=str(getattr(upload, "content_type", "") or "")[:120],
        sha256=digest.hexdigest(),
        size=size,
        uploaded_by=actor,
    )
    version.file.save(filename, upload, save=False)
    version.save()
    return version


@transaction.atomic
def document_upload(
    *,
    actor: User,
    project: Project,
    title: str,
    upload: File[Any],
    confidentiality: str = Confidentiality.INTERNAL,
) -> Document:
    document = Document.objects.create(
        project=project,
        title=_text(title, "title", required=True),
        confidentiality=_choice(confidentiality, Confidentiality, "confidentiality"),
        created_by=actor,
    )
    version = _version_store(actor=actor, document=document, upload=upload, number=1)
    audit_record(actor=actor, action="document.upload", target=document, sha256=version.sha256)
    _document_activity(actor=actor, document=document, summary=f"“{document.title}” uploaded")
    return document


def _document_activity(*, actor: User, document: Document, summary: str) -> None:
    """Members hear of documents they may read: partners without a CDA never learn of a confidential one."""
    project = document.project
    readers = [
        person
        for person in _project_people(project)
        if access.can_read_document(viewer_for(person), document)
    ]
    activity_record(
        actor=actor,
        project=project,
        kind=ActivityKind.DOCUMENT_UPLOADED,
        summary=f"{summary} to “{project.title}”.",
        notify_people=readers,
        document=document,
    )


@transaction.atomic
def document_version_add(*, actor: User, document: Document, upload: File[Any]) -> DocumentVersion:
    locked = Document.objects.select_for_update().get(pk=document.pk)
    latest = locked.versions.order_by("-number").values_list("number", flat=True).first() or 0
    version = _version_store(actor=actor, document=locked, upload=upload, number=latest + 1)
    audit_record(actor=actor, action="document.version_add", target=document, number=version.number)
    _document_activity(
        actor=actor, document=document, summary=f"Version {version.number} of “{document.title}” uploaded"
    )
    return version


@transaction.atomic
def document_download(
    *, actor: User | None, document: Document, number: int | None = None
) -> DocumentVersion:
    """The version to send (the latest unless one is named), with the download recorded."""
    versions = document.versions.all()
    version = versions.filter(number=number).first() if number is not None else versions.first()
    if version is None:
        raise ServiceError(f"The document has no version {number}.", field="version")
    audit_record(
        actor=actor,
        action="document.download",
        target=document,
        version=version.number,
        sha256=version.sha256,
        confidentiality=document.confidentiality,
    )
    return version


# Agreements


@transaction.atomic
def agreement_create(
    *,
    viewer: Viewer,
    actor: User,
    title: str,
    kind: str,
    parties: Sequence[Organisation],
    project: Project | None = None,
    effective_date: dt.date | None = None,
    expiry_date: dt.date | None = None,
    documents: Sequence[Document] = (),
) -> Agreement:
    if len({party.pk for party in parties}) < 2:
        raise ServiceError("An agreement has at least two parties.", field="parties")
    if not any(can_manage_organisation(viewer, party.pk) for party in parties):
        raise PermissionDenied("Only an alliance manager of one of the parties drafts an agreement.")
    if effective_date and expiry_date and expiry_date < effective_date:
        raise ServiceError("An agreement expires after it takes effect.", field="expiry_date")
    if project is not None and project.organisation_id not in {party.pk for party in parties}:
        raise ServiceError("The project's organisation is a party to its agreements.", field="project")
    if any(document.project_id != getattr(project, "pk", None) for document in documents):
        raise ServiceError("Linked documents belong to the agreement's project.", field="documents")
    agreement = Agreement.objects.create(
        title=_text(title, "title", required=True),
        kind=_choice(kind, AgreementKind, "kind"),
        project=project,
        effective_date=effective_date,
        expiry_date=expiry_date,
    )
    agreement.parties.set(list(parties))
    agreement.documents.set(list(documents))
    audit_record(
        actor=actor,
        action="agreement.create",
        target=agreement,
        kind=kind,
        parties=sorted(party.slug for party in parties),
    )
    return agreement


@transaction.atomic
def agreement_transition(
    *,
    actor: User,
    agreement: Agreement,
    to_status: str,
    effective_date: dt.date | None = None,
    expiry_date: dt.date | None = None,
) -> Agreement:
    """Move an agreement along draft → in negotiation, or to expired or terminated.

    Executed is reached only by every party signing (`agreement_sign`). Going back to draft reopens the
    terms, so the signatures given so far are withdrawn.
    """
    to_status = _choice(to_status, AgreementStatus, "status")
    if to_status == AgreementStatus.EXECUTED:
        raise Conflict(
            "An agreement is executed when every party has signed it: each party's alliance manager signs "
            "for their own organisation.",
            field="status",
        )
    locked = Agreement.objects.select_for_update().get(pk=agreement.pk)
    from_status = locked.status
    if to_status not in AGREEMENT_TRANSITIONS[from_status]:
        raise Conflict(
            f"An agreement cannot go from {locked.get_status_display().lower()} to "
            f"{AgreementStatus(to_status).label.lower()}.",
            field="status",
        )
    if effective_date is not None:
        locked.effective_date = effective_date
    if expiry_date is not None:
        locked.expiry_date = expiry_date
    if locked.effective_date and locked.expiry_date and locked.expiry_date < locked.effective_date:
        raise ServiceError("An agreement expires after it takes effect.", field="expiry_date")
    withdrawn: list[str] = []
    if to_status == AgreementStatus.DRAFT:
        signatures = locked.signatures.select_related("organisation")
        withdrawn = sorted(signature.organisation.slug for signature in signatures)
        signatures.delete()
    locked.status = to_status
    locked.save()
    detail = {"withdrawn": withdrawn} if withdrawn else {}
    _agreement_status_recorded(actor=actor, agreement=locked, from_status=from_status, **detail)
    return locked


def _agreement_status_recorded(
    *, actor: User | None, agreement: Agreement, from_status: str, **detail: Any
) -> None:
    """Audit a status change and tell the project's feed, party members and party managers of it."""
    audit_record(
        actor=actor,
        action="agreement.transition",
        target=agreement,
        from_status=from_status,
        to=agreement.status,
        effective_date=agreement.effective_date.isoformat() if agreement.effective_date else None,
        expiry_date=agreement.expiry_date.isoformat() if agreement.expiry_date else None,
        **detail,
    )
    if agreement.project is not None:
        people = _project_people(agreement.project)
        in_parties = set(
            Membership.objects.filter(user__in=people, organisation__in=agreement.parties.all()).values_list(
                "user_id", flat=True
            )
        )
        party_members = {person.pk: person for person in people if person.pk in in_parties}
        activity_record(
            actor=actor,
            project=agreement.project,
            kind=ActivityKind.AGREEMENT_TRANSITION,
            summary=(
                f"The agreement “{agreement.title}” went from {AgreementStatus(from_status).label.lower()} "
                f"to {agreement.get_status_display().lower()}."
            ),
            notify_people=[*party_members.values(), *_party_managers(agreement.parties.all())],
            agreement=agreement,
        )


def _signing_party(actor: User, agreement: Agreement, organisation: Organisation | None) -> Organisation:
    """The party the actor signs for: one where they are an alliance manager themselves."""
    signable = access.agreement_signing_parties(viewer_for(actor), agreement)
    if organisation is None:
        if not signable:
            raise PermissionDenied("Only an alliance manager of one of the parties signs for it.")
        if len(signable) > 1:
            raise ServiceError(
                "You manage several of the parties: say which one you sign for.", field="organisation"
            )
        return signable[0]
    if organisation.pk in {party.pk for party in signable}:
        return organisation
    if agreement.parties.filter(pk=organisation.pk).exists():
        raise PermissionDenied(f"Only an alliance manager of {organisation.name} signs for it.")
    raise ServiceError(f"{organisation.name} is not a party to this agreement.", field="organisation")


@transaction.atomic
def agreement_sign(
    *, actor: User, agreement: Agreement, organisation: Organisation | None = None
) -> Agreement:
    """Sign an agreement in negotiation for one's own organisation; the last party to sign executes it.

    No party executes an agreement alone: each party's own alliance manager signs for it, and one person
    signs for one party only. Without an agreed effective date, the agreement takes effect on the day of
    the last signature.
    """
    locked = Agreement.objects.select_for_update().get(pk=agreement.pk)
    party = _signing_party(actor, locked, organisation)
    if locked.status != AgreementStatus.IN_NEGOTIATION:
        raise Conflict(
            f"Only an agreement in negotiation is signed; this one is {locked.get_status_display().lower()}.",
            field="status",
        )
    today = timezone.localdate()
    if locked.expiry_date is not None and locked.expiry_date < today:
        raise ServiceError(
            "The agreement's expiry date has passed: take it back to draft and agree new dates.",
            field="expiry_date",
        )
    if locked.signatures.filter(organisation=party).exists():
        raise Conflict(f"{party.name} has already signed this agreement.", field="organisation")
    if locked.signatures.filter(signed_by=actor).exists():
        raise Conflict(
            "You have already signed for another party; each party signs through its own manager.",
            field="organisation",
        )
    AgreementSignature.objects.create(agreement=locked, organisation=party, signed_by=actor)
    audit_record(actor=actor, action="agreement.sign", target=locked, organisation=party.slug)
    waiting = selectors.agreement_parties_awaiting(agreement=locked)
    if not waiting:
        from_status = locked.status
        locked.status = AgreementStatus.EXECUTED
        locked.executed_at = timezone.now()
        if locked.effective_date is None:
            locked.effective_date = today
        locked.save()
        _agreement_status_recorded(actor=actor, agreement=locked, from_status=from_status, via="signatures")
        return locked
    summary = (
        f"{party.name} signed the agreement “{locked.title}” ({actor.display_name}); awaiting "
        f"{', '.join(organisation.name for organisation in waiting)}."
    )
    to_sign = _party_managers(waiting)
    if locked.project is not None:
        activity_record(
            actor=actor,
            project=locked.project,
            kind=ActivityKind.AGREEMENT_SIGNED,
            summary=summary,
            notify_people=to_sign,
            agreement=locked,
        )
    else:
        notify(
            recipients=[person for person in to_sign if person.pk != actor.pk],
            verb=summary,
            target_url=reverse("collaborations:agreement_detail", args=[locked.pk]),
        )
    return locked


def _party_managers(organisations: Iterable[Organisation]) -> list[User]:
    return list(
        User.objects.filter(
            memberships__organisation__in=list(organisations),
            memberships__role=Role.ALLIANCE_MANAGER,
            is_active=True,
        ).distinct()
    )


@transaction.atomic
def agreements_expire(*, today: dt.date | None = None) -> int:
    """Mark executed agreements whose expiry date has passed as expired; a second run finds none.

    Each is audited and, for a project's agreement, announced in its feed, as a manager's transition is.
    """
    expired = 0
    for agreement in selectors.agreements_lapsed(today=today).select_for_update(of=("self",)):
        from_status = agreement.status
        agreement.status = AgreementStatus.EXPIRED
        agreement.save(update_fields=["status", "updated_at"])
        _agreement_status_recorded(
            actor=None, agreement=agreement, from_status=from_status, via="expiry date"
        )
        expired += 1
    return expired


@transaction.atomic
def agreement_reminders_send(*, within_days: int, today: dt.date | None = None) -> int:
    """Tell the parties' alliance managers, once per expiry date, of agreements about to expire."""
    reminded = 0
    for agreement in selectors.agreements_expiring(within_days=within_days, today=today):
        if agreement.reminded_for_expiry == agreement.expiry_date:
            continue
        assert agreement.expiry_date is not None  # noqa: S101 - the selector only returns dated agreements
        notify(
            recipients=_party_managers(agreement.parties.all()),
            verb=f"The agreement “{agreement.title}” expires on {agreement.expiry_date:%Y-%m-%d}.",
        )
        agreement.reminded_for_expiry = agreement.expiry_date
        agreement.save(update_fields=["reminded_for_expiry", "updated_at"])
        audit_record(actor=None, action="agreement.expiry_reminder", target=agreement)
        reminded += 1
    return reminded


@transaction.atomic
def programme_update(
    *,
    viewer: Viewer,
    actor: User,
    programme: Programme,
    expected_version: int,
    title: str,
    problem_statement: str,
    lead_departments: Iterable[Department] = (),
    investigators: Iterable[User] = (),
    partner_organisations: Iterable[Organisation] = (),
    resources: Iterable[ResearchAsset] = (),
    business_contact: User | None = None,
) -> Programme:
    """Change a programme's description and people; it stays with its organisation.

    Only if nobody changed it since `expected_version`; otherwise a 409 conflict and nothing is written.
    """
    if not can_manage_organisation(viewer, programme.organisation_id):
        raise PermissionDenied("Only the programme organisation's alliance managers change it.")
    departments = _lead_departments(lead_departments, programme.organisation_id)
    current = Programme.objects.select_for_update().values_list("version", flat=True).get(pk=programme.pk)
    if current != expected_version:
        raise Conflict(
            f"The programme was changed by someone else (now version {current}, you edited version "
            f"{expected_version}). Reload it and apply your change again.",
            field="version",
        )
    programme.title = _text(title, "title", required=True)
    programme.problem_statement = _text(problem_statement, "problem statement", required=True)
    programme.business_contact = business_contact
    programme.version = current + 1
    programme.save(update_fields=["title", "problem_statement", "business_contact", "version", "updated_at"])
    _programme_relations_set(programme, departments, investigators, partner_organisations, resources)
    audit_record(actor=actor, action="programme.update", target=programme)
    return programme


# Milestones overdue


@transaction.atomic
def milestone_overdue_notices_send(*, today: dt.date | None = None) -> int:
    """Tell each overdue milestone's owner (or, without one, the project's leads) once per due date."""
    sent = 0
    overdue = selectors.milestones_overdue(projects=Project.objects.all(), today=today)
    for milestone in overdue.select_for_update(of=("self",)):
        if milestone.overdue_notified_for == milestone.due_date:
            continue
        project = milestone.project
        concerned = (
            [milestone.owner]
            if milestone.owner is not None
            else _project_people(project, roles=[ProjectRole.LEAD])
        )
        activity_record(
            actor=None,
            project=project,
            kind=ActivityKind.MILESTONE_OVERDUE,
            summary=(
                f"Milestone “{milestone.title}” in “{project.title}” is overdue "
                f"(due {milestone.due_date:%Y-%m-%d}, {milestone.get_status_display().lower()})."
            ),
            notify_people=concerned,
        )
        # A plain update: the notice is no edit of the milestone and must not bump its version.
        Milestone.objects.filter(pk=milestone.pk).update(overdue_notified_for=milestone.due_date)
        sent += 1
    return sent


# Publications and other outputs

PMID_MAX_DIGITS = 12
FIRST_PUBLICATION_YEAR = 1800


def _pmid(value: str) -> str:
    value = value.strip()
    if value.upper().startswith("PMID:"):
        value = value[5:].strip()
    if not value.isascii() or not value.isdigit() or len(value) > PMID_MAX_DIGITS or int(value) == 0:
        raise ServiceError(
            f"'{value}' is not a PubMed id: it is a positive number of at most {PMID_MAX_DIGITS} digits.",
            field="pmid",
        )
    return str(int(value))


@transaction.atomic
def project_output_add(
    *,
    actor: User,
    project: Project,
    kind: str,
    pmid: str = "",
    title: str = "",
    year: int | None = None,
    journal: str = "",
    reference: str = "",
    description: str = "",
) -> ProjectOutput:
    """Record what the partnership produced: a publication by PubMed id, or another outcome by its title."""
    kind = _choice(kind, OutputKind, "kind")
    if year is not None and not FIRST_PUBLICATION_YEAR <= year <= timezone.localdate().year + 1:
        raise ServiceError(f"{year} is not a plausible year.", field="year")
    title = title.strip()[:500]
    if kind == OutputKind.PUBLICATION:
        pmid = _pmid(pmid)
        if project.outputs.filter(pmid=pmid).exists():
            raise Conflict(f"PMID {pmid} is already recorded for this project.", field="pmid")
    else:
        if pmid.strip():
            raise ServiceError("Only publications have a PubMed id.", field="pmid")
        pmid = ""
        if not title:
            raise ServiceError("The title is required.", field="title")
    output = ProjectOutput.objects.create(
        project=project,
        kind=kind,
        pmid=pmid,
        title=title,
        year=year,
        journal=journal.strip()[:255],
        reference=reference.strip()[:255],
        description=description.strip(),
        created_by=actor,
    )
    audit_record(actor=actor, action="output.add", target=output, kind=kind, pmid=pmid)
    label = f"PMID {pmid}" if kind == OutputKind.PUBLICATION else output.get_kind_display().lower()
    activity_record(
        actor=actor,
        project=project,
        kind=ActivityKind.OUTPUT_ADDED,
        summary=f"Output recorded for “{project.title}”: {label}" + (f", “{title}”." if title else "."),
    )
    return output


@transaction.atomic
def project_output_remove(*, actor: User, output: ProjectOutput) -> None:
    audit_record(actor=actor, action="output.remove", target=output, kind=output.kind, pmid=output.pmid)
    output.delete()


# Export


@dataclass(frozen=True)
class ExportSummary:
    documents: int
    files: int
    bytes_written: int


def project_export(
    *,
    actor: User | None,
    project: Project,
    destination: BinaryIO,
    viewer: Viewer | None = None,
    progress: Callable[[int, int], None] | None = None,
) -> ExportSummary:
    """Write a ZIP of project.json and every document version the viewer may download, each one audited.

    The viewer is the actor's unless given (the CLI's operator, acting as nobody in particular, sees all).
    `progress(done, total)` is called after each file. Not one transaction: the audit of the files already
    written stays even if a later one fails.
    """
    viewer = viewer if viewer is not None else viewer_for(actor)
    documents = exports.exportable_documents(viewer=viewer, project=project)
    data = exports.project_export_data(viewer=viewer, project=project, documents=documents)
    data["exported_by"] = {"id": actor.pk, "email": actor.email} if actor is not None else "operator"
    versions = [version for document in documents for version in document.versions.all()]
    total = len(versions) + 1
    written = 0
    with zipfile.ZipFile(destination, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        payload = json.dumps(data, indent=2, ensure_ascii=False).encode()
        archive.writestr("project.json", payload)
        written += len(payload)
        if progress:
            progress(1, total)
        for done, version in enumerate(versions, start=2):
            document_download(actor=actor, document=version.document, number=version.number)
            with (
                version.file.open("rb") as source,
                archive.open(exports.archive_path(version), "w") as target,
            ):
                for chunk in source.chunks():
                    target.write(chunk)
                    written += len(chunk)
            if progress:
                progress(done, total)
    audit_record(
        actor=actor, action="project.export", target=project, documents=len(documents), files=len(versions)
    )
    return ExportSummary(documents=len(documents), files=len(versions), bytes_written=written)


def project_export_spooled(*, actor: User, project: Project) -> IO[bytes]:
    """The export in a temporary file, rewound, for a download (the caller closes it)."""
    spool = tempfile.TemporaryFile()  # noqa: SIM115 - handed to the caller, who closes it
    try:
        project_export(actor=actor, project=project, destination=spool)
    except BaseException:
        spool.close()
        raise
    spool.seek(0)
    return spool
