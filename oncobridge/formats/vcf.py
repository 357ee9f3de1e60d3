"""VCF 4.x (plain or gzipped), germline or somatic, with SnpEff ANN or VEP CSQ annotations -> mutations.

Own parser rather than a library (why): vcfpy stops at the first malformed record and pysam/cyvcf2 bring
compiled htslib and likewise report one error; an import must list every problem with its line and field,
and VCF's text layout is simple enough to check exactly here. Rows follow vcf2maf's conventions: one row per
(alternate allele, sample carrying it), positions and alleles in MAF style ("-" for the missing side of an
indel), the most severe annotated consequence mapped to a MAF Variant_Classification.
"""

from __future__ import annotations

import re
import zlib
from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Literal

import pyarrow as pa

from oncobridge.formats import tables
from oncobridge.formats._text import open_text
from oncobridge.formats.gene_names import GeneResolver
from oncobridge.formats.maf import MutationRead
from oncobridge.formats.mutation_terms import (
    SO_SEVERITY,
    classification_for,
    most_severe,
    normalise_build,
    normalise_chromosome,
    short_protein_change,
    variant_type,
)
from oncobridge.formats.problems import Problem, Problems
from oncobridge.vocab.genes import GeneVocabulary

FIXED = ["#CHROM", "POS", "ID", "REF", "ALT", "QUAL", "FILTER", "INFO"]
_BASES = re.compile(r"^[ACGTNacgtn]+$")
_ALT = re.compile(r"^([ACGTNacgtn]+|\*|<[^>]+>|.*[\[\]].*|\.)$")
_FORMAT_IN_DESCRIPTION = re.compile(r"Format:\s*([^\"]+)")
_ASSEMBLY = re.compile(r"(GRCh3[78]|hg19|hg38|b37)", re.IGNORECASE)
# SnpEff's ANN layout is fixed by its specification.
ANN_FIELDS = [
    "Allele",
    "Annotation",
    "Annotation_Impact",
    "Gene_Name",
    "Gene_ID",
    "Feature_Type",
    "Feature_ID",
    "Transcript_BioType",
    "Rank",
    "HGVS.c",
    "HGVS.p",
]
BATCH_ROWS = 50_000
Origin = Literal["somatic", "germline"]  # somatic, the default, first


@dataclass
class _Annotation:
    allele: str
    consequences: list[str]
    gene: str | None
    hgvsp: str | None


