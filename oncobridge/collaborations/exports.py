"""What a bulk export of a project holds: everything the caller may see of it, as plain JSON-ready data.

The document files themselves are added by services.project_export, which audits each one like a download;
this module only reads, and it lists only the documents access.py lets the viewer read.
"""

from __future__ import annotations

import re
from typing import Any

from django.utils import timezone

from oncobridge.collaborations import access, office, selectors
from oncobridge.collaborations.models import Document, DocumentVersion, Project
from oncobridge.core.visibility import Viewer

EXPORT_FORMAT = "oncobridge.project-export/1"
_UNSAFE = re.compile(r"[^A-Za-z0-9._-]+")


def _person(user: Any) -> dict[str, Any] | None:
    if user is None:
        return None
    return {"id": user.pk, "email": user.email, "full_name": user.full_name}


def archive_path(version: DocumentVersion) -> str:
    """Where a document version lies in the ZIP: no directory parts or odd characters from its filename."""
    name = _UNSAFE.sub("_", version.filename.replace("\\", "/").rsplit("/", 1)[-1]).strip("._") or "file"
    return f"documents/{version.document_id}/v{version.number}/{name}"


def exportable_documents(*, viewer: Viewer, project: Project) -> list[Document]:
    return access.visible_documents(viewer, project)


def project_export_data(*, viewer: Viewer, project: Project, documents: list[Document]) -> dict[str, Any]:
    """project.json: the project, its people, plans, meetings, documents' metadata, agreements and outputs."""
    goals = list(selectors.goal_list(project=project).prefetch_related("reviews"))
    milestones = list(selectors.milestone_list(project=project).prefetch_related("responsibilities__user"))
    checkins = list(selectors.checkin_list(project=project))
    agreements = (
        access.visible_agreements(viewer)
        .filter(project=project)
        .prefetch_related("parties", "documents")
        .order_by("created_at", "id")
    )
    readable = {document.pk for document in documents}
    return {
        "format": EXPORT_FORMAT,
        "exported_at": timezone.now().isoformat(),
        "project": {
            "id": project.pk,
            "title": project.title,
            "summary": project.summary,
            "organisation": project.organisation.slug,
            "programme": (
                {"id": project.programme.pk, "title": project.programme.title} if project.programme else None
            ),
            "introduction_id": project.introduction_id,
            "stage": project.stage,
            "created_at": project.created_at.isoformat(),
        },
        "members": [
            {**(_person(member.user) or {}), "organisation": member.organisation.slug, "role": member.role}
            for member in selectors.project_members(project=project)
        ],
        "stage_history": [
            {
                "from_stage": change.from_stage,
                "to_stage": change.to_stage,
                "evidence": change.evidence,
                "decided_by": _person(change.decided_by),
                "decided_at": change.decided_at.isoformat(),
            }
            for change in selectors.stage_history(project=project)
        ],
        "goals": [
            {
                "id": goal.pk,
                "title": goal.title,
                "description": goal.description,
                "key_results": [
                    {"name": r.name, "target": r.target, "current": r.current, "unit": r.unit}
                    for r in goal.key_results.all()
                ],
                "reviews": [
                    {"checkin_id": review.checkin_id, "on_track": review.on_track, "comment": review.comment}
                    for review in goal.reviews.all()
                ],
            }
            for goal in goals
        ],
        "milestones": [
            {
                "id": milestone.pk,
                "title": milestone.title,
                "description": milestone.description,
                "is_deliverable": milestone.is_deliverable,
                "owner": _person(milestone.owner),
                "due_date": milestone.due_date.isoformat(),
                "status": milestone.status,
                "version": milestone.version,
                "depends_on": sorted(other.pk for other in milestone.depends_on.all()),
                "raci": [
                    {"user": _person(cell.user), "letter": cell.letter}
                    for cell in milestone.responsibilities.all()
                ],
            }
            for milestone in milestones
        ],
        "checkins": [
            {
                "id": checkin.pk,
                "scheduled_at": checkin.scheduled_at.isoformat(),
                "agenda": checkin.agenda,
                "notes": checkin.notes,
                "decisions": checkin.decisions,
                "action_items": [
                    {
                        "description": item.description,
                        "owner": _person(item.owner),
                        "due_date": item.due_date.isoformat() if item.due_date else None,
                        "done": item.done,
                    }
                    for item in checkin.action_items.all()
                ],
            }
            for checkin in checkins
        ],
        "documents": [
            {
                "id": document.pk,
                "title": document.title,
                "confidentiality": document.confidentiality,
                "created_at": document.created_at.isoformat(),
                "versions": [
                    {
                        "number": version.number,
                        "filename": version.filename,
                        "content_type": version.content_type,
                        "size": version.size,
                        "sha256": version.sha256,
                        "uploaded_at": version.uploaded_at.isoformat(),
                        "path": archive_path(version),
                    }
                    for version in document.versions.all()
                ],
            }
            for document in documents
        ],
        "agreements": [
            {
                "id": agreement.pk,
                "title": agreement.title,
                "kind": agreement.kind,
                "status": agreement.status,
                "parties": sorted(party.slug for party in agreement.parties.all()),
                "effective_date": agreement.effective_date.isoformat() if agreement.effective_date else None,
                "expiry_date": agreement.expiry_date.isoformat() if agreement.expiry_date else None,
                "executed_at": agreement.executed_at.isoformat() if agreement.executed_at else None,
                "document_ids": sorted(d.pk for d in agreement.documents.all() if d.pk in readable),
            }
            for agreement in agreements
        ],
        "outputs": [
            {
                "kind": output.kind,
                "pmid": output.pmid or None,
                "title": output.title,
                "year": output.year,
                "journal": output.journal,
                "reference": output.reference,
                "description": output.description,
            }
            for output in office.output_list(project=project)
        ],
    }
