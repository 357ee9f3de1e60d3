"""Kaplan-Meier curves: a step curve and 95% band per group, medians, number at risk, log-rank p and HR."""

from __future__ import annotations

import math

from matplotlib.axes import Axes
from matplotlib.figure import Figure
from matplotlib.lines import Line2D

from oncobridge.analytics.charts import style
from oncobridge.analytics.charts._render import Chart, no_data_chart
from oncobridge.analytics.definitions import CurvePoint, SurvivalGroup, SurvivalResult

ENDPOINT_NAMES = {
    "OS": "Overall survival",
    "DFS": "Disease-free survival",
    "PFS": "Progression-free survival",
    "DSS": "Disease-specific survival",
    "RFS": "Recurrence-free survival",
    "EFS": "Event-free survival",
    "PFI": "Progression-free interval",
    "DFI": "Disease-free interval",
}
_PLOT_HEIGHT = 3.8
_TOP = 0.4
_AXIS = 0.55  # the x tick labels and axis label under the plot
_RISK_HEADER = 0.3
_RISK_ROW = 0.2
_LEGEND_ROW = 0.19


def endpoint_name(endpoint: str) -> str:
    return ENDPOINT_NAMES.get(endpoint.upper(), endpoint)


def survival_chart(r: SurvivalResult, *, title: str | None = None) -> Chart:
    heading = title or f"{endpoint_name(r.endpoint)} (Kaplan-Meier)"
    groups = [group for group in r.groups if group.n > 0 and _finite_points(group.curve)]
    if not groups:
        return no_data_chart(heading, "No data: no patient has this endpoint")
    width = style.WIDTH
    longest = max((group.label for group in groups), key=len)
    label_width = min(2.4, max(1.0, style.text_width_inches(longest, style.SMALL_SIZE) + 0.35))
    with_risk = any(group.at_risk for group in groups)
    risk_height = _RISK_HEADER + _RISK_ROW * len(groups) + 0.15 if with_risk else 0.1
    legend_height = _LEGEND_ROW * (len(groups) + 1) + 0.2
    height = _TOP + legend_height + _PLOT_HEIGHT + _AXIS + risk_height
    statistics = _statistics_line(r)

    # Laid out by hand in inches so that the number-at-risk rows sit exactly under the plot's x axis.
    def draw(figure: Figure) -> None:
        left, plot_width = label_width / width, (width - label_width - 0.3) / width
        plot = figure.add_axes(
            (left, (risk_height + _AXIS) / height, plot_width, _PLOT_HEIGHT / height),
        )
        handles = []
        last_time = 0.0
        for index, group in enumerate(groups):
            colour = style.group_colour(index)
            times, survival, lower, upper = _steps(group.curve)
            last_time = max(last_time, times[-1])
            plot.step(times, survival, where="post", color=colour, linewidth=1.8)
            plot.fill_between(times, lower, upper, step="post", color=colour, alpha=0.15, linewidth=0)
            if group.median_months is not None and math.isfinite(group.median_months):
                median = group.median_months
                plot.plot(
                    [0, median, median], [0.5, 0.5, 0], color=colour, linewidth=0.9, linestyle=(0, (3, 2))
                )
            handles.append(
                Line2D([], [], color=colour, linewidth=1.8, label=style.plain(_legend_label(group)))
            )
        plot.set_ylim(0, 1.03)
        end = last_time * 1.02 if last_time > 0 else 1.0
        plot.set_xlim(0, end)
        plot.set_ylabel("Survival probability", fontsize=style.LABEL_SIZE, color=style.INK)
        plot.set_xlabel("Months", fontsize=style.LABEL_SIZE, color=style.INK)
        style.clean_axes(plot, grid_axis="y")
        ticks = [time for time, _ in groups[0].at_risk if 0 <= time <= end]
        if len(ticks) >= 2:
            plot.set_xticks(ticks, [style.format_number(tick, 0) for tick in ticks])
        # Above the plot, not on it: a legend inside would cover some curve whatever corner it took.
        legend = figure.legend(
            handles=handles,
            title=statistics,
            loc="upper left",
            bbox_to_anchor=(left - 0.1 / width, 1 - _TOP / height),
            alignment="left",
            fontsize=style.SMALL_SIZE,
            title_fontsize=style.SMALL_SIZE,
            frameon=False,
        )
        legend.get_title().set_color(style.INK)
        if with_risk:
            risk = figure.add_axes(
                (left, 0.05 / height, plot_width, (risk_height - 0.05) / height), sharex=plot
            )
            _draw_risk_table(risk, groups, end)
        figure.text(
            0.1 / width,
            1 - 0.12 / height,
            style.plain(heading),
            ha="left",
            va="top",
            fontsize=style.TITLE_SIZE,
            color=style.INK,
        )

    lines = "; ".join(_legend_label(group) for group in groups)
    return Chart(
        title=heading,
        description=(
            f"Kaplan-Meier curves with 95% confidence bands for {len(groups)} groups: {lines}. {statistics}."
        ),
        width_inches=width,
        height_inches=height,
        draw=draw,
    )


