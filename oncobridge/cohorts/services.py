"""Saved cohorts: every write (save, update, share, delete), checked, in a transaction, audited."""

from __future__ import annotations

from collections.abc import Sequence

from django.db import transaction

from oncobridge.accounts.access import viewer_for
from oncobridge.accounts.models import User
from oncobridge.cohorts import access
from oncobridge.cohorts.criteria import definition_check
from oncobridge.cohorts.models import SavedCohort
from oncobridge.collaborations.access import project_for_user
from oncobridge.collaborations.models import Project, ProjectMember
from oncobridge.core.audit import audit_record
from oncobridge.core.errors import PermissionDenied, ServiceError

NAME_MAX = 200


def _name(value: str) -> str:
    name = value.strip()
    if not name:
        raise ServiceError("Give the cohort a name.", field="name")
    if len(name) > NAME_MAX:
        raise ServiceError(f"A name has at most {NAME_MAX} characters.", field="name")
    return name


def _datasets(actor: User, slugs: Sequence[str]) -> list[str]:
    """The slugs, each a dataset the owner may query (else 404 naming them)."""
    if not slugs:
        raise ServiceError("Choose at least one dataset.", field="datasets")
    return [d.slug for d in access.datasets_for_query(viewer_for(actor), list(slugs))]


def _project(actor: User, project_id: int | None) -> Project | None:
    """A project the owner is a member of: sharing reaches its members, so the owner must be one."""
    if project_id is None:
        return None
    project = project_for_user(actor, project_id)
    if not ProjectMember.objects.filter(project=project, user=actor).exists():
        raise PermissionDenied("You can share a cohort only with a project you are a member of.")
    return project


@transaction.atomic
def cohort_save(
    *,
    actor: User,
    name: str,
    datasets: Sequence[str],
    definition: object,
    description: str = "",
    project_id: int | None = None,
) -> SavedCohort:
    cohort = SavedCohort.objects.create(
        name=_name(name),
        description=description.strip(),
        owner=actor,
        definition=definition_check(definition),
        datasets=_datasets(actor, datasets),
        project=_project(actor, project_id),
    )
    audit_record(
        actor=actor,
        action="cohort.save",
        target=cohort,
        datasets=cohort.datasets,
        definition=cohort.definition,
    )
    return cohort


@transaction.atomic
def cohort_update(
    *,
    actor: User,
    cohort: SavedCohort,
    name: str | None = None,
    description: str | None = None,
    datasets: Sequence[str] | None = None,
    definition: object = ...,
) -> SavedCohort:
    """Change what is given (`definition=None` means everyone; leave it out to keep it)."""
    if cohort.owner_id != actor.pk:
        raise PermissionDenied("Only the cohort's owner may change it.")
    changed = []
    if name is not None:
        cohort.name = _name(name)
        changed.append("name")
    if description is not None:
        cohort.description = description.strip()
        changed.append("description")
    if datasets is not None:
        cohort.datasets = _datasets(actor, datasets)
        changed.append("datasets")
    if definition is not ...:
        cohort.definition = definition_check(definition)
        changed.append("definition")
    cohort.save()
    audit_record(actor=actor, action="cohort.update", target=cohort, fields=changed)
    return cohort


@transaction.atomic
def cohort_share(*, actor: User, cohort: SavedCohort, project_id: int | None) -> SavedCohort:
    """Share with a joint project's members (None: stop sharing)."""
    if cohort.owner_id != actor.pk:
        raise PermissionDenied("Only the cohort's owner may share it.")
    cohort.project = _project(actor, project_id)
    cohort.save(update_fields=["project", "updated_at"])
    audit_record(actor=actor, action="cohort.share", target=cohort, project=project_id)
    return cohort


@transaction.atomic
def cohort_delete(*, actor: User, cohort: SavedCohort) -> None:
    if cohort.owner_id != actor.pk:
        raise PermissionDenied("Only the cohort's owner may delete it.")
    audit_record(actor=actor, action="cohort.delete", target=cohort, name=cohort.name)
    cohort.delete()
