"""Charts and CSV exports of the analytics results, built straight from the result dataclasses."""

from __future__ import annotations

import csv
import io
import math
import re
import struct
import xml.etree.ElementTree as ET
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor

import pytest

from oncobridge.analytics.charts import (
    Chart,
    cooccurrence_chart,
    csv_text,
    distribution_chart,
    frequencies_chart,
    oncoprint_chart,
    survival_chart,
)
from oncobridge.analytics.definitions import (
    AttributeDistribution,
    CurvePoint,
    GeneFrequency,
    GenePair,
    Oncoprint,
    OncoprintCell,
    SurvivalGroup,
    SurvivalResult,
)

SVG = "{http://www.w3.org/2000/svg}"
PNG_SIGNATURE = b"\x89PNG\r\n\x1a\n"


def frequencies() -> list[GeneFrequency]:
    return [
        GeneFrequency("TP53", 45, 120, 45 / 120),
        GeneFrequency("KRAS", 30, 120, 0.25),
        GeneFrequency("PIK3CA", 20, 110, 20 / 110),
        GeneFrequency("EGFR", 3, 60, 0.05),
    ]


def oncoprint() -> Oncoprint:
    samples = ["luad:S1", "luad:S2", "luad:S3", "coad:S4"]
    return Oncoprint(
        genes=["TP53", "KRAS", "EGFR"],
        samples=samples,
        cells=[
            OncoprintCell("luad:S1", "TP53", ("Missense_Mutation",)),
            OncoprintCell("luad:S2", "TP53", ("Nonsense_Mutation", "Frame_Shift_Del")),
            OncoprintCell("luad:S1", "KRAS", ("Missense_Mutation",)),
            OncoprintCell("luad:S3", "EGFR", ("In_Frame_Del",)),
        ],
        frequencies=[
            GeneFrequency("TP53", 2, 4, 0.5),
            GeneFrequency("KRAS", 1, 4, 0.25),
            GeneFrequency("EGFR", 1, 3, 1 / 3),
        ],
        not_profiled=[("coad:S4", "EGFR")],
    )


def _curve(points: list[tuple[float, float]]) -> list[CurvePoint]:
    return [CurvePoint(time, value, max(0.0, value - 0.1), min(1.0, value + 0.1)) for time, value in points]


def survival() -> SurvivalResult:
    wild = SurvivalGroup(
        label="KRAS wild type",
        n=40,
        events=22,
        median_months=30.5,
        median_ci=(24.0, 41.25),
        curve=_curve([(0.0, 1.0), (6.0, 0.9), (14.0, 0.75), (30.5, 0.5), (48.0, 0.35)]),
        at_risk=[(0.0, 40), (12.0, 33), (24.0, 25), (36.0, 12), (48.0, 3)],
    )
    mutated = SurvivalGroup(
        label="KRAS mutated",
        n=25,
        events=20,
        median_months=11.0,
        median_ci=(7.5, None),
        curve=_curve([(0.0, 1.0), (3.0, 0.8), (11.0, 0.48), (20.0, 0.2)]),
        at_risk=[(0.0, 25), (12.0, 11), (24.0, 2), (36.0, 0), (48.0, 0)],
    )
    return SurvivalResult(
        groups=[wild, mutated],
        logrank_p=0.0032,
        hazard_ratio=2.41,
        hazard_ratio_ci=(1.35, 4.3),
        endpoint="OS",
    )


def pairs() -> list[GenePair]:
    return [
        GenePair("KRAS", "EGFR", 0, 30, 12, 78, 0.0, 0.0004, 0.0012, "mutual exclusivity"),
        GenePair("KRAS", "STK11", 14, 16, 6, 84, 12.25, 0.00001, 0.00003, "co-occurrence"),
        GenePair("EGFR", "STK11", 2, 10, 18, 90, 1.0, 1.0, 1.0, "mutual exclusivity"),
    ]


def numeric_distribution() -> AttributeDistribution:
    return AttributeDistribution(
        attribute="age_years",
        kind="numeric",
        categories=[],
        bins=[(30.0, 40.0, 4), (40.0, 50.0, 11), (50.0, 60.0, 17), (60.0, 70.0, 9), (70.0, 80.0, 2)],
        summary={"n": 43.0, "missing": 2.0, "min": 31.0, "median": 55.5, "max": 78.0, "mean": 54.2},
    )


