"""A synthetic dataset version for the analytics benchmark, drawn from the real public mutation files.

    python benchmarks/synthetic_cohort.py --patients 100000 --mutations 10000000 [--regenerate]

Writes the harmonised tables of oncobridge/formats/tables.py (patients, samples, mutations,
clinical_attributes, outcomes) as zstd Parquet, the way an import stores a dataset version, into
var/bench/analytics/<sizes and seed>/. A folder is complete when its manifest.json exists (written last), so
an interrupted run is regenerated, a complete one is reused.

Where the numbers come from (all under ONCOBRIDGE_DATA_DIR, read with the product's readers):
- Cancer types and mutation burden: each patient copies a real TCGA sample of genomics/tcga_cohort.txt.gz
  (10,200 samples with their cohort and mutation count); the cohort becomes an OncoTree code, a quarter of
  patients get another code of the same level-2 family (LUAD -> any NSCLC subtype) so that descendants
  matter, and the 10,200 real counts, scaled to the requested total, weight how many mutations each sample
  gets (a multinomial draw: hypermutated UCEC and SKCM samples get hundreds, thyroid cancers a few).
- Mutations: a share (`REAL_SHARE`) are real MAF rows resampled with replacement from the APL, brca and
  cBioPortal mutation files (gene, variant class, type, protein change, position, alleles kept together),
  so gene and variant-class frequencies follow those files; the rest are passenger mutations in a uniformly
  drawn protein-coding gene with a variant class and type drawn from the real rows (synthetic position, no
  protein change). On top, every sample gets Poisson(`HOTSPOTS_PER_SAMPLE`) hotspot mutations from
  genomics/cancerhotspots_v2_GRCh38.tsv (KRAS p.G12C and friends), a hotspot weighted by 1 + the number of
  real MAF rows of its gene. Hotspot rows keep their GRCh38 positions, real rows GRCh37 (ncbi_build says).
- Clinical: sex by tissue (breast, gynaecological, prostate, testis), age ~ N(62, 12) within 18..90, stage
  I-IV with substages, SMOKING_HISTORY and ECOG per patient, TMB_NONSYNONYMOUS per sample.
- Overall survival: exponential times with a median by stage (I 120, II 70, III 40, IV 16 months), hazard
  ratios for non-silent mutations in `HAZARD_RATIOS` (KRAS 1.6, TP53 1.5), uniform follow-up 6-150 months
  (censoring), day resolution; 3 % of patients have no OS record.
Vectorised numpy/pyarrow, seeded, mutations written in chunks of `CHUNK` rows.
"""

from __future__ import annotations

import argparse
import gzip
import json
import math
import os
import sys
import time
from collections.abc import Callable
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Any

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.parquet as pq

REPO = Path(__file__).resolve().parent.parent
GENERATOR_VERSION = 1
CHUNK = 1_000_000
REAL_SHARE = 0.25
HOTSPOTS_PER_SAMPLE = 0.6
SECOND_SAMPLE_SHARE = 0.10
SUBTYPE_SPREAD = 0.25
HAZARD_RATIOS = {"KRAS": 1.6, "TP53": 1.5}
MEDIAN_OS_BY_STAGE = {1: 120.0, 2: 70.0, 3: 40.0, 4: 16.0, 0: 50.0}
MISSING_OS_SHARE = 0.03

REAL_MAFS = (
    "genomics/APL_primary.maf.gz",
    "genomics/APL_relapse.maf.gz",
    "genomics/brca.maf.gz",
    "genomics/public_bcc_unige_2016_archived_files_filtered_samples_data_mutations_mskcc.txt",
    "genomics/public_brca_tcga_pub_non_chrm_genes_data_mutations.txt",
)
HOTSPOTS = "genomics/cancerhotspots_v2_GRCh38.tsv"
TCGA_COHORTS = "genomics/tcga_cohort.txt.gz"

