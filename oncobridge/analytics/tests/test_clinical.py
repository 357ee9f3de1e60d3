"""Clinical attribute distributions: categories counted, numbers binned and summarised, gaps counted."""

from __future__ import annotations

import numpy as np
import pytest

from oncobridge.analytics import GeneMutated, Sex, attribute_distribution
from oncobridge.analytics.tests.conftest import WriteDataset

AGES = [34.0, 45.0, 51.0, 58.0, 62.0, 70.0, 90.0]


def _source(dataset: WriteDataset):  # type: ignore[no-untyped-def]
    patients = [
        {"patient_id": f"P{i}", "sex": "female" if i % 3 else "male", "age_years": age, "stage": "II"}
        for i, age in enumerate(AGES)
    ] + [{"patient_id": "P_NO_AGE", "sex": None}]
    return dataset(
        patients=patients,
        samples=[{"sample_id": f"S{i}", "patient_id": f"P{i}"} for i in range(len(AGES))],
        clinical_attributes=[
            {
                "entity_type": "patient",
                "entity_id": f"P{i}",
                "attribute": "TMB",
                "value": str(i * 2.5),
                "datatype": "NUMBER",
            }
            for i in range(5)
        ]
        + [
            {
                "entity_type": "sample",
                "entity_id": f"S{i}",
                "attribute": "SAMPLE_TYPE",
                "value": v,
                "datatype": "STRING",
            }
            for i, v in enumerate(["Primary", "Primary", "Metastasis", "Primary"])
        ],
        mutations=[{"sample_id": "S0", "gene": "KRAS", "variant_classification": "Missense_Mutation"}],
    )


def test_a_categorical_patient_column_counts_each_value_and_the_missing(dataset: WriteDataset) -> None:
    result = attribute_distribution([_source(dataset)], None, "sex")

    assert result.kind == "categorical"
    assert result.categories == [("female", 4), ("male", 3)]
    assert result.summary["missing"] == 1


def test_age_is_binned_and_summarised_like_numpy(dataset: WriteDataset) -> None:
    result = attribute_distribution([_source(dataset)], None, "age_years")

    assert result.kind == "numeric"
    counts, edges = np.histogram(AGES, bins=np.histogram_bin_edges(AGES, bins="sturges"))
    assert [count for _, _, count in result.bins] == list(counts)
    assert [low for low, _, _ in result.bins] == pytest.approx(list(edges[:-1]))
    assert result.summary["median"] == pytest.approx(np.median(AGES))
    assert result.summary["mean"] == pytest.approx(np.mean(AGES))
    assert (result.summary["min"], result.summary["max"], result.summary["missing"]) == (34.0, 90.0, 1)


def test_a_number_attribute_is_numeric_and_a_sample_attribute_counts_samples(dataset: WriteDataset) -> None:
    source = _source(dataset)

    tmb = attribute_distribution([source], None, "tmb")
    sample_type = attribute_distribution([source], None, "SAMPLE_TYPE")

    assert tmb.kind == "numeric"
    assert tmb.summary["n"] == 5 and tmb.summary["max"] == 10.0
    assert tmb.summary["missing"] == 3  # of the eight patients
    assert sample_type.categories == [("Primary", 3), ("Metastasis", 1)]
    assert sample_type.summary["missing"] == 3  # of the seven samples


def test_the_distribution_is_over_the_cohort(dataset: WriteDataset) -> None:
    source = _source(dataset)

    men = attribute_distribution([source], Sex("male"), "age_years")
    kras = attribute_distribution([source], GeneMutated("KRAS"), "SAMPLE_TYPE")

    assert men.summary["n"] == 3
    assert kras.categories == [("Primary", 1)]


def test_an_unknown_attribute_or_empty_cohort_is_empty_not_an_error(dataset: WriteDataset) -> None:
    source = _source(dataset)

    unknown = attribute_distribution([source], None, "NO_SUCH_THING")
    nobody = attribute_distribution([source], GeneMutated("BRAF"), "age_years")

    assert (unknown.categories, unknown.bins, unknown.summary["n"]) == ([], [], 0)
    assert (nobody.bins, nobody.summary["n"]) == ([], 0)
