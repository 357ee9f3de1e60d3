"""Cohort queries and analyses on shared data, for a person (or the operator), within each dataset's rules.

Every function here takes a Scope (who asks, over which datasets, with which definition), runs the
analytics core, records an audit event (who, what definition, which datasets, which analysis) and returns
what that person may see:

- With row access to every dataset in the scope (a grant or stewardship; the operator has it), results are
  exact and row-level answers (members, oncoprints) are available.
- Otherwise the scope is aggregate-only and small cells are suppressed (a count below the threshold k reads
  "<k"): cohort counts per dataset (a total that would reveal a suppressed dataset count reads ">=N");
  frequencies whose altered or profiled count is small (the frequency is then withheld too); co-occurrence
  pairs with a small cell (all four cells, the odds ratio, p and q values are withheld: with the genes'
  public frequencies, the other cells or the statistics would give the small one back); survival groups
  with fewer than k patients or events (no curve, median or test), event counts and numbers at risk
  below k, curves cut where fewer than k remain at risk; distribution categories and bins below k, and
  the minimum and maximum (single people's values). Analyses of a cohort smaller than k are refused, and
  members and oncoprints (one row per person or sample) need row access.
"""

from __future__ import annotations

import functools
import math
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

from oncobridge import analytics
from oncobridge.accounts.access import viewer_for
from oncobridge.accounts.models import User
from oncobridge.analytics import (
    And,
    Attribute,
    Criterion,
    CurvePoint,
    GeneFrequency,
    Oncoprint,
    Relation,
    Sex,
    Stage,
    SurvivalResult,
)
from oncobridge.cohorts import access
from oncobridge.cohorts.access import SuppressedCount
from oncobridge.cohorts.criteria import definition_check, definition_parse, gene_normalise
from oncobridge.cohorts.models import SavedCohort
from oncobridge.core.errors import PermissionDenied, ServiceError
from oncobridge.core.visibility import Viewer
from oncobridge.datasharing.models import Dataset
from oncobridge.datasharing.services import dataset_query_audit

# Without --as the command line acts as the platform itself: full access, no suppression, still audited.
OPERATOR = Viewer(user_id=0, platform_admin=True)
OPERATOR_LABEL = "operator"

MAX_GENES = 50
MAX_SURVIVAL_GROUPS = 8
# Endpoints in the order they are offered; a dataset may hold others (a clinical mapping names its own).
ENDPOINTS = ("OS", "PFS", "DFS", "RFS", "EFS", "DSS")


@dataclass(frozen=True)
class Scope:
    """Who asks (actor None: the operator), over which datasets, for which cohort."""

    actor: User | None
    viewer: Viewer
    datasets: list[Dataset]
    definition: dict[str, Any] | None
    criterion: Criterion | None
    row_access: dict[str, bool]
    threshold: int
    cohort: SavedCohort | None = None

    @property
    def aggregate_only(self) -> bool:
        return not all(self.row_access.values())

    @property
    def slugs(self) -> list[str]:
        return [dataset.slug for dataset in self.datasets]

    def sources(self) -> list[analytics.DatasetSource]:
        return [access.dataset_source(dataset) for dataset in self.datasets]

    @functools.cached_property
    def endpoint_patients(self) -> dict[str, int]:
        """Each survival endpoint the datasets hold -> its patients, read once: the survival tab lists the
        endpoints and the analysis checks the one asked for, in the same request."""
        return analytics.outcome_endpoints(self.sources())

    def count(self, value: int) -> SuppressedCount:
        return access.suppress(value, self.threshold) if self.aggregate_only else value

    def small(self, value: int) -> bool:
        return self.aggregate_only and access.is_suppressed(access.suppress(value, self.threshold))


def scope_build(
    *,
    actor: User | None,
    datasets: Sequence[str] = (),
    definition: object = None,
    cohort: SavedCohort | None = None,
) -> Scope:
    """The scope of a query: datasets the person may query (all of them when none are named)."""
    viewer = viewer_for(actor) if actor is not None else OPERATOR
    if cohort is not None:
        definition = cohort.definition if definition is None else definition
        datasets = datasets or cohort.datasets
    chosen = access.datasets_for_query(viewer, list(datasets))
    return Scope(
        actor=actor,
        viewer=viewer,
        datasets=chosen,
        definition=definition_check(definition),
        criterion=definition_parse(definition),
        row_access=access.row_access_by_slug(viewer, chosen),
        threshold=access.small_cell_threshold(),
        cohort=cohort,
    )


