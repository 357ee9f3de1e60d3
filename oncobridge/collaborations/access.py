"""Who may see or change what in collaborations: the one place the API, exports and feeds ask.

A project is seen by members of its owning organisation and by its own members; it is changed by the owning
organisation's alliance managers and by its members with the lead role. Anything else is a 404, exactly like
a project that does not exist. Confidential documents reach members from a partner organisation only while an
executed confidentiality agreement between that organisation and the owner is in force and covers the project:
a master CDA (tied to no project) covers every project, a CDA tied to a project only that project.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from django.db.models import Q, QuerySet

from oncobridge.accounts.access import can_manage_organisation, viewer_for
from oncobridge.accounts.models import Organisation, Role
from oncobridge.collaborations import selectors
from oncobridge.collaborations.models import (
    ActionItem,
    Activity,
    Agreement,
    CheckIn,
    Confidentiality,
    Document,
    Goal,
    Milestone,
    Programme,
    Project,
    ProjectMember,
    ProjectOutput,
    ProjectRole,
)
from oncobridge.core.errors import NotFound, PermissionDenied
from oncobridge.core.visibility import Viewer


def require_member(user: Any) -> Viewer:
    viewer = viewer_for(user)
    if not viewer.is_member:
        raise PermissionDenied("Your account has no membership in the alliance network yet.")
    return viewer


# Projects


def projects_visible_q(viewer: Viewer, *, prefix: str = "") -> Q:
    """Projects the viewer may see: their organisations' own, and those they are a member of."""
    if viewer.platform_admin:
        return Q()
    if viewer.user_id is None:
        return Q(pk__in=[])
    return Q(**{f"{prefix}organisation_id__in": viewer.organisation_ids}) | Q(
        **{f"{prefix}members__user_id": viewer.user_id}
    )


def visible_projects(viewer: Viewer) -> QuerySet[Project]:
    visible_ids = Project.objects.filter(projects_visible_q(viewer)).values("pk")
    return Project.objects.filter(pk__in=visible_ids)


def can_edit_project(viewer: Viewer, project: Project) -> bool:
    if viewer.user_id is None:
        return False
    if can_manage_organisation(viewer, project.organisation_id):
        return True
    return ProjectMember.objects.filter(
        project=project, user_id=viewer.user_id, role=ProjectRole.LEAD
    ).exists()


def can_create_project(viewer: Viewer, organisation_id: int) -> bool:
    """Alliance managers and investigators start projects for their own organisation."""
    if viewer.platform_admin:
        return True
    return organisation_id in viewer.organisation_ids and viewer.has_role(
        Role.ALLIANCE_MANAGER, Role.INVESTIGATOR
    )


def project_for_user(user: Any, pk: int, *, write: bool = False) -> Project:
    viewer = viewer_for(user)
    project = visible_projects(viewer).select_related("organisation", "programme").filter(pk=pk).first()
    if project is None:
        raise NotFound(f"No project {pk}, or it is not visible to you.")
    if write and not can_edit_project(viewer, project):
        raise PermissionDenied("Only the project's leads and its organisation's alliance managers change it.")
    return project


def milestone_for_user(user: Any, project: Project, pk: int) -> Milestone:
    milestone = project.milestones.select_related("owner").filter(pk=pk).first()
    if milestone is None:
        raise NotFound(f"No milestone {pk} in this project.")
    return milestone


def goal_for_user(user: Any, project: Project, pk: int) -> Goal:
    goal = project.goals.filter(pk=pk).first()
    if goal is None:
        raise NotFound(f"No goal {pk} in this project.")
    return goal


def checkin_for_user(user: Any, project: Project, pk: int) -> CheckIn:
    checkin = project.checkins.filter(pk=pk).first()
    if checkin is None:
        raise NotFound(f"No check-in {pk} in this project.")
    return checkin


