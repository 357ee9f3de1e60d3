"""A chart is a recipe: every `.svg()` or `.png()` call draws it on a fresh matplotlib Figure.

No pyplot and no change to matplotlib's process-wide rcParams: a Figure per call is what keeps rendering
safe from several request threads at once, and the SVG renderer below keeps text as text (selectable and read
by screen readers) and ids stable without the global `svg.fonttype` / `svg.hashsalt` settings.
"""

from __future__ import annotations

import hashlib
import io
import re
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any
from xml.sax.saxutils import escape, quoteattr

from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.backends.backend_mixed import MixedModeRenderer
from matplotlib.backends.backend_svg import RendererSVG
from matplotlib.figure import Figure

from oncobridge.analytics.charts import style

Draw = Callable[[Figure], None]

# Everything matplotlib would add around the drawing: an XML prolog, a DTD reference and Dublin Core
# metadata that point at web addresses, a creation date that would make identical charts differ.
_NO_METADATA: dict[str, Any] = {"Creator": None, "Date": None, "Format": None, "Type": None}
_SVG_START = re.compile(r"<svg\b[^>]*>")
# Only inside tags (matplotlib escapes "<" and ">" in attribute values), so that a label that happens to
# read id="x" is left as it is.
_TAG = re.compile(r"<[^>]+>")
_ID_OR_REFERENCE = re.compile(r'(\sid="|url\(#|href="#)([^)"]+)')


class _TextSVGRenderer(RendererSVG):
    """Text as <text> elements in the page's font stack, never as glyph paths; ids from content alone."""

    def draw_text(
        self,
        gc: Any,
        x: float,
        y: float,
        s: str,
        prop: Any,
        angle: float,
        ismath: bool | str = False,
        mtext: Any = None,
    ) -> None:
        clip_attrs = self._get_clip_attrs(gc)  # type: ignore[no-untyped-call]
        if clip_attrs:  # text carries a transform, so the clip goes on a group around it
            self.writer.start("g", **clip_attrs)  # type: ignore[no-untyped-call]
        self._draw_text_as_text(gc, x, y, s, prop, angle, ismath, mtext)  # type: ignore[no-untyped-call]
        if clip_attrs:
            self.writer.end("g")  # type: ignore[no-untyped-call]

    def _make_id(self, type: str, content: Any) -> str:
        return f"{type}{hashlib.sha256(str(content).encode('utf-8')).hexdigest()[:10]}"


@dataclass(frozen=True)
class Chart:
    """A chart with its accessible title and description; `draw` fills a Figure of the given size."""

    title: str
    description: str
    width_inches: float
    height_inches: float
    draw: Draw

    def figure(self, dpi: float = 72) -> Figure:
        figure = Figure(figsize=(self.width_inches, self.height_inches), dpi=dpi, facecolor="white")
        self.draw(figure)
        return figure

    def size_px(self, dpi: int) -> tuple[int, int]:
        """The PNG's width and height at `dpi` (Agg truncates fractional pixels)."""
        return int(self.width_inches * dpi), int(self.height_inches * dpi)

    def png(self, dpi: int = 144) -> bytes:
        if dpi <= 0:
            raise ValueError("dpi must be positive")
        canvas = FigureCanvasAgg(self.figure(dpi))
        buffer = io.BytesIO()
        metadata = {"Title": self.title, "Description": self.description}
        canvas.print_png(buffer, metadata=metadata)  # type: ignore[no-untyped-call]
        return buffer.getvalue()

    def svg(self) -> str:
        """An <svg> element ready to inline in HTML or save as a file: no prolog, nothing external,
        <title> and <desc> for assistive technology, ids unique to this chart."""
        figure = self.figure(72)
        buffer = io.StringIO()
        width, height = self.width_inches * 72, self.height_inches * 72
        svg_renderer = _TextSVGRenderer(  # type: ignore[no-untyped-call]
            width, height, buffer, image_dpi=72, metadata=_NO_METADATA
        )
        # As FigureCanvasSVG.print_svg does it, minus the process-wide settings (see _TextSVGRenderer).
        renderer = MixedModeRenderer(  # type: ignore[no-untyped-call]
            figure, self.width_inches, self.height_inches, 72, svg_renderer
        )
        FigureCanvasAgg(figure)  # a canvas that layout code can ask for a renderer while drawing
        figure.draw(renderer)  # type: ignore[arg-type]
        renderer.finalize()
        return _finish_svg(buffer.getvalue(), self.title, self.description)


def _finish_svg(text: str, title: str, description: str) -> str:
    body = text[text.index("<svg") :]
    # matplotlib's default style sheet uses a bare `*` selector, which inline would restyle the whole page.
    body = body.replace("*{stroke-linejoin", ".ob-chart *{stroke-linejoin", 1)
    prefix = "c" + hashlib.sha256(body.encode("utf-8")).hexdigest()[:8] + "-"
    body = _TAG.sub(
        lambda tag: _ID_OR_REFERENCE.sub(lambda m: f"{m.group(1)}{prefix}{m.group(2)}", tag.group(0)), body
    )
    opening = _SVG_START.search(body)
    if opening is None:  # pragma: no cover - matplotlib always writes the root element
        raise RuntimeError("matplotlib produced no <svg> element")
    tag = opening.group(0)[:-1]
    labelled = f"{prefix}title {prefix}desc"
    new_tag = f'{tag} class="ob-chart" role="img" aria-labelledby={quoteattr(labelled)}>'
    accessible = (
        f'<title id="{prefix}title">{escape(title)}</title>'
        f'<desc id="{prefix}desc">{escape(description)}</desc>'
    )
    return body[: opening.start()] + new_tag + accessible + body[opening.end() :]


def no_data_chart(title: str, message: str = "No data") -> Chart:
    """What an empty result renders as: the title and a plain statement, never an empty axis or an error."""

    def draw(figure: Figure) -> None:
        figure.text(0.5, 0.9, title, ha="center", va="top", fontsize=style.TITLE_SIZE, color=style.INK)
        figure.text(0.5, 0.45, message, ha="center", va="center", fontsize=14, color=style.MUTED)

    return Chart(
        title=title,
        description=f"{title}: {message}.",
        width_inches=style.WIDTH,
        height_inches=2.5,
        draw=draw,
    )