@dataclass
class VcfReader:
    """Iterate `batches()` for harmonised RecordBatches; FormatError after the last if anything was wrong."""

    path: Path
    genes: GeneVocabulary
    origin: Origin = "somatic"
    tumor_sample: str | None = None  # somatic VCFs with TUMOR and NORMAL columns: which one is the tumour
    sites_only_sample: str | None = None  # a VCF without sample columns needs a sample id from the caller
    ncbi_build: str | None = None
    pass_only: bool = True
    # The dataset's samples: a sample column read as mutations must be one of them (None: no clinical data).
    known_samples: frozenset[str] | None = None
    problems: Problems = field(init=False)
    sample_ids: set[str] = field(default_factory=set)
    rows: int = 0
    _csq_fields: list[str] | None = None
    _read_samples: frozenset[str] = frozenset()  # the sample columns whose calls become rows
    _skipped_filter: int = 0
    _unannotated: int = 0

    def __post_init__(self) -> None:
        self.path = Path(self.path)
        self.problems = Problems(self.path.name)
        self.resolver = GeneResolver(self.genes)

    @property
    def warnings(self) -> list[Problem]:
        return self.problems.warnings

    def batches(self) -> Iterator[pa.RecordBatch]:
        rows: list[dict[str, object]] = []
        samples: list[str] = []
        header_seen = False
        build = normalise_build(self.ncbi_build) if self.ncbi_build else None
        info_ids: set[str] = set()
        try:
            with open_text(self.path) as handle:
                for number, raw in enumerate(handle, start=1):
                    text = raw.rstrip("\n")
                    if number == 1 and not text.startswith("##fileformat=VCFv4"):
                        self.problems.add(1, "fileformat", "the first line must be ##fileformat=VCFv4.x")
                    if text.startswith("##"):
                        info_ids |= self._meta(text)
                        if build is None and (text.startswith("##reference") or text.startswith("##contig")):
                            match = _ASSEMBLY.search(text)
                            build = normalise_build(match.group(1)) if match else None
                        continue
                    if text.startswith("#"):
                        samples = self._header(number, text)
                        header_seen = True
                        continue
                    if not text.strip():
                        continue
                    if not header_seen:
                        self.problems.add(number, None, "data line before the #CHROM header line")
                        header_seen = True
                    rows.extend(self._record(number, text, samples, build, info_ids))
                    if len(rows) >= BATCH_ROWS:
                        if not self.problems:
                            yield tables.table_from_rows(tables.MUTATIONS, rows).to_batches()[0]
                        rows = []
        except (OSError, EOFError, zlib.error) as exc:
            self.problems.add(None, None, f"the file is truncated or unreadable: {exc}")
        if not header_seen:
            self.problems.add(None, None, "the file has no #CHROM header line")
        if rows and not self.problems:
            yield from tables.table_from_rows(tables.MUTATIONS, rows).to_batches()
        self._summarise()
        self.problems.raise_if_any()

    def _meta(self, text: str) -> set[str]:
        # Mutect2 names the tumour column of a tumour/normal pair; the normal's genotypes are not mutations.
        if text.startswith("##tumor_sample=") and self.origin == "somatic" and self.tumor_sample is None:
            self.tumor_sample = text.partition("=")[2].strip() or None
        if text.startswith("##INFO=<ID=CSQ,"):
            match = _FORMAT_IN_DESCRIPTION.search(text)
            if match:
                self._csq_fields = [name.strip() for name in match.group(1).split("|")]
        match = re.match(r"##INFO=<ID=([^,>]+)", text)
        return {match.group(1)} if match else set()

    def _header(self, number: int, text: str) -> list[str]:
        columns = text.split("\t")
        if columns[:8] != FIXED:
            self.problems.add(number, None, f"the header line must start with {' '.join(FIXED)}")
            return []
        if len(columns) > 8 and columns[8] != "FORMAT":
            self.problems.add(number, "FORMAT", "the ninth column must be FORMAT when samples follow")
        samples = columns[9:]
        if len(set(samples)) != len(samples):
            self.problems.add(number, None, "duplicate sample columns")
        if self.tumor_sample is not None and self.tumor_sample not in samples:
            self.problems.add(number, None, f"tumour sample {self.tumor_sample!r} is not a sample column")
        if not samples and self.sites_only_sample is None:
            self.problems.add(
                number, None, "a VCF without sample columns needs a sample id (sites_only_sample)"
            )
        read = self._samples_read(samples)
        self._read_samples = frozenset(read)
        if self.known_samples is not None:
            for sample in read:
                if sample not in self.known_samples:
                    self.problems.add(
                        number, "sample", f"{sample!r} is not a sample in the dataset's clinical data"
                    )
        return samples

    def _samples_read(self, columns: list[str]) -> list[str]:
        """The samples whose calls become rows: every column, or the tumour's alone in a somatic pair."""
        if not columns:
            return [self.sites_only_sample] if self.sites_only_sample is not None else []
        if self.origin == "somatic" and self.tumor_sample is not None:
            return [self.tumor_sample] if self.tumor_sample in columns else []
        return columns

    def _record(
        self, number: int, text: str, samples: list[str], build: str | None, info_ids: set[str]
    ) -> list[dict[str, object]]:
        fields = text.split("\t")
        expected = 8 + (1 + len(samples) if samples else 0)
        if len(fields) != expected:
            self.problems.add(number, None, f"expected {expected} tab-separated fields, found {len(fields)}")
            return []
        chrom, pos_text, _id, ref, alt_text, qual, filters, info_text = fields[:8]
        chromosome = normalise_chromosome(chrom)
        ok = True
        if chromosome is None:
            self.problems.add(number, "CHROM", f"{chrom!r} is not a chromosome")
            ok = False
        if not pos_text.isdigit() or int(pos_text) < 1:
            self.problems.add(number, "POS", f"{pos_text!r} is not a positive integer position")
            ok = False
        if not _BASES.match(ref):
            self.problems.add(number, "REF", f"{ref!r} is not a sequence of A, C, G, T, N")
            ok = False
        alts = alt_text.split(",")
        for alt in alts:
            if not _ALT.match(alt):
                self.problems.add(number, "ALT", f"{alt!r} is not an allele")
                ok = False
        if qual != "." and not re.fullmatch(r"[+-]?(\d+(\.\d*)?|\.\d+)([eE][+-]?\d+)?", qual):
            self.problems.add(number, "QUAL", f"{qual!r} is not a number or '.'")
        info = self._info(number, info_text)
        if not ok:
            return []
        if self.pass_only and filters not in {"PASS", "."}:
            self._skipped_filter += 1
            return []
        annotations = self._annotations(number, info)
        carriers = self._carriers(number, fields[8:], samples, len(alts))
        position = int(pos_text)
        found: list[dict[str, object]] = []
        for allele_index, alt in enumerate(alts, start=1):
            if not _BASES.match(alt):
                continue  # symbolic alleles, breakends, "*": structural calls, not rows of this table
            start, end, maf_ref, maf_alt = _maf_coordinates(position, ref.upper(), alt.upper())
            kind = variant_type(ref.upper(), alt.upper())
            annotation = _for_allele(annotations, ref, alt)
            if annotation is None:
                self._unannotated += 1
            term = most_severe(annotation.consequences) if annotation else None
            submitted = annotation.gene if annotation else None
            resolved = self.resolver.resolve(submitted)
            if resolved.status == "unknown" and submitted:
                self.resolver.note_unknown(submitted, number)
            for sample_id, alt_count, ref_count in carriers.get(allele_index, []):
                self.sample_ids.add(sample_id)
                found.append(
                    {
                        "sample_id": sample_id,
                        "gene": resolved.symbol,
                        "submitted_gene": submitted,
                        "entrez_id": resolved.entrez_id,
                        "chromosome": chromosome,
                        "start": start,
                        "end": end,
                        "reference_allele": maf_ref,
                        "tumor_seq_allele2": maf_alt,
                        "variant_classification": classification_for(term, kind) if term else None,
                        "variant_type": kind,
                        "hgvsp_short": short_protein_change(annotation.hgvsp) if annotation else None,
                        "t_alt_count": alt_count,
                        "t_ref_count": ref_count,
                        "ncbi_build": build,
                    }
                )
        self.rows += len(found)
        return found

    def _info(self, number: int, text: str) -> dict[str, str]:
        info: dict[str, str] = {}
        if text == ".":
            return info
        for item in text.split(";"):
            key, _, value = item.partition("=")
            if not key or " " in key:
                self.problems.add(number, "INFO", f"{item!r} is not KEY=VALUE or a flag")
                continue
            info[key] = value
        return info

    def _annotations(self, number: int, info: dict[str, str]) -> list[_Annotation]:
        found: list[_Annotation] = []
        if "ANN" in info:
            for entry in info["ANN"].split(","):
                parts = entry.split("|")
                if len(parts) < len(ANN_FIELDS):
                    self.problems.add(
                        number, "ANN", f"{entry[:60]!r} has fewer than {len(ANN_FIELDS)} fields"
                    )
                    continue
                found.append(_Annotation(parts[0], parts[1].split("&"), parts[3] or None, parts[10] or None))
        if "CSQ" in info:
            if self._csq_fields is None:
                self.problems.add(
                    number,
                    "CSQ",
                    "the header does not declare the CSQ format (##INFO=<ID=CSQ,...Format: ...>)",
                )
                return found
            index = {name: position for position, name in enumerate(self._csq_fields)}
            for entry in info["CSQ"].split(","):
                parts = entry.split("|")
                if len(parts) != len(self._csq_fields):
                    self.problems.add(
                        number,
                        "CSQ",
                        f"{entry[:60]!r} has {len(parts)} fields, "
                        f"the header declares {len(self._csq_fields)}",
                    )
                    continue

                def get(name: str, parts: list[str] = parts) -> str | None:
                    position = index.get(name)
                    return parts[position] or None if position is not None else None

                found.append(
                    _Annotation(
                        get("Allele") or "",
                        (get("Consequence") or "").split("&"),
                        get("SYMBOL"),
                        get("HGVSp"),
                    )
                )
        return found

    def _carriers(
        self, number: int, sample_fields: list[str], samples: list[str], alt_count: int
    ) -> dict[int, list[tuple[str, int | None, int | None]]]:
        """allele index -> [(sample, alt reads, ref reads)] for the samples that carry it."""
        carriers: dict[int, list[tuple[str, int | None, int | None]]] = {}
        if not samples:
            if self.sites_only_sample is not None:
                for allele in range(1, alt_count + 1):
                    carriers[allele] = [(self.sites_only_sample, None, None)]
            return carriers
        keys = sample_fields[0].split(":")
        for sample, value in zip(samples, sample_fields[1:], strict=True):
            if sample not in self._read_samples:
                continue
            data = dict(zip(keys, value.split(":"), strict=False))
            depths = _integers(data.get("AD", ""))
            if "GT" in data:
                alleles = re.split(r"[/|]", data["GT"])
                if not all(allele == "." or allele.isdigit() for allele in alleles):
                    self.problems.add(number, f"{sample}:GT", f"{data['GT']!r} is not a genotype")
                    continue
                carried = {int(allele) for allele in alleles if allele.isdigit() and int(allele) > 0}
            else:
                carried = {index for index, depth in enumerate(depths) if index > 0 and depth}
            for allele in sorted(carried):
                if allele > alt_count:
                    self.problems.add(
                        number, f"{sample}:GT", f"allele {allele} but only {alt_count} ALT alleles"
                    )
                    continue
                alt_reads = depths[allele] if len(depths) > allele else None
                ref_reads = depths[0] if depths else None
                carriers.setdefault(allele, []).append((sample, alt_reads, ref_reads))
        return carriers

    def _summarise(self) -> None:
        if self._skipped_filter:
            self.problems.warn(
                None, "FILTER", f"{self._skipped_filter} records not PASS were skipped", kind="filtered"
            )
        if self._unannotated:
            self.problems.warn(
                None, "INFO", f"{self._unannotated} alleles have no ANN/CSQ annotation", kind="unannotated"
            )
        for name, count in self.resolver.unknown.most_common():
            self.problems.warn(
                self.resolver.first_unknown_row[name],
                "INFO",
                f"{name!r} is not a known gene symbol ({count} records)",
                kind="unknown gene",
            )


