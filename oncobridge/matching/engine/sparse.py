"""An incrementally updatable sparse row store: rows are index slots, columns are terms or concept codes.

Rows live in a compressed column matrix (fast to read whole columns, which is what scoring does) plus a small
set of pending rows written since the last compaction. Replacing or removing a row marks its old copy stale,
so single updates cost nothing up front; compact() folds the pending rows in once there are enough of them.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from pathlib import Path
from typing import Any

import numpy as np
import numpy.typing as npt
import scipy.sparse as sp

FloatArray = npt.NDArray[np.float32]
IntArray = npt.NDArray[np.int64]


class SparseRows:
    """Rows of (column name -> value); columns are named by strings and numbered on first sight."""

    def __init__(self) -> None:
        self.columns: dict[str, int] = {}
        self.names: list[str] = []
        self._base: sp.csc_matrix = sp.csc_matrix((0, 0), dtype=np.float32)
        self._stale = np.zeros(0, dtype=bool)
        self._stale_count = 0
        self._pending: dict[int, tuple[IntArray, FloatArray]] = {}
        self._pending_matrix: tuple[sp.csc_matrix, IntArray] | None = None

    # --- writing ----------------------------------------------------------------------------------------

    def _column(self, name: str) -> int:
        number = self.columns.get(name)
        if number is None:
            number = self.columns[name] = len(self.names)
            self.names.append(name)
        return number

    def set_row(self, slot: int, values: Mapping[str, float]) -> None:
        columns = np.fromiter((self._column(name) for name in values), dtype=np.int64, count=len(values))
        data = np.fromiter(values.values(), dtype=np.float32, count=len(values))
        self._supersede(slot)
        self._pending[slot] = (columns, data)

    def clear_row(self, slot: int) -> None:
        self._supersede(slot)

    def _supersede(self, slot: int) -> None:
        if slot < self._stale.size and not self._stale[slot]:
            self._stale[slot] = True
            self._stale_count += 1
        self._pending.pop(slot, None)
        self._pending_matrix = None

    @property
    def pending_count(self) -> int:
        return len(self._pending)

    def compact(self, rows: int) -> None:
        """Fold pending rows into the column matrix; afterwards it has `rows` rows and nothing is stale."""
        base = self._base.tocsr()
        keep = np.ones(base.shape[0], dtype=np.float32)
        keep[self._stale[: base.shape[0]]] = 0.0
        base = sp.diags(keep, format="csr") @ base
        base.resize((rows, len(self.names)))
        pending, slots = self._pending_as_matrix()
        merged = base + self._scatter(pending, slots, rows)
        merged.eliminate_zeros()
        self._base = merged.tocsc().astype(np.float32)
        self._base.sort_indices()
        self._stale = np.zeros(rows, dtype=bool)
        self._stale_count = 0
        self._pending = {}
        self._pending_matrix = None

    def _scatter(self, pending: sp.csc_matrix, slots: IntArray, rows: int) -> sp.csr_matrix:
        coo = pending.tocoo()
        return sp.csr_matrix(
            (coo.data, (slots[coo.row], coo.col)), shape=(rows, len(self.names)), dtype=np.float32
        )

    def _pending_as_matrix(self) -> tuple[sp.csc_matrix, IntArray]:
        if self._pending_matrix is None:
            slots = np.fromiter(self._pending, dtype=np.int64, count=len(self._pending))
            lengths = [columns.size for columns, _ in self._pending.values()]
            row_numbers = np.repeat(np.arange(slots.size), lengths)
            columns = (
                np.concatenate([c for c, _ in self._pending.values()]) if lengths else np.zeros(0, np.int64)
            )
            data = (
                np.concatenate([d for _, d in self._pending.values()]) if lengths else np.zeros(0, np.float32)
            )
            matrix = sp.csc_matrix((data, (row_numbers, columns)), shape=(slots.size, len(self.names)))
            self._pending_matrix = (matrix, slots)
        return self._pending_matrix

    # --- reading ----------------------------------------------------------------------------------------

    def column_numbers(self, names: Iterable[str]) -> IntArray:
        """Column numbers of the names this store has seen; unseen names are skipped."""
        return np.fromiter(
            (number for name in names if (number := self.columns.get(name)) is not None), dtype=np.int64
        )

    def gather(self, columns: IntArray) -> tuple[IntArray, IntArray, FloatArray]:
        """Every live entry in the given columns as (slot, position of its column in `columns`, value)."""
        parts_rows: list[IntArray] = []
        parts_positions: list[IntArray] = []
        parts_values: list[FloatArray] = []
        if columns.size:
            in_base = columns < self._base.shape[1]
            if in_base.any():
                positions = np.flatnonzero(in_base)
                rows, cols, values = self._base_entries(columns[positions])
                if self._stale_count:
                    live = ~self._stale[rows]
                    rows, cols, values = rows[live], cols[live], values[live]
                parts_rows.append(rows)
                parts_positions.append(positions[cols])
                parts_values.append(values)
            if self._pending:
                matrix, slots = self._pending_as_matrix()
                sub = matrix[:, columns].tocoo()
                parts_rows.append(slots[sub.row])
                parts_positions.append(sub.col.astype(np.int64))
                parts_values.append(sub.data.astype(np.float32))
        if not parts_rows:
            return np.zeros(0, np.int64), np.zeros(0, np.int64), np.zeros(0, np.float32)
        return np.concatenate(parts_rows), np.concatenate(parts_positions), np.concatenate(parts_values)

    def _base_entries(self, columns: IntArray) -> tuple[IntArray, IntArray, FloatArray]:
        """The compacted matrix's entries in the given columns, read straight from its CSC arrays: one
        vectorised gather of the columns' runs (no scipy slicing, which builds a whole matrix per call)."""
        indptr = self._base.indptr
        starts = indptr[columns].astype(np.int64)
        counts = indptr[columns + 1].astype(np.int64) - starts
        total = int(counts.sum())
        # Entry e of column run c sits at starts[c] + (e - first entry of run c): one arange, shifted per run.
        shifts = np.repeat(starts - (np.cumsum(counts) - counts), counts)
        where = np.arange(total, dtype=np.int64) + shifts
        rows = self._base.indices[where].astype(np.int64)
        cols = np.repeat(np.arange(columns.size, dtype=np.int64), counts)
        values = self._base.data[where].astype(np.float32, copy=False)
        return rows, cols, values

    # --- persistence and size ---------------------------------------------------------------------------

    def arrays(self) -> dict[str, npt.NDArray[Any]]:
        """The compacted matrix as plain arrays (call compact() first)."""
        if self._pending or self._stale_count:
            raise RuntimeError("SparseRows.arrays() needs a compacted store")
        return {
            "data": self._base.data,
            "indices": self._base.indices,
            "indptr": self._base.indptr,
            "shape": np.asarray(self._base.shape, dtype=np.int64),
        }

    @classmethod
    def from_arrays(cls, names: list[str], arrays: Mapping[str, npt.NDArray[Any]]) -> SparseRows:
        store = cls()
        store.names = list(names)
        store.columns = {name: number for number, name in enumerate(names)}
        rows, width = (int(value) for value in arrays["shape"])
        store._base = sp.csc_matrix(
            (arrays["data"], arrays["indices"], arrays["indptr"]), shape=(rows, width)
        )
        store._stale = np.zeros(rows, dtype=bool)
        return store

    def save(self, directory: Path, prefix: str) -> None:
        for name, array in self.arrays().items():
            np.save(directory / f"{prefix}.{name}.npy", array, allow_pickle=False)

    @classmethod
    def load(cls, directory: Path, prefix: str, names: list[str]) -> SparseRows:
        arrays = {
            name: np.load(directory / f"{prefix}.{name}.npy", allow_pickle=False)
            for name in ("data", "indices", "indptr", "shape")
        }
        return cls.from_arrays(names, arrays)

    def nbytes(self) -> int:
        """Bytes held: the matrix arrays, pending rows and the column names (strings counted by length)."""
        base = (
            self._base.data.nbytes + self._base.indices.nbytes + self._base.indptr.nbytes + self._stale.nbytes
        )
        pending = sum(columns.nbytes + data.nbytes for columns, data in self._pending.values())
        # Roughly 60 bytes per str object and 100 per dict entry in CPython.
        names = sum(len(name) + 160 for name in self.names)
        return int(base + pending + names)
