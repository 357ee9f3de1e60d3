"""Co-occurrence and mutual exclusivity: a lower-triangle heatmap of log10 odds ratios, marked where
the Benjamini-Hochberg q-value is significant."""

from __future__ import annotations

import math
from collections.abc import Sequence

import numpy as np
from matplotlib.colors import LinearSegmentedColormap
from matplotlib.figure import Figure
from matplotlib.patches import Patch, Rectangle

from oncobridge.analytics.charts import style
from oncobridge.analytics.charts._render import Chart, no_data_chart
from oncobridge.analytics.definitions import GenePair

# Odds ratios beyond 1:100 or 100:1 take the end colours, which the colour bar's arrows say are open-ended.
LOG_OR_LIMIT = 2.0
# ColorBrewer's brown-green diverging scale (colour-blind safe): brown for mutual exclusivity, green for
# co-occurrence, as maftools draws them.
_BROWN_GREEN = LinearSegmentedColormap.from_list(
    "brown_green",
    ["#8C510A", "#BF812D", "#DFC27D", "#F6E8C3", "#F5F5F5", "#C7EAE5", "#80CDC1", "#35978F", "#01665E"],
)
_UNTESTED = "#BDBDBD"


def cooccurrence_chart(
    pairs: Sequence[GenePair], *, title: str = "Co-occurrence and mutual exclusivity"
) -> Chart:
    genes = _genes(pairs)
    if len(genes) < 2:  # no pair, or only a gene paired with itself
        return no_data_chart(title)
    index = {gene: position for position, gene in enumerate(genes)}
    size = len(genes)
    values = np.full((size, size), np.nan)
    untested = np.zeros((size, size), dtype=bool)
    marks: list[tuple[int, int, str]] = []
    for pair in pairs:
        row, column = sorted((index[pair.gene_a], index[pair.gene_b]), reverse=True)
        if row == column:
            continue
        log_or = _shown_log_odds_ratio(pair)
        if log_or is None:
            untested[row, column] = True
        else:
            values[row, column] = log_or
        mark = _mark(pair.q_value)
        if mark:
            marks.append((row, column, mark))

    cell = min(0.45, 5.2 / max(size - 1, 1))
    label = style.text_width_inches(max(genes, key=len), style.LABEL_SIZE) + 0.2
    side = cell * (size - 1)
    colourbar = 1.5
    width = max(label + side + colourbar + 0.3, 5.5)
    top, bottom = 0.55, label + 0.7
    height = top + side + bottom

    def draw(figure: Figure) -> None:
        axes = figure.add_axes((label / width, bottom / height, side / width, side / height))
        rows, columns = np.arange(1, size), np.arange(0, size - 1)
        shown = np.ma.masked_invalid(values[np.ix_(rows, columns)])
        mesh = axes.pcolormesh(
            shown, cmap=_BROWN_GREEN, vmin=-LOG_OR_LIMIT, vmax=LOG_OR_LIMIT, edgecolors="white", linewidth=1.5
        )
        for row, column in zip(*np.nonzero(untested[np.ix_(rows, columns)]), strict=True):
            axes.add_patch(_square(int(row), int(column), _UNTESTED))
        for row, column, mark in marks:
            value = values[row, column]
            dark = not math.isnan(value) and abs(value) > LOG_OR_LIMIT * 0.6
            axes.text(
                column + 0.5,
                row - 0.5,
                mark,
                ha="center",
                va="center",
                fontsize=style.LABEL_SIZE,
                color="white" if dark else style.INK,
                fontweight="bold",
            )
        axes.set_xlim(0, size - 1)
        axes.set_ylim(size - 1, 0)
        axes.set_xticks(np.arange(size - 1) + 0.5, [style.plain(gene) for gene in genes[:-1]], rotation=90)
        axes.set_yticks(np.arange(size - 1) + 0.5, [style.plain(gene) for gene in genes[1:]])
        axes.tick_params(length=0, labelsize=style.LABEL_SIZE, colors=style.INK)
        for spine in axes.spines.values():
            spine.set_visible(False)
        bar_axes = figure.add_axes(
            ((label + side + 0.5) / width, bottom / height, 0.18 / width, max(side, 1.5) / height)
        )
        bar = figure.colorbar(mesh, cax=bar_axes, extend="both")
        bar.set_label("log10 odds ratio", fontsize=style.SMALL_SIZE, color=style.INK)
        bar.ax.tick_params(labelsize=style.SMALL_SIZE, colors=style.INK)
        bar.outline.set_visible(False)
        bar.ax.text(
            0.5,
            1.06,
            "Co-occurrence",
            transform=bar.ax.transAxes,
            ha="center",
            va="bottom",
            fontsize=style.SMALL_SIZE,
            color=_BROWN_GREEN(1.0),
        )
        bar.ax.text(
            0.5,
            -0.06,
            "Mutual\nexclusivity",
            transform=bar.ax.transAxes,
            ha="center",
            va="top",
            fontsize=style.SMALL_SIZE,
            color=_BROWN_GREEN(0.0),
        )
        note = (
            "* q < 0.05   ** q < 0.01 (Benjamini-Hochberg)\nPairs with a zero count are coloured by "
            "the Haldane-Anscombe estimate (0.5 added to each count)"
        )
        handles = [Patch(facecolor=_UNTESTED, label="Not testable")] if untested.any() else []
        figure.text(
            0.1 / width,
            0.12 / height,
            note,
            ha="left",
            va="bottom",
            fontsize=style.SMALL_SIZE,
            color=style.MUTED,
        )
        if handles:
            # in the empty upper triangle
            axes.legend(handles=handles, loc="upper right", fontsize=style.SMALL_SIZE, frameon=False)
        figure.text(
            0.1 / width,
            1 - 0.12 / height,
            style.plain(title),
            ha="left",
            va="top",
            fontsize=style.TITLE_SIZE,
            color=style.INK,
        )

    significant = [pair for pair in pairs if pair.q_value < 0.05]
    listed = "; ".join(
        f"{pair.gene_a} and {pair.gene_b}: {pair.relation}, "
        f"odds ratio {style.format_number(pair.odds_ratio, 2)}, {style.p_text('q', pair.q_value)}"
        for pair in significant
    )
    return Chart(
        title=title,
        description=(
            f"Heatmap of log10 odds ratios for {len(pairs)} pairs of {size} genes. "
            + (
                f"Significant at q < 0.05: {listed}."
                if significant
                else "No pair is significant at q < 0.05."
            )
        ),
        width_inches=width,
        height_inches=height,
        draw=draw,
    )