def _integers(text: str) -> list[int]:
    return [int(value) if value.isdigit() else 0 for value in text.split(",")] if text and text != "." else []


def _maf_coordinates(position: int, ref: str, alt: str) -> tuple[int, int, str, str]:
    """vcf2maf: drop the shared padding base of indels, "-" for the empty side, MAF start/end."""
    if len(ref) == len(alt):
        return position, position + len(ref) - 1, ref, alt
    if ref[0] == alt[0]:
        ref, alt, position = ref[1:], alt[1:], position + 1
    if not ref:  # insertion: between position - 1 and position
        return position - 1, position, "-", alt
    return position, position + len(ref) - 1, ref, alt or "-"


def _for_allele(annotations: list[_Annotation], ref: str, alt: str) -> _Annotation | None:
    """The annotation for this allele, merging consequences of all transcripts; VEP trims indel alleles."""
    trimmed = (alt[1:] or "-") if len(ref) != len(alt) and ref[:1] == alt[:1] else alt
    mine = [item for item in annotations if item.allele in {alt, trimmed}]
    if not mine:
        return None
    severest = min(mine, key=lambda item: _rank(item.consequences))
    return _Annotation(
        alt, [term for item in mine for term in item.consequences], severest.gene, severest.hgvsp
    )


def _rank(terms: list[str]) -> int:
    return min((SO_SEVERITY.get(term, len(SO_SEVERITY)) for term in terms), default=len(SO_SEVERITY))