# TCGA project -> the OncoTree code of its tumour type.
TCGA_TO_ONCOTREE = {
    "ACC": "ACC",
    "BLCA": "BLCA",
    "BRCA": "BRCA",
    "CESC": "CESC",
    "CHOL": "CHOL",
    "COAD": "COAD",
    "DLBC": "DLBCLNOS",
    "ESCA": "ESCA",
    "GBM": "GB",
    "HNSC": "HNSC",
    "KICH": "CHRCC",
    "KIRC": "CCRCC",
    "KIRP": "PRCC",
    "LAML": "AML",
    "LGG": "DIFG",
    "LIHC": "HCC",
    "LUAD": "LUAD",
    "LUSC": "LUSC",
    "MESO": "PLMESO",
    "OV": "HGSOC",
    "PAAD": "PAAD",
    "PCPG": "PHC",
    "PRAD": "PRAD",
    "READ": "READ",
    "SARC": "SARCNOS",
    "SKCM": "SKCM",
    "STAD": "STAD",
    "TGCT": "NSGCT",
    "THCA": "THPA",
    "THYM": "THYM",
    "UCEC": "UEC",
    "UCS": "UCS",
    "UVM": "UM",
}
FEMALE_SHARE_BY_TISSUE = {
    "Breast": 0.99,
    "Uterus": 1.0,
    "Ovary/Fallopian Tube": 1.0,
    "Cervix": 1.0,
    "Prostate": 0.0,
    "Testis": 0.0,
}
STAGES = ("I", "IA", "IB", "II", "IIA", "IIB", "III", "IIIA", "IIIB", "IIIC", "IV", "IVA", "IVB")
STAGE_WEIGHTS = (6, 6, 5, 6, 5, 5, 5, 5, 4, 3, 8, 3, 2)
STAGE_MISSING_SHARE = 0.08
REAL_COLUMNS = (
    "gene",
    "entrez_id",
    "chromosome",
    "start",
    "end",
    "reference_allele",
    "tumor_seq_allele2",
    "variant_classification",
    "variant_type",
    "hgvsp_short",
    "ncbi_build",
)


@dataclass(frozen=True)
class Sizes:
    patients: int
    mutations: int
    seed: int

    @property
    def folder(self) -> str:
        return f"p{self.patients}_m{self.mutations}_s{self.seed}_v{GENERATOR_VERSION}"


@dataclass(frozen=True)
class Generated:
    directory: Path
    seconds: float | None  # None when the cached folder was reused
    manifest: dict[str, object]


def default_cache() -> Path:
    return Path(os.environ.get("ONCOBRIDGE_VAR_DIR") or REPO / "var") / "bench" / "analytics"


def ensure_dataset(
    sizes: Sizes,
    data_dir: Path,
    *,
    cache: Path | None = None,
    regenerate: bool = False,
    say: Callable[[str], None] = lambda message: print(message, file=sys.stderr, flush=True),
) -> Generated:
    """The dataset folder for these sizes, generated when missing (or asked to)."""
    directory = (cache or default_cache()) / sizes.folder
    manifest_path = directory / "manifest.json"
    if manifest_path.is_file() and not regenerate:
        say(f"reusing {directory} (pass --regenerate to rebuild it)")
        return Generated(directory, None, json.loads(manifest_path.read_text()))
    directory.mkdir(parents=True, exist_ok=True)
    manifest_path.unlink(missing_ok=True)
    started = time.perf_counter()
    manifest = generate(sizes, data_dir, directory, say)
    seconds = time.perf_counter() - started
    manifest["generation_seconds"] = round(seconds, 1)
    manifest_path.write_text(json.dumps(manifest, indent=2))
    return Generated(directory, seconds, manifest)


# --- the real inputs ------------------------------------------------------------------------------------


@dataclass(frozen=True)
class RealInputs:
    mutations: pa.Table  # REAL_COLUMNS, real MAF rows
    hotspots: pa.Table  # REAL_COLUMNS, one row per hotspot variant
    hotspot_weights: np.ndarray
    tcga_codes: list[str]  # OncoTree code per real TCGA sample
    tcga_burden: np.ndarray  # its mutation count
    background_genes: list[str]
    family: dict[str, list[str]]  # code -> codes of its level-2 family
    tissue: dict[str, str]
    names: dict[str, str]


