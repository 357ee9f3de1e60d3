"""`oncobridge agreements remind [--days N]`: lapsed agreements marked expired, then expiry reminders."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandParser

from oncobridge.collaborations.services import agreement_reminders_send, agreements_expire


class Command(BaseCommand):
    help = (
        "Agreements: mark executed agreements past their expiry date as expired, and send expiry reminders "
        "(in the app and by e-mail) to the parties' alliance managers."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        actions = parser.add_subparsers(dest="action", required=True, metavar="{remind}")
        remind = actions.add_parser(
            "remind",
            help="Mark lapsed agreements expired; remind of executed agreements expiring soon, once each.",
        )
        remind.add_argument("--days", type=int, default=60, help="How far ahead to look (default 60 days).")

    def handle(self, *args: Any, **options: Any) -> None:
        expired = agreements_expire()
        self.stdout.write(f"Marked {expired} agreement(s) past their expiry date as expired.")
        count = agreement_reminders_send(within_days=options["days"])
        self.stdout.write(
            f"Sent expiry reminders for {count} agreement(s) expiring within {options['days']} days."
        )
