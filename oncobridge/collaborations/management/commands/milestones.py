"""`oncobridge milestones overdue`: tell owners (or the leads) of overdue milestones, once per due date."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandParser

from oncobridge.collaborations.services import milestone_overdue_notices_send


class Command(BaseCommand):
    help = "Milestones: notify (in the app and by e-mail) the owners of overdue milestones, once each."

    def add_arguments(self, parser: CommandParser) -> None:
        actions = parser.add_subparsers(dest="action", required=True, metavar="{overdue}")
        actions.add_parser("overdue", help="Notify of milestones past their due date and not done.")

    def handle(self, *args: Any, **options: Any) -> None:
        count = milestone_overdue_notices_send()
        self.stdout.write(f"Sent overdue notices for {count} milestone(s).")
