"""Criteria round-trip through JSON, and bad definitions are refused naming the field."""

from __future__ import annotations

import json
from typing import Any

import pytest

from oncobridge.analytics import (
    AgeRange,
    And,
    Attribute,
    CancerType,
    Criterion,
    CriterionError,
    GeneMutated,
    Not,
    Or,
    PathwayAltered,
    ProteinChange,
    Sex,
    Stage,
    VariantClass,
    criterion_from_dict,
    criterion_to_dict,
)

EVERY_KIND: list[Criterion] = [
    CancerType(("BRCA", "IDC")),
    AgeRange(18.0, None),
    AgeRange(None, 65.5),
    Sex("female"),
    Stage(("III", "IV")),
    Attribute("TMB", "ge", 10.0),
    Attribute("SUBTYPE", "eq", "Luminal A"),
    Attribute("GRADE", "in", ("2", "3")),
    GeneMutated("TP53"),
    GeneMutated("TTN", include_silent=True),
    ProteinChange("KRAS", "p.G12C"),
    VariantClass(("Nonsense_Mutation",), gene="APC"),
    VariantClass(("Missense_Mutation",)),
    PathwayAltered("RTK-RAS", ("KRAS", "NRAS")),
    And((GeneMutated("KRAS"), Not(Or((Sex("male"), Stage(("I",))))))),
]


@pytest.mark.parametrize("criterion", EVERY_KIND, ids=lambda c: type(c).__name__)
def test_every_criterion_round_trips_through_json(criterion: Criterion) -> None:
    text = json.dumps(criterion_to_dict(criterion))

    assert criterion_from_dict(json.loads(text)) == criterion
    assert hash(criterion_from_dict(json.loads(text))) == hash(criterion)


def test_the_dict_form_is_readable() -> None:
    assert criterion_to_dict(Not(GeneMutated("TP53"))) == {
        "type": "not",
        "item": {"type": "gene_mutated", "gene": "TP53", "include_silent": False},
    }


@pytest.mark.parametrize(
    ("data", "field"),
    [
        ({"type": "planet"}, "type"),
        ("TP53", None),
        ({"type": "gene_mutated"}, "gene"),
        ({"type": "gene_mutated", "gene": "TP53", "include_silent": "yes"}, "include_silent"),
        ({"type": "sex", "value": "robot"}, "value"),
        ({"type": "age_range"}, "min_years"),
        ({"type": "age_range", "min_years": 70, "max_years": 20}, "min_years"),
        ({"type": "age_range", "max_years": "old"}, "max_years"),
        ({"type": "attribute", "name": "TMB", "op": "about", "value": 3}, "op"),
        ({"type": "attribute", "name": "TMB", "op": "gt", "value": "high"}, "value"),
        ({"type": "attribute", "name": "TMB", "op": "gt", "value": "NaN"}, "value"),
        ({"type": "attribute", "name": "TMB", "op": "le", "value": "-inf"}, "value"),
        ({"type": "attribute", "name": "TMB", "op": "ge", "value": "1e400"}, "value"),
        ({"type": "variant_class", "classes": ["Missense_Mutation", "Missense"]}, "classes[1]"),
        ({"type": "cancer_type", "codes": []}, "codes"),
        ({"type": "stage", "values": [3]}, "values"),
        ({"type": "and", "items": []}, "items"),
        (
            {"type": "or", "items": [{"type": "sex", "value": "male"}, {"type": "gene_mutated"}]},
            "items[1].gene",
        ),
        ({"type": "not", "item": {"type": "and", "items": [{"type": "x"}]}}, "item.items[0].type"),
    ],
)
def test_bad_definitions_name_the_field(data: Any, field: str | None) -> None:
    with pytest.raises(CriterionError) as caught:
        criterion_from_dict(data)

    assert caught.value.field == field
    assert isinstance(caught.value, ValueError)
    assert caught.value.message


def test_numbers_given_as_text_are_read_for_comparisons() -> None:
    assert criterion_from_dict({"type": "attribute", "name": "TMB", "op": "gt", "value": "10"}) == Attribute(
        "TMB", "gt", 10.0
    )


def test_variant_classes_are_read_in_any_case_as_their_maf_spelling() -> None:
    data = {"type": "variant_class", "classes": ["nonsense_mutation", "FRAME_SHIFT_DEL", "3'utr"]}

    assert criterion_from_dict(data) == VariantClass(("Nonsense_Mutation", "Frame_Shift_Del", "3'UTR"))


def test_an_unknown_variant_class_is_refused_naming_the_valid_ones() -> None:
    with pytest.raises(CriterionError) as caught:
        criterion_from_dict({"type": "variant_class", "classes": ["Missense"]})

    assert "'Missense'" in caught.value.message
    assert "Missense_Mutation" in caught.value.message and "Nonsense_Mutation" in caught.value.message
