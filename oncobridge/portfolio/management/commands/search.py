"""`oncobridge search reindex`: rebuild the portfolio search index."""

from __future__ import annotations

import sys
from typing import Any

from django.core.management.base import BaseCommand, CommandParser
from tqdm import tqdm

from oncobridge.portfolio import indexing


class Command(BaseCommand):
    help = "Search index maintenance."

    def add_arguments(self, parser: CommandParser) -> None:
        actions = parser.add_subparsers(dest="action", required=True, metavar="{reindex}")
        reindex = actions.add_parser("reindex", help="Rebuild the whole search index from the portfolio.")
        reindex.add_argument("--no-progress", action="store_true", help="No progress bar on standard error.")

    def handle(self, *args: Any, **options: Any) -> None:
        total = sum(queryset().count() for queryset in indexing.INDEXED_QUERYSETS.values())
        with tqdm(
            total=total, desc="Indexing", unit=" entries", file=sys.stderr, disable=options["no_progress"]
        ) as bar:

            def advance(count: int) -> None:
                bar.update(count)

            written = indexing.documents_rebuild(progress=advance)
        self.stdout.write(f"Indexed {written} portfolio entries.")
