"""Charts and CSV tables for the analytics results, rendered offline (pure: matplotlib, no Django).

Each result type has one chart function returning a `Chart` (`.svg()` to inline in a page, `.png(dpi)` to
download); `csv_text` writes the tables behind them (numbers that read back exactly, formulas defused).
Rendering draws on a new matplotlib Figure per call and never touches pyplot or the global rcParams, so
charts may be rendered from several threads at once.
"""

from oncobridge.analytics.charts._render import Chart
from oncobridge.analytics.charts._table import csv_text
from oncobridge.analytics.charts.cooccurrence import cooccurrence_chart
from oncobridge.analytics.charts.distribution import distribution_chart
from oncobridge.analytics.charts.frequencies import frequencies_chart
from oncobridge.analytics.charts.oncoprint import oncoprint_chart
from oncobridge.analytics.charts.survival import survival_chart

__all__ = [
    "Chart",
    "cooccurrence_chart",
    "csv_text",
    "distribution_chart",
    "frequencies_chart",
    "oncoprint_chart",
    "survival_chart",
]
