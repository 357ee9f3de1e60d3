"""Charts and CSV tables for the analytics results, rendered offline (pure: matplotlib, no Django).

Each result type has one chart function returning a `Chart` (`.svg()` to inline in a page, `.png(dpi)` to
download) and one CSV function holding the numbers the chart shows, so the UI, the API and exports agree.
Rendering draws on a new matplotlib Figure per call and never touches pyplot or the global rcParams, so
charts may be rendered from several threads at once.
"""

from oncobridge.analytics.charts._render import Chart
from oncobridge.analytics.charts.cooccurrence import cooccurrence_chart, cooccurrence_csv
from oncobridge.analytics.charts.distribution import distribution_chart, distribution_csv
from oncobridge.analytics.charts.frequencies import frequencies_chart, frequencies_csv
from oncobridge.analytics.charts.oncoprint import oncoprint_chart, oncoprint_csv
from oncobridge.analytics.charts.survival import survival_chart, survival_csv

__all__ = [
    "Chart",
    "cooccurrence_chart",
    "cooccurrence_csv",
    "distribution_chart",
    "distribution_csv",
    "frequencies_chart",
    "frequencies_csv",
    "oncoprint_chart",
    "oncoprint_csv",
    "survival_chart",
    "survival_csv",
]
