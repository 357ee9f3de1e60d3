"""A clinical attribute's distribution: bars per category, or a histogram with its summary for numbers."""

from __future__ import annotations

import math

from matplotlib.axes import Axes
from matplotlib.figure import Figure
from matplotlib.ticker import MaxNLocator

from oncobridge.analytics.charts import style
from oncobridge.analytics.charts._render import Chart, no_data_chart
from oncobridge.analytics.definitions import AttributeDistribution

MAX_CATEGORIES = 25
PATIENT_COLUMN_NAMES = {
    "sex": "sex",
    "age_years": "age (years)",
    "stage": "stage",
    "vital_status": "vital status",
}
# The summary keys of AttributeDistribution, in reading order, with how a person would say them.
SUMMARY_LABELS = {
    "n": "n",
    "missing": "missing",
    "min": "min",
    "q1": "Q1",
    "median": "median",
    "q3": "Q3",
    "max": "max",
    "mean": "mean",
}


def distribution_chart(d: AttributeDistribution, *, title: str | None = None) -> Chart:
    heading = title or f"Distribution of {attribute_name(d.attribute)}"
    if d.kind == "categorical":
        return _categorical(d, heading)
    return _numeric(d, heading)


def _categorical(d: AttributeDistribution, heading: str) -> Chart:
    categories = [(category, count) for category, count in d.categories if count > 0]
    if not categories:
        return no_data_chart(heading)
    if len(categories) > MAX_CATEGORIES:
        rest = categories[MAX_CATEGORIES - 1 :]
        categories = categories[: MAX_CATEGORIES - 1]
        categories.append((f"Other ({len(rest)} values)", sum(count for _, count in rest)))
    total = sum(count for _, count in categories)
    note = _summary_text(d)
    height = 1.3 + 0.27 * len(categories)

    def draw(figure: Figure) -> None:
        figure.set_layout_engine("constrained")
        axes = figure.add_subplot()
        positions = list(range(len(categories)))
        counts = [count for _, count in categories]
        axes.barh(positions, counts, height=0.7, color=style.BAR)
        axes.set_yticks(positions, [style.plain(category) for category, _ in categories])
        axes.invert_yaxis()
        axes.set_xlim(0, max(counts) * 1.25)
        for position, count in zip(positions, counts, strict=True):
            axes.text(
                count + max(counts) * 0.015,
                position,
                f"{count} ({style.percent(count / total)})",
                va="center",
                fontsize=style.SMALL_SIZE,
                color=style.INK,
            )
        axes.set_xlabel("Count", fontsize=style.LABEL_SIZE, color=style.INK)
        style.clean_axes(axes, grid_axis="x")
        axes.tick_params(axis="y", length=0, labelsize=style.LABEL_SIZE)
        _titles(figure, axes, heading, note)

    listed = "; ".join(f"{category} {count}" for category, count in categories)
    return Chart(
        title=heading,
        description=f"Bar chart of {d.attribute} over {len(categories)} values ({note}): {listed}.",
        width_inches=style.WIDTH,
        height_inches=height,
        draw=draw,
    )


def _numeric(d: AttributeDistribution, heading: str) -> Chart:
    bins = [
        (low, high, count)
        for low, high, count in d.bins
        if math.isfinite(low) and math.isfinite(high) and high >= low and count >= 0
    ]
    if not bins or sum(count for _, _, count in bins) == 0:
        return no_data_chart(heading)
    note = _summary_text(d)

    def draw(figure: Figure) -> None:
        figure.set_layout_engine("constrained")
        axes = figure.add_subplot()
        lefts = [low for low, _, _ in bins]
        widths = [high - low if high > low else 1.0 for low, high, _ in bins]
        counts = [count for _, _, count in bins]
        axes.bar(lefts, counts, width=widths, align="edge", color=style.BAR, edgecolor="white", linewidth=0.8)
        axes.set_xlabel(style.plain(attribute_name(d.attribute)), fontsize=style.LABEL_SIZE, color=style.INK)
        axes.set_ylabel("Count", fontsize=style.LABEL_SIZE, color=style.INK)
        style.clean_axes(axes, grid_axis="y")
        axes.yaxis.set_major_locator(MaxNLocator(integer=True))
        if "median" in d.summary:
            median = d.summary["median"]
            axes.axvline(median, color=style.INK, linewidth=1, linestyle=(0, (3, 2)))
            axes.text(
                median,
                1.0,
                f" median {style.format_value(median)}",
                transform=axes.get_xaxis_transform(),
                ha="left",
                va="top",
                fontsize=style.SMALL_SIZE,
                color=style.INK,
            )
        _titles(figure, axes, heading, note)

    ranges = "; ".join(f"{low:g} to {high:g}: {count}" for low, high, count in bins)
    return Chart(
        title=heading,
        description=f"Histogram of {d.attribute} ({note}). Counts per bin: {ranges}.",
        width_inches=style.WIDTH,
        height_inches=4.2,
        draw=draw,
    )


def _titles(figure: Figure, axes: Axes, heading: str, note: str) -> None:
    """The title, and the summary under it (beside it, a long attribute name would collide with it)."""
    figure.suptitle(style.plain(heading), x=0.01, ha="left", fontsize=style.TITLE_SIZE, color=style.INK)
    axes.set_title(style.plain(note), fontsize=style.SMALL_SIZE, color=style.MUTED, loc="left")


def attribute_name(attribute: str) -> str:
    """The patient columns in words; clinical attribute names as the dataset spells them."""
    return PATIENT_COLUMN_NAMES.get(attribute, attribute)


def _summary_text(d: AttributeDistribution) -> str:
    parts = [
        f"{label} {style.format_value(d.summary[key])}"
        for key, label in SUMMARY_LABELS.items()
        if key in d.summary and d.summary[key] == d.summary[key]  # NaN is not a summary
    ]
    return ", ".join(parts) if parts else "no summary"
