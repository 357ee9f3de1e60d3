"""Cohort definitions from users: JSON criteria checked against the vocabularies and made ready to query.

The analytics core takes criteria as given; here a user's words become the core's terms: cancer types are
expanded to their OncoTree descendants, gene symbols and aliases become current HUGO symbols, and a pathway
named without genes gets its genes from the pathway vocabulary. Anything unknown is a DefinitionError that
names the field (a dotted path into the definition, e.g. `definition.items[1].gene`).
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from typing import Any

from oncobridge.analytics import (
    And,
    CancerType,
    Criterion,
    CriterionError,
    GeneMutated,
    Not,
    Or,
    PathwayAltered,
    ProteinChange,
    VariantClass,
    criterion_from_dict,
    criterion_to_dict,
)
from oncobridge.core.errors import ServiceError
from oncobridge.core.vocabularies import vocabularies

ROOT = "definition"
MAX_DEPTH = 24
MAX_NODES = 2000


class DefinitionError(ServiceError):
    status = 422
    title = "Invalid cohort definition"


def _join(path: str, name: str) -> str:
    return f"{path}.{name}" if path else name


def _loose(name: str) -> str:
    return re.sub(r"[\s\-_/]", "", name).upper()


def pathway_genes(name: str) -> tuple[str, tuple[str, ...]] | None:
    """The pathway's canonical name and genes, matched loosely ("rtk ras" finds RTK-RAS); None if unknown."""
    wanted = _loose(name)
    for pathway, genes in vocabularies().pathways.items():
        if _loose(pathway) == wanted:
            return pathway, tuple(sorted(genes))
    return None


def pathway_names() -> list[str]:
    return sorted(vocabularies().pathways)


def _fill_pathways(data: Any, path: str) -> Any:
    """A copy of the JSON where a pathway given by name alone carries its vocabulary genes."""
    if isinstance(data, list):
        return [_fill_pathways(item, f"{path}[{index}]") for index, item in enumerate(data)]
    if not isinstance(data, Mapping):
        return data
    filled = {key: _fill_pathways(value, _join(path, key)) for key, value in data.items()}
    if filled.get("type") == "pathway_altered" and not filled.get("genes"):
        name = filled.get("name")
        found = pathway_genes(name) if isinstance(name, str) else None
        if found is None:
            known = ", ".join(pathway_names())
            raise DefinitionError(
                f"Unknown pathway {name!r}; known pathways: {known}.", field=_join(path, "name")
            )
        filled["name"], filled["genes"] = found[0], list(found[1])
    return filled


def gene_normalise(symbol: str, *, field: str) -> str:
    """The current HUGO symbol for a symbol or alias; DefinitionError naming the field when unknown."""
    normalised = vocabularies().genes.normalise(symbol)
    if normalised is None:
        raise DefinitionError(f"Unknown gene {symbol!r}.", field=field)
    return normalised


def cancer_type_expand(code: str, *, field: str) -> set[str]:
    oncotree = vocabularies().oncotree
    if code.upper() not in oncotree:
        raise DefinitionError(f"Unknown OncoTree code {code!r}.", field=field)
    return oncotree.descendants(code.upper())