def _genes(pairs: Sequence[GenePair]) -> list[str]:
    """The genes in the order the pairs first name them (the order the caller asked for)."""
    return list(dict.fromkeys(gene for pair in pairs for gene in (pair.gene_a, pair.gene_b)))


def _shown_log_odds_ratio(pair: GenePair) -> float | None:
    """The colour's log10 odds ratio, within the scale; None when there is nothing to estimate.

    A zero cell makes the sample odds ratio 0 or infinite, which would paint a pair seen once as the
    strongest exclusivity; the chart shows the Haldane-Anscombe estimate (0.5 added to each cell) instead,
    as the footnote says. The CSV keeps the test's own odds ratio."""
    cells = (pair.both, pair.a_only, pair.b_only, pair.neither)
    if min(cells) == 0:
        if pair.both + pair.a_only == 0 or pair.both + pair.b_only == 0:
            return None  # a gene altered in no profiled sample: no association to show
        both, a_only, b_only, neither = (count + 0.5 for count in cells)
        odds_ratio = both * neither / (a_only * b_only)
    elif math.isnan(pair.odds_ratio):
        return None
    else:
        odds_ratio = pair.odds_ratio
    if odds_ratio <= 0:
        return -LOG_OR_LIMIT
    return max(-LOG_OR_LIMIT, min(LOG_OR_LIMIT, math.log10(odds_ratio)))


def _mark(q_value: float) -> str:
    if math.isnan(q_value):
        return ""
    return "**" if q_value < 0.01 else "*" if q_value < 0.05 else ""


def _square(row: int, column: int, colour: str) -> Rectangle:
    return Rectangle((column, row), 1, 1, facecolor=colour, edgecolor="white", linewidth=1.5)
