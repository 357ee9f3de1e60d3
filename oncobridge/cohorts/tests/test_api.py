"""The cohorts and analyses API per persona: exact rows for the grantee and steward, suppressed counts for
investigators and industry without a grant, nothing for outsiders; problem details for bad input."""

from __future__ import annotations

import json
from typing import Any

import pytest
from django.test import Client

from oncobridge.accounts.models import User
from oncobridge.accounts.services import token_create
from oncobridge.cohorts.models import SavedCohort
from oncobridge.cohorts.services import cohort_save
from oncobridge.cohorts.tests.conftest import Personas
from oncobridge.collaborations.models import Project, ProjectMember
from oncobridge.conftest import Alliance
from oncobridge.core.models import AuditEvent
from oncobridge.datasharing.models import Dataset

pytestmark = pytest.mark.django_db

API = "/api/v1"
TP53 = {"type": "gene_mutated", "gene": "TP53"}
KRAS_G12C = {"type": "protein_change", "gene": "KRAS", "change": "G12C"}


def bearer(user: User) -> dict[str, str]:
    return {"HTTP_AUTHORIZATION": f"Bearer {token_create(user=user).secret}"}


def post(user: User, path: str, body: Any) -> Any:
    return Client().post(f"{API}{path}", json.dumps(body), content_type="application/json", **bearer(user))


def call(user: User, method: str, path: str, body: Any = None) -> Any:
    data = json.dumps(body) if body is not None else ""
    return getattr(Client(), method)(f"{API}{path}", data, content_type="application/json", **bearer(user))


def count_of(user: User, definition: Any) -> Any:
    return post(user, "/cohorts/count", {"datasets": ["breast-lung"], "definition": definition})


# Counts


def test_counting_needs_credentials(personas: Personas) -> None:
    response = Client().post(f"{API}/cohorts/count", "{}", content_type="application/json")

    assert response.status_code == 401


def test_the_grantee_counts_a_small_cohort_exactly(personas: Personas) -> None:
    response = count_of(personas.grantee, KRAS_G12C)

    assert response.status_code == 200
    assert response.json()["patients"] == 3


def test_the_steward_counts_a_small_cohort_exactly(personas: Personas) -> None:
    assert count_of(personas.steward, KRAS_G12C).json()["by_dataset"][0]["patients"] == 3


@pytest.mark.parametrize("who", ["investigator", "industry"])
def test_without_a_grant_a_small_count_reads_below_the_threshold(personas: Personas, who: str) -> None:
    body = count_of(getattr(personas, who), KRAS_G12C).json()

    assert body["by_dataset"][0]["patients"] == "<5"
    assert body["aggregate_only"] is True


def test_without_a_grant_a_large_count_is_exact(personas: Personas) -> None:
    assert count_of(personas.industry, TP53).json()["patients"] == 8


def test_an_outsider_finds_no_dataset_to_count(personas: Personas) -> None:
    response = count_of(personas.outsider, TP53)

    assert response.status_code == 404
    assert response["Content-Type"] == "application/problem+json"


def test_an_unknown_gene_is_a_422_naming_the_field(personas: Personas) -> None:
    response = count_of(personas.investigator, {"type": "gene_mutated", "gene": "NOTAGENE1"})

    assert response.status_code == 422
    assert response.json()["field"] == "definition.gene"


@pytest.mark.parametrize("value", ["NaN", "inf", "1e400"])
def test_a_comparison_with_a_number_that_is_not_finite_is_a_422_naming_the_field(
    personas: Personas, value: str
) -> None:
    response = count_of(personas.grantee, {"type": "attribute", "name": "AGE", "op": "gt", "value": value})

    assert response.status_code == 422
    assert response.json()["field"] == "definition.value"


def test_a_mis_cased_variant_class_counts_as_its_maf_spelling(personas: Personas) -> None:
    response = count_of(personas.grantee, {"type": "variant_class", "classes": ["missense_mutation"]})

    assert response.json()["patients"] == 11  # TP53 in 8, PIK3CA in 6 of them, KRAS in 3


def test_an_unknown_variant_class_is_a_422_naming_the_valid_ones(personas: Personas) -> None:
    response = count_of(personas.grantee, {"type": "variant_class", "classes": ["Missense"]})

    assert response.status_code == 422
    assert response.json()["field"] == "definition.classes[0]"
    assert "Missense_Mutation" in response.json()["detail"]


def test_a_definition_nested_too_deep_is_a_422(personas: Personas) -> None:
    definition: dict[str, Any] = TP53
    for _ in range(40):
        definition = {"type": "not", "item": definition}

    assert count_of(personas.investigator, definition).status_code == 422


