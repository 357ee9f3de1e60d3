"""Mutation frequencies, the oncoprint and gene-pair co-occurrence, panel-aware, as maftools defines them.

"Mutated" is maftools' non-silent coding classes (definitions.NON_SILENT_CLASSES). A sample counts for a gene
only when its assay covered that gene: its `GENE_PANEL` sample attribute (a cBioPortal panel id resolved
through `panels`) or else the dataset's panel; a sample on an unknown panel falls back to the dataset's.
The queries return small aggregates per (dataset, panel); the per-gene sums over covering panels are Python.
"""

from __future__ import annotations

import functools
import math
import operator
from collections import defaultdict
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from itertools import combinations

import ibis
import ibis.expr.types as ir
from scipy import stats

from oncobridge.analytics import engine
from oncobridge.analytics.cohort import cohort_samples, non_silent
from oncobridge.analytics.definitions import (
    Criterion,
    DatasetSource,
    GeneFrequency,
    GenePair,
    Oncoprint,
    OncoprintCell,
    Relation,
)
from oncobridge.analytics.sources import PATIENT_KEY, SAMPLE_KEY, Tables, tables_for

Panels = Mapping[str, frozenset[str]]
PanelGroup = tuple[str, str | None]  # (dataset, GENE_PANEL value or None)


@dataclass(frozen=True)
class Coverage:
    """Which genes each (dataset, panel) group of samples was profiled for."""

    sources: Mapping[str, DatasetSource]
    panels: Panels

    def covers(self, group: PanelGroup, gene: str) -> bool:
        dataset, panel = group
        genes = self.panels[panel] if panel is not None and panel in self.panels else None
        if genes is None:
            genes = self.sources[dataset].panel_genes
        # Panel lists are often upper-cased (cBioPortal's loader does), symbols like C9orf72 are not.
        return genes is None or gene in genes or gene.upper() in genes


@dataclass(frozen=True)
class _CohortGenomics:
    """A cohort's samples, their panel assignments, the (dataset, panel) group sizes, and the coverage."""

    tables: Tables
    members: ir.Table | None  # (dataset, sample_id); None: every sample of the sources
    assignments: ir.Table | None  # (dataset, sample_id, panel); None: no sample names a panel
    group_sizes: dict[PanelGroup, int]
    coverage: Coverage

    def samples(self) -> ir.Table:
        """(dataset, sample_id, panel) of every cohort sample."""
        members = self.tables.sample_map.select(*SAMPLE_KEY) if self.members is None else self.members
        return _with_panels(members, self.assignments)

    @property
    def profiles_every_gene(self) -> bool:
        """No sample names a panel and no dataset has one: every sample was profiled for every gene."""
        return self.assignments is None and all(s.panel_genes is None for s in self.coverage.sources.values())

    def profiled(self, gene: str) -> int:
        return sum(size for group, size in self.group_sizes.items() if self.coverage.covers(group, gene))

    def mutated_pairs(self, genes: Sequence[str] | None) -> ir.Table:
        """(dataset, sample_id, gene, panel): the cohort's samples with a maftools "mutated" gene."""
        pairs = self.tables.mutated_pairs
        if genes is not None:
            pairs = pairs.filter(pairs.gene.isin(sorted(set(genes))))
        if self.members is not None:
            pairs = pairs.semi_join(self.members, SAMPLE_KEY)
        return _with_panels(pairs, self.assignments)

    def altered(self, genes: Sequence[str] | None, include_silent: bool) -> ir.Table:
        """(dataset, sample_id, gene, variant_classification, panel): the cohort's mutations that count."""
        mutations = non_silent(self.tables.mutations, include_silent)
        mutations = mutations.filter(mutations.gene.notnull())
        if genes is not None:
            mutations = mutations.filter(mutations.gene.isin(sorted(set(genes))))
        mutations = mutations.select("dataset", "sample_id", "gene", "variant_classification")
        if self.members is not None:
            mutations = mutations.semi_join(self.members, SAMPLE_KEY)
        return _with_panels(mutations, self.assignments)


def _with_panels(rows: ir.Table, assignments: ir.Table | None) -> ir.Table:
    """The rows (keyed by dataset, sample_id) with a `panel` column: the sample's GENE_PANEL or null."""
    if assignments is None:
        return rows.mutate(panel=ibis.null("string"))
    joined = rows.left_join(assignments, SAMPLE_KEY)
    return joined.select(*[rows[column] for column in rows.columns], assignments.panel)


def _panel_assignments(tables: Tables) -> ir.Table | None:
    """(dataset, sample_id, panel) from GENE_PANEL sample attributes; None when no source has any."""
    if not any(
        _assigns_panels(source, engine.file_key(source.directory, "clinical_attributes"))
        for source in tables.sources
    ):
        return None
    attributes = tables.clinical_attributes
    return (
        attributes.filter(_is_panel_row(attributes))
        .group_by([attributes.dataset, attributes.entity_id])
        .aggregate(panel=attributes.value.max())
        .rename(sample_id="entity_id")
    )


