"""Survival through the query layer, compared number by number with lifelines on its GBSG2 (German breast
cancer study group 2, 686 patients) and lung (NCCTG, 228 patients) datasets."""

from __future__ import annotations

from typing import Any

import numpy as np
import pandas as pd
import pytest
from lifelines import CoxPHFitter, KaplanMeierFitter
from lifelines.datasets import load_gbsg2, load_lung
from lifelines.statistics import multivariate_logrank_test
from lifelines.utils import median_survival_times

from oncobridge.analytics import (
    Attribute,
    DatasetSource,
    GeneMutated,
    Sex,
    SurvivalGroup,
    survival,
    survival_by_gene,
)
from oncobridge.analytics.tests.conftest import WriteDataset

DAYS_PER_MONTH = 30.4375


def _gbsg2_source(dataset: WriteDataset) -> tuple[DatasetSource, pd.DataFrame]:
    frame = load_gbsg2().reset_index(drop=True)
    frame["patient_id"] = [f"G{i}" for i in range(len(frame))]
    frame["months"] = frame["time"] / DAYS_PER_MONTH
    attributes: list[dict[str, Any]] = []
    for row in frame.itertuples():
        attributes.append(_attribute(row.patient_id, "HORMONE_THERAPY", row.horTh))
        attributes.append(_attribute(row.patient_id, "TUMOR_GRADE", row.tgrade))
    source = dataset(
        "gbsg2",
        patients=[{"patient_id": p} for p in frame["patient_id"]] + [{"patient_id": "NO_OUTCOME"}],
        outcomes=[
            {
                "patient_id": row.patient_id,
                "endpoint": "RFS",
                "time_months": row.months,
                "event": bool(row.cens),
            }
            for row in frame.itertuples()
        ],
        clinical_attributes=[*attributes, _attribute("NO_OUTCOME", "HORMONE_THERAPY", "yes")],
    )
    return source, frame


def _attribute(patient: str, name: str, value: str) -> dict[str, Any]:
    return {
        "entity_type": "patient",
        "entity_id": patient,
        "attribute": name,
        "value": value,
        "datatype": "STRING",
    }


def _assert_group_matches_lifelines(group: SurvivalGroup, durations: pd.Series, events: pd.Series) -> None:
    fitter = KaplanMeierFitter().fit(durations, events)
    expected = fitter.survival_function_.iloc[:, 0]
    interval = fitter.confidence_interval_
    assert group.n == len(durations)
    assert group.events == int(events.sum())
    assert [point.time_months for point in group.curve] == pytest.approx(list(expected.index), abs=1e-9)
    assert [point.survival for point in group.curve] == pytest.approx(list(expected.values), abs=1e-9)
    assert [point.ci_lower for point in group.curve] == pytest.approx(list(interval.iloc[:, 0]), abs=1e-9)
    assert [point.ci_upper for point in group.curve] == pytest.approx(list(interval.iloc[:, 1]), abs=1e-9)
    assert group.median_months == pytest.approx(fitter.median_survival_time_)
    low, high = median_survival_times(interval).iloc[0]
    assert group.median_ci[0] == (pytest.approx(low) if np.isfinite(low) else None)
    assert group.median_ci[1] == (pytest.approx(high) if np.isfinite(high) else None)


def _cox(durations: pd.Series, events: pd.Series, exposed: pd.Series) -> CoxPHFitter:
    frame = pd.DataFrame({"t": durations, "e": events.astype(int), "x": exposed.astype(int)})
    # lifelines stops at precision 1e-7 by default (HR good to ~1e-6); a tight fit for a tight comparison.
    return CoxPHFitter().fit(frame, "t", "e", fit_options={"precision": 1e-12})


def test_two_groups_agree_with_lifelines_on_gbsg2(dataset: WriteDataset) -> None:
    source, frame = _gbsg2_source(dataset)
    groups = [
        ("No hormone therapy", Attribute("HORMONE_THERAPY", "eq", "no")),
        ("Hormone therapy", Attribute("HORMONE_THERAPY", "eq", "yes")),
    ]

    result = survival([source], groups, endpoint="RFS")

    treated = frame["horTh"] == "yes"
    for group, mask in zip(result.groups, [~treated, treated], strict=True):
        _assert_group_matches_lifelines(group, frame["months"][mask], frame["cens"][mask])
    logrank = multivariate_logrank_test(frame["months"], treated.astype(int), frame["cens"])
    assert result.logrank_p == pytest.approx(logrank.p_value, rel=1e-9)
    cox = _cox(frame["months"], frame["cens"], treated)
    assert result.hazard_ratio == pytest.approx(cox.hazard_ratios_["x"], rel=1e-6)
    low, high = np.exp(cox.confidence_intervals_.loc["x"])
    assert result.hazard_ratio_ci == pytest.approx((low, high), rel=1e-6)
    assert (
        result.hazard_ratio is not None and result.hazard_ratio < 1
    )  # hormone therapy lowers the hazard of recurrence
    assert result.endpoint == "RFS"


def test_three_groups_get_the_multivariate_log_rank_and_no_hazard_ratio(dataset: WriteDataset) -> None:
    source, frame = _gbsg2_source(dataset)
    grades = ["I", "II", "III"]

    result = survival([source], [(g, Attribute("TUMOR_GRADE", "eq", g)) for g in grades], endpoint="RFS")

    logrank = multivariate_logrank_test(frame["months"], frame["tgrade"], frame["cens"])
    assert result.logrank_p == pytest.approx(logrank.p_value, rel=1e-9)
    assert (result.hazard_ratio, result.hazard_ratio_ci) == (None, None)
    assert [g.n for g in result.groups] == [int((frame["tgrade"] == g).sum()) for g in grades]


