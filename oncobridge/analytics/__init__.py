"""The analytics core: cohorts and analyses over dataset versions stored as Parquet (pure; no Django).

Callers import from here: the criteria and result dataclasses (definitions.py, the binding contract) and
the query functions. Queries are Ibis expressions (cohort, genomics, survival, clinical, variants modules)
run by engine.py.
"""

from oncobridge.analytics.clinical import attribute_distribution
from oncobridge.analytics.cohort import cohort_count, cohort_members
from oncobridge.analytics.definitions import (
    NON_SILENT_CLASSES,
    AgeRange,
    And,
    Attribute,
    AttributeDistribution,
    CancerType,
    CohortCount,
    Criterion,
    CriterionError,
    CurvePoint,
    DatasetCount,
    DatasetSource,
    GeneFrequency,
    GeneMutated,
    GenePair,
    Not,
    Oncoprint,
    OncoprintCell,
    Or,
    PathwayAltered,
    ProteinChange,
    Relation,
    Sex,
    Stage,
    SurvivalGroup,
    SurvivalResult,
    VariantClass,
    VariantQuery,
    criterion_from_dict,
    criterion_to_dict,
)
from oncobridge.analytics.genomics import cooccurrence, mutation_frequencies, oncoprint
from oncobridge.analytics.survival import outcome_endpoints, survival, survival_by_gene
from oncobridge.analytics.variants import VARIANT_COLUMNS, variant_search

__all__ = [
    "NON_SILENT_CLASSES",
    "VARIANT_COLUMNS",
    "AgeRange",
    "And",
    "Attribute",
    "AttributeDistribution",
    "CancerType",
    "CohortCount",
    "Criterion",
    "CriterionError",
    "CurvePoint",
    "DatasetCount",
    "DatasetSource",
    "GeneFrequency",
    "GeneMutated",
    "GenePair",
    "Not",
    "Oncoprint",
    "OncoprintCell",
    "Or",
    "PathwayAltered",
    "ProteinChange",
    "Relation",
    "Sex",
    "Stage",
    "SurvivalGroup",
    "SurvivalResult",
    "VariantClass",
    "VariantQuery",
    "attribute_distribution",
    "cohort_count",
    "cohort_members",
    "cooccurrence",
    "criterion_from_dict",
    "criterion_to_dict",
    "mutation_frequencies",
    "oncoprint",
    "outcome_endpoints",
    "survival",
    "survival_by_gene",
    "variant_search",
]
