"""Dataset versions on disk: DATASETS_ROOT/<slug>/v<N>/<table>.parquet, written through a staging folder.

An import writes DATASETS_ROOT/<slug>/.staging-<uuid>/ and renames it to v<N> only when complete, so a
reader never sees a partial version. One import per dataset at a time holds an exclusive lock on
<slug>/.lock (released by the kernel if the process dies), which makes anything staged and not renamed,
and any v<N> the database does not know, debris of a crashed import: it is removed on the next import.
"""

from __future__ import annotations

import fcntl
import hashlib
import os
import shutil
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pyarrow as pa
import pyarrow.parquet as pq
from django.conf import settings

STAGING_PREFIX = ".staging-"


def datasets_root() -> Path:
    return Path(settings.DATASETS_ROOT)


def dataset_dir(slug: str) -> Path:
    return datasets_root() / slug


def version_dir_name(number: int) -> str:
    return f"v{number}"


def table_path(storage_path: str, table: str) -> Path:
    return datasets_root() / storage_path / f"{table}.parquet"


@contextmanager
def import_lock(slug: str) -> Iterator[None]:
    directory = dataset_dir(slug)
    directory.mkdir(parents=True, exist_ok=True)
    with (directory / ".lock").open("a") as handle:
        fcntl.flock(handle, fcntl.LOCK_EX)
        try:
            yield
        finally:
            fcntl.flock(handle, fcntl.LOCK_UN)


def remove_debris(slug: str, *, known_versions: set[str]) -> list[str]:
    """Under the import lock: staging folders and unrecorded version folders left by a crashed import."""
    removed = []
    for entry in dataset_dir(slug).iterdir():
        stale_staging = entry.name.startswith(STAGING_PREFIX)
        unrecorded = entry.name.startswith("v") and entry.name not in known_versions
        if entry.is_dir() and (stale_staging or unrecorded):
            _make_writable(entry)
            shutil.rmtree(entry)
            removed.append(entry.name)
    return removed


def new_staging(slug: str) -> Path:
    staging = dataset_dir(slug) / f"{STAGING_PREFIX}{uuid.uuid4().hex}"
    staging.mkdir()
    return staging


def discard(staging: Path) -> None:
    if staging.exists():
        _make_writable(staging)
        shutil.rmtree(staging)


def _make_writable(directory: Path) -> None:
    # Version files are read-only (immutable); the folder must allow deleting them.
    directory.chmod(0o755)
    for path in directory.iterdir():
        if path.is_file():
            path.chmod(0o644)


def carry_forward(source: Path, staging: Path, table: str) -> None:
    """The previous version's file, hard-linked (files never change) or copied across file systems."""
    name = f"{table}.parquet"
    try:
        os.link(source / name, staging / name)
    except OSError:
        shutil.copy2(source / name, staging / name)


class TableWriter:
    """Streams RecordBatches of one schema into <staging>/<table>.parquet."""

    def __init__(self, staging: Path, table: str, schema: pa.Schema) -> None:
        self.path = staging / f"{table}.parquet"
        self.schema = schema
        self.rows = 0
        self._writer = pq.ParquetWriter(self.path, schema, compression="zstd")

    def write(self, batch: pa.RecordBatch | pa.Table) -> None:
        table = batch if isinstance(batch, pa.Table) else pa.Table.from_batches([batch])
        self._writer.write_table(table.cast(self.schema))
        self.rows += table.num_rows

    def close(self) -> None:
        self._writer.close()


def write_table(staging: Path, table: str, data: pa.Table) -> int:
    writer = TableWriter(staging, table, data.schema)
    writer.write(data)
    writer.close()
    return writer.rows


def seal(staging: Path) -> None:
    """Make the staged files read-only and durable before the rename publishes them."""
    for path in staging.iterdir():
        path.chmod(0o444)
        fd = os.open(path, os.O_RDONLY)
        try:
            os.fsync(fd)
        finally:
            os.close(fd)
    fsync_dir(staging)


def publish(staging: Path, slug: str, number: int) -> Path:
    final = dataset_dir(slug) / version_dir_name(number)
    os.replace(staging, final)
    fsync_dir(final.parent)
    return final


def unpublish(final: Path) -> None:
    """Undo `publish` when the database refused to record the version."""
    discard(final)


def fsync_dir(directory: Path) -> None:
    fd = os.open(directory, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


def file_sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as handle:
        for chunk in iter(lambda: handle.read(1 << 20), b""):
            digest.update(chunk)
    return digest.hexdigest()


def read_table(storage_path: str, table: str) -> pa.Table:
    return pq.read_table(table_path(storage_path, table))