def categorical_distribution() -> AttributeDistribution:
    return AttributeDistribution(
        attribute="SMOKING_HISTORY",
        kind="categorical",
        categories=[("Former smoker", 21), ("Current smoker", 12), ("Never smoker", 9)],
        bins=[],
        summary={"n": 42.0, "missing": 3.0},
    )


CHARTS: dict[str, Callable[[], Chart]] = {
    "frequencies": lambda: frequencies_chart(frequencies(), title="Top mutated genes"),
    "oncoprint": lambda: oncoprint_chart(oncoprint()),
    "survival": lambda: survival_chart(survival()),
    "cooccurrence": lambda: cooccurrence_chart(pairs()),
    "numeric distribution": lambda: distribution_chart(numeric_distribution()),
    "categorical distribution": lambda: distribution_chart(categorical_distribution()),
}

EMPTY: dict[str, Callable[[], Chart]] = {
    "frequencies": lambda: frequencies_chart([], title="Top mutated genes"),
    "oncoprint": lambda: oncoprint_chart(Oncoprint(genes=[], samples=[], cells=[], frequencies=[])),
    "survival": lambda: survival_chart(
        SurvivalResult(groups=[], logrank_p=None, hazard_ratio=None, hazard_ratio_ci=None, endpoint="OS")
    ),
    "cooccurrence": lambda: cooccurrence_chart([]),
    "numeric distribution": lambda: distribution_chart(
        AttributeDistribution("age_years", "numeric", [], [], {"n": 0.0})
    ),
    "categorical distribution": lambda: distribution_chart(
        AttributeDistribution("SMOKING_HISTORY", "categorical", [], [], {"n": 0.0})
    ),
}


@pytest.fixture(scope="module")
def rendered() -> dict[str, str]:
    """Each chart's SVG, rendered once for the module (rendering is the slow part)."""
    return {name: build().svg() for name, build in CHARTS.items()}


def parse(svg: str) -> ET.Element:
    return ET.fromstring(svg)  # noqa: S314 - our own output, parsed to prove it is well formed


def texts(svg: str) -> list[str]:
    return ["".join(element.itertext()) for element in parse(svg).iter(f"{SVG}text")]


def joined(svg: str) -> str:
    return "\n".join(texts(svg))


def png_size(data: bytes) -> tuple[int, int]:
    width, height = struct.unpack(">II", data[16:24])
    return width, height


def read_csv(text: str) -> list[dict[str, str]]:
    return list(csv.DictReader(io.StringIO(text)))


@pytest.mark.parametrize("name", CHARTS)
def test_svg_is_well_formed_inline_markup_with_title_description_and_view_box(
    rendered: dict[str, str], name: str
) -> None:
    svg = rendered[name]
    root = parse(svg)
    assert not svg.startswith("<?xml") and "<!DOCTYPE" not in svg
    assert root.tag == f"{SVG}svg"
    assert re.fullmatch(r"0 0 [\d.]+ [\d.]+", root.attrib["viewBox"])
    title, desc = root.find(f"{SVG}title"), root.find(f"{SVG}desc")
    assert title is not None and title.text
    assert desc is not None and desc.text and len(desc.text) > 40
    assert root.attrib["role"] == "img"
    assert root.attrib["aria-labelledby"] == f"{title.attrib['id']} {desc.attrib['id']}"


@pytest.mark.parametrize("name", CHARTS)
def test_svg_references_nothing_outside_itself(rendered: dict[str, str], name: str) -> None:
    root = parse(rendered[name])
    for element in root.iter():
        for attribute, value in element.attrib.items():
            assert not re.search(r"https?:|//", value), (element.tag, attribute, value)
        if element.tag in (f"{SVG}style", f"{SVG}image"):
            assert "http" not in "".join(element.itertext())
            assert "@import" not in "".join(element.itertext())
    assert "<metadata" not in rendered[name]


@pytest.mark.parametrize("name", CHARTS)
def test_svg_text_stays_text_and_does_not_restyle_the_page(rendered: dict[str, str], name: str) -> None:
    svg = rendered[name]
    assert texts(svg), "labels are <text> elements, not glyph outlines"
    assert '<use xlink:href="#DejaVu' not in svg
    # matplotlib's default `*{...}` rule, inlined in HTML, would apply to every element of the page.
    assert re.search(r"(?<![\w.-])\*\{", svg.replace(".ob-chart *{", "")) is None


