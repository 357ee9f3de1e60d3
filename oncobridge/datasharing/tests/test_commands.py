"""`oncobridge dataset create|import|list`, and an import killed with SIGKILL halfway through."""

from __future__ import annotations

import io
import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest
from django.core.management import CommandError, call_command

from oncobridge.conftest import Alliance
from oncobridge.datasharing.models import Dataset
from oncobridge.datasharing.tests.conftest import FIXTURES, MALFORMED

pytestmark = pytest.mark.django_db


def run(*args: str) -> tuple[str, str]:
    out, err = io.StringIO(), io.StringIO()
    call_command(*args, stdout=out, stderr=err)
    return out.getvalue(), err.getvalue()


def test_create_import_and_list_in_the_documented_forms(alliance: Alliance) -> None:
    created, _ = run(
        "dataset", "create", "cohort", "--title", "Cohort", "--owner", "st-olaf", "--duo", "GRU,NCU"
    )
    run("dataset", "import", "cohort", "--cbioportal-clinical", str(FIXTURES / "data_clinical_patient.txt"))
    imported, progress = run(
        "dataset", "import", "cohort", "--maf", str(FIXTURES / "cohort_mutations.maf.txt")
    )
    listed, _ = run("dataset", "list", "--json")

    assert created == "Created dataset cohort (GRU, NCU).\n"
    assert imported.startswith("Imported cohort v2: ")
    assert "rows" in progress  # the tqdm bar, on standard error
    [entry] = json.loads(listed)
    assert entry["current_version"] == 2
    assert entry["duo_codes"] == ["GRU", "NCU"]
    assert set(entry["row_counts"]) == {"patients", "clinical_attributes", "outcomes", "mutations"}


def test_create_takes_the_ds_diseases_and_the_ts_end_date(alliance: Alliance) -> None:
    created, _ = run(
        "dataset", "create", "lung", "--title", "Lung", "--owner", "st-olaf", "--duo", "DS,TS,IRB",
        "--ds", "nsclc,SCLC", "--ts", "2031-01-31",
    )  # fmt: skip

    assert created == "Created dataset lung (DS NSCLC,SCLC, TS 2031-01-31, IRB).\n"
    assert Dataset.objects.get(slug="lung").duo_modifiers == {"DS": ["NSCLC", "SCLC"], "TS": "2031-01-31"}


@pytest.mark.parametrize(
    ("extra", "message"),
    [
        (["--duo", "DS", "--ds", "LUNGX"], "'LUNGX' is not an OncoTree code"),
        (["--duo", "TS", "--ts", "31/01/2031"], "TS needs an ISO date, not '31/01/2031'"),
        (["--duo", "GRU", "--ds", "LUAD"], "The modifier DS needs the DUO code DS"),
        (["--duo", "DS", "--ds", ","], "DS needs one or more OncoTree codes"),
    ],
)
def test_create_refuses_bad_modifiers_and_creates_nothing(
    alliance: Alliance, extra: list[str], message: str
) -> None:
    with pytest.raises(CommandError, match=message):
        run("dataset", "create", "lung", "--title", "Lung", "--owner", "st-olaf", *extra)

    assert not Dataset.objects.filter(slug="lung").exists()


def test_a_clinical_tsv_imports_with_its_mapping_from_the_command_line(
    alliance: Alliance, tmp_path: Path
) -> None:
    data = tmp_path / "gbsg2.tsv"
    data.write_text("pid\ttime\tcens\tage\nA1\t1814\t1\t70\n")
    run("dataset", "create", "gbsg2", "--title", "GBSG2", "--owner", "st-olaf", "--duo", "GRU")

    out, _ = run(
        "dataset",
        "import",
        "gbsg2",
        "--clinical",
        str(data),
        "--mapping",
        str(FIXTURES / "gbsg2_mapping.yaml"),
    )

    assert out.startswith("Imported gbsg2 v1: ")


def test_a_vcf_imports_as_germline_calls_with_origin(alliance: Alliance) -> None:
    run("dataset", "create", "carriers", "--title", "Carriers", "--owner", "st-olaf", "--duo", "GRU")

    run("dataset", "import", "carriers", "--vcf", str(FIXTURES / "germline_vep.vcf"), "--origin", "germline")

    version = Dataset.objects.get(slug="carriers").current_version
    assert version is not None
    assert version.sources[0]["origin"] == "germline"


def test_origin_with_a_maf_is_an_error(alliance: Alliance) -> None:
    run("dataset", "create", "cohort", "--title", "Cohort", "--owner", "st-olaf", "--duo", "GRU")

    with pytest.raises(CommandError, match="An origin \\(somatic or germline\\) goes with a VCF only"):
        run(
            "dataset",
            "import",
            "cohort",
            "--maf",
            str(FIXTURES / "cohort_mutations.maf.txt"),
            "--origin",
            "germline",
        )


def test_a_refused_import_prints_every_problem_and_fails(alliance: Alliance) -> None:
    run("dataset", "create", "cohort", "--title", "Cohort", "--owner", "st-olaf", "--duo", "GRU")
    err = io.StringIO()

    with pytest.raises(CommandError, match="Nothing was imported: 3 problem"):
        call_command("dataset", "import", "cohort", "--vcf", str(MALFORMED / "bad_records.vcf"), stderr=err)

    assert "bad_records.vcf:6: POS: 'abc' is not a positive integer position" in err.getvalue()
    assert "bad_records.vcf:8: expected 10 tab-separated fields, found 8" in err.getvalue()
    assert Dataset.objects.get(slug="cohort").current_version is None


