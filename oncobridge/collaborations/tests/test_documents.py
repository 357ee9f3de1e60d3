"""Documents: uploads keep each version with its checksum; every download is audited."""

from __future__ import annotations

import hashlib
from typing import Any

from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client

from oncobridge.collaborations.tests.conftest import API, Joint, bearer, call
from oncobridge.conftest import Alliance
from oncobridge.core.models import AuditEvent


def body(response: Any) -> bytes:
    return b"".join(response.streaming_content)


def test_a_download_is_audited_with_who_and_which_version(alliance: Alliance, joint: Joint) -> None:
    response = call(
        alliance.paula, "get", f"/joint-projects/{joint.project.pk}/documents/{joint.term_sheet.pk}/download"
    )

    assert b"".join(response.streaming_content) == b"Milestone payment: 1M."
    event = AuditEvent.objects.get(action="document.download")
    assert (event.actor, event.target_id, event.detail["version"], event.detail["confidentiality"]) == (
        alliance.paula,
        str(joint.term_sheet.pk),
        1,
        "confidential",
    )


def test_a_refused_download_leaves_no_download_event(alliance: Alliance, joint: Joint) -> None:
    call(alliance.gary, "get", f"/joint-projects/{joint.project.pk}/documents/{joint.term_sheet.pk}/download")

    assert not AuditEvent.objects.filter(action="document.download").exists()


def test_a_new_version_is_served_and_the_old_one_kept(alliance: Alliance, joint: Joint) -> None:
    client = Client()
    base = f"{API}/joint-projects/{joint.project.pk}/documents/{joint.protocol.pk}"
    upload = SimpleUploadedFile("protocol-v2.txt", b"Seed 3000 cells per well.")

    created = client.post(f"{base}/versions", {"file": upload}, **bearer(alliance.ivan))
    latest = client.get(f"{base}/download", **bearer(alliance.gary))
    first = client.get(f"{base}/download", {"version": 1}, **bearer(alliance.gary))

    assert created.status_code == 201
    versions = created.json()["versions"]
    assert [(v["number"], v["sha256"], v["size"]) for v in versions] == [
        (2, hashlib.sha256(b"Seed 3000 cells per well.").hexdigest(), 25),
        (1, hashlib.sha256(b"Seed 2000 cells per well.").hexdigest(), 25),
    ]
    assert body(latest) == b"Seed 3000 cells per well."
    assert body(first) == b"Seed 2000 cells per well."


def test_a_lead_uploads_a_confidential_document(alliance: Alliance, joint: Joint) -> None:
    response = Client().post(
        f"{API}/joint-projects/{joint.project.pk}/documents",
        {
            "title": "Licence draft",
            "confidentiality": "confidential",
            "file": SimpleUploadedFile("l.txt", b"x"),
        },
        **bearer(alliance.ivan),
    )

    assert response.status_code == 201
    assert response.json()["confidentiality"] == "confidential"
    assert "Licence draft" not in [
        d["title"] for d in call(alliance.gary, "get", f"/joint-projects/{joint.project.pk}/documents").json()
    ]


def test_a_plain_member_cannot_upload(alliance: Alliance, joint: Joint) -> None:
    response = Client().post(
        f"{API}/joint-projects/{joint.project.pk}/documents",
        {"title": "Sneaky", "file": SimpleUploadedFile("s.txt", b"x")},
        **bearer(alliance.gary),
    )

    assert response.status_code == 403
