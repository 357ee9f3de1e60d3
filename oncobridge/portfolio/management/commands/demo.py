"""`oncobridge demo`: load the demo alliance (idempotently), say how to log in, then serve it."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandParser

from oncobridge.portfolio.demo import DEMO_PASSWORD_ENV, DemoReport, demo_load


class Command(BaseCommand):
    help = (
        "Load the demo alliance (built-in personas and portfolio, plus the real public data under "
        "ONCOBRIDGE_DATA_DIR when present) and serve it. Safe to run again: nothing is duplicated. "
        f"The demo password (env {DEMO_PASSWORD_ENV}, default 'oncobridge-demo') is for a local demo only."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--no-serve", action="store_true", help="Load the data, then exit.")
        parser.add_argument("--host", default="127.0.0.1")
        parser.add_argument("--port", type=int, default=None, help="Port (default: $PORT, else 8000).")
        parser.add_argument("--no-progress", action="store_true", help="No progress bars on standard error.")

    def handle(self, *args: Any, **options: Any) -> None:
        call_command("migrate", interactive=False, verbosity=0)
        report = demo_load(data_dir=settings.ONCOBRIDGE_DATA_DIR, show_progress=not options["no_progress"])
        if not options["no_serve"]:
            # Find partners works from the first click; embeddings are cached, so later runs take seconds.
            call_command("match", "reindex", *(["--no-progress"] if options["no_progress"] else []))
        self._summary(report)
        if options["no_serve"]:
            self.stdout.write("Run `oncobridge match reindex` to build the matchmaking index before serving.")
        else:
            serve_options: dict[str, Any] = {"host": options["host"]}
            if options["port"] is not None:
                serve_options["port"] = options["port"]
            call_command("serve", **serve_options)

    def _summary(self, report: DemoReport) -> None:
        write = self.stdout.write
        if report.public_data:
            write(f"Demo alliance loaded with the real public data from {settings.ONCOBRIDGE_DATA_DIR}.")
        else:
            write(self.style.WARNING("Using the smaller built-in alliance, because:"))
        for sentence in report.lacking:
            write(f"  - {sentence}")
        for kind, count in sorted(report.warnings.items()):
            write(self.style.WARNING(f"  ! {count} {kind} (e.g. {report.warning_examples[kind]})"))
        write(
            "  "
            + ", ".join(f"{count} {name}" for name, count in report.counts.items())
            + f" ({report.seconds:.1f} s)"
        )
        write("")
        write("Demo logins (local demo only; never use these on a real deployment):")
        width = max(len(persona.email) for persona in report.personas)
        for persona in report.personas:
            write(
                f"  {persona.email:<{width}}  {persona.role:<16}  {persona.organisation:<22}  {persona.note}"
            )
        write(f"Password for all of them: {report.password}  (set {DEMO_PASSWORD_ENV} to change it)")
