"""A project's milestones as a Gantt-like chart: plain data in, an accessible inline SVG string out.

Pure: no Django, no JavaScript, no network. Each milestone is a bar from when its work can start (its
dependencies' due dates, or the project's start) to its due date; arrows draw the dependencies, a dashed
line marks today, and overdue milestones are red with a dashed outline and say so in words, so the chart
does not rely on colour alone. The page shows the same rows as a table beside it.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass
from html import escape

LABEL_WIDTH = 230
CHART_WIDTH = 620
RIGHT_PAD = 20
ROW_HEIGHT = 30
BAR_HEIGHT = 16
HEADER_HEIGHT = 46
MIN_BAR_WIDTH = 6
MAX_LABEL_CHARS = 30
MAX_TICKS = 12

# Fill, outline and dash of each status; overdue overrides them.
STATUS_STYLE: dict[str, tuple[str, str, str]] = {
    "planned": ("#c9d8f0", "#3a5f9e", ""),
    "in_progress": ("#6b93d6", "#274a85", ""),
    "done": ("#8fc79a", "#2f7a3d", ""),
    "blocked": ("#f2d48a", "#8a6410", "2 2"),
}
OVERDUE_STYLE = ("#f4b4b0", "#b3261e", "4 2")
STATUS_WORDS = {"planned": "planned", "in_progress": "in progress", "done": "done", "blocked": "blocked"}


@dataclass(frozen=True)
class TimelineItem:
    key: int
    label: str
    start: dt.date
    due: dt.date
    status: str
    overdue: bool = False
    depends_on: tuple[int, ...] = ()
    owner: str = ""


def _month_starts(first: dt.date, last: dt.date) -> list[dt.date]:
    months = []
    current = dt.date(first.year, first.month, 1)
    if current < first:
        current = _add_months(current, 1)
    while current <= last:
        months.append(current)
        current = _add_months(current, 1)
    step = max(1, -(-len(months) // MAX_TICKS))
    return months[::step]


def _add_months(day: dt.date, months: int) -> dt.date:
    index = day.month - 1 + months
    return dt.date(day.year + index // 12, index % 12 + 1, 1)


def _short(label: str) -> str:
    return label if len(label) <= MAX_LABEL_CHARS else label[: MAX_LABEL_CHARS - 1] + "…"


def item_sentence(item: TimelineItem) -> str:
    """One milestone in words, as the bar's tooltip and the screen reader's text say it."""
    words = f"{item.label}: {STATUS_WORDS.get(item.status, item.status)}, due {item.due.isoformat()}"
    if item.overdue:
        words += ", overdue"
    if item.owner:
        words += f", owner {item.owner}"
    return words


def timeline_summary(items: Sequence[TimelineItem], today: dt.date) -> str:
    if not items:
        return "No milestones yet."
    first = min(item.start for item in items)
    last = max(item.due for item in items)
    overdue = sum(1 for item in items if item.overdue)
    done = sum(1 for item in items if item.status == "done")
    return (
        f"{len(items)} milestones from {first.isoformat()} to {last.isoformat()}; {done} done, "
        f"{overdue} overdue as of {today.isoformat()}."
    )


def timeline_svg(
    *, items: Sequence[TimelineItem], today: dt.date, title: str, id_prefix: str = "timeline"
) -> str:
    """The chart as an `<svg>` element to embed in a page (role img, with a title and a description)."""
    first = min([today, *(item.start for item in items)]) - dt.timedelta(days=3)
    last = max([today, *(item.due for item in items)]) + dt.timedelta(days=3)
    span = max(1, (last - first).days)
    width = LABEL_WIDTH + CHART_WIDTH + RIGHT_PAD
    height = HEADER_HEIGHT + ROW_HEIGHT * max(1, len(items)) + 10

    def x(day: dt.date) -> float:
        return round(LABEL_WIDTH + (day - first).days / span * CHART_WIDTH, 1)

    def y_mid(row: int) -> float:
        return HEADER_HEIGHT + row * ROW_HEIGHT + ROW_HEIGHT / 2

    title_id, desc_id = f"{id_prefix}-title", f"{id_prefix}-desc"
    parts = [
        f'<svg xmlns="http://www.w3.org/2000/svg" class="timeline" role="img" viewBox="0 0 {width} {height}" '
        f'width="100%" preserveAspectRatio="xMinYMin meet" aria-labelledby="{title_id} {desc_id}" '
        f'font-family="system-ui, sans-serif" font-size="12">',
        f'<title id="{title_id}">{escape(title)}</title>',
        f'<desc id="{desc_id}">{escape(timeline_summary(items, today))}</desc>',
        "<defs>"
        f'<marker id="{id_prefix}-arrow" viewBox="0 0 10 10" refX="9" refY="5" markerWidth="7" '
        'markerHeight="7" orient="auto-start-reverse"><path d="M0,0 L10,5 L0,10 z" fill="#55606e"/></marker>'
        "</defs>",
    ]
    for month in _month_starts(first, last):
        position = x(month)
        parts.append(
            f'<line x1="{position}" y1="{HEADER_HEIGHT - 6}" x2="{position}" y2="{height - 6}" '
            'stroke="#e1e5ea" stroke-width="1"/>'
            f'<text x="{position + 3}" y="{HEADER_HEIGHT - 12}" fill="#55606e">{month:%b %Y}</text>'
        )
    rows = {item.key: row for row, item in enumerate(items)}
    for row, item in enumerate(items):
        top = HEADER_HEIGHT + row * ROW_HEIGHT
        fill, stroke, dash = (
            OVERDUE_STYLE if item.overdue else STATUS_STYLE.get(item.status, STATUS_STYLE["planned"])
        )
        left = x(item.start)
        bar_width = max(MIN_BAR_WIDTH, x(item.due) - left)
        label = _short(item.label) + (" (overdue)" if item.overdue else "")
        dash_attribute = f' stroke-dasharray="{dash}"' if dash else ""
        text_style = 'fill="#b3261e" font-weight="600"' if item.overdue else 'fill="#1d2733"'
        parts.append(
            f'<g class="timeline__row{" timeline__row--overdue" if item.overdue else ""}" '
            f'data-milestone="{item.key}">'
            f"<title>{escape(item_sentence(item))}</title>"
            f'<text x="6" y="{y_mid(row) + 4}" {text_style}>{escape(label)}</text>'
            f'<rect x="{left}" y="{top + (ROW_HEIGHT - BAR_HEIGHT) / 2}" width="{round(bar_width, 1)}" '
            f'height="{BAR_HEIGHT}" rx="3" fill="{fill}" stroke="{stroke}" '
            f'stroke-width="1.5"{dash_attribute}/>'
            "</g>"
        )
    for item in items:
        for dependency in item.depends_on:
            if dependency not in rows:
                continue
            source = items[rows[dependency]]
            start_x, start_y = x(source.due), y_mid(rows[dependency])
            end_x, end_y = x(item.start), y_mid(rows[item.key])
            bend = start_x + 6
            parts.append(
                f'<path class="timeline__dependency" d="M{start_x},{start_y} L{bend},{start_y} '
                f'L{bend},{end_y} L{max(end_x, bend + 4)},{end_y}" fill="none" stroke="#55606e" '
                'stroke-width="1.2" '
                f'marker-end="url(#{id_prefix}-arrow)"><title>{escape(item.label)} depends on '
                f"{escape(source.label)}</title></path>"
            )
    today_x = x(today)
    parts.append(
        f'<g class="timeline__today"><line x1="{today_x}" y1="{HEADER_HEIGHT - 8}" x2="{today_x}" '
        f'y2="{height - 4}" stroke="#b3261e" stroke-width="1.5" stroke-dasharray="5 3"/>'
        f'<text x="{today_x + 3}" y="12" fill="#b3261e">Today {today.isoformat()}</text></g>'
    )
    parts.append("</svg>")
    return "".join(parts)