def _is_panel_row(attributes: ir.Table) -> ir.BooleanValue:
    return (attributes.entity_type == "sample") & (attributes.attribute.upper() == "GENE_PANEL")


@functools.lru_cache(maxsize=256)
def _assigns_panels(source: DatasetSource, clinical_key: object) -> bool:
    """Whether the source's clinical attributes name a GENE_PANEL (checked once per file version)."""
    if clinical_key is None:
        return False
    attributes = engine.dataset_table(source.directory, "clinical_attributes")
    return bool(engine.execute(attributes.filter(_is_panel_row(attributes)).limit(1)).num_rows)


def _cohort_genomics(
    sources: Sequence[DatasetSource], criterion: Criterion | None, panels: Panels | None
) -> _CohortGenomics:
    tables = tables_for(sources)
    members = None if criterion is None else cohort_samples(tables, criterion).select(*SAMPLE_KEY)
    cohort = _CohortGenomics(
        tables, members, _panel_assignments(tables), {}, Coverage({s.key: s for s in sources}, panels or {})
    )
    samples = cohort.samples()
    sizes = samples.group_by(["dataset", "panel"]).aggregate(size=samples.count())
    cohort.group_sizes.update(
        {(row["dataset"], row["panel"]): row["size"] for row in engine.execute(sizes).to_pylist()}
    )
    return cohort


def mutation_frequencies(
    sources: Sequence[DatasetSource],
    criterion: Criterion | None,
    *,
    top: int | None = None,
    genes: Sequence[str] | None = None,
    include_silent: bool = False,
    panels: Panels | None = None,
) -> list[GeneFrequency]:
    """Per gene: samples altered / samples profiled, most altered first (then by gene name)."""
    cohort = _cohort_genomics(sources, criterion, panels)
    return _frequencies(cohort, top=top, genes=genes, include_silent=include_silent)


def _frequencies(
    cohort: _CohortGenomics, *, top: int | None, genes: Sequence[str] | None, include_silent: bool
) -> list[GeneFrequency]:
    if include_silent:
        altered = cohort.altered(genes, include_silent=True)
        per_group = altered.group_by(["gene", "dataset", "panel"]).aggregate(
            samples=altered.sample_id.nunique()
        )
    else:  # the mutated pairs are distinct per (sample, gene) already
        pairs = cohort.mutated_pairs(genes)
        per_group = pairs.group_by(["gene", "dataset", "panel"]).aggregate(samples=pairs.count())
    counts: dict[str, int] = defaultdict(int)
    rows = engine.execute(per_group)
    columns = zip(
        *(rows.column(name).to_pylist() for name in ("gene", "dataset", "panel", "samples")), strict=True
    )
    if cohort.profiles_every_gene:
        for gene, _, _, samples in columns:
            counts[gene] += samples
    else:
        for gene, dataset, panel, samples in columns:
            if cohort.coverage.covers((dataset, panel), gene):
                counts[gene] += samples
    names = list(dict.fromkeys(genes)) if genes is not None else list(counts)
    ranked = sorted(names, key=lambda gene: (-counts.get(gene, 0), gene))
    result = []
    for gene in ranked if top is None else ranked[:top]:  # profiled only for the genes returned
        profiled = cohort.profiled(gene)
        altered_samples = counts.get(gene, 0)
        result.append(
            GeneFrequency(gene, altered_samples, profiled, altered_samples / profiled if profiled else 0.0)
        )
    return result


def _label(dataset: str, sample_id: str) -> str:
    return f"{dataset}:{sample_id}"


def _altered_classes(cohort: _CohortGenomics, genes: Sequence[str]) -> dict[tuple[str, str], set[str]]:
    """{(sample label, gene): variant classes} for the covered altered pairs."""
    altered = cohort.altered(genes, include_silent=False).distinct()
    classes: dict[tuple[str, str], set[str]] = defaultdict(set)
    for row in engine.execute(altered).to_pylist():
        if cohort.coverage.covers((row["dataset"], row["panel"]), row["gene"]):
            label = _label(row["dataset"], row["sample_id"])
            classes[(label, row["gene"])].add(row["variant_classification"])
    return classes


