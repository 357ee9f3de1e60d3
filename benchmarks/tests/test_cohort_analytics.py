"""The analytics benchmark's own parts: the generated dataset, the numpy statistics, the engines' agreement.

Part of the suite (`make test` runs benchmarks/tests too). Needs ONCOBRIDGE_DATA_DIR.
"""

from __future__ import annotations

import os
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pyarrow.parquet as pq
import pytest

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

import cohort_analytics as bench
from synthetic_cohort import Sizes, ensure_dataset

from oncobridge.formats import tables

DATA_DIR = os.environ.get("ONCOBRIDGE_DATA_DIR")
needs_data = pytest.mark.skipif(
    not DATA_DIR or not Path(DATA_DIR, "genomics").is_dir(),
    reason="ONCOBRIDGE_DATA_DIR (../shared/data) is not set: the generator draws from its real MAF files",
)
SMALL = Sizes(patients=600, mutations=40_000, seed=7)


@pytest.fixture(scope="module")
def dataset(tmp_path_factory: pytest.TempPathFactory) -> Path:
    assert DATA_DIR
    cache = tmp_path_factory.mktemp("bench")
    return ensure_dataset(SMALL, Path(DATA_DIR), cache=cache, say=lambda _: None).directory


@pytest.fixture(scope="module")
def question() -> bench.Question:
    from oncobridge.analytics import NON_SILENT_CLASSES
    from oncobridge.vocab import load_vocabularies

    assert DATA_DIR
    codes = load_vocabularies(Path(DATA_DIR)).oncotree.descendants(bench.CANCER_FAMILY)
    return bench.Question(codes=tuple(sorted(codes)), non_silent=tuple(sorted(NON_SILENT_CLASSES)))


@needs_data
def test_generated_dataset_has_the_harmonised_tables_at_the_requested_size(dataset: Path) -> None:
    expected = {
        "patients": tables.PATIENTS,
        "samples": tables.SAMPLES,
        "mutations": tables.MUTATIONS,
        "clinical_attributes": tables.CLINICAL_ATTRIBUTES,
        "outcomes": tables.OUTCOMES,
    }
    for name, schema in expected.items():
        assert pq.read_schema(dataset / f"{name}.parquet").remove_metadata() == schema, name
    patients = pq.read_table(dataset / "patients.parquet")
    samples = pq.read_table(dataset / "samples.parquet")
    mutations = pq.read_table(dataset / "mutations.parquet", columns=["sample_id", "gene", "hgvsp_short"])
    assert patients.num_rows == SMALL.patients
    assert mutations.num_rows == SMALL.mutations
    assert set(mutations["sample_id"].to_pylist()) <= set(samples["sample_id"].to_pylist())
    assert set(samples["patient_id"].to_pylist()) == set(patients["patient_id"].to_pylist())
    # Real genes and protein changes from the MAF files and hotspots, not placeholders.
    genes = set(mutations["gene"].drop_null().to_pylist())
    assert {"KRAS", "TP53", "FLT3"} <= genes
    assert any(change.startswith("p.G12") for change in mutations["hgvsp_short"].drop_null().to_pylist())


@needs_data
def test_a_seed_generates_the_same_dataset_and_a_cached_one_is_reused(dataset: Path, tmp_path: Path) -> None:
    assert DATA_DIR
    again = ensure_dataset(SMALL, Path(DATA_DIR), cache=tmp_path, say=lambda _: None)
    assert again.seconds is not None
    for name in ("patients", "mutations", "outcomes"):
        assert pq.read_table(again.directory / f"{name}.parquet").equals(
            pq.read_table(dataset / f"{name}.parquet")
        ), name
    reused = ensure_dataset(SMALL, Path(DATA_DIR), cache=tmp_path, say=lambda _: None)
    assert reused.seconds is None
    assert reused.manifest["mutations"] == SMALL.mutations


