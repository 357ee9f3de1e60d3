"""Analyses as a person sees them: one chart (charts.py, offline SVG/PNG) and one table (CSV) per tab.

The page, its downloads and the API all start from the same suppressed views (analyses.py), so a chart
never shows what its table hides: suppressed frequencies and withheld survival groups are left out of the
chart, a withheld co-occurrence pair is drawn as untested, and the table reads "<k" (or a dash for a
withheld pair's cells).
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any, cast

from oncobridge.analytics import (
    AttributeDistribution,
    GeneFrequency,
    GenePair,
    SurvivalGroup,
    SurvivalResult,
    charts,
)
from oncobridge.cohorts import analyses
from oncobridge.cohorts.analyses import Scope, SurvivalGrouping
from oncobridge.core.errors import ServiceError

TABS = {
    "frequencies": "Mutation frequencies",
    "oncoprint": "Oncoprint",
    "cooccurrence": "Co-occurrence",
    "survival": "Survival",
    "distribution": "Distributions",
}
DEFAULT_COOCCURRENCE_GENES = 6
FREQUENCY_NOTE = "Non-silent coding variants (maftools); a sample whose panel misses a gene is not profiled."
COOCCURRENCE_NOTE = (
    "Two-sided Fisher's exact test over samples profiled for both genes; q: Benjamini-Hochberg."
)


@dataclass
class Rendered:
    tab: str
    title: str
    chart: charts.Chart
    header: list[str]
    rows: list[list[Any]]
    notes: list[str] = field(default_factory=list)

    @property
    def display_rows(self) -> list[list[str]]:
        return [[_display(value) for value in row] for row in self.rows]

    def csv(self) -> str:
        return charts.csv_text(self.header, self.rows)


def _display(value: Any) -> str:
    if value is None:
        return "–"  # noqa: RUF001 - a dash for "no value", as printed tables show it
    if isinstance(value, float):
        return f"{value:.4g}"
    return str(value)


def _genes(options: Mapping[str, str], name: str = "genes") -> list[str]:
    return [gene.strip() for gene in options.get(name, "").replace(" ", ",").split(",") if gene.strip()]


def _top(options: Mapping[str, str], default: int = 20) -> int:
    raw = options.get("top", "").strip()
    if not raw:
        return default
    try:
        return int(raw)
    except ValueError:
        raise ServiceError("'top' must be a whole number.", field="top") from None


def _suppression_note(scope: Scope) -> list[str]:
    if not scope.aggregate_only:
        return []
    return [
        f"Counts below {scope.threshold} read “<{scope.threshold}”: you have no row access to "
        + ", ".join(slug for slug, rows in scope.row_access.items() if not rows)
        + "."
    ]


def _frequencies(scope: Scope, options: Mapping[str, str]) -> Rendered:
    views = analyses.analysis_frequencies(
        scope=scope, top=_top(options), genes=_genes(options) or None, include_silent=False
    )
    shown = [
        GeneFrequency(v.gene, v.altered_samples, v.profiled_samples, v.frequency)
        for v in views
        if isinstance(v.altered_samples, int)
        and isinstance(v.profiled_samples, int)
        and v.frequency is not None
    ]
    return Rendered(
        tab="frequencies",
        title="Mutation frequencies",
        chart=charts.frequencies_chart(shown, top=max(len(shown), 1)),
        header=["gene", "altered_samples", "profiled_samples", "frequency"],
        rows=[[v.gene, v.altered_samples, v.profiled_samples, v.frequency] for v in views],
        notes=[*_suppression_note(scope), FREQUENCY_NOTE],
    )


def _oncoprint(scope: Scope, options: Mapping[str, str]) -> Rendered:
    result = analyses.analysis_oncoprint(scope=scope, genes=_genes(options) or None, top=_top(options))
    rows = [[cell.sample, cell.gene, ";".join(cell.variant_classes)] for cell in result.cells]
    return Rendered(
        tab="oncoprint",
        title="Oncoprint",
        chart=charts.oncoprint_chart(result),
        header=["sample", "gene", "variant_classes"],
        rows=rows,
        notes=[f"{len(result.samples)} samples, {len(result.genes)} genes."],
    )


def _cooccurrence(scope: Scope, options: Mapping[str, str]) -> Rendered:
    genes = _genes(options)
    if not genes:
        top = analyses.analysis_frequencies(scope=scope, top=DEFAULT_COOCCURRENCE_GENES)
        genes = [view.gene for view in top]
    views = analyses.analysis_cooccurrence(scope=scope, genes=genes)
    drawn = [_drawn_pair(view) for view in views]
    notes = [*_suppression_note(scope), COOCCURRENCE_NOTE]
    withheld = [f"{v.gene_a}-{v.gene_b}" for v in views if v.both is None]
    if withheld:
        notes.append(
            f"A cell below {scope.threshold}: {', '.join(withheld)} (the whole table and its test are "
            "withheld, as the genes' frequencies would give the small cell back)."
        )
    return Rendered(
        tab="cooccurrence",
        title="Co-occurrence and mutual exclusivity",
        chart=charts.cooccurrence_chart(drawn),
        header=list(analyses.PairView.__dataclass_fields__),
        rows=[[getattr(v, name) for name in analyses.PairView.__dataclass_fields__] for v in views],
        notes=notes,
    )


def _drawn_pair(view: analyses.PairView) -> GenePair:
    """The pair as the chart draws it; one with withheld cells is drawn as untested (no cells). An odds ratio
    left out of the view as not finite (a zero cell) is drawn from the cells, as the chart does for those."""
    both, a_only, b_only, neither = (view.both, view.a_only, view.b_only, view.neither)
    if both is None or a_only is None or b_only is None or neither is None or view.relation is None:
        return GenePair(view.gene_a, view.gene_b, 0, 0, 0, 0, math.nan, math.nan, math.nan, "undetermined")
    return GenePair(
        view.gene_a,
        view.gene_b,
        both,
        a_only,
        b_only,
        neither,
        math.nan if view.odds_ratio is None else view.odds_ratio,
        math.nan if view.p_value is None else view.p_value,
        math.nan if view.q_value is None else view.q_value,
        view.relation,
    )


def survival_grouping(
    options: Mapping[str, str], *, compared: SurvivalGrouping | None = None
) -> SurvivalGrouping:
    """The tab's groups: a gene's status, an attribute's values, or the saved cohorts compared."""
    by = options.get("group_by", "gene")
    if by == "attribute":
        return SurvivalGrouping(attribute=options.get("attribute", "").strip() or None)
    if by == "cohorts" and compared is not None:
        return compared
    gene = options.get("gene", "").strip()
    if not gene:
        raise ServiceError("Name a gene to compare mutated and wild-type patients.", field="gene")
    return SurvivalGrouping(gene=gene)


