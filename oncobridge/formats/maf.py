"""Streaming MAF reader: TCGA/GDC and maftools MAFs and cBioPortal mutation files -> the mutations table.

Columns are found by name (case-insensitive, with the aliases different producers use), read as strings by
pyarrow's C++ CSV reader, and validated with vectorised compute (no per-row Python on the happy path), so a
million-row MAF streams in seconds. Every problem is collected; FormatError is raised after the last batch.
Batches are yielded only while the file is still clean, so a consumer writing a new dataset version never
sees rows from a file that will be refused (it must still discard what it wrote when FormatError comes).
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

import pyarrow as pa
import pyarrow.compute as pc

from oncobridge.formats import tables
from oncobridge.formats._arrow import first_positions, map_distinct, not_in, parse_integers, row_indices
from oncobridge.formats._tsv import TsvBatches, find_columns
from oncobridge.formats.gene_names import GeneResolver, UnknownGenes
from oncobridge.formats.mutation_terms import (
    VARIANT_CLASSIFICATIONS,
    VARIANT_TYPES,
    normalise_build,
    normalise_chromosome,
    protein_change,
)
from oncobridge.formats.problems import DEFAULT_LIMIT, Problem, Problems
from oncobridge.vocab.genes import GeneVocabulary

# Our name -> the names producers use for it, preferred first.
REQUIRED_COLUMNS: dict[str, tuple[str, ...]] = {
    "gene": ("Hugo_Symbol",),
    "sample_id": ("Tumor_Sample_Barcode",),
    "chromosome": ("Chromosome",),
    "start": ("Start_Position", "Start_position"),
    "end": ("End_Position", "End_position"),
    "reference_allele": ("Reference_Allele",),
    "tumor_seq_allele2": ("Tumor_Seq_Allele2",),
    "variant_classification": ("Variant_Classification",),
    "variant_type": ("Variant_Type",),
}
OPTIONAL_COLUMNS: dict[str, tuple[str, ...]] = {
    "entrez_id": ("Entrez_Gene_Id",),
    # maftools examples use amino_acid_change / Protein_Change, GDC and cBioPortal HGVSp_Short.
    "hgvsp_short": ("HGVSp_Short", "Protein_Change", "amino_acid_change", "AAChange"),
    "t_alt_count": ("t_alt_count",),
    "t_ref_count": ("t_ref_count",),
    "ncbi_build": ("NCBI_Build",),
}


@dataclass
class MutationRead:
    """A whole file's harmonised mutations, with the warnings that did not refuse it."""

    table: pa.Table
    warnings: list[Problem]
    sample_ids: set[str]
    unknown_genes: dict[str, int]
    blank_genes: int