def _audit(scope: Scope, action: str, **options: Any) -> None:
    """One event per dataset queried, so each shows in its stewards' audit trail."""
    dataset_query_audit(
        actor=scope.actor,
        action=action,
        datasets=scope.datasets,
        caller=scope.actor.email if scope.actor is not None else OPERATOR_LABEL,
        cohort_id=scope.cohort.pk if scope.cohort is not None else None,
        definition=scope.definition,
        aggregate_only=scope.aggregate_only,
        **options,
    )


def _finite(value: float | None) -> float | None:
    return value if value is not None and math.isfinite(value) else None


# Counts and members


@dataclass(frozen=True)
class DatasetCountView:
    dataset: str
    title: str
    patients: SuppressedCount
    samples: SuppressedCount
    row_access: bool


@dataclass(frozen=True)
class CountView:
    patients: SuppressedCount
    samples: SuppressedCount
    by_dataset: list[DatasetCountView]
    threshold: int
    aggregate_only: bool


def _total(parts: list[tuple[int, SuppressedCount]]) -> SuppressedCount:
    """The sum, unless a part is suppressed: then a lower bound, which gives no suppressed part away."""
    if any(access.is_suppressed(shown) for _, shown in parts):
        return f">={sum(shown for _, shown in parts if isinstance(shown, int))}"
    return sum(exact for exact, _ in parts)


def cohort_count(*, scope: Scope) -> CountView:
    result = analytics.cohort_count(scope.sources(), scope.criterion)
    rows = []
    for dataset in scope.datasets:
        counted = result.by_dataset.get(dataset.slug, analytics.DatasetCount(patients=0, samples=0))
        exact = scope.row_access[dataset.slug]
        rows.append(
            DatasetCountView(
                dataset=dataset.slug,
                title=dataset.title,
                patients=counted.patients if exact else access.suppress(counted.patients, scope.threshold),
                samples=counted.samples if exact else access.suppress(counted.samples, scope.threshold),
                row_access=exact,
            )
        )
    counts = [result.by_dataset.get(d.slug, analytics.DatasetCount(0, 0)) for d in scope.datasets]
    _audit(scope, "cohort.count", patients=result.patients)
    return CountView(
        patients=_total([(c.patients, row.patients) for c, row in zip(counts, rows, strict=True)]),
        samples=_total([(c.samples, row.samples) for c, row in zip(counts, rows, strict=True)]),
        by_dataset=rows,
        threshold=scope.threshold,
        aggregate_only=scope.aggregate_only,
    )


@dataclass(frozen=True)
class Member:
    dataset: str
    patient_id: str
    sample_id: str | None


def cohort_members(*, scope: Scope, download: str | None = None) -> list[Member]:
    """Patients and samples of the cohort: row-level, so only with row access to every dataset.

    `download` (a format such as "csv") records the list as taken away ("cohort.members.download"),
    not only shown ("cohort.members")."""
    access.require_row_access(scope.row_access, what="Patient and sample lists")
    table = analytics.cohort_members(scope.sources(), scope.criterion)
    members = [Member(**row) for row in table.select(["dataset", "patient_id", "sample_id"]).to_pylist()]
    patients = len({(m.dataset, m.patient_id) for m in members})
    if download is None:
        _audit(scope, "cohort.members", patients=patients)
    else:
        _audit(scope, "cohort.members.download", patients=patients, format=download)
    return members


def cohort_members_shown(*, scope: Scope) -> list[Member] | None:
    """The members for the cohort's page: for row access to every dataset (audited as shown); None, with
    nothing read, for everyone else, who sees counts."""
    return None if scope.aggregate_only else cohort_members(scope=scope)


def _require_enough_patients(scope: Scope) -> None:
    if not scope.aggregate_only:
        return
    patients = analytics.cohort_count(scope.sources(), scope.criterion).patients
    if patients < scope.threshold:
        raise PermissionDenied(
            f"This cohort has fewer than {scope.threshold} patients; without row access to every dataset "
            "in it, analyses need at least that many."
        )


def _genes(genes: Sequence[str] | None, *, field: str) -> list[str] | None:
    if not genes:
        return None
    if len(genes) > MAX_GENES:
        raise ServiceError(f"At most {MAX_GENES} genes.", field=field)
    return list(
        dict.fromkeys(gene_normalise(g, field=f"{field}[{i}]") for i, g in enumerate(genes) if g.strip())
    )


