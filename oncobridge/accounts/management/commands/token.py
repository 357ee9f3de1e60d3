"""`oncobridge token create|list|revoke`: personal access tokens for the API."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from oncobridge.accounts.models import PersonalAccessToken
from oncobridge.accounts.selectors import token_list, user_by_email
from oncobridge.accounts.services import token_create, token_revoke
from oncobridge.core.errors import ServiceError


class Command(BaseCommand):
    help = "Create, list or revoke personal access tokens."

    def add_arguments(self, parser: CommandParser) -> None:
        actions = parser.add_subparsers(dest="action", required=True, metavar="{create,list,revoke}")
        create = actions.add_parser(
            "create", help="Issue a token; prints only the secret, once, so that scripts can capture it."
        )
        create.add_argument("--user", required=True, help="E-mail of the token's owner.")
        create.add_argument("--name", default="API token")
        listing = actions.add_parser(
            "list", help="A user's tokens: id, prefix, name, state, created, last used."
        )
        listing.add_argument("--user", required=True)
        revoke = actions.add_parser("revoke", help="Revoke a token by its id (see `token list`).")
        revoke.add_argument("id", type=int)

    def handle(self, *args: Any, **options: Any) -> None:
        try:
            getattr(self, f"_{options['action']}")(options)
        except ServiceError as exc:
            raise CommandError(exc.message) from None

    def _create(self, options: dict[str, Any]) -> None:
        issued = token_create(user=user_by_email(options["user"]), name=options["name"])
        self.stdout.write(issued.secret)

    def _list(self, options: dict[str, Any]) -> None:
        for token in token_list(user=user_by_email(options["user"])):
            state = "revoked" if token.revoked_at else ("active" if token.is_usable() else "expired")
            last_used = f"{token.last_used_at:%Y-%m-%d %H:%M}" if token.last_used_at else "never"
            created = f"{token.created_at:%Y-%m-%d %H:%M}"
            self.stdout.write(f"{token.pk}\t{token.prefix}…\t{token.name}\t{state}\t{created}\t{last_used}")

    def _revoke(self, options: dict[str, Any]) -> None:
        token = PersonalAccessToken.objects.select_related("user").filter(pk=options["id"]).first()
        if token is None:
            raise CommandError(f"No token with id {options['id']}.")
        # The command line acts as the platform itself, not as any person.
        token_revoke(token=token, actor=None)  # type: ignore[arg-type]
        self.stdout.write(f"Revoked token {token.pk} ({token.prefix}…) of {token.user.email}")