def action_item_for_user(user: Any, pk: int, *, write: bool = False) -> ActionItem:
    """An action item of a visible project; its owner and the project's editors may change it."""
    viewer = viewer_for(user)
    item = (
        ActionItem.objects.select_related("checkin__project", "owner")
        .filter(projects_visible_q(viewer, prefix="checkin__project__"), pk=pk)
        .first()
    )
    if item is None:
        raise NotFound(f"No action item {pk}, or it is not visible to you.")
    if write and item.owner_id != viewer.user_id and not can_edit_project(viewer, item.checkin.project):
        raise PermissionDenied("Only the owner of an action item and the project's leads change it.")
    return item


# Documents


def can_read_document(viewer: Viewer, document: Document) -> bool:
    """The owning organisation and project members read internal documents; confidential ones need a CDA."""
    project = document.project
    if viewer.platform_admin or project.organisation_id in viewer.organisation_ids:
        return True
    if viewer.user_id is None:
        return False
    member = ProjectMember.objects.filter(project=project, user_id=viewer.user_id).first()
    if member is None:
        return False
    if document.confidentiality == Confidentiality.INTERNAL:
        return True
    return project.organisation_id in selectors.cda_partner_ids(
        organisation_ids=[member.organisation_id], project_id=project.pk
    )


def visible_documents(viewer: Viewer, project: Project) -> list[Document]:
    """The project's documents this viewer reads, asking once per confidentiality level, not per document."""
    documents = project.documents.select_related("project").prefetch_related("versions")
    readable: dict[str, bool] = {}
    for document in documents:
        if document.confidentiality not in readable:
            readable[document.confidentiality] = can_read_document(viewer, document)
    return [document for document in documents if readable[document.confidentiality]]


def document_for_user(user: Any, project: Project, pk: int, *, write: bool = False) -> Document:
    viewer = viewer_for(user)
    document = project.documents.select_related("project").filter(pk=pk).first()
    if document is None or not can_read_document(viewer, document):
        raise NotFound(f"No document {pk}, or it is not visible to you.")
    if write and not can_edit_project(viewer, project):
        raise PermissionDenied("Only the project's leads and its organisation's alliance managers change it.")
    return document


# Programmes


def visible_programmes(viewer: Viewer) -> QuerySet[Programme]:
    """Programmes are seen by their organisation, their investigators and their partner organisations."""
    if viewer.platform_admin:
        return Programme.objects.all()
    if viewer.user_id is None:
        return Programme.objects.none()
    rule = (
        Q(organisation_id__in=viewer.organisation_ids)
        | Q(investigators__id=viewer.user_id)
        | Q(partner_organisations__id__in=viewer.organisation_ids)
    )
    return Programme.objects.filter(pk__in=Programme.objects.filter(rule).values("pk"))


def programme_for_user(user: Any, pk: int, *, write: bool = False) -> Programme:
    viewer = viewer_for(user)
    programme = visible_programmes(viewer).select_related("organisation").filter(pk=pk).first()
    if programme is None:
        raise NotFound(f"No programme {pk}, or it is not visible to you.")
    if write and not can_manage_organisation(viewer, programme.organisation_id):
        raise PermissionDenied("Only the programme organisation's alliance managers change it.")
    return programme


# Agreements


def visible_agreements(viewer: Viewer) -> QuerySet[Agreement]:
    """Agreements are seen by members of their parties."""
    if viewer.platform_admin:
        return Agreement.objects.all()
    if not viewer.organisation_ids:
        return Agreement.objects.none()
    party_of = Agreement.objects.filter(parties__in=viewer.organisation_ids).values("pk")
    return Agreement.objects.filter(pk__in=party_of)


def can_manage_agreement(viewer: Viewer, agreement: Agreement) -> bool:
    return any(
        can_manage_organisation(viewer, organisation_id)
        for organisation_id in agreement.parties.values_list("pk", flat=True)
    )


def agreement_signing_parties(viewer: Viewer, agreement: Agreement) -> list[Organisation]:
    """The parties this person signs for: those where they hold the alliance-manager role themselves.

    Unlike `can_manage_agreement`, the role must be held in that very organisation, and a platform admin
    signs for nobody: a signature binds an organisation, so only its own manager gives it.
    """
    if viewer.user_id is None:
        return []
    return list(
        agreement.parties.filter(memberships__user_id=viewer.user_id, memberships__role=Role.ALLIANCE_MANAGER)
        .distinct()
        .order_by("name")
    )


