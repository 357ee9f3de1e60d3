"""Variant lookup for the Beacon: mutations by position, alleles, gene and cohort, with their patient.

Positions are the mutations table's (1-based, inclusive); a start alone asks for variants starting there,
start and end for variants overlapping the range. Assembly and chromosome names are normalised the same
way the readers normalise them (hg19 = GRCh37, chr7 = 7).
"""

from __future__ import annotations

from collections.abc import Sequence
from functools import reduce

import ibis.expr.types as ir
import pyarrow as pa

from oncobridge.analytics import engine
from oncobridge.analytics.cohort import cohort_patients
from oncobridge.analytics.definitions import CriterionError, DatasetSource, VariantQuery
from oncobridge.analytics.sources import PATIENT_KEY, SAMPLE_KEY, tables_for
from oncobridge.formats.mutation_terms import normalise_build, normalise_chromosome

VARIANT_COLUMNS = [
    "dataset",
    "patient_id",
    "sample_id",
    "gene",
    "chromosome",
    "start",
    "end",
    "reference_allele",
    "tumor_seq_allele2",
    "variant_classification",
    "hgvsp_short",
    "ncbi_build",
]


def _conditions(mutations: ir.Table, query: VariantQuery) -> list[ir.BooleanValue]:
    conditions: list[ir.BooleanValue] = []
    if query.assembly is not None:
        build = normalise_build(query.assembly)
        if build is None:
            raise CriterionError(f"{query.assembly!r} is not GRCh37 or GRCh38.", "assembly")
        conditions.append(mutations.ncbi_build == build)
    if query.reference_name is not None:
        chromosome = normalise_chromosome(query.reference_name)
        if chromosome is None:
            raise CriterionError(f"{query.reference_name!r} is not a chromosome.", "reference_name")
        conditions.append(mutations.chromosome == chromosome)
    if query.start is not None and query.end is not None:
        if query.end < query.start:
            raise CriterionError("'end' is before 'start'.", "end")
        conditions += [mutations.start <= query.end, mutations.end >= query.start]
    elif query.start is not None:
        conditions.append(mutations.start == query.start)
    elif query.end is not None:
        raise CriterionError("'end' needs a 'start'.", "start")
    if query.reference_bases is not None:
        conditions.append(mutations.reference_allele.upper() == query.reference_bases.strip().upper())
    if query.alternate_bases is not None:
        conditions.append(mutations.tumor_seq_allele2.upper() == query.alternate_bases.strip().upper())
    if query.gene is not None:
        conditions.append(mutations.gene == query.gene.strip())
    return conditions


def variant_search(sources: Sequence[DatasetSource], query: VariantQuery) -> pa.Table:
    """The matching mutation rows with their patient, ordered by dataset, position and sample."""
    tables = tables_for(sources)
    mutations = tables.mutations
    conditions = _conditions(mutations, query)
    if conditions:
        mutations = mutations.filter(reduce(lambda a, b: a & b, conditions))
    samples = tables.sample_map
    if query.criterion is not None:
        samples = samples.semi_join(cohort_patients(tables, query.criterion), PATIENT_KEY)
    joined = mutations.join(samples, SAMPLE_KEY).select(*VARIANT_COLUMNS)
    ordered = joined.order_by(["dataset", "chromosome", "start", "sample_id", "gene"])
    return engine.execute(ordered)
