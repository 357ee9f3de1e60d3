from __future__ import annotations

from pathlib import Path

import pytest

from oncobridge.formats.clinical_tsv import ClinicalMapping, Survival, load_mapping, read_clinical_tsv
from oncobridge.formats.tables import DAYS_PER_MONTH
from oncobridge.formats.tests.conftest import FIXTURES

lifelines_datasets = pytest.importorskip(
    "lifelines.datasets", reason="lifelines (a test dependency) is not installed"
)


def test_it_reads_gbsg2_with_survival_in_days(tmp_path: Path) -> None:
    frame = lifelines_datasets.load_gbsg2()
    frame.insert(0, "pid", [f"GBSG-{index:04d}" for index in range(len(frame))])
    path = tmp_path / "gbsg2.tsv"
    frame.to_csv(path, sep="\t", index=False)
    read = read_clinical_tsv(path, load_mapping(FIXTURES / "gbsg2_mapping.yaml"))
    assert read.patients.num_rows == 686
    assert read.outcomes.num_rows == 686
    first = read.outcomes.to_pylist()[0]
    assert first["time_months"] == pytest.approx(1814 / DAYS_PER_MONTH)
    assert first["event"] is True
    assert sum(read.outcomes["event"].to_pylist()) == int(frame["cens"].sum())


def test_it_reads_lung_with_an_inline_mapping(tmp_path: Path) -> None:
    frame = lifelines_datasets.load_lung()
    frame.insert(0, "patient", [f"NCCTG-{index:03d}" for index in range(len(frame))])
    path = tmp_path / "lung.tsv"
    frame.to_csv(path, sep="\t", index=False)
    mapping = ClinicalMapping(
        patient_id="patient",
        survival=Survival(time="time", unit="days", event="status", event_values=frozenset({"1"})),
        attributes={"age": "age", "sex": "sex", "ecog": "ph.ecog"},
    )
    read = read_clinical_tsv(path, mapping)
    assert read.outcomes.num_rows == 228
    assert sum(read.outcomes["event"].to_pylist()) == int((frame["status"] == 1).sum())
    ecog = [row for row in read.attributes.to_pylist() if row["attribute"] == "ecog"]
    assert len(ecog) == int(frame["ph.ecog"].notna().sum())
    assert {row["datatype"] for row in ecog} == {"NUMBER"}
