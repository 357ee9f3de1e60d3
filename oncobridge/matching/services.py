"""Every write of matchmaking: introductions from request to outcome, and the notifications they send.

Each step is atomic and audited; the parties hear of it in the app at once and by e-mail once it commits.
"""

from __future__ import annotations

from collections.abc import Iterable

from django.conf import settings
from django.core.mail import send_mail
from django.db import transaction
from django.db.models import Model
from django.urls import reverse
from django.utils import timezone

from oncobridge.accounts.models import Organisation, Role, User
from oncobridge.collaborations.models import Agreement, AgreementKind, AgreementStatus
from oncobridge.core.audit import audit_record
from oncobridge.core.errors import Conflict, PermissionDenied, ServiceError
from oncobridge.core.visibility import Viewer
from oncobridge.matching import access, indexing, selectors
from oncobridge.matching.models import Introduction, IntroductionOutcome, IntroductionStatus, Notification
from oncobridge.portfolio.indexing import spec_for
from oncobridge.portfolio.models import InvestigatorProfile, PartnerNeed, ResearchAsset, ResearchProject

MAX_MESSAGE = 5_000


# --- notifications ------------------------------------------------------------------------------------------


def notify(*, recipients: Iterable[User], verb: str, target_url: str = "") -> list[Notification]:
    """Tell each recipient once, in the app now and by e-mail when the transaction commits."""
    unique = {user.pk: user for user in recipients if user.is_active}
    notifications = Notification.objects.bulk_create(
        [Notification(recipient=user, verb=verb[:255], target_url=target_url) for user in unique.values()]
    )
    addresses = [user.email for user in unique.values() if user.email]
    if addresses:
        body = f"{verb}\n\n{target_url}" if target_url else verb

        def send() -> None:
            for address in addresses:
                send_mail(f"OncoBridge: {verb[:120]}", body, settings.DEFAULT_FROM_EMAIL, [address])

        transaction.on_commit(send)
    return notifications


@transaction.atomic
def notifications_mark_read(*, user: User, ids: Iterable[int] | None = None) -> int:
    unread = Notification.objects.filter(recipient=user, read_at__isnull=True)
    if ids is not None:
        unread = unread.filter(pk__in=list(ids))
    return unread.update(read_at=timezone.now())


# --- who the parties are ----------------------------------------------------------------------------------


def _organisation_contacts(organisation_id: int) -> list[User]:
    """The people who speak for an organisation: its alliance managers, else its industry members."""
    for role in (Role.ALLIANCE_MANAGER, Role.INDUSTRY_MEMBER):
        users = list(
            User.objects.filter(
                memberships__organisation_id=organisation_id, memberships__role=role, is_active=True
            ).distinct()
        )
        if users:
            return users
    return []


def target_contacts(introduction: Introduction) -> list[User]:
    """Who is introduced: the person behind the entry, else whoever speaks for its organisation."""
    entry = indexing.entry_load(introduction.target_kind, introduction.target_id)
    people: list[User] = []
    if isinstance(entry, InvestigatorProfile):
        people = [entry.user]
    elif isinstance(entry, ResearchAsset):
        people = [entry.owner] if entry.owner else list(entry.investigators.all())
    elif isinstance(entry, ResearchProject):
        people = list(entry.investigators.all())
    elif isinstance(entry, PartnerNeed) and entry.posted_by:
        people = [entry.posted_by]
    return people or _organisation_contacts(introduction.target_organisation_id)


def _managers() -> list[User]:
    return list(
        User.objects.filter(
            memberships__role=Role.ALLIANCE_MANAGER,
            memberships__organisation__alliance_member=True,
            is_active=True,
        ).distinct()
    )


def _url(introduction: Introduction) -> str:
    return reverse("matching:introduction_detail", args=[introduction.pk])


# --- introductions ----------------------------------------------------------------------------------------


def _requester_organisation(viewer: Viewer, organisation: Organisation | None) -> Organisation:
    if organisation is not None:
        if organisation.pk not in viewer.organisation_ids:
            raise PermissionDenied("You can only ask for introductions on behalf of your own organisation.")
        return organisation
    first = Organisation.objects.filter(pk__in=viewer.organisation_ids).order_by("pk").first()
    if first is None:
        raise PermissionDenied("You need a membership in an organisation to ask for an introduction.")
    return first


