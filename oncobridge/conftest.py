"""Shared test personas: one small alliance that every app's tests can reason about.

- St Olaf Cancer Centre (academic, alliance member): Alice the alliance manager, Ivan the investigator,
  Dana the data steward, Tess the trainee.
- Northern University (academic, alliance member): Nora, an investigator.
- Acme Oncology (company) has an executed CDA with the cancer centre: Paula, an industry member.
- Globex Pharma (company), no CDA: Gary, an industry member.
- Oscar has an account but no membership anywhere.
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

import pytest

from oncobridge.accounts.models import Organisation, Role, User
from oncobridge.accounts.services import organisation_create, user_create
from oncobridge.collaborations.models import Agreement, AgreementKind, AgreementStatus
from oncobridge.core.tests.browser import browser, live_server, page  # noqa: F401 - fixtures for browser tests

# Playwright's sync API runs an event loop in the test thread; Django's ORM guard would refuse it.
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")

PASSWORD = "correct-horse-battery-staple"  # noqa: S105 - test personas only


@dataclass
class Alliance:
    centre: Organisation
    university: Organisation
    acme: Organisation
    globex: Organisation
    alice: User  # alliance manager, centre
    ivan: User  # investigator, centre
    dana: User  # data steward, centre
    tess: User  # trainee, centre
    nora: User  # investigator, university
    paula: User  # industry member, Acme (CDA with centre)
    gary: User  # industry member, Globex (no CDA)
    oscar: User  # no membership


@pytest.fixture
def alliance(db: None) -> Alliance:
    centre = organisation_create(slug="st-olaf", name="St Olaf Cancer Centre", kind="academic")
    university = organisation_create(slug="northern-uni", name="Northern University", kind="academic")
    acme = organisation_create(slug="acme", name="Acme Oncology", kind="company")
    globex = organisation_create(slug="globex", name="Globex Pharma", kind="company")
    cda = Agreement.objects.create(
        title="Acme / St Olaf CDA", kind=AgreementKind.CDA, status=AgreementStatus.EXECUTED
    )
    cda.parties.set([centre, acme])

    def person(email: str, name: str, org: Organisation, role: str) -> User:
        return user_create(email=email, full_name=name, organisation=org, role=role, password=PASSWORD)

    oscar = User.objects.create_user("oscar@example.org", PASSWORD, full_name="Oscar Outsider")
    return Alliance(
        centre=centre,
        university=university,
        acme=acme,
        globex=globex,
        alice=person("alice@stolaf.example", "Alice Manager", centre, Role.ALLIANCE_MANAGER),
        ivan=person("ivan@stolaf.example", "Ivan Investigator", centre, Role.INVESTIGATOR),
        dana=person("dana@stolaf.example", "Dana Steward", centre, Role.DATA_STEWARD),
        tess=person("tess@stolaf.example", "Tess Trainee", centre, Role.TRAINEE),
        nora=person("nora@northern.example", "Nora Investigator", university, Role.INVESTIGATOR),
        paula=person("paula@acme.example", "Paula Partner", acme, Role.INDUSTRY_MEMBER),
        gary=person("gary@globex.example", "Gary Globex", globex, Role.INDUSTRY_MEMBER),
        oscar=oscar,
    )


@pytest.fixture(autouse=True, scope="session")
def isolated_datasets_root(tmp_path_factory: pytest.TempPathFactory) -> Iterator[None]:
    # Imports (the demo loads datasets too, also in module-scoped fixtures) write Parquet versions: never
    # under the checkout's var/. Tests that import set their own folder on top of this one.
    from django.conf import settings as django_settings

    previous = django_settings.DATASETS_ROOT
    django_settings.DATASETS_ROOT = tmp_path_factory.mktemp("datasets")
    yield
    django_settings.DATASETS_ROOT = previous


@pytest.fixture(autouse=True)
def fast_password_hashing(settings: Any) -> None:
    # The personas log in with real passwords; PBKDF2's deliberate slowness only slows the suite down.
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
