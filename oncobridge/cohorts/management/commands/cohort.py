"""`oncobridge cohort count`: how many patients and samples match, per dataset.

The form is fixed (scripts rely on it):
    oncobridge cohort count --datasets SLUG[,SLUG] [--gene-mutated G] [--protein-change P]
                            [--cancer-type CODE] --json
        {"patients", "samples", "by_dataset": [{"dataset", "title", "patients", "samples", "row_access"}...],
         "threshold", "aggregate_only"}, as POST /api/v1/cohorts/count answers
The criteria given are combined with AND. --protein-change takes "GENE CHANGE" ("KRAS p.G12C", "KRAS:G12C")
or just the change when --gene-mutated names the gene. --cancer-type includes the code's OncoTree
descendants. `--as EMAIL` applies that person's permissions and suppression (a small count reads "<k");
without it the operator counts with full access (still audited, as "operator").
"""

from __future__ import annotations

import json
import re
from dataclasses import asdict
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from oncobridge.cohorts import analyses
from oncobridge.cohorts.analyses import scope_build
from oncobridge.cohorts.management.commands._cohort_cli import (
    actor_from,
    definition_from,
    split_list,
    write_table,
)
from oncobridge.core.errors import ServiceError


def protein_change_criterion(value: str, gene: str | None) -> dict[str, Any]:
    parts = [part for part in re.split(r"[\s:]+", value.strip()) if part]
    if len(parts) == 2:
        return {"type": "protein_change", "gene": parts[0], "change": parts[1]}
    if len(parts) == 1 and gene:
        return {"type": "protein_change", "gene": gene, "change": parts[0]}
    raise CommandError(f"--protein-change {value!r}: give the gene and the change, e.g. 'KRAS p.G12C'.")


class Command(BaseCommand):
    help = "Count a cohort's patients and samples across datasets."

    def add_arguments(self, parser: CommandParser) -> None:
        actions = parser.add_subparsers(dest="action", required=True, metavar="{count}")
        count = actions.add_parser("count", help="Patients and samples matching the criteria.")
        count.add_argument("--datasets", required=True, help="Dataset slugs, comma-separated.")
        count.add_argument("--gene-mutated", help="A gene with a non-silent coding mutation.")
        count.add_argument("--protein-change", help="e.g. 'KRAS p.G12C'.")
        count.add_argument("--cancer-type", help="An OncoTree code (descendants included).")
        count.add_argument("--definition", help="A full cohort definition (JSON), ANDed with the rest.")
        count.add_argument("--json", action="store_true", help="One JSON document on standard output.")
        count.add_argument("--as", dest="as_user", help="Act as this person (e-mail), with their rights.")

    def handle(self, *args: Any, **options: Any) -> None:
        items: list[object] = []
        if options["cancer_type"]:
            items.append({"type": "cancer_type", "codes": [options["cancer_type"]]})
        if options["gene_mutated"]:
            items.append({"type": "gene_mutated", "gene": options["gene_mutated"]})
        if options["protein_change"]:
            items.append(protein_change_criterion(options["protein_change"], options["gene_mutated"]))
        extra = definition_from(options)
        if extra is not None:
            items.append(extra)
        definition = None if not items else items[0] if len(items) == 1 else {"type": "and", "items": items}
        datasets = split_list(options["datasets"])
        if not datasets:
            raise CommandError("--datasets: name at least one dataset.")
        try:
            scope = scope_build(actor=actor_from(options), datasets=datasets, definition=definition)
            result = analyses.cohort_count(scope=scope)
        except ServiceError as exc:
            where = f" ({exc.field})" if exc.field else ""
            raise CommandError(f"{exc.message}{where}") from None
        if options["json"]:
            self.stdout.write(json.dumps(asdict(result), indent=2))
            return
        write_table(
            self.stdout,
            ["dataset", "patients", "samples"],
            [[row.dataset, row.patients, row.samples] for row in result.by_dataset]
            + [["total", result.patients, result.samples]],
        )
