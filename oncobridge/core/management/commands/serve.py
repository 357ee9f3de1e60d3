"""`oncobridge serve`: the production web server (gunicorn), with static files served by WhiteNoise."""

from __future__ import annotations

import os
import subprocess
import sys
from typing import Any

from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandError, CommandParser
from gunicorn.app.base import BaseApplication
from gunicorn.util import import_app

WSGI_APP = "oncobridge.wsgi:application"


def default_port() -> int:
    raw = os.environ.get("PORT", "")
    if not raw:
        return 8000
    try:
        return int(raw)
    except ValueError:
        raise CommandError(f"PORT={raw!r} is not a port number.") from None


def default_workers() -> int:
    """WEB_CONCURRENCY when set (the platforms' convention), else gunicorn's 2 x cores + 1, at most 8."""
    raw = os.environ.get("WEB_CONCURRENCY", "")
    if raw:
        try:
            return int(raw)
        except ValueError:
            raise CommandError(f"WEB_CONCURRENCY={raw!r} is not a number of workers.") from None
    return min(2 * (os.cpu_count() or 1) + 1, 8)


class OncoBridgeServer(BaseApplication):  # type: ignore[misc]
    """gunicorn run in-process, so that `oncobridge serve` needs no separate configuration file."""

    def __init__(self, options: dict[str, Any]) -> None:
        self.options = options
        super().__init__()

    def load_config(self) -> None:
        for key, value in self.options.items():
            self.cfg.set(key, value)

    def load(self) -> Any:
        return import_app(WSGI_APP)


class Command(BaseCommand):
    help = "Serve OncoBridge with gunicorn after collecting static files (served by WhiteNoise)."
    requires_system_checks = []  # `check --deploy` belongs in CI; the server must start on a fresh checkout

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--host", default="127.0.0.1", help="Address to bind (0.0.0.0 for every interface)."
        )
        parser.add_argument("--port", type=int, default=None, help="Port (default: $PORT, else 8000).")
        parser.add_argument(
            "--workers", type=int, default=None, help="Worker processes (default: $WEB_CONCURRENCY)."
        )
        parser.add_argument(
            "--no-task-worker",
            action="store_true",
            help="Do not start the background task worker (run `oncobridge db_worker` separately).",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        port = options["port"] if options["port"] is not None else default_port()
        workers = options["workers"] if options["workers"] is not None else default_workers()
        if workers < 1:
            raise CommandError("--workers must be at least 1.")
        call_command("collectstatic", interactive=False, verbosity=0)
        host = options["host"]
        display_host = f"[{host}]" if ":" in host else host
        self.stdout.write(f"OncoBridge is serving on http://{display_host}:{port}/ with {workers} worker(s).")
        server_options = server_config(host=host, port=port, workers=workers)
        # One machine needs no other server: the database-backed task queue's worker runs beside gunicorn.
        task_worker = (
            None
            if options["no_task_worker"]
            else subprocess.Popen([sys.executable, "-m", "oncobridge", "db_worker", "--no-reload"])
        )
        try:
            OncoBridgeServer(server_options).run()
        finally:
            if task_worker is not None:
                task_worker.terminate()
                task_worker.wait(timeout=30)


def server_config(*, host: str, port: int, workers: int) -> dict[str, Any]:
    bind = f"[{host}]:{port}" if ":" in host else f"{host}:{port}"
    return {
        "bind": bind,
        "workers": workers,
        "accesslog": "-",
        "errorlog": "-",
        "timeout": 60,
        "graceful_timeout": 30,
        # Restarting workers now and then bounds the memory a long-lived process can accumulate.
        "max_requests": 2000,
        "max_requests_jitter": 200,
        "forwarded_allow_ips": os.environ.get("FORWARDED_ALLOW_IPS", "127.0.0.1"),
    }
