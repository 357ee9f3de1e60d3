"""The timeline chart: a self-contained, accessible SVG of milestones, dependencies and today."""

from __future__ import annotations

import datetime as dt
import xml.etree.ElementTree as ET

from oncobridge.collaborations.timeline import TimelineItem, timeline_summary, timeline_svg

SVG = "{http://www.w3.org/2000/svg}"
TODAY = dt.date(2026, 12, 2)


def items() -> list[TimelineItem]:
    return [
        TimelineItem(1, "Assay validated", dt.date(2026, 10, 1), dt.date(2026, 11, 20), "in_progress", True),
        TimelineItem(
            2,
            "Screen <40> lines & report",
            dt.date(2026, 11, 20),
            dt.date(2027, 2, 1),
            "planned",
            depends_on=(1,),
            owner="Ivan Investigator",
        ),
        TimelineItem(3, "Kick-off", dt.date(2026, 10, 1), dt.date(2026, 10, 5), "done"),
    ]


def chart(rows: list[TimelineItem] | None = None) -> ET.Element:
    svg = timeline_svg(items=items() if rows is None else rows, today=TODAY, title="EGFR screen")
    return ET.fromstring(svg)  # noqa: S314 - the chart this module just wrote, not outside input


def test_the_chart_is_an_image_with_a_title_and_a_description_for_screen_readers() -> None:
    root = chart()

    assert root.get("role") == "img"
    assert root.get("aria-labelledby") == "timeline-title timeline-desc"
    assert root.find(f"{SVG}title").text == "EGFR screen"  # type: ignore[union-attr]
    assert root.find(f"{SVG}desc").text == (  # type: ignore[union-attr]
        "3 milestones from 2026-10-01 to 2027-02-01; 1 done, 1 overdue as of 2026-12-02."
    )


def test_an_overdue_milestone_is_marked_in_words_and_in_a_distinct_dashed_red_style() -> None:
    rows = {row.get("data-milestone"): row for row in chart().iter(f"{SVG}g") if row.get("data-milestone")}

    overdue, planned = rows["1"], rows["2"]
    assert "timeline__row--overdue" in (overdue.get("class") or "")
    assert overdue.find(f"{SVG}text").text == "Assay validated (overdue)"  # type: ignore[union-attr]
    assert overdue.find(f"{SVG}rect").get("stroke-dasharray") == "4 2"  # type: ignore[union-attr]
    assert overdue.find(f"{SVG}rect").get("fill") != planned.find(f"{SVG}rect").get("fill")  # type: ignore[union-attr]
    assert "overdue" in (overdue.find(f"{SVG}title").text or "")  # type: ignore[union-attr]


def test_each_dependency_is_an_arrow_from_the_earlier_milestone() -> None:
    arrows = [path for path in chart().iter(f"{SVG}path") if path.get("class") == "timeline__dependency"]

    assert len(arrows) == 1
    assert arrows[0].find(f"{SVG}title").text == (  # type: ignore[union-attr]
        "Screen <40> lines & report depends on Assay validated"
    )


def test_today_is_drawn_between_the_past_and_the_future_milestones() -> None:
    root = chart()
    today = next(group for group in root.iter(f"{SVG}g") if group.get("class") == "timeline__today")
    line_x = float(today.find(f"{SVG}line").get("x1"))  # type: ignore[union-attr]
    bars = {
        row.get("data-milestone"): row.find(f"{SVG}rect")
        for row in root.iter(f"{SVG}g")
        if row.get("data-milestone")
    }
    kick_off_end = float(bars["3"].get("x")) + float(bars["3"].get("width"))  # type: ignore[union-attr]
    screen_end = float(bars["2"].get("x")) + float(bars["2"].get("width"))  # type: ignore[union-attr]

    assert kick_off_end < line_x < screen_end
    assert today.find(f"{SVG}text").text == "Today 2026-12-02"  # type: ignore[union-attr]


def test_text_from_users_is_escaped_so_the_svg_stays_well_formed() -> None:
    svg = timeline_svg(items=items(), today=TODAY, title="<script>alert(1)</script>")

    assert "<script>" not in svg
    parsed = ET.fromstring(svg)  # noqa: S314 - the chart this module just wrote, not outside input
    assert parsed.find(f"{SVG}title").text == "<script>alert(1)</script>"  # type: ignore[union-attr]


def test_two_charts_on_one_page_have_their_own_ids() -> None:
    first = timeline_svg(items=items(), today=TODAY, title="A", id_prefix="timeline-1")
    second = timeline_svg(items=items(), today=TODAY, title="B", id_prefix="timeline-2")

    assert 'id="timeline-1-arrow"' in first and 'id="timeline-2-arrow"' in second
    assert "timeline-1" not in second


def test_a_chart_without_milestones_says_so() -> None:
    assert timeline_summary([], TODAY) == "No milestones yet."
    assert chart([]).find(f"{SVG}desc").text == "No milestones yet."  # type: ignore[union-attr]
