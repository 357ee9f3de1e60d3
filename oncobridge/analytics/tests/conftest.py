"""Fixtures for the analytics tests: dataset versions written as Parquet in tmp_path, from rows or from
real files read through oncobridge.formats, and the shared reference data when ONCOBRIDGE_DATA_DIR is set."""

from __future__ import annotations

import importlib.util
import os
from collections.abc import Callable, Mapping, Sequence
from pathlib import Path
from typing import Any

import pyarrow as pa
import pyarrow.parquet as pq
import pytest

from oncobridge.analytics import DatasetSource
from oncobridge.analytics.engine import TABLE_SCHEMAS
from oncobridge.formats.maf import read_maf
from oncobridge.vocab.genes import GeneVocabulary, load_genes

WriteDataset = Callable[..., DatasetSource]


def write_dataset(
    directory: Path,
    key: str = "ds",
    *,
    panel_genes: frozenset[str] | None = None,
    **tables: Sequence[Mapping[str, Any]] | pa.Table,
) -> DatasetSource:
    """A dataset version folder with one `<table>.parquet` per keyword (rows or an Arrow table)."""
    directory.mkdir(parents=True, exist_ok=True)
    for name, rows in tables.items():
        schema = TABLE_SCHEMAS[name]
        table = rows if isinstance(rows, pa.Table) else pa.Table.from_pylist(list(rows), schema=schema)
        pq.write_table(table, directory / f"{name}.parquet")
    return DatasetSource(key=key, directory=directory, panel_genes=panel_genes)


@pytest.fixture
def dataset(tmp_path: Path) -> WriteDataset:
    counter = iter(range(1_000))

    def make(key: str = "ds", **kwargs: Any) -> DatasetSource:
        return write_dataset(tmp_path / f"{key}-{next(counter)}", key, **kwargs)

    return make


def _data_dir() -> Path | None:
    value = os.environ.get("ONCOBRIDGE_DATA_DIR")
    return Path(value) if value and Path(value).is_dir() else None


@pytest.fixture(scope="session")
def data_file() -> Callable[[str], Path]:
    directory = _data_dir()
    if directory is None:
        pytest.skip(
            "ONCOBRIDGE_DATA_DIR not set: these tests compare with the real files of the shared data folder"
        )

    def find(relative: str) -> Path:
        path = directory / relative
        if not path.exists():
            pytest.skip(f"{relative} not found in ONCOBRIDGE_DATA_DIR")
        return path

    return find


@pytest.fixture(scope="session")
def genes(data_file: Callable[[str], Path]) -> GeneVocabulary:
    return load_genes(data_file("vocab/cbioportal_genes.json"))


@pytest.fixture(scope="session")
def pymaftools_data() -> Path:
    spec = importlib.util.find_spec("pymaftools")
    if spec is None or spec.origin is None:
        pytest.skip("pymaftools (a test dependency shipping TCGA MAFs) is not installed")
    return Path(spec.origin).parent / "data"


@pytest.fixture(scope="session")
def maf_dataset(
    tmp_path_factory: pytest.TempPathFactory, genes: GeneVocabulary
) -> Callable[[Path, str], DatasetSource]:
    """A MAF-only dataset version: the file read through the real MAF reader, written as mutations.parquet."""
    made: dict[tuple[Path, str], DatasetSource] = {}

    def make(path: Path, key: str) -> DatasetSource:
        if (path, key) not in made:
            read = read_maf(path, genes=genes, ncbi_build="GRCh37")
            directory = tmp_path_factory.mktemp(key)
            made[(path, key)] = write_dataset(directory, key, mutations=read.table)
        return made[(path, key)]

    return make
