"""A saved cohort's page per persona: grant holders (row access to every dataset) see and download its
patients and samples; everyone else sees counts, small ones suppressed, and cannot fetch the list."""

from __future__ import annotations

import csv
import io

import pytest
from django.test import Client

from oncobridge.accounts.models import User
from oncobridge.cohorts import views
from oncobridge.cohorts.models import SavedCohort
from oncobridge.cohorts.services import cohort_save
from oncobridge.cohorts.tests.conftest import KRAS_G12C, Personas, client_for
from oncobridge.core.models import AuditEvent

pytestmark = pytest.mark.django_db

KRAS = {"type": "protein_change", "gene": "KRAS", "change": "p.G12C"}


def kras_cohort(owner: User) -> SavedCohort:
    return cohort_save(actor=owner, name="KRAS G12C", datasets=["breast-lung"], definition=KRAS)


def test_a_grant_holder_sees_the_cohorts_patients_and_samples(personas: Personas) -> None:
    cohort = kras_cohort(personas.grantee)

    page = client_for(personas.grantee).get(f"/cohorts/{cohort.pk}/").content.decode()

    for number, sample in enumerate(KRAS_G12C, start=9):
        assert f"<td>breast-lung</td><td>P{number:02d}</td><td>{sample}</td>" in page
    assert f'href="/cohorts/{cohort.pk}/members.csv"' in page
    assert AuditEvent.objects.filter(action="cohort.members", actor=personas.grantee).exists()


def test_a_grant_holder_downloads_the_members_as_csv_and_the_download_is_audited(
    personas: Personas,
) -> None:
    cohort = kras_cohort(personas.grantee)

    response = client_for(personas.grantee).get(f"/cohorts/{cohort.pk}/members.csv")

    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/csv")
    assert response["Content-Disposition"] == 'attachment; filename="KRAS-G12C-members.csv"'
    rows = list(csv.reader(io.StringIO(response.content.decode())))
    assert rows == [
        ["dataset", "patient_id", "sample_id"],
        ["breast-lung", "P09", "S09"],
        ["breast-lung", "P10", "S10"],
        ["breast-lung", "P11", "S11"],
    ]
    event = AuditEvent.objects.get(action="cohort.members.download")
    assert event.actor == personas.grantee
    assert (event.detail["cohort_id"], event.detail["format"], event.detail["patients"]) == (
        cohort.pk,
        "csv",
        3,
    )


def test_the_steward_sees_the_members_too(personas: Personas) -> None:
    cohort = kras_cohort(personas.steward)

    page = client_for(personas.steward).get(f"/cohorts/{cohort.pk}/").content.decode()

    for number, sample in enumerate(KRAS_G12C, start=9):
        assert f"<td>breast-lung</td><td>P{number:02d}</td><td>{sample}</td>" in page
    assert 'data-testid="counts-only"' not in page


def test_the_page_lists_the_first_members_and_points_to_the_csv_for_the_rest(
    personas: Personas, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(views, "MEMBERS_SHOWN", 2)
    cohort = kras_cohort(personas.grantee)

    page = client_for(personas.grantee).get(f"/cohorts/{cohort.pk}/").content.decode()

    assert "The first 2 of 3 rows are listed; the CSV has them all." in page
    assert "<td>P10</td><td>S10</td>" in page
    assert "<td>P11</td>" not in page


def test_a_person_without_grant_sees_suppressed_counts_and_no_ids(personas: Personas) -> None:
    cohort = kras_cohort(personas.investigator)

    page = client_for(personas.investigator).get(f"/cohorts/{cohort.pk}/").content.decode()

    assert "<td>&lt;5</td><td>&lt;5</td>" in page  # the dataset's patients and samples
    assert 'data-testid="counts-only"' in page
    assert "P09" not in page and "S09" not in page
    assert "members.csv" not in page
    assert not AuditEvent.objects.filter(action="cohort.members").exists()


def test_a_person_without_grant_is_refused_the_members_csv(personas: Personas) -> None:
    cohort = kras_cohort(personas.investigator)

    response = client_for(personas.investigator).get(f"/cohorts/{cohort.pk}/members.csv")

    assert response.status_code == 403
    assert b"P09" not in response.content
    assert not AuditEvent.objects.filter(action="cohort.members.download").exists()


def test_a_grant_holder_does_not_find_the_csv_of_a_cohort_not_shared_with_them(
    personas: Personas,
) -> None:
    cohort = kras_cohort(personas.investigator)

    response = client_for(personas.grantee).get(f"/cohorts/{cohort.pk}/members.csv")

    assert response.status_code == 404
    assert b"P09" not in response.content
    assert not AuditEvent.objects.filter(action="cohort.members.download").exists()


def test_an_outsider_gets_no_members_csv(personas: Personas) -> None:
    cohort = kras_cohort(personas.grantee)

    assert client_for(personas.outsider).get(f"/cohorts/{cohort.pk}/members.csv").status_code == 403
    assert Client().get(f"/cohorts/{cohort.pk}/members.csv").status_code == 302
    assert not AuditEvent.objects.filter(action="cohort.members.download").exists()