def _resolve(criterion: Criterion, path: str) -> Criterion:
    if isinstance(criterion, And | Or):
        items = tuple(
            _resolve(item, f"{_join(path, 'items')}[{index}]") for index, item in enumerate(criterion.items)
        )
        return And(items=items) if isinstance(criterion, And) else Or(items=items)
    if isinstance(criterion, Not):
        return Not(item=_resolve(criterion.item, _join(path, "item")))
    if isinstance(criterion, CancerType):
        codes: set[str] = set()
        for index, code in enumerate(criterion.codes):
            codes |= cancer_type_expand(code, field=f"{_join(path, 'codes')}[{index}]")
        return CancerType(codes=tuple(sorted(codes)))
    if isinstance(criterion, GeneMutated):
        gene = gene_normalise(criterion.gene, field=_join(path, "gene"))
        return GeneMutated(gene=gene, include_silent=criterion.include_silent)
    if isinstance(criterion, ProteinChange):
        gene = gene_normalise(criterion.gene, field=_join(path, "gene"))
        return ProteinChange(gene=gene, change=criterion.change)
    if isinstance(criterion, VariantClass) and criterion.gene is not None:
        gene = gene_normalise(criterion.gene, field=_join(path, "gene"))
        return VariantClass(classes=criterion.classes, gene=gene)
    if isinstance(criterion, PathwayAltered):
        known = frozenset().union(*vocabularies().pathways.values())
        genes = tuple(
            sorted(
                {
                    # The pathway vocabulary's own genes stand even where the gene list is a subset.
                    gene.upper()
                    if gene.upper() in known and gene.upper() not in vocabularies().genes
                    else gene_normalise(gene, field=f"{_join(path, 'genes')}[{index}]")
                    for index, gene in enumerate(criterion.genes)
                }
            )
        )
        return PathwayAltered(name=criterion.name, genes=genes)
    return criterion


def definition_parse(data: object, *, field: str = ROOT) -> Criterion | None:
    """A user's JSON definition as a criterion ready for the core; None or {} means everyone."""
    if data is None or data == {}:
        return None
    _check_size(data, field)
    try:
        return _resolve(criterion_from_dict(_fill_pathways(data, "")), "")
    except CriterionError as exc:
        raise DefinitionError(exc.message, field=_join(field, exc.field or "")) from None
    except DefinitionError as exc:
        raise DefinitionError(exc.message, field=_join(field, exc.field or "")) from None


def _check_size(data: object, field: str) -> None:
    """A definition a person could write: bounded depth and size (deeper JSON is a mistake or a probe)."""
    nodes = 0
    stack: list[tuple[object, int]] = [(data, 1)]
    while stack:
        node, depth = stack.pop()
        nodes += 1
        if depth > MAX_DEPTH or nodes > MAX_NODES:
            raise DefinitionError(
                f"A definition nests at most {MAX_DEPTH} levels and holds at most {MAX_NODES} values.",
                field=field,
            )
        if isinstance(node, Mapping):
            stack.extend((value, depth + 1) for value in node.values())
        elif isinstance(node, list | tuple):
            stack.extend((value, depth + 1) for value in node)


def definition_check(data: object, *, field: str = ROOT) -> dict[str, Any] | None:
    """The definition as it will be stored: the user's terms, validated (not expanded, so it stays short)."""
    if data is None or data == {}:
        return None
    definition_parse(data, field=field)
    return criterion_to_dict(criterion_from_dict(_fill_pathways(data, "")))


def definition_describe(data: Mapping[str, Any] | None) -> str:
    """A one-line reading of a stored definition, for lists and audit trails."""
    if not data:
        return "everyone"
    kind = data.get("type")
    if kind in ("and", "or"):
        parts = [definition_describe(item) for item in data.get("items", [])]
        return "(" + f" {str(kind).upper()} ".join(parts) + ")"
    if kind == "not":
        return f"NOT {definition_describe(data.get('item'))}"
    if kind == "cancer_type":
        return "cancer type " + "/".join(data.get("codes", []))
    if kind == "age_range":
        low, high = data.get("min_years"), data.get("max_years")
        return f"age {'' if low is None else f'{low:g}'}-{'' if high is None else f'{high:g}'}"
    if kind == "sex":
        return f"sex {data.get('value')}"
    if kind == "stage":
        return "stage " + "/".join(data.get("values", []))
    if kind == "attribute":
        value = data.get("value")
        shown = "/".join(value) if isinstance(value, list) else value
        return f"{data.get('name')} {data.get('op')} {shown}"
    if kind == "gene_mutated":
        return f"{data.get('gene')} mutated"
    if kind == "protein_change":
        return f"{data.get('gene')} {data.get('change')}"
    if kind == "variant_class":
        classes = "/".join(data.get("classes", []))
        return f"{data.get('gene')} {classes}" if data.get("gene") else classes
    if kind == "pathway_altered":
        return f"{data.get('name')} pathway altered"
    return str(kind)
