"""The `oncobridge demo`, `serve`, `portfolio` and `search` commands."""

from __future__ import annotations

import io
from pathlib import Path
from typing import Any

import pytest
from django.core.management import CommandError, call_command

from oncobridge.conftest import Alliance
from oncobridge.core.management.commands import serve
from oncobridge.portfolio.csvio import COLUMNS
from oncobridge.portfolio.models import ResearchAsset, SearchDocument

pytestmark = pytest.mark.django_db


@pytest.fixture
def served(monkeypatch: pytest.MonkeyPatch, settings: Any, tmp_path: Path) -> list[dict[str, Any]]:
    """Record what gunicorn would be started with, instead of starting it."""
    settings.STATIC_ROOT = tmp_path / "static"
    started: list[dict[str, Any]] = []
    monkeypatch.setattr(serve.OncoBridgeServer, "run", lambda self: started.append(self.options))
    return started


def run(*args: str) -> tuple[str, str]:
    out, err = io.StringIO(), io.StringIO()
    call_command(*args, stdout=out, stderr=err)
    return out.getvalue(), err.getvalue()


def test_demo_prints_the_personas_password_and_why_it_is_the_builtin_alliance(settings: Any) -> None:
    settings.ONCOBRIDGE_DATA_DIR = None

    output, _ = run("demo", "--no-serve", "--no-progress")

    assert "Using the smaller built-in alliance, because:" in output
    assert "ONCOBRIDGE_DATA_DIR is not set" in output
    assert "admin@oncobridge.example" in output
    assert "partner@helix.example" in output
    assert "Password for all of them: oncobridge-demo" in output


def test_demo_serves_after_loading_unless_told_not_to(settings: Any, served: list[dict[str, Any]]) -> None:
    settings.ONCOBRIDGE_DATA_DIR = None

    run("demo", "--no-progress", "--port", "8123")

    assert served[0]["bind"] == "127.0.0.1:8123"
    assert ResearchAsset.objects.exists()


def test_serve_collects_static_files_then_starts_gunicorn(
    served: list[dict[str, Any]], settings: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("PORT", "9000")

    output, _ = run("serve", "--host", "0.0.0.0", "--workers", "3")  # noqa: S104 - bind-all is the point here

    assert served == [serve.server_config(host="0.0.0.0", port=9000, workers=3)]  # noqa: S104
    assert output == "OncoBridge is serving on http://0.0.0.0:9000/ with 3 worker(s).\n"
    assert (Path(settings.STATIC_ROOT) / "admin").is_dir()


def test_serve_loads_the_oncobridge_wsgi_application(settings: Any, tmp_path: Path) -> None:
    settings.STATIC_ROOT = tmp_path  # WhiteNoise warns when the static folder does not exist yet
    from oncobridge.wsgi import application

    assert serve.OncoBridgeServer({"bind": "127.0.0.1:0"}).load() is application


def test_serve_refuses_a_bad_port_variable(
    served: list[dict[str, Any]], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("PORT", "eighty")

    with pytest.raises(CommandError, match="PORT='eighty' is not a port number"):
        run("serve")
    assert served == []


def test_search_reindex_rebuilds_every_document(alliance: Alliance, settings: Any) -> None:
    settings.ONCOBRIDGE_DATA_DIR = None
    run("demo", "--no-serve", "--no-progress")
    expected = SearchDocument.objects.count()
    SearchDocument.objects.all().delete()

    output, _ = run("search", "reindex", "--no-progress")

    assert output == f"Indexed {expected} portfolio entries.\n"
    assert SearchDocument.objects.count() == expected


def test_portfolio_import_reports_counts(alliance: Alliance, tmp_path: Path) -> None:
    path = tmp_path / "assets.csv"
    path.write_text(
        f"{','.join(COLUMNS)}\nasset,a-1,st-olaf,dataset,Cohort,,LUAD,,,,,,,,\n", encoding="utf-8"
    )

    output, _ = run("portfolio", "import", str(path))

    assert output == "assets.csv: 1 rows (1 asset(s)): 1 created, 0 updated, 0 unchanged\n"


def test_portfolio_import_prints_each_problem_and_fails(alliance: Alliance, tmp_path: Path) -> None:
    path = tmp_path / "assets.csv"
    path.write_text(
        f"{','.join(COLUMNS)}\nasset,a-1,st-olaf,dataset,Cohort,,LUNGX,,,,,,,,\nasset,a-2,nowhere,dataset,X,,,,,,,,,,\n",
        encoding="utf-8",
    )
    err = io.StringIO()

    with pytest.raises(CommandError, match=r"Nothing was imported: 2 problem\(s\) in assets\.csv"):
        call_command("portfolio", "import", str(path), stdout=io.StringIO(), stderr=err)

    assert err.getvalue().splitlines() == [
        "assets.csv:2: cancer_types: 'LUNGX' is not an OncoTree code",
        "assets.csv:3: organisation: no organisation with slug 'nowhere'",
    ]
    assert not ResearchAsset.objects.exists()


def test_portfolio_import_as_a_person_uses_their_rights(alliance: Alliance, tmp_path: Path) -> None:
    path = tmp_path / "assets.csv"
    path.write_text(f"{','.join(COLUMNS)}\nasset,a-1,,dataset,Cohort,,,,,,,,,,\n", encoding="utf-8")

    with pytest.raises(CommandError, match=r"Nothing was imported: 1 problem\(s\)"):
        run("portfolio", "import", str(path), "--org", "st-olaf", "--as", "paula@acme.example")
    run("portfolio", "import", str(path), "--org", "st-olaf", "--as", "ivan@stolaf.example")

    assert ResearchAsset.objects.get(external_id="a-1").owner == alliance.ivan


def test_portfolio_export_writes_csv_to_stdout_or_a_file(
    alliance: Alliance, tmp_path: Path, settings: Any
) -> None:
    settings.ONCOBRIDGE_DATA_DIR = None
    run("demo", "--no-serve", "--no-progress")

    stdout, _ = run("portfolio", "export", "--as", "partner@northwind.example")
    _, message = run("portfolio", "export", "--out", str(tmp_path / "all.tsv"))

    assert stdout.splitlines()[0] == ",".join(COLUMNS)
    assert "Lung adenocarcinoma organoid biobank" not in stdout  # partners-only, Northwind has no CDA
    assert message.startswith("Exported ")
    assert "Lung adenocarcinoma organoid biobank" in (tmp_path / "all.tsv").read_text(encoding="utf-8")