def test_an_unknown_dataset_is_a_404_naming_it(personas: Personas) -> None:
    response = post(personas.grantee, "/cohorts/count", {"datasets": ["nope"], "definition": TP53})

    assert response.status_code == 404
    assert "'nope'" in response.json()["detail"]


# Saved cohorts


def save_body(**extra: Any) -> dict[str, Any]:
    return {"name": "KRAS G12C", "datasets": ["breast-lung"], "definition": KRAS_G12C} | extra


def test_saving_a_cohort_answers_201_and_lists_it_for_its_owner(personas: Personas) -> None:
    created = post(personas.investigator, "/cohorts", save_body())
    listed = call(personas.investigator, "get", "/cohorts")

    assert created.status_code == 201
    assert created.json()["summary"] == "KRAS G12C"
    assert [c["name"] for c in listed.json()["items"]] == ["KRAS G12C"]


def test_a_saved_cohort_with_an_unknown_code_is_refused_naming_the_field(personas: Personas) -> None:
    body = save_body(definition={"type": "cancer_type", "codes": ["NOPE"]})

    response = post(personas.investigator, "/cohorts", body)

    assert response.status_code == 422
    assert response.json()["field"] == "definition.codes[0]"
    assert not SavedCohort.objects.exists()


def test_a_saved_cohort_comparing_with_a_number_that_is_not_finite_is_refused(personas: Personas) -> None:
    body = save_body(definition={"type": "attribute", "name": "AGE", "op": "lt", "value": "NaN"})

    response = post(personas.investigator, "/cohorts", body)

    assert response.status_code == 422
    assert response.json()["field"] == "definition.value"
    assert not SavedCohort.objects.exists()


def test_another_persona_does_not_find_an_unshared_cohort(personas: Personas) -> None:
    cohort_id = post(personas.investigator, "/cohorts", save_body()).json()["id"]

    for person in (personas.industry, personas.grantee, personas.outsider):
        assert call(person, "get", f"/cohorts/{cohort_id}").status_code == 404


@pytest.fixture
def project(alliance: Alliance) -> Project:
    project = Project.objects.create(organisation=alliance.centre, title="KRAS programme")
    ProjectMember.objects.create(project=project, user=alliance.ivan, organisation=alliance.centre)
    ProjectMember.objects.create(project=project, user=alliance.paula, organisation=alliance.acme)
    return project


def test_sharing_with_a_project_lets_its_members_see_and_use_the_cohort(
    personas: Personas, alliance: Alliance, project: Project
) -> None:
    cohort_id = post(personas.investigator, "/cohorts", save_body()).json()["id"]

    shared = call(personas.investigator, "patch", f"/cohorts/{cohort_id}", {"project": project.pk})
    seen = call(alliance.paula, "get", f"/cohorts/{cohort_id}")
    counted = post(alliance.paula, "/cohorts/count", {"cohort": cohort_id})

    assert shared.json()["project"] == project.pk
    assert seen.status_code == 200
    assert counted.json()["by_dataset"][0]["patients"] == "<5"  # Paula has no grant
    assert call(personas.industry, "get", f"/cohorts/{cohort_id}").status_code == 404


def test_a_project_member_cannot_change_or_delete_a_shared_cohort(
    personas: Personas, alliance: Alliance, project: Project
) -> None:
    cohort_id = post(personas.investigator, "/cohorts", save_body(project=project.pk)).json()["id"]

    assert call(alliance.paula, "patch", f"/cohorts/{cohort_id}", {"name": "Mine"}).status_code == 403
    assert call(alliance.paula, "delete", f"/cohorts/{cohort_id}").status_code == 403


def test_sharing_with_a_project_one_is_not_a_member_of_is_refused(
    personas: Personas, alliance: Alliance, project: Project
) -> None:
    body = save_body(project=project.pk)

    assert post(alliance.nora, "/cohorts", body).status_code in (403, 404)


def test_the_owner_renames_and_deletes_a_cohort(personas: Personas) -> None:
    cohort_id = post(personas.investigator, "/cohorts", save_body()).json()["id"]

    renamed = call(personas.investigator, "patch", f"/cohorts/{cohort_id}", {"name": "G12C"})
    deleted = call(personas.investigator, "delete", f"/cohorts/{cohort_id}")

    assert renamed.json()["name"] == "G12C"
    assert deleted.status_code == 204
    assert not SavedCohort.objects.exists()
    assert AuditEvent.objects.filter(action="cohort.delete").exists()


