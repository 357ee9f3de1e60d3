"""ICGC simple somatic mutation files (simple_somatic_mutation.open.*.tsv.gz) -> the mutations table.

What maps honestly: one ICGC row per (mutation, transcript) becomes one row per (mutation, sample), keeping
the most severe consequence (Ensembl's ranking) and its amino-acid change, as vcf2maf does; consequence_type
(SO terms) -> MAF Variant_Classification; mutation_type -> Variant_Type; mutant_allele_read_count ->
t_alt_count, total - mutant -> t_ref_count. What does not: gene_affected holds Ensembl gene ids and the
gene vocabulary has no Ensembl map, so `gene` stays empty unless the caller passes one (`ensembl_genes`);
the Ensembl id is kept in `submitted_gene` and a warning counts the unmapped ids.
"""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path

import pyarrow as pa
import pyarrow.compute as pc

from oncobridge.formats import tables
from oncobridge.formats._arrow import map_distinct, parse_integers, row_indices
from oncobridge.formats._tsv import TsvBatches, find_columns
from oncobridge.formats.gene_names import GeneResolver
from oncobridge.formats.maf import MutationRead
from oncobridge.formats.mutation_terms import (
    SO_SEVERITY,
    classification_for,
    normalise_build,
    normalise_chromosome,
    protein_change,
)
from oncobridge.formats.problems import Problems
from oncobridge.vocab.genes import GeneVocabulary

COLUMNS = (
    "icgc_mutation_id",
    "icgc_donor_id",
    "icgc_sample_id",
    "chromosome",
    "chromosome_start",
    "chromosome_end",
    "assembly_version",
    "mutation_type",
    "reference_genome_allele",
    "mutated_to_allele",
    "total_read_count",
    "mutant_allele_read_count",
    "consequence_type",
    "aa_mutation",
    "gene_affected",
)
MUTATION_TYPES = {
    "single base substitution": "SNP",
    "insertion of <=200bp": "INS",
    "deletion of <=200bp": "DEL",
    "multiple base substitution (>=2bp and <=200bp)": "ONP",
}
_UNRANKED = len(SO_SEVERITY)


