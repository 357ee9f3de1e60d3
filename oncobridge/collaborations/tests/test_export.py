"""Bulk export of a project: project.json plus the documents the caller may download, each one audited."""

from __future__ import annotations

import io
import json
import zipfile
from pathlib import Path
from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import CommandError, call_command
from django.test import Client

from oncobridge.collaborations.services import document_version_add, project_output_add
from oncobridge.collaborations.tests.conftest import Joint, call
from oncobridge.conftest import PASSWORD, Alliance
from oncobridge.core.models import AuditEvent


def exported(user: Any, joint: Joint) -> zipfile.ZipFile:
    response = call(user, "get", f"/joint-projects/{joint.project.pk}/export")
    assert response.status_code == 200, response
    assert response["Content-Type"] == "application/zip"
    return zipfile.ZipFile(io.BytesIO(response.getvalue()))


def contents(archive: zipfile.ZipFile) -> dict[str, bytes]:
    return {name: archive.read(name) for name in archive.namelist()}


def test_the_owning_organisation_exports_the_project_and_every_document(
    alliance: Alliance, joint: Joint
) -> None:
    project_output_add(actor=alliance.ivan, project=joint.project, kind="publication", pmid="31562422")

    files = contents(exported(alliance.ivan, joint))

    data = json.loads(files["project.json"])
    assert data["project"]["title"] == "EGFR organoid screen"
    assert {m["email"] for m in data["members"]} == {
        alliance.ivan.email,
        alliance.paula.email,
        alliance.gary.email,
        alliance.nora.email,
    }
    assert [m["title"] for m in data["milestones"]] == ["Assay validated"]
    assert [o["pmid"] for o in data["outputs"]] == ["31562422"]
    assert sorted(d["title"] for d in data["documents"]) == ["Screening protocol", "Term sheet"]
    assert b"Milestone payment: 1M." in files.values()
    assert b"Seed 2000 cells per well." in files.values()


def test_the_export_never_holds_a_confidential_document_for_a_partner_without_a_cda(
    alliance: Alliance, joint: Joint
) -> None:
    files = contents(exported(alliance.gary, joint))

    data = json.loads(files["project.json"])
    assert [d["title"] for d in data["documents"]] == ["Screening protocol"]
    assert not any(b"Milestone payment" in body for body in files.values())
    assert not any("terms" in name for name in files)
    assert "Term sheet" not in files["project.json"].decode()


def test_a_partner_under_an_executed_cda_gets_the_confidential_document(
    alliance: Alliance, joint: Joint
) -> None:
    files = contents(exported(alliance.paula, joint))

    assert b"Milestone payment: 1M." in files.values()


def test_every_exported_file_is_audited_like_a_download(alliance: Alliance, joint: Joint) -> None:
    document_version_add(
        actor=alliance.ivan, document=joint.protocol, upload=SimpleUploadedFile("protocol.txt", b"v2")
    )

    archive = exported(alliance.paula, joint)

    downloads = AuditEvent.objects.filter(action="document.download", actor=alliance.paula)
    assert sorted((e.target_id, e.detail["version"]) for e in downloads) == sorted(
        [(str(joint.protocol.pk), 1), (str(joint.protocol.pk), 2), (str(joint.term_sheet.pk), 1)]
    )
    assert len(archive.namelist()) == 4
    assert AuditEvent.objects.filter(action="project.export", actor=alliance.paula).get().detail["files"] == 3


def test_an_agreement_is_exported_only_to_members_of_its_parties(alliance: Alliance, joint: Joint) -> None:
    created = call(
        alliance.alice,
        "post",
        "/agreements",
        {
            "title": "Globex MTA",
            "kind": "mta",
            "parties": ["st-olaf", "globex"],
            "project_id": joint.project.pk,
        },
    )
    assert created.status_code == 201

    for_gary = json.loads(exported(alliance.gary, joint).read("project.json"))
    for_paula = json.loads(exported(alliance.paula, joint).read("project.json"))

    assert [a["title"] for a in for_gary["agreements"]] == ["Globex MTA"]
    assert for_paula["agreements"] == []


def test_an_outsider_cannot_export(alliance: Alliance, joint: Joint) -> None:
    response = call(alliance.oscar, "get", f"/joint-projects/{joint.project.pk}/export")

    assert response.status_code == 404
    assert not AuditEvent.objects.filter(action="document.download").exists()


def test_a_stored_filename_cannot_escape_its_folder_in_the_zip(alliance: Alliance, joint: Joint) -> None:
    joint.protocol.versions.update(filename="../../etc/passwd")

    names = exported(alliance.ivan, joint).namelist()

    assert f"documents/{joint.protocol.pk}/v1/passwd" in names
    assert all(".." not in name for name in names)


# The button and the command


def test_the_export_button_downloads_the_zip(alliance: Alliance, joint: Joint) -> None:
    client = Client()
    assert client.login(email=alliance.gary.email, password=PASSWORD)

    response = client.post(f"/collaborations/projects/{joint.project.pk}/export/")

    assert response.status_code == 200
    archive = zipfile.ZipFile(io.BytesIO(response.getvalue()))
    assert "project.json" in archive.namelist()
    assert not any(b"Milestone payment" in archive.read(name) for name in archive.namelist())
    assert client.get(f"/collaborations/projects/{joint.project.pk}/export/").status_code == 405


def test_the_command_exports_what_the_named_person_may_see(
    alliance: Alliance, joint: Joint, tmp_path: Path, capsys: Any
) -> None:
    out = tmp_path / "egfr.zip"

    call_command("project", "export", str(joint.project.pk), "--out", str(out), "--as", alliance.gary.email)

    archive = zipfile.ZipFile(out)
    assert [d["title"] for d in json.loads(archive.read("project.json"))["documents"]] == [
        "Screening protocol"
    ]
    assert "1 file(s) of 1 document(s)" in capsys.readouterr().out
    assert not (tmp_path / "egfr.zip.partial").exists()


def test_the_command_without_a_person_exports_everything_audited_as_the_system(
    alliance: Alliance, joint: Joint, tmp_path: Path
) -> None:
    out = tmp_path / "egfr.zip"

    call_command("project", "export", str(joint.project.pk), "--out", str(out))

    assert len(zipfile.ZipFile(out).namelist()) == 3
    assert set(
        AuditEvent.objects.filter(action="document.download").values_list("actor_label", flat=True)
    ) == {"system"}


def test_the_command_refuses_a_project_the_person_may_not_see(
    alliance: Alliance, joint: Joint, tmp_path: Path
) -> None:
    with pytest.raises(CommandError, match="not visible to you"):
        call_command(
            "project",
            "export",
            str(joint.project.pk),
            "--out",
            str(tmp_path / "x.zip"),
            "--as",
            alliance.oscar.email,
        )
    with pytest.raises(CommandError, match="No project 999"):
        call_command("project", "export", "999", "--out", str(tmp_path / "x.zip"))
    with pytest.raises(CommandError, match="does not exist"):
        call_command("project", "export", str(joint.project.pk), "--out", str(tmp_path / "missing" / "x.zip"))
    assert not list(tmp_path.glob("*.zip*"))


def test_the_alliance_manager_of_the_owner_exports_every_document(alliance: Alliance, joint: Joint) -> None:
    data = json.loads(exported(alliance.alice, joint).read("project.json"))

    assert sorted(d["title"] for d in data["documents"]) == ["Screening protocol", "Term sheet"]
    assert data["exported_by"]["email"] == alliance.alice.email
