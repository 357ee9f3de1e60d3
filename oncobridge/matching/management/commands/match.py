"""`oncobridge match reindex | report`: the match index and the ranking-quality report."""

from __future__ import annotations

import json
import sys
import time
from typing import Any

from django.core.management.base import BaseCommand, CommandParser
from tqdm import tqdm

from oncobridge.matching import indexing, selectors


class Command(BaseCommand):
    help = "Matchmaking: rebuild the match index, or report on ranking quality."

    def add_arguments(self, parser: CommandParser) -> None:
        actions = parser.add_subparsers(dest="action", required=True, metavar="{reindex,report}")
        reindex = actions.add_parser("reindex", help="Rebuild the match index from the whole portfolio.")
        reindex.add_argument("--no-progress", action="store_true", help="No progress bar on standard error.")
        report = actions.add_parser("report", help="How introductions turned out, by score and score part.")
        report.add_argument("--json", action="store_true", help="Print one JSON object.")

    def handle(self, *args: Any, **options: Any) -> None:
        if options["action"] == "reindex":
            self._reindex(show_progress=not options["no_progress"])
        else:
            self._report(as_json=options["json"])

    def _reindex(self, *, show_progress: bool) -> None:
        started = time.perf_counter()
        with tqdm(
            total=indexing.entry_count(),
            desc="Matching index",
            unit=" entries",
            file=sys.stderr,
            disable=not show_progress,
        ) as bar:

            def advance(count: int) -> None:
                bar.update(count)

            count = indexing.index_rebuild(progress=advance)
        seconds = time.perf_counter() - started
        self.stdout.write(f"Indexed {count} portfolio entries for matching in {seconds:.1f} s.")

    def _report(self, *, as_json: bool) -> None:
        report = selectors.ranking_report()
        if as_json:
            self.stdout.write(json.dumps(report.as_json()))
            return
        self.stdout.write(f"Introductions: {report.introductions}")
        self.stdout.write("By outcome: " + ", ".join(f"{k} {v}" for k, v in report.by_outcome.items()))
        for bucket in report.by_score:
            rate = "-" if bucket.acceptance_rate is None else f"{bucket.acceptance_rate:.0%}"
            self.stdout.write(f"Score {bucket.label}: {bucket.positive}/{bucket.recorded} positive ({rate})")