def test_members_of_a_saved_cohort_reach_the_grantee(personas: Personas, cohort_dataset: Dataset) -> None:
    cohort = cohort_save(actor=personas.grantee, name="G12C", datasets=["breast-lung"], definition=KRAS_G12C)

    response = post(personas.grantee, f"/cohorts/{cohort.pk}/members", {})

    assert response.status_code == 200
    assert sorted(m["sample_id"] for m in response.json()["items"]) == ["S09", "S10", "S11"]


@pytest.mark.parametrize("who", ["investigator", "industry"])
def test_members_are_forbidden_without_a_grant(personas: Personas, who: str) -> None:
    person = getattr(personas, who)
    cohort = cohort_save(actor=person, name="G12C", datasets=["breast-lung"], definition=KRAS_G12C)

    response = post(person, f"/cohorts/{cohort.pk}/members", {})

    assert response.status_code == 403


# Analyses


def test_frequencies_for_the_grantee_are_exact(personas: Personas) -> None:
    response = post(personas.grantee, "/analyses/frequencies", {"datasets": ["breast-lung"]})

    rows = {row["gene"]: row for row in response.json()}
    assert rows["TP53"] == {"gene": "TP53", "altered_samples": 8, "profiled_samples": 12, "frequency": 8 / 12}
    assert rows["KRAS"]["altered_samples"] == 3


def test_frequencies_without_a_grant_suppress_small_cells_and_their_frequency(personas: Personas) -> None:
    response = post(personas.investigator, "/analyses/frequencies", {"datasets": ["breast-lung"]})

    rows = {row["gene"]: row for row in response.json()}
    assert rows["KRAS"] == {
        "gene": "KRAS",
        "altered_samples": "<5",
        "profiled_samples": 12,
        "frequency": None,
    }
    assert rows["TP53"]["altered_samples"] == 8


def test_analyses_of_a_cohort_below_the_threshold_are_refused_without_a_grant(personas: Personas) -> None:
    body = {"datasets": ["breast-lung"], "definition": KRAS_G12C}

    refused = post(personas.industry, "/analyses/frequencies", body)
    allowed = post(personas.grantee, "/analyses/frequencies", body)

    assert refused.status_code == 403
    assert allowed.status_code == 200


def test_the_oncoprint_reaches_the_grantee(personas: Personas) -> None:
    response = post(personas.grantee, "/analyses/oncoprint", {"datasets": ["breast-lung"], "top": 3})

    body = response.json()
    assert body["genes"][0] == "TP53"
    assert "breast-lung:S01" in body["samples"]


def test_the_oncoprint_is_forbidden_without_a_grant(personas: Personas) -> None:
    response = post(personas.investigator, "/analyses/oncoprint", {"datasets": ["breast-lung"]})

    assert response.status_code == 403


def test_cooccurrence_for_the_grantee_has_cells_and_statistics(personas: Personas) -> None:
    body = {"datasets": ["breast-lung"], "genes": ["TP53", "PIK3CA"]}

    [pair] = post(personas.grantee, "/analyses/cooccurrence", body).json()

    assert (pair["both"], pair["a_only"], pair["b_only"], pair["neither"]) == (6, 2, 0, 4)
    assert pair["p_value"] is not None


def test_cooccurrence_without_a_grant_withholds_every_cell_and_statistic_of_a_pair_with_a_small_cell(
    personas: Personas,
) -> None:
    body = {"datasets": ["breast-lung"], "genes": ["TP53", "PIK3CA"]}

    [pair] = post(personas.investigator, "/analyses/cooccurrence", body).json()

    # "both" (6) alone would give a_only back: TP53's 8 altered samples are public through frequencies.
    assert (pair["both"], pair["a_only"], pair["b_only"], pair["neither"]) == (None, None, None, None)
    assert pair["odds_ratio"] is None and pair["p_value"] is None and pair["q_value"] is None


def test_cooccurrence_needs_two_genes(personas: Personas) -> None:
    body = {"datasets": ["breast-lung"], "genes": ["TP53", "p53"]}  # one gene under two names

    response = post(personas.grantee, "/analyses/cooccurrence", body)

    assert response.status_code == 400
    assert response.json()["field"] == "genes"


def test_survival_by_gene_for_the_grantee_has_both_groups_and_a_test(personas: Personas) -> None:
    body = {"datasets": ["breast-lung"], "gene": "TP53"}

    result = post(personas.grantee, "/analyses/survival", body).json()

    assert [g["label"] for g in result["groups"]] == ["TP53 wild type", "TP53 mutated"]
    assert [g["n"] for g in result["groups"]] == [4, 8]
    assert result["logrank_p"] is not None and result["hazard_ratio"] is not None