def test_two_charts_inlined_on_one_page_share_no_element_id(rendered: dict[str, str]) -> None:
    ids: list[str] = []
    for svg in rendered.values():
        ids.extend(element.attrib["id"] for element in parse(svg).iter() if "id" in element.attrib)
    assert len(ids) == len(set(ids))


def test_svg_references_resolve_to_ids_of_the_same_chart(rendered: dict[str, str]) -> None:
    svg = rendered["oncoprint"]
    ids = {element.attrib["id"] for element in parse(svg).iter() if "id" in element.attrib}
    references = set(re.findall(r'url\(#([^)]+)\)|href="#([^"]+)"', svg))
    assert references
    for url, href in references:
        assert (url or href) in ids


@pytest.mark.parametrize(("name", "dpi"), [("frequencies", 100), ("survival", 72), ("oncoprint", 150)])
def test_png_has_the_signature_and_the_requested_size(name: str, dpi: int) -> None:
    chart = CHARTS[name]()
    data = chart.png(dpi)
    assert data.startswith(PNG_SIGNATURE)
    assert png_size(data) == chart.size_px(dpi)
    assert png_size(data)[0] == int(chart.width_inches * dpi)


def test_png_of_frequencies_at_100_dpi_is_800_pixels_wide() -> None:
    assert png_size(CHARTS["frequencies"]().png(100))[0] == 800


def test_png_refuses_a_dpi_that_is_not_positive() -> None:
    with pytest.raises(ValueError, match="dpi"):
        CHARTS["frequencies"]().png(0)


@pytest.mark.parametrize("name", EMPTY)
def test_an_empty_result_renders_a_chart_that_says_no_data(name: str) -> None:
    chart = EMPTY[name]()
    assert "No data" in joined(chart.svg())
    assert "No data" in chart.description
    assert chart.png(50).startswith(PNG_SIGNATURE)


def test_frequencies_chart_labels_each_gene_with_altered_over_profiled(rendered: dict[str, str]) -> None:
    text = joined(rendered["frequencies"])
    for gene, label in [("TP53", "38%  (45/120)"), ("KRAS", "25%  (30/120)"), ("EGFR", "5.0%  (3/60)")]:
        assert gene in texts(rendered["frequencies"])
        assert label in text
    assert "Top mutated genes" in text


def test_frequencies_chart_shows_only_the_top_genes() -> None:
    chart = frequencies_chart(frequencies(), top=2)
    shown = texts(chart.svg())
    assert "TP53" in shown and "KRAS" in shown and "PIK3CA" not in shown


def test_a_dollar_sign_in_a_label_is_shown_literally_not_as_mathematics() -> None:
    chart = frequencies_chart([GeneFrequency("$GENE$", 1, 2, 0.5)])
    assert "$GENE$" in texts(chart.svg())


def test_a_label_that_looks_like_an_attribute_is_shown_unchanged() -> None:
    label = 'id="x" url(#y)'
    assert label in texts(frequencies_chart([GeneFrequency(label, 1, 2, 0.5)]).svg())


def test_markup_in_a_title_is_escaped_not_injected() -> None:
    svg = frequencies_chart(frequencies(), title="<script>alert(1)</script>").svg()
    root = parse(svg)
    assert root.find(f"{SVG}script") is None and "<script>" not in svg
    title = root.find(f"{SVG}title")
    assert title is not None and title.text == "<script>alert(1)</script>"


def test_oncoprint_shows_genes_samples_frequencies_and_a_legend_of_the_classes_present(
    rendered: dict[str, str],
) -> None:
    shown = texts(rendered["oncoprint"])
    for label in ["TP53", "KRAS", "EGFR", "luad:S1", "coad:S4", "50%", "25%", "33%"]:
        assert label in shown
    for label in ["Missense Mutation", "In Frame Del", "Multi Hit", "Not altered", "Not profiled"]:
        assert label in shown
    assert "Nonsense Mutation" not in shown, "a cell with two classes is a Multi_Hit, not two colours"
    assert "Splice Site" not in shown, "absent classes are not in the legend"


def test_oncoprint_without_unprofiled_pairs_has_no_not_profiled_legend() -> None:
    complete = Oncoprint(
        genes=["TP53"],
        samples=["a:S1", "a:S2"],
        cells=[OncoprintCell("a:S1", "TP53", ("Silent",))],
        frequencies=[],
    )
    shown = texts(oncoprint_chart(complete).svg())
    assert "Not profiled" not in shown
    assert "50%" in shown, "frequency counted from the cells when the core gives none"