def test_each_group_keeps_to_its_own_datasets(dataset: WriteDataset) -> None:
    def source(key: str, months: list[float]) -> DatasetSource:
        ids = [f"{key}{i}" for i in range(len(months))]
        return dataset(
            key,
            patients=[{"patient_id": p} for p in ids],
            outcomes=[
                {"patient_id": p, "endpoint": "OS", "time_months": m, "event": i % 2 == 0}
                for i, (p, m) in enumerate(zip(ids, months, strict=True))
            ],
        )

    first_months, second_months = [3.0, 5.0, 8.0, 13.0], [21.0, 34.0, 55.0]
    first, second = source("first", first_months), source("second", second_months)

    result = survival([first, second], [("first", None), ("both", None)], group_datasets=[{"first"}, None])

    assert [g.n for g in result.groups] == [4, 7]
    durations = first_months + first_months + second_months
    events = [i % 2 == 0 for i in range(4)] * 2 + [i % 2 == 0 for i in range(3)]
    logrank = multivariate_logrank_test(durations, [0] * 4 + [1] * 7, events)
    assert result.logrank_p == pytest.approx(logrank.p_value, rel=1e-9)


def test_patients_without_the_endpoint_are_left_out(dataset: WriteDataset) -> None:
    source, frame = _gbsg2_source(dataset)

    everyone = survival([source], [("All", None)], endpoint="RFS")
    no_os = survival([source], [("All", None)], endpoint="OS")

    assert everyone.groups[0].n == len(frame)  # not NO_OUTCOME
    assert no_os.groups[0].n == 0
    assert (no_os.groups[0].median_months, no_os.groups[0].curve, no_os.logrank_p) == (None, [], None)


def test_number_at_risk_counts_patients_still_followed(dataset: WriteDataset) -> None:
    source, frame = _gbsg2_source(dataset)

    (group,) = survival([source], [("All", None)], endpoint="RFS").groups

    assert group.at_risk[0] == (0.0, len(frame))
    for time, at_risk in group.at_risk:
        assert at_risk == int((frame["months"] >= time).sum())
    assert len(group.at_risk) >= 4


def _lung_source(dataset: WriteDataset) -> tuple[DatasetSource, pd.DataFrame]:
    frame = load_lung().reset_index(drop=True)
    frame["patient_id"] = [f"L{i}" for i in range(len(frame))]
    frame["months"] = frame["time"] / DAYS_PER_MONTH
    frame["mutated"] = frame["sex"] == 2  # a stand-in genotype with a real survival difference
    source = dataset(
        "lung",
        patients=[
            {"patient_id": row.patient_id, "sex": "male" if row.sex == 1 else "female"}
            for row in frame.itertuples()
        ],
        samples=[{"sample_id": f"{p}-T", "patient_id": p} for p in frame["patient_id"]],
        mutations=[
            {
                "sample_id": f"{row.patient_id}-T",
                "gene": "STK11" if row.mutated else "TP53",
                "variant_classification": "Missense_Mutation",
            }
            for row in frame.itertuples()
        ],
        outcomes=[
            {
                "patient_id": row.patient_id,
                "endpoint": "OS",
                "time_months": row.months,
                "event": bool(row.status),
            }
            for row in frame.itertuples()
        ],
    )
    return source, frame


def test_survival_by_gene_agrees_with_lifelines_on_lung(dataset: WriteDataset) -> None:
    source, frame = _lung_source(dataset)

    result = survival_by_gene([source], None, "STK11")

    wild_type, mutated = result.groups
    assert (wild_type.label, mutated.label) == ("STK11 wild type", "STK11 mutated")
    _assert_group_matches_lifelines(
        wild_type, frame["months"][~frame["mutated"]], frame["status"][~frame["mutated"]]
    )
    _assert_group_matches_lifelines(
        mutated, frame["months"][frame["mutated"]], frame["status"][frame["mutated"]]
    )
    logrank = multivariate_logrank_test(frame["months"], frame["mutated"].astype(int), frame["status"])
    assert result.logrank_p == pytest.approx(logrank.p_value, rel=1e-9)
    cox = _cox(frame["months"], frame["status"], frame["mutated"])
    assert result.hazard_ratio == pytest.approx(cox.hazard_ratios_["x"], rel=1e-6)
    assert result.hazard_ratio_ci == pytest.approx(
        tuple(np.exp(cox.confidence_intervals_.loc["x"])), rel=1e-6
    )


def test_survival_by_gene_within_a_cohort(dataset: WriteDataset) -> None:
    source, frame = _lung_source(dataset)
    men = frame["sex"] == 1

    result = survival_by_gene([source], Sex("male"), "TP53")

    assert [g.n for g in result.groups] == [0, int(men.sum())]
    assert result.hazard_ratio is None  # one group is empty: nothing to compare


def test_survival_by_gene_leaves_out_patients_not_profiled_for_the_gene(dataset: WriteDataset) -> None:
    source, _frame = _lung_source(dataset)
    panel_only = DatasetSource(source.key, source.directory, panel_genes=frozenset({"TP53"}))

    result = survival_by_gene([panel_only], None, "STK11")

    assert [g.n for g in result.groups] == [0, 0]


def test_groups_from_genomic_criteria(dataset: WriteDataset) -> None:
    source, frame = _lung_source(dataset)

    result = survival([source], [("TP53", GeneMutated("TP53")), ("STK11", GeneMutated("STK11"))])

    assert [g.n for g in result.groups] == [int((~frame["mutated"]).sum()), int(frame["mutated"].sum())]
    assert result.hazard_ratio == pytest.approx(survival_by_gene([source], None, "STK11").hazard_ratio)
