"""Streaming tab-separated reading on pyarrow's CSV reader, with exact line numbers for problems.

pyarrow parses in C++ and converts only the columns asked for, which is what makes large MAFs fast. It does
not report line numbers, so rows are counted here: each data row is one physical line (blank lines come
through as empty rows), except lines with the wrong number of fields, which pyarrow hands to a callback and
skips. Only when such lines exist does a second, slow pass find their line numbers, and that happens on the
refusal path alone.
"""

from __future__ import annotations

import bisect
import zlib
from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path

import pyarrow as pa
import pyarrow.csv as pacsv

from oncobridge.formats._text import Preamble, arrow_stream, iter_lines, read_preamble
from oncobridge.formats.problems import Problems

BLOCK_SIZE = 8 << 20  # 8 MiB of text per batch: large enough for throughput, small enough to stream
DEFAULT_NULLS = ["", "NA", "N/A", "NULL", "null", "NaN", "nan"]


def find_columns(header: Sequence[str], wanted: Mapping[str, Sequence[str]]) -> dict[str, str]:
    """Our name -> the file's column, for the first alias present (case-insensitive)."""
    by_lower: dict[str, str] = {}
    for name in header:
        by_lower.setdefault(name.lower(), name)
    found: dict[str, str] = {}
    for ours, aliases in wanted.items():
        for alias in aliases:
            if alias.lower() in by_lower:
                found[ours] = by_lower[alias.lower()]
                break
    return found


@dataclass
class TsvBatches:
    """Read selected columns of a TSV (plain or gzipped) as all-string record batches, in order."""

    path: Path
    problems: Problems
    comment: str = "#"
    null_values: list[str] = field(default_factory=lambda: list(DEFAULT_NULLS))
    preamble: Preamble | None = None
    rows_read: int = 0
    _skipped_texts: list[str] = field(default_factory=list)
    _pending: list[tuple[int, str | None, str]] = field(default_factory=list)
    _pending_omitted: int = 0

    def open(self) -> Preamble | None:
        self.preamble = read_preamble(self.path, self.problems, comment=self.comment)
        if self.preamble is not None:
            names = self.preamble.header
            if len(set(names)) != len(names):
                duplicates = sorted({name for name in names if names.count(name) > 1})
                self.problems.add(
                    self.preamble.header_line, None, f"duplicate column names: {', '.join(duplicates)}"
                )
        return self.preamble

    def batches(self, columns: Sequence[str]) -> Iterator[tuple[int, pa.RecordBatch]]:
        """(index of the batch's first data row, batch) for the named columns, all as strings."""
        preamble = self.preamble
        assert preamble is not None, "call open() first"  # noqa: S101 - a programming error, not input
        # Our own column names: a file's duplicate or empty names must not confuse pyarrow.
        names = [f"c{index}" for index in range(len(preamble.header))]
        index_of = {name: index for index, name in reversed(list(enumerate(preamble.header)))}
        include = [names[index_of[column]] for column in columns]

        def on_invalid(row: pacsv.InvalidRow) -> str:
            self._skipped_texts.append(row.text or "")
            return "skip"

        read_options = pacsv.ReadOptions(
            column_names=names, skip_rows=preamble.header_line, block_size=BLOCK_SIZE, use_threads=True
        )
        parse_options = pacsv.ParseOptions(
            delimiter="\t", quote_char=False, ignore_empty_lines=False, invalid_row_handler=on_invalid
        )
        convert_options = pacsv.ConvertOptions(
            include_columns=include,
            column_types=dict.fromkeys(include, pa.string()),
            null_values=self.null_values,
            strings_can_be_null=True,
        )
        offset = 0
        try:
            with arrow_stream(self.path) as stream:
                reader = pacsv.open_csv(
                    stream,
                    read_options=read_options,
                    parse_options=parse_options,
                    convert_options=convert_options,
                )
                for batch in reader:
                    renamed = pa.RecordBatch.from_arrays(batch.columns, names=list(columns))
                    yield offset, renamed
                    offset += batch.num_rows
        except (pa.ArrowInvalid, OSError, EOFError, zlib.error) as exc:
            # A truncated gzip or an unreadable block: everything after it is lost, so refuse the file.
            self.problems.add(None, None, f"the file is truncated or corrupt after data row {offset}: {exc}")
        self.rows_read = offset

    def row_problem(self, row_index: int, field_name: str | None, message: str) -> None:
        """A problem at a data row (0-based, counted in batches); finish() settles its line."""
        if len(self._pending) < self.problems.limit:
            self._pending.append((row_index, field_name, message))
        else:
            self._pending_omitted += 1

    def line_of(self, row_index: int) -> int:
        return self._line_mapper()(row_index)

    def finish(self) -> None:
        """Turn row problems into line problems and report lines that had the wrong number of fields."""
        if self.preamble is None:
            return
        to_line = self._line_mapper()
        for row_index, field_name, message in self._pending:
            self.problems.add(to_line(row_index), field_name, message)
        self.problems.omitted += self._pending_omitted
        self._pending.clear()

    _mapper_cache: list[int] | None = None

    def _line_mapper(self) -> _RowToLine:
        preamble = self.preamble
        assert preamble is not None  # noqa: S101
        if self._mapper_cache is None:
            self._mapper_cache = self._locate_skipped_lines() if self._skipped_texts else []
        return _RowToLine(preamble.header_line + 1, self._mapper_cache)

    def _locate_skipped_lines(self) -> list[int]:
        preamble = self.preamble
        assert preamble is not None  # noqa: S101
        width = len(preamble.header)
        skipped: list[int] = []
        for number, text in iter_lines(self.path):
            if number <= preamble.header_line or not text:
                continue
            fields = text.count("\t") + 1
            if fields != width:
                skipped.append(number)
                if text.startswith(self.comment):
                    continue  # a comment line among the data: harmless
                self.problems.add(number, None, f"expected {width} tab-separated fields, found {fields}")
        return skipped


@dataclass(frozen=True, slots=True)
class _RowToLine:
    first_data_line: int
    skipped_lines: list[int]

    def __call__(self, row_index: int) -> int:
        line = self.first_data_line + row_index
        # Each skipped line at or before the candidate pushes the row one line further down.
        passed = 0
        while True:
            count = bisect.bisect_right(self.skipped_lines, line)
            if count == passed:
                return line
            line += count - passed
            passed = count