def test_oncoprint_of_many_samples_says_how_many_instead_of_naming_them() -> None:
    samples = [f"d:S{index}" for index in range(300)]
    cells = [OncoprintCell(sample, "TP53", ("Missense_Mutation",)) for sample in samples[:90]]
    chart = oncoprint_chart(Oncoprint(genes=["TP53", "KRAS"], samples=samples, cells=cells, frequencies=[]))
    shown = texts(chart.svg())
    assert "300 samples" in shown and "d:S0" not in shown
    assert "30%" in shown and "0.0%" in shown


def test_survival_chart_shows_groups_medians_logrank_p_and_hazard_ratio(rendered: dict[str, str]) -> None:
    text = joined(rendered["survival"])
    assert "Overall survival (Kaplan-Meier)" in text
    assert "KRAS wild type (n = 40, 22 events), median 30.5 mo (95% CI 24.0\u201341.2)" in text
    assert "KRAS mutated (n = 25, 20 events), median 11.0 mo (95% CI 7.5\u2013NR)" in text
    assert "log-rank p = 0.0032, HR 2.41 (95% CI 1.35\u20134.30)" in text


def test_survival_chart_has_a_number_at_risk_table_under_the_plot(rendered: dict[str, str]) -> None:
    shown = texts(rendered["survival"])
    assert "Number at risk" in shown
    start = shown.index("Number at risk")
    assert shown[start + 1 : start + 13] == [
        "KRAS wild type", "40", "33", "25", "12", "3",
        "KRAS mutated", "25", "11", "2", "0", "0",
    ]  # fmt: skip


def test_survival_of_a_group_whose_median_is_not_reached_says_so() -> None:
    result = survival()
    group = result.groups[0]
    never = SurvivalGroup(group.label, group.n, 3, None, (None, None), _curve([(0.0, 1.0), (40.0, 0.8)]), [])
    text = joined(survival_chart(SurvivalResult([never], None, None, None, "PFS")).svg())
    assert "median not reached" in text
    assert "Number at risk" not in text, "no table when the core gave no numbers at risk"
    assert "Progression-free survival (Kaplan-Meier)" in text
    assert "No test: one group" in text


def test_survival_p_value_below_display_precision_is_written_as_an_inequality() -> None:
    result = survival()
    tiny = SurvivalResult(result.groups, 1.2e-9, None, None, "OS")
    assert "log-rank p < 0.0001" in joined(survival_chart(tiny).svg())


def test_cooccurrence_chart_names_genes_and_marks_significant_pairs(rendered: dict[str, str]) -> None:
    shown = texts(rendered["cooccurrence"])
    for gene in ["KRAS", "EGFR", "STK11"]:
        assert gene in shown
    assert shown.count("**") == 2, "both pairs with q < 0.01 are marked, the q = 1 pair is not"
    assert "Co-occurrence" in shown and "log10 odds ratio" in shown


def test_cooccurrence_description_states_each_significant_relation(rendered: dict[str, str]) -> None:
    desc = parse(rendered["cooccurrence"]).find(f"{SVG}desc")
    assert desc is not None and desc.text
    assert "KRAS and EGFR: mutual exclusivity, odds ratio 0.00, q = 0.0012" in desc.text
    assert "KRAS and STK11: co-occurrence, odds ratio 12.25, q < 0.0001" in desc.text
    assert "EGFR and STK11" not in desc.text


def test_cooccurrence_with_an_untestable_pair_shows_it_as_not_testable() -> None:
    pair = GenePair("TP53", "MDM2", 0, 0, 0, 50, math.nan, 1.0, 1.0, "mutual exclusivity")
    shown = texts(cooccurrence_chart([pair]).svg())
    assert "Not testable" in shown and "TP53" in shown and "MDM2" in shown


def test_numeric_distribution_is_a_histogram_with_its_summary(rendered: dict[str, str]) -> None:
    text = joined(rendered["numeric distribution"])
    assert "Distribution of age (years)" in text
    assert "n 43, missing 2, min 31, median 55.5, max 78, mean 54.2" in text
    assert "median 55.5" in text
    desc = parse(rendered["numeric distribution"]).find(f"{SVG}desc")
    assert desc is not None and desc.text and "50 to 60: 17" in desc.text