def read_icgc_ssm(
    path: Path | str, *, genes: GeneVocabulary, ensembl_genes: Mapping[str, str] | None = None
) -> tuple[MutationRead, pa.Table]:
    """(harmonised mutations, samples table of icgc_sample_id -> icgc_donor_id); FormatError on problems."""
    path = Path(path)
    problems = Problems(path.name)
    tsv = TsvBatches(path, problems)
    preamble = tsv.open()
    if preamble is None:
        problems.raise_if_any()
        raise AssertionError("unreachable")  # pragma: no cover
    found = find_columns(preamble.header, {name: (name,) for name in COLUMNS})
    missing = [name for name in COLUMNS if name not in found]
    if missing:
        problems.add(preamble.header_line, None, f"missing required columns: {', '.join(missing)}")
        problems.raise_if_any()

    parts: list[pa.Table] = []
    for offset, batch in tsv.batches([found[name] for name in COLUMNS]):
        col = dict(zip(COLUMNS, batch.columns, strict=True))
        for name in ("icgc_mutation_id", "icgc_sample_id", "chromosome", "chromosome_start", "mutation_type"):
            for index in row_indices(pc.is_null(col[name])):
                tsv.row_problem(offset + index, name, "is empty")
        chromosome = map_distinct(col["chromosome"], normalise_chromosome)
        for index in row_indices(pc.and_(pc.is_valid(col["chromosome"]), pc.is_null(chromosome))):
            tsv.row_problem(
                offset + index, "chromosome", f"{col['chromosome'][index].as_py()!r} is not a chromosome"
            )
        positions = {}
        for name in ("chromosome_start", "chromosome_end", "total_read_count", "mutant_allele_read_count"):
            positions[name], bad = parse_integers(col[name])
            for index in row_indices(bad):
                tsv.row_problem(offset + index, name, f"{col[name][index].as_py()!r} is not an integer")
        variant_kind = map_distinct(col["mutation_type"], MUTATION_TYPES.get)
        for index in row_indices(pc.and_(pc.is_valid(col["mutation_type"]), pc.is_null(variant_kind))):
            tsv.row_problem(
                offset + index,
                "mutation_type",
                f"{col['mutation_type'][index].as_py()!r} is not an ICGC mutation type",
            )
        build = map_distinct(col["assembly_version"], normalise_build)
        for index in row_indices(pc.and_(pc.is_valid(col["assembly_version"]), pc.is_null(build))):
            tsv.row_problem(
                offset + index,
                "assembly_version",
                f"{col['assembly_version'][index].as_py()!r} is not GRCh37 or GRCh38",
            )
        rank = map_distinct(col["consequence_type"], lambda term: str(SO_SEVERITY.get(term, _UNRANKED)))
        parts.append(
            pa.table(
                {
                    "mutation": col["icgc_mutation_id"],
                    "sample_id": col["icgc_sample_id"],
                    "donor_id": col["icgc_donor_id"],
                    "rank": pc.cast(pc.fill_null(rank, str(_UNRANKED)), pa.int32()),
                    "consequence": col["consequence_type"],
                    "gene": col["gene_affected"],
                    "chromosome": chromosome,
                    "start": positions["chromosome_start"],
                    "end": positions["chromosome_end"],
                    "ref": col["reference_genome_allele"],
                    "alt": col["mutated_to_allele"],
                    "variant_type": variant_kind,
                    "aa": col["aa_mutation"],
                    "total": positions["total_read_count"],
                    "alt_count": positions["mutant_allele_read_count"],
                    "build": build,
                }
            )
        )
    tsv.finish()
    problems.raise_if_any()

    rows = pa.concat_tables(parts) if parts else None
    if rows is None or rows.num_rows == 0:
        return MutationRead(tables.empty(tables.MUTATIONS), problems.warnings, set(), {}, 0), tables.empty(
            tables.SAMPLES
        )
    # Most severe consequence per (mutation, sample): sort, then keep the first row of each key.
    rows = rows.sort_by([("mutation", "ascending"), ("sample_id", "ascending"), ("rank", "ascending")])
    key = pc.binary_join_element_wise(rows["mutation"], rows["sample_id"], "\x1f")
    first = pc.not_equal(key, pa.concat_arrays([pa.array([None], pa.string()), key.combine_chunks()[:-1]]))
    rows = rows.filter(pc.fill_null(first, True))

    resolver = GeneResolver(genes)
    ensembl = ensembl_genes or {}
    submitted = rows["gene"].to_pylist()
    resolved = [
        resolver.resolve(ensembl.get(gene_id)) if gene_id in ensembl else None for gene_id in submitted
    ]
    unmapped = sorted(
        {
            gene_id
            for gene_id, hit in zip(submitted, resolved, strict=True)
            if gene_id and (hit is None or hit.symbol is None)
        }
    )
    if unmapped:
        problems.warn(
            None,
            "gene_affected",
            f"{len(unmapped)} Ensembl gene ids have no symbol in the gene map; kept with an empty gene "
            f"(e.g. {', '.join(unmapped[:3])})",
            kind="unknown gene",
        )
    kinds = rows["variant_type"].to_pylist()
    classification = [
        classification_for(term, kind or "") if term else None
        for term, kind in zip(rows["consequence"].to_pylist(), kinds, strict=True)
    ]
    total, alt = rows["total"], rows["alt_count"]
    mutations = pa.table(
        {
            "sample_id": rows["sample_id"],
            "gene": pa.array([hit.symbol if hit else None for hit in resolved], pa.string()),
            "submitted_gene": rows["gene"],
            "entrez_id": pa.array([hit.entrez_id if hit else None for hit in resolved], pa.int64()),
            "chromosome": rows["chromosome"],
            "start": rows["start"],
            "end": rows["end"],
            "reference_allele": rows["ref"],
            "tumor_seq_allele2": rows["alt"],
            "variant_classification": pa.array(classification, pa.string()),
            "variant_type": rows["variant_type"],
            "hgvsp_short": pa.array([protein_change(value) for value in rows["aa"].to_pylist()], pa.string()),
            "t_alt_count": alt,
            "t_ref_count": pc.subtract(total, alt),
            "ncbi_build": rows["build"],
        },
        schema=tables.MUTATIONS,
    )
    pairs = rows.select(["sample_id", "donor_id"]).group_by(["sample_id", "donor_id"]).aggregate([])
    samples = pa.table(
        {
            "sample_id": pairs["sample_id"],
            "patient_id": pairs["donor_id"],
            "sample_type": pa.nulls(pairs.num_rows, pa.string()),
            "oncotree_code": pa.nulls(pairs.num_rows, pa.string()),
            "tissue": pa.nulls(pairs.num_rows, pa.string()),
        },
        schema=tables.SAMPLES,
    )
    sample_ids = set(rows["sample_id"].to_pylist())
    return MutationRead(mutations, problems.warnings, sample_ids, {}, 0), samples
