"""Survival of cohort groups: the outcome rows of each group's patients, then survival_stats on arrays.

A patient without the endpoint is left out; a patient with several rows for it counts once, with the
longest follow-up and an event if any row has one. The first group is the reference of the hazard ratio.
"""

from __future__ import annotations

from collections.abc import Collection, Mapping, Sequence

import ibis
import ibis.expr.types as ir
import numpy as np
import pyarrow as pa

from oncobridge.analytics import engine, survival_stats
from oncobridge.analytics.cohort import cohort_patients
from oncobridge.analytics.definitions import (
    Criterion,
    CurvePoint,
    DatasetSource,
    GeneMutated,
    SurvivalGroup,
    SurvivalResult,
)
from oncobridge.analytics.genomics import profiled_patients
from oncobridge.analytics.sources import PATIENT_KEY, Tables, tables_for


def _timed(outcomes: ir.Table) -> ir.Table:
    """The outcome rows with a usable time: the endpoint list counts the patients the curves would use."""
    return outcomes.filter(outcomes.time_months.notnull() & (outcomes.time_months >= 0))


def _outcomes(tables: Tables, endpoint: str) -> ir.Table:
    """(dataset, patient_id, time_months, event): one row per patient with the endpoint."""
    rows = _timed(tables.outcomes)
    rows = rows.filter(rows.endpoint.upper() == endpoint.upper())
    return rows.group_by(PATIENT_KEY).aggregate(
        time_months=rows.time_months.max(), event=rows.event.cast("int8").max()
    )


def outcome_endpoints(sources: Sequence[DatasetSource]) -> dict[str, int]:
    """Each endpoint the sources' outcome tables hold (upper case) -> its patients with a usable time."""
    rows = _timed(tables_for(sources).outcomes)
    patients = rows.select(*PATIENT_KEY, endpoint=rows.endpoint.upper()).distinct()
    counted = engine.execute(patients.group_by("endpoint").aggregate(patients=patients.count()))
    return {row["endpoint"]: int(row["patients"]) for row in counted.to_pylist()}


def _arrays(table: pa.Table) -> tuple[survival_stats.FloatArray, survival_stats.BoolArray]:
    durations = np.asarray(table.column("time_months").to_numpy(zero_copy_only=False), dtype=np.float64)
    events = np.asarray(table.column("event").to_numpy(zero_copy_only=False), dtype=np.float64) > 0
    return durations, events


def survival(
    sources: Sequence[DatasetSource],
    groups: Sequence[tuple[str, Criterion | None]],
    *,
    endpoint: str = "OS",
    group_datasets: Sequence[Collection[str] | None] = (),
) -> SurvivalResult:
    """Kaplan-Meier per group, the log-rank test across them, and (for two) the Cox hazard ratio.

    `group_datasets`, one entry per group, limits a group to those sources' keys (None: all of them), so
    that cohorts over different datasets can be compared in one query; other lengths are a ValueError."""
    tables = tables_for(sources)
    outcomes = _outcomes(tables, endpoint)
    arrays = []
    for (_, criterion), keys in zip(groups, group_datasets or [None] * len(groups), strict=True):
        patients = cohort_patients(tables, criterion)
        if keys is not None:
            patients = patients.filter(patients.dataset.isin(sorted(keys)))
        arrays.append(_arrays(engine.execute(outcomes.semi_join(patients, PATIENT_KEY))))
    return _result([label for label, _ in groups], arrays, endpoint)


def survival_by_gene(
    sources: Sequence[DatasetSource],
    criterion: Criterion | None,
    gene: str,
    *,
    endpoint: str = "OS",
    panels: Mapping[str, frozenset[str]] | None = None,
) -> SurvivalResult:
    """ "<GENE> wild type" (the reference) vs "<GENE> mutated" within the cohort, in one query; patients
    none of whose samples was profiled for the gene are in neither group."""
    tables = tables_for(sources)
    cohort = cohort_patients(tables, criterion)
    profiled = profiled_patients(sources, tables, cohort, gene, panels)
    outcomes = _outcomes(tables, endpoint).semi_join(profiled, PATIENT_KEY)
    mutated = cohort_patients(tables, GeneMutated(gene)).mutate(mutated=ibis.literal(1, type="int8"))
    flagged = outcomes.left_join(mutated, PATIENT_KEY).select(
        outcomes.time_months, outcomes.event, mutated=mutated.mutated.fill_null(0)
    )
    table = engine.execute(flagged)
    durations, events = _arrays(table)
    is_mutated = np.asarray(table.column("mutated").to_numpy(zero_copy_only=False)) > 0
    arrays = [(durations[~is_mutated], events[~is_mutated]), (durations[is_mutated], events[is_mutated])]
    return _result([f"{gene} wild type", f"{gene} mutated"], arrays, endpoint)


def _result(
    labels: list[str],
    arrays: list[tuple[survival_stats.FloatArray, survival_stats.BoolArray]],
    endpoint: str,
) -> SurvivalResult:
    follow_up = max((float(durations.max()) for durations, _ in arrays if durations.size), default=0.0)
    ticks = survival_stats.risk_ticks(follow_up)
    groups = [
        _group(label, durations, events, ticks)
        for label, (durations, events) in zip(labels, arrays, strict=True)
    ]
    every = np.concatenate([durations for durations, _ in arrays]) if arrays else np.array([])
    all_events = np.concatenate([events for _, events in arrays]) if arrays else np.array([], dtype=bool)
    membership = (
        np.concatenate([np.full(d.size, index, dtype=np.int64) for index, (d, _) in enumerate(arrays)])
        if arrays
        else np.array([], dtype=np.int64)
    )
    p_value = survival_stats.logrank_p(every, all_events, membership) if every.size else None
    cox = None
    if len(arrays) == 2 and every.size:
        cox = survival_stats.cox_binary(every, all_events, membership == 1)
    return SurvivalResult(
        groups=groups,
        logrank_p=p_value,
        hazard_ratio=cox.hazard_ratio if cox else None,
        hazard_ratio_ci=cox.ci if cox else None,
        endpoint=endpoint,
    )


def _group(
    label: str,
    durations: survival_stats.FloatArray,
    events: survival_stats.BoolArray,
    ticks: survival_stats.FloatArray,
) -> SurvivalGroup:
    if durations.size == 0:
        return SurvivalGroup(label, 0, 0, None, (None, None), [], [(float(t), 0) for t in ticks])
    fit = survival_stats.kaplan_meier(durations, events)
    curve = [
        CurvePoint(float(t), float(s), float(low), float(high))
        for t, s, low, high in zip(fit.times, fit.survival, fit.lower, fit.upper, strict=True)
    ]
    at_risk = list(
        zip((float(t) for t in ticks), survival_stats.number_at_risk(durations, ticks), strict=True)
    )
    return SurvivalGroup(
        label=label,
        n=int(durations.size),
        events=int(events.sum()),
        median_months=fit.median,
        median_ci=fit.median_ci,
        curve=curve,
        at_risk=at_risk,
    )
