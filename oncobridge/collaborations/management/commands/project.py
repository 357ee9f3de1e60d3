"""`oncobridge project export ID --out FILE.zip [--as EMAIL]`: a joint project as a ZIP, with a progress bar.

With `--as EMAIL` the export holds what that person may see (and audits each document under their name);
without it the operator exports everything, audited as the system.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from tqdm import tqdm

from oncobridge.accounts.models import User
from oncobridge.accounts.selectors import user_by_email
from oncobridge.collaborations import access
from oncobridge.collaborations.models import Project
from oncobridge.collaborations.services import project_export
from oncobridge.core.errors import ServiceError
from oncobridge.core.visibility import Viewer

OPERATOR = Viewer(user_id=0, platform_admin=True)


def _project(pk: int, actor: User | None) -> Project:
    if actor is not None:
        return access.project_for_user(actor, pk)
    project = Project.objects.select_related("organisation", "programme").filter(pk=pk).first()
    if project is None:
        raise CommandError(f"No project {pk}.")
    return project


class Command(BaseCommand):
    help = "Joint projects: export one as a ZIP of project.json and its documents."

    def add_arguments(self, parser: CommandParser) -> None:
        actions = parser.add_subparsers(dest="action", required=True, metavar="{export}")
        export = actions.add_parser("export", help="Write project.json and the documents to a ZIP file.")
        export.add_argument("project_id", type=int, metavar="ID", help="The joint project's id.")
        export.add_argument("--out", required=True, type=Path, help="The ZIP file to write.")
        export.add_argument("--as", dest="as_user", help="Export what this person (e-mail) may see.")

    def handle(self, *args: Any, **options: Any) -> None:
        out: Path = options["out"]
        if not out.parent.is_dir():
            raise CommandError(f"--out {out}: the folder {out.parent} does not exist.")
        try:
            actor = user_by_email(options["as_user"]) if options["as_user"] else None
            project = _project(options["project_id"], actor)
            partial = out.with_name(out.name + ".partial")
            try:
                with tqdm(total=1, unit="file", desc="Exporting", disable=None) as bar:

                    def advance(done: int, total: int) -> None:
                        bar.total = total
                        bar.update(done - bar.n)

                    with partial.open("wb") as destination:
                        summary = project_export(
                            actor=actor,
                            project=project,
                            destination=destination,
                            viewer=None if actor is not None else OPERATOR,
                            progress=advance,
                        )
                partial.replace(out)
            finally:
                # An interrupted export leaves no half-written ZIP behind.
                partial.unlink(missing_ok=True)
        except ServiceError as exc:
            raise CommandError(exc.message) from None
        self.stdout.write(
            f"Exported “{project.title}” to {out}: project.json and {summary.files} file(s) of "
            f"{summary.documents} document(s), {summary.bytes_written:,} bytes."
        )
