"""The portfolio API: who sees which entry in lists, details and search; who may change what; errors."""

from __future__ import annotations

import json
import typing
from dataclasses import dataclass
from typing import Any

import pytest
from django.test import Client

from oncobridge.accounts.access import viewer_for
from oncobridge.accounts.models import User
from oncobridge.accounts.services import token_create
from oncobridge.conftest import Alliance
from oncobridge.core.visibility import Visibility
from oncobridge.portfolio import schemas
from oncobridge.portfolio.models import (
    AssetKind,
    CollaborationKind,
    DevelopmentStage,
    DocumentKind,
    NeedStatus,
    ResearchAsset,
)
from oncobridge.portfolio.services import asset_save, need_save, partner_profile_save, project_save

API = "/api/v1"


def bearer(user: User) -> dict[str, str]:
    return {"HTTP_AUTHORIZATION": f"Bearer {token_create(user=user).secret}"}


def call(user: User, method: str, path: str, body: Any = None, **params: Any) -> Any:
    client = Client()
    if method == "get":
        return client.get(f"{API}{path}", params, **bearer(user))
    return client.generic(
        method.upper(), f"{API}{path}", json.dumps(body), content_type="application/json", **bearer(user)
    )


@dataclass
class Portfolio:
    """One asset of the cancer centre per visibility, each with a word in its title no other entry has."""

    partners: ResearchAsset  # "quokka"
    alliance: ResearchAsset  # "axolotl"
    private: ResearchAsset  # "pangolin"
    network: ResearchAsset  # "narwhal"


WORDS = {"partners": "quokka", "alliance": "axolotl", "private": "pangolin", "network": "narwhal"}


@pytest.fixture
def portfolio(alliance: Alliance) -> Portfolio:
    def asset(visibility: str) -> ResearchAsset:
        return asset_save(
            viewer=viewer_for(alliance.ivan),
            actor=alliance.ivan,
            organisation=alliance.centre,
            kind="organoid",
            title=f"{WORDS[visibility].title()} organoid collection",
            visibility=visibility,
        )

    return Portfolio(
        partners=asset(Visibility.PARTNERS),
        alliance=asset(Visibility.ALLIANCE),
        private=asset(Visibility.PRIVATE),
        network=asset(Visibility.NETWORK),
    )


# Who may see an asset of the cancer centre, by its visibility. Alice, Ivan, Tess: the centre itself.
# Nora: another alliance member. Paula: Acme, under CDA with the centre. Gary: Globex, no CDA. Oscar: nobody.
SIGHT = [
    ("partners", "alice", True),
    ("partners", "nora", True),
    ("partners", "paula", True),
    ("partners", "gary", False),
    ("partners", "oscar", False),
    ("alliance", "ivan", True),
    ("alliance", "nora", True),
    ("alliance", "paula", False),
    ("alliance", "gary", False),
    ("alliance", "oscar", False),
    ("private", "tess", True),
    ("private", "ivan", True),
    ("private", "nora", False),
    ("private", "paula", False),
    ("private", "gary", False),
    ("network", "gary", True),
    ("network", "nora", True),
    ("network", "oscar", False),
]


@pytest.mark.parametrize(("visibility", "persona", "sees"), SIGHT)
def test_it_lists_an_asset_only_to_those_who_may_see_it(
    alliance: Alliance, portfolio: Portfolio, visibility: str, persona: str, sees: bool
) -> None:
    asset = getattr(portfolio, visibility)
    ids = [
        item["id"] for item in call(getattr(alliance, persona), "get", "/assets", limit=200).json()["items"]
    ]
    assert (asset.pk in ids) is sees


@pytest.mark.parametrize(("visibility", "persona", "sees"), SIGHT)
def test_it_shows_an_asset_only_to_those_who_may_see_it(
    alliance: Alliance, portfolio: Portfolio, visibility: str, persona: str, sees: bool
) -> None:
    asset = getattr(portfolio, visibility)
    response = call(getattr(alliance, persona), "get", f"/assets/{asset.pk}")
    assert response.status_code == (200 if sees else 404)