def _survival(scope: Scope, options: Mapping[str, str], grouping: SurvivalGrouping) -> Rendered:
    view, _ = analyses.analysis_survival(
        scope=scope, grouping=grouping, endpoint=options.get("endpoint") or None
    )
    shown = [
        SurvivalGroup(
            label=g.label,
            n=cast(int, g.n),
            events=cast(int, g.events),  # printed in the legend; a suppressed one prints as "<k"
            median_months=g.median_months,
            median_ci=g.median_ci,
            curve=g.curve,
            at_risk=[(time, n) for time, n in g.at_risk if isinstance(n, int)],
        )
        for g in view.groups
        if g.label not in view.withheld
    ]
    result = SurvivalResult(
        groups=shown,
        logrank_p=view.logrank_p,
        hazard_ratio=view.hazard_ratio,
        hazard_ratio_ci=view.hazard_ratio_ci,
        endpoint=view.endpoint,
    )
    ticks = next(([time for time, _ in g.at_risk] for g in view.groups if g.at_risk), [])
    notes = _suppression_note(scope)
    if view.withheld:
        notes.append(
            f"Fewer than {scope.threshold} patients or events: {', '.join(view.withheld)} "
            "(no curve or test shown)."
        )
    if view.logrank_p is not None:
        notes.append(f"Log-rank p = {view.logrank_p:.3g}.")
    if view.hazard_ratio is not None and view.hazard_ratio_ci is not None:
        low, high = view.hazard_ratio_ci
        notes.append(
            f"Cox hazard ratio {view.hazard_ratio:.3g} (95% CI {low:.3g} to {high:.3g}), "
            f"{view.groups[1].label} vs {view.groups[0].label}."
        )
    return Rendered(
        tab="survival",
        title="Survival",
        chart=charts.survival_chart(result),
        header=[*SURVIVAL_COLUMNS, *(f"at_risk_{time:g}_months" for time in ticks)],
        rows=_survival_rows(view, ticks),
        notes=notes,
    )


