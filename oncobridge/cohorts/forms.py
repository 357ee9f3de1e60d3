"""The cohort builder's rows: each row one criterion (optionally negated), all combined with AND or OR.

A row posts `c<i>-kind`, `c<i>-a`, `c<i>-b`, `c<i>-op` and `c<i>-not`; what `a` and `b` mean depends on the
kind (ROW_KINDS). The rows become the analytics core's JSON definition, and an error the definition check
reports for `definition.items[<n>]...` is shown on the row it came from.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from oncobridge.analytics.definitions import ATTRIBUTE_OPS, SEXES
from oncobridge.cohorts.criteria import DefinitionError

MAX_ROWS = 20


@dataclass(frozen=True)
class RowKind:
    label: str
    a_label: str
    b_label: str = ""  # empty: the kind has no second value
    a_placeholder: str = ""
    b_placeholder: str = ""
    has_op: bool = False


ROW_KINDS: dict[str, RowKind] = {
    "cancer_type": RowKind(
        "Cancer type", "OncoTree codes", a_placeholder="BRCA, LUAD (descendants included)"
    ),
    "age_range": RowKind("Age range", "From (years)", "To (years)", "40", "70"),
    "sex": RowKind("Sex", "Sex", a_placeholder=" / ".join(SEXES)),
    "stage": RowKind("Stage", "Stages", a_placeholder="III, IV (prefixes: III matches IIIA)"),
    "attribute": RowKind("Clinical attribute", "Attribute", "Value", "SMOKING_HISTORY", "Never", has_op=True),
    "gene_mutated": RowKind("Gene mutated", "Gene", a_placeholder="TP53"),
    "protein_change": RowKind("Protein change", "Gene", "Change", "KRAS", "p.G12C"),
    "variant_class": RowKind(
        "Variant class", "Classes", "Gene (optional)", "Nonsense_Mutation, Frame_Shift_Del", "APC"
    ),
    "pathway_altered": RowKind("Pathway altered", "Pathway", a_placeholder="RTK-RAS"),
}
_OP_LABELS = {"eq": "=", "ne": "≠", "lt": "<", "le": "≤", "gt": ">", "ge": "≥", "in": "is one of"}
OPS = {op: _OP_LABELS[op] for op in ATTRIBUTE_OPS}  # a new operator in the core fails loudly here


@dataclass
class CriterionRow:
    index: int
    kind: str = "gene_mutated"
    a: str = ""
    b: str = ""
    op: str = "eq"
    negate: bool = False
    error: str = ""

    @property
    def spec(self) -> RowKind:
        return ROW_KINDS[self.kind]

    @property
    def blank(self) -> bool:
        return not self.a.strip() and not self.b.strip()


def _list(text: str) -> list[str]:
    return [part.strip() for part in text.split(",") if part.strip()]


def _number(text: str, row: CriterionRow, label: str) -> float | None:
    if not text.strip():
        return None
    try:
        return float(text)
    except ValueError:
        raise DefinitionError(
            f"Row {row.index + 1}: {label} must be a number.", field=f"row{row.index}"
        ) from None


def rows_from(data: Mapping[str, Any]) -> list[CriterionRow]:
    """The builder's rows in order; an unknown kind falls back to 'gene mutated'."""
    indices = sorted({int(m.group(1)) for key in data if (m := re.fullmatch(r"c(\d{1,3})-kind", key))})
    rows = []
    for index in indices[:MAX_ROWS]:
        kind = str(data.get(f"c{index}-kind", ""))
        rows.append(
            CriterionRow(
                index=index,
                kind=kind if kind in ROW_KINDS else "gene_mutated",
                a=str(data.get(f"c{index}-a", ""))[:500],
                b=str(data.get(f"c{index}-b", ""))[:500],
                op=str(data.get(f"c{index}-op", "eq")) if data.get(f"c{index}-op") in OPS else "eq",
                negate=bool(data.get(f"c{index}-not")),
            )
        )
    return rows


def row_criterion(row: CriterionRow) -> dict[str, Any]:
    a, b = row.a.strip(), row.b.strip()
    kind = row.kind
    data: dict[str, Any]
    if kind == "cancer_type":
        data = {"type": kind, "codes": _list(a)}
    elif kind == "age_range":
        data = {
            "type": kind,
            "min_years": _number(a, row, "From"),
            "max_years": _number(b, row, "To"),
        }
    elif kind == "sex":
        data = {"type": kind, "value": a}
    elif kind == "stage":
        data = {"type": kind, "values": _list(a)}
    elif kind == "attribute":
        value: Any = _list(b) if row.op == "in" else b
        data = {"type": kind, "name": a, "op": row.op, "value": value}
    elif kind == "gene_mutated":
        data = {"type": kind, "gene": a}
    elif kind == "protein_change":
        data = {"type": kind, "gene": a, "change": b}
    elif kind == "variant_class":
        data = {"type": kind, "classes": _list(a), "gene": b or None}
    else:
        data = {"type": "pathway_altered", "name": a}
    return {"type": "not", "item": data} if row.negate else data


def builder_definition(
    rows: list[CriterionRow], combine: str
) -> tuple[dict[str, Any] | None, list[CriterionRow]]:
    """The definition of the non-blank rows (None: everyone), and those rows in definition order."""
    used = [row for row in rows if not row.blank]
    if not used:
        return None, []
    items = [row_criterion(row) for row in used]
    return {"type": "or" if combine == "or" else "and", "items": items}, used


def attach_error(error: DefinitionError, rows: list[CriterionRow], used: list[CriterionRow]) -> bool:
    """Show a definition error on its row; False when it belongs to no row (then show it on the form)."""
    field = error.field or ""
    match = re.search(r"items\[(\d+)\]", field) or re.fullmatch(r"row(\d+)", field)
    if match is None:
        return False
    position = int(match.group(1))
    if field.startswith("row"):
        target = next((row for row in rows if row.index == position), None)
    else:
        target = used[position] if position < len(used) else None
    if target is None:
        return False
    target.error = error.message
    return True
