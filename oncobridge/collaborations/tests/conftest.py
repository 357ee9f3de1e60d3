"""Collaboration fixtures: one joint project of the cancer centre with partners from three organisations.

Ivan leads it; Paula (Acme, under CDA with the centre), Gary (Globex, no CDA) and Nora (the university) are
members. Alice manages the centre; Tess belongs to the centre but not to the project; Oscar belongs nowhere.
Each partner organisation has its own alliance manager too (`managers`): Arthur at Acme, Greta at Globex,
Ursula at the university; none of them is on the project.
"""

from __future__ import annotations

import datetime as dt
import json
from dataclasses import dataclass
from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.utils import timezone

from oncobridge.accounts.access import viewer_for
from oncobridge.accounts.models import Role, User
from oncobridge.accounts.services import token_create, user_create
from oncobridge.collaborations.models import Document, Milestone, Project
from oncobridge.collaborations.services import (
    document_upload,
    milestone_create,
    project_create,
    project_member_add,
)
from oncobridge.conftest import PASSWORD, Alliance

API = "/api/v1"


def bearer(user: User) -> dict[str, str]:
    return {"HTTP_AUTHORIZATION": f"Bearer {token_create(user=user).secret}"}


def call(user: User, method: str, path: str, body: Any = None, **params: Any) -> Any:
    client = Client()
    if method == "get":
        return client.get(f"{API}{path}", params, **bearer(user))
    return client.generic(
        method.upper(), f"{API}{path}", json.dumps(body), content_type="application/json", **bearer(user)
    )


def today() -> dt.date:
    return timezone.localdate()


@dataclass
class Joint:
    project: Project
    protocol: Document  # internal
    term_sheet: Document  # confidential
    assay: Milestone  # owned by Ivan, due in a week


@dataclass
class Managers:
    arthur: User  # alliance manager, Acme
    greta: User  # alliance manager, Globex
    ursula: User  # alliance manager, Northern University


@pytest.fixture
def managers(alliance: Alliance) -> Managers:
    def manager(email: str, name: str, organisation: Any) -> User:
        return user_create(
            email=email,
            full_name=name,
            organisation=organisation,
            role=Role.ALLIANCE_MANAGER,
            password=PASSWORD,
        )

    return Managers(
        arthur=manager("arthur@acme.example", "Arthur Acme", alliance.acme),
        greta=manager("greta@globex.example", "Greta Globex", alliance.globex),
        ursula=manager("ursula@northern.example", "Ursula University", alliance.university),
    )


@pytest.fixture(autouse=True)
def media(settings: Any, tmp_path: Any) -> None:
    settings.MEDIA_ROOT = tmp_path / "media"


@pytest.fixture
def joint(alliance: Alliance) -> Joint:
    ivan = alliance.ivan
    project = project_create(
        viewer=viewer_for(ivan),
        actor=ivan,
        organisation=alliance.centre,
        title="EGFR organoid screen",
        summary="Screening an EGFR inhibitor on lung organoids.",
    )
    project_member_add(actor=ivan, project=project, user=alliance.paula, organisation=alliance.acme)
    project_member_add(actor=ivan, project=project, user=alliance.gary, organisation=alliance.globex)
    project_member_add(actor=ivan, project=project, user=alliance.nora, organisation=alliance.university)
    protocol = document_upload(
        actor=ivan,
        project=project,
        title="Screening protocol",
        upload=SimpleUploadedFile("protocol.txt", b"Seed 2000 cells per well.", content_type="text/plain"),
    )
    term_sheet = document_upload(
        actor=ivan,
        project=project,
        title="Term sheet",
        confidentiality="confidential",
        upload=SimpleUploadedFile("terms.txt", b"Milestone payment: 1M.", content_type="text/plain"),
    )
    assay = milestone_create(
        actor=ivan,
        project=project,
        title="Assay validated",
        due_date=today() + dt.timedelta(days=7),
        owner=ivan,
    )
    return Joint(project, protocol, term_sheet, assay)
