"""MAF import speed: OncoBridge's validating reader + Parquet writer against pandas `read_csv`.

    python benchmarks/maf_import.py                 # 1,000,000 rows
    python benchmarks/maf_import.py --rows 100000   # smoke test

The input is a real GDC masked somatic MAF (TCGA-LUSC, 140 columns, from the pymaftools package), its rows
repeated with distinct sample barcodes up to --rows. Each side runs in its own process so that its peak
memory (max RSS) is its own. OncoBridge's side does what an import does to the rows: stream, validate every
field, normalise gene symbols and write zstd Parquet. The baseline is pandas reading the same file, nothing
more. Needs ONCOBRIDGE_DATA_DIR for the gene vocabulary.
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from tqdm import tqdm

SOURCE_NAME = "example_single_sample.maf"


def source_maf() -> Path:
    import pymaftools

    return Path(pymaftools.__file__).parent / "data" / SOURCE_NAME


def generate(path: Path, rows: int) -> None:
    lines = source_maf().read_text().splitlines()
    header_at = next(i for i, line in enumerate(lines) if line.startswith("Hugo_Symbol"))
    header, body = lines[: header_at + 1], [line for line in lines[header_at + 1 :] if line.strip()]
    columns = lines[header_at].split("\t")
    barcode = columns.index("Tumor_Sample_Barcode")
    with path.open("w") as out, tqdm(total=rows, desc="generate", unit="row", file=sys.stderr) as bar:
        out.write("\n".join(header) + "\n")
        written = 0
        copy = 0
        while written < rows:
            for line in body[: rows - written]:
                fields = line.split("\t")
                fields[barcode] = f"TCGA-BENCH-{copy:05d}-01A"
                out.write("\t".join(fields) + "\n")
            step = min(len(body), rows - written)
            written += step
            copy += 1
            bar.update(step)


def run_oncobridge(path: Path) -> dict[str, float]:
    import pyarrow.parquet as pq

    from oncobridge.formats.maf import MafReader
    from oncobridge.vocab import load_vocabularies

    data_dir = os.environ.get("ONCOBRIDGE_DATA_DIR")
    genes = load_vocabularies(Path(data_dir) if data_dir else None).genes
    started = time.perf_counter()
    reader = MafReader(path, genes)
    rows = 0
    with tempfile.TemporaryDirectory() as scratch:
        writer: pq.ParquetWriter | None = None
        for batch in reader.batches():
            if writer is None:
                writer = pq.ParquetWriter(
                    Path(scratch) / "mutations.parquet", batch.schema, compression="zstd"
                )
            writer.write_batch(batch)
            rows += batch.num_rows
        if writer is not None:
            writer.close()
    return {"seconds": time.perf_counter() - started, "rows": rows}


def run_pandas(path: Path) -> dict[str, float]:
    import pandas as pd

    started = time.perf_counter()
    frame = pd.read_csv(path, sep="\t", comment="#", low_memory=False)
    return {"seconds": time.perf_counter() - started, "rows": len(frame)}


def measured(side: str, path: Path) -> dict[str, float]:
    """Run one side in a fresh process and add its peak memory."""
    output = subprocess.run(  # noqa: S603 - our own script with fixed arguments
        [sys.executable, __file__, "--side", side, "--input", str(path)],
        check=True,
        capture_output=True,
        text=True,
    ).stdout
    return dict(json.loads(output.strip().splitlines()[-1]))


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--rows", type=int, default=1_000_000)
    parser.add_argument("--side", choices=["oncobridge", "pandas"], help=argparse.SUPPRESS)
    parser.add_argument("--input", type=Path, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.side:
        result = run_oncobridge(args.input) if args.side == "oncobridge" else run_pandas(args.input)
        result["peak_mib"] = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
        print(json.dumps(result))
        return
    with tempfile.TemporaryDirectory() as scratch:
        path = Path(scratch) / "bench.maf"
        generate(path, args.rows)
        size_mib = path.stat().st_size / 2**20
        ours = measured("oncobridge", path)
        baseline = measured("pandas", path)
    print(f"\nMAF import, {args.rows:,} rows x 140 columns ({size_mib:,.0f} MiB)")
    print(f"{'':28} {'seconds':>8} {'rows/s':>10} {'peak MiB':>9}")
    for label, result in (("OncoBridge (validate+Parquet)", ours), ("pandas read_csv (baseline)", baseline)):
        rate = result["rows"] / result["seconds"]
        print(f"{label:28} {result['seconds']:8.1f} {rate:10,.0f} {result['peak_mib']:9,.0f}")
    print(f"ratio (baseline time / OncoBridge time): {baseline['seconds'] / ours['seconds']:.1f}x")


if __name__ == "__main__":
    main()
