"""Recording audit events: every data access, decision and agreement change goes through here."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any

from django.db import models

from oncobridge.core.models import AuditEvent


def audit_record(
    *, actor: Any | None, action: str, target: models.Model | None = None, **detail: Any
) -> AuditEvent:
    actor_user = actor if actor is not None and getattr(actor, "is_authenticated", False) else None
    return AuditEvent.objects.create(
        actor=actor_user,
        actor_label=getattr(actor_user, "email", "") if actor_user else "system",
        action=action,
        target_type=target._meta.label_lower if target is not None else "",
        target_id=str(target.pk) if target is not None else "",
        detail=detail,
    )


def audit_record_each(
    *,
    actor: Any | None,
    action: str,
    targets: Iterable[tuple[models.Model, Mapping[str, Any]]],
    **detail: Any,
) -> list[AuditEvent]:
    """One event per target (with its own detail on top of the shared one), written in a single INSERT."""
    actor_user = actor if actor is not None and getattr(actor, "is_authenticated", False) else None
    return AuditEvent.objects.bulk_create(
        AuditEvent(
            actor=actor_user,
            actor_label=getattr(actor_user, "email", "") if actor_user else "system",
            action=action,
            target_type=target._meta.label_lower,
            target_id=str(target.pk),
            detail={**detail, **own},
        )
        for target, own in targets
    )
