"""`oncobridge user create`: a person with a first membership."""

from __future__ import annotations

import sys
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from oncobridge.accounts.models import Role
from oncobridge.accounts.selectors import organisation_by_slug
from oncobridge.accounts.services import user_create
from oncobridge.core.errors import ServiceError


class Command(BaseCommand):
    help = "Create people."

    def add_arguments(self, parser: CommandParser) -> None:
        actions = parser.add_subparsers(dest="action", required=True, metavar="{create}")
        create = actions.add_parser("create", help="Create a person with a role at an organisation.")
        create.add_argument("email")
        create.add_argument("--org", required=True, help="Slug of the organisation.")
        create.add_argument("--role", required=True, choices=Role.values)
        create.add_argument("--name", default="", help="Full name.")
        create.add_argument(
            "--password-stdin",
            action="store_true",
            help="Read the password from the first line of standard input (never from the command line, "
            "where it would end up in the shell history). Without it the account can only use tokens.",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        password = None
        if options["password_stdin"]:
            password = sys.stdin.readline().rstrip("\r\n")
            if not password:
                raise CommandError("--password-stdin was given but standard input held no password.")
        try:
            organisation = organisation_by_slug(options["org"])
            user = user_create(
                email=options["email"],
                organisation=organisation,
                role=options["role"],
                full_name=options["name"],
                password=password,
            )
        except ServiceError as exc:
            raise CommandError(exc.message) from None
        login = "password set" if password else "no password: API tokens only until one is set"
        name = f" ({user.full_name})" if user.full_name else ""
        self.stdout.write(
            f"Created user {user.email}{name}: {options['role']} at {organisation.slug}; {login}"
        )