def oncoprint(
    sources: Sequence[DatasetSource],
    criterion: Criterion | None,
    *,
    genes: Sequence[str] | None = None,
    top: int = 20,
    panels: Panels | None = None,
) -> Oncoprint:
    """The top (or given) genes across the cohort's samples, samples sorted as an oncoprint sorts them:
    by the alteration pattern over the genes in order (altered first), then by label."""
    cohort = _cohort_genomics(sources, criterion, panels)
    frequencies = _frequencies(cohort, top=None if genes else top, genes=genes, include_silent=False)
    chosen = list(genes) if genes else [item.gene for item in frequencies]
    classes = _altered_classes(cohort, chosen)
    every = engine.execute(cohort.samples()).to_pylist()
    labels = {_label(row["dataset"], row["sample_id"]): (row["dataset"], row["panel"]) for row in every}

    def pattern(label: str) -> tuple[object, ...]:
        return (*(0 if (label, gene) in classes else 1 for gene in chosen), label)

    samples = sorted(labels, key=pattern)
    cells = [
        OncoprintCell(sample, gene, tuple(sorted(classes[(sample, gene)])))
        for sample in samples
        for gene in chosen
        if (sample, gene) in classes
    ]
    not_profiled = [
        (sample, gene)
        for sample in samples
        for gene in chosen
        if not cohort.coverage.covers(labels[sample], gene)
    ]
    return Oncoprint(chosen, samples, cells, frequencies, not_profiled)


def cooccurrence(
    sources: Sequence[DatasetSource],
    criterion: Criterion | None,
    genes: Sequence[str],
    *,
    panels: Panels | None = None,
) -> list[GenePair]:
    """Every pair of the genes: a 2x2 table over the samples profiled for both, Fisher's exact test
    (two-sided), and Benjamini-Hochberg q-values over all pairs."""
    names = list(dict.fromkeys(genes))
    if len(names) < 2:
        return []
    cohort = _cohort_genomics(sources, criterion, panels)
    altered: dict[str, set[str]] = defaultdict(set)  # gene -> sample labels
    groups: dict[str, PanelGroup] = {}
    for row in engine.execute(cohort.mutated_pairs(names)).to_pylist():
        group = (row["dataset"], row["panel"])
        if cohort.coverage.covers(group, row["gene"]):
            label = _label(row["dataset"], row["sample_id"])
            altered[row["gene"]].add(label)
            groups[label] = group
    tables = []
    for gene_a, gene_b in combinations(names, 2):
        covering = [
            g
            for g in cohort.group_sizes
            if cohort.coverage.covers(g, gene_a) and cohort.coverage.covers(g, gene_b)
        ]
        total = sum(cohort.group_sizes[g] for g in covering)
        in_scope = {label for label, group in groups.items() if group in covering}
        a, b = altered[gene_a] & in_scope, altered[gene_b] & in_scope
        both = len(a & b)
        tables.append((gene_a, gene_b, both, len(a) - both, len(b) - both, total - len(a | b)))
    p_values = []
    odds_ratios = []
    for _, _, both, a_only, b_only, neither in tables:
        result = stats.fisher_exact([[both, a_only], [b_only, neither]], alternative="two-sided")
        odds_ratios.append(float(result.statistic))
        p_values.append(float(result.pvalue))
    q_values = stats.false_discovery_control(p_values, method="bh")
    return [
        GenePair(
            gene_a, gene_b, both, a_only, b_only, neither, odds_ratio, p_value, float(q_value),
            pair_relation(odds_ratio),
        )
        for (gene_a, gene_b, both, a_only, b_only, neither), odds_ratio, p_value, q_value in zip(
            tables, odds_ratios, p_values, q_values, strict=True
        )
    ]  # fmt: skip


def pair_relation(odds_ratio: float) -> Relation:
    """The direction of association the odds ratio shows. A zero cell gives 0 (exclusivity) or infinity
    (co-occurrence); two zero cells can give 0/0, NaN, which shows no direction at all."""
    if math.isnan(odds_ratio):
        return "undetermined"
    if odds_ratio > 1:
        return "co-occurrence"
    if odds_ratio < 1:
        return "mutual exclusivity"
    return "no association"


def profiled_patients(
    sources: Sequence[DatasetSource],
    tables: Tables,
    cohort: ir.Table,
    gene: str,
    panels: Panels | None,
) -> ir.Table:
    """The cohort's patients with at least one sample profiled for the gene (all of them, patients without
    samples included, when every source profiles every gene)."""
    assignments = _panel_assignments(tables) if panels else None
    if assignments is None and all(source.panel_genes is None for source in sources):
        return cohort
    coverage = Coverage({source.key: source for source in sources}, panels or {})
    samples = _with_panels(tables.sample_map.semi_join(cohort, PATIENT_KEY), assignments)
    groups = engine.execute(samples.select("dataset", "panel").distinct()).to_pylist()
    covering = [
        (row["dataset"], row["panel"])
        for row in groups
        if coverage.covers((row["dataset"], row["panel"]), gene)
    ]
    if not covering:
        return cohort.limit(0)
    conditions = [
        (samples.dataset == dataset) & (samples.panel.isnull() if panel is None else samples.panel == panel)
        for dataset, panel in covering
    ]
    profiled = samples.filter(functools.reduce(operator.or_, conditions))
    return cohort.semi_join(profiled, PATIENT_KEY)