def test_categorical_distribution_shows_each_category_with_count_and_share(rendered: dict[str, str]) -> None:
    shown = texts(rendered["categorical distribution"])
    for category, label in [
        ("Former smoker", "21 (50%)"),
        ("Current smoker", "12 (29%)"),
        ("Never smoker", "9 (21%)"),
    ]:
        assert category in shown and label in shown


def test_categorical_distribution_folds_the_long_tail_into_other() -> None:
    many = AttributeDistribution(
        "SITE", "categorical", [(f"site {i}", 40 - i) for i in range(30)], [], {"n": 765.0}
    )
    shown = texts(distribution_chart(many).svg())
    assert "site 0" in shown and "site 23" in shown and "site 24" not in shown
    assert "Other (6 values)" in shown
    assert "81 (11%)" in shown  # 16 + 15 + 14 + 13 + 12 + 11 of 765


def test_charts_rendered_from_several_threads_at_once_are_identical_to_one_rendered_alone(
    rendered: dict[str, str],
) -> None:
    expected = rendered["survival"]
    with ThreadPoolExecutor(max_workers=4) as pool:
        results = list(pool.map(lambda _: CHARTS["survival"]().svg(), range(4)))
    assert results == [expected] * 4


def test_pngs_rendered_from_several_threads_at_once_are_identical() -> None:
    expected = CHARTS["oncoprint"]().png(72)
    with ThreadPoolExecutor(max_workers=4) as pool:
        results = list(pool.map(lambda _: CHARTS["oncoprint"]().png(72), range(4)))
    assert results == [expected] * 4


def test_distribution_summary_writes_large_counts_in_full_and_fractions_briefly() -> None:
    data = AttributeDistribution(
        "TMB", "numeric", [], [(0.0, 5.0, 12000), (5.0, 10.0, 345)], {"n": 12345.0, "mean": 3.14159265}
    )
    assert "n 12345, mean 3.142" in joined(distribution_chart(data).svg())


ODD: dict[str, Callable[[], Chart]] = {
    "frequency not a number": lambda: frequencies_chart([GeneFrequency("TP53", 0, 0, math.nan)]),
    "survival time not finite, at risk beyond the curve": lambda: survival_chart(
        SurvivalResult(
            groups=[
                SurvivalGroup(
                    "All",
                    3,
                    2,
                    math.inf,
                    (None, None),
                    _curve([(0.0, 1.0), (5.0, 0.5), (math.inf, 0.2)]),
                    [(0.0, 3), (1e12, 0), (-math.inf, 3)],
                )
            ],
            logrank_p=None,
            hazard_ratio=None,
            hazard_ratio_ci=None,
            endpoint="OS",
        )
    ),
    "odds ratio zero without a zero count": lambda: cooccurrence_chart(
        [GenePair("A", "B", 1, 2, 3, 4, 0.0, 1.0, 1.0, "mutual exclusivity")]
    ),
    "histogram bin without an end": lambda: distribution_chart(
        AttributeDistribution("TMB", "numeric", [], [(0.0, 5.0, 3), (5.0, math.inf, 1)], {"n": 4.0})
    ),
}


@pytest.mark.parametrize("name", ODD)
def test_odd_numbers_in_a_result_still_render_a_chart(name: str) -> None:
    chart = ODD[name]()
    assert texts(chart.svg())
    assert chart.png(40).startswith(PNG_SIGNATURE)


def test_csv_text_writes_numbers_that_read_back_exactly() -> None:
    table = [("TP53", 12, 0.1 + 0.2, math.inf), ("KRAS", 3, None, 0.0)]
    rows = read_csv(csv_text(("gene", "n", "p", "or"), table))

    assert rows == [
        {"gene": "TP53", "n": "12", "p": repr(0.1 + 0.2), "or": "inf"},
        {"gene": "KRAS", "n": "3", "p": "", "or": "0.0"},
    ]
    assert float(rows[0]["p"]) == 0.1 + 0.2


def test_csv_text_quotes_a_value_that_a_spreadsheet_would_run_as_a_formula() -> None:
    rows = read_csv(csv_text(("category",), [('=HYPERLINK("x")',), ("-",), ("<5",)]))

    assert [row["category"] for row in rows] == ['\'=HYPERLINK("x")', "'-", "<5"]
