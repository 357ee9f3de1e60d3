"""CSV text for the tables behind the charts: numbers written so that reading them back gives them exactly."""

from __future__ import annotations

import csv
import io
from collections.abc import Iterable, Sequence

Cell = str | int | float | None
_FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def csv_text(header: Sequence[str], rows: Iterable[Sequence[Cell]]) -> str:
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    writer.writerow(header)
    for row in rows:
        writer.writerow([_cell(value) for value in row])
    return buffer.getvalue()


def _cell(value: Cell) -> str:
    if value is None:
        return ""
    if isinstance(value, float):
        return repr(value)  # the shortest text that reads back as the same float ("inf" and "nan" too)
    text = str(value)
    if isinstance(value, str) and text.startswith(_FORMULA_STARTS):
        # A data value such as "=HYPERLINK(...)" from an imported file must not run as a spreadsheet
        # formula when someone opens the export (OWASP's CSV injection advice: quote it as text).
        return "'" + text
    return text
