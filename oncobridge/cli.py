"""The `oncobridge` console script: Django's management commands with OncoBridge's settings."""

from __future__ import annotations

import os
import sys


def main(argv: list[str] | None = None) -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "oncobridge.settings")
    from django.core.management import execute_from_command_line
    from django.db import DatabaseError

    try:
        execute_from_command_line(["oncobridge", *(sys.argv[1:] if argv is None else argv)])
    except DatabaseError as exc:
        # Most often a database that is new or older than the code: say what to do, not a traceback.
        sys.stderr.write(
            f"Database error: {exc}\n"
            "If the database is new or OncoBridge was upgraded, run `oncobridge migrate` first.\n"
        )
        sys.exit(1)


if __name__ == "__main__":
    main()
