"""Contract: every operation of the OpenAPI schema, fed generated requests, answers without a server error.

Schemathesis drives the real WSGI application in-process, authenticated as an investigator, against the
test database of the current test (SQLite or PostgreSQL, whichever DATABASE_URL names).
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
import schemathesis
from django.core import signals
from django.core.handlers.wsgi import WSGIHandler
from django.db import close_old_connections
from hypothesis import HealthCheck, settings
from schemathesis.checks import not_a_server_error

from oncobridge.accounts.access import viewer_for
from oncobridge.accounts.services import token_create
from oncobridge.conftest import Alliance
from oncobridge.core.visibility import Visibility
from oncobridge.portfolio.services import asset_save, need_save

EXAMPLES_PER_OPERATION = 15


schema = schemathesis.openapi.from_wsgi("/api/v1/openapi.json", WSGIHandler())


@pytest.fixture
def in_process_requests() -> Iterator[None]:
    """Django's per-request connection recycling off, as the test client does it.

    Closing the connection at the end of a request would drop the test's transaction and its data.
    """
    signals.request_started.disconnect(close_old_connections)
    signals.request_finished.disconnect(close_old_connections)
    try:
        yield
    finally:
        signals.request_started.connect(close_old_connections)
        signals.request_finished.connect(close_old_connections)


@pytest.fixture
def investigator_headers(alliance: Alliance, in_process_requests: None) -> dict[str, str]:
    # A little of everything, so that generated ids sometimes hit real entries.
    asset_save(
        viewer=viewer_for(alliance.ivan),
        actor=alliance.ivan,
        organisation=alliance.centre,
        kind="dataset",
        title="Lung cohort",
        visibility=Visibility.NETWORK,
    )
    need_save(
        viewer=viewer_for(alliance.paula), actor=alliance.paula, organisation=alliance.acme, title="Organoids"
    )
    return {"Authorization": f"Bearer {token_create(user=alliance.ivan).secret}"}


@pytest.mark.contract
@schema.parametrize()
@settings(
    max_examples=EXAMPLES_PER_OPERATION,
    deadline=None,
    suppress_health_check=[
        HealthCheck.function_scoped_fixture,
        HealthCheck.too_slow,
        HealthCheck.filter_too_much,
    ],
)
def test_it_never_answers_with_a_server_error(case: Any, investigator_headers: dict[str, str]) -> None:
    response = case.call(headers=investigator_headers)
    case.validate_response(response, checks=[not_a_server_error])
