"""The Beacon v2 endpoints under /beacon/v2/: thin adapters that parse, authenticate, call, and answer JSON.

Every answer is a Beacon document; every failure is a beaconErrorResponse with the HTTP status as its
errorCode (400 bad request, 401/403 authentication, 404 unknown entry or dataset, 405 method).
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from typing import Any

from django.conf import settings
from django.http import HttpRequest, JsonResponse
from django.urls import reverse
from django.views.decorators.csrf import csrf_exempt

from oncobridge.accounts.access import viewer_for
from oncobridge.beacon import framework
from oncobridge.beacon.access import (
    BeaconAuthenticationError,
    beacon_caller,
    dataset_for_beacon,
    datasets_to_query,
)
from oncobridge.beacon.framework import (
    API_VERSION,
    BEACON_ID,
    BEACON_NAME,
    BIOSAMPLE,
    COHORT,
    DATASET,
    ENTRY_TYPES,
    GENOMIC_VARIANT,
    INDIVIDUAL,
    RECORD_TYPES,
    EntryType,
    RequestSummary,
)
from oncobridge.beacon.query import BeaconQuery, BeaconRequestError, query_from_request
from oncobridge.beacon.selectors import cohort_records, dataset_record
from oncobridge.beacon.services import beacon_filtering_terms, beacon_query
from oncobridge.core.audit import audit_record
from oncobridge.core.errors import ServiceError

logger = logging.getLogger(__name__)

ORGANISATION = {"id": "org.oncobridge", "name": "OncoBridge research alliance"}
DESCRIPTION = (
    "Cohort discovery over the alliance's shared clinical and genomic datasets. Answers are boolean or "
    "counts by default; record-level results reach data stewards and holders of an access grant."
)

Handler = Callable[..., dict[str, Any]]
# Entries reachable from one entry, as the default model's endpoints.json lists them.
RELATED: dict[EntryType, tuple[EntryType, ...]] = {
    INDIVIDUAL: (BIOSAMPLE, GENOMIC_VARIANT),
    BIOSAMPLE: (GENOMIC_VARIANT,),
    GENOMIC_VARIANT: (INDIVIDUAL, BIOSAMPLE),
}


def _json(body: dict[str, Any], status: int = 200) -> JsonResponse:
    return JsonResponse(body, status=status, json_dumps_params={"ensure_ascii": False})


def _error(
    status: int, message: str, summary: RequestSummary | None = None, entry_type: EntryType | None = None
) -> JsonResponse:
    body = framework.error_response(
        summary or RequestSummary(), status=status, message=message, entry_type=entry_type
    )
    return _json(body, status=status)


def beacon_endpoint(
    methods: tuple[str, ...] = ("GET", "POST"), entry_type: EntryType | None = None
) -> Callable[[Handler], Callable[..., JsonResponse]]:
    """Wraps a handler(request, caller, query, **kwargs) with method checks, auth and Beacon errors."""

    def decorate(handler: Handler) -> Callable[..., JsonResponse]:
        @csrf_exempt  # bearer-token clients POST JSON; a session's POST is CSRF-checked in beacon_caller
        def view(request: HttpRequest, **kwargs: Any) -> JsonResponse:
            if request.method not in methods:
                response = _error(
                    405,
                    f"{request.method} is not allowed here; use {' or '.join(methods)}.",
                    entry_type=entry_type,
                )
                response["Allow"] = ", ".join(methods)
                return response
            summary: RequestSummary | None = None
            try:
                query = query_from_request(request)
                summary = query.summary
                caller = beacon_caller(request)
                return _json(handler(request, caller, query, **kwargs))
            except BeaconRequestError as exc:
                return _error(exc.status, exc.message, summary, entry_type)
            except BeaconAuthenticationError as exc:
                response = _error(exc.status, exc.message, summary, entry_type)
                if exc.status == 401:
                    response["WWW-Authenticate"] = 'Bearer realm="oncobridge"'
                return response
            except ServiceError as exc:
                return _error(exc.status, exc.message, summary, entry_type)
            except Exception:
                logger.exception("Unhandled Beacon error on %s", request.path)
                return _error(
                    500, "Something went wrong on our side; it has been logged.", summary, entry_type
                )

        return view

    return decorate


def _info() -> dict[str, Any]:
    return {
        "id": BEACON_ID,
        "name": BEACON_NAME,
        "apiVersion": API_VERSION,
        "environment": "prod" if settings.PRODUCTION else "dev",
        "organization": ORGANISATION,
        "description": DESCRIPTION,
        "version": API_VERSION,
        "info": {"securityLevels": ["REGISTERED", "CONTROLLED"]},
    }


@beacon_endpoint(methods=("GET",))
def info(request: HttpRequest, caller: Any, query: BeaconQuery) -> dict[str, Any]:
    return framework.informational_response(_info())


@beacon_endpoint(methods=("GET",))
def service_info(request: HttpRequest, caller: Any, query: BeaconQuery) -> dict[str, Any]:
    return {
        "id": BEACON_ID,
        "name": BEACON_NAME,
        "type": {"group": "org.ga4gh", "artifact": "beacon", "version": API_VERSION},
        "description": DESCRIPTION,
        "organization": {"name": ORGANISATION["name"], "url": request.build_absolute_uri("/")},
        "version": API_VERSION,
        "environment": "prod" if settings.PRODUCTION else "dev",
    }


def _entry_types() -> dict[str, Any]:
    return {entry_type.id: entry_type.definition() for entry_type in ENTRY_TYPES}


@beacon_endpoint(methods=("GET",))
def configuration(request: HttpRequest, caller: Any, query: BeaconQuery) -> dict[str, Any]:
    return framework.informational_response(
        {
            "$schema": f"{framework.SCHEMA_BASE}/framework/json/configuration/beaconConfigurationSchema.json",
            "maturityAttributes": {"productionStatus": "PROD" if settings.PRODUCTION else "DEV"},
            "securityAttributes": {
                "defaultGranularity": "boolean",
                "securityLevels": ["REGISTERED", "CONTROLLED"],
            },
            "entryTypes": _entry_types(),
        }
    )


@beacon_endpoint(methods=("GET",))
def entry_types(request: HttpRequest, caller: Any, query: BeaconQuery) -> dict[str, Any]:
    return framework.informational_response({"entryTypes": _entry_types()})


@beacon_endpoint(methods=("GET",))
def beacon_map(request: HttpRequest, caller: Any, query: BeaconQuery) -> dict[str, Any]:
    root = request.build_absolute_uri(reverse("beacon:info"))
    sets: dict[str, Any] = {}
    for entry_type in ENTRY_TYPES:
        endpoint: dict[str, Any] = {
            "entryType": entry_type.id,
            "rootUrl": f"{root}{entry_type.path}",
            "singleEntryUrl": f"{root}{entry_type.path}/{{id}}",
        }
        related_types = RECORD_TYPES if entry_type is DATASET else RELATED.get(entry_type, ())
        if related_types:
            endpoint["endpoints"] = {
                related.id: {
                    "returnedEntryType": related.id,
                    "url": f"{root}{entry_type.path}/{{id}}/{related.path}",
                }
                for related in related_types
            }
        sets[entry_type.id] = endpoint
    return framework.informational_response(
        {
            "$schema": f"{framework.SCHEMA_BASE}/framework/json/configuration/beaconMapSchema.json",
            "endpointSets": sets,
        }
    )


@beacon_endpoint()
def filtering_terms(request: HttpRequest, caller: Any, query: BeaconQuery) -> dict[str, Any]:
    return framework.informational_response(beacon_filtering_terms(viewer=viewer_for(caller), actor=caller))


def _collection_response(
    query: BeaconQuery, entry_type: EntryType, collections: list[dict[str, Any]]
) -> dict[str, Any]:
    return framework.collections_response(
        query.summary,
        entry_type=entry_type,
        collections=collections,
        returned="record" if collections else "boolean",
    )


@beacon_endpoint(entry_type=DATASET)
def datasets(
    request: HttpRequest, caller: Any, query: BeaconQuery, dataset_id: str | None = None
) -> dict[str, Any]:
    viewer = viewer_for(caller)
    found = (
        [dataset_for_beacon(viewer, dataset_id)] if dataset_id is not None else datasets_to_query(viewer, ())
    )
    audit_record(actor=caller, action="beacon.datasets", datasets=[dataset.slug for dataset in found])
    return _collection_response(query, DATASET, [dataset_record(dataset) for dataset in found])


@beacon_endpoint(entry_type=COHORT)
def cohorts(
    request: HttpRequest, caller: Any, query: BeaconQuery, cohort_id: str | None = None
) -> dict[str, Any]:
    viewer = viewer_for(caller)
    found = cohort_records(viewer, cohort_id=cohort_id)
    if cohort_id is not None and not found:
        raise BeaconRequestError(f"No cohort '{cohort_id}', or it is not visible to you.", status=404)
    audit_record(actor=caller, action="beacon.cohorts", cohorts=[record["id"] for record in found])
    return _collection_response(query, COHORT, found)


def entries(entry_type: EntryType, related_to: EntryType | None = None) -> Callable[..., JsonResponse]:
    """The view of an entry type: all entries, one (`entry_id`), a dataset's, or those related to one
    entry of `related_to` (`related_id`), e.g. /individuals/{id}/g_variants."""

    @beacon_endpoint(entry_type=entry_type)
    def handler(
        request: HttpRequest,
        caller: Any,
        query: BeaconQuery,
        entry_id: str | None = None,
        dataset_id: str | None = None,
        related_id: str | None = None,
    ) -> dict[str, Any]:
        return beacon_query(
            viewer=viewer_for(caller),
            actor=caller,
            entry_type=entry_type,
            query=query,
            entity_id=entry_id,
            dataset_slug=dataset_id,
            related=(related_to, related_id) if related_to is not None and related_id is not None else None,
        )

    return handler


@beacon_endpoint()
def not_found(request: HttpRequest, caller: Any, query: BeaconQuery, rest: str = "") -> dict[str, Any]:
    raise BeaconRequestError(f"No Beacon endpoint /beacon/v2/{rest}; see /beacon/v2/map.", status=404)
