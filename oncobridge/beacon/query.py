"""A Beacon request, from GET query parameters or a POST request body, parsed into one shape.

Both forms end in a `BeaconQuery`; anything malformed raises `BeaconRequestError` naming the parameter,
which the views answer with a beaconErrorResponse (400), never a stack trace.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from django.http import HttpRequest, QueryDict

from oncobridge.beacon.framework import (
    DEFAULT_LIMIT,
    GRANULARITIES,
    INCLUDE_RESULTSETS,
    Granularity,
    Pagination,
    RequestSummary,
)

MAX_POSITION = 3_000_000_000  # longer than any chromosome; keeps positions inside 64-bit arithmetic
FILTER_OPERATORS = ("=", "<", ">", "!", ">=", "<=")
# Genomic-variant request parameters of the default model (genomicVariations/requestParameters.json).
VARIANT_PARAMETERS = (
    "assemblyId",
    "referenceName",
    "start",
    "end",
    "referenceBases",
    "alternateBases",
    "geneId",
    "aminoacidChange",
    "variantType",
)
DATASET_PARAMETERS = ("datasets", "datasetIds")
GET_PARAMETERS = frozenset(
    {
        *VARIANT_PARAMETERS,
        *DATASET_PARAMETERS,
        "requestedGranularity",
        "filters",
        "skip",
        "limit",
        "includeResultsetResponses",
        "testMode",
        "apiVersion",
        "requestedSchemas",
    }
)


class BeaconRequestError(Exception):
    """A request the beacon cannot answer as asked; the message names the offending parameter."""

    def __init__(self, message: str, *, status: int = 400, summary: RequestSummary | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.status = status
        self.summary = summary or RequestSummary()


@dataclass(frozen=True)
class Filter:
    """One Beacon filter: an ontology term (`operator` None) or an alphanumeric comparison."""

    id: str
    operator: str | None = None
    value: str | None = None
    include_descendants: bool = True
    scope: str | None = None

    @property
    def label(self) -> str:
        return self.id if self.operator is None else f"{self.id}{self.operator}{self.value}"


@dataclass(frozen=True)
class VariantParameters:
    assembly: str | None = None
    reference_name: str | None = None
    start: tuple[int, ...] = ()  # 0-based, as Beacon sends them
    end: tuple[int, ...] = ()
    reference_bases: str | None = None
    alternate_bases: str | None = None
    gene_id: str | None = None
    aminoacid_change: str | None = None
    variant_type: str | None = None

    @property
    def any(self) -> bool:
        return any(getattr(self, name) for name in self.__dataclass_fields__)

    @property
    def positional(self) -> bool:
        return bool(
            self.start or self.end or self.reference_name or self.reference_bases or self.alternate_bases
        )

    def as_dict(self) -> dict[str, Any]:
        names = {
            "assembly": "assemblyId",
            "reference_name": "referenceName",
            "start": "start",
            "end": "end",
            "reference_bases": "referenceBases",
            "alternate_bases": "alternateBases",
            "gene_id": "geneId",
            "aminoacid_change": "aminoacidChange",
            "variant_type": "variantType",
        }
        out: dict[str, Any] = {}
        for attribute, name in names.items():
            value = getattr(self, attribute)
            if value:
                out[name] = list(value) if isinstance(value, tuple) else value
        return out


@dataclass(frozen=True)
class BeaconQuery:
    granularity: Granularity = "boolean"
    filters: tuple[Filter, ...] = ()
    variant: VariantParameters = field(default_factory=VariantParameters)
    datasets: tuple[str, ...] = ()
    pagination: Pagination = field(default_factory=Pagination)
    include_resultsets: str = "HIT"
    test_mode: bool = False

    @property
    def summary(self) -> RequestSummary:
        parameters: dict[str, dict[str, Any]] = {}
        if self.variant.any:
            parameters["g_variant"] = self.variant.as_dict()
        if self.datasets:
            parameters["datasets"] = {"datasetIds": list(self.datasets)}
        return RequestSummary(
            requested_granularity=self.granularity,
            filters=tuple(item.label for item in self.filters),
            request_parameters=parameters,
            pagination=self.pagination,
            include_resultsets=self.include_resultsets,
            test_mode=self.test_mode,
        )


def query_from_request(request: HttpRequest) -> BeaconQuery:
    """The Beacon query of a GET (query string) or POST (JSON request body)."""
    if request.method == "POST":
        if not request.body.strip():
            return query_from_get(request.GET)
        try:
            body = json.loads(request.body)
        except (ValueError, UnicodeDecodeError):
            raise BeaconRequestError("The request body is not valid JSON.") from None
        return query_from_body(body)
    return query_from_get(request.GET)


def _granularity(value: object, name: str) -> Granularity:
    if value not in GRANULARITIES:
        raise BeaconRequestError(f"'{name}' must be one of {', '.join(GRANULARITIES)}; got {value!r}.")
    return value


def _include(value: object, name: str) -> str:
    if value not in INCLUDE_RESULTSETS:
        raise BeaconRequestError(f"'{name}' must be one of {', '.join(INCLUDE_RESULTSETS)}; got {value!r}.")
    return str(value)


def _non_negative(value: object, name: str) -> int:
    if isinstance(value, str) and value.strip().isdigit():
        value = int(value.strip())
    if isinstance(value, bool) or not isinstance(value, int) or value < 0:
        raise BeaconRequestError(f"'{name}' must be a whole number of 0 or more; got {value!r}.")
    return value


def _boolean(value: object, name: str) -> bool:
    if isinstance(value, bool):
        return value
    if isinstance(value, str) and value.lower() in {"true", "false"}:
        return value.lower() == "true"
    raise BeaconRequestError(f"'{name}' must be true or false; got {value!r}.")


def _text(value: object, name: str) -> str:
    if not isinstance(value, str | int) or isinstance(value, bool) or not str(value).strip():
        raise BeaconRequestError(f"'{name}' must be a non-empty string; got {value!r}.")
    return str(value).strip()


def _positions(value: object, name: str) -> tuple[int, ...]:
    items: list[object]
    if isinstance(value, str):
        items = [part for part in value.split(",") if part.strip()]
    elif isinstance(value, list):
        items = list(value)
    else:
        items = [value]
    if not 1 <= len(items) <= 2:
        raise BeaconRequestError(f"'{name}' takes one position, or two for a bracket query.")
    positions = tuple(_non_negative(item, name) for item in items)
    if any(position > MAX_POSITION for position in positions):
        raise BeaconRequestError(f"'{name}' is beyond any chromosome (at most {MAX_POSITION:,}).")
    return positions


def _bases(value: object, name: str) -> str:
    bases = _text(value, name).upper()
    if bases in {"N", "-"}:
        return bases
    if any(base not in "ACGTUNRYSWKMBDHV-." for base in bases):
        raise BeaconRequestError(f"'{name}' must be bases (A, C, G, T, N...); got {value!r}.")
    return bases


def _variant_parameters(source: Mapping[str, Any], prefix: str = "") -> VariantParameters:
    def get(name: str) -> Any:
        value = source.get(name)
        return None if value in (None, "", []) else value

    def text(name: str) -> str | None:
        value = get(name)
        return None if value is None else _text(value, f"{prefix}{name}")

    def bases(name: str) -> str | None:
        value = get(name)
        return None if value is None else _bases(value, f"{prefix}{name}")

    start, end = get("start"), get("end")
    return VariantParameters(
        assembly=text("assemblyId"),
        reference_name=text("referenceName"),
        start=() if start is None else _positions(start, f"{prefix}start"),
        end=() if end is None else _positions(end, f"{prefix}end"),
        reference_bases=bases("referenceBases"),
        alternate_bases=bases("alternateBases"),
        gene_id=text("geneId"),
        aminoacid_change=text("aminoacidChange"),
        variant_type=text("variantType"),
    )


def _dataset_ids(value: object, name: str) -> tuple[str, ...]:
    if isinstance(value, str):
        items: list[object] = [part for part in value.split(",") if part.strip()]
    elif isinstance(value, list):
        items = list(value)
    else:
        raise BeaconRequestError(f"'{name}' must be a list of dataset ids.")
    return tuple(dict.fromkeys(_text(item, name) for item in items))


def query_from_get(params: QueryDict) -> BeaconQuery:
    unknown = sorted(set(params) - GET_PARAMETERS)
    if unknown:
        raise BeaconRequestError(
            f"Unknown query parameter {', '.join(repr(name) for name in unknown)}; "
            "see /beacon/v2/map and the Beacon v2 specification for the ones this beacon understands."
        )
    flat = {name: params.get(name) for name in params}
    filters = tuple(
        Filter(id=part.strip()) for part in (flat.get("filters") or "").split(",") if part.strip()
    )
    datasets: tuple[str, ...] = ()
    for name in DATASET_PARAMETERS:
        if flat.get(name):
            datasets = _dataset_ids(flat[name], name)
    return BeaconQuery(
        granularity=_granularity(flat.get("requestedGranularity") or "boolean", "requestedGranularity"),
        filters=filters,
        variant=_variant_parameters(flat),
        datasets=datasets,
        pagination=Pagination(
            skip=_non_negative(flat.get("skip") or 0, "skip"),
            limit=_non_negative(flat.get("limit") or DEFAULT_LIMIT, "limit"),
        ),
        include_resultsets=_include(
            flat.get("includeResultsetResponses") or "HIT", "includeResultsetResponses"
        ),
        test_mode=_boolean(flat.get("testMode") or "false", "testMode"),
    )


def _filter(item: object, index: int) -> Filter:
    name = f"query.filters[{index}]"
    if isinstance(item, str):
        return Filter(id=_text(item, name))
    if not isinstance(item, Mapping):
        raise BeaconRequestError(f"'{name}' must be a filter object with an 'id'.")
    term = _text(item.get("id"), f"{name}.id")
    scope = item.get("scope")
    if scope is not None:
        scope = _text(scope, f"{name}.scope")
    if "operator" in item or "value" in item:
        operator = item.get("operator", "=")
        if operator not in FILTER_OPERATORS:
            raise BeaconRequestError(
                f"'{name}.operator' must be one of {' '.join(FILTER_OPERATORS)}; got {operator!r}."
            )
        return Filter(
            id=term, operator=str(operator), value=_text(item.get("value"), f"{name}.value"), scope=scope
        )
    include = item.get("includeDescendantTerms", True)
    return Filter(
        id=term, include_descendants=_boolean(include, f"{name}.includeDescendantTerms"), scope=scope
    )


def query_from_body(body: object) -> BeaconQuery:
    if not isinstance(body, Mapping):
        raise BeaconRequestError("The request body must be a JSON object with 'meta' and 'query'.")
    meta = body.get("meta", {})
    if not isinstance(meta, Mapping):
        raise BeaconRequestError("'meta' must be an object.")
    query = body.get("query", {})
    if not isinstance(query, Mapping):
        raise BeaconRequestError("'query' must be an object.")
    raw_filters = query.get("filters", [])
    if not isinstance(raw_filters, list):
        raise BeaconRequestError("'query.filters' must be a list of filters.")
    parameters = query.get("requestParameters", {})
    if not isinstance(parameters, Mapping):
        raise BeaconRequestError("'query.requestParameters' must be an object.")
    # Parameters may come flat ({"geneId": ...}) or grouped by entry type ({"g_variant": {...}}).
    variant_source: Mapping[str, Any] = parameters
    prefix = "query.requestParameters."
    grouped = parameters.get("g_variant")
    if isinstance(grouped, Mapping):
        variant_source, prefix = grouped, "query.requestParameters.g_variant."
    unknown = sorted(set(parameters) - {*VARIANT_PARAMETERS, *DATASET_PARAMETERS, "g_variant", "$schema"})
    if unknown:
        raise BeaconRequestError(
            f"Unknown request parameter {', '.join(repr(name) for name in unknown)} "
            "in query.requestParameters."
        )
    datasets: tuple[str, ...] = ()
    for name in DATASET_PARAMETERS:
        value = parameters.get(name)
        if isinstance(value, Mapping):
            value = value.get("datasetIds")
        if value:
            datasets = _dataset_ids(value, f"query.requestParameters.{name}")
    pagination = query.get("pagination", {})
    if not isinstance(pagination, Mapping):
        raise BeaconRequestError("'query.pagination' must be an object with 'skip' and 'limit'.")
    granularity = query.get("requestedGranularity", meta.get("requestedGranularity", "boolean"))
    return BeaconQuery(
        granularity=_granularity(granularity, "query.requestedGranularity"),
        filters=tuple(_filter(item, index) for index, item in enumerate(raw_filters)),
        variant=_variant_parameters(variant_source, prefix),
        datasets=datasets,
        pagination=Pagination(
            skip=_non_negative(pagination.get("skip", 0), "query.pagination.skip"),
            limit=_non_negative(pagination.get("limit", DEFAULT_LIMIT), "query.pagination.limit"),
        ),
        include_resultsets=_include(
            query.get("includeResultsetResponses", "HIT"), "query.includeResultsetResponses"
        ),
        test_mode=_boolean(query.get("testMode", False), "query.testMode"),
    )
