"""Opening plain or gzipped text files, and reading their comment/header lines, the same way everywhere."""

from __future__ import annotations

import gzip
import zlib
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import TextIO

import pyarrow as pa

from oncobridge.formats.problems import Problems

GZIP_MAGIC = b"\x1f\x8b"


def is_gzip(path: Path) -> bool:
    # The magic bytes, not the suffix: files get renamed, and a ".txt" may well be gzipped.
    with path.open("rb") as handle:
        return handle.read(2) == GZIP_MAGIC


def open_text(path: Path) -> TextIO:
    """Universal newlines (\\n, \\r\\n, and old Mac \\r as in maftools' APL files); UTF-8, errors replaced."""
    if is_gzip(path):
        return gzip.open(path, "rt", encoding="utf-8", errors="replace", newline=None)
    return path.open(encoding="utf-8", errors="replace", newline=None)


def arrow_stream(path: Path) -> pa.NativeFile:
    return pa.input_stream(str(path), compression="gzip" if is_gzip(path) else None)


@dataclass(frozen=True, slots=True)
class Preamble:
    comments: list[str]  # the leading "#" lines, without the "#"
    header: list[str]  # the column names
    header_line: int  # 1-based line number of the header


def read_preamble(path: Path, problems: Problems, *, comment: str = "#") -> Preamble | None:
    """The leading comment lines and the header line; None (with a problem) when there is no header."""
    comments: list[str] = []
    try:
        with open_text(path) as handle:
            for number, raw_line in enumerate(handle, start=1):
                line = raw_line.rstrip("\n")
                if line.startswith(comment):
                    comments.append(line[len(comment) :])
                    continue
                if not line.strip():
                    problems.add(number, None, "blank line before the header line")
                    return None
                return Preamble(comments, [name.strip() for name in line.split("\t")], number)
    except (OSError, EOFError, zlib.error) as exc:
        problems.add(None, None, f"cannot read the file: {exc}")
        return None
    problems.add(None, None, "the file has no header line")
    return None


def iter_lines(path: Path) -> Iterator[tuple[int, str]]:
    """(line number, text) for every physical line; used only on the slow path that locates bad lines."""
    with open_text(path) as handle:
        for number, raw_line in enumerate(handle, start=1):
            yield number, raw_line.rstrip("\n")