# Mutation frequencies


@dataclass(frozen=True)
class FrequencyView:
    gene: str
    altered_samples: SuppressedCount
    profiled_samples: SuppressedCount
    frequency: float | None


def _frequency_view(scope: Scope, item: GeneFrequency) -> FrequencyView:
    hidden = scope.small(item.altered_samples) or scope.small(item.profiled_samples)
    return FrequencyView(
        gene=item.gene,
        altered_samples=scope.count(item.altered_samples),
        profiled_samples=scope.count(item.profiled_samples),
        frequency=None if hidden else item.frequency,
    )


def analysis_frequencies(
    *,
    scope: Scope,
    top: int | None = 20,
    genes: Sequence[str] | None = None,
    include_silent: bool = False,
) -> list[FrequencyView]:
    if top is not None and top < 1:
        raise ServiceError("'top' must be at least 1.", field="top")
    chosen = _genes(genes, field="genes")
    _require_enough_patients(scope)
    result = analytics.mutation_frequencies(
        scope.sources(),
        scope.criterion,
        top=top,
        genes=chosen,
        include_silent=include_silent,
        panels=access.gene_panels(),
    )
    _audit(scope, "analysis.frequencies", top=top, genes=chosen, include_silent=include_silent)
    return [_frequency_view(scope, item) for item in result]


# Oncoprint


def analysis_oncoprint(*, scope: Scope, genes: Sequence[str] | None = None, top: int = 20) -> Oncoprint:
    """One column per sample: row-level, so only with row access to every dataset."""
    if not 1 <= top <= MAX_GENES:
        raise ServiceError(f"'top' must be between 1 and {MAX_GENES}.", field="top")
    access.require_row_access(scope.row_access, what="Oncoprints (one column per sample)")
    chosen = _genes(genes, field="genes")
    result = analytics.oncoprint(
        scope.sources(), scope.criterion, genes=chosen, top=top, panels=access.gene_panels()
    )
    _audit(scope, "analysis.oncoprint", genes=result.genes)
    return result


# Co-occurrence


@dataclass(frozen=True)
class PairView:
    """A gene pair's 2x2 table; without row access, a table with a small cell is withheld whole (None)."""

    gene_a: str
    gene_b: str
    both: int | None
    a_only: int | None
    b_only: int | None
    neither: int | None
    odds_ratio: float | None
    p_value: float | None
    q_value: float | None
    relation: Relation | None


def analysis_cooccurrence(*, scope: Scope, genes: Sequence[str]) -> list[PairView]:
    chosen = _genes(genes, field="genes") or []
    if len(chosen) < 2:
        raise ServiceError("Co-occurrence needs at least two different genes.", field="genes")
    _require_enough_patients(scope)
    pairs = analytics.cooccurrence(scope.sources(), scope.criterion, chosen, panels=access.gene_panels())
    _audit(scope, "analysis.cooccurrence", genes=chosen)
    views = []
    for pair in pairs:
        cells = (pair.both, pair.a_only, pair.b_only, pair.neither)
        # The genes' altered and profiled counts are public (frequencies), so the other three cells would
        # give a hidden one back: a table with a small cell is withheld whole.
        hidden = any(scope.small(cell) for cell in cells)
        views.append(
            PairView(
                gene_a=pair.gene_a,
                gene_b=pair.gene_b,
                both=None if hidden else pair.both,
                a_only=None if hidden else pair.a_only,
                b_only=None if hidden else pair.b_only,
                neither=None if hidden else pair.neither,
                odds_ratio=None if hidden else _finite(pair.odds_ratio),
                p_value=None if hidden else _finite(pair.p_value),
                q_value=None if hidden else _finite(pair.q_value),
                relation=None if hidden else pair.relation,
            )
        )
    return views


# Survival


@dataclass(frozen=True)
class SurvivalGroupView:
    label: str
    n: SuppressedCount
    events: SuppressedCount
    median_months: float | None
    median_ci: tuple[float | None, float | None]
    curve: list[CurvePoint]
    at_risk: list[tuple[float, SuppressedCount]]


