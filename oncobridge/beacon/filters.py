"""Beacon filters as cohort criteria of the analytics core, and the ontology terms the beacon speaks.

- OncoTree terms (`oncotree:LUAD`, or a bare code) select patients with that cancer type or, unless
  `includeDescendantTerms` is false, any of its descendants.
- NCIt terms (`NCIT:C3512`) map to OncoTree through OncoTree's own NCIt cross-references (then the same).
- NCIt sex terms (`NCIT:C16576` female, `NCIT:C20197` male, ...) select by sex.
- Alphanumeric filters on `age` (years, or an ISO 8601 duration such as P50Y) select an age range; on any
  other id they compare that clinical attribute.
Several filters are ANDed, as the framework says.
"""

from __future__ import annotations

import contextlib
import math
import re
from collections.abc import Sequence
from dataclasses import dataclass
from functools import lru_cache

from oncobridge.analytics import (
    AgeRange,
    And,
    CancerType,
    Criterion,
    CriterionError,
    Not,
    Sex,
    criterion_from_dict,
)
from oncobridge.beacon.query import BeaconRequestError, Filter
from oncobridge.core.vocabularies import vocabularies
from oncobridge.vocab.oncotree import ROOT_CODE, OncoTree

ONCOTREE_PREFIX = "oncotree"
NCIT_PREFIX = "NCIT"

# Sex in Beacon's default model is an NCIt term (individuals/defaultSchema.json, examples).
SEX_TERMS: dict[str, tuple[str, str]] = {
    "female": ("NCIT:C16576", "female"),
    "male": ("NCIT:C20197", "male"),
    "other": ("NCIT:C17649", "other"),
    "unknown": ("NCIT:C17998", "unknown"),
}
SEX_BY_TERM = {term.upper(): sex for sex, (term, _label) in SEX_TERMS.items()}
AGE_IDS = frozenset({"age", "ageatdiagnosis", "ncit:c25150", "ncit:c156420"})
AGE_TERM = ("age", "Age at diagnosis, in years (or an ISO 8601 duration such as P50Y)")
RESOURCES = [
    {
        "id": ONCOTREE_PREFIX,
        "name": "OncoTree",
        "url": "https://oncotree.mskcc.org",
        "nameSpacePrefix": ONCOTREE_PREFIX,
        "iriPrefix": "https://oncotree.mskcc.org/?version=oncotree_latest_stable&field=CODE&search=",
    },
    {
        "id": NCIT_PREFIX,
        "name": "NCI Thesaurus OBO Edition",
        "url": "http://purl.obolibrary.org/obo/ncit.owl",
        "nameSpacePrefix": NCIT_PREFIX,
        "iriPrefix": "http://purl.obolibrary.org/obo/NCIT_",
    },
]
_ISO_AGE = re.compile(r"^P(?:(\d+(?:\.\d+)?)Y)?(?:(\d+(?:\.\d+)?)M)?(?:(\d+(?:\.\d+)?)D)?$")
_OPS = {"=": "eq", "!": "ne", "<": "lt", "<=": "le", ">": "gt", ">=": "ge"}


@dataclass(frozen=True)
class Term:
    id: str
    label: str


def oncotree_term(code: str) -> Term:
    node = vocabularies().oncotree.get(code)
    return Term(f"{ONCOTREE_PREFIX}:{code.upper()}", node.name if node is not None else code.upper())


def ncit_terms(code: str) -> list[Term]:
    node = vocabularies().oncotree.get(code)
    if node is None:
        return []
    return [Term(f"{NCIT_PREFIX}:{ncit}", node.name) for ncit in node.ncit]


@lru_cache(maxsize=4)
def _ncit_index(tree: OncoTree) -> dict[str, tuple[str, ...]]:
    index: dict[str, list[str]] = {}
    for node in tree:
        for ncit in node.ncit:
            index.setdefault(ncit.upper(), []).append(node.code)
    return {ncit: tuple(sorted(codes)) for ncit, codes in index.items()}


