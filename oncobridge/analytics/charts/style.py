"""One look for every chart: colour-blind-safe palettes (Okabe & Ito, Paul Tol), sizes and label helpers."""

from __future__ import annotations

import math

from matplotlib.axes import Axes

WIDTH = 8.0  # inches; 1152 px at the default 144 dpi
TITLE_SIZE = 13
LABEL_SIZE = 10
SMALL_SIZE = 8.5
INK = "#222222"
MUTED = "#666666"
GRID = "#E5E5E5"
NOT_ALTERED = "#D4D4D4"
NOT_PROFILED_EDGE = "#9A9A9A"
BAR = "#0072B2"
DASH = "\u2013"  # the en dash of ranges: "95% CI 13.0\u201315.7"

# Okabe & Ito's eight colours, in an order where neighbours stay distinct for every common colour-vision
# deficiency; yellow last because thin lines in it are hard to see on white.
GROUP_COLOURS = ("#0072B2", "#D55E00", "#009E73", "#CC79A7", "#E69F00", "#56B4E9", "#000000", "#F0E442")

# Variant classes in the colours people know from maftools (green missense, red truncating, blue/purple
# frame shifts), moved onto the Okabe-Ito and Tol palettes so that they stay apart under colour blindness;
# no pale yellow for a common class, which would vanish against the grey of unaltered cells.
MULTI_HIT = "Multi_Hit"
VARIANT_COLOURS = {
    "Missense_Mutation": "#009E73",
    "Nonsense_Mutation": "#D55E00",
    "Frame_Shift_Del": "#0072B2",
    "Frame_Shift_Ins": "#CC79A7",
    "In_Frame_Del": "#999933",
    "In_Frame_Ins": "#E69F00",
    "Splice_Site": "#56B4E9",
    "Translation_Start_Site": "#882255",
    "Nonstop_Mutation": "#332288",
    "Silent": "#DDCC77",
    MULTI_HIT: "#000000",
}
# Any other class (non-coding ones when silent variants are included) takes the next of these.
EXTRA_COLOURS = ("#44AA99", "#AA4499", "#117733", "#88CCEE", "#661100", "#6699CC", "#F0E442", "#888888")


def variant_colours(classes: list[str]) -> dict[str, str]:
    """A colour for each class, the known ones fixed, the others in a stable order after them."""
    colours: dict[str, str] = {}
    extra = iter(EXTRA_COLOURS * (1 + len(classes) // len(EXTRA_COLOURS)))
    for name in classes:
        colours[name] = VARIANT_COLOURS[name] if name in VARIANT_COLOURS else next(extra)
    return colours


def group_colour(index: int) -> str:
    return GROUP_COLOURS[index % len(GROUP_COLOURS)]


def plain(text: str) -> str:
    """Text shown literally: a "$" in a data value must not switch matplotlib into maths mode."""
    return text.replace("$", r"\$")


def clean_axes(axes: Axes, *, grid_axis: str | None = None) -> None:
    """Open axes (no top/right frame), quiet ticks, an optional light grid behind the data."""
    for side in ("top", "right"):
        axes.spines[side].set_visible(False)
    for side in ("left", "bottom"):
        axes.spines[side].set_color(MUTED)
    axes.tick_params(colors=INK, labelsize=SMALL_SIZE, length=3, color=MUTED)
    if grid_axis is not None:
        axes.grid(axis=grid_axis, color=GRID, linewidth=0.8)  # type: ignore[arg-type]
        axes.set_axisbelow(True)


def text_width_inches(text: str, size: float) -> float:
    """An upper estimate of a label's width in DejaVu Sans, for layouts computed without measuring."""
    return len(text) * size * 0.62 / 72


def format_p(value: float | None) -> str:
    """A p-value as a journal prints it: two significant digits, "< 0.0001" below that."""
    if value is None or math.isnan(value):
        return "n/a"
    if value < 0.0001:
        return "< 0.0001"
    return f"{value:.2g}"


def p_text(name: str, value: float | None) -> str:
    """ "p = 0.012", "q < 0.0001"."""
    shown = format_p(value)
    return f"{name} {shown}" if shown.startswith("<") else f"{name} = {shown}"


def format_number(value: float | None, digits: int = 1) -> str:
    if value is None or math.isnan(value):
        return "n/a"
    if math.isinf(value):
        return "∞" if value > 0 else "-∞"
    return f"{value:.{digits}f}"


def format_value(value: float) -> str:
    """A summary statistic: whole numbers as such, others to four significant digits, never 1e+04."""
    if value.is_integer() and abs(value) < 1e15:
        return str(int(value))
    return f"{value:.0f}" if abs(value) >= 1000 else f"{value:.4g}"


def percent(value: float) -> str:
    return f"{value * 100:.1f}%" if value < 0.1 else f"{value * 100:.0f}%"
