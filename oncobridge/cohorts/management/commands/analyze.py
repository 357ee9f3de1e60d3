"""`oncobridge analyze frequencies|survival|cooccurrence`: analyses of a dataset from the command line.

The forms are fixed (scripts rely on them):
    oncobridge analyze frequencies SLUG [--top N] --json
        a JSON list of {"gene", "altered_samples", "profiled_samples", "frequency"}
    oncobridge analyze survival SLUG --gene GENE [--endpoint OS|PFS|DFS|RFS|EFS|DSS] --json
        {"groups": [{"label", "n", "events", "median_months"}...], "logrank_p", "hazard_ratio"}
    oncobridge analyze cooccurrence SLUG --genes A,B,C --json
        a JSON list of {"gene_a", "gene_b", "both", "a_only", "b_only", "neither",
                        "odds_ratio", "p_value", "q_value", "relation"}
`--as EMAIL` applies that person's permissions and small-cell suppression; without it the operator runs
the analysis with full access (still audited, as "operator"). `--definition JSON` narrows to a cohort.
Without --json a readable table is printed. Bad input exits non-zero with a one-line error.
"""

from __future__ import annotations

import json
from dataclasses import asdict
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from oncobridge.cohorts import analyses
from oncobridge.cohorts.analyses import SurvivalGrouping, scope_build
from oncobridge.cohorts.management.commands._cohort_cli import (
    actor_from,
    definition_from,
    split_list,
    write_table,
)
from oncobridge.core.errors import ServiceError

PAIR_COLUMNS = (
    "gene_a",
    "gene_b",
    "both",
    "a_only",
    "b_only",
    "neither",
    "odds_ratio",
    "p_value",
    "q_value",
    "relation",
)


class Command(BaseCommand):
    help = "Mutation frequencies, survival by gene, or co-occurrence of genes in a dataset."

    def add_arguments(self, parser: CommandParser) -> None:
        actions = parser.add_subparsers(
            dest="analysis", required=True, metavar="{frequencies,survival,cooccurrence}"
        )
        frequencies = actions.add_parser("frequencies", help="Mutated samples per gene (panel-aware).")
        frequencies.add_argument("--top", type=int, default=20, help="The N most mutated genes (20).")
        survival = actions.add_parser("survival", help="Kaplan-Meier: a gene's mutated vs wild type.")
        survival.add_argument("--gene", required=True)
        survival.add_argument(
            "--endpoint",
            help="OS, PFS, DFS, RFS, EFS, DSS or another the dataset holds (default: OS, else the first).",
        )
        cooccurrence = actions.add_parser("cooccurrence", help="Fisher's exact test for gene pairs.")
        cooccurrence.add_argument("--genes", required=True, help="Comma-separated, e.g. TP53,PIK3CA,CDH1.")
        for sub in (frequencies, survival, cooccurrence):
            sub.add_argument("slug", help="The dataset's slug.")
            sub.add_argument("--definition", help="A cohort definition (JSON) to narrow the dataset.")
            sub.add_argument("--json", action="store_true", help="One JSON document on standard output.")
            sub.add_argument("--as", dest="as_user", help="Act as this person (e-mail), with their rights.")

    def handle(self, *args: Any, **options: Any) -> None:
        try:
            scope = scope_build(
                actor=actor_from(options),
                datasets=[options["slug"]],
                definition=definition_from(options),
            )
            if options["analysis"] == "frequencies":
                self._frequencies(scope, options)
            elif options["analysis"] == "survival":
                self._survival(scope, options)
            else:
                self._cooccurrence(scope, options)
        except ServiceError as exc:
            where = f" ({exc.field})" if exc.field else ""
            raise CommandError(f"{exc.message}{where}") from None

    def _frequencies(self, scope: analyses.Scope, options: dict[str, Any]) -> None:
        rows = analyses.analysis_frequencies(scope=scope, top=options["top"])
        if options["json"]:
            self.stdout.write(json.dumps([asdict(row) for row in rows], indent=2))
            return
        write_table(
            self.stdout,
            ["gene", "altered", "profiled", "frequency"],
            [[r.gene, r.altered_samples, r.profiled_samples, r.frequency] for r in rows],
        )

    def _survival(self, scope: analyses.Scope, options: dict[str, Any]) -> None:
        view, _ = analyses.analysis_survival(
            scope=scope, grouping=SurvivalGrouping(gene=options["gene"]), endpoint=options["endpoint"]
        )
        if options["json"]:
            document = {
                "groups": [
                    {"label": g.label, "n": g.n, "events": g.events, "median_months": g.median_months}
                    for g in view.groups
                ],
                "logrank_p": view.logrank_p,
                "hazard_ratio": view.hazard_ratio,
            }
            self.stdout.write(json.dumps(document, indent=2))
            return
        write_table(
            self.stdout,
            ["group", "n", "events", "median months"],
            [[g.label, g.n, g.events, g.median_months] for g in view.groups],
        )
        ci = view.hazard_ratio_ci
        hazard = "-" if view.hazard_ratio is None else f"{view.hazard_ratio:.3g}"
        if ci is not None and view.hazard_ratio is not None:
            hazard += f" (95% CI {ci[0]:.3g}-{ci[1]:.3g})"
        logrank = "-" if view.logrank_p is None else f"{view.logrank_p:.3g}"
        self.stdout.write(f"{view.endpoint}: log-rank p = {logrank}; hazard ratio = {hazard}")

    def _cooccurrence(self, scope: analyses.Scope, options: dict[str, Any]) -> None:
        pairs = analyses.analysis_cooccurrence(scope=scope, genes=split_list(options["genes"]))
        if options["json"]:
            self.stdout.write(json.dumps([asdict(pair) for pair in pairs], indent=2))
            return
        write_table(
            self.stdout,
            ["gene a", "gene b", "both", "a only", "b only", "neither", "odds ratio", "p", "q", "relation"],
            [[getattr(pair, name) for name in PAIR_COLUMNS] for pair in pairs],
        )