def oncotree_codes_for_ncit(ncit: str) -> tuple[str, ...]:
    """OncoTree codes whose NCIt cross-reference is this concept ("C3512" or "NCIT:C3512")."""
    local = ncit.split(":", 1)[1] if ":" in ncit else ncit
    return _ncit_index(vocabularies().oncotree).get(local.strip().upper(), ())


def _cancer_type(codes: Sequence[str], descendants: bool) -> CancerType:
    tree = vocabularies().oncotree
    expanded: set[str] = set()
    for code in codes:
        expanded |= tree.descendants(code) if descendants else {code.upper()}
    expanded.discard(ROOT_CODE)
    return CancerType(codes=tuple(sorted(expanded)))


def _ontology_criterion(item: Filter, name: str) -> Criterion:
    prefix, _, local = item.id.partition(":")
    tree = vocabularies().oncotree
    if not local:
        prefix, local = ONCOTREE_PREFIX, item.id
    if prefix.lower() == ONCOTREE_PREFIX:
        if local not in tree or local.upper() == ROOT_CODE:
            raise BeaconRequestError(f"'{name}': {item.id!r} is not an OncoTree code; see /filtering_terms.")
        return _cancer_type([local], item.include_descendants)
    if prefix.upper() == NCIT_PREFIX:
        sex = SEX_BY_TERM.get(f"{NCIT_PREFIX}:{local.upper()}")
        if sex is not None:
            return Sex(value=sex)
        codes = oncotree_codes_for_ncit(local)
        if not codes:
            raise BeaconRequestError(
                f"'{name}': {item.id!r} is not an NCIt term this beacon maps to OncoTree; "
                "see /filtering_terms."
            )
        return _cancer_type(codes, item.include_descendants)
    raise BeaconRequestError(
        f"'{name}': filters use OncoTree (oncotree:CODE) or NCIt (NCIT:C...) terms; got {item.id!r}."
    )


def _years(value: str, name: str) -> float:
    text = value.strip().upper()
    match = _ISO_AGE.match(text)
    if match and text != "P":
        years, months, days = (float(part) if part else 0.0 for part in match.groups())
        years = years + months / 12 + days / 365.25
    else:
        try:
            years = float(text)
        except ValueError:
            years = math.nan
    if not math.isfinite(years):  # float() also reads "nan", "inf" and "1e400"
        raise BeaconRequestError(f"'{name}': an age is a number of years or a duration like P50Y.")
    return years


def _age_criterion(operator: str, years: float) -> Criterion:
    exactly = AgeRange(min_years=years, max_years=years)
    if operator == "=":
        return exactly
    if operator == "!":
        return Not(exactly)
    if operator in ("<=", ">="):
        return AgeRange(max_years=years) if operator == "<=" else AgeRange(min_years=years)
    bound = AgeRange(max_years=years) if operator == "<" else AgeRange(min_years=years)
    return And((bound, Not(exactly)))


def _alphanumeric_criterion(item: Filter, name: str) -> Criterion:
    assert item.operator is not None and item.value is not None  # noqa: S101 - only called for these
    if item.id.lower() in AGE_IDS:
        return _age_criterion(item.operator, _years(item.value, name))
    value: str | float = item.value
    with contextlib.suppress(ValueError):
        number = float(item.value)
        if math.isfinite(number):  # "nan" stays text: equal to the text, and no number to compare with
            value = number
    try:
        return criterion_from_dict(
            {"type": "attribute", "name": item.id, "op": _OPS[item.operator], "value": value}
        )
    except CriterionError as exc:
        raise BeaconRequestError(f"'{name}': {exc.message}") from None


def filters_criterion(filters: Sequence[Filter]) -> Criterion | None:
    """The criterion all filters express together (AND); None when there are none."""
    criteria = [
        _ontology_criterion(item, f"filters[{index}]")
        if item.operator is None
        else _alphanumeric_criterion(item, f"filters[{index}]")
        for index, item in enumerate(filters)
    ]
    if not criteria:
        return None
    return criteria[0] if len(criteria) == 1 else And(tuple(criteria))