@transaction.atomic
def introduction_request(
    *,
    viewer: Viewer,
    actor: User,
    target_kind: str,
    target_id: int,
    message: str = "",
    query: selectors.MatchQuery | None = None,
    organisation: Organisation | None = None,
) -> Introduction:
    """Ask the alliance office for an introduction to a match the requester can see.

    The match is scored afresh from the query, so the snapshot is what the engine says, not what a client
    sends.
    """
    target: Model = access.entry_for_user(actor, target_kind, target_id)
    target_organisation_id: int = target.organisation_id  # type: ignore[attr-defined]
    requester_organisation = _requester_organisation(viewer, organisation)
    if target_organisation_id in viewer.organisation_ids:
        raise ServiceError("That entry belongs to your own organisation: no introduction is needed.")
    message = message.strip()
    if len(message) > MAX_MESSAGE:
        raise ServiceError(f"The message is longer than {MAX_MESSAGE} characters.", field="message")
    open_request = Introduction.objects.filter(
        requester=actor,
        target_kind=target_kind,
        target_id=target_id,
        status__in=[IntroductionStatus.REQUESTED, IntroductionStatus.APPROVED],
    )
    if open_request.exists():
        raise Conflict("You already have an open introduction request for this entry.")
    snapshot = (
        selectors.match_snapshot(user=actor, viewer=viewer, query=query, target=target)
        if query is not None and (query.has_source or query.text.strip())
        else None
    )
    introduction = Introduction.objects.create(
        requester=actor,
        requester_organisation=requester_organisation,
        target_kind=target_kind,
        target_id=target_id,
        target_organisation_id=target_organisation_id,
        target_title=spec_for(target).title[:500],
        source=query.source if query is not None else "",
        source_text="" if query is None or query.has_source else query.text.strip(),
        score=snapshot.score if snapshot else 0.0,
        score_parts=snapshot.parts if snapshot else {},
        explanation=snapshot.explanation if snapshot else [],
        message=message,
    )
    audit_record(
        actor=actor,
        action="introduction.request",
        target=introduction,
        to=introduction.target_key,
        score=introduction.score,
    )
    notify(
        recipients=[user for user in _managers() if user.pk != actor.pk],
        verb=f"{actor.display_name} asks to be introduced to {introduction.target_title}",
        target_url=_url(introduction),
    )
    return introduction


@transaction.atomic
def introduction_decide(
    *, actor: User, introduction: Introduction, approve: bool, note: str = ""
) -> Introduction:
    """An alliance manager approves or declines a requested introduction, with a note for the parties."""
    access.ensure_can_decide(actor)
    introduction = Introduction.objects.select_for_update().get(pk=introduction.pk)
    if introduction.status != IntroductionStatus.REQUESTED:
        raise Conflict(f"This introduction has already been {introduction.get_status_display().lower()}.")
    introduction.status = IntroductionStatus.APPROVED if approve else IntroductionStatus.DECLINED
    introduction.decided_by = actor
    introduction.decided_at = timezone.now()
    introduction.decision_note = note.strip()[:MAX_MESSAGE]
    introduction.save(update_fields=["status", "decided_by", "decided_at", "decision_note", "updated_at"])
    audit_record(
        actor=actor,
        action="introduction.approve" if approve else "introduction.decline",
        target=introduction,
        note=introduction.decision_note,
    )
    if approve:
        notify(
            recipients=[introduction.requester, *target_contacts(introduction)],
            verb=(
                f"Introduction approved: {introduction.requester.display_name} "
                f"({introduction.requester_organisation.name}) and {introduction.target_title}"
            ),
            target_url=_url(introduction),
        )
    else:
        notify(
            recipients=[introduction.requester],
            verb=f"Your introduction to {introduction.target_title} was declined",
            target_url=_url(introduction),
        )
    return introduction


@transaction.atomic
def introduction_open_cda(*, actor: User, introduction: Introduction) -> Agreement:
    """From an approved introduction, start the confidentiality agreement between the two organisations."""
    access.ensure_is_party_or_manager(actor, introduction)
    introduction = Introduction.objects.select_for_update().get(pk=introduction.pk)
    if introduction.status != IntroductionStatus.APPROVED:
        raise Conflict("Only an approved introduction can open a confidentiality agreement.")
    agreement = Agreement.objects.create(
        title=f"CDA: {introduction.requester_organisation.name} / {introduction.target_organisation.name}",
        kind=AgreementKind.CDA,
        status=AgreementStatus.DRAFT,
    )
    agreement.parties.set([introduction.requester_organisation_id, introduction.target_organisation_id])
    introduction.status = IntroductionStatus.CDA_OPENED
    introduction.agreement = agreement
    introduction.save(update_fields=["status", "agreement", "updated_at"])
    audit_record(actor=actor, action="introduction.cda_open", target=introduction, agreement=agreement.pk)
    audit_record(actor=actor, action="agreement.create", target=agreement, introduction=introduction.pk)
    notify(
        recipients=[introduction.requester, *target_contacts(introduction)],
        verb=f"A confidentiality agreement was opened: {agreement.title}",
        target_url=_url(introduction),
    )
    return agreement


@transaction.atomic
def introduction_record_outcome(*, actor: User, introduction: Introduction, outcome: str) -> Introduction:
    """What came of an approved introduction; outcomes feed the ranking-quality report."""
    access.ensure_is_party_or_manager(actor, introduction)
    if outcome not in IntroductionOutcome.values or outcome == IntroductionOutcome.NONE:
        choices = ", ".join(
            value for value in IntroductionOutcome.values if value != IntroductionOutcome.NONE
        )
        raise ServiceError(f"'{outcome}' is not an outcome; use one of {choices}.", field="outcome")
    introduction = Introduction.objects.select_for_update().get(pk=introduction.pk)
    if introduction.status not in (IntroductionStatus.APPROVED, IntroductionStatus.CDA_OPENED):
        raise Conflict("Outcomes are recorded for approved introductions only.")
    previous = introduction.outcome
    introduction.outcome = outcome
    introduction.outcome_recorded_by = actor
    introduction.outcome_recorded_at = timezone.now()
    introduction.save(update_fields=["outcome", "outcome_recorded_by", "outcome_recorded_at", "updated_at"])
    audit_record(
        actor=actor, action="introduction.outcome", target=introduction, outcome=outcome, previous=previous
    )
    return introduction
