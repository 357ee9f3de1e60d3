"""Who may write what through the collaborations API: every write endpoint against every persona.

The project is the centre's (see tests/conftest.py). Personas: Ivan leads it; Dana is a plain member from the
centre; Paula is a member from the partner Acme; Alice manages the centre; Otto manages an organisation that
has nothing to do with any of it; and an anonymous caller. A write the persona may not make is refused with
the status expected (401 without credentials, 404 where the persona does not see the resource, 403 where it
does but may not change it) and leaves every collaborations table, the audit trail and the notifications as
they were. Each persona's call runs in its own savepoint, rolled back afterwards, so one world serves all.
"""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

import pytest
from django.apps import apps
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import transaction
from django.test import Client
from django.utils import timezone

from oncobridge.accounts.access import viewer_for
from oncobridge.accounts.models import Role, User
from oncobridge.accounts.services import organisation_create, user_create
from oncobridge.collaborations import services
from oncobridge.collaborations.models import Agreement, AgreementKind, OutputKind
from oncobridge.collaborations.tests.conftest import API, Joint, bearer, today
from oncobridge.conftest import PASSWORD, Alliance
from oncobridge.core.models import AuditEvent
from oncobridge.matching.models import Notification

PERSONAS = ("lead", "member", "partner", "manager", "outsider", "anonymous")


@dataclass
class World:
    joint: Joint
    people: dict[str, User | None]
    ids: dict[str, int]


@pytest.fixture
def world(alliance: Alliance, joint: Joint) -> World:
    ivan, project = alliance.ivan, joint.project
    services.project_member_add(actor=ivan, project=project, user=alliance.dana, organisation=alliance.centre)
    initech = organisation_create(slug="initech", name="Initech", kind="company")
    otto = user_create(
        email="otto@initech.example",
        full_name="Otto Outside",
        organisation=initech,
        role=Role.ALLIANCE_MANAGER,
        password=PASSWORD,
    )
    goal = services.goal_create(
        actor=ivan, project=project, title="Validate", key_results=[services.KeyResultSpec("Lines", 10)]
    )
    checkin = services.checkin_create(actor=ivan, project=project, scheduled_at=timezone.now())
    services.checkin_record(
        actor=ivan,
        checkin=checkin,
        expected_version=1,
        action_items=[services.ActionItemSpec("Order organoids", alliance.nora, None)],
    )
    draft = Agreement.objects.create(title="Draft MTA", kind=AgreementKind.MTA, project=project)
    draft.parties.set([alliance.centre, alliance.acme])
    negotiating = services.agreement_create(
        viewer=viewer_for(alliance.alice),
        actor=alliance.alice,
        title="Research agreement",
        kind=AgreementKind.SPONSORED_RESEARCH,
        parties=[alliance.centre, alliance.acme],
        project=project,
    )
    services.agreement_transition(actor=alliance.alice, agreement=negotiating, to_status="in_negotiation")
    publication = services.project_output_add(
        actor=ivan, project=project, kind=OutputKind.PUBLICATION, pmid="12345678"
    )
    patent = services.project_output_add(actor=ivan, project=project, kind=OutputKind.PATENT, title="EP1")
    return World(
        joint=joint,
        people={
            "lead": ivan,
            "member": alliance.dana,
            "partner": alliance.paula,
            "manager": alliance.alice,
            "outsider": otto,
            "anonymous": None,
        },
        ids={
            "project": project.pk,
            "tess": alliance.tess.pk,
            "ivan": ivan.pk,
            "key_result": goal.key_results.get().pk,
            "milestone": joint.assay.pk,
            "checkin": checkin.pk,
            "action_item": checkin.action_items.get().pk,
            "document": joint.protocol.pk,
            "draft": draft.pk,
            "negotiating": negotiating.pk,
            "publication": publication.pk,
            "outcome": patent.pk,
        },
    )


# Who succeeds where the project's editors do: its leads and its organisation's alliance managers.
PROJECT_EDITORS = {
    "lead": 2,
    "member": 403,
    "partner": 403,
    "manager": 2,
    "outsider": 404,
    "anonymous": 401,
}


@dataclass(frozen=True)
class Write:
    name: str
    method: str
    path: str  # formatted with World.ids
    body: Callable[[World], Any] = lambda world: {}
    expected: dict[str, int] = field(default_factory=lambda: PROJECT_EDITORS)
    multipart: bool = False


def upload(name: str) -> SimpleUploadedFile:
    return SimpleUploadedFile(name, b"Seed 4000 cells per well.", content_type="text/plain")


