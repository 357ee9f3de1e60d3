"""Mutation frequency per gene: a horizontal bar per gene, labelled altered / profiled samples."""

from __future__ import annotations

import math
from collections.abc import Sequence

from matplotlib.figure import Figure

from oncobridge.analytics.charts import style
from oncobridge.analytics.charts._render import Chart, no_data_chart
from oncobridge.analytics.definitions import GeneFrequency

DEFAULT_TOP = 30


def frequencies_chart(
    freqs: Sequence[GeneFrequency], *, title: str = "Mutation frequency", top: int = DEFAULT_TOP
) -> Chart:
    """The `top` genes in the order given (the core sorts by altered samples), most altered at the top."""
    shown = list(freqs)[: max(top, 0)]
    if not shown:
        return no_data_chart(title)
    height = 1.1 + 0.27 * len(shown)

    def draw(figure: Figure) -> None:
        figure.set_layout_engine("constrained")
        axes = figure.add_subplot()
        positions = range(len(shown))
        values = [freq.frequency * 100 if math.isfinite(freq.frequency) else 0.0 for freq in shown]
        axes.barh(positions, values, height=0.7, color=style.BAR)
        axes.set_yticks(
            list(positions), [style.plain(freq.gene) for freq in shown], fontsize=style.LABEL_SIZE
        )
        axes.set_ylim(len(shown) - 0.4, -0.6)  # most altered on top, no empty band above or below
        longest = max(values)
        axes.set_xlim(0, max(longest * 1.3, 5.0))
        for position, freq, value in zip(positions, shown, values, strict=True):
            axes.text(
                value + longest * 0.015 + 0.1,
                position,
                f"{style.percent(freq.frequency)}  ({freq.altered_samples}/{freq.profiled_samples})",
                va="center",
                fontsize=style.SMALL_SIZE,
                color=style.INK,
            )
        axes.set_xlabel("Profiled samples altered (%)", fontsize=style.LABEL_SIZE, color=style.INK)
        style.clean_axes(axes, grid_axis="x")
        axes.tick_params(axis="y", length=0, labelsize=style.LABEL_SIZE)
        axes.set_title(style.plain(title), fontsize=style.TITLE_SIZE, color=style.INK, loc="left")

    genes = "; ".join(
        f"{freq.gene} {freq.altered_samples} of {freq.profiled_samples} profiled samples "
        f"({style.percent(freq.frequency)})"
        for freq in shown
    )
    return Chart(
        title=title,
        description=f"Bar chart of the {len(shown)} most frequently altered genes. {genes}.",
        width_inches=style.WIDTH,
        height_inches=height,
        draw=draw,
    )