def test_numpy_survival_statistics_match_lifelines() -> None:
    from lifelines import CoxPHFitter, KaplanMeierFitter
    from lifelines.datasets import load_gbsg2
    from lifelines.statistics import logrank_test

    frame = load_gbsg2()
    times = frame["time"].to_numpy(dtype=float)
    events = frame["cens"].to_numpy(dtype=bool)
    exposed = (frame["horTh"] == "yes").to_numpy()
    ours = bench.survival_numpy(times, events, exposed)
    for group, mask in zip(ours.groups, (~exposed, exposed), strict=True):
        expected = KaplanMeierFitter().fit(times[mask], events[mask]).median_survival_time_
        assert group.median == pytest.approx(expected)
    expected_p = logrank_test(times[~exposed], times[exposed], events[~exposed], events[exposed]).p_value
    assert ours.logrank_p == pytest.approx(expected_p, rel=1e-9)
    cox = CoxPHFitter().fit(
        frame.assign(exposed=exposed.astype(int), event=events)[["time", "event", "exposed"]], "time", "event"
    )
    assert ours.hazard_ratio == pytest.approx(cox.hazard_ratios_["exposed"], rel=1e-5)


@pytest.fixture(scope="module")
def postgres_engine(dataset: Path, question: bench.Question) -> Iterator[Any]:
    connection = bench.connect_postgres(
        os.environ.get("BENCH_DATABASE_URL", "postgres://postgres@127.0.0.1:5432/test"), say=lambda _: None
    )
    if connection is None:
        pytest.skip("PostgreSQL is not reachable at 127.0.0.1:5432")
    schema = "bench_analytics_test"
    try:
        bench.load_postgres(connection, schema, dataset, say=lambda _: None)
        yield bench.PostgresEngine(connection, schema, question)
    finally:
        connection.execute(f"DROP SCHEMA IF EXISTS {schema} CASCADE")
        connection.close()


@needs_data
@pytest.mark.parametrize("operation", list(bench.OPERATIONS))
def test_core_pandas_postgres_and_the_precomputed_reference_give_the_same_answer(
    operation: str, dataset: Path, question: bench.Question, postgres_engine: Any
) -> None:
    engines = [
        bench.CoreEngine(dataset, question),
        bench.PandasEngine(dataset, question),
        postgres_engine,
        bench.PrecomputedEngine(dataset, question),
    ]
    answers = {engine.name: getattr(engine, operation)() for engine in engines}
    ok, notes = bench.agree(operation, answers)
    assert ok, notes
    core = answers["core"]
    if isinstance(core, bench.Count):
        assert core.patients > 0  # the question selects someone, so agreement means something
    elif isinstance(core, bench.Frequencies):
        assert len(core.rows) == bench.TOP
    else:
        assert isinstance(core, bench.Survival)
        assert [group.n > 0 for group in core.groups] == [True, True]


def test_engines_that_disagree_are_reported() -> None:
    ok, notes = bench.agree("count", {"core": bench.Count(10, 12), "pandas": bench.Count(10, 13)})
    assert not ok
    assert "pandas" in notes
    survival = bench.Survival((bench.Group("a", 5, 3, 12.0), bench.Group("b", 4, 4, 6.0)), 0.01, 2.0)
    shifted = bench.Survival(survival.groups, 0.01, 2.1)
    ok, notes = bench.agree("survival", {"core": survival, "postgres": shifted})
    assert not ok
    assert "HR" in notes


@needs_data
def test_pandas_with_object_strings_answers_as_with_categoricals(
    dataset: Path, question: bench.Question
) -> None:
    categorical = bench.PandasEngine(dataset, question)
    strings = bench.PandasEngine(dataset, question, categorical=False)
    assert str(strings.mutations["gene"].dtype) == "object"
    for operation in bench.OPERATIONS:
        assert getattr(strings, operation)() == getattr(categorical, operation)(), operation
