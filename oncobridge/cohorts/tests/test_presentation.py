"""The tables behind the analysis tabs, as their CSV downloads write them."""

from __future__ import annotations

import csv
import io

from oncobridge.analytics import Oncoprint, charts
from oncobridge.cohorts.presentation import Rendered


def test_a_download_defuses_an_imported_id_that_a_spreadsheet_would_run_as_a_formula() -> None:
    table = Rendered(
        tab="oncoprint",
        title="Oncoprint",
        chart=charts.oncoprint_chart(Oncoprint(genes=[], samples=[], cells=[], frequencies=[])),
        header=["sample", "gene", "variant_classes"],
        rows=[['=HYPERLINK("http://x")', "KRAS", "Missense_Mutation"], ["S2", "TP53", None]],
    )

    rows = list(csv.reader(io.StringIO(table.csv())))

    assert rows == [
        ["sample", "gene", "variant_classes"],
        ['\'=HYPERLINK("http://x")', "KRAS", "Missense_Mutation"],
        ["S2", "TP53", ""],
    ]
