"""How much each part of the hybrid score counts. Every part can be switched off to measure what it adds."""

from __future__ import annotations

from dataclasses import asdict, dataclass, replace

PARTS: tuple[str, ...] = (
    "bm25",
    "embedding",
    "cancer_types",
    "genes",
    "pathways",
    "modalities",
    "complementarity",
)


@dataclass(frozen=True, slots=True)
class Weights:
    bm25: float = 0.0
    embedding: float = 0.0
    cancer_types: float = 0.0
    genes: float = 0.0
    pathways: float = 0.0
    modalities: float = 0.0
    complementarity: float = 0.0

    def __post_init__(self) -> None:
        if any(value < 0 for value in asdict(self).values()):
            raise ValueError("Weights cannot be negative")

    def as_dict(self) -> dict[str, float]:
        return {part: float(getattr(self, part)) for part in PARTS}

    def active(self) -> tuple[str, ...]:
        return tuple(part for part in PARTS if getattr(self, part) > 0)

    def without(self, part: str) -> Weights:
        if part not in PARTS:
            raise ValueError(f"Unknown score part {part!r}; parts are {', '.join(PARTS)}")
        return replace(self, **{part: 0.0})

    @classmethod
    def only(cls, part: str) -> Weights:
        if part not in PARTS:
            raise ValueError(f"Unknown score part {part!r}; parts are {', '.join(PARTS)}")
        return cls(**{part: 1.0})

    @classmethod
    def from_dict(cls, values: dict[str, float]) -> Weights:
        unknown = set(values) - set(PARTS)
        if unknown:
            raise ValueError(f"Unknown score parts {sorted(unknown)}; parts are {', '.join(PARTS)}")
        return cls(**values)


# Tuned by coordinate search (evaluation.tune_weights, BM25 fixed at 1) on the training half of the
# dbGaP expert-finding evaluation: python -m oncobridge.matching.engine.expert_finding --report.
# Pathways added nothing there once genes counted. modalities and complementarity cannot be tuned on it
# (dbGaP studies state neither modalities nor needs, so both parts are zero for every query): their
# weights are stated defaults, those of the other concept parts; the evaluation's figures ignore them.
DEFAULT_WEIGHTS = Weights(
    bm25=1.0,
    embedding=3.0,
    cancer_types=0.5,
    genes=0.5,
    pathways=0.0,
    modalities=0.5,
    complementarity=0.5,
)