@pytest.mark.parametrize(("visibility", "persona", "sees"), SIGHT)
def test_it_finds_an_asset_in_search_only_for_those_who_may_see_it(
    alliance: Alliance, portfolio: Portfolio, visibility: str, persona: str, sees: bool
) -> None:
    body = call(getattr(alliance, persona), "get", "/search", q=WORDS[visibility]).json()
    assert ([hit["id"] for hit in body["hits"]] == [getattr(portfolio, visibility).pk]) is sees


@pytest.mark.parametrize(("visibility", "persona", "sees"), SIGHT)
def test_it_counts_an_asset_in_search_totals_only_for_those_who_may_see_it(
    alliance: Alliance, portfolio: Portfolio, visibility: str, persona: str, sees: bool
) -> None:
    body = call(getattr(alliance, persona), "get", "/search", q=WORDS[visibility]).json()
    assert (body["total"], body["kind_counts"].get("asset", 0)) == ((1, 1) if sees else (0, 0))


@pytest.mark.parametrize(("visibility", "persona", "sees"), SIGHT)
def test_it_counts_an_asset_in_search_facets_only_for_those_who_may_see_it(
    alliance: Alliance, portfolio: Portfolio, visibility: str, persona: str, sees: bool
) -> None:
    body = call(getattr(alliance, persona), "get", "/search", q=WORDS[visibility]).json()
    counted = {value["value"]: value["count"] for value in body["facets"]["asset_kind"]}
    assert counted == ({"organoid": 1} if sees else {})


def test_it_counts_only_visible_assets_in_the_list_total(alliance: Alliance, portfolio: Portfolio) -> None:
    counts = [
        call(user, "get", "/assets").json()["count"]
        for user in (alliance.ivan, alliance.paula, alliance.gary)
    ]
    assert counts == [4, 2, 1]


def test_it_pages_assets(alliance: Alliance, portfolio: Portfolio) -> None:
    body = call(alliance.ivan, "get", "/assets", limit=3, offset=2).json()
    assert (body["count"], body["limit"], body["offset"], len(body["items"])) == (4, 3, 2, 2)


def test_it_refuses_a_page_larger_than_the_maximum(alliance: Alliance) -> None:
    assert call(alliance.ivan, "get", "/assets", limit=201).status_code == 422


def test_it_filters_assets_by_kind(alliance: Alliance, portfolio: Portfolio) -> None:
    assert call(alliance.ivan, "get", "/assets", kind="patent").json()["count"] == 0


def test_it_links_search_hits_to_their_api_entry(alliance: Alliance, portfolio: Portfolio) -> None:
    hit = call(alliance.gary, "get", "/search", q="narwhal").json()["hits"][0]
    assert hit["url"] == f"{API}/assets/{portfolio.network.pk}"


def test_it_restricts_search_to_the_kinds_asked_for(alliance: Alliance, portfolio: Portfolio) -> None:
    assert call(alliance.ivan, "get", "/search", kind="project").json()["total"] == 0


def test_it_searches_nothing_for_an_outsider(alliance: Alliance, portfolio: Portfolio) -> None:
    assert call(alliance.oscar, "get", "/search").json()["total"] == 0


def test_it_lets_an_investigator_add_an_asset(alliance: Alliance) -> None:
    body = {"organisation": "st-olaf", "kind": "dataset", "title": "Lung cohort", "visibility": "network"}
    response = call(alliance.ivan, "post", "/assets", body)
    assert (response.status_code, response.json()["owner_id"]) == (201, alliance.ivan.pk)


def test_it_forbids_a_trainee_to_add_an_asset(alliance: Alliance) -> None:
    body = {"organisation": "st-olaf", "kind": "dataset", "title": "Lung cohort"}
    response = call(alliance.tess, "post", "/assets", body)
    assert (response.status_code, response["Content-Type"]) == (403, "application/problem+json")


def test_it_forbids_adding_an_asset_to_another_organisation(alliance: Alliance) -> None:
    body = {"organisation": "northern-uni", "kind": "dataset", "title": "Not mine"}
    assert call(alliance.ivan, "post", "/assets", body).status_code == 403


def test_it_refuses_an_asset_for_an_unknown_organisation(alliance: Alliance) -> None:
    body = {"organisation": "atlantis", "kind": "dataset", "title": "Lost"}
    assert call(alliance.ivan, "post", "/assets", body).status_code == 400


