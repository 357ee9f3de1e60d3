"""What `oncobridge analyze` and `oncobridge cohort` share: who acts, and how results are printed."""

from __future__ import annotations

import json
from collections.abc import Sequence
from typing import Any

from django.core.management.base import CommandError, OutputWrapper

from oncobridge.accounts.models import User
from oncobridge.accounts.selectors import user_by_email


def actor_from(options: dict[str, Any]) -> User | None:
    """The person named by --as (their permissions and suppression apply); None: the operator."""
    email = options.get("as_user")
    return user_by_email(email) if email else None


def split_list(value: str | None) -> list[str]:
    return [part.strip() for part in (value or "").split(",") if part.strip()]


def definition_from(options: dict[str, Any]) -> object:
    raw = options.get("definition")
    if not raw:
        return None
    try:
        return json.loads(raw)
    except json.JSONDecodeError as exc:
        raise CommandError(f"--definition is not valid JSON: {exc.msg} (column {exc.colno}).") from None


def shown(value: object) -> str:
    if value is None:
        return "-"
    if isinstance(value, float):
        return f"{value:.4g}"
    return str(value)


def write_table(out: OutputWrapper, header: Sequence[str], rows: Sequence[Sequence[object]]) -> None:
    """A plain, aligned text table for people (scripts use --json)."""
    cells = [list(header), *[[shown(value) for value in row] for row in rows]]
    widths = [max(len(row[i]) for row in cells) for i in range(len(header))]
    for row in cells:
        out.write("  ".join(cell.ljust(width) for cell, width in zip(row, widths, strict=True)).rstrip())
