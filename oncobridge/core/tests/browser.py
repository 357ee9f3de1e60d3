"""Browser tests' shared parts: Debian's Chromium driven by Playwright against pytest-django's live server.

A test module opts in with `pytestmark = BROWSER_MARKS` and asks for the `page` (or `browser`) fixture;
it is skipped with a reason when Chromium or Playwright is missing. One Chromium serves the whole run.
Waits are generous: the live server compiles every template on first use, slow on a busy two-core machine.
"""

from __future__ import annotations

import os
import threading
from collections.abc import Callable, Iterable, Iterator
from pathlib import Path
from typing import Any

import pytest
from django.core.servers.basehttp import ThreadedWSGIServer
from pytest_django.live_server_helper import LiveServer

CHROMIUM = Path(os.environ.get("ONCOBRIDGE_CHROMIUM", "/usr/bin/chromium"))
# Without the background-networking flags Chromium keeps dialling out, which this closed network refuses.
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]
ACTION_TIMEOUT_MS = 15_000
NAVIGATION_TIMEOUT_MS = 30_000

BROWSER_MARKS = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True),
    pytest.mark.skipif(not CHROMIUM.exists(), reason=f"no Chromium at {CHROMIUM}; browser tests need one"),
]


sync_api: Any
try:
    from playwright import sync_api
except ImportError:  # a dev dependency; without it the browser tests skip
    sync_api = None


def _playwright() -> Any:
    if sync_api is None:
        pytest.skip("Playwright is not installed")
    return sync_api


def expect(target: Any) -> Any:
    """Playwright's expect, waiting as long as an action may."""
    return _playwright().expect(target)


if sync_api is not None:
    sync_api.expect.set_options(timeout=ACTION_TIMEOUT_MS)


@pytest.fixture(scope="session")
def browser() -> Iterator[Any]:
    with _playwright().sync_playwright() as playwright:
        launched = playwright.chromium.launch(
            executable_path=str(CHROMIUM), args=CHROMIUM_ARGS, headless=True
        )
        yield launched
        launched.close()


class _OneRequestAtATime:
    """A WSGI app that lets one request in at a time, until its response has been sent in full."""

    def __init__(self, application: Callable[..., Iterable[bytes]]) -> None:
        self.application = application
        self.lock = threading.Lock()

    def __call__(self, environ: dict[str, Any], start_response: Callable[..., Any]) -> Iterator[bytes]:
        with self.lock:
            response = self.application(environ, start_response)
            try:
                yield from response
            finally:
                close = getattr(response, "close", None)
                if close is not None:
                    close()


class SharedConnectionServer(ThreadedWSGIServer):
    """The live server over pytest-django's in-memory SQLite database.

    That database is one connection shared by the test and every request thread. SQLite cannot run two
    requests' statements on one connection at once ("cannot open savepoint - SQL statements in progress"
    when a live count overlaps a form post), so requests take turns, as they never need to on a file or
    PostgreSQL database, where each thread has its own connection.
    """

    def set_app(self, application: Any) -> None:
        super().set_app(_OneRequestAtATime(application) if self.connections_override else application)


@pytest.fixture(scope="session")
def live_server(request: pytest.FixtureRequest) -> Iterator[LiveServer]:
    """pytest-django's live server, one request at a time over a shared in-memory SQLite connection."""
    address = request.config.getvalue("liveserver") or os.getenv("DJANGO_LIVE_TEST_SERVER_ADDRESS")
    server = LiveServer(address or "localhost", start=False)
    server.thread.server_class = SharedConnectionServer
    server.start()
    yield server
    server.stop()


def new_page(browser: Any) -> Any:
    """A page in a fresh context (its own cookies), with downloads accepted; close its context after use."""
    context = browser.new_context(accept_downloads=True)
    context.set_default_timeout(ACTION_TIMEOUT_MS)
    context.set_default_navigation_timeout(NAVIGATION_TIMEOUT_MS)
    return context.new_page()


@pytest.fixture
def page(browser: Any) -> Iterator[Any]:
    opened = new_page(browser)
    yield opened
    opened.context.close()


def sign_in(page: Any, base_url: str, email: str) -> None:
    """Log in through the form as a person would (signing out whoever was signed in on this page)."""
    from oncobridge.conftest import PASSWORD  # the personas' password; conftest imports this module

    page.context.clear_cookies()
    page.goto(f"{base_url}/accounts/login/")
    page.get_by_label("Email address").fill(email)
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    expect(page.get_by_role("heading", name="Research portfolio")).to_be_visible()
    page.wait_for_load_state("load")  # htmx is loaded with `defer`: it is ready once the page has loaded
