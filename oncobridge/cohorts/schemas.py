"""API shapes for cohorts and analyses. A count is an integer, or "<k" / ">=N" when suppressed."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated, Any

from ninja import Field, Schema
from pydantic import StringConstraints

from oncobridge.accounts.schemas import Slug, StorableStr
from oncobridge.cohorts.criteria import definition_describe

Count = int | str
GeneName = Annotated[StorableStr, StringConstraints(min_length=1, max_length=40)]
AttributeName = Annotated[StorableStr, StringConstraints(min_length=1, max_length=120)]
Name = Annotated[StorableStr, StringConstraints(min_length=1, max_length=200)]
Label = Annotated[StorableStr, StringConstraints(max_length=120)]
EndpointName = Annotated[StorableStr, StringConstraints(min_length=1, max_length=40)]

DEFINITION_HELP = (
    'A criterion as JSON, e.g. {"type": "and", "items": [{"type": "cancer_type", "codes": ["BRCA"]}, '
    '{"type": "gene_mutated", "gene": "TP53"}]}; types: cancer_type, age_range, sex, stage, attribute, '
    "gene_mutated, protein_change, variant_class, pathway_altered, and, or, not. Null: everyone."
)


class CohortQueryIn(Schema):
    """Which cohort: datasets (none: every dataset you may query) and a definition, or a saved cohort."""

    datasets: list[Slug] = Field(default_factory=list, max_length=50)
    definition: dict[str, Any] | None = Field(None, description=DEFINITION_HELP)
    cohort: int | None = Field(None, ge=1, le=2_147_483_647, description="A saved cohort's id")


class DatasetCountOut(Schema):
    dataset: str
    title: str
    patients: Count
    samples: Count
    row_access: bool


class CountOut(Schema):
    patients: Count
    samples: Count
    by_dataset: list[DatasetCountOut]
    threshold: int
    aggregate_only: bool


class MemberOut(Schema):
    dataset: str
    patient_id: str
    sample_id: str | None


class FrequenciesIn(CohortQueryIn):
    top: int | None = Field(20, ge=1, le=500)
    genes: list[GeneName] = Field(default_factory=list, max_length=50)
    include_silent: bool = False


class FrequencyOut(Schema):
    gene: str
    altered_samples: Count
    profiled_samples: Count
    frequency: float | None


class OncoprintIn(CohortQueryIn):
    top: int = Field(20, ge=1, le=50)
    genes: list[GeneName] = Field(default_factory=list, max_length=50)


class OncoprintCellOut(Schema):
    sample: str
    gene: str
    variant_classes: list[str]


class OncoprintOut(Schema):
    genes: list[str]
    samples: list[str]
    cells: list[OncoprintCellOut]
    frequencies: list[FrequencyOut]
    not_profiled: list[tuple[str, str]]


class CooccurrenceIn(CohortQueryIn):
    genes: list[GeneName] = Field(min_length=2, max_length=50)


class PairOut(Schema):
    """Without row access, a pair with a cell below the threshold has every cell and statistic null."""

    gene_a: str
    gene_b: str
    both: int | None
    a_only: int | None
    b_only: int | None
    neither: int | None
    odds_ratio: float | None
    p_value: float | None
    q_value: float | None
    relation: str | None


class SurvivalCohortIn(Schema):
    label: Label = ""
    definition: dict[str, Any] | None = None


class SurvivalIn(CohortQueryIn):
    """Groups: by `gene` (wild type vs mutated), by `compare` (cohorts), or by an `attribute`'s values."""

    endpoint: EndpointName | None = Field(
        None,
        description="OS, PFS, DFS, RFS, EFS, DSS or another the datasets hold; none: OS, else the first held",
    )
    gene: GeneName | None = None
    compare: list[SurvivalCohortIn] = Field(default_factory=list, max_length=8)
    attribute: AttributeName | None = None


class CurvePointOut(Schema):
    time_months: float
    survival: float
    ci_lower: float
    ci_upper: float


class SurvivalGroupOut(Schema):
    label: str
    n: Count
    events: Count
    median_months: float | None
    median_ci: tuple[float | None, float | None]
    curve: list[CurvePointOut]
    at_risk: list[tuple[float, Count]]


class SurvivalOut(Schema):
    endpoint: str
    groups: list[SurvivalGroupOut]
    logrank_p: float | None
    hazard_ratio: float | None
    hazard_ratio_ci: tuple[float, float] | None
    aggregate_only: bool
    withheld: list[str]


class DistributionIn(CohortQueryIn):
    attribute: AttributeName


class DistributionOut(Schema):
    attribute: str
    kind: str
    categories: list[tuple[str, Count]]
    bins: list[tuple[float, float, Count]]
    summary: dict[str, float]


class SavedCohortIn(Schema):
    name: Name
    description: Annotated[StorableStr, StringConstraints(max_length=5000)] = ""
    datasets: list[Slug] = Field(min_length=1, max_length=50)
    definition: dict[str, Any] | None = Field(None, description=DEFINITION_HELP)
    project: int | None = Field(None, ge=1, le=2_147_483_647, description="Share with this joint project")


class SavedCohortPatch(Schema):
    """Only the fields sent change; `project: null` stops sharing, `definition: null` means everyone."""

    name: Name | None = None
    description: Annotated[StorableStr, StringConstraints(max_length=5000)] | None = None
    datasets: list[Slug] | None = Field(None, min_length=1, max_length=50)
    definition: dict[str, Any] | None = None
    project: int | None = Field(None, ge=1, le=2_147_483_647)


class SavedCohortOut(Schema):
    id: int
    name: str
    description: str
    owner: str = Field(alias="owner.email")
    definition: dict[str, Any] | None
    summary: str
    datasets: list[str]
    project: int | None = Field(None, alias="project_id")
    created_at: datetime
    updated_at: datetime

    @staticmethod
    def resolve_summary(obj: Any) -> str:
        return definition_describe(obj.definition)
