"""On real data: the APL primary MAF (maftools' example), imported as the product imports it, gives the
mutation frequencies maftools' definition gives when computed independently from the file with pandas."""

from __future__ import annotations

import io
import json
from pathlib import Path
from typing import Any

import pandas as pd
import pytest
from django.core.management import call_command

from oncobridge.accounts.access import viewer_for
from oncobridge.analytics import NON_SILENT_CLASSES
from oncobridge.conftest import Alliance
from oncobridge.datasharing.services import dataset_create, dataset_import, import_source

pytestmark = pytest.mark.django_db


@pytest.fixture
def apl_maf(settings: Any) -> Path:
    data_dir = settings.ONCOBRIDGE_DATA_DIR
    path = Path(data_dir) / "genomics" / "APL_primary.maf.gz" if data_dir else None
    if path is None or not path.is_file():
        pytest.skip("ONCOBRIDGE_DATA_DIR not set: this test imports the real APL MAF from the shared data")
    return path


def test_frequencies_of_the_real_apl_maf_follow_maftools_definition(
    alliance: Alliance, apl_maf: Path
) -> None:
    dataset = dataset_create(
        viewer=viewer_for(alliance.dana),
        actor=alliance.dana,
        slug="apl",
        title="APL primary",
        organisation=alliance.centre,
        duo_codes=("GRU",),
    )
    dataset_import(
        viewer=viewer_for(alliance.dana),
        actor=alliance.dana,
        dataset=dataset,
        source=import_source(maf=apl_maf),
    )
    out = io.StringIO()

    call_command("analyze", "frequencies", "apl", "--top", "10", "--json", stdout=out)

    maf = pd.read_csv(
        apl_maf,
        sep="\t",
        comment="#",
        usecols=["Hugo_Symbol", "Variant_Classification", "Tumor_Sample_Barcode"],
    )
    samples = maf["Tumor_Sample_Barcode"].nunique()
    coding = maf[maf["Variant_Classification"].isin(NON_SILENT_CLASSES)]
    expected = coding.groupby("Hugo_Symbol")["Tumor_Sample_Barcode"].nunique()
    rows = json.loads(out.getvalue())
    assert len(rows) == 10
    assert [row["altered_samples"] for row in rows] == sorted(expected, reverse=True)[:10]
    for row in rows:
        assert row["altered_samples"] == expected[row["gene"]]
        assert row["profiled_samples"] == samples
        assert row["frequency"] == pytest.approx(expected[row["gene"]] / samples)