def agreement_parties_to_sign(viewer: Viewer, agreement: Agreement) -> list[Organisation]:
    """The parties this person may sign for now: those of `agreement_signing_parties` still awaited, and
    none once they have signed for any party (one person signs for one party only)."""
    signable = agreement_signing_parties(viewer, agreement)
    if not signable or agreement.signatures.filter(signed_by_id=viewer.user_id).exists():
        return []
    awaiting = {party.pk for party in selectors.agreement_parties_awaiting(agreement=agreement)}
    return [party for party in signable if party.pk in awaiting]


def agreement_for_user(user: Any, pk: int, *, write: bool = False) -> Agreement:
    viewer = viewer_for(user)
    agreement = visible_agreements(viewer).filter(pk=pk).first()
    if agreement is None:
        raise NotFound(f"No agreement {pk}, or it is not visible to you.")
    if write and not can_manage_agreement(viewer, agreement):
        raise PermissionDenied("Only the parties' alliance managers change an agreement.")
    return agreement


# Outputs, activity and the alliance office


def output_for_user(user: Any, project: Project, pk: int) -> ProjectOutput:
    output = project.outputs.filter(pk=pk).first()
    if output is None:
        raise NotFound(f"No output {pk} in this project.")
    return output


def confidential_project_ids(viewer: Viewer, project_ids: Iterable[int]) -> frozenset[int]:
    """Of these projects, those whose confidential documents the viewer reads (see `can_read_document`)."""
    wanted = set(project_ids)
    if viewer.platform_admin:
        return frozenset(wanted)
    if viewer.user_id is None or not wanted:
        return frozenset()
    readable = set(
        Project.objects.filter(pk__in=wanted, organisation_id__in=viewer.organisation_ids).values_list(
            "pk", flat=True
        )
    )
    memberships = list(
        ProjectMember.objects.filter(project_id__in=wanted - readable, user_id=viewer.user_id).values_list(
            "project_id", "organisation_id", "project__organisation_id"
        )
    )
    cdas = selectors.cdas_in_force(organisation_ids={member for _, member, _ in memberships})
    for project_id, member_organisation_id, owner_id in memberships:
        if any(cda.covers(project_id) and {member_organisation_id, owner_id} <= cda.parties for cda in cdas):
            readable.add(project_id)
    return frozenset(readable)


def visible_activities(viewer: Viewer, *, projects: QuerySet[Project] | None = None) -> QuerySet[Activity]:
    """Entries of visible projects; one about an agreement or a confidential document only to its readers."""
    scope = visible_projects(viewer) if projects is None else projects.filter(projects_visible_q(viewer))
    project_ids = list(scope.values_list("pk", flat=True))
    confidential_ok = confidential_project_ids(viewer, project_ids)
    return Activity.objects.filter(project_id__in=project_ids).filter(
        Q(agreement__isnull=True) | Q(agreement__in=visible_agreements(viewer).values("pk")),
        Q(document__isnull=True)
        | ~Q(document__confidentiality=Confidentiality.CONFIDENTIAL)
        | Q(project_id__in=confidential_ok),
    )


def is_alliance_office(viewer: Viewer) -> bool:
    return viewer.platform_admin or viewer.has_role(Role.ALLIANCE_MANAGER)


def require_alliance_office(user: Any) -> Viewer:
    """The dashboard and the agreement pipeline are for alliance managers (and platform admins)."""
    viewer = viewer_for(user)
    if not is_alliance_office(viewer):
        raise PermissionDenied("The alliance-office dashboard and pipeline are for alliance managers.")
    return viewer


def office_projects(viewer: Viewer) -> QuerySet[Project]:
    """The projects an alliance office oversees: those its organisations own."""
    if viewer.platform_admin:
        return Project.objects.all()
    if not viewer.has_role(Role.ALLIANCE_MANAGER):
        return Project.objects.none()
    return Project.objects.filter(organisation_id__in=viewer.organisation_ids)
