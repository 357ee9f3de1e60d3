"""The Beacon v2 framework's vocabulary and response shapes (v2.1.1): the one place they are written.

Every response this app returns is built here, so that each one has the `meta` section the framework
requires (beaconId, apiVersion, returnedSchemas, returnedGranularity, receivedRequestSummary) and the
right envelope: boolean, count, result sets, collections, informational, or error.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any, Literal

API_VERSION = "v2.1.1"
BEACON_ID = "org.oncobridge.beacon"
BEACON_NAME = "OncoBridge Beacon"
SCHEMA_BASE = "https://raw.githubusercontent.com/ga4gh-beacon/beacon-v2/main"
JSON_SCHEMA = "https://json-schema.org/draft/2020-12/schema"

Granularity = Literal["boolean", "count", "record"]
GRANULARITIES: tuple[Granularity, ...] = ("boolean", "count", "record")
INCLUDE_RESULTSETS = ("ALL", "HIT", "MISS", "NONE")
DEFAULT_LIMIT = 10
MAX_LIMIT = 500


def granularity_rank(granularity: Granularity) -> int:
    return GRANULARITIES.index(granularity)


def finer(a: Granularity, b: Granularity) -> Granularity:
    return a if granularity_rank(a) >= granularity_rank(b) else b


def coarser(a: Granularity, b: Granularity) -> Granularity:
    return a if granularity_rank(a) <= granularity_rank(b) else b


@dataclass(frozen=True)
class EntryType:
    """One Beacon entry type: its id in the configuration, its URL segment and its default schema."""

    id: str
    name: str
    path: str
    model_dir: str
    ontology_id: str
    ontology_label: str
    collection: bool = False

    @property
    def schema_url(self) -> str:
        return f"{SCHEMA_BASE}/models/json/beacon-v2-default-model/{self.model_dir}/defaultSchema.json"

    @property
    def returned_schema(self) -> dict[str, str]:
        return {"entityType": self.id, "schema": f"beacon-{self.id}-{API_VERSION}"}

    def definition(self) -> dict[str, Any]:
        """The entryTypeDefinition of the configuration and /entry_types."""
        definition: dict[str, Any] = {
            "id": self.id,
            "name": self.name,
            "ontologyTermForThisType": {"id": self.ontology_id, "label": self.ontology_label},
            "partOfSpecification": f"Beacon {API_VERSION}",
            "defaultSchema": {
                "id": f"beacon-{self.id}-{API_VERSION}",
                "name": f"Default schema for {self.name.lower()}",
                "referenceToSchemaDefinition": self.schema_url,
                "schemaVersion": API_VERSION,
            },
            "nonFilteredQueriesAllowed": True,
        }
        if not self.collection:
            definition["aCollectionOf"] = []
        return definition


DATASET = EntryType("dataset", "Dataset", "datasets", "datasets", "NCIT:C47824", "Data set", True)
COHORT = EntryType("cohort", "Cohort", "cohorts", "cohorts", "NCIT:C61512", "Cohort", True)
INDIVIDUAL = EntryType("individual", "Individual", "individuals", "individuals", "NCIT:C25190", "Person")
BIOSAMPLE = EntryType("biosample", "Biosample", "biosamples", "biosamples", "NCIT:C70699", "Biospecimen")
GENOMIC_VARIANT = EntryType(
    "genomicVariation",
    "Genomic variation",
    "g_variants",
    "genomicVariations",
    "ENSGLOSSARY:0000092",
    "Variant",
)
ENTRY_TYPES: tuple[EntryType, ...] = (DATASET, COHORT, INDIVIDUAL, BIOSAMPLE, GENOMIC_VARIANT)
RECORD_TYPES = (INDIVIDUAL, BIOSAMPLE, GENOMIC_VARIANT)


@dataclass(frozen=True)
class Pagination:
    skip: int = 0  # pages skipped, as the framework defines it
    limit: int = DEFAULT_LIMIT  # 0: as many as the beacon allows (MAX_LIMIT)

    @property
    def page_size(self) -> int:
        return MAX_LIMIT if self.limit == 0 else min(self.limit, MAX_LIMIT)

    @property
    def offset(self) -> int:
        return self.skip * self.page_size

    def as_dict(self) -> dict[str, int]:
        return {"skip": self.skip, "limit": self.limit}


@dataclass(frozen=True)
class RequestSummary:
    """What the beacon understood of a request, echoed in every response's receivedRequestSummary."""

    requested_granularity: Granularity = "boolean"
    filters: tuple[str, ...] = ()
    request_parameters: Mapping[str, Mapping[str, Any]] = field(default_factory=dict)
    pagination: Pagination = field(default_factory=Pagination)
    include_resultsets: str = "HIT"
    api_version: str = API_VERSION
    test_mode: bool = False

    def as_dict(self) -> dict[str, Any]:
        summary: dict[str, Any] = {
            "apiVersion": self.api_version,
            "requestedSchemas": [],
            "pagination": self.pagination.as_dict(),
            "requestedGranularity": self.requested_granularity,
            "includeResultsetResponses": self.include_resultsets,
            "testMode": self.test_mode,
        }
        if self.filters:
            summary["filters"] = list(self.filters)
        if self.request_parameters:
            summary["requestParameters"] = {
                key: dict(value) for key, value in self.request_parameters.items()
            }
        return summary


