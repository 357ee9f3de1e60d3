"""What Beacon queries find: coordinates, filters (OncoTree, NCIt, sex, age), genes, pagination, terms."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from django.test import Client

from oncobridge.beacon.records import SO_TERMS, sequence_id
from oncobridge.beacon.tests.conftest import BEACON, BeaconClient
from oncobridge.conftest import Alliance
from oncobridge.datasharing.models import Dataset


@pytest.fixture
def nora(alliance: Alliance, cohort: Dataset, nora_grant: None, client_for: BeaconClient) -> Client:
    return client_for(alliance.nora)


def _ids(client: Client, path: str, **params: Any) -> list[str]:
    response = client.get(f"{BEACON}{path}", {"requestedGranularity": "record", **params})
    assert response.status_code == 200, response.content
    return [
        record.get("id") or record["variantInternalId"]
        for result_set in response.json()["response"]["resultSets"]
        for record in result_set["results"]
    ]


def _post_ids(client: Client, path: str, query: dict[str, Any]) -> list[str]:
    body = {"meta": {"apiVersion": "v2.1.1"}, "query": {"requestedGranularity": "record", **query}}
    response = client.post(f"{BEACON}{path}", json.dumps(body), content_type="application/json")
    assert response.status_code == 200, response.content
    return [r["id"] for rs in response.json()["response"]["resultSets"] for r in rs["results"]]


def test_beacon_start_is_zero_based(nora: Client) -> None:
    kras = {"referenceName": "chr12", "referenceBases": "C", "alternateBases": "A"}

    assert _ids(nora, "/g_variants", start="25245350", **kras) == ["GRCh38:12:25245351:C:A"]
    assert _ids(nora, "/g_variants", start="25245351", **kras) == []


def test_range_query_finds_the_variants_overlapping_it(nora: Client) -> None:
    found = _ids(nora, "/g_variants", referenceName="17", start="7600000", end="7700000")

    assert found == ["GRCh38:17:7675088:C:T"]


def test_variant_location_is_interbase_on_the_refseq_chromosome(nora: Client) -> None:
    response = nora.get(f"{BEACON}/g_variants/GRCh38:7:140753336:A:T", {"requestedGranularity": "record"})

    [variant] = response.json()["response"]["resultSets"][0]["results"]
    location = variant["variation"]["location"]
    assert location["sequence_id"] == "refseq:NC_000007.14"
    assert (location["interval"]["start"]["value"], location["interval"]["end"]["value"]) == (
        140753335,
        140753336,
    )
    assert variant["molecularAttributes"]["aminoacidChanges"] == ["V600E"]
    assert variant["caseLevelData"] == [
        {"biosampleId": "ob-cohort:OB-P004-T1", "individualId": "ob-cohort:OB-P004"}
    ]


def test_assembly_must_match(nora: Client) -> None:
    params = {"referenceName": "12", "start": "25245350", "alternateBases": "A"}

    assert _ids(nora, "/g_variants", assemblyId="hg38", **params) == ["GRCh38:12:25245351:C:A"]
    assert _ids(nora, "/g_variants", assemblyId="GRCh37", **params) == []


def test_ncit_term_selects_through_the_oncotree_cross_reference(nora: Client) -> None:
    assert _ids(nora, "/individuals", filters="NCIT:C3512") == ["ob-cohort:OB-P002"]


def test_oncotree_term_includes_its_descendants_unless_asked_not_to(nora: Client) -> None:
    assert _post_ids(nora, "/individuals", {"filters": [{"id": "oncotree:NSCLC"}]}) == ["ob-cohort:OB-P002"]
    exact = {"filters": [{"id": "oncotree:NSCLC", "includeDescendantTerms": False}]}
    assert _post_ids(nora, "/individuals", exact) == []


def test_breast_parent_term_finds_the_ductal_carcinoma(nora: Client) -> None:
    assert _ids(nora, "/biosamples", filters="oncotree:BREAST") == ["ob-cohort:OB-P001-T1"]


def test_sex_filter_uses_ncit_sex_terms(nora: Client) -> None:
    assert _ids(nora, "/individuals", filters="NCIT:C16576") == ["ob-cohort:OB-P001", "ob-cohort:OB-P003"]


def test_age_filter_takes_iso_durations_and_strict_bounds(nora: Client) -> None:
    at_least_67 = {"filters": [{"id": "age", "operator": ">=", "value": "P67Y"}]}
    over_67 = {"filters": [{"id": "age", "operator": ">", "value": "67"}]}

    # OB-P003 was 91 at diagnosis: stored capped at 90 by de-identification.
    assert _post_ids(nora, "/individuals", at_least_67) == ["ob-cohort:OB-P002", "ob-cohort:OB-P003"]
    assert _post_ids(nora, "/individuals", over_67) == ["ob-cohort:OB-P003"]


def test_filters_are_combined_with_and(nora: Client) -> None:
    assert _ids(nora, "/individuals", filters="NCIT:C16576,oncotree:COAD") == ["ob-cohort:OB-P003"]


def test_clinical_attribute_filter_compares_numbers(nora: Client) -> None:
    purity = {"filters": [{"id": "TUMOR_PURITY", "operator": ">", "value": "0.6"}]}

    assert _post_ids(nora, "/biosamples", purity) == ["ob-cohort:OB-P001-T1", "ob-cohort:OB-P003-T1"]


def test_gene_query_on_individuals_finds_carriers(nora: Client) -> None:
    assert _ids(nora, "/individuals", geneId="KRAS") == ["ob-cohort:OB-P002"]
    assert _ids(nora, "/individuals", geneId="EGFR") == []


def test_protein_change_narrows_a_gene_query(nora: Client) -> None:
    assert _ids(nora, "/g_variants", geneId="KRAS", aminoacidChange="p.G12C") == ["GRCh38:12:25245351:C:A"]
    assert _ids(nora, "/g_variants", geneId="KRAS", aminoacidChange="G12D") == []


def test_pagination_pages_through_records(nora: Client) -> None:
    first = _ids(nora, "/biosamples", limit="2")
    second = _ids(nora, "/biosamples", limit="2", skip="1")
    third = _ids(nora, "/biosamples", limit="2", skip="2")

    assert first + second + third == [
        "ob-cohort:OB-P001-T1",
        "ob-cohort:OB-P002-M1",
        "ob-cohort:OB-P002-T1",
        "ob-cohort:OB-P003-T1",
        "ob-cohort:OB-P004-T1",
    ]


def test_filtering_terms_list_what_the_data_holds(nora: Client, client_for: BeaconClient) -> None:
    terms = nora.get(f"{BEACON}/filtering_terms").json()["response"]["filteringTerms"]

    ids = {term["id"] for term in terms}
    assert {"oncotree:IDC", "oncotree:LUAD", "oncotree:COAD", "oncotree:SKCM", "NCIT:C3512"} <= ids
    assert {"NCIT:C16576", "NCIT:C20197", "age", "TUMOR_PURITY"} <= ids
    assert "oncotree:AML" not in ids
    assert client_for(None).get(f"{BEACON}/filtering_terms").json()["response"]["filteringTerms"] == []


def test_unknown_filter_is_a_bad_request_naming_it(nora: Client) -> None:
    response = nora.get(f"{BEACON}/individuals", {"filters": "oncotree:LUAD,HP:0002664"})

    assert response.status_code == 400
    assert "filters[1]" in response.json()["error"]["errorMessage"]
    assert "HP:0002664" in response.json()["error"]["errorMessage"]


def test_bad_position_names_the_parameter(nora: Client) -> None:
    response = nora.get(f"{BEACON}/g_variants", {"referenceName": "1", "start": "minus-one"})

    assert response.status_code == 400
    assert "'start'" in response.json()["error"]["errorMessage"]


def test_variant_classes_map_to_sequence_ontology_terms(settings: Any) -> None:
    if (
        settings.ONCOBRIDGE_DATA_DIR is None
        or not (Path(settings.ONCOBRIDGE_DATA_DIR) / "vocab/so.obo").is_file()
    ):
        pytest.skip("ONCOBRIDGE_DATA_DIR not set: the Sequence Ontology is ../shared/data/vocab/so.obo")
    names: dict[str, str] = {}
    term_id = None
    for line in (Path(settings.ONCOBRIDGE_DATA_DIR) / "vocab/so.obo").read_text().splitlines():
        if line.startswith("id: SO:"):
            term_id = line[4:].strip()
        elif line.startswith("name: ") and term_id:
            names[term_id] = line[6:].strip()
            term_id = None

    assert {so_id: names.get(so_id) for so_id, _ in SO_TERMS.values()} == {
        so_id: label for so_id, label in SO_TERMS.values()
    }


def test_reference_name_may_be_a_refseq_accession(nora: Client) -> None:
    params = {"start": "25245350", "alternateBases": "A"}

    assert _ids(nora, "/g_variants", referenceName="NC_000012.12", **params) == ["GRCh38:12:25245351:C:A"]
    assert _ids(nora, "/g_variants", referenceName="refseq:NC_000012.12", **params) == [
        "GRCh38:12:25245351:C:A"
    ]


def test_refseq_chromosome_ids_agree_with_the_official_examples(settings: Any) -> None:
    if settings.ONCOBRIDGE_DATA_DIR is None or not (Path(settings.ONCOBRIDGE_DATA_DIR) / "beacon").is_dir():
        pytest.skip("ONCOBRIDGE_DATA_DIR not set: the Beacon examples live in ../shared/data/beacon")
    examples = (
        Path(settings.ONCOBRIDGE_DATA_DIR) / "beacon/models/json/beacon-v2-default-model/genomicVariations"
    )
    grch37 = json.loads((examples / "examples/genomicVariant-MIN-example.json").read_text())  # GRCh37-1-...
    grch38 = json.loads(
        (examples / "examples/genomicVariant-MID-example.json").read_text()
    )  # NC_000001.11:g.

    assert sequence_id("GRCh37", "1") == grch37["variation"]["location"]["sequence_id"]
    assert sequence_id("GRCh38", "1") == grch38["variation"]["location"]["sequence_id"]
    # requestParametersComponents.json: "refseq:NC_000009.12" for human chromosome 9 in the GRCh38 assembly.
    assert sequence_id("GRCh38", "9") == "refseq:NC_000009.12"


def test_a_patients_biosamples_and_variants(nora: Client) -> None:
    assert _ids(nora, "/individuals/ob-cohort:OB-P002/biosamples") == [
        "ob-cohort:OB-P002-M1",
        "ob-cohort:OB-P002-T1",
    ]
    assert _ids(nora, "/individuals/ob-cohort:OB-P001/g_variants") == [
        "GRCh38:17:39724775:G:A",
        "GRCh38:3:179234297:A:G",
    ]


def test_a_biosamples_variants(nora: Client) -> None:
    assert _ids(nora, "/biosamples/ob-cohort:OB-P002-M1/g_variants") == ["GRCh38:12:25245351:C:A"]


def test_the_carriers_of_a_variant(nora: Client) -> None:
    assert _ids(nora, "/g_variants/GRCh38:12:25245351:C:A/individuals") == ["ob-cohort:OB-P002"]
    assert _ids(nora, "/g_variants/GRCh38:12:25245351:C:A/biosamples") == [
        "ob-cohort:OB-P002-M1",
        "ob-cohort:OB-P002-T1",
    ]