def read_real_inputs(data_dir: Path) -> RealInputs:
    from oncobridge.formats.maf import read_maf
    from oncobridge.formats.mutation_terms import NON_SILENT_CLASSES
    from oncobridge.vocab import load_vocabularies

    absent = [name for name in (*REAL_MAFS, HOTSPOTS, TCGA_COHORTS) if not (data_dir / name).is_file()]
    if absent:
        raise SystemExit(
            f"the generator draws from the real files of the reference-data directory {data_dir} "
            f"(ONCOBRIDGE_DATA_DIR or --data-dir); missing: {', '.join(absent)}"
        )
    vocab = load_vocabularies(data_dir)
    if vocab.missing:
        raise SystemExit("the benchmark needs the reference vocabularies: " + "; ".join(vocab.missing))
    tables = []
    for relative in REAL_MAFS:
        read = read_maf(data_dir / relative, genes=vocab.genes, ncbi_build="GRCh37")
        tables.append(read.table.select(list(REAL_COLUMNS)))
    mutations = pa.concat_tables(tables)
    mutations = mutations.set_column(
        mutations.schema.get_field_index("ncbi_build"),
        "ncbi_build",
        pc.fill_null(mutations["ncbi_build"], "GRCh37"),
    )

    gene_rows: dict[str, int] = {}
    for item in pc.value_counts(mutations["gene"].drop_null()).to_pylist():
        gene_rows[item["values"]] = item["counts"]

    rows: list[dict[str, Any]] = []
    for line in (data_dir / HOTSPOTS).read_text().splitlines():
        fields = line.split("\t")
        if len(fields) < 7:
            continue
        chromosome, position, reference, alternate, symbol, classification, change = fields[:7]
        gene = vocab.genes.resolve(symbol)
        if gene is None or classification not in NON_SILENT_CLASSES or not position.isdigit():
            continue
        start = int(position)
        kind = "SNP" if len(reference) == len(alternate) == 1 else "DNP" if len(reference) == 2 else "ONP"
        if reference == "-" or alternate == "-" or len(reference) != len(alternate):
            kind = "INS" if reference == "-" or len(alternate) > len(reference) else "DEL"
        rows.append(
            {
                "gene": gene.symbol,
                "entrez_id": gene.entrez_id,
                "chromosome": chromosome,
                "start": start,
                "end": start + max(len(reference), 1) - 1,
                "reference_allele": reference,
                "tumor_seq_allele2": alternate,
                "variant_classification": classification,
                "variant_type": kind,
                "hgvsp_short": f"p.{change}",
                "ncbi_build": "GRCh38",
            }
        )
    hotspots = pa.Table.from_pylist(rows, schema=mutations.schema)
    weights = np.array([1.0 + gene_rows.get(row["gene"], 0) for row in rows])

    tcga_codes: list[str] = []
    burden: list[int] = []
    with gzip.open(data_dir / TCGA_COHORTS, "rt") as handle:
        next(handle)
        for line in handle:
            cohort, _barcode, total, *_ = line.rstrip("\n").split("\t")
            code = TCGA_TO_ONCOTREE.get(cohort)
            if code is not None and code in vocab.oncotree and total.isdigit():
                tcga_codes.append(code)
                burden.append(int(total))

    family: dict[str, list[str]] = {}
    tissue: dict[str, str] = {}
    names: dict[str, str] = {}
    for code in sorted(set(tcga_codes)):
        lineage = [node for node in [vocab.oncotree.get(code), *vocab.oncotree.ancestors(code)] if node]
        top = next((node for node in lineage if node.level == 2), lineage[0])
        family[code] = sorted(vocab.oncotree.descendants(top.code))
        for member in family[code]:
            node = vocab.oncotree.get(member)
            if node is not None:
                tissue[member] = node.tissue or ""
                names[member] = node.name
    background = sorted(gene.symbol for gene in vocab.genes if gene.type == "protein-coding")
    return RealInputs(
        mutations=mutations,
        hotspots=hotspots,
        hotspot_weights=weights / weights.sum(),
        tcga_codes=tcga_codes,
        tcga_burden=np.array(burden, dtype=np.float64),
        background_genes=background,
        family=family,
        tissue=tissue,
        names=names,
    )


# --- generation -----------------------------------------------------------------------------------------


def _strings(values: list[str], indices: np.ndarray) -> pa.Array:
    return pa.array(values, pa.string()).take(pa.array(indices))


