"""Portfolio search benchmark: a throwaway database with N portfolio entries, timed searches per query type.

    python benchmarks/portfolio_search.py                      # SQLite file in a temp dir, N=100,000
    python benchmarks/portfolio_search.py --n 2000             # smoke test
    python benchmarks/portfolio_search.py --database-url postgres://postgres@127.0.0.1:5432/test

With --database-url the benchmark creates its own database on that server (--bench-db, dropped at the end);
it never touches the database named in the URL. See benchmarks/README.md for what is measured.
"""

from __future__ import annotations

import argparse
import itertools
import os
import random
import statistics
import sys
import tempfile
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any
from unittest import mock
from urllib.parse import urlsplit, urlunsplit

REPO = Path(__file__).resolve().parent.parent

# Research words that portfolio text is made of, beside tumour names and gene symbols.
RESEARCH_WORDS = """
organoid organoids xenograft xenografts PDX cohort cohorts biobank specimens tissue microarray sequencing
whole-genome exome transcriptome RNA-seq single-cell spatial proteomics metabolomics methylation imaging
radiomics pathology digital screening CRISPR knockout resistance sensitivity inhibitor inhibitors antibody
immunotherapy checkpoint vaccine CAR-T degrader biomarker diagnostic prognostic predictive circulating
ctDNA liquid biopsy mutation mutations amplification fusion deletion signature signatures clinical trial
phase outcomes survival response relapse metastasis metastatic primary recurrent treatment-naive
longitudinal prospective retrospective registry consortium platform assay assays validation discovery
preclinical model models patient-derived cell lines library compound compounds target targets pathway
pathways signalling microenvironment stroma immune infiltration T-cell macrophage hypoxia angiogenesis
""".split()  # noqa: SIM905 - a word pool reads better as prose than as a 100-line list

# Genes that portfolios name far more often than the rest.
POPULAR_GENES = """
KRAS EGFR TP53 BRAF PIK3CA ERBB2 ALK BRCA1 BRCA2 PTEN MYC IDH1 IDH2 NRAS KIT MET RET ROS1 CDKN2A APC ATM
ARID1A FGFR2 FGFR3 NTRK1 ESR1 AR KMT2A FLT3 NPM1 JAK2 SMAD4 STK11 KEAP1 NF1 RB1 VHL CTNNB1 MTOR CD274
""".split()  # noqa: SIM905

ASSET_KINDS = [
    "specimen_collection",
    "pdx_model",
    "organoid",
    "cell_line",
    "dataset",
    "invention",
    "patent",
    "core_facility",
    "clinical_trial",
]
VISIBILITY_WEIGHTS = {"private": 15, "alliance": 35, "partners": 20, "network": 30}

# (label, query, filters); every value here exists in the generated portfolio.
QUERIES: dict[str, list[tuple[str, dict[str, tuple[str, ...]]]]] = {
    "single word": [("organoid", {}), ("lung", {}), ("melanoma", {}), ("KRAS", {}), ("xenografts", {})],
    "two words": [
        ("lung adenocarcinoma", {}),
        ("kras resistance", {}),
        ("breast organoid", {}),
        ("melanoma immunotherapy", {}),
        ("egfr inhib", {}),
    ],
    "cancer facet": [
        ("", {"cancer_types": (code,)}) for code in ("LUNG", "NSCLC", "BREAST", "SKIN", "BOWEL")
    ],
    "gene facet": [("", {"genes": (gene,)}) for gene in ("KRAS", "EGFR", "TP53", "BRAF", "ERBB2")],
    "query + facet": [
        ("organoid", {"cancer_types": ("NSCLC",)}),
        ("resistance", {"genes": ("KRAS",)}),
        ("sequencing", {"cancer_types": ("BREAST",)}),
        ("xenograft", {"genes": ("BRAF",)}),
        ("immunotherapy", {"modalities": ("antibody",)}),
    ],
    "facets, no query": [
        ("", {"cancer_types": ("LUNG",), "genes": ("EGFR",)}),
        ("", {"modalities": ("antibody",), "asset_kinds": ("organoid",)}),
        ("", {"cancer_types": ("BREAST",), "genes": ("PIK3CA",)}),
        ("", {"genes": ("TP53",), "modalities": ("small_molecule",)}),
        ("", {"cancer_types": ("BOWEL",), "asset_kinds": ("pdx_model",)}),
    ],
}