def test_survival_without_a_grant_withholds_a_group_below_the_threshold(personas: Personas) -> None:
    body = {"datasets": ["breast-lung"], "gene": "TP53"}

    result = post(personas.investigator, "/analyses/survival", body).json()

    wild, mutated = result["groups"]
    assert (wild["n"], wild["curve"], wild["median_months"]) == ("<5", [], None)
    assert mutated["n"] == 8
    assert result["logrank_p"] is None and result["hazard_ratio"] is None
    assert result["withheld"] == ["TP53 wild type"]


def test_survival_without_a_grant_withholds_groups_with_few_events(personas: Personas) -> None:
    body = {"datasets": ["breast-lung"], "attribute": "sex"}

    result = post(personas.investigator, "/analyses/survival", body).json()

    # Six women and six men, four deaths each: each curve would show four people's times of death.
    assert [(g["n"], g["events"]) for g in result["groups"]] == [(6, "<5"), (6, "<5")]
    assert all(g["curve"] == [] and g["median_months"] is None for g in result["groups"])
    assert result["logrank_p"] is None and result["hazard_ratio"] is None
    assert sorted(result["withheld"]) == ["sex = female", "sex = male"]


def test_the_grantee_sees_curves_of_groups_with_few_events(personas: Personas) -> None:
    body = {"datasets": ["breast-lung"], "attribute": "sex"}

    result = post(personas.grantee, "/analyses/survival", body).json()

    assert all(g["curve"] for g in result["groups"])
    assert result["withheld"] == [] and result["logrank_p"] is not None


def test_survival_compares_two_cohorts(personas: Personas) -> None:
    body = {
        "datasets": ["breast-lung"],
        "compare": [
            {"label": "breast", "definition": {"type": "cancer_type", "codes": ["BRCA"]}},
            {"label": "lung", "definition": {"type": "cancer_type", "codes": ["LUAD"]}},
        ],
    }

    result = post(personas.grantee, "/analyses/survival", body).json()

    assert [(g["label"], g["n"]) for g in result["groups"]] == [("breast", 8), ("lung", 4)]


def test_survival_by_attribute_values(personas: Personas) -> None:
    body = {"datasets": ["breast-lung"], "attribute": "sex"}

    result = post(personas.grantee, "/analyses/survival", body).json()

    assert sorted((g["label"], g["n"]) for g in result["groups"]) == [("sex = female", 6), ("sex = male", 6)]


def test_a_distribution_of_a_patient_column(personas: Personas) -> None:
    body = {"datasets": ["breast-lung"], "attribute": "sex"}

    result = post(personas.grantee, "/analyses/distribution", body).json()

    assert dict(result["categories"]) == {"female": 6, "male": 6}


def test_a_numeric_distribution_hides_min_and_max_without_a_grant(personas: Personas) -> None:
    body = {"datasets": ["breast-lung"], "attribute": "age_years"}

    exact = post(personas.grantee, "/analyses/distribution", body).json()
    suppressed = post(personas.investigator, "/analyses/distribution", body).json()

    assert exact["summary"]["min"] == 42
    assert "min" not in suppressed["summary"] and "max" not in suppressed["summary"]


@pytest.mark.parametrize("path", ["frequencies", "oncoprint", "cooccurrence", "survival", "distribution"])
def test_an_outsider_gets_no_analysis(personas: Personas, path: str) -> None:
    body = {"datasets": ["breast-lung"], "genes": ["TP53", "KRAS"], "gene": "TP53", "attribute": "sex"}

    assert post(personas.outsider, f"/analyses/{path}", body).status_code == 404


def test_every_analysis_is_audited(personas: Personas) -> None:
    post(personas.investigator, "/analyses/frequencies", {"datasets": ["breast-lung"], "top": 5})

    event = AuditEvent.objects.get(action="analysis.frequencies")
    assert event.actor == personas.investigator
    assert event.detail["datasets"] == ["breast-lung"]
    assert event.detail["top"] == 5


def test_an_outsider_lists_no_saved_cohorts_and_cannot_save_one(personas: Personas) -> None:
    cohort_save(actor=personas.investigator, name="Mine", datasets=["breast-lung"], definition=None)

    listed = call(personas.outsider, "get", "/cohorts")
    created = post(personas.outsider, "/cohorts", save_body())

    assert listed.json()["items"] == []
    assert created.status_code == 404


def test_sharing_is_audited(personas: Personas, project: Project) -> None:
    cohort_id = post(personas.investigator, "/cohorts", save_body()).json()["id"]

    call(personas.investigator, "patch", f"/cohorts/{cohort_id}", {"project": project.pk})

    event = AuditEvent.objects.get(action="cohort.share")
    assert event.actor == personas.investigator
    assert event.detail["project"] == project.pk