@dataclass(frozen=True)
class SurvivalView:
    endpoint: str
    groups: list[SurvivalGroupView]
    logrank_p: float | None
    hazard_ratio: float | None
    hazard_ratio_ci: tuple[float, float] | None
    aggregate_only: bool
    withheld: list[str] = field(default_factory=list)  # groups with too few patients or events to show


@dataclass(frozen=True)
class CohortGroup:
    """One cohort of a comparison: its definition, within its own datasets (none: all of the scope's)."""

    label: str
    definition: object
    datasets: Sequence[str] = ()


@dataclass(frozen=True)
class SurvivalGrouping:
    """How to split the cohort: by a gene's status, by cohorts, or by an attribute's values."""

    gene: str | None = None
    cohorts: Sequence[CohortGroup] = ()
    attribute: str | None = None


def cohorts_compared(*, actor: User | None, cohorts: Sequence[SavedCohort]) -> tuple[Scope, SurvivalGrouping]:
    """Saved cohorts side by side: the scope is every dataset of any of them (each one the person may
    query, under its own access rules), and each group keeps to its own cohort's datasets."""
    datasets = list(dict.fromkeys(slug for cohort in cohorts for slug in cohort.datasets))
    scope = scope_build(actor=actor, datasets=datasets, definition=None)
    groups = [CohortGroup(c.name, c.definition, c.datasets) for c in cohorts]
    return scope, SurvivalGrouping(cohorts=groups)


SurvivalGroups = list[tuple[str, Criterion | None, frozenset[str] | None]]


def _survival_groups(scope: Scope, grouping: SurvivalGrouping) -> SurvivalGroups:
    def within(extra: Criterion) -> Criterion:
        return extra if scope.criterion is None else And(items=(scope.criterion, extra))

    if grouping.cohorts:
        if not 2 <= len(grouping.cohorts) <= MAX_SURVIVAL_GROUPS:
            raise ServiceError(f"Compare 2 to {MAX_SURVIVAL_GROUPS} cohorts.", field="cohorts")
        groups: SurvivalGroups = []
        for index, group in enumerate(grouping.cohorts):
            parsed = definition_parse(group.definition, field=f"cohorts[{index}].definition")
            outside = set(group.datasets) - set(scope.slugs)
            if outside:
                raise ServiceError(
                    f"Cohort {index + 1} names datasets outside the query: {', '.join(sorted(outside))}.",
                    field=f"cohorts[{index}].datasets",
                )
            groups.append(
                (
                    group.label or f"Cohort {index + 1}",
                    scope.criterion if parsed is None else within(parsed),
                    frozenset(group.datasets) or None,
                )
            )
        return groups
    name = (grouping.attribute or "").strip()
    if not name:
        raise ServiceError("Choose a gene, cohorts to compare, or an attribute.", field="gene")
    if name == "vital_status":
        raise ServiceError("Vital status is the outcome itself; choose another attribute.", field="attribute")
    distribution = analytics.attribute_distribution(scope.sources(), scope.criterion, name)
    if distribution.kind != "categorical" or not distribution.categories:
        raise ServiceError(
            f"'{name}' has no categories to compare (numbers or no values).", field="attribute"
        )
    values = [value for value, _ in sorted(distribution.categories, key=lambda c: -c[1])]
    values = values[:MAX_SURVIVAL_GROUPS]

    def criterion_for(value: str) -> Criterion:
        if name == "sex":
            return Sex(value=value)
        if name == "stage":
            return Stage(values=(value,))
        return Attribute(name=name, op="eq", value=value)

    return [(f"{name} = {value}", within(criterion_for(value)), None) for value in values]


def _survival_view(scope: Scope, result: SurvivalResult) -> SurvivalView:
    groups, withheld = [], []
    for group in result.groups:
        # Few events make the curve's steps (and the median) single people's event times.
        if scope.small(group.n) or scope.small(group.events):
            withheld.append(group.label)
            groups.append(
                SurvivalGroupView(
                    label=group.label,
                    n=scope.count(group.n),
                    events=scope.count(group.events),
                    median_months=None,
                    median_ci=(None, None),
                    curve=[],
                    at_risk=[],
                )
            )
            continue
        curve = group.curve
        if scope.aggregate_only:
            # Keep the curve up to the last time at which at least k were still at risk.
            enough = [time for time, at_risk in group.at_risk if at_risk >= scope.threshold]
            cutoff = max(enough) if enough else 0.0
            curve = [point for point in group.curve if point.time_months <= cutoff]
        groups.append(
            SurvivalGroupView(
                label=group.label,
                n=scope.count(group.n),
                events=scope.count(group.events),
                median_months=_finite(group.median_months),
                median_ci=(_finite(group.median_ci[0]), _finite(group.median_ci[1])),
                curve=curve,
                at_risk=[(time, scope.count(n)) for time, n in group.at_risk],
            )
        )
    tested = not withheld
    return SurvivalView(
        endpoint=result.endpoint,
        groups=groups,
        logrank_p=_finite(result.logrank_p) if tested else None,
        hazard_ratio=_finite(result.hazard_ratio) if tested else None,
        hazard_ratio_ci=result.hazard_ratio_ci if tested else None,
        aggregate_only=scope.aggregate_only,
        withheld=withheld,
    )