def test_a_mapping_that_is_not_utf8_is_refused_naming_the_file(alliance: Alliance) -> None:
    run("dataset", "create", "cohort", "--title", "Cohort", "--owner", "st-olaf", "--duo", "GRU")
    err = io.StringIO()

    with pytest.raises(CommandError, match="Nothing was imported: 1 problem"):
        call_command(
            "dataset",
            "import",
            "cohort",
            "--clinical",
            str(MALFORMED / "clinical_bad_time.tsv"),
            "--mapping",
            str(MALFORMED / "mapping_latin1.yaml"),
            stderr=err,
        )

    assert "mapping_latin1.yaml:2: the mapping is not UTF-8 text; save it as UTF-8" in err.getvalue()


def test_unknown_duo_codes_and_owners_are_refused(alliance: Alliance) -> None:
    with pytest.raises(CommandError, match="Unknown DUO code 'XYZ'"):
        run("dataset", "create", "x", "--title", "X", "--owner", "st-olaf", "--duo", "GRU,XYZ")
    with pytest.raises(CommandError, match="No organisation with slug 'nowhere'"):
        run("dataset", "create", "x", "--title", "X", "--owner", "nowhere", "--duo", "GRU")


def test_a_mapping_without_a_clinical_file_is_refused(alliance: Alliance) -> None:
    run("dataset", "create", "cohort", "--title", "Cohort", "--owner", "st-olaf", "--duo", "GRU")

    with pytest.raises(CommandError, match="needs its --mapping"):
        run("dataset", "import", "cohort", "--clinical", str(FIXTURES / "data_clinical_patient.txt"))


# The crash test runs the real console script against its own SQLite file: the test database of
# pytest-django lives in memory (or inside a transaction) where another process cannot see it.


def big_maf(path: Path, rows: int) -> Path:
    header = (
        "Hugo_Symbol\tChromosome\tStart_Position\tEnd_Position\tVariant_Classification\tVariant_Type\t"
        "Reference_Allele\tTumor_Seq_Allele2\tTumor_Sample_Barcode\n"
    )
    genes = ("KRAS", "TP53", "PIK3CA", "BRAF", "EGFR")
    with path.open("w") as handle:
        handle.write(header)
        for start in range(0, rows, 100_000):
            handle.write(
                "".join(
                    f"{genes[i % 5]}\t{1 + i % 22}\t{1000 + i}\t{1000 + i}\t"
                    f"Missense_Mutation\tSNP\tC\tA\tS{i % 500}\n"
                    for i in range(start, min(rows, start + 100_000))
                )
            )
    return path


@pytest.mark.django_db(transaction=False)
def test_an_import_killed_halfway_leaves_the_previous_version_intact(tmp_path: Path) -> None:
    env = {
        **os.environ,
        "DATABASE_URL": f"sqlite:///{tmp_path / 'crash.sqlite3'}",
        "ONCOBRIDGE_DATASETS_ROOT": str(tmp_path / "store"),
        # The built-in vocabularies load faster than the full reference data in each of the processes.
        "ONCOBRIDGE_DATA_DIR": "",
    }
    root = tmp_path / "store" / "crash"

    def oncobridge(*args: str) -> subprocess.CompletedProcess[str]:
        return subprocess.run(  # noqa: S603 - our own console script, fixed arguments
            [sys.executable, "-m", "oncobridge", *args], env=env, capture_output=True, text=True, check=False
        )

    assert oncobridge("migrate", "-v0").returncode == 0
    assert oncobridge("org", "create", "st-olaf", "--name", "St Olaf", "--kind", "academic").returncode == 0
    assert (
        oncobridge(
            "dataset", "create", "crash", "--title", "Crash", "--owner", "st-olaf", "--duo", "GRU"
        ).returncode
        == 0
    )
    first = oncobridge("dataset", "import", "crash", "--maf", str(FIXTURES / "cohort_mutations.maf.txt"))
    assert first.returncode == 0, first.stderr
    before = (root / "v1" / "mutations.parquet").read_bytes()
    maf = big_maf(tmp_path / "big.maf", 600_000)

    process = subprocess.Popen(  # noqa: S603
        [
            sys.executable,
            "-m",
            "oncobridge",
            "dataset",
            "import",
            "crash",
            "--maf",
            str(maf),
            "--no-progress",
        ],
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline and process.poll() is None:
        staged = [path for path in root.glob(".staging-*/mutations.parquet") if path.stat().st_size > 64_000]
        if staged:
            break
        time.sleep(0.005)
    assert process.poll() is None, "the import finished before it could be killed; use a bigger file"
    os.kill(process.pid, signal.SIGKILL)
    process.wait()

    assert process.returncode == -signal.SIGKILL
    [listed] = json.loads(oncobridge("dataset", "list", "--json").stdout)
    assert listed["current_version"] == 1
    assert listed["row_counts"] == {"mutations": 6}
    assert sorted(entry.name for entry in root.iterdir() if not entry.name.startswith(".")) == ["v1"]
    assert [entry.name[: len(".staging-")] for entry in root.glob(".staging-*")] == [".staging-"]
    assert (root / "v1" / "mutations.parquet").read_bytes() == before

    again = oncobridge("dataset", "import", "crash", "--maf", str(FIXTURES / "cohort_mutations.maf.txt"))

    assert again.returncode == 0, again.stderr
    assert not list(root.glob(".staging-*"))
    assert sorted(entry.name for entry in root.iterdir() if not entry.name.startswith(".")) == ["v1", "v2"]
    refused = oncobridge("dataset", "import", "crash", "--maf", str(MALFORMED / "bad_position.maf.txt"))
    assert refused.returncode == 1
    assert "bad_position.maf.txt:3: Start_Position: '75784O6' is not an integer position" in refused.stderr
