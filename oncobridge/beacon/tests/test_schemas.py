"""Every Beacon endpoint, at every granularity it answers, GET and POST, hits, misses and errors, validated
against the official Beacon v2.1.1 JSON Schemas in ../shared/data/beacon (Draft 2020-12, refs resolved
locally). Records are also validated against their entry type's default-model schema.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pytest
from django.test import Client

from oncobridge.beacon.tests.beacon_schemas import FRAMEWORK, MODELS, errors
from oncobridge.beacon.tests.conftest import BEACON
from oncobridge.conftest import Alliance
from oncobridge.datasharing.models import Dataset

RESPONSES = f"{FRAMEWORK}/responses"
BOOLEAN = f"{RESPONSES}/beaconBooleanResponse.json"
COUNT = f"{RESPONSES}/beaconCountResponse.json"
RESULTSETS = f"{RESPONSES}/beaconResultsetsResponse.json"
COLLECTIONS = f"{RESPONSES}/beaconCollectionsResponse.json"
ERROR = f"{RESPONSES}/beaconErrorResponse.json"
ENTITY_SCHEMAS = {
    "individual": f"{MODELS}/individuals/defaultSchema.json",
    "biosample": f"{MODELS}/biosamples/defaultSchema.json",
    "genomicVariation": f"{MODELS}/genomicVariations/defaultSchema.json",
    "dataset": f"{MODELS}/datasets/defaultSchema.json",
    "cohort": f"{MODELS}/cohorts/defaultSchema.json",
}


@dataclass(frozen=True)
class Case:
    id: str
    path: str
    schema: str
    persona: str | None = "nora"  # nora holds a grant; ivan does not; None is anonymous
    method: str = "GET"
    params: dict[str, str] = field(default_factory=dict)
    body: dict[str, Any] | None = None
    raw_body: str | None = None
    status: int = 200
    granularity: str | None = None
    exists: bool | None = None
    threshold: int | None = None
    headers: dict[str, str] = field(default_factory=dict)


def body(granularity: str = "record", **query: Any) -> dict[str, Any]:
    return {"meta": {"apiVersion": "v2.1.1"}, "query": {"requestedGranularity": granularity, **query}}


KRAS_G12C = {
    "assemblyId": "GRCh38",
    "referenceName": "12",
    "start": [25245350],
    "referenceBases": "C",
    "alternateBases": "A",
}

CASES = [
    # Informational endpoints, open to anyone.
    Case("root", "/", f"{RESPONSES}/beaconInfoResponse.json", persona=None),
    Case("info", "/info", f"{RESPONSES}/beaconInfoResponse.json", persona=None),
    Case("service-info", "/service-info", f"{RESPONSES}/ga4gh-service-info-1-0-0-schema.json", persona=None),
    Case("configuration", "/configuration", f"{RESPONSES}/beaconConfigurationResponse.json", persona=None),
    Case("map", "/map", f"{RESPONSES}/beaconMapResponse.json", persona=None),
    Case("entry-types", "/entry_types", f"{RESPONSES}/beaconEntryTypesResponse.json", persona=None),
    Case("filtering-terms-get", "/filtering_terms", f"{RESPONSES}/beaconFilteringTermsResponse.json"),
    Case(
        "filtering-terms-post",
        "/filtering_terms",
        f"{RESPONSES}/beaconFilteringTermsResponse.json",
        method="POST",
        body=body("boolean"),
    ),
    Case(
        "filtering-terms-anonymous",
        "/filtering_terms",
        f"{RESPONSES}/beaconFilteringTermsResponse.json",
        persona=None,
    ),
    # Collections.
    Case("datasets-get", "/datasets", COLLECTIONS, granularity="record", exists=True),
    Case(
        "datasets-post",
        "/datasets",
        COLLECTIONS,
        method="POST",
        body=body(),
        granularity="record",
        exists=True,
    ),
    Case("datasets-anonymous", "/datasets", COLLECTIONS, persona=None, granularity="boolean", exists=False),
    Case(
        "dataset-by-id", "/datasets/ob-cohort", COLLECTIONS, persona="ivan", granularity="record", exists=True
    ),
    Case("cohorts-get", "/cohorts", COLLECTIONS, granularity="record", exists=True),
    Case(
        "cohorts-post-non-grantee",
        "/cohorts",
        COLLECTIONS,
        persona="ivan",
        method="POST",
        body=body("count"),
        granularity="record",
        exists=True,
    ),
    Case("cohort-by-id", "/cohorts/ob-cohort", COLLECTIONS, granularity="record", exists=True),
    # Individuals.
    Case(
        "individuals-record-get-hit",
        "/individuals",
        RESULTSETS,
        params={"requestedGranularity": "record", "filters": "NCIT:C3512"},
        granularity="record",
        exists=True,
    ),
    Case(
        "individuals-record-post-descendants",
        "/individuals",
        RESULTSETS,
        method="POST",
        body=body(filters=[{"id": "oncotree:NSCLC", "includeDescendantTerms": True}]),
        granularity="record",
        exists=True,
    ),
    Case(
        "individuals-record-post-age",
        "/individuals",
        RESULTSETS,
        method="POST",
        body=body(filters=[{"id": "age", "operator": ">=", "value": "P60Y"}]),
        granularity="record",
        exists=True,
    ),
    Case(
        "individuals-record-miss",
        "/individuals",
        RESULTSETS,
        params={"requestedGranularity": "record", "filters": "oncotree:SKCM,NCIT:C16576"},
        granularity="record",
        exists=False,
    ),
    Case(
        "individuals-record-miss-all-resultsets",
        "/individuals",
        RESULTSETS,
        method="POST",
        body=body(filters=[{"id": "oncotree:AML"}], includeResultsetResponses="ALL"),
        granularity="record",
        exists=False,
    ),
    Case(
        "individuals-count-grantee",
        "/individuals",
        COUNT,
        params={"requestedGranularity": "count"},
        granularity="count",
        exists=True,
    ),
    Case(
        "individuals-count-non-grantee",
        "/individuals",
        COUNT,
        persona="ivan",
        threshold=2,
        params={"requestedGranularity": "count"},
        granularity="count",
        exists=True,
    ),
    Case(
        "individuals-record-non-grantee-gets-count",
        "/individuals",
        COUNT,
        persona="ivan",
        threshold=2,
        method="POST",
        body=body(),
        granularity="count",
        exists=True,
    ),
    Case(
        "individuals-small-count-non-grantee-gets-boolean",
        "/individuals",
        BOOLEAN,
        persona="ivan",
        params={"requestedGranularity": "count", "filters": "oncotree:LUAD"},
        granularity="boolean",
        exists=True,
    ),
    Case(
        "individuals-boolean",
        "/individuals",
        BOOLEAN,
        params={"filters": "oncotree:COAD"},
        granularity="boolean",
        exists=True,
    ),
    Case(
        "individuals-anonymous",
        "/individuals",
        BOOLEAN,
        persona=None,
        params={"requestedGranularity": "record"},
        granularity="boolean",
        exists=False,
    ),
    Case(
        "individuals-outsider",
        "/individuals",
        BOOLEAN,
        persona="oscar",
        method="POST",
        body=body(),
        granularity="boolean",
        exists=False,
    ),
    Case(
        "individual-by-id",
        "/individuals/ob-cohort:OB-P002",
        RESULTSETS,
        params={"requestedGranularity": "record"},
        granularity="record",
        exists=True,
    ),
    Case(
        "individual-by-id-miss",
        "/individuals/ob-cohort:OB-P999",
        RESULTSETS,
        params={"requestedGranularity": "record"},
        granularity="record",
        exists=False,
    ),
    Case(
        "individuals-by-gene",
        "/individuals",
        RESULTSETS,
        method="POST",
        body=body(requestParameters={"g_variant": {"geneId": "KRAS"}}),
        granularity="record",
        exists=True,
    ),
    Case(
        "dataset-individuals",
        "/datasets/ob-cohort/individuals",
        COUNT,
        params={"requestedGranularity": "count"},
        granularity="count",
        exists=True,
    ),
    # Biosamples.
    Case(
        "biosamples-record-by-gene",
        "/biosamples",
        RESULTSETS,
        params={"requestedGranularity": "record", "geneId": "KRAS", "aminoacidChange": "p.G12C"},
        granularity="record",
        exists=True,
    ),
    Case(
        "biosamples-count-post",
        "/biosamples",
        COUNT,
        method="POST",
        body=body("count", filters=[{"id": "oncotree:LUAD"}]),
        granularity="count",
        exists=True,
    ),
    Case(
        "biosample-by-id",
        "/biosamples/ob-cohort:OB-P002-M1",
        RESULTSETS,
        method="POST",
        body=body(),
        granularity="record",
        exists=True,
    ),
    Case(
        "biosample-by-id-non-grantee",
        "/biosamples/ob-cohort:OB-P002-M1",
        BOOLEAN,
        persona="ivan",
        params={"requestedGranularity": "record"},
        granularity="boolean",
        exists=True,
    ),
    # Genomic variations.
    Case(
        "g-variants-sequence-query-get",
        "/g_variants",
        RESULTSETS,
        params={
            "requestedGranularity": "record",
            **{k: str(v[0] if isinstance(v, list) else v) for k, v in KRAS_G12C.items()},
        },
        granularity="record",
        exists=True,
    ),
    Case(
        "g-variants-sequence-query-post",
        "/g_variants",
        RESULTSETS,
        method="POST",
        body=body(requestParameters={"g_variant": KRAS_G12C}),
        granularity="record",
        exists=True,
    ),
    Case(
        "g-variants-range-query",
        "/g_variants",
        RESULTSETS,
        method="POST",
        body=body(
            requestParameters={"g_variant": {"referenceName": "17", "start": [7675000], "end": [7676000]}}
        ),
        granularity="record",
        exists=True,
    ),
    Case(
        "g-variants-bracket-query",
        "/g_variants",
        RESULTSETS,
        params={
            "requestedGranularity": "record",
            "referenceName": "chr7",
            "start": "140753300,140753400",
            "end": "140753300,140753400",
        },
        granularity="record",
        exists=True,
    ),
    Case(
        "g-variants-miss",
        "/g_variants",
        RESULTSETS,
        method="POST",
        body=body(requestParameters={"g_variant": {**KRAS_G12C, "alternateBases": "G"}}),
        granularity="record",
        exists=False,
    ),
    Case(
        "g-variants-count-non-grantee",
        "/g_variants",
        COUNT,
        persona="ivan",
        threshold=2,
        params={"requestedGranularity": "count"},
        granularity="count",
        exists=True,
    ),
    Case(
        "g-variants-boolean-by-gene",
        "/g_variants",
        BOOLEAN,
        persona="ivan",
        params={"geneId": "BRAF"},
        granularity="boolean",
        exists=True,
    ),
    Case(
        "g-variant-by-id",
        "/g_variants/GRCh38:12:25245351:C:A",
        RESULTSETS,
        params={"requestedGranularity": "record"},
        granularity="record",
        exists=True,
    ),
    Case(
        "dataset-g-variants",
        "/datasets/ob-cohort/g_variants",
        RESULTSETS,
        method="POST",
        body=body(pagination={"skip": 0, "limit": 2}),
        granularity="record",
        exists=True,
    ),
    # Entries related to one entry.
    Case(
        "individual-g-variants",
        "/individuals/ob-cohort:OB-P001/g_variants",
        RESULTSETS,
        params={"requestedGranularity": "record"},
        granularity="record",
        exists=True,
    ),
    Case(
        "individual-biosamples-post",
        "/individuals/ob-cohort:OB-P002/biosamples",
        RESULTSETS,
        method="POST",
        body=body(),
        granularity="record",
        exists=True,
    ),
    Case(
        "biosample-g-variants-non-grantee",
        "/biosamples/ob-cohort:OB-P002-M1/g_variants",
        BOOLEAN,
        persona="ivan",
        params={"requestedGranularity": "count"},
        granularity="boolean",
        exists=True,
    ),
    Case(
        "g-variant-individuals",
        "/g_variants/GRCh38:12:25245351:C:A/individuals",
        RESULTSETS,
        params={"requestedGranularity": "record"},
        granularity="record",
        exists=True,
    ),
    Case(
        "g-variant-biosamples-miss",
        "/g_variants/GRCh38:12:25245351:C:G/biosamples",
        COUNT,
        params={"requestedGranularity": "count"},
        granularity="count",
        exists=False,
    ),
    # Errors.
    Case(
        "error-bad-granularity",
        "/individuals",
        ERROR,
        params={"requestedGranularity": "everything"},
        status=400,
    ),
    Case("error-unknown-parameter", "/biosamples", ERROR, params={"colour": "blue"}, status=400),
    Case("error-invalid-json", "/individuals", ERROR, method="POST", raw_body="{not json", status=400),
    Case(
        "error-unknown-filter",
        "/individuals",
        ERROR,
        method="POST",
        body=body(filters=[{"id": "NCIT:C0000"}]),
        status=400,
    ),
    Case("error-start-without-reference-name", "/g_variants", ERROR, params={"start": "100"}, status=400),
    Case("error-unknown-individual-id", "/individuals/no-such-id", ERROR, status=404),
    Case("error-unknown-dataset", "/datasets/no-such-dataset", ERROR, status=404),
    Case("error-unknown-cohort", "/cohorts/no-such-cohort", ERROR, status=404),
    Case("error-unknown-endpoint", "/runs", ERROR, status=404),
    Case("error-method-not-allowed", "/individuals", ERROR, method="DELETE", status=405),
    Case("error-method-not-allowed-info", "/info", ERROR, method="POST", body=body(), status=405),
    Case(
        "error-invalid-bearer-token",
        "/individuals",
        ERROR,
        persona=None,
        headers={"HTTP_AUTHORIZATION": "Bearer obt_not-a-real-token"},
        status=401,
    ),
]


@pytest.fixture
def beacon_dir(settings: Any) -> Path:
    if settings.ONCOBRIDGE_DATA_DIR is None or not (Path(settings.ONCOBRIDGE_DATA_DIR) / "beacon").is_dir():
        pytest.skip(
            "ONCOBRIDGE_DATA_DIR not set: the official Beacon v2 schemas live in ../shared/data/beacon"
        )
    return Path(settings.ONCOBRIDGE_DATA_DIR) / "beacon"


def _send(client: Client, case: Case) -> Any:
    url = f"{BEACON}{case.path}"
    if case.method == "GET":
        return client.get(url, case.params, **case.headers)
    payload = case.raw_body if case.raw_body is not None else json.dumps(case.body or {})
    return client.generic(case.method, url, payload, content_type="application/json", **case.headers)


@pytest.mark.parametrize("case", CASES, ids=[case.id for case in CASES])
def test_every_endpoint_answers_in_the_official_beacon_schema(
    case: Case,
    beacon_dir: Path,
    alliance: Alliance,
    cohort: Dataset,
    nora_grant: None,
    bearer_for: Any,
    settings: Any,
) -> None:
    if case.threshold is not None:
        settings.ONCOBRIDGE_SMALL_CELL_THRESHOLD = case.threshold
    if case.body is not None:
        assert errors(beacon_dir, case.body, f"{FRAMEWORK}/requests/beaconRequestBody.json") == []
    headers = {} if case.persona is None else bearer_for(getattr(alliance, case.persona))
    response = _send(Client(), Case(**{**case.__dict__, "headers": {**headers, **case.headers}}))

    assert response.status_code == case.status, response.content
    document = response.json()
    assert errors(beacon_dir, document, case.schema) == []
    if case.status >= 400:
        assert document["error"]["errorCode"] == case.status
        return
    if case.granularity is not None:
        assert document["meta"]["returnedGranularity"] == case.granularity
    if case.exists is not None:
        assert document["responseSummary"]["exists"] is case.exists
    returned_schemas = document.get("meta", {}).get("returnedSchemas") or [{}]
    entity = returned_schemas[0].get("entityType")
    for result_set in document.get("response", {}).get("resultSets", []):
        for record in result_set["results"]:
            assert errors(beacon_dir, record, ENTITY_SCHEMAS[entity]) == []
    for collection in document.get("response", {}).get("collections", []):
        assert errors(beacon_dir, collection, ENTITY_SCHEMAS[entity]) == []


@pytest.fixture
def apl(alliance: Alliance, beacon_dir: Path) -> Dataset:
    """The real APL primary MAF (maftools extdata, GRCh37): mutations only, no clinical tables."""
    from oncobridge.accounts.access import viewer_for
    from oncobridge.datasharing.services import dataset_create, dataset_import, import_source

    dataset = dataset_create(
        viewer=viewer_for(alliance.dana),
        actor=alliance.dana,
        slug="apl-primary",
        title="APL primary (maftools)",
        organisation=alliance.centre,
        duo_codes=("GRU",),
    )
    dataset_import(
        viewer=viewer_for(alliance.dana),
        actor=alliance.dana,
        dataset=dataset,
        source=import_source(maf=beacon_dir.parent / "genomics" / "APL_primary.maf.gz"),
    )
    return dataset


REAL_DATA_CASES = [
    ("/individuals", {"requestedGranularity": "record", "geneId": "FLT3"}),
    ("/biosamples", {"requestedGranularity": "record", "geneId": "WT1", "limit": "0"}),
    ("/g_variants", {"requestedGranularity": "record", "geneId": "NRAS", "assemblyId": "GRCh37"}),
    (
        "/g_variants",
        {"requestedGranularity": "record", "referenceName": "1", "start": "0", "end": "249000000"},
    ),
]


@pytest.mark.parametrize(
    ("path", "params"), REAL_DATA_CASES, ids=[f"{p}-{i}" for i, (p, _) in enumerate(REAL_DATA_CASES)]
)
def test_records_from_a_real_maf_only_dataset_follow_the_default_model(
    path: str, params: dict[str, str], beacon_dir: Path, alliance: Alliance, apl: Dataset, bearer_for: Any
) -> None:
    response = Client().get(f"{BEACON}{path}", params, **bearer_for(alliance.dana))

    document = response.json()
    assert errors(beacon_dir, document, RESULTSETS) == []
    [result_set] = document["response"]["resultSets"]
    assert result_set["resultsCount"] > 0
    entity = document["meta"]["returnedSchemas"][0]["entityType"]
    for record in result_set["results"]:
        assert errors(beacon_dir, record, ENTITY_SCHEMAS[entity]) == []