SURVIVAL_COLUMNS = (
    "group",
    "n",
    "events",
    "median_months",
    "median_ci_lower",
    "median_ci_upper",
    "hazard_ratio",
    "hazard_ratio_ci_lower",
    "hazard_ratio_ci_upper",
    "logrank_p",
)


def _survival_rows(view: analyses.SurvivalView, ticks: Sequence[float]) -> list[list[Any]]:
    """One row per group: its counts and median, the Cox hazard ratio against the first group (which
    reads "reference"), the log-rank p across all groups, and the number at risk at each tick."""
    rows: list[list[Any]] = []
    for index, g in enumerate(view.groups):
        hazard: list[Any] = [None, None, None]
        if view.hazard_ratio is not None and view.hazard_ratio_ci is not None:
            hazard = ["reference", None, None] if index == 0 else [view.hazard_ratio, *view.hazard_ratio_ci]
        at_risk = dict(g.at_risk)
        rows.append(
            [
                g.label,
                g.n,
                g.events,
                g.median_months,
                g.median_ci[0],
                g.median_ci[1],
                *hazard,
                view.logrank_p,
                *(at_risk.get(time) for time in ticks),
            ]
        )
    return rows


def _distribution(scope: Scope, options: Mapping[str, str]) -> Rendered:
    attribute = options.get("attribute", "").strip() or "age_years"
    view = analyses.analysis_distribution(scope=scope, attribute=attribute)
    drawn = AttributeDistribution(
        attribute=view.attribute,
        kind=cast(Any, view.kind),
        categories=[(value, n) for value, n in view.categories if isinstance(n, int)],
        bins=[(low, high, n) for low, high, n in view.bins if isinstance(n, int)],
        summary=view.summary,
    )
    rows: list[list[Any]] = [[value, None, None, n] for value, n in view.categories]
    rows += [[None, low, high, n] for low, high, n in view.bins]
    rows += [[f"summary: {name}", None, None, value] for name, value in view.summary.items()]
    return Rendered(
        tab="distribution",
        title=f"Distribution of {view.attribute}",
        chart=charts.distribution_chart(drawn),
        header=["category", "bin_start", "bin_end", "count"],
        rows=rows,
        notes=_suppression_note(scope),
    )


def analysis_render(
    *, scope: Scope, tab: str, options: Mapping[str, str], compared: SurvivalGrouping | None = None
) -> Rendered:
    """Run the tab's analysis for the scope's person and render it."""
    if tab == "frequencies":
        return _frequencies(scope, options)
    if tab == "oncoprint":
        return _oncoprint(scope, options)
    if tab == "cooccurrence":
        return _cooccurrence(scope, options)
    if tab == "survival":
        grouping = survival_grouping(options, compared=compared)
        return _survival(scope, options, grouping)
    if tab == "distribution":
        return _distribution(scope, options)
    raise ServiceError(f"Unknown analysis '{tab}'; choose one of {', '.join(TABS)}.", field="tab")