def informational_meta(entry_type: EntryType | None = None) -> dict[str, Any]:
    return {
        "beaconId": BEACON_ID,
        "apiVersion": API_VERSION,
        "returnedSchemas": [entry_type.returned_schema] if entry_type is not None else [],
    }


def response_meta(
    summary: RequestSummary, *, returned: Granularity, entry_type: EntryType | None
) -> dict[str, Any]:
    return {
        "beaconId": BEACON_ID,
        "apiVersion": API_VERSION,
        "returnedGranularity": returned,
        "returnedSchemas": [entry_type.returned_schema] if entry_type is not None else [],
        "receivedRequestSummary": summary.as_dict(),
        "testMode": summary.test_mode,
    }


def informational_response(
    response: Mapping[str, Any], entry_type: EntryType | None = None
) -> dict[str, Any]:
    return {"meta": informational_meta(entry_type), "response": dict(response)}


def boolean_response(
    summary: RequestSummary, *, entry_type: EntryType, exists: bool, info: Mapping[str, Any] | None = None
) -> dict[str, Any]:
    body: dict[str, Any] = {
        "meta": response_meta(summary, returned="boolean", entry_type=entry_type),
        "responseSummary": {"exists": exists},
    }
    if info:
        body["info"] = dict(info)
    return body


def count_response(
    summary: RequestSummary,
    *,
    entry_type: EntryType,
    exists: bool,
    count: int,
    info: Mapping[str, Any] | None = None,
) -> dict[str, Any]:
    body: dict[str, Any] = {
        "meta": response_meta(summary, returned="count", entry_type=entry_type),
        "responseSummary": {"exists": exists, "numTotalResults": count},
    }
    if info:
        body["info"] = dict(info)
    return body


@dataclass(frozen=True)
class ResultSet:
    """One dataset's answer in a result-sets response; `results` is one page (empty below record level)."""

    dataset: str
    exists: bool
    count: int
    results: Sequence[Mapping[str, Any]] = ()
    info: Mapping[str, Any] | None = None

    def as_dict(self) -> dict[str, Any]:
        result_set: dict[str, Any] = {
            "id": self.dataset,
            "setType": "dataset",
            "exists": self.exists,
            "resultsCount": self.count,
            "results": [dict(result) for result in self.results],
        }
        if self.info:
            result_set["info"] = dict(self.info)
        return result_set


def resultsets_response(
    summary: RequestSummary,
    *,
    entry_type: EntryType,
    exists: bool,
    count: int,
    result_sets: Sequence[ResultSet],
    info: Mapping[str, Any] | None = None,
) -> dict[str, Any]:
    body: dict[str, Any] = {
        "meta": response_meta(summary, returned="record", entry_type=entry_type),
        "responseSummary": {"exists": exists, "numTotalResults": count},
        "response": {"resultSets": [result_set.as_dict() for result_set in result_sets]},
    }
    if info:
        body["info"] = dict(info)
    return body


def collections_response(
    summary: RequestSummary,
    *,
    entry_type: EntryType,
    collections: Sequence[Mapping[str, Any]],
    returned: Granularity = "record",
) -> dict[str, Any]:
    return {
        "meta": response_meta(summary, returned=returned, entry_type=entry_type),
        "responseSummary": {"exists": bool(collections), "numTotalResults": len(collections)},
        "response": {"collections": [dict(collection) for collection in collections]},
    }


def error_response(
    summary: RequestSummary, *, status: int, message: str, entry_type: EntryType | None = None
) -> dict[str, Any]:
    return {
        "meta": response_meta(summary, returned=summary.requested_granularity, entry_type=entry_type),
        "error": {"errorCode": status, "errorMessage": message},
    }
