"""The query layer stays engine-neutral and the shared connection serves threads."""

from __future__ import annotations

import ast
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

from oncobridge.analytics import GeneMutated, Sex, cohort_count
from oncobridge.analytics.tests.conftest import WriteDataset

PACKAGE = Path(__file__).resolve().parents[1]


def _imports(path: Path) -> set[str]:
    tree = ast.parse(path.read_text(encoding="utf-8"))
    names: set[str] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            names |= {alias.name for alias in node.names}
        elif isinstance(node, ast.ImportFrom) and node.module:
            names.add(node.module)
    return names


def test_only_the_engine_names_duckdb_and_nothing_imports_django() -> None:
    modules = sorted(PACKAGE.glob("*.py"))
    assert len(modules) >= 9
    for module in modules:
        imports = _imports(module)
        assert not any(name.startswith("django") for name in imports), module.name
        if module.name != "engine.py":
            assert not any("duckdb" in name for name in imports), module.name
            assert "duckdb" not in module.read_text(encoding="utf-8").lower().replace(
                "duckdb by default", ""
            ), module.name


def test_concurrent_queries_from_threads_give_the_same_answers(dataset: WriteDataset) -> None:
    source = dataset(
        patients=[{"patient_id": f"P{i}", "sex": "female" if i % 2 else "male"} for i in range(40)],
        samples=[{"sample_id": f"S{i}", "patient_id": f"P{i}"} for i in range(40)],
        mutations=[
            {"sample_id": f"S{i}", "gene": "KRAS", "variant_classification": "Missense_Mutation"}
            for i in range(0, 40, 3)
        ],
    )
    criteria = [Sex("female"), GeneMutated("KRAS"), None] * 8

    with ThreadPoolExecutor(max_workers=6) as pool:
        counts = list(pool.map(lambda c: cohort_count([source], c).patients, criteria))

    assert counts == [20, 14, 40] * 8
