"""Where the analytics queries run: the one place that picks the Ibis backend and reads the Parquet files.

The query modules build backend-neutral Ibis expressions over the tables this module hands out; only here
is DuckDB named. One in-memory DuckDB connection serves the whole process: DuckDB connections are not safe
for concurrent use, so registration and execution hold a lock (queries take milliseconds; web threads
queue briefly rather than open a connection, and re-read the Parquet metadata, per request).

Compiling an Ibis expression to SQL costs tens of milliseconds of Python for a cohort with a few criteria,
more than DuckDB needs to run it over 100,000 patients, so compiled SQL is kept per expression (Ibis
expressions compare structurally): the same cohort or analysis asked again is planned once, like a
prepared statement. Results are never cached.
"""

from __future__ import annotations

import threading
from collections import OrderedDict
from collections.abc import Callable
from pathlib import Path

import ibis
import ibis.expr.operations as ops
import ibis.expr.types as ir
import pyarrow as pa
from ibis.backends.duckdb import Backend as DuckDBBackend
from ibis.backends.duckdb.converter import DuckDBPyArrowData

from oncobridge.formats import tables as harmonised

TABLE_SCHEMAS: dict[str, pa.Schema] = {
    "patients": harmonised.PATIENTS,
    "samples": harmonised.SAMPLES,
    "mutations": harmonised.MUTATIONS,
    "clinical_attributes": harmonised.CLINICAL_ATTRIBUTES,
    "outcomes": harmonised.OUTCOMES,
    "treatments": harmonised.TREATMENTS,
}

COMPILED_CACHE_SIZE = 1024
DERIVED_CACHE_SIZE = 64

_lock = threading.RLock()
_backend: DuckDBBackend | None = None
_registered: dict[tuple[str, int, int], ir.Table] = {}
_empty: dict[str, ir.Table] = {}
_compiled: OrderedDict[ops.Node, str] = OrderedDict()
_derived: OrderedDict[tuple[object, ...], tuple[str, ir.Table]] = OrderedDict()
_derived_count = 0
_generation = 0  # bumped when a derived table is dropped: expressions built before may name it


def generation() -> int:
    return _generation


def backend() -> DuckDBBackend:
    """The process's backend: in-memory DuckDB (another Ibis backend would run the same expressions)."""
    global _backend
    with _lock:
        if _backend is None:
            _backend = ibis.duckdb.connect()
        return _backend


def execute(expression: ir.Table) -> pa.Table:
    """Run an expression and return its rows as Arrow (with the expression's schema)."""
    node = expression.op()
    with _lock:
        connection = backend()
        sql = _compiled.get(node)
        if sql is None:
            sql = connection.compile(expression)
            _compiled[node] = sql
            if len(_compiled) > COMPILED_CACHE_SIZE:
                _compiled.popitem(last=False)
        else:
            _compiled.move_to_end(node)
        result = connection.con.sql(sql).to_arrow_table()
    return expression.__pyarrow_result__(result, data_mapper=DuckDBPyArrowData)


def materialised(key: tuple[object, ...], build: Callable[[], ir.Table]) -> ir.Table:
    """A derived table computed once per key (include the file versions in it) and kept by the backend in
    its in-memory database, e.g. the distinct mutated (sample, gene) pairs of a mutations file."""
    global _derived_count, _generation
    with _lock:
        entry = _derived.get(key)
        if entry is not None:
            _derived.move_to_end(key)
            return entry[1]
        _derived_count += 1
        name = f"oncobridge_derived_{_derived_count}"
        table = backend().create_table(name, build())
        _derived[key] = (name, table)
        if len(_derived) > DERIVED_CACHE_SIZE:  # the least recently used version's table
            _, (oldest, _) = _derived.popitem(last=False)
            backend().drop_table(oldest)
            _generation += 1
        return table


def empty_table(name: str) -> ir.Table:
    """The harmonised table with no rows, for a dataset version that lacks the file (a real, empty table
    rather than an in-memory one, so that compiled SQL naming it stays valid)."""
    with _lock:
        table = _empty.get(name)
        if table is None:
            schema = ibis.Schema.from_pyarrow(TABLE_SCHEMAS[name])
            created = backend().create_table(f"oncobridge_empty_{name}", schema=schema)
            table = _empty[name] = _conform(created, TABLE_SCHEMAS[name])
        return table


def dataset_table(directory: Path, name: str) -> ir.Table:
    """`<directory>/<name>.parquet` as an Ibis table with exactly the harmonised columns and types."""
    key = file_key(directory, name)
    if key is None:
        return empty_table(name)
    with _lock:
        table = _registered.get(key)
        if table is None:
            table = _conform(backend().read_parquet(key[0]), TABLE_SCHEMAS[name])
            _registered[key] = table
    return table


def _conform(table: ir.Table, schema: pa.Schema) -> ir.Table:
    """Select the schema's columns in order, cast to its types; a column the file lacks reads as null."""
    target = ibis.Schema.from_pyarrow(schema)
    columns = []
    for name, required in target.items():
        dtype = required.copy(nullable=True)  # all nullable: set operations need equal schemas
        if name in table.columns:
            column = table[name]
            columns.append((column if column.type() == dtype else column.cast(dtype)).name(name))
        else:
            columns.append(ibis.null(dtype).name(name))
    return table.select(columns)


def file_key(directory: Path, name: str) -> tuple[str, int, int] | None:
    """Identifies one version of a table file (path, mtime, size): a cache key; None when it is absent."""
    path = directory / f"{name}.parquet"
    try:
        stat = path.stat()
    except FileNotFoundError:
        return None
    return (str(path.resolve()), stat.st_mtime_ns, stat.st_size)
