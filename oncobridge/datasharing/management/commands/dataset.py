"""`oncobridge dataset create|import|list`: shared datasets for operators and scripts.

The forms are fixed (scripts rely on them):
    oncobridge dataset create SLUG --title TITLE --owner ORG_SLUG --duo CODE[,CODE...]
                                   [--ds ONCOTREE_CODE[,CODE...]] [--ts YYYY-MM-DD]
    oncobridge dataset import SLUG --maf FILE | --vcf FILE [--origin somatic|germline]
                                   | --cbioportal-clinical FILE
                                   | --clinical FILE --mapping MAPPING.yaml | --fhir BUNDLE.json
    oncobridge dataset list --json
A refused import prints every problem on standard error and exits with status 1.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from tqdm import tqdm

from oncobridge.accounts.access import viewer_for
from oncobridge.accounts.selectors import organisation_by_slug, user_by_email
from oncobridge.core.errors import ServiceError
from oncobridge.core.visibility import Viewer
from oncobridge.datasharing.models import Dataset
from oncobridge.datasharing.selectors import dataset_list
from oncobridge.datasharing.services import (
    VCF_ORIGINS,
    ImportRefused,
    dataset_create,
    dataset_import,
    import_source,
)

# Without --as the command line acts as the platform itself (an operator on the server).
PLATFORM = Viewer(user_id=0, platform_admin=True)


class Command(BaseCommand):
    help = "Create, import into, or list shared datasets."

    def add_arguments(self, parser: CommandParser) -> None:
        actions = parser.add_subparsers(dest="action", required=True, metavar="{create,import,list}")
        create = actions.add_parser("create", help="Register a dataset with its data-use terms.")
        create.add_argument("slug")
        create.add_argument("--title", required=True)
        create.add_argument("--owner", required=True, help="The owning organisation's slug.")
        create.add_argument("--duo", required=True, help="DUO codes, comma-separated (e.g. GRU,NCU).")
        create.add_argument(
            "--ds",
            help="DS modifier: OncoTree code(s) the data may be used for, comma-separated (needs --duo DS).",
        )
        create.add_argument("--ts", help="TS modifier: the last date the data may be used (needs --duo TS).")
        create.add_argument("--description", default="")
        create.add_argument("--as", dest="as_user", help="Act as this person (e-mail), with their rights.")

        importing = actions.add_parser("import", help="Import a file as the dataset's next version.")
        importing.add_argument("slug")
        source = importing.add_mutually_exclusive_group(required=True)
        source.add_argument("--maf", type=Path, help="A MAF or cBioPortal mutation file (.gz allowed).")
        source.add_argument("--vcf", type=Path, help="An annotated VCF (SnpEff ANN or VEP CSQ).")
        source.add_argument(
            "--cbioportal-clinical",
            type=Path,
            action="append",
            help="A cBioPortal clinical patient or sample file (give it twice for both).",
        )
        source.add_argument("--clinical", type=Path, help="A clinical TSV (needs --mapping).")
        source.add_argument("--fhir", type=Path, help="A FHIR R4 bundle with mCODE profiles.")
        importing.add_argument("--mapping", type=Path, help="The YAML mapping of a --clinical TSV.")
        importing.add_argument(
            "--origin",
            choices=VCF_ORIGINS,
            help="Whether a --vcf holds somatic (the default) or germline calls; shown with the version.",
        )
        importing.add_argument("--no-progress", action="store_true", help="No progress bar.")
        importing.add_argument("--as", dest="as_user", help="Act as this person (e-mail), with their rights.")

        listing = actions.add_parser("list", help="List datasets.")
        listing.add_argument("--json", action="store_true", help="One JSON document on standard output.")

    def handle(self, *args: Any, **options: Any) -> None:
        try:
            actor = user_by_email(options["as_user"]) if options.get("as_user") else None
            viewer = viewer_for(actor) if actor is not None else PLATFORM
            if options["action"] == "create":
                self._create(options, actor=actor, viewer=viewer)
            elif options["action"] == "import":
                self._import(options, actor=actor, viewer=viewer)
            else:
                self._list(options)
        except ImportRefused as refused:
            for problem in refused.problems:
                self.stderr.write(str(problem))
            if refused.omitted:
                self.stderr.write(f"... and {refused.omitted} more problems")
            raise CommandError(refused.message) from None
        except ServiceError as exc:
            raise CommandError(exc.message) from None

    def _create(self, options: dict[str, Any], *, actor: Any, viewer: Viewer) -> None:
        modifiers: dict[str, Any] = {}
        if options["ds"] is not None:
            modifiers["DS"] = [code.strip() for code in options["ds"].split(",") if code.strip()]
        if options["ts"] is not None:
            modifiers["TS"] = options["ts"]
        dataset = dataset_create(
            viewer=viewer,
            actor=actor,
            slug=options["slug"],
            title=options["title"],
            organisation=organisation_by_slug(options["owner"]),
            duo_codes=options["duo"].split(","),
            duo_modifiers=modifiers,
            description=options["description"],
        )
        terms = ", ".join(
            f"{code} {self._modifier(dataset.duo_modifiers[code])}" if code in dataset.duo_modifiers else code
            for code in dataset.duo_codes
        )
        self.stdout.write(f"Created dataset {dataset.slug} ({terms}).")

    @staticmethod
    def _modifier(value: Any) -> str:
        return ",".join(value) if isinstance(value, list) else str(value)

    def _import(self, options: dict[str, Any], *, actor: Any, viewer: Viewer) -> None:
        dataset = Dataset.objects.filter(slug=options["slug"]).first()
        if dataset is None:
            raise CommandError(f"No dataset '{options['slug']}'.")
        source = import_source(
            maf=options["maf"],
            vcf=options["vcf"],
            cbioportal_clinical=options["cbioportal_clinical"] or (),
            clinical=options["clinical"],
            mapping=options["mapping"],
            fhir=options["fhir"],
            origin=options["origin"],
        )
        with tqdm(
            unit=" rows", unit_scale=True, file=self.stderr, disable=options["no_progress"], desc="import"
        ) as bar:
            version = dataset_import(
                viewer=viewer,
                actor=actor,
                dataset=dataset,
                source=source,
                progress=bar.update,
            )
        counts = ", ".join(f"{table} {rows}" for table, rows in version.row_counts.items())
        self.stdout.write(f"Imported {dataset.slug} v{version.number}: {counts}.")
        for warning in version.warnings:
            self.stderr.write(f"warning: {warning}")

    def _list(self, options: dict[str, Any]) -> None:
        rows = [
            {
                "slug": dataset.slug,
                "title": dataset.title,
                "organisation": dataset.organisation.slug,
                "duo_codes": dataset.duo_codes,
                "duo_modifiers": dataset.duo_modifiers,
                "data_types": dataset.data_types,
                "current_version": dataset.current_version.number if dataset.current_version else None,
                "row_counts": dataset.current_version.row_counts if dataset.current_version else {},
            }
            for dataset in dataset_list(viewer=PLATFORM)
        ]
        if options["json"]:
            self.stdout.write(json.dumps(rows, indent=2))
            return
        for row in rows:
            version = f"v{row['current_version']}" if row["current_version"] else "no data"
            self.stdout.write(f"{row['slug']}\t{version}\t{row['title']}")
