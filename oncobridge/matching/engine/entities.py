"""What the engine ranks: entities (investigators, assets, partner needs, organisations) as plain data."""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any

# What one side can offer and the other seek; the labels are read in explanations
# ("They offer patient-derived models").
CAPABILITIES: dict[str, str] = {
    "patient_derived_models": "patient-derived models",
    "data": "data",
    "trial_sites": "clinical trial sites",
    "assays_biomarkers": "assays and biomarkers",
    "compounds": "compounds and modalities",
    "methods": "methods and technologies",
    "funding": "funding",
}

_I = re.IGNORECASE
# Conservative cues: a capability is inferred only from phrases that name it plainly.
_CAPABILITY_CUES: tuple[tuple[str, re.Pattern[str]], ...] = (
    (
        "patient_derived_models",
        re.compile(r"\bPDX\b|\bpatient[\s-]derived\b|\borganoids?\b|\bxenografts?\b|\bcell lines?\b", _I),
    ),
    (
        "data",
        re.compile(
            r"\bdata ?sets?\b|\bdata are available\b|\bgenotyp(?:e|ing) data\b|\bsequencing data\b"
            r"|\bwhole[\s-](?:exome|genome) sequencing\b|\bbiobank\b|\bregistry\b|\bcohorts?\b",
            _I,
        ),
    ),
    (
        "trial_sites",
        re.compile(r"\btrial sites?\b|\bclinical sites?\b|\benrol(?:l)?(?:ing|ment)\b|\baccrual\b", _I),
    ),
    (
        "assays_biomarkers",
        re.compile(
            r"\bassays?\b|\bbiomarkers?\b|\bimmunohistochemistry\b|\bIHC\b|\bliquid biops(?:y|ies)\b", _I
        ),
    ),
    (
        "compounds",
        re.compile(
            r"\bcompounds?\b|\binhibitors?\b|\bdrug candidates?\b|\bsmall molecules?\b|\bantibod(?:y|ies)\b",
            _I,
        ),
    ),
    (
        "methods",
        re.compile(
            r"\balgorithms?\b|\bpipelines?\b|\bsoftware\b|\bplatform\b|\bmachine learning\b|\bmethods?\b", _I
        ),
    ),
    ("funding", re.compile(r"\bfunding\b|\bgrants?\b|\bsponsor(?:ship)?\b", _I)),
)


def capabilities_in_text(text: str) -> tuple[str, ...]:
    """Capability codes a text plainly mentions, in CAPABILITIES order; the caller decides offer or seek."""
    return tuple(code for code, pattern in _CAPABILITY_CUES if pattern.search(text))


@dataclass(frozen=True, slots=True)
class Entity:
    """One thing to match: an investigator profile, a research asset, a partner need or an organisation.

    cancer_types are OncoTree codes, genes HUGO symbols, modalities and offers/seeks codes (offers and seeks
    from     CAPABILITIES). Every field but id is optional, so that free text alone is a valid query.
    """

    id: str
    text: str = ""
    kind: str = ""
    organisation: str = ""
    organisation_type: str = ""
    title: str = ""
    cancer_types: tuple[str, ...] = ()
    genes: tuple[str, ...] = ()
    modalities: tuple[str, ...] = ()
    offers: tuple[str, ...] = ()
    seeks: tuple[str, ...] = ()

    def __post_init__(self) -> None:
        if not self.id:
            raise ValueError("An entity needs an id")
        unknown = (set(self.offers) | set(self.seeks)) - set(CAPABILITIES)
        if unknown:
            raise ValueError(
                f"Entity {self.id}: unknown capabilities {sorted(unknown)}; use {sorted(CAPABILITIES)}"
            )

    @property
    def full_text(self) -> str:
        """Title and text as one passage: what the lexical and semantic parts read."""
        return f"{self.title}. {self.text}" if self.title else self.text

    def without_text(self) -> Entity:
        """The entity as the index keeps it: all but the text, which lives on only as terms and a vector."""
        return Entity(
            id=self.id,
            kind=self.kind,
            organisation=self.organisation,
            organisation_type=self.organisation_type,
            title=self.title,
            cancer_types=self.cancer_types,
            genes=self.genes,
            modalities=self.modalities,
            offers=self.offers,
            seeks=self.seeks,
        )

    def to_json(self) -> dict[str, Any]:
        record: dict[str, Any] = {"id": self.id}
        for name in ("kind", "organisation", "organisation_type", "title", "text"):
            value = getattr(self, name)
            if value:
                record[name] = value
        for name in ("cancer_types", "genes", "modalities", "offers", "seeks"):
            value = getattr(self, name)
            if value:
                record[name] = list(value)
        return record

    @classmethod
    def from_json(cls, record: Mapping[str, Any]) -> Entity:
        """Read the JSON-lines shape used by match-eval; unknown keys are ignored, lists become tuples."""
        if record.get("id") in ("", None):
            raise ValueError(f"Entity record without an id: {str(record)[:80]}")

        def strings(name: str) -> tuple[str, ...]:
            value = record.get(name) or ()
            if isinstance(value, str) or not isinstance(value, Iterable):
                raise ValueError(f"Entity {record['id']}: {name} must be a list of strings")
            return tuple(str(item) for item in value)

        return cls(
            id=str(record["id"]),
            text=str(record.get("text") or ""),
            kind=str(record.get("kind") or ""),
            organisation=str(record.get("organisation") or ""),
            organisation_type=str(record.get("organisation_type") or ""),
            title=str(record.get("title") or ""),
            cancer_types=tuple(code.upper() for code in strings("cancer_types")),
            genes=tuple(gene.upper() for gene in strings("genes")),
            modalities=strings("modalities"),
            offers=strings("offers"),
            seeks=strings("seeks"),
        )
