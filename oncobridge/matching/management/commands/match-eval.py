"""`oncobridge match-eval --corpus CORPUS.jsonl --queries QUERIES.jsonl [--method …] [--k 10]`.

Prints one JSON object, exactly as `python -m oncobridge.matching.engine.evaluation` does. Django names a
command after its module, so this module's name has a hyphen: it is found by pkgutil and loaded with
importlib, neither of which needs the name to be an identifier.
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError, CommandParser

from oncobridge.matching.engine.evaluation import METHODS, main


class Command(BaseCommand):
    help = "Evaluate matching (recall@k, MRR, nDCG@k) on a corpus and queries in JSON lines."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--corpus", type=Path, required=True)
        parser.add_argument("--queries", type=Path, required=True)
        parser.add_argument("--method", choices=sorted(METHODS), default="hybrid")
        parser.add_argument("--k", type=int, default=10)

    def handle(self, *args: Any, **options: Any) -> None:
        # The engine reads these from the environment: give it this deployment's data and cache folders.
        if settings.ONCOBRIDGE_DATA_DIR is not None:
            os.environ.setdefault("ONCOBRIDGE_DATA_DIR", str(settings.ONCOBRIDGE_DATA_DIR))
        os.environ.setdefault("ONCOBRIDGE_CACHE_DIR", str(Path(settings.VAR_DIR) / "cache" / "matching"))
        argv = [
            "--corpus",
            str(options["corpus"]),
            "--queries",
            str(options["queries"]),
            "--method",
            options["method"],
            "--k",
            str(options["k"]),
        ]
        status = main(argv)
        if status:
            raise CommandError("match-eval failed (see the message above).", returncode=status)
