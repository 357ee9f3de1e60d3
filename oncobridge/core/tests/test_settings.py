"""Production settings: refuse to start half-configured, and pass Django's deployment checklist."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path


def _oncobridge(args: list[str], env: dict[str, str], tmp_path: Path) -> subprocess.CompletedProcess[str]:
    clean = {
        key: value
        for key, value in os.environ.items()
        if key not in {"SECRET_KEY", "ALLOWED_HOSTS", "DJANGO_ALLOW_ASYNC_UNSAFE"}
    }
    clean.update(
        {"ONCOBRIDGE_VAR_DIR": str(tmp_path), "DATABASE_URL": f"sqlite:///{tmp_path / 'db.sqlite3'}"}
    )
    clean.update(env)
    return subprocess.run(  # noqa: S603 - fixed arguments, our own console entry point
        [sys.executable, "-m", "oncobridge", *args], env=clean, capture_output=True, text=True, timeout=120
    )


def test_it_passes_the_deployment_checklist_with_production_settings(tmp_path: Path) -> None:
    result = _oncobridge(
        ["check", "--deploy", "--fail-level", "WARNING"],
        {
            "ONCOBRIDGE_ENV": "production",
            "SECRET_KEY": "k" * 24 + "-deploy-check-" + "x" * 24,
            "ALLOWED_HOSTS": "oncobridge.example",
        },
        tmp_path,
    )
    assert result.returncode == 0, result.stderr
    assert "no issues" in result.stdout


def test_it_refuses_to_start_in_production_without_a_secret_key(tmp_path: Path) -> None:
    result = _oncobridge(
        ["check"], {"ONCOBRIDGE_ENV": "production", "ALLOWED_HOSTS": "oncobridge.example"}, tmp_path
    )
    assert result.returncode != 0
    assert "SECRET_KEY must be set" in result.stderr


def test_it_tells_an_operator_to_migrate_instead_of_printing_a_traceback(tmp_path: Path) -> None:
    result = _oncobridge(["dataset", "list", "--json"], {}, tmp_path)
    assert result.returncode == 1
    assert "run `oncobridge migrate` first" in result.stderr
    assert "Traceback" not in result.stderr
