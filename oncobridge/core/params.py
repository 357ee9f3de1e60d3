"""Reading record ids from query strings and form fields, where anything may arrive."""

from __future__ import annotations

# A database id fits a signed 64-bit integer; longer digit strings overflow the driver (a 500).
_MAX_ID_DIGITS = 18


def record_id(value: str | None) -> int | None:
    """The positive id that `value` spells in ASCII digits, or None.

    str.isdigit() alone is not enough: "²" and "٣" are digits to it, and int() then raises."""
    if not value or not value.isascii() or not value.isdigit() or len(value) > _MAX_ID_DIGITS:
        return None
    number = int(value)
    return number if number > 0 else None
