"""`oncobridge org create|list`: the organisations of the alliance network."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from oncobridge.accounts.models import OrganisationKind
from oncobridge.accounts.selectors import organisation_list
from oncobridge.accounts.services import organisation_create
from oncobridge.core.errors import ServiceError


class Command(BaseCommand):
    help = "Create or list organisations."

    def add_arguments(self, parser: CommandParser) -> None:
        actions = parser.add_subparsers(dest="action", required=True, metavar="{create,list}")
        create = actions.add_parser("create", help="Create an organisation.")
        create.add_argument("slug", help="Short unique identifier: lower-case letters, digits and hyphens.")
        create.add_argument("--name", required=True)
        create.add_argument("--kind", required=True, choices=OrganisationKind.values)
        membership = create.add_mutually_exclusive_group()
        membership.add_argument(
            "--alliance-member",
            dest="alliance_member",
            action="store_true",
            default=None,
            help="Runs the alliance (default for academic institutions and hospitals).",
        )
        membership.add_argument(
            "--partner",
            dest="alliance_member",
            action="store_false",
            help="A partner, not an alliance member (default for companies, funders and non-profits).",
        )
        create.add_argument("--city", default="")
        create.add_argument("--country", default="")
        listing = actions.add_parser("list", help="List organisations, one per line: slug, kind, name.")
        listing.add_argument("--kind", choices=OrganisationKind.values)

    def handle(self, *args: Any, **options: Any) -> None:
        if options["action"] == "create":
            self._create(options)
        else:
            self._list(options)

    def _create(self, options: dict[str, Any]) -> None:
        try:
            organisation = organisation_create(
                slug=options["slug"],
                name=options["name"],
                kind=options["kind"],
                alliance_member=options["alliance_member"],
                city=options["city"],
                country=options["country"],
            )
        except ServiceError as exc:
            raise CommandError(exc.message) from None
        role = "alliance member" if organisation.alliance_member else "partner"
        self.stdout.write(
            f"Created organisation {organisation.slug}: {organisation.name} ({organisation.kind}, {role})"
        )

    def _list(self, options: dict[str, Any]) -> None:
        for organisation in organisation_list(kind=options["kind"]):
            member = "member" if organisation.alliance_member else "partner"
            self.stdout.write(f"{organisation.slug}\t{organisation.kind}\t{member}\t{organisation.name}")