def generate(sizes: Sizes, data_dir: Path, directory: Path, say: Callable[[str], None]) -> dict[str, object]:
    from tqdm import tqdm

    from oncobridge.formats import tables
    from oncobridge.formats.mutation_terms import NON_SILENT_CLASSES

    rng = np.random.default_rng(sizes.seed)
    real = read_real_inputs(data_dir)
    n = sizes.patients
    say(
        f"generating {n:,} patients and {sizes.mutations:,} mutations from {real.mutations.num_rows:,} real "
        f"MAF rows, {real.hotspots.num_rows:,} hotspots and {len(real.tcga_codes):,} TCGA samples ..."
    )

    # Patients: a real TCGA sample each (cancer type and mutation burden).
    template = rng.integers(len(real.tcga_codes), size=n)
    codes = sorted(set(real.family) | {c for members in real.family.values() for c in members})
    code_index = {code: i for i, code in enumerate(codes)}
    patient_code = np.array([code_index[real.tcga_codes[t]] for t in template], dtype=np.int32)
    spread = np.flatnonzero(rng.random(n) < SUBTYPE_SPREAD)
    for i in spread:
        members = real.family[codes[patient_code[i]]]
        patient_code[i] = code_index[members[rng.integers(len(members))]]
    female_share = np.array([FEMALE_SHARE_BY_TISSUE.get(real.tissue.get(c, ""), 0.5) for c in codes])
    draw = rng.random(n)
    sex_index = np.where(draw < female_share[patient_code], 0, 1)
    sex_index[rng.random(n) < 0.005] = 2
    sexes = ["female", "male", "unknown"]
    age = np.clip(np.round(rng.normal(62.0, 12.0, n), 1), 18.0, 90.0)
    stage_index = rng.choice(len(STAGES), size=n, p=np.array(STAGE_WEIGHTS) / sum(STAGE_WEIGHTS))
    stage_missing = rng.random(n) < STAGE_MISSING_SHARE
    group_of = {"I": 1, "II": 2, "III": 3, "IV": 4}
    stage_group = np.array([group_of[s.rstrip("ABC")] for s in STAGES])[stage_index]
    stage_group[stage_missing] = 0
    patient_ids = [f"P{i:06d}" for i in range(n)]

    # Samples: one per patient, a second (metastasis) for some.
    second = np.flatnonzero(rng.random(n) < SECOND_SAMPLE_SHARE)
    sample_patient = np.sort(np.concatenate([np.arange(n), second])).astype(np.int64)
    is_second = np.zeros(len(sample_patient), dtype=bool)
    is_second[1:] = sample_patient[1:] == sample_patient[:-1]
    sample_ids = [
        f"{patient_ids[p]}-T{2 if again else 1}" for p, again in zip(sample_patient, is_second, strict=True)
    ]
    n_samples = len(sample_ids)

    # Mutations per sample: Poisson hotspots, the rest spread by the real TCGA burden.
    hot_per_sample = rng.poisson(HOTSPOTS_PER_SAMPLE, n_samples)
    n_hot = int(min(hot_per_sample.sum(), sizes.mutations))
    if n_hot < hot_per_sample.sum():
        hot_per_sample = rng.multinomial(n_hot, np.full(n_samples, 1.0 / n_samples))
    burden = real.tcga_burden[template][sample_patient]
    rest_per_sample = rng.multinomial(sizes.mutations - n_hot, burden / burden.sum())
    per_sample = hot_per_sample + rest_per_sample
    mutation_sample = np.repeat(np.arange(n_samples), per_sample)
    # Within a sample the hotspot rows come first: a sample's rows are contiguous, as in a MAF.
    offsets = np.concatenate([[0], np.cumsum(per_sample)])
    position_in_sample = np.arange(sizes.mutations) - offsets[mutation_sample]
    is_hotspot = position_in_sample < hot_per_sample[mutation_sample]
    del position_in_sample

    real_rows = real.mutations
    real_classes = real_rows["variant_classification"].to_pylist()
    silent_share = np.mean([c not in NON_SILENT_CLASSES for c in real_classes])
    effect_gene_index = {gene: i for i, gene in enumerate(HAZARD_RATIOS)}
    effect_mutated = np.zeros((n, len(HAZARD_RATIOS)), dtype=bool)
    non_silent_per_sample = np.zeros(n_samples, dtype=np.int64)
    background = pa.array(real.background_genes, pa.string())
    sample_id_array = pa.array(sample_ids, pa.string())
    writer = pq.ParquetWriter(directory / "mutations.parquet", tables.MUTATIONS, compression="zstd")
    non_silent = pa.array(sorted(NON_SILENT_CLASSES), pa.string())
    with tqdm(total=sizes.mutations, desc="mutations", unit="row", unit_scale=True, file=sys.stderr) as bar:
        for begin in range(0, sizes.mutations, CHUNK):
            end = min(begin + CHUNK, sizes.mutations)
            size = end - begin
            chunk_samples = mutation_sample[begin:end]
            hot = is_hotspot[begin:end]
            kind = np.where(hot, 2, np.where(rng.random(size) < REAL_SHARE, 1, 0))  # 0 passenger, 1 real
            real_pick = rng.integers(real_rows.num_rows, size=size)
            hot_pick = rng.choice(real.hotspots.num_rows, size=size, p=real.hotspot_weights)
            chunk = real_rows.take(pa.array(real_pick))
            hot_rows = real.hotspots.take(pa.array(hot_pick))
            hot_mask = pa.array(kind == 2)
            passenger = pa.array(kind == 0)
            columns: dict[str, pa.Array] = {}
            for name in REAL_COLUMNS:
                column = pc.if_else(hot_mask, hot_rows[name], chunk[name]).combine_chunks()
                columns[name] = column
            # Passengers: a uniformly drawn protein-coding gene, the real row's class, type and alleles.
            gene_pick = background.take(pa.array(rng.integers(len(background), size=size)))
            columns["gene"] = pc.if_else(passenger, gene_pick, columns["gene"])
            columns["entrez_id"] = pc.if_else(passenger, pa.nulls(size, pa.int64()), columns["entrez_id"])
            columns["hgvsp_short"] = pc.if_else(
                passenger, pa.nulls(size, pa.string()), columns["hgvsp_short"]
            )
            start = rng.integers(1_000_000, 150_000_000, size=size)
            length = pc.subtract(columns["end"], columns["start"]).fill_null(0)
            columns["start"] = pc.if_else(passenger, pa.array(start), columns["start"])
            columns["end"] = pc.if_else(passenger, pc.add(pa.array(start), length), columns["end"])
            table = pa.table(
                {
                    "sample_id": sample_id_array.take(pa.array(chunk_samples)),
                    "gene": columns["gene"],
                    "submitted_gene": columns["gene"],
                    "entrez_id": columns["entrez_id"],
                    "chromosome": columns["chromosome"],
                    "start": columns["start"],
                    "end": columns["end"],
                    "reference_allele": columns["reference_allele"],
                    "tumor_seq_allele2": columns["tumor_seq_allele2"],
                    "variant_classification": columns["variant_classification"],
                    "variant_type": columns["variant_type"],
                    "hgvsp_short": columns["hgvsp_short"],
                    "t_alt_count": pa.array(rng.integers(3, 120, size=size)),
                    "t_ref_count": pa.array(rng.integers(10, 400, size=size)),
                    "ncbi_build": columns["ncbi_build"],
                },
                schema=tables.MUTATIONS,
            )
            writer.write_table(table)
            coding = pc.is_in(table["variant_classification"], value_set=non_silent).to_numpy(
                zero_copy_only=False
            )
            np.add.at(non_silent_per_sample, chunk_samples[coding], 1)
            genes_np = table["gene"].to_numpy(zero_copy_only=False)
            for gene, column_index in effect_gene_index.items():
                hit = coding & (genes_np == gene)
                effect_mutated[sample_patient[chunk_samples[hit]], column_index] = True
            bar.update(size)
    writer.close()

    # Overall survival.
    log_hr = np.log(np.array(list(HAZARD_RATIOS.values())))
    medians = np.array([MEDIAN_OS_BY_STAGE[g] for g in stage_group])
    hazard = math.log(2) / medians * np.exp(effect_mutated.astype(np.float64) @ log_hr)
    true_time = rng.exponential(1.0 / hazard)
    follow_up = rng.uniform(6.0, 150.0, n)
    event = true_time <= follow_up
    days = np.ceil(np.minimum(true_time, follow_up) * tables.DAYS_PER_MONTH)
    months = days / tables.DAYS_PER_MONTH
    has_os = rng.random(n) >= MISSING_OS_SHARE
    keep = np.flatnonzero(has_os)
    outcomes = pa.table(
        {
            "patient_id": pa.array(patient_ids, pa.string()).take(pa.array(keep)),
            "endpoint": pa.array(["OS"] * len(keep), pa.string()),
            "time_months": pa.array(months[keep]),
            "event": pa.array(event[keep]),
        },
        schema=tables.OUTCOMES,
    )
    pq.write_table(outcomes, directory / "outcomes.parquet", compression="zstd")

    vital = np.where(has_os & event, "deceased", "alive")
    stage_values = [
        None if missing else STAGES[i] for i, missing in zip(stage_index, stage_missing, strict=True)
    ]
    patients = pa.table(
        {
            "patient_id": pa.array(patient_ids, pa.string()),
            "sex": _strings(sexes, sex_index),
            "age_years": pa.array(age),
            "vital_status": pa.array(vital.tolist(), pa.string()),
            "diagnosis_code": _strings(codes, patient_code),
            "diagnosis_system": pa.array(["oncotree"] * n, pa.string()),
            "diagnosis_label": _strings([real.names.get(c, c) for c in codes], patient_code),
            "stage": pa.array(stage_values, pa.string()),
        },
        schema=tables.PATIENTS,
    )
    pq.write_table(patients, directory / "patients.parquet", compression="zstd")

    sample_code = patient_code[sample_patient]
    samples = pa.table(
        {
            "sample_id": sample_id_array,
            "patient_id": pa.array(patient_ids, pa.string()).take(pa.array(sample_patient)),
            "sample_type": pa.array(np.where(is_second, "metastasis", "primary").tolist(), pa.string()),
            "oncotree_code": _strings(codes, sample_code),
            "tissue": _strings([real.tissue.get(c, "") for c in codes], sample_code),
        },
        schema=tables.SAMPLES,
    )
    pq.write_table(samples, directory / "samples.parquet", compression="zstd")

    smoking = ["Never", "Former", "Current"]
    smoking_index = rng.choice(3, size=n, p=[0.45, 0.38, 0.17])
    ecog = rng.choice(4, size=n, p=[0.45, 0.35, 0.15, 0.05])
    tmb = np.round(non_silent_per_sample / 38.0, 2)
    clinical = pa.table(
        {
            "entity_type": pa.array(["patient"] * (2 * n) + ["sample"] * n_samples, pa.string()),
            "entity_id": pa.concat_arrays(
                [pa.array(patient_ids, pa.string()), pa.array(patient_ids, pa.string()), sample_id_array]
            ),
            "attribute": pa.array(
                ["SMOKING_HISTORY"] * n + ["ECOG"] * n + ["TMB_NONSYNONYMOUS"] * n_samples, pa.string()
            ),
            "value": pa.concat_arrays(
                [
                    _strings(smoking, smoking_index),
                    pa.array([str(v) for v in ecog], pa.string()),
                    pa.array([f"{v:g}" for v in tmb], pa.string()),
                ]
            ),
            "datatype": pa.array(["STRING"] * n + ["NUMBER"] * (n + n_samples), pa.string()),
        },
        schema=tables.CLINICAL_ATTRIBUTES,
    )
    pq.write_table(clinical, directory / "clinical_attributes.parquet", compression="zstd")

    return {
        "sizes": asdict(sizes),
        "generator_version": GENERATOR_VERSION,
        "patients": n,
        "samples": n_samples,
        "mutations": sizes.mutations,
        "hotspot_mutations": n_hot,
        "real_maf_rows": real_rows.num_rows,
        "real_silent_share": round(float(silent_share), 3),
        "hotspot_variants": real.hotspots.num_rows,
        "os_records": len(keep),
        "os_events": int(event[keep].sum()),
        "mutated_share": {
            gene: round(float(effect_mutated[:, i].mean()), 4) for gene, i in effect_gene_index.items()
        },
        "hazard_ratios": HAZARD_RATIOS,
        "bytes": {path.name: path.stat().st_size for path in sorted(directory.glob("*.parquet"))},
    }


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--patients", type=int, default=100_000)
    parser.add_argument("--mutations", type=int, default=10_000_000)
    parser.add_argument("--seed", type=int, default=20261202)
    parser.add_argument("--regenerate", action="store_true")
    parser.add_argument(
        "--data-dir", default=os.environ.get("ONCOBRIDGE_DATA_DIR") or str(REPO.parent / "shared/data")
    )
    args = parser.parse_args(argv)
    sys.path.insert(0, str(REPO))
    generated = ensure_dataset(
        Sizes(args.patients, args.mutations, args.seed), Path(args.data_dir), regenerate=args.regenerate
    )
    if generated.seconds is not None:
        print(f"generated in {generated.seconds:.1f} s: {generated.directory}")
    print(json.dumps(generated.manifest, indent=2))


if __name__ == "__main__":
    main()
