"""The portfolio's HTML pages, per persona (see oncobridge/conftest.py)."""

from __future__ import annotations

import pytest
from django.test import Client
from django.urls import reverse

from oncobridge.accounts.access import viewer_for
from oncobridge.conftest import Alliance
from oncobridge.portfolio import services
from oncobridge.portfolio.models import InvestigatorProfile, NeedResponse, PartnerNeed, ResearchAsset

HOME = reverse("portfolio:home")


def lung_pdx(alliance: Alliance, *, visibility: str = "partners") -> ResearchAsset:
    return services.asset_save(
        viewer=viewer_for(alliance.alice),
        actor=alliance.alice,
        organisation=alliance.centre,
        kind="pdx_model",
        title="KRAS-mutant lung adenocarcinoma PDX panel",
        description="Forty patient-derived xenografts with matched germline DNA.",
        cancer_types=["LUAD"],
        genes=["KRAS"],
        visibility=visibility,
    )


def breast_organoids(alliance: Alliance) -> ResearchAsset:
    return services.asset_save(
        viewer=viewer_for(alliance.alice),
        actor=alliance.alice,
        organisation=alliance.centre,
        kind="organoid",
        title="Triple-negative breast cancer organoid biobank",
        cancer_types=["BRCA"],
        genes=["BRCA1"],
        visibility="network",
    )


def client_for(user: object) -> Client:
    client = Client()
    client.force_login(user)
    return client


def test_anonymous_visitor_is_sent_to_login(alliance: Alliance) -> None:
    asset = lung_pdx(alliance)
    for url in (HOME, reverse("portfolio:asset_detail", args=[asset.pk]), reverse("portfolio:my_profile")):
        response = Client().get(url)
        assert response.status_code == 302
        assert response["Location"].startswith(reverse("accounts:login"))


def test_account_without_membership_sees_a_friendly_page(alliance: Alliance) -> None:
    response = client_for(alliance.oscar).get(HOME)
    assert response.status_code == 403
    assert "no membership" in response.content.decode()


def test_partner_under_cda_finds_a_partners_asset(alliance: Alliance) -> None:
    lung_pdx(alliance)
    response = client_for(alliance.paula).get(HOME, {"q": "adenocarcinoma"})
    assert response.status_code == 200
    assert "KRAS-mutant lung adenocarcinoma PDX panel" in response.content.decode()
    assert response.context["result"].kind_counts.get("asset") == 1


def test_industry_member_without_cda_neither_finds_nor_counts_a_partners_asset(alliance: Alliance) -> None:
    lung_pdx(alliance)
    response = client_for(alliance.gary).get(HOME, {"q": "adenocarcinoma"})
    assert response.status_code == 200
    assert "KRAS-mutant lung adenocarcinoma PDX panel" not in response.content.decode()
    assert response.context["result"].kind_counts.get("asset", 0) == 0


def test_partner_under_cda_opens_the_asset_page_with_oncotree_names(alliance: Alliance) -> None:
    asset = lung_pdx(alliance)
    response = client_for(alliance.paula).get(reverse("portfolio:asset_detail", args=[asset.pk]))
    body = response.content.decode()
    assert response.status_code == 200
    assert "Lung Adenocarcinoma" in body
    assert "KRAS" in body
    assert "Edit asset" not in body


def test_industry_member_without_cda_gets_not_found_for_a_partners_asset(alliance: Alliance) -> None:
    asset = lung_pdx(alliance)
    response = client_for(alliance.gary).get(reverse("portfolio:asset_detail", args=[asset.pk]))
    assert response.status_code == 404
    assert "We could not find that page" in response.content.decode()


def test_alliance_manager_sees_the_edit_button(alliance: Alliance) -> None:
    asset = lung_pdx(alliance)
    response = client_for(alliance.alice).get(reverse("portfolio:asset_detail", args=[asset.pk]))
    assert "Edit asset" in response.content.decode()


def test_htmx_search_answers_only_the_results_fragment(alliance: Alliance) -> None:
    lung_pdx(alliance)
    response = client_for(alliance.ivan).get(HOME, {"q": "lung"}, headers={"HX-Request": "true"})
    body = response.content.decode()
    assert response.status_code == 200
    assert "<html" not in body
    assert "KRAS-mutant lung adenocarcinoma PDX panel" in body
    assert "HX-Request" in response["Vary"]


def test_search_without_javascript_renders_the_whole_page(alliance: Alliance) -> None:
    response = client_for(alliance.ivan).get(HOME, {"q": "lung"})
    body = response.content.decode()
    assert "<html" in body
    assert 'name="q"' in body