def survival_endpoints(*, scope: Scope) -> list[str]:
    """The survival endpoints the scope's outcome tables hold, OS, PFS, DFS, RFS, EFS, DSS first.

    Without row access, an endpoint that fewer than k patients have is left out: its name alone would
    tell that a few people have it."""
    shown = [name for name, patients in scope.endpoint_patients.items() if not scope.small(patients)]
    return sorted(
        shown, key=lambda name: (ENDPOINTS.index(name) if name in ENDPOINTS else len(ENDPOINTS), name)
    )


def _endpoint(scope: Scope, asked: str | None) -> str:
    """The endpoint asked for, if the datasets hold it; none asked: OS, else the first they hold."""
    held = survival_endpoints(scope=scope)
    if not held:
        raise ServiceError("These datasets hold no survival outcomes.", field="endpoint")
    endpoint = (asked or "").strip().upper()
    if not endpoint:
        return "OS" if "OS" in held else held[0]
    if endpoint not in held:
        raise ServiceError(
            f"No {endpoint[:20]} outcomes in these datasets; choose one of {', '.join(held)}.",
            field="endpoint",
        )
    return endpoint


def analysis_survival(
    *, scope: Scope, grouping: SurvivalGrouping, endpoint: str | None = None
) -> tuple[SurvivalView, SurvivalResult]:
    """Kaplan-Meier by group: the view this person may see, and the core's result (for operator exports).

    `endpoint`: one the datasets hold (OS, PFS, DFS, RFS, EFS, DSS or a mapping's own); None: OS if held,
    else the first held."""
    endpoint = _endpoint(scope, endpoint)
    _require_enough_patients(scope)
    if grouping.gene:
        gene = gene_normalise(grouping.gene, field="gene")
        result = analytics.survival_by_gene(
            scope.sources(), scope.criterion, gene, endpoint=endpoint, panels=access.gene_panels()
        )
        options: dict[str, Any] = {"gene": gene}
    else:
        groups = _survival_groups(scope, grouping)
        result = analytics.survival(
            scope.sources(),
            [(label, criterion) for label, criterion, _ in groups],
            endpoint=endpoint,
            group_datasets=[datasets for _, _, datasets in groups],
        )
        options = {"groups": [label for label, _, _ in groups]}
        if grouping.cohorts:
            options["group_definitions"] = [definition_check(g.definition) for g in grouping.cohorts]
            options["group_datasets"] = [list(g.datasets) for g in grouping.cohorts]
    _audit(scope, "analysis.survival", endpoint=endpoint, **options)
    return _survival_view(scope, result), result


# Distributions


@dataclass(frozen=True)
class DistributionView:
    attribute: str
    kind: str
    categories: list[tuple[str, SuppressedCount]]
    bins: list[tuple[float, float, SuppressedCount]]
    summary: dict[str, float]


def analysis_distribution(*, scope: Scope, attribute: str) -> DistributionView:
    name = attribute.strip()
    if not name:
        raise ServiceError("Name the attribute.", field="attribute")
    _require_enough_patients(scope)
    result = analytics.attribute_distribution(scope.sources(), scope.criterion, name)
    _audit(scope, "analysis.distribution", attribute=name)
    summary = {key: value for key, value in result.summary.items() if math.isfinite(value)}
    if scope.aggregate_only:
        summary = {key: value for key, value in summary.items() if key not in ("min", "max")}
    return DistributionView(
        attribute=result.attribute,
        kind=result.kind,
        categories=[(value, scope.count(n)) for value, n in result.categories],
        bins=[(low, high, scope.count(n)) for low, high, n in result.bins],
        summary=summary,
    )