@dataclass
class MafReader:
    """Iterate `batches()` for harmonised RecordBatches; FormatError comes after the last one."""

    path: Path
    genes: GeneVocabulary
    unknown_genes: UnknownGenes = "warn"
    ncbi_build: str | None = None  # for files without NCBI_Build (maftools' brca.maf is GRCh37)
    problem_limit: int = DEFAULT_LIMIT
    # Sample ids of the dataset's clinical data: a mutation for any other sample is refused.
    known_samples: frozenset[str] | None = None
    sample_ids: set[str] = field(default_factory=set)
    rows: int = 0
    unplaced: int = 0

    def __post_init__(self) -> None:
        self.path = Path(self.path)
        self.problems = Problems(self.path.name, self.problem_limit)
        self.resolver = GeneResolver(self.genes)
        self._tsv = TsvBatches(self.path, self.problems)
        self._reported_strangers: set[str] = set()

    @property
    def warnings(self) -> list[Problem]:
        return self.problems.warnings

    def batches(self) -> Iterator[pa.RecordBatch]:
        default_build = None
        if self.ncbi_build is not None:
            default_build = normalise_build(self.ncbi_build)
            if default_build is None:
                self.problems.add(None, "NCBI_Build", f"{self.ncbi_build!r} is not GRCh37 or GRCh38")
        preamble = self._tsv.open()
        if preamble is None:
            self.problems.raise_if_any()
            return
        columns = find_columns(preamble.header, {**REQUIRED_COLUMNS, **OPTIONAL_COLUMNS})
        missing = [aliases[0] for ours, aliases in REQUIRED_COLUMNS.items() if ours not in columns]
        if missing:
            self.problems.add(preamble.header_line, None, f"missing required columns: {', '.join(missing)}")
            self.problems.raise_if_any()
        self._source = columns  # our name -> the file's column name, for messages
        for offset, batch in self._tsv.batches([columns[name] for name in columns]):
            renamed = pa.RecordBatch.from_arrays(batch.columns, names=list(columns))
            harmonised = self._harmonise(offset, renamed, default_build)
            if not self.problems and not self._tsv._pending and harmonised.num_rows:
                yield harmonised
        self._tsv.finish()
        self._summarise_genes()
        self.problems.raise_if_any()

    def _problem_rows(self, offset: int, mask: pa.Array, ours: str, message: str, values: pa.Array) -> None:
        for index in row_indices(mask):
            value = values[index].as_py()
            self._tsv.row_problem(offset + index, self._source[ours], message.format(value=value))

    def _harmonise(self, offset: int, batch: pa.RecordBatch, default_build: str | None) -> pa.RecordBatch:
        col = {name: batch.column(name) for name in batch.schema.names}
        # Blank lines arrive as rows with every column empty: skip them, they are harmless.
        filled = pc.is_valid(batch.column(0))
        for array in batch.columns[1:]:
            filled = pc.or_(filled, pc.is_valid(array))
        for ours in ("sample_id", "chromosome", "variant_classification", "variant_type"):
            empty = pc.and_(filled, pc.is_null(col[ours]))
            self._problem_rows(offset, empty, ours, "is empty", col[ours])
        # maftools' APL data has FLT3 ITDs with NA positions: real calls whose position was not resolved.
        # They are kept (they count in gene-level frequencies) and counted in a warning.
        unplaced = pc.and_(filled, pc.or_(pc.is_null(col["start"]), pc.is_null(col["end"])))
        self.unplaced += pc.sum(pc.cast(unplaced, pa.int64())).as_py() or 0

        chromosome = map_distinct(col["chromosome"], normalise_chromosome)
        bad = pc.and_(pc.is_valid(col["chromosome"]), pc.is_null(chromosome))
        self._problem_rows(offset, bad, "chromosome", "{value!r} is not a chromosome", col["chromosome"])

        start, bad_start = parse_integers(col["start"])
        self._problem_rows(offset, bad_start, "start", "{value!r} is not an integer position", col["start"])
        end, bad_end = parse_integers(col["end"])
        self._problem_rows(offset, bad_end, "end", "{value!r} is not an integer position", col["end"])
        self._problem_rows(offset, pc.less(start, 1), "start", "position {value} is below 1", col["start"])
        # Insertions may have end = start - 1 (or start + 1); anything else ending before it starts is wrong.
        backwards = pc.less(end, pc.subtract(start, 1))
        self._problem_rows(
            offset, backwards, "end", "End_Position {value} is before Start_Position", col["end"]
        )

        vc = col["variant_classification"]
        self._problem_rows(
            offset,
            not_in(vc, VARIANT_CLASSIFICATIONS),
            "variant_classification",
            "{value!r} is not a known Variant_Classification",
            vc,
        )
        vt = col["variant_type"]
        self._problem_rows(
            offset, not_in(vt, VARIANT_TYPES), "variant_type", "{value!r} is not a known Variant_Type", vt
        )

        if "ncbi_build" in col:
            build = map_distinct(col["ncbi_build"], normalise_build)
            bad = pc.and_(pc.is_valid(col["ncbi_build"]), pc.is_null(build))
            self._problem_rows(
                offset, bad, "ncbi_build", "{value!r} is not GRCh37 or GRCh38", col["ncbi_build"]
            )
            if default_build is not None:
                build = pc.fill_null(build, default_build)
        else:
            build = pa.array([default_build] * batch.num_rows, pa.string())

        counts: dict[str, pa.Array] = {}
        for ours in ("t_alt_count", "t_ref_count"):
            if ours in col:
                counts[ours], bad = parse_integers(col[ours])
                self._problem_rows(offset, bad, ours, "{value!r} is not an integer read count", col[ours])
            else:
                counts[ours] = pa.nulls(batch.num_rows, pa.int64())

        entrez = None
        if "entrez_id" in col:
            entrez, bad = parse_integers(col["entrez_id"])
            self._problem_rows(
                offset, bad, "entrez_id", "{value!r} is not an Entrez gene id", col["entrez_id"]
            )
        submitted = col["gene"]
        symbols, entrez_ids, statuses = self.resolver.resolve_array(submitted, entrez)
        self._check_genes(offset, submitted, statuses, filled)

        if "hgvsp_short" in col:
            hgvsp = map_distinct(col["hgvsp_short"], protein_change)
        else:
            hgvsp = pa.nulls(batch.num_rows, pa.string())

        if self.known_samples is not None:
            strangers = not_in(col["sample_id"], self.known_samples)
            if pc.any(strangers).as_py():
                positions = row_indices(strangers)
                names = col["sample_id"].take(pa.array(positions, pa.int64()))
                for name, first in first_positions(names).items():
                    if name not in self._reported_strangers:
                        self._reported_strangers.add(name)
                        self._tsv.row_problem(
                            offset + positions[first],
                            self._source["sample_id"],
                            f"{name!r} is not a sample in the dataset's clinical data",
                        )
        samples = pc.unique(col["sample_id"]).drop_null()
        self.sample_ids.update(samples.to_pylist())
        result = pa.RecordBatch.from_arrays(
            [
                col["sample_id"],
                symbols,
                submitted,
                entrez_ids,
                chromosome,
                start,
                end,
                col["reference_allele"],
                col["tumor_seq_allele2"],
                vc,
                vt,
                hgvsp,
                counts["t_alt_count"],
                counts["t_ref_count"],
                build,
            ],
            schema=tables.MUTATIONS,
        )
        result = result.filter(filled)
        self.rows += result.num_rows
        return result

    def _check_genes(self, offset: int, submitted: pa.Array, statuses: pa.Array, filled: pa.Array) -> None:
        malformed = pc.equal(statuses, "malformed")
        self._problem_rows(offset, malformed, "gene", "{value!r} cannot be a gene symbol", submitted)
        unknown = pc.fill_null(pc.equal(statuses, "unknown"), False)
        if self.unknown_genes == "error":
            self._problem_rows(offset, unknown, "gene", "{value!r} is not a known gene symbol", submitted)
        elif pc.any(unknown).as_py():
            positions = row_indices(unknown)
            names = submitted.take(pa.array(positions, pa.int64()))
            counts = pc.value_counts(names)
            firsts = first_positions(names)
            for item in counts.to_pylist():
                name, count = item["values"], item["counts"]
                self.resolver.unknown[name] += count
                self.resolver.first_unknown_row.setdefault(name, offset + positions[firsts[name]])
        blank = pc.and_(filled, pc.equal(statuses, "blank"))
        self.resolver.blank += pc.sum(pc.cast(blank, pa.int64())).as_py() or 0

    def _summarise_genes(self) -> None:
        if self.unplaced:
            self.problems.warn(
                None,
                self._source["start"],
                f"{self.unplaced} rows have no position; kept without one",
                kind="no position",
            )
        field_name = self._source["gene"] if hasattr(self, "_source") else "Hugo_Symbol"
        if self.resolver.blank:
            self.problems.warn(
                None,
                field_name,
                f"{self.resolver.blank} rows have no gene symbol; kept with an empty gene",
                kind="blank gene",
            )
        for name, count in self.resolver.unknown.most_common():
            line = self._tsv.line_of(self.resolver.first_unknown_row[name])
            self.problems.warn(
                line,
                field_name,
                f"{name!r} is not a known gene symbol ({count} rows; kept with an empty gene)",
                kind="unknown gene",
            )


def read_maf(
    path: Path | str,
    *,
    genes: GeneVocabulary,
    unknown_genes: UnknownGenes = "warn",
    ncbi_build: str | None = None,
    known_samples: frozenset[str] | None = None,
) -> MutationRead:
    """Read a whole MAF into one table (raises FormatError listing every problem)."""
    reader = MafReader(
        Path(path), genes, unknown_genes=unknown_genes, ncbi_build=ncbi_build, known_samples=known_samples
    )
    table = pa.Table.from_batches(list(reader.batches()), schema=tables.MUTATIONS)
    return MutationRead(
        table=table,
        warnings=reader.warnings,
        sample_ids=reader.sample_ids,
        unknown_genes=dict(reader.resolver.unknown),
        blank_genes=reader.resolver.blank,
    )