def test_ticking_a_cancer_type_narrows_the_results_to_its_subtypes(alliance: Alliance) -> None:
    lung_pdx(alliance, visibility="network")
    breast_organoids(alliance)
    client = client_for(alliance.ivan)
    everything = client.get(HOME)
    assert everything.context["result"].total == 2
    narrowed = client.get(HOME, {"cancer_type": "LUNG"})
    titles = [hit.hit.title for hit in narrowed.context["hits"]]
    assert titles == ["KRAS-mutant lung adenocarcinoma PDX panel"]


def test_cancer_type_facet_is_an_indented_tree(alliance: Alliance) -> None:
    lung_pdx(alliance, visibility="network")
    response = client_for(alliance.ivan).get(HOME)
    cancer = next(group for group in response.context["facet_groups"] if group.parameter == "cancer_type")
    depths = {value.value: value.depth for value in cancer.values}
    assert depths["LUNG"] < depths["LUAD"]
    assert 'class="depth-1"' in response.content.decode()


def test_kind_tab_keeps_counting_every_kind(alliance: Alliance) -> None:
    lung_pdx(alliance, visibility="network")
    services.profile_upsert(
        viewer=viewer_for(alliance.ivan),
        actor=alliance.ivan,
        user=alliance.ivan,
        organisation=alliance.centre,
        summary="Lung cancer genomics",
        cancer_types=["LUAD"],
    )
    response = client_for(alliance.ivan).get(HOME, {"kind": "asset"})
    tabs = {tab.kind: tab.count for tab in response.context["tabs"]}
    assert tabs["asset"] == 1
    assert tabs["profile"] == 1
    assert [hit.hit.kind for hit in response.context["hits"]] == ["asset"]


def test_a_query_naming_a_cancer_type_offers_it_as_a_filter(alliance: Alliance) -> None:
    lung_pdx(alliance, visibility="network")
    response = client_for(alliance.ivan).get(HOME, {"q": "lung"})
    assert "Did you mean cancer type" in response.content.decode()
    assert any(suggestion.code == "LUNG" for suggestion in response.context["suggestions"])


def test_search_page_with_thirty_results_makes_a_bounded_number_of_queries(
    alliance: Alliance, django_assert_max_num_queries: object
) -> None:
    viewer = viewer_for(alliance.alice)
    for number in range(30):
        services.asset_save(
            viewer=viewer,
            actor=alliance.alice,
            organisation=alliance.centre,
            kind="cell_line",
            title=f"Lung cell line {number:02d}",
            cancer_types=["LUAD"],
            genes=["EGFR"],
            visibility="network",
        )
    client = client_for(alliance.ivan)
    with django_assert_max_num_queries(13):  # type: ignore[operator]
        response = client.get(HOME, {"q": "lung", "kind": "asset"})
    assert response.context["result"].total == 30


def test_investigator_edits_own_profile(alliance: Alliance) -> None:
    client = client_for(alliance.ivan)
    response = client.post(
        reverse("portfolio:my_profile"),
        {
            "position": "Group leader",
            "summary": "Resistance to KRAS inhibitors in lung adenocarcinoma.",
            "cancer_types": "LUAD, NSCLC",
            "genes": "KRAS",
            "modalities": "",
            "methods": "CRISPR screens",
            "orcid": "",
            "publications": "",
            "visibility": "alliance",
        },
    )
    profile = InvestigatorProfile.objects.get(user=alliance.ivan)
    assert response.status_code == 302
    assert response["Location"] == reverse("portfolio:profile_detail", args=[profile.pk])
    assert profile.cancer_types == ["LUAD", "NSCLC"]
    page = client.get(response["Location"]).content.decode()
    assert "Resistance to KRAS inhibitors" in page


def test_unknown_oncotree_code_is_shown_next_to_its_field(alliance: Alliance) -> None:
    response = client_for(alliance.ivan).post(
        reverse("portfolio:my_profile"), {"cancer_types": "LUAD, NOTACODE", "visibility": "alliance"}
    )
    assert response.status_code == 200
    assert response.context["form"].errors["cancer_types"] == ["'NOTACODE' is not an OncoTree code."]
    assert not InvestigatorProfile.objects.filter(user=alliance.ivan).exists()


def test_trainee_cannot_open_asset_creation(alliance: Alliance) -> None:
    response = client_for(alliance.tess).get(reverse("portfolio:asset_create"))
    assert response.status_code == 403
    assert "do not allow" in response.content.decode()