def read_vcf(
    path: Path | str,
    *,
    genes: GeneVocabulary,
    origin: Origin = "somatic",
    tumor_sample: str | None = None,
    sites_only_sample: str | None = None,
    ncbi_build: str | None = None,
    sample_names: Mapping[str, str] | None = None,
    known_samples: frozenset[str] | None = None,
) -> MutationRead:
    """Read a whole VCF into one mutations table (FormatError lists every problem).

    `sample_names` renames sample columns; `known_samples` holds the names after renaming.
    """
    if known_samples is not None and sample_names:
        renamed_known = {column for column, name in sample_names.items() if name in known_samples}
        known_samples = (known_samples - sample_names.keys()) | renamed_known
    reader = VcfReader(
        Path(path),
        genes,
        origin=origin,
        tumor_sample=tumor_sample,
        sites_only_sample=sites_only_sample,
        ncbi_build=ncbi_build,
        known_samples=known_samples,
    )
    table = pa.Table.from_batches(list(reader.batches()), schema=tables.MUTATIONS)
    if sample_names:
        renamed = [sample_names.get(value, value) for value in table["sample_id"].to_pylist()]
        table = table.set_column(0, tables.MUTATIONS.field("sample_id"), pa.array(renamed, pa.string()))
    return MutationRead(table, reader.warnings, reader.sample_ids, dict(reader.resolver.unknown), 0)
