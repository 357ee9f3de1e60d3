"""The tables of several dataset versions as one: each row tagged with its dataset key.

A cohort's unit is the patient within a dataset, so every table here carries a leading `dataset` column, and
`sample_map` answers "whose sample is this" even for MAF-only datasets (a sample without a samples row is
its own patient).
"""

from __future__ import annotations

import functools
from collections.abc import Sequence
from dataclasses import dataclass, field
from functools import cached_property

import ibis
import ibis.expr.types as ir

from oncobridge.analytics import engine
from oncobridge.analytics.definitions import NON_SILENT_CLASSES, DatasetSource

PATIENT_KEY = ["dataset", "patient_id"]
SAMPLE_KEY = ["dataset", "sample_id"]


@dataclass(frozen=True)
class Tables:
    """The sources' tables as Ibis expressions; one instance per set of file versions (see tables_for),
    so that expressions built from it (and memoised in `memo`, e.g. a criterion's patients) are reused."""

    sources: tuple[DatasetSource, ...]
    memo: dict[object, ir.Table] = field(default_factory=dict, compare=False, repr=False)

    def table(self, name: str) -> ir.Table:
        """The named table of every source, with the dataset key in front."""
        parts = [
            engine.dataset_table(source.directory, name).mutate(dataset=ibis.literal(source.key))
            for source in self.sources
        ] or [engine.empty_table(name).mutate(dataset=ibis.literal("", type="string"))]
        tagged = [part.select("dataset", *[c for c in part.columns if c != "dataset"]) for part in parts]
        return tagged[0] if len(tagged) == 1 else ibis.union(*tagged, distinct=False)

    @cached_property
    def patients(self) -> ir.Table:
        return self.table("patients")

    @cached_property
    def samples(self) -> ir.Table:
        return self.table("samples")

    @cached_property
    def mutations(self) -> ir.Table:
        return self.table("mutations")

    @cached_property
    def clinical_attributes(self) -> ir.Table:
        return self.table("clinical_attributes")

    @cached_property
    def outcomes(self) -> ir.Table:
        return self.table("outcomes")

    @cached_property
    def mutated_pairs(self) -> ir.Table:
        """(dataset, sample_id, gene), distinct: each sample's genes with a maftools "mutated" variant."""
        parts = [
            _mutated_pairs(source)
            .mutate(dataset=ibis.literal(source.key))
            .select("dataset", "sample_id", "gene")
            for source in self.sources
        ]
        if not parts:
            return self.mutations.select("dataset", "sample_id", "gene")
        return parts[0] if len(parts) == 1 else ibis.union(*parts, distinct=False)

    @cached_property
    def sample_map(self) -> ir.Table:
        """(dataset, sample_id, patient_id) for every sample of the sources."""
        parts = [_sample_map(source) for source in self.sources]
        if not parts:
            return self.samples.select("dataset", "sample_id", "patient_id")
        return parts[0] if len(parts) == 1 else ibis.union(*parts, distinct=False)

    @cached_property
    def universe(self) -> ir.Table:
        """(dataset, patient_id) of everyone in the sources: patients rows and the patients of samples."""
        return ibis.union(
            self.patients.select(*PATIENT_KEY), self.sample_map.select(*PATIENT_KEY), distinct=True
        )


def tables_for(sources: Sequence[DatasetSource]) -> Tables:
    """The Tables of these sources as their files are now (a changed file makes a new one)."""
    versions = tuple(
        engine.file_key(source.directory, name) for source in sources for name in engine.TABLE_SCHEMAS
    )
    return _tables(tuple(sources), (*versions, engine.generation()))


@functools.lru_cache(maxsize=64)
def _tables(sources: tuple[DatasetSource, ...], versions: tuple[object, ...]) -> Tables:
    return Tables(sources)


def _sample_map(source: DatasetSource) -> ir.Table:
    samples = engine.dataset_table(source.directory, "samples").select("sample_id", "patient_id")
    if _has_orphan_samples(source):
        mutated = engine.dataset_table(source.directory, "mutations").select("sample_id").distinct()
        orphans = mutated.anti_join(samples, "sample_id").mutate(patient_id=mutated.sample_id)
        samples = ibis.union(samples, orphans, distinct=False)
    return samples.mutate(dataset=ibis.literal(source.key)).select("dataset", "sample_id", "patient_id")


def _mutated_pairs(source: DatasetSource) -> ir.Table:
    """Kept once per mutations file version: gene criteria and frequencies read these few rows instead of
    scanning every mutation (non-silent pairs are about a fifth of the rows, and distinct)."""
    mutations = engine.dataset_table(source.directory, "mutations")

    def build() -> ir.Table:
        mutated = mutations.filter(
            mutations.variant_classification.isin(sorted(NON_SILENT_CLASSES)) & mutations.gene.notnull()
        )
        return mutated.select("sample_id", "gene").distinct().order_by(["gene", "sample_id"])

    key = ("mutated_pairs", engine.file_key(source.directory, "mutations"))
    if key[1] is None:
        return mutations.select("sample_id", "gene")
    return engine.materialised(key, build)


def _has_orphan_samples(source: DatasetSource) -> bool:
    """Whether the mutations name samples the samples table lacks (checked once per file version)."""
    return _orphans_in(
        source, engine.file_key(source.directory, "mutations"), engine.file_key(source.directory, "samples")
    )


@functools.lru_cache(maxsize=256)
def _orphans_in(source: DatasetSource, mutations_key: object, samples_key: object) -> bool:
    if mutations_key is None:
        return False
    mutated = engine.dataset_table(source.directory, "mutations").select("sample_id").distinct()
    samples = engine.dataset_table(source.directory, "samples").select("sample_id")
    orphans = mutated.anti_join(samples, "sample_id")
    return bool(engine.execute(orphans.limit(1)).num_rows)