def test_investigator_adds_an_asset(alliance: Alliance) -> None:
    response = client_for(alliance.ivan).post(
        reverse("portfolio:asset_create"),
        {
            "organisation": alliance.centre.pk,
            "kind": "dataset",
            "title": "Lung cohort with outcomes",
            "cancer_types": "LUAD",
            "genes": "EGFR, KRAS",
            "visibility": "alliance",
        },
    )
    asset = ResearchAsset.objects.get(title="Lung cohort with outcomes")
    assert response.status_code == 302
    assert asset.owner == alliance.ivan
    assert asset.genes == ["EGFR", "KRAS"]


def test_investigator_of_another_organisation_cannot_edit_an_asset(alliance: Alliance) -> None:
    asset = lung_pdx(alliance, visibility="alliance")
    response = client_for(alliance.nora).get(reverse("portfolio:asset_edit", args=[asset.pk]))
    assert response.status_code == 403


def test_alliance_manager_edits_an_asset(alliance: Alliance) -> None:
    asset = lung_pdx(alliance)
    response = client_for(alliance.alice).post(
        reverse("portfolio:asset_edit", args=[asset.pk]),
        {"kind": "pdx_model", "title": "Renamed PDX panel", "cancer_types": "LUAD", "visibility": "partners"},
    )
    asset.refresh_from_db()
    assert response.status_code == 302
    assert asset.title == "Renamed PDX panel"


def test_industry_member_posts_a_need_and_an_investigator_answers_it(alliance: Alliance) -> None:
    paula = client_for(alliance.paula)
    posted = paula.post(
        reverse("portfolio:need_create"),
        {
            "organisation": alliance.acme.pk,
            "title": "KRAS G12C resistant models",
            "cancer_types": "LUAD",
            "visibility": "network",
        },
    )
    need = PartnerNeed.objects.get(title="KRAS G12C resistant models")
    assert posted.status_code == 302
    answered = client_for(alliance.ivan).post(
        reverse("portfolio:need_detail", args=[need.pk]), {"message": "We have 12 such PDX models."}
    )
    assert answered.status_code == 302
    assert NeedResponse.objects.filter(need=need, responder=alliance.ivan).exists()
    assert (
        "We have 12 such PDX models."
        in paula.get(reverse("portfolio:need_detail", args=[need.pk])).content.decode()
    )


def test_investigator_cannot_post_a_need(alliance: Alliance) -> None:
    response = client_for(alliance.ivan).get(reverse("portfolio:need_create"))
    assert response.status_code == 403


def test_need_list_shows_open_needs(alliance: Alliance) -> None:
    services.need_save(
        viewer=viewer_for(alliance.paula),
        actor=alliance.paula,
        organisation=alliance.acme,
        title="Biomarker data for ovarian cancer",
        visibility="network",
    )
    response = client_for(alliance.nora).get(reverse("portfolio:need_list"))
    assert "Biomarker data for ovarian cancer" in response.content.decode()


def test_partner_and_project_pages_open_for_members(alliance: Alliance) -> None:
    partner = services.partner_profile_save(
        viewer=viewer_for(alliance.paula),
        actor=alliance.paula,
        organisation=alliance.acme,
        summary="Precision oncology for thoracic tumours",
        therapeutic_areas=["NSCLC"],
    )
    project = services.project_save(
        viewer=viewer_for(alliance.alice),
        actor=alliance.alice,
        organisation=alliance.centre,
        title="Liquid biopsy for early lung cancer",
        cancer_types=["LUNG"],
    )
    client = client_for(alliance.nora)
    assert (
        "Precision oncology"
        in client.get(reverse("portfolio:partner_detail", args=[partner.pk])).content.decode()
    )
    assert (
        "Liquid biopsy" in client.get(reverse("portfolio:project_detail", args=[project.pk])).content.decode()
    )


def test_organisation_page_counts_only_what_the_viewer_may_see(alliance: Alliance) -> None:
    lung_pdx(alliance)
    breast_organoids(alliance)
    url = reverse("portfolio:organisation_detail", args=["st-olaf"])
    paula_counts = dict((kind, n) for _, n, kind in client_for(alliance.paula).get(url).context["counts"])
    gary_counts = dict((kind, n) for _, n, kind in client_for(alliance.gary).get(url).context["counts"])
    assert paula_counts["asset"] == 2
    assert gary_counts["asset"] == 1


@pytest.mark.parametrize("slug", ["no-such-organisation"])
def test_unknown_organisation_is_not_found(alliance: Alliance, slug: str) -> None:
    response = client_for(alliance.ivan).get(reverse("portfolio:organisation_detail", args=[slug]))
    assert response.status_code == 404
