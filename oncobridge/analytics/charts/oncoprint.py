"""The oncoprint: genes as rows, samples as columns (in the core's order), one colour per variant class."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterator

import numpy as np
from matplotlib.figure import Figure
from matplotlib.patches import Patch, PathPatch
from matplotlib.path import Path

from oncobridge.analytics.charts import style
from oncobridge.analytics.charts._render import Chart, no_data_chart
from oncobridge.analytics.definitions import GeneFrequency, Oncoprint

NOT_ALTERED = "Not altered"
NOT_PROFILED = "Not profiled"
# Up to this many samples every cell is its own box with a gap; beyond it the gaps would be thinner than
# a pixel, so neighbouring cells of one state merge into one box (a far smaller SVG, the same picture).
_SEPARATE_CELLS = 120
_SAMPLE_LABELS = 60
_SAMPLE_SIZE = 6.5
_LEGEND_COLUMNS = 5
_RECTANGLE_CODES = np.array(
    [Path.MOVETO, Path.LINETO, Path.LINETO, Path.LINETO, Path.CLOSEPOLY], dtype=np.uint8
)


def oncoprint_chart(o: Oncoprint, *, title: str = "Oncoprint") -> Chart:
    if not o.genes or not o.samples:
        return no_data_chart(title)
    states = _states(o)
    classes = _classes_in_order({state for row in states for state in row} - {NOT_ALTERED, NOT_PROFILED})
    colours = style.variant_colours(classes)
    colours[NOT_ALTERED] = style.NOT_ALTERED
    any_unprofiled = any(NOT_PROFILED in row for row in states)
    labels = _frequency_labels(o)
    n_genes, n_samples = len(o.genes), len(o.samples)
    show_samples = n_samples <= _SAMPLE_LABELS

    gene_width = style.text_width_inches(max(o.genes, key=len), style.LABEL_SIZE) + 0.15
    label_width = style.text_width_inches("100%", style.SMALL_SIZE) + 0.15
    sample_height = (
        style.text_width_inches(max(o.samples, key=len), _SAMPLE_SIZE) + 0.1 if show_samples else 0.3
    )
    row_height = 0.26
    legend_rows = 1 + (len(classes) + 1 + int(any_unprofiled)) // (_LEGEND_COLUMNS + 1)
    top, legend_height = 0.45, 0.22 * legend_rows + 0.15
    grid_height = row_height * n_genes
    height = top + grid_height + sample_height + legend_height
    width = style.WIDTH

    # Laid out by hand in inches: the constrained layout engine measures every label twice and would take
    # most of the time of a large oncoprint.
    def draw(figure: Figure) -> None:
        axes = figure.add_axes(
            (
                gene_width / width,
                (legend_height + sample_height) / height,
                (width - gene_width - label_width) / width,
                grid_height / height,
            )
        )
        gap = 0.12 if n_samples <= _SEPARATE_CELLS else 0.0
        boxes: dict[str, list[tuple[int, int, int]]] = defaultdict(list)
        for row, row_states in enumerate(states):
            for start, length, state in _runs(row_states, merge=gap == 0.0):
                boxes[state].append((start, length, row))
        # One compound path per state: Agg fills it in a single pass and the SVG holds one <path> per
        # colour, where a collection would be one element per cell. add_artist, not add_patch: the limits
        # are set below, and add_patch would walk every vertex to update them.
        for state, state_boxes in boxes.items():
            unprofiled = state == NOT_PROFILED
            axes.add_artist(
                PathPatch(
                    _boxes_path(state_boxes, gap),
                    facecolor="white" if unprofiled else colours[state],
                    edgecolor=style.NOT_PROFILED_EDGE if unprofiled else "none",
                    linewidth=0.4 if unprofiled else 0,
                    hatch="//////" if unprofiled else None,
                )
            )
        axes.set_xlim(0, n_samples)
        axes.set_ylim(n_genes, 0)
        axes.set_axis_off()
        rows = axes.get_yaxis_transform()  # x in axes fractions, y in rows
        for row, (gene, label) in enumerate(zip(o.genes, labels, strict=True)):
            axes.text(
                -0.008,
                row + 0.5,
                style.plain(gene),
                transform=rows,
                ha="right",
                va="center",
                fontsize=style.LABEL_SIZE,
                color=style.INK,
            )
            axes.text(
                1.008,
                row + 0.5,
                label,
                transform=rows,
                ha="left",
                va="center",
                fontsize=style.SMALL_SIZE,
                color=style.INK,
            )
        columns = axes.get_xaxis_transform()  # x in samples, y in axes fractions
        if show_samples:
            for column, sample in enumerate(o.samples):
                axes.text(
                    column + 0.5,
                    -0.02,
                    style.plain(sample),
                    transform=columns,
                    rotation=90,
                    ha="center",
                    va="top",
                    fontsize=_SAMPLE_SIZE,
                    color=style.MUTED,
                )
        else:
            axes.text(
                0.5,
                -0.04,
                f"{n_samples} samples",
                transform=axes.transAxes,
                ha="center",
                va="top",
                fontsize=style.LABEL_SIZE,
                color=style.INK,
            )
        handles = [Patch(facecolor=colours[name], label=name.replace("_", " ")) for name in classes]
        handles.append(Patch(facecolor=style.NOT_ALTERED, label=NOT_ALTERED))
        if any_unprofiled:
            handles.append(
                Patch(
                    facecolor="white", edgecolor=style.NOT_PROFILED_EDGE, hatch="//////", label=NOT_PROFILED
                )
            )
        figure.legend(
            handles=handles,
            loc="lower center",
            bbox_to_anchor=(0.5, 0.0),
            ncol=min(_LEGEND_COLUMNS, len(handles)),
            fontsize=style.SMALL_SIZE,
            frameon=False,
            handlelength=1.2,
            columnspacing=1.2,
        )
        figure.text(
            0.1 / width,
            1 - 0.12 / height,
            style.plain(title),
            ha="left",
            va="top",
            fontsize=style.TITLE_SIZE,
            color=style.INK,
        )

    summary = "; ".join(f"{gene} {label}" for gene, label in zip(o.genes, labels, strict=True))
    return Chart(
        title=title,
        description=(
            f"Oncoprint of {n_genes} genes across {n_samples} samples, coloured by variant class "
            f"({', '.join(classes) or 'none altered'}). Altered samples per gene: {summary}."
        ),
        width_inches=width,
        height_inches=height,
        draw=draw,
    )


def _states(o: Oncoprint) -> list[list[str]]:
    """Per gene row, per sample column: a variant class, Multi_Hit (several classes), or no alteration."""
    column = {sample: index for index, sample in enumerate(o.samples)}
    row = {gene: index for index, gene in enumerate(o.genes)}
    states = [[NOT_ALTERED] * len(o.samples) for _ in o.genes]
    for sample, gene in o.not_profiled:
        if sample in column and gene in row:
            states[row[gene]][column[sample]] = NOT_PROFILED
    for cell in o.cells:
        if cell.sample in column and cell.gene in row and cell.variant_classes:
            distinct = set(cell.variant_classes)
            state = cell.variant_classes[0] if len(distinct) == 1 else style.MULTI_HIT
            states[row[cell.gene]][column[cell.sample]] = state
    return states


def _classes_in_order(present: set[str]) -> list[str]:
    known = [name for name in style.VARIANT_COLOURS if name in present and name != style.MULTI_HIT]
    others = sorted(present - set(style.VARIANT_COLOURS))
    return known + others + ([style.MULTI_HIT] if style.MULTI_HIT in present else [])


def _runs(states: list[str], *, merge: bool) -> Iterator[tuple[int, int, str]]:
    """(start, length, state) of each box: runs of equal states when merging, single cells otherwise."""
    start = 0
    for index in range(1, len(states) + 1):
        if index == len(states) or not merge or states[index] != states[start]:
            yield start, index - start, states[start]
            start = index


def _boxes_path(boxes: list[tuple[int, int, int]], gap: float) -> Path:
    """The boxes (start column, length, row) as one path of closed rectangles."""
    vertices = np.empty((len(boxes) * 5, 2))
    for index, (start, length, row) in enumerate(boxes):
        left, right = start + gap / 2, start + length - gap / 2
        top, bottom = row + 0.08, row + 0.92
        vertices[index * 5 : index * 5 + 5] = (
            (left, top),
            (right, top),
            (right, bottom),
            (left, bottom),
            (0, 0),
        )
    codes = np.tile(_RECTANGLE_CODES, len(boxes))
    return Path(vertices, codes)


def _frequency_labels(o: Oncoprint) -> list[str]:
    """The percentage shown right of each row, from the core's frequencies (counted over the cells when the
    core gave none for a gene)."""
    by_gene: dict[str, GeneFrequency] = {freq.gene: freq for freq in o.frequencies}
    labels = []
    for gene in o.genes:
        freq = by_gene.get(gene)
        if freq is None:
            altered = len({cell.sample for cell in o.cells if cell.gene == gene and cell.variant_classes})
            profiled = len(o.samples) - sum(1 for _, other in o.not_profiled if other == gene)
            freq = GeneFrequency(gene, altered, profiled, altered / profiled if profiled else 0.0)
        labels.append(style.percent(freq.frequency))
    return labels
