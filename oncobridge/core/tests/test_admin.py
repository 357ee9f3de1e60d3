from __future__ import annotations

import pytest
from django.test import Client

from oncobridge.accounts.models import User

AUDITED = ["collaborations/agreement", "collaborations/project", "datasharing/dataset", "datasharing/grant"]


@pytest.fixture
def staff_client(db: None, client: Client) -> Client:
    client.force_login(User.objects.create_superuser("root@oncobridge.example", "an-admin-password"))
    return client


@pytest.mark.parametrize("model", AUDITED)
def test_it_lets_staff_read_audited_records_in_the_admin(staff_client: Client, model: str) -> None:
    assert staff_client.get(f"/admin/{model}/").status_code == 200


@pytest.mark.parametrize("model", AUDITED)
def test_it_keeps_staff_from_adding_audited_records_in_the_admin(staff_client: Client, model: str) -> None:
    assert staff_client.get(f"/admin/{model}/add/").status_code == 403
