"""Malformed requests get a Beacon error document naming what is wrong, never a 500 or a stack trace."""

from __future__ import annotations

import json
from typing import Any

import pytest
from django.test import Client

from oncobridge.beacon.tests.conftest import BEACON, BeaconClient
from oncobridge.conftest import Alliance
from oncobridge.datasharing.models import Dataset

GET_CASES = [
    ("/g_variants", {"referenceName": "1", "start": "99999999999999999999"}, "start"),
    ("/g_variants", {"referenceName": "1", "start": "1,2,3"}, "start"),
    ("/g_variants", {"referenceName": "chrZZ", "start": "10"}, "chrZZ"),
    ("/g_variants", {"assemblyId": "GRCh99", "geneId": "KRAS"}, "assemblyId"),
    ("/g_variants", {"referenceName": "1", "start": "10", "referenceBases": "XYZ"}, "referenceBases"),
    ("/g_variants", {"referenceName": "1", "start": "500", "end": "100"}, "end"),
    ("/g_variants", {"referenceBases": "A"}, "start"),
    ("/individuals", {"limit": "-1"}, "limit"),
    ("/individuals", {"skip": "many"}, "skip"),
    ("/individuals", {"testMode": "perhaps"}, "testMode"),
    ("/individuals", {"includeResultsetResponses": "SOME"}, "includeResultsetResponses"),
    ("/individuals", {"filters": "oncotree:NOT-A-CODE"}, "NOT-A-CODE"),
    ("/individuals", {"filters": "oncotree:TISSUE"}, "TISSUE"),
    ("/individuals", {"datasets": "no-such-dataset"}, "no-such-dataset"),
    ("/cohorts/saved-99999999999999999999999", {}, "saved-"),
    ("/g_variants/GRCh38:12:x:C:A", {}, "GRCh38:12:x:C:A"),
]

BODY_CASES = [
    ("[1, 2]", "JSON object"),
    ('{"meta": [], "query": {}}', "'meta'"),
    ('{"meta": {}, "query": "all"}', "'query'"),
    ('{"meta": {}, "query": {"filters": {"id": "NCIT:C3512"}}}', "query.filters"),
    ('{"meta": {}, "query": {"filters": [42]}}', "query.filters[0]"),
    ('{"meta": {}, "query": {"filters": [{"id": "age", "operator": "~", "value": "5"}]}}', "operator"),
    ('{"meta": {}, "query": {"filters": [{"id": "age", "operator": ">", "value": "old"}]}}', "age"),
    ('{"meta": {}, "query": {"filters": [{"id": "age", "operator": "<", "value": "nan"}]}}', "an age is"),
    ('{"meta": {}, "query": {"filters": [{"id": "age", "operator": ">", "value": "1e400"}]}}', "a number"),
    (  # an ISO duration of 400 nines: its years overflow to infinity
        '{"meta": {}, "query": {"filters": [{"id": "age", "operator": "=", "value": "PxY"}]}}'.replace(
            "x", "9" * 400
        ),
        "P50Y",
    ),
    ('{"meta": {}, "query": {"filters": [{"id": "TMB", "operator": ">", "value": "NaN"}]}}', "finite"),
    (
        '{"meta": {}, "query": {"filters": [{"id": "SMOKING_HISTORY", "operator": "<", "value": "x"}]}}',
        "number",
    ),
    ('{"meta": {}, "query": {"pagination": {"limit": "ten"}}}', "query.pagination.limit"),
    ('{"meta": {}, "query": {"requestParameters": {"colour": "blue"}}}', "colour"),
    ('{"meta": {}, "query": {"requestParameters": {"g_variant": {"start": "x"}}}}', "g_variant.start"),
    ('{"meta": {}, "query": {"requestedGranularity": 3}}', "requestedGranularity"),
]


@pytest.mark.parametrize(("path", "params", "named"), GET_CASES, ids=[c[2] for c in GET_CASES])
def test_malformed_query_parameters_get_a_400_or_404_naming_the_problem(
    path: str,
    params: dict[str, str],
    named: str,
    alliance: Alliance,
    cohort: Dataset,
    client_for: BeaconClient,
) -> None:
    response = client_for(alliance.ivan).get(f"{BEACON}{path}", params)

    assert response.status_code in (400, 404), response.content
    assert named in response.json()["error"]["errorMessage"]


@pytest.mark.parametrize(("payload", "named"), BODY_CASES, ids=[c[1] for c in BODY_CASES])
def test_malformed_request_bodies_get_a_400_naming_the_field(
    payload: str, named: str, alliance: Alliance, cohort: Dataset, bearer_for: Any
) -> None:
    response = Client().post(
        f"{BEACON}/individuals", payload, content_type="application/json", **bearer_for(alliance.ivan)
    )

    assert response.status_code == 400, response.content
    assert named in response.json()["error"]["errorMessage"]


def test_a_body_that_is_not_utf8_is_a_bad_request(
    alliance: Alliance, cohort: Dataset, bearer_for: Any
) -> None:
    response = Client().generic(
        "POST",
        f"{BEACON}/individuals",
        b"\xff\xfe{",
        content_type="application/json",
        **bearer_for(alliance.ivan),
    )

    assert response.status_code == 400
    assert json.loads(response.content)["error"]["errorMessage"] == "The request body is not valid JSON."
