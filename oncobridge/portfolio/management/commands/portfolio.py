"""`oncobridge portfolio import|export`: the portfolio as CSV or TSV (the format: portfolio/csvio.py)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from oncobridge.accounts.access import viewer_for
from oncobridge.accounts.selectors import organisation_by_slug, user_by_email
from oncobridge.core.errors import ServiceError
from oncobridge.core.visibility import Viewer
from oncobridge.portfolio.csvio import ImportRefused, portfolio_export, portfolio_export_to, portfolio_import

# Without --as the command line acts as the platform itself: it sees and may change everything. The id 0
# belongs to no account; it only marks the viewer as someone rather than an anonymous visitor.
PLATFORM = Viewer(user_id=0, platform_admin=True)


class Command(BaseCommand):
    help = "Import or export research assets, partner needs and research projects as CSV/TSV."

    def add_arguments(self, parser: CommandParser) -> None:
        actions = parser.add_subparsers(dest="action", required=True, metavar="{import,export}")
        importing = actions.add_parser("import", help="Import a .csv or .tsv file: all rows or none.")
        importing.add_argument("file", type=Path)
        importing.add_argument(
            "--org", help="Organisation (slug) for rows whose organisation column is empty."
        )
        importing.add_argument(
            "--as", dest="as_user", help="Import as this person (e-mail), with their rights."
        )
        exporting = actions.add_parser("export", help="Export the entries visible to a person (or all).")
        exporting.add_argument(
            "--out", type=Path, help="A .csv or .tsv file (default: CSV on standard output)."
        )
        exporting.add_argument("--as", dest="as_user", help="Export what this person (e-mail) may see.")

    def handle(self, *args: Any, **options: Any) -> None:
        try:
            actor = user_by_email(options["as_user"]) if options["as_user"] else None
            viewer = viewer_for(actor) if actor is not None else PLATFORM
            if options["action"] == "import":
                self._import(options, actor=actor, viewer=viewer)
            else:
                self._export(options, viewer=viewer)
        except ImportRefused as refused:
            for problem in refused.problems:
                self.stderr.write(str(problem))
            raise CommandError(
                f"Nothing was imported: {len(refused.problems)} problem(s) in {options['file'].name}."
            ) from None
        except ServiceError as exc:
            raise CommandError(exc.message) from None

    def _import(self, options: dict[str, Any], *, actor: Any, viewer: Viewer) -> None:
        path: Path = options["file"]
        if not path.is_file():
            raise CommandError(f"{path} is not a file.")
        default_organisation = organisation_by_slug(options["org"]) if options["org"] else None
        report = portfolio_import(path, actor=actor, viewer=viewer, default_organisation=default_organisation)
        self.stdout.write(str(report))

    def _export(self, options: dict[str, Any], *, viewer: Viewer) -> None:
        if options["out"] is None:
            portfolio_export_to(self.stdout, viewer=viewer)
            return
        count = portfolio_export(options["out"], viewer=viewer)
        self.stderr.write(f"Exported {count} rows to {options['out']}.")
