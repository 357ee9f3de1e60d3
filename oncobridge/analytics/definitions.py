"""The analytics core's vocabulary: where data lives, what a cohort is, and what each analysis returns.

Callers (the cohorts and beacon apps, the benchmark, the charts) code against these names, so they are the
binding part of the contract: criteria are frozen, hashable dataclasses that round-trip through JSON, and
results are plain dataclasses with no Arrow, Ibis or Django inside.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Literal

# Re-exported: the core's callers name the mutated classes with the rest of its vocabulary.
from oncobridge.formats.mutation_terms import NON_SILENT_CLASSES as NON_SILENT_CLASSES
from oncobridge.formats.mutation_terms import VARIANT_CLASSIFICATIONS

SEXES = ("female", "male", "other", "unknown")
ATTRIBUTE_OPS = ("eq", "ne", "lt", "le", "gt", "ge", "in")
PATIENT_COLUMNS = ("sex", "age_years", "stage", "vital_status")


class CriterionError(ValueError):
    """A cohort definition that cannot be understood; `field` names the offending key (dotted path)."""

    def __init__(self, message: str, field: str | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.field = field


@dataclass(frozen=True)
class DatasetSource:
    """One dataset version: a folder of `<table>.parquet` files (any may be absent)."""

    key: str
    directory: Path
    panel_genes: frozenset[str] | None = None  # None: every gene was profiled


# --- Criteria -------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class CancerType:
    codes: tuple[str, ...]  # OncoTree codes, already expanded to descendants by the caller


@dataclass(frozen=True)
class AgeRange:
    min_years: float | None = None
    max_years: float | None = None


@dataclass(frozen=True)
class Sex:
    value: str


@dataclass(frozen=True)
class Stage:
    values: tuple[str, ...]  # case-insensitive prefixes: "III" matches "IIIA"


@dataclass(frozen=True)
class Attribute:
    name: str
    op: str
    value: str | float | tuple[str, ...]


@dataclass(frozen=True)
class GeneMutated:
    gene: str
    include_silent: bool = False


@dataclass(frozen=True)
class ProteinChange:
    gene: str
    change: str  # "p.G12C" or "G12C"


@dataclass(frozen=True)
class VariantClass:
    classes: tuple[str, ...]
    gene: str | None = None


@dataclass(frozen=True)
class PathwayAltered:
    name: str
    genes: tuple[str, ...]


@dataclass(frozen=True)
class And:
    items: tuple[Criterion, ...]


@dataclass(frozen=True)
class Or:
    items: tuple[Criterion, ...]


@dataclass(frozen=True)
class Not:
    item: Criterion


Criterion = (
    CancerType
    | AgeRange
    | Sex
    | Stage
    | Attribute
    | GeneMutated
    | ProteinChange
    | VariantClass
    | PathwayAltered
    | And
    | Or
    | Not
)


# --- Results --------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class DatasetCount:
    patients: int
    samples: int


@dataclass(frozen=True)
class CohortCount:
    patients: int
    samples: int
    by_dataset: dict[str, DatasetCount]


@dataclass(frozen=True)
class GeneFrequency:
    gene: str
    altered_samples: int
    profiled_samples: int
    frequency: float  # altered / profiled; 0.0 when nothing was profiled


@dataclass(frozen=True)
class OncoprintCell:
    sample: str  # "dataset:sample_id"
    gene: str
    variant_classes: tuple[str, ...]


@dataclass(frozen=True)
class Oncoprint:
    genes: list[str]
    samples: list[str]
    cells: list[OncoprintCell]
    frequencies: list[GeneFrequency]
    not_profiled: list[tuple[str, str]] = field(default_factory=list)  # (sample, gene)


# Which way a pair's odds ratio points: above 1, below 1, exactly 1, or no estimate (NaN: 0/0, e.g. a gene
# altered in none of the samples profiled for both).
Relation = Literal["co-occurrence", "mutual exclusivity", "no association", "undetermined"]


@dataclass(frozen=True)
class GenePair:
    gene_a: str
    gene_b: str
    both: int
    a_only: int
    b_only: int
    neither: int
    odds_ratio: float
    p_value: float
    q_value: float
    relation: Relation


@dataclass(frozen=True)
class CurvePoint:
    time_months: float
    survival: float
    ci_lower: float
    ci_upper: float


@dataclass(frozen=True)
class SurvivalGroup:
    label: str
    n: int
    events: int
    median_months: float | None
    median_ci: tuple[float | None, float | None]
    curve: list[CurvePoint]
    at_risk: list[tuple[float, int]]


@dataclass(frozen=True)
class SurvivalResult:
    groups: list[SurvivalGroup]
    logrank_p: float | None
    hazard_ratio: float | None
    hazard_ratio_ci: tuple[float, float] | None
    endpoint: str


@dataclass(frozen=True)
class AttributeDistribution:
    attribute: str
    kind: Literal["categorical", "numeric"]
    categories: list[tuple[str, int]]
    bins: list[tuple[float, float, int]]  # (low, high, count)
    summary: dict[str, float]  # n, missing, and for numbers min, q1, median, q3, max, mean


@dataclass(frozen=True)
class VariantQuery:
    """A Beacon-style variant lookup; start/end are 1-based inclusive like the mutations table."""

    assembly: str | None = None
    reference_name: str | None = None
    start: int | None = None
    end: int | None = None
    reference_bases: str | None = None
    alternate_bases: str | None = None
    gene: str | None = None
    criterion: Criterion | None = None


# --- JSON round trip ------------------------------------------------------------------------------------

_TYPE_NAMES: dict[type, str] = {
    CancerType: "cancer_type",
    AgeRange: "age_range",
    Sex: "sex",
    Stage: "stage",
    Attribute: "attribute",
    GeneMutated: "gene_mutated",
    ProteinChange: "protein_change",
    VariantClass: "variant_class",
    PathwayAltered: "pathway_altered",
    And: "and",
    Or: "or",
    Not: "not",
}


def criterion_to_dict(criterion: Criterion) -> dict[str, Any]:
    """A JSON-ready dict: {"type": "gene_mutated", "gene": "TP53", ...}; tuples become lists."""
    if isinstance(criterion, And | Or):
        return {
            "type": _TYPE_NAMES[type(criterion)],
            "items": [criterion_to_dict(item) for item in criterion.items],
        }
    if isinstance(criterion, Not):
        return {"type": "not", "item": criterion_to_dict(criterion.item)}
    data: dict[str, Any] = {"type": _TYPE_NAMES[type(criterion)]}
    for name, value in vars(criterion).items():
        data[name] = list(value) if isinstance(value, tuple) else value
    return data


def criterion_from_dict(data: object, path: str = "") -> Criterion:
    """The criterion a dict describes, validated; CriterionError names the bad field (dotted path)."""
    if not isinstance(data, Mapping):
        raise CriterionError("A criterion must be an object with a 'type'.", path or None)
    kind = data.get("type")
    parser = _PARSERS.get(kind) if isinstance(kind, str) else None
    if parser is None:
        known = ", ".join(sorted(_PARSERS))
        raise CriterionError(
            f"Unknown criterion type {kind!r}; expected one of {known}.", _join(path, "type")
        )
    return parser(data, path)


def _join(path: str, name: str) -> str:
    return f"{path}.{name}" if path else name


def _string(data: Mapping[str, Any], name: str, path: str) -> str:
    value = data.get(name)
    if not isinstance(value, str) or not value.strip():
        raise CriterionError(f"'{name}' must be a non-empty string.", _join(path, name))
    return value.strip()


def _optional_string(data: Mapping[str, Any], name: str, path: str) -> str | None:
    return None if data.get(name) is None else _string(data, name, path)


def _strings(data: Mapping[str, Any], name: str, path: str) -> tuple[str, ...]:
    value = data.get(name)
    if isinstance(value, str):
        value = [value]
    if not isinstance(value, list | tuple) or not value:
        raise CriterionError(f"'{name}' must be a non-empty list of strings.", _join(path, name))
    if not all(isinstance(item, str) and item.strip() for item in value):
        raise CriterionError(f"'{name}' must contain only non-empty strings.", _join(path, name))
    return tuple(item.strip() for item in value)


def _optional_number(data: Mapping[str, Any], name: str, path: str) -> float | None:
    value = data.get(name)
    if value is None:
        return None
    if isinstance(value, bool) or not isinstance(value, int | float) or not math.isfinite(value):
        raise CriterionError(f"'{name}' must be a number.", _join(path, name))
    return float(value)


def _parse_cancer_type(data: Mapping[str, Any], path: str) -> Criterion:
    return CancerType(codes=tuple(code.upper() for code in _strings(data, "codes", path)))


def _parse_age_range(data: Mapping[str, Any], path: str) -> Criterion:
    low = _optional_number(data, "min_years", path)
    high = _optional_number(data, "max_years", path)
    if low is None and high is None:
        raise CriterionError("An age range needs 'min_years' or 'max_years'.", _join(path, "min_years"))
    if low is not None and high is not None and low > high:
        raise CriterionError("'min_years' is above 'max_years'.", _join(path, "min_years"))
    return AgeRange(min_years=low, max_years=high)


def _parse_sex(data: Mapping[str, Any], path: str) -> Criterion:
    value = _string(data, "value", path).lower()
    if value not in SEXES:
        raise CriterionError(f"'value' must be one of {', '.join(SEXES)}.", _join(path, "value"))
    return Sex(value=value)


def _parse_stage(data: Mapping[str, Any], path: str) -> Criterion:
    return Stage(values=_strings(data, "values", path))


def _parse_attribute(data: Mapping[str, Any], path: str) -> Criterion:
    name = _string(data, "name", path)
    op = data.get("op")
    if op not in ATTRIBUTE_OPS:
        raise CriterionError(f"'op' must be one of {', '.join(ATTRIBUTE_OPS)}.", _join(path, "op"))
    value: str | float | tuple[str, ...]
    raw = data.get("value")
    if op == "in":
        value = _strings(data, "value", path)
    elif isinstance(raw, str) and raw.strip():
        value = raw.strip()
    elif isinstance(raw, int | float) and not isinstance(raw, bool) and math.isfinite(raw):
        value = float(raw)
    else:
        raise CriterionError("'value' must be a string or a number.", _join(path, "value"))
    if op in ("lt", "le", "gt", "ge") and isinstance(value, str):
        try:
            value = float(value)
        except ValueError:
            raise CriterionError(
                f"'{op}' compares numbers; 'value' is not one.", _join(path, "value")
            ) from None
        # float() reads "NaN", "inf" and "1e400" too; none compares, and none can be stored as JSON.
        if not math.isfinite(value):
            raise CriterionError(f"'{op}' compares numbers; 'value' must be finite.", _join(path, "value"))
    return Attribute(name=name, op=str(op), value=value)


def _parse_gene_mutated(data: Mapping[str, Any], path: str) -> Criterion:
    include_silent = data.get("include_silent", False)
    if not isinstance(include_silent, bool):
        raise CriterionError("'include_silent' must be true or false.", _join(path, "include_silent"))
    return GeneMutated(gene=_string(data, "gene", path), include_silent=include_silent)


def _parse_protein_change(data: Mapping[str, Any], path: str) -> Criterion:
    change = _string(data, "change", path)
    if change.startswith("p.") and len(change) == 2:
        raise CriterionError("'change' needs an amino-acid change after 'p.'.", _join(path, "change"))
    return ProteinChange(gene=_string(data, "gene", path), change=change)


# The MAF classifications by their lower-case spelling: "missense_mutation" is read as "Missense_Mutation".
_CLASS_SPELLINGS = {name.lower(): name for name in VARIANT_CLASSIFICATIONS}


def _parse_variant_class(data: Mapping[str, Any], path: str) -> Criterion:
    gene = _optional_string(data, "gene", path)
    classes = []
    for index, name in enumerate(_strings(data, "classes", path)):
        canonical = _CLASS_SPELLINGS.get(name.lower())
        if canonical is None:  # it would match no mutation, silently
            known = ", ".join(sorted(VARIANT_CLASSIFICATIONS))
            raise CriterionError(
                f"Unknown variant class {name!r}; expected one of {known}.",
                f"{_join(path, 'classes')}[{index}]",
            )
        classes.append(canonical)
    return VariantClass(classes=tuple(dict.fromkeys(classes)), gene=gene)


def _parse_pathway(data: Mapping[str, Any], path: str) -> Criterion:
    genes = _strings(data, "genes", path)
    return PathwayAltered(name=_string(data, "name", path), genes=genes)


def _parse_items(data: Mapping[str, Any], path: str) -> tuple[Criterion, ...]:
    items = data.get("items")
    if not isinstance(items, list | tuple) or not items:
        raise CriterionError("'items' must be a non-empty list of criteria.", _join(path, "items"))
    return tuple(
        criterion_from_dict(item, f"{_join(path, 'items')}[{index}]") for index, item in enumerate(items)
    )


def _parse_and(data: Mapping[str, Any], path: str) -> Criterion:
    return And(items=_parse_items(data, path))


def _parse_or(data: Mapping[str, Any], path: str) -> Criterion:
    return Or(items=_parse_items(data, path))


def _parse_not(data: Mapping[str, Any], path: str) -> Criterion:
    return Not(item=criterion_from_dict(data.get("item"), _join(path, "item")))


_PARSERS: dict[str, Callable[[Mapping[str, Any], str], Criterion]] = {
    "cancer_type": _parse_cancer_type,
    "age_range": _parse_age_range,
    "sex": _parse_sex,
    "stage": _parse_stage,
    "attribute": _parse_attribute,
    "gene_mutated": _parse_gene_mutated,
    "protein_change": _parse_protein_change,
    "variant_class": _parse_variant_class,
    "pathway_altered": _parse_pathway,
    "and": _parse_and,
    "or": _parse_or,
    "not": _parse_not,
}