P = "/joint-projects/{project}"
WRITES = [
    Write(
        "programme create",
        "post",
        "/programmes",
        lambda w: {"organisation": "st-olaf", "title": "Lung", "problem_statement": "Resistance."},
        {**PROJECT_EDITORS, "lead": 403, "outsider": 403},
    ),
    Write(
        "project create",
        "post",
        "/joint-projects",
        lambda w: {"organisation": "st-olaf", "title": "Another screen"},
        {**PROJECT_EDITORS, "outsider": 403},
    ),
    Write(
        "member set",
        "put",
        f"{P}/members",
        lambda w: {"user_id": w.ids["tess"], "organisation": "st-olaf", "role": "member"},
    ),
    Write(
        "stage change",
        "post",
        f"{P}/stage-changes",
        lambda w: {"stage": "proof_of_concept", "evidence": "IC50 below 10 nM."},
    ),
    Write("goal create", "post", f"{P}/goals", lambda w: {"title": "Publish"}),
    Write("key result update", "patch", f"{P}/key-results/{{key_result}}", lambda w: {"current": 4}),
    Write(
        "milestone create",
        "post",
        f"{P}/milestones",
        lambda w: {"title": "Ethics", "due_date": str(today() + dt.timedelta(days=30))},
    ),
    Write(
        "milestone update",
        "patch",
        f"{P}/milestones/{{milestone}}",
        lambda w: {"version": 1, "status": "in_progress"},
    ),
    Write(
        "milestone raci",
        "put",
        f"{P}/milestones/{{milestone}}/raci",
        lambda w: {"assignments": [{"user_id": w.ids["ivan"], "letter": "A"}]},
    ),
    Write(
        "check-in create",
        "post",
        f"{P}/checkins",
        lambda w: {"scheduled_at": (timezone.now() + dt.timedelta(days=7)).isoformat()},
    ),
    Write(
        "check-in record",
        "put",
        f"{P}/checkins/{{checkin}}/record",
        lambda w: {"version": 2, "notes": "Went well.", "decisions": "Order more lines."},
    ),
    Write("action item done", "patch", "/action-items/{action_item}", lambda w: {"done": True}),
    Write(
        "document upload",
        "post",
        f"{P}/documents",
        lambda w: {"title": "Plate map", "file": upload("plates.txt")},
        multipart=True,
    ),
    Write(
        "document version",
        "post",
        f"{P}/documents/{{document}}/versions",
        lambda w: {"file": upload("protocol-v2.txt")},
        multipart=True,
    ),
    Write(
        "agreement create",
        "post",
        "/agreements",
        lambda w: {"title": "MTA", "kind": "mta", "parties": ["st-olaf", "acme"]},
        {**PROJECT_EDITORS, "lead": 403, "outsider": 403},
    ),
    Write(
        "agreement transition",
        "post",
        "/agreements/{draft}/transitions",
        lambda w: {"status": "in_negotiation"},
        {**PROJECT_EDITORS, "lead": 403},
    ),
    Write(
        "agreement sign",
        "post",
        "/agreements/{negotiating}/sign",
        expected={**PROJECT_EDITORS, "lead": 403},
    ),
    Write("publication add", "post", f"{P}/publications", lambda w: {"pmid": "PMID:23456789"}),
    Write("outcome add", "post", f"{P}/outcomes", lambda w: {"kind": "licence", "title": "Licence to Acme"}),
    Write("publication remove", "delete", f"{P}/publications/{{publication}}"),
    Write("outcome remove", "delete", f"{P}/outcomes/{{outcome}}"),
]


def snapshot() -> dict[str, list[dict[str, Any]]]:
    """Every row a collaborations write could touch, including many-to-many links."""
    models = [*apps.get_app_config("collaborations").get_models(include_auto_created=True)]
    return {
        model._meta.label: list(model.objects.order_by("pk").values())  # type: ignore[attr-defined]
        for model in [*models, AuditEvent, Notification]
    }


def send(world: World, write: Write, headers: dict[str, str]) -> int:
    path = API + write.path.format(**world.ids)
    body = write.body(world)
    client = Client()
    if write.multipart:
        return client.post(path, body, **headers).status_code
    response = client.generic(
        write.method.upper(), path, json.dumps(body), content_type="application/json", **headers
    )
    return response.status_code


@pytest.mark.parametrize("write", WRITES, ids=[write.name for write in WRITES])
def test_each_persona_gets_the_expected_answer_and_a_refused_write_changes_nothing(
    world: World, write: Write
) -> None:
    assert set(write.expected) == set(PERSONAS)
    # Tokens are made (and audited) before the snapshots; only the write itself is compared.
    credentials = {
        persona: bearer(person) if person is not None else {} for persona, person in world.people.items()
    }
    mismatches = []
    for persona in PERSONAS:
        expected = write.expected[persona]
        with transaction.atomic():
            before = snapshot()
            status = send(world, write, credentials[persona])
            after = snapshot()
            transaction.set_rollback(True)
        allowed = expected == 2
        if (status // 100 == 2) != allowed or (not allowed and status != expected):
            mismatches.append(f"{persona}: expected {'2xx' if allowed else expected}, got {status}")
        elif allowed and after == before:
            mismatches.append(f"{persona}: allowed, yet nothing was written")
        elif not allowed and after != before:
            changed = sorted(label for label in before if before[label] != after[label])
            mismatches.append(f"{persona}: refused with {status}, yet changed {', '.join(changed)}")

    assert mismatches == []