def test_it_refuses_an_unknown_asset_kind(alliance: Alliance) -> None:
    body = {"organisation": "st-olaf", "kind": "unicorn", "title": "Lung cohort"}
    problem = call(alliance.ivan, "post", "/assets", body).json()
    assert (problem["status"], problem["errors"][0]["field"]) == (422, "kind")


def test_it_refuses_a_title_longer_than_500_characters(alliance: Alliance) -> None:
    body = {"organisation": "st-olaf", "kind": "dataset", "title": "x" * 501}
    assert call(alliance.ivan, "post", "/assets", body).status_code == 422


def test_it_refuses_text_a_database_cannot_store(alliance: Alliance) -> None:
    body = {"organisation": "st-olaf", "kind": "dataset", "title": "nul\x00byte"}
    assert call(alliance.ivan, "post", "/assets", body).status_code == 422


def test_it_refuses_an_unknown_gene_with_a_problem_naming_the_field(alliance: Alliance) -> None:
    body = {"organisation": "st-olaf", "kind": "dataset", "title": "Cohort", "genes": ["NOTAGENE42"]}
    problem = call(alliance.ivan, "post", "/assets", body).json()
    assert (problem["status"], problem["field"]) == (400, "genes")


def test_it_answers_malformed_json_with_a_problem(alliance: Alliance) -> None:
    response = Client().post(
        f"{API}/assets", "{not json", content_type="application/json", **bearer(alliance.ivan)
    )
    assert (response.status_code // 100, response["Content-Type"]) == (4, "application/problem+json")


def test_it_answers_a_non_numeric_id_with_a_problem(alliance: Alliance) -> None:
    response = call(alliance.ivan, "get", "/assets/not-a-number")
    assert (response.status_code, response["Content-Type"]) == (422, "application/problem+json")


def test_it_answers_a_missing_asset_with_a_404_problem(alliance: Alliance) -> None:
    problem = call(alliance.ivan, "get", "/assets/987654").json()
    assert (problem["status"], problem["title"], problem["type"]) == (404, "Not found", "about:blank")


def test_it_lets_an_investigator_change_their_own_asset(alliance: Alliance, portfolio: Portfolio) -> None:
    call(alliance.ivan, "patch", f"/assets/{portfolio.private.pk}", {"title": "Renamed"})
    assert ResearchAsset.objects.get(pk=portfolio.private.pk).title == "Renamed"


def test_it_keeps_the_fields_a_patch_leaves_out(alliance: Alliance, portfolio: Portfolio) -> None:
    body = call(alliance.ivan, "patch", f"/assets/{portfolio.private.pk}", {"size": 12}).json()
    assert (body["title"], body["visibility"], body["size"]) == (
        "Pangolin organoid collection",
        "private",
        12,
    )


def test_it_refuses_a_null_title_in_a_patch(alliance: Alliance, portfolio: Portfolio) -> None:
    response = call(alliance.ivan, "patch", f"/assets/{portfolio.private.pk}", {"title": None})
    assert response.status_code == 422


def test_it_forbids_an_investigator_to_change_a_colleagues_asset(alliance: Alliance) -> None:
    danas = asset_save(
        viewer=viewer_for(alliance.dana),
        actor=alliance.dana,
        organisation=alliance.centre,
        kind="dataset",
        title="Dana's registry",
    )
    response = call(alliance.ivan, "patch", f"/assets/{danas.pk}", {"title": "Mine now"})
    assert response.status_code == 403


def test_it_lets_an_alliance_manager_change_any_asset_of_her_organisation(
    alliance: Alliance, portfolio: Portfolio
) -> None:
    response = call(alliance.alice, "patch", f"/assets/{portfolio.private.pk}", {"visibility": "network"})
    assert response.json()["visibility"] == "network"


def test_it_hides_an_invisible_asset_from_changes_as_missing(
    alliance: Alliance, portfolio: Portfolio
) -> None:
    response = call(alliance.gary, "patch", f"/assets/{portfolio.partners.pk}", {"title": "Gotcha"})
    assert response.status_code == 404


def test_it_lets_an_investigator_delete_their_own_asset(alliance: Alliance, portfolio: Portfolio) -> None:
    call(alliance.ivan, "delete", f"/assets/{portfolio.private.pk}")
    assert call(alliance.ivan, "get", f"/assets/{portfolio.private.pk}").status_code == 404


def test_it_forbids_another_organisation_to_delete_an_asset(alliance: Alliance, portfolio: Portfolio) -> None:
    assert call(alliance.nora, "delete", f"/assets/{portfolio.network.pk}").status_code == 403


def test_it_removes_a_deleted_asset_from_search(alliance: Alliance, portfolio: Portfolio) -> None:
    call(alliance.ivan, "delete", f"/assets/{portfolio.network.pk}")
    assert call(alliance.ivan, "get", "/search", q="narwhal").json()["total"] == 0


def test_it_saves_my_investigator_profile(alliance: Alliance) -> None:
    body = {"position": "Group leader", "summary": "Organoids of rare tumours", "visibility": "network"}
    profile = call(alliance.ivan, "put", "/me/profile", body).json()
    assert call(alliance.gary, "get", f"/people/{profile['id']}").json()["position"] == "Group leader"


def test_it_replaces_my_investigator_profile_on_a_second_save(alliance: Alliance) -> None:
    call(alliance.ivan, "put", "/me/profile", {"position": "Postdoc"})
    profile = call(alliance.ivan, "put", "/me/profile", {"position": "Group leader"}).json()
    assert call(alliance.ivan, "get", "/people").json()["items"] == [profile]


def test_it_refuses_a_profile_to_an_outsider(alliance: Alliance) -> None:
    assert call(alliance.oscar, "put", "/me/profile", {"position": "Visitor"}).status_code == 403


def test_it_refuses_a_profile_in_an_organisation_i_do_not_belong_to(alliance: Alliance) -> None:
    response = call(alliance.ivan, "put", "/me/profile", {"organisation": "acme"})
    assert response.status_code == 403


def test_it_hides_an_alliance_profile_from_industry(alliance: Alliance) -> None:
    profile = call(alliance.ivan, "put", "/me/profile", {"visibility": "alliance"}).json()
    assert call(alliance.gary, "get", f"/people/{profile['id']}").status_code == 404


def test_it_filters_people_by_organisation(alliance: Alliance) -> None:
    call(alliance.ivan, "put", "/me/profile", {"visibility": "network"})
    assert call(alliance.ivan, "get", "/people", organisation="northern-uni").json()["count"] == 0


def test_it_shows_a_research_project(alliance: Alliance) -> None:
    project = project_save(
        viewer=viewer_for(alliance.alice),
        actor=alliance.alice,
        organisation=alliance.centre,
        title="Organoid drug screens",
    )
    assert call(alliance.gary, "get", f"/projects/{project.pk}").json()["title"] == "Organoid drug screens"


def test_it_lists_research_projects(alliance: Alliance) -> None:
    project_save(
        viewer=viewer_for(alliance.alice), actor=alliance.alice, organisation=alliance.centre, title="P1"
    )
    assert call(alliance.nora, "get", "/projects").json()["count"] == 1


def need_body(**overrides: Any) -> dict[str, Any]:
    return {
        "organisation": "acme",
        "title": "Organoids for a KRAS programme",
        "collaboration_kind": "material_access",
        **overrides,
    }


def test_it_lets_an_industry_member_post_a_need(alliance: Alliance) -> None:
    response = call(alliance.paula, "post", "/needs", need_body())
    assert (response.status_code, response.json()["status"]) == (201, "open")


def test_it_refuses_an_unknown_development_stage(alliance: Alliance) -> None:
    assert call(alliance.paula, "post", "/needs", need_body(development_stage="phase_9")).status_code == 422


def test_it_lets_the_poster_close_a_need(alliance: Alliance) -> None:
    need = call(alliance.paula, "post", "/needs", need_body()).json()
    assert (
        call(alliance.paula, "patch", f"/needs/{need['id']}", {"status": "closed"}).json()["status"]
        == "closed"
    )


def test_it_forbids_another_company_to_change_a_need(alliance: Alliance) -> None:
    need = call(alliance.paula, "post", "/needs", need_body()).json()
    assert call(alliance.gary, "patch", f"/needs/{need['id']}", {"title": "Ours"}).status_code == 403


def test_it_lists_only_open_needs_unless_asked(alliance: Alliance) -> None:
    need = call(alliance.paula, "post", "/needs", need_body()).json()
    call(alliance.paula, "patch", f"/needs/{need['id']}", {"status": "closed"})
    counts = [
        call(alliance.ivan, "get", "/needs", **params).json()["count"] for params in ({}, {"status": "any"})
    ]
    assert counts == [0, 1]


def test_it_lets_an_investigator_answer_a_need(alliance: Alliance) -> None:
    need = call(alliance.paula, "post", "/needs", need_body()).json()
    response = call(alliance.ivan, "post", f"/needs/{need['id']}/responses", {"message": "We have 40 lines."})
    assert (response.status_code, response.json()["organisation"]) == (201, "st-olaf")


def test_it_shows_the_needing_organisation_every_answer(alliance: Alliance) -> None:
    need = call(alliance.paula, "post", "/needs", need_body()).json()
    call(alliance.ivan, "post", f"/needs/{need['id']}/responses", {"message": "We have 40 lines."})
    assert call(alliance.paula, "get", f"/needs/{need['id']}/responses").json()["count"] == 1


def test_it_hides_answers_from_a_bystander(alliance: Alliance) -> None:
    need = call(alliance.paula, "post", "/needs", need_body()).json()
    call(alliance.ivan, "post", f"/needs/{need['id']}/responses", {"message": "We have 40 lines."})
    assert call(alliance.gary, "get", f"/needs/{need['id']}/responses").json()["count"] == 0


def test_it_forbids_a_company_to_answer_its_own_need(alliance: Alliance) -> None:
    need = call(alliance.paula, "post", "/needs", need_body()).json()
    response = call(alliance.paula, "post", f"/needs/{need['id']}/responses", {"message": "Me"})
    assert response.status_code == 403


def test_it_refuses_an_empty_answer(alliance: Alliance) -> None:
    need = call(alliance.paula, "post", "/needs", need_body()).json()
    assert call(alliance.ivan, "post", f"/needs/{need['id']}/responses", {"message": ""}).status_code == 422


def test_it_refuses_an_answer_offering_an_invisible_asset(alliance: Alliance, portfolio: Portfolio) -> None:
    need = call(alliance.paula, "post", "/needs", need_body()).json()
    body = {"message": "Take theirs", "asset_id": portfolio.private.pk}
    assert call(alliance.nora, "post", f"/needs/{need['id']}/responses", body).status_code == 404


def test_it_hides_a_private_need_from_other_organisations(alliance: Alliance) -> None:
    need = need_save(
        viewer=viewer_for(alliance.paula),
        actor=alliance.paula,
        organisation=alliance.acme,
        title="Secret need",
        visibility=Visibility.PRIVATE,
    )
    assert call(alliance.ivan, "get", f"/needs/{need.pk}").status_code == 404


def test_it_shows_partner_profiles_to_members(alliance: Alliance) -> None:
    profile = partner_profile_save(
        viewer=viewer_for(alliance.paula), actor=alliance.paula, organisation=alliance.acme, summary="ADCs"
    )
    assert call(alliance.nora, "get", f"/partners/{profile.pk}").json()["organisation"] == "acme"


def test_it_lists_no_partner_profiles_to_an_outsider(alliance: Alliance) -> None:
    partner_profile_save(viewer=viewer_for(alliance.paula), actor=alliance.paula, organisation=alliance.acme)
    assert call(alliance.oscar, "get", "/partners").json()["count"] == 0


@pytest.mark.parametrize(
    ("literal", "choices"),
    [
        (schemas.VisibilityName, Visibility),
        (schemas.AssetKindName, AssetKind),
        (schemas.DevelopmentStageName, DevelopmentStage),
        (schemas.CollaborationKindName, CollaborationKind),
        (schemas.NeedStatusName, NeedStatus),
        (schemas.DocumentKindName, DocumentKind),
    ],
)
def test_it_offers_exactly_the_model_choices_in_the_schema(literal: Any, choices: Any) -> None:
    assert list(typing.get_args(literal)) == list(choices.values)


def test_it_lists_assets_in_a_constant_number_of_queries(
    alliance: Alliance, portfolio: Portfolio, django_assert_max_num_queries: Any
) -> None:
    headers = bearer(alliance.ivan)
    with django_assert_max_num_queries(8):
        Client().get(f"{API}/assets", **headers)