def parse_args(argv: list[str] | None = None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument(
        "--n", type=int, default=100_000, help="portfolio entries to generate (default 100000)"
    )
    parser.add_argument(
        "--database-url", help="a PostgreSQL server to benchmark on (default: SQLite in a temp dir)"
    )
    parser.add_argument(
        "--bench-db", default="oncobridge_bench", help="database created and dropped on that server"
    )
    parser.add_argument("--repeat", type=int, default=5, help="timed runs of each search (after one warm-up)")
    parser.add_argument("--baseline-repeat", type=int, default=2, help="timed runs of each naive-scan search")
    parser.add_argument("--organisations", type=int, default=20)
    parser.add_argument("--seed", type=int, default=20251124)
    parser.add_argument(
        "--data-dir", default=os.environ.get("ONCOBRIDGE_DATA_DIR") or str(REPO.parent / "shared/data")
    )
    return parser.parse_args(argv)


# --- the throwaway database -----------------------------------------------------------------------------


@contextmanager
def throwaway_database(args: argparse.Namespace) -> Iterator[str]:
    """Point Django at a fresh database for the duration of the block; remove it afterwards."""
    with tempfile.TemporaryDirectory(prefix="oncobridge-bench-") as tmp:
        os.environ["ONCOBRIDGE_VAR_DIR"] = tmp
        if not args.database_url:
            os.environ["DATABASE_URL"] = f"sqlite:///{tmp}/bench.sqlite3"
            yield "sqlite"
            return
        import psycopg

        parts = urlsplit(args.database_url)
        admin_url = urlunsplit(parts._replace(path="/postgres"))
        name = args.bench_db
        if not name.replace("_", "").isalnum():
            raise SystemExit(f"--bench-db {name!r} must be letters, digits and underscores.")
        with psycopg.connect(admin_url, autocommit=True) as admin:
            admin.execute(f"DROP DATABASE IF EXISTS {name}")
            admin.execute(f"CREATE DATABASE {name}")
        os.environ["DATABASE_URL"] = urlunsplit(parts._replace(path=f"/{name}"))
        try:
            yield "postgresql"
        finally:
            from django.db import connections

            connections.close_all()
            with psycopg.connect(admin_url, autocommit=True) as admin:
                admin.execute(f"DROP DATABASE IF EXISTS {name} WITH (FORCE)")


def django_setup(data_dir: str) -> None:
    os.environ["DJANGO_SETTINGS_MODULE"] = "oncobridge.settings"
    os.environ["ONCOBRIDGE_DATA_DIR"] = data_dir
    os.environ.setdefault("DEBUG", "false")  # DEBUG keeps every SQL statement in memory
    sys.path.insert(0, str(REPO))
    import django

    django.setup()
    from django.core.management import call_command

    call_command("migrate", verbosity=0)


# --- generating a portfolio -----------------------------------------------------------------------------


@dataclass
class Pools:
    words: list[str]
    word_weights: list[float]
    cancer_codes: list[str]
    cancer_weights: list[float]
    genes: list[str]
    gene_weights: list[float]
    modalities: list[str]


def zipf(n: int, exponent: float = 1.0) -> list[float]:
    """Cumulative weights for a Zipf-like spread: a few very common values, a long tail (as in real text).

    Cumulative, so that random.choices does not re-add a thousand weights on every call.
    """
    return list(itertools.accumulate(1.0 / (rank + 1) ** exponent for rank in range(n)))


def build_pools(rng: random.Random) -> Pools:
    from oncobridge.core.vocabularies import vocabularies
    from oncobridge.vocab import MODALITIES

    vocab = vocabularies()
    tumour_types = [node for node in vocab.oncotree if node.level >= 1 and node.code != "TISSUE"]
    codes = [node.code for node in tumour_types]
    rng.shuffle(codes)
    # The tumour types everyone works on come first so that they are the common ones.
    for common in reversed(
        ["LUAD", "BRCA", "COADREAD", "PRAD", "SKCM", "AML", "GB", "PAAD", "HGSOC", "LUSC"]
    ):
        if common in codes:
            codes.remove(common)
            codes.insert(0, common)
    tumour_words = sorted(
        {
            word.lower()
            for node in tumour_types
            for word in node.name.replace(",", " ")
            .replace("/", " ")
            .replace("(", " ")
            .replace(")", " ")
            .split()
            if len(word) > 2 and word.isalpha()
        }
    )
    other_genes = sorted(gene.symbol for gene in vocab.genes if gene.type == "protein-coding")
    rng.shuffle(other_genes)
    genes = [g for g in POPULAR_GENES if vocab.genes.normalise(g) == g] + other_genes[:1500]
    words = RESEARCH_WORDS + tumour_words + genes[:300]
    order = list(range(len(words)))
    rng.shuffle(order)
    # Research words stay frequent; tumour words and genes spread along the tail.
    words = RESEARCH_WORDS + [words[i] for i in order if i >= len(RESEARCH_WORDS)]
    return Pools(
        words=words,
        word_weights=zipf(len(words), 0.9),
        cancer_codes=codes,
        cancer_weights=zipf(len(codes), 1.1),
        genes=genes,
        gene_weights=zipf(len(genes), 1.0),
        modalities=[modality.code for modality in MODALITIES],
    )


def sentence(rng: random.Random, pools: Pools, n_words: int) -> str:
    return " ".join(rng.choices(pools.words, cum_weights=pools.word_weights, k=n_words))


def tags(rng: random.Random, pools: Pools) -> dict[str, Any]:
    return {
        "cancer_types": sorted(
            set(rng.choices(pools.cancer_codes, cum_weights=pools.cancer_weights, k=rng.randint(1, 3)))
        ),
        "genes": sorted(set(rng.choices(pools.genes, cum_weights=pools.gene_weights, k=rng.randint(0, 4)))),
        "modalities": sorted(set(rng.sample(pools.modalities, k=rng.choice([0, 0, 1, 1, 2])))),
        "visibility": rng.choices(list(VISIBILITY_WEIGHTS), list(VISIBILITY_WEIGHTS.values()))[0],
    }


@dataclass
class Viewers:
    industry: Any
    alliance: Any


def generate(n: int, n_organisations: int, rng: random.Random, pools: Pools) -> Viewers:
    """N portfolio entries, a fifth investigator profiles and the rest research assets.

    Accounts get an unusable password directly: hashing 20,000 passwords would dominate the setup.
    """
    from django.contrib.auth.hashers import UNUSABLE_PASSWORD_PREFIX
    from django.db import transaction

    from oncobridge.accounts.access import viewer_for
    from oncobridge.accounts.models import Membership, Organisation, Role, User
    from oncobridge.collaborations.models import Agreement, AgreementKind, AgreementStatus
    from oncobridge.portfolio.models import InvestigatorProfile, ResearchAsset

    batch = 2000
    with transaction.atomic():
        organisations = Organisation.objects.bulk_create(
            [
                Organisation(
                    slug=f"org-{index:02d}",
                    name=f"{'Cancer Centre' if index % 3 else 'Pharma'} {index:02d}",
                    kind="academic" if index % 3 else "company",
                    alliance_member=bool(index % 3),
                )
                for index in range(n_organisations)
            ]
        )
        academic = [org for org in organisations if org.alliance_member]
        companies = [org for org in organisations if not org.alliance_member]
        industry_user = User.objects.create(
            email="industry@bench.example", password=UNUSABLE_PASSWORD_PREFIX, full_name="Industry Viewer"
        )
        alliance_user = User.objects.create(
            email="alliance@bench.example", password=UNUSABLE_PASSWORD_PREFIX, full_name="Alliance Viewer"
        )
        Membership.objects.create(user=industry_user, organisation=companies[0], role=Role.INDUSTRY_MEMBER)
        Membership.objects.create(user=alliance_user, organisation=academic[0], role=Role.INVESTIGATOR)
        # The industry viewer's company has an executed CDA with two institutions: it sees their PARTNERS.
        cda = Agreement.objects.create(
            title="Bench CDA", kind=AgreementKind.CDA, status=AgreementStatus.EXECUTED
        )
        cda.parties.set([companies[0], academic[0], academic[1]])

        n_profiles = n // 5
        for start in range(0, n_profiles, batch):
            size = min(batch, n_profiles - start)
            users = User.objects.bulk_create(
                [
                    User(
                        email=f"investigator{start + i}@bench.example",
                        password=UNUSABLE_PASSWORD_PREFIX,
                        full_name=sentence(rng, pools, 2).title(),
                    )
                    for i in range(size)
                ]
            )
            profiles = []
            for user in users:
                organisation = rng.choice(academic)
                profiles.append(
                    InvestigatorProfile(
                        user=user,
                        organisation=organisation,
                        position=rng.choice(
                            ["Professor", "Group leader", "Postdoctoral fellow", "Clinician scientist"]
                        ),
                        summary=sentence(rng, pools, rng.randint(30, 90)),
                        methods=sorted(set(rng.choices(RESEARCH_WORDS, k=4))),
                        **tags(rng, pools),
                    )
                )
            InvestigatorProfile.objects.bulk_create(profiles)
        n_assets = n - n_profiles
        for start in range(0, n_assets, batch):
            size = min(batch, n_assets - start)
            assets = []
            for _ in range(size):
                organisation = rng.choice(academic) if rng.random() < 0.85 else rng.choice(companies)
                assets.append(
                    ResearchAsset(
                        organisation=organisation,
                        kind=rng.choice(ASSET_KINDS),
                        title=sentence(rng, pools, rng.randint(4, 9)).capitalize(),
                        description=sentence(rng, pools, rng.randint(40, 120)),
                        availability=sentence(rng, pools, rng.randint(0, 12)),
                        size=rng.randint(5, 5000),
                        size_unit=rng.choice(["samples", "participants", "models", "lines"]),
                        **tags(rng, pools),
                    )
                )
            ResearchAsset.objects.bulk_create(assets)
    return Viewers(industry=viewer_for(industry_user), alliance=viewer_for(alliance_user))


def build_index(n: int) -> float:
    from tqdm import tqdm

    from oncobridge.portfolio import indexing

    started = time.perf_counter()
    with tqdm(total=n, desc="index", unit="doc", file=sys.stderr, dynamic_ncols=True) as bar:
        written = indexing.documents_rebuild(progress=bar.update)
    elapsed = time.perf_counter() - started
    if written != n:
        raise SystemExit(f"documents_rebuild wrote {written} documents, expected {n}.")
    return elapsed


# --- timing ---------------------------------------------------------------------------------------------


@contextmanager
def naive_matching() -> Iterator[None]:
    """Swap full-text matching for what one would write without an index: AND of icontains per word."""
    from django.db.models import FloatField, Q, Value

    from oncobridge.portfolio import fulltext

    def icontains(documents: Any, text: str) -> Any:
        terms = fulltext.query_terms(text)
        if not terms:
            return documents
        for term in terms:
            documents = documents.filter(Q(title__icontains=term) | Q(body__icontains=term))
        return documents.annotate(text_rank=Value(0.0, output_field=FloatField()))

    with mock.patch.object(fulltext, "filter_matching", icontains):
        yield


def time_searches(viewer: Any, repeat: int) -> dict[str, list[float]]:
    from oncobridge.portfolio.selectors import SearchFilters, portfolio_search

    timings: dict[str, list[float]] = {}
    for query_type, queries in QUERIES.items():
        samples = timings.setdefault(query_type, [])
        for query, filters in queries:
            search_filters = SearchFilters(**filters)
            portfolio_search(viewer=viewer, query=query, filters=search_filters)  # warm-up
            for _ in range(repeat):
                started = time.perf_counter()
                portfolio_search(viewer=viewer, query=query, filters=search_filters)
                samples.append((time.perf_counter() - started) * 1000)
    return timings


def percentile(samples: list[float], fraction: float) -> float:
    ordered = sorted(samples)
    return ordered[min(len(ordered) - 1, round(fraction * (len(ordered) - 1)))]


def result_sizes(viewer: Any) -> dict[str, int]:
    from oncobridge.portfolio.selectors import SearchFilters, portfolio_search

    return {
        query_type: round(
            statistics.mean(
                portfolio_search(viewer=viewer, query=query, filters=SearchFilters(**filters), limit=1).total
                for query, filters in queries
            )
        )
        for query_type, queries in QUERIES.items()
    }


def report_rows(
    viewer_name: str, search: dict[str, list[float]], naive: dict[str, list[float]], sizes: dict[str, int]
) -> Iterator[list[str]]:
    def row(label: str, hits: str, s: list[float], b: list[float]) -> list[str]:
        p50, base = statistics.median(s), statistics.median(b)
        return [
            viewer_name,
            label,
            hits,
            f"{p50:.1f}",
            f"{percentile(s, 0.95):.1f}",
            f"{max(s):.1f}",
            f"{base:.1f}",
            f"{base / p50:.1f}x",
        ]

    for query_type in QUERIES:
        yield row(query_type, str(sizes[query_type]), search[query_type], naive[query_type])
    yield row(
        "overall",
        "",
        [ms for samples in search.values() for ms in samples],
        [ms for samples in naive.values() for ms in samples],
    )


def print_table(header: list[str], rows: list[list[str]]) -> None:
    widths = [max(len(str(cell)) for cell in column) for column in zip(header, *rows, strict=True)]
    right = {2, 3, 4, 5, 6, 7}

    def fmt(cells: list[str]) -> str:
        return "  ".join(
            cell.rjust(width) if index in right else cell.ljust(width)
            for index, (cell, width) in enumerate(zip(cells, widths, strict=True))
        )

    print(fmt(header))
    print("  ".join("-" * width for width in widths))
    for cells in rows:
        print(fmt(cells))


def database_version(vendor: str) -> str:
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute("select sqlite_version()" if vendor == "sqlite" else "show server_version")
        return f"{vendor} {cursor.fetchone()[0]}"


def run(args: argparse.Namespace) -> None:
    rng = random.Random(args.seed)
    with throwaway_database(args) as vendor:
        django_setup(args.data_dir)
        step: Callable[[str], None] = lambda message: print(message, file=sys.stderr, flush=True)  # noqa: E731
        pools = build_pools(rng)
        step(f"generating {args.n:,} portfolio entries on {vendor} ...")
        started = time.perf_counter()
        viewers = generate(args.n, args.organisations, rng, pools)
        generated = time.perf_counter() - started
        build = build_index(args.n)
        if vendor == "postgresql":
            from django.db import connection

            with connection.cursor() as cursor:
                cursor.execute("ANALYZE")
        step("timing searches ...")
        rows: list[list[str]] = []
        for name, viewer in (("industry", viewers.industry), ("alliance", viewers.alliance)):
            sizes = result_sizes(viewer)
            search = time_searches(viewer, args.repeat)
            with naive_matching():
                naive = time_searches(viewer, args.baseline_repeat)
            rows.extend(report_rows(name, search, naive, sizes))
        print()
        print(
            f"portfolio search, {database_version(vendor)}, N={args.n:,} documents "
            f"({args.n // 5:,} profiles, {args.n - args.n // 5:,} assets, {args.organisations} organisations)"
        )
        print(
            f"generate {generated:.1f} s; index build (documents_rebuild) {build:.1f} s"
            f" = {args.n / build:,.0f} docs/s; "
            f"{args.repeat} timed runs per search, {args.baseline_repeat} for the naive scan"
        )
        print()
        print_table(
            ["viewer", "query type", "hits", "p50 ms", "p95 ms", "max ms", "naive p50", "ratio"], rows
        )


def main(argv: list[str] | None = None) -> None:
    run(parse_args(argv))


if __name__ == "__main__":
    main()
