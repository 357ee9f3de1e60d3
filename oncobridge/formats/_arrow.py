"""Small vectorised helpers for validating string columns with pyarrow compute."""

from __future__ import annotations

from collections.abc import Callable

import pyarrow as pa
import pyarrow.compute as pc

_INTEGER = r"^\s*[+-]?\d+\s*$"
_NUMBER = r"^\s*[+-]?(\d+(\.\d*)?|\.\d+)([eE][+-]?\d+)?\s*$"


def row_indices(mask: pa.Array) -> list[int]:
    """Positions where a boolean mask is true (nulls count as false)."""
    return pc.indices_nonzero(pc.fill_null(mask, False)).to_pylist()  # type: ignore[no-any-return]


def parse_integers(values: pa.Array) -> tuple[pa.Array, pa.Array]:
    """(int64 values, mask of non-empty values that are not integers); the fast path is one cast."""
    try:
        return pc.cast(pc.utf8_trim_whitespace(values), pa.int64()), pa.nulls(len(values), pa.bool_())
    except pa.ArrowInvalid:
        good = pc.match_substring_regex(values, _INTEGER)
        bad = pc.and_(pc.is_valid(values), pc.invert(pc.fill_null(good, False)))
        cleaned = pc.if_else(pc.fill_null(good, False), values, pa.scalar(None, pa.string()))
        return pc.cast(pc.utf8_trim_whitespace(cleaned), pa.int64()), bad


def parse_numbers(values: pa.Array) -> tuple[pa.Array, pa.Array]:
    """(float64 values, mask of non-empty values that are not numbers)."""
    try:
        return pc.cast(pc.utf8_trim_whitespace(values), pa.float64()), pa.nulls(len(values), pa.bool_())
    except pa.ArrowInvalid:
        good = pc.match_substring_regex(values, _NUMBER)
        bad = pc.and_(pc.is_valid(values), pc.invert(pc.fill_null(good, False)))
        cleaned = pc.if_else(pc.fill_null(good, False), values, pa.scalar(None, pa.string()))
        return pc.cast(pc.utf8_trim_whitespace(cleaned), pa.float64()), bad


def not_in(values: pa.Array, allowed: frozenset[str]) -> pa.Array:
    """Mask of non-empty values outside an allowed set."""
    inside = pc.is_in(values, value_set=pa.array(sorted(allowed), pa.string()))
    return pc.and_(pc.is_valid(values), pc.invert(inside))


def map_distinct(values: pa.Array, function: Callable[[str], str | None]) -> pa.Array:
    """Apply a Python function once per distinct value (chromosomes, builds) and spread the results back."""
    uniques = pc.unique(values)
    mapped = pa.array(
        [None if value is None else function(value) for value in uniques.to_pylist()], pa.string()
    )
    return mapped.take(pc.index_in(values, value_set=uniques))


def first_positions(names: pa.Array) -> dict[str, int]:
    """Each distinct value's first position (index_in of the distinct values finds their first occurrence)."""
    uniques = pc.unique(names)
    return dict(zip(uniques.to_pylist(), pc.index_in(uniques, value_set=names).to_pylist(), strict=True))