def _steps(curve: list[CurvePoint]) -> tuple[list[float], list[float], list[float], list[float]]:
    """The curve's points from time 0 (where everyone is alive), in time order."""
    points = sorted(_finite_points(curve), key=lambda point: point.time_months)
    if points[0].time_months > 0:
        points.insert(0, CurvePoint(0.0, 1.0, 1.0, 1.0))
    return (
        [point.time_months for point in points],
        [point.survival for point in points],
        [point.ci_lower for point in points],
        [point.ci_upper for point in points],
    )


def _finite_points(curve: list[CurvePoint]) -> list[CurvePoint]:
    return [point for point in curve if math.isfinite(point.time_months) and math.isfinite(point.survival)]


def _legend_label(group: SurvivalGroup) -> str:
    text = f"{group.label} (n = {group.n}, {group.events} events)"
    if group.median_months is None:
        return f"{text}, median not reached"
    low, high = group.median_ci
    interval = f"{_limit(low)}{style.DASH}{_limit(high)}"
    return f"{text}, median {style.format_number(group.median_months)} mo (95% CI {interval})"


def _limit(value: float | None) -> str:
    """A median's confidence limit; none when the curve never falls far enough: not reached (NR)."""
    return "NR" if value is None else style.format_number(value)


def _statistics_line(r: SurvivalResult) -> str:
    parts = []
    if r.logrank_p is not None:
        parts.append(f"log-rank {style.p_text('p', r.logrank_p)}")
    if r.hazard_ratio is not None:
        text = f"HR {style.format_number(r.hazard_ratio, 2)}"
        if r.hazard_ratio_ci is not None:
            low, high = r.hazard_ratio_ci
            text += f" (95% CI {style.format_number(low, 2)}{style.DASH}{style.format_number(high, 2)})"
        parts.append(text)
    return ", ".join(parts) if parts else "No test: one group"


def _draw_risk_table(axes: Axes, groups: list[SurvivalGroup], end: float) -> None:
    axes.set_ylim(len(groups) + 0.2, -1.0)
    axes.set_axis_off()
    rows = axes.get_yaxis_transform()
    axes.text(
        0.0,
        -0.5,
        "Number at risk",
        transform=rows,
        ha="left",
        va="center",
        fontsize=style.SMALL_SIZE,
        color=style.INK,
        fontweight="bold",
    )
    for row, group in enumerate(groups):
        colour = style.group_colour(row)
        y = row + 0.5
        axes.text(
            -0.03,
            y,
            style.plain(group.label),
            transform=rows,
            ha="right",
            va="center",
            fontsize=style.SMALL_SIZE,
            color=colour,
        )
        for time, count in group.at_risk:
            if not 0 <= time <= end:  # beyond the plotted times (NaN fails this too)
                continue
            axes.text(time, y, str(count), ha="center", va="center", fontsize=style.SMALL_SIZE, color=colour)
