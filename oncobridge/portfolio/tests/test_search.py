"""Portfolio search: hierarchy-aware full text, facets that respect visibility, an index kept in step."""

from __future__ import annotations

from typing import Any

import pytest

from oncobridge.accounts.access import viewer_for
from oncobridge.accounts.models import User
from oncobridge.conftest import Alliance
from oncobridge.core.visibility import Visibility
from oncobridge.portfolio.indexing import documents_rebuild
from oncobridge.portfolio.models import FacetName, ResearchAsset
from oncobridge.portfolio.selectors import SearchFilters, SearchResult, portfolio_search
from oncobridge.portfolio.services import asset_delete, asset_save, need_save


def add(user: User, title: str, **fields: Any) -> ResearchAsset:
    fields.setdefault("organisation", user.memberships.get().organisation)
    fields.setdefault("kind", "dataset")
    fields.setdefault("visibility", Visibility.NETWORK)
    return asset_save(viewer=viewer_for(user), actor=user, title=title, **fields)


def search(user: User, query: str = "", **filters: Any) -> SearchResult:
    return portfolio_search(viewer=viewer_for(user), query=query, filters=SearchFilters(**filters))


def titles(result: SearchResult) -> set[str]:
    return {hit.title for hit in result.hits}


def counts(result: SearchResult, facet: str) -> dict[str, int]:
    return {value.value: value.count for value in result.facets[facet]}


# --- hierarchy-aware matching ---------------------------------------------------------------------------


@pytest.mark.parametrize("query", ["lung cancer", "NSCLC", "non-small cell lung", "adenocarcinoma"])
def test_it_finds_an_asset_tagged_luad_by_words_of_its_lineage(alliance: Alliance, query: str) -> None:
    add(alliance.ivan, "Resected tumour cohort 2019", cancer_types=["LUAD"])

    assert titles(search(alliance.alice, query)) == {"Resected tumour cohort 2019"}


def test_it_finds_an_asset_tagged_luad_under_the_nsclc_cancer_facet(alliance: Alliance) -> None:
    add(alliance.ivan, "Resected tumour cohort 2019", cancer_types=["LUAD"])
    add(alliance.ivan, "Breast screening cohort", cancer_types=["BRCA"])

    assert titles(search(alliance.alice, cancer_types=("NSCLC",))) == {"Resected tumour cohort 2019"}


def test_it_does_not_find_an_asset_of_another_tissue_by_lung_cancer(alliance: Alliance) -> None:
    add(alliance.ivan, "Breast screening cohort", cancer_types=["BRCA"])

    assert search(alliance.alice, "lung cancer").total == 0


def test_it_finds_an_asset_by_an_alias_of_its_gene(alliance: Alliance) -> None:
    add(alliance.ivan, "Trastuzumab-resistant lines", kind="cell_line", genes=["HER2"])

    assert titles(search(alliance.alice, "ERBB2")) == {"Trastuzumab-resistant lines"}


# --- words -----------------------------------------------------------------------------------------------


def test_it_finds_singular_words_from_a_plural_query(alliance: Alliance) -> None:
    add(alliance.ivan, "Colorectal organoid biobank", kind="organoid")

    assert titles(search(alliance.alice, "organoids")) == {"Colorectal organoid biobank"}


def test_it_completes_the_last_word_as_a_prefix(alliance: Alliance) -> None:
    add(alliance.ivan, "Pancreatic xenograft panel", kind="pdx_model")

    assert titles(search(alliance.alice, "pancreatic xenogr")) == {"Pancreatic xenograft panel"}


def test_it_does_not_complete_words_before_the_last(alliance: Alliance) -> None:
    add(alliance.ivan, "Pancreatic xenograft panel", kind="pdx_model")

    assert search(alliance.alice, "xenogr pancreatic").total == 0


def test_it_requires_every_word_of_the_query(alliance: Alliance) -> None:
    add(alliance.ivan, "Pancreatic xenograft panel", kind="pdx_model")
    add(alliance.ivan, "Pancreatic organoid lines", kind="organoid")

    assert titles(search(alliance.alice, "pancreatic organoid")) == {"Pancreatic organoid lines"}


def test_it_lists_everything_visible_for_an_empty_query(alliance: Alliance) -> None:
    add(alliance.ivan, "Pancreatic xenograft panel", kind="pdx_model")
    add(alliance.ivan, "Private notes", visibility=Visibility.PRIVATE)

    assert titles(search(alliance.gary)) == {"Pancreatic xenograft panel"}


@pytest.mark.parametrize(
    "query",
    [
        '"',
        '"lung',
        "lung*",
        "*",
        "OR",
        "lung OR",
        "AND NOT",
        "-",
        "-lung",
        "NEAR(",
        "NEAR(lung cancer, 2)",
        "'",
        "o'brien",
        "lung:",
        "title:lung",
        "^lung",
        "(lung)",
        "lung & | ! <->",
        "'; DROP TABLE portfolio_searchdocument; --",
        "\\",
        "%_%",
        "🫁 lung",
        "a" * 600,
        " ".join(["lung"] * 100),
    ],
)
def test_it_never_fails_on_punctuation_or_operators(alliance: Alliance, query: str) -> None:
    add(alliance.ivan, "Resected tumour cohort 2019", cancer_types=["LUAD"])

    result = search(alliance.alice, query)

    assert result.total in (0, 1)


def test_it_reads_operators_as_plain_words(alliance: Alliance) -> None:
    add(alliance.ivan, "Resected tumour cohort 2019", cancer_types=["LUAD"])

    assert titles(search(alliance.alice, '"lung -cancer*')) == {"Resected tumour cohort 2019"}


# --- visibility and facets ------------------------------------------------------------------------------


@pytest.fixture
def luad_at_every_visibility(alliance: Alliance) -> Alliance:
    for visibility in Visibility.values:
        add(alliance.ivan, f"LUAD cohort ({visibility})", cancer_types=["LUAD"], visibility=visibility)
    return alliance


def test_it_shows_a_company_without_cda_only_network_hits(luad_at_every_visibility: Alliance) -> None:
    assert titles(search(luad_at_every_visibility.gary, "lung")) == {"LUAD cohort (network)"}


def test_it_counts_for_a_company_without_cda_only_what_it_may_see(luad_at_every_visibility: Alliance) -> None:
    result = search(luad_at_every_visibility.gary, "lung")

    assert (result.total, counts(result, FacetName.CANCER_LINEAGE)["LUAD"]) == (1, 1)


def test_it_counts_partners_items_for_a_cda_partner(luad_at_every_visibility: Alliance) -> None:
    result = search(luad_at_every_visibility.paula, "lung")

    assert (result.total, counts(result, FacetName.CANCER_LINEAGE)["LUAD"]) == (2, 2)


def test_it_counts_every_item_for_its_own_organisation(luad_at_every_visibility: Alliance) -> None:
    result = search(luad_at_every_visibility.tess, "lung")

    assert counts(result, FacetName.CANCER_LINEAGE)["LUAD"] == 4


def test_it_counts_ancestors_of_a_tagged_cancer_type(luad_at_every_visibility: Alliance) -> None:
    result = search(luad_at_every_visibility.tess)

    cancer = counts(result, FacetName.CANCER_LINEAGE)
    assert (cancer["LUNG"], cancer["NSCLC"], cancer["LUAD"]) == (4, 4, 4)


def test_it_shows_nothing_to_an_outsider(luad_at_every_visibility: Alliance) -> None:
    result = search(luad_at_every_visibility.oscar, "lung")

    assert (result.total, result.hits, counts(result, FacetName.CANCER_LINEAGE)) == (0, [], {})


@pytest.fixture
def lung_portfolio(alliance: Alliance) -> Alliance:
    add(alliance.ivan, "EGFR-mutant lung organoids", kind="organoid", cancer_types=["LUAD"], genes=["EGFR"])
    add(alliance.ivan, "KRAS lung cell lines", kind="cell_line", cancer_types=["LUAD"], genes=["KRAS"])
    add(alliance.ivan, "EGFR breast cohort", cancer_types=["BRCA"], genes=["EGFR"], modalities=["antibody"])
    add(alliance.nora, "Squamous lung xenografts", kind="pdx_model", cancer_types=["LUSC"], genes=["EGFR"])
    return alliance


def test_it_combines_a_cancer_facet_and_a_gene_facet(lung_portfolio: Alliance) -> None:
    result = search(lung_portfolio.alice, cancer_types=("NSCLC",), genes=("EGFR",))

    assert titles(result) == {"EGFR-mutant lung organoids", "Squamous lung xenografts"}


def test_it_combines_a_query_with_facets(lung_portfolio: Alliance) -> None:
    result = search(lung_portfolio.alice, "organoids", genes=("EGFR",))

    assert titles(result) == {"EGFR-mutant lung organoids"}


def test_it_combines_facets_with_the_organisation_facet(lung_portfolio: Alliance) -> None:
    result = search(lung_portfolio.alice, genes=("EGFR",), organisations=("northern-uni",))

    assert titles(result) == {"Squamous lung xenografts"}


def test_it_filters_by_asset_kind(lung_portfolio: Alliance) -> None:
    result = search(lung_portfolio.alice, "lung", asset_kinds=("cell_line",))

    assert titles(result) == {"KRAS lung cell lines"}


def test_it_filters_by_modality(lung_portfolio: Alliance) -> None:
    assert titles(search(lung_portfolio.alice, modalities=("antibody",))) == {"EGFR breast cohort"}


def test_it_accepts_facet_values_in_lower_case(lung_portfolio: Alliance) -> None:
    result = search(lung_portfolio.alice, cancer_types=("lusc",), genes=("egfr",))

    assert titles(result) == {"Squamous lung xenografts"}


def test_it_counts_gene_facets_within_the_current_filter(lung_portfolio: Alliance) -> None:
    result = search(lung_portfolio.alice, cancer_types=("NSCLC",))

    assert counts(result, FacetName.GENE) == {"EGFR": 2, "KRAS": 1}


def test_it_marks_the_selected_facet_value(lung_portfolio: Alliance) -> None:
    result = search(lung_portfolio.alice, genes=("EGFR",))

    assert [value.value for value in result.facets[FacetName.GENE] if value.selected] == ["EGFR"]


def test_it_pages_through_results(lung_portfolio: Alliance) -> None:
    viewer = viewer_for(lung_portfolio.alice)

    pages = [portfolio_search(viewer=viewer, query="lung", offset=offset, limit=2) for offset in (0, 2)]

    assert ([len(page.hits) for page in pages], pages[0].total) == ([2, 1], 3)


# --- the index stays in step ----------------------------------------------------------------------------


def test_it_finds_an_asset_by_its_new_title_and_not_its_old_one(alliance: Alliance) -> None:
    asset = add(alliance.ivan, "Pancreatic xenograft panel", kind="pdx_model")

    add(alliance.ivan, "Melanoma organoid panel", asset=asset, kind="organoid")

    assert (search(alliance.alice, "xenograft").total, titles(search(alliance.alice, "melanoma"))) == (
        0,
        {"Melanoma organoid panel"},
    )


def test_it_moves_an_asset_between_cancer_facets_when_retagged(alliance: Alliance) -> None:
    asset = add(alliance.ivan, "Tumour cohort", cancer_types=["LUAD"])

    add(alliance.ivan, "Tumour cohort", asset=asset, cancer_types=["BRCA"])

    result = search(alliance.alice)
    assert ("NSCLC" in counts(result, FacetName.CANCER_LINEAGE), search(alliance.alice, "lung").total) == (
        False,
        0,
    )


def test_it_hides_an_asset_from_search_once_it_is_made_private(alliance: Alliance) -> None:
    asset = add(alliance.ivan, "Pancreatic xenograft panel", kind="pdx_model")

    add(
        alliance.ivan,
        "Pancreatic xenograft panel",
        asset=asset,
        kind="pdx_model",
        visibility=Visibility.PRIVATE,
    )

    assert search(alliance.gary, "xenograft").total == 0


def test_it_forgets_a_deleted_asset(alliance: Alliance) -> None:
    asset = add(alliance.ivan, "Pancreatic xenograft panel", kind="pdx_model")

    asset_delete(viewer=viewer_for(alliance.ivan), actor=alliance.ivan, asset=asset)

    assert (search(alliance.alice, "xenograft").total, search(alliance.alice).total) == (0, 0)


def test_it_gives_the_same_results_after_a_full_rebuild(lung_portfolio: Alliance) -> None:
    queries = [
        ("lung", {}),
        ("egfr", {}),
        ("", {"cancer_types": ("NSCLC",)}),
        ("organoids", {"genes": ("EGFR",)}),
    ]

    def snapshot() -> list[tuple[list[tuple[str, str]], dict[str, list[tuple[str, int]]]]]:
        results = [search(lung_portfolio.paula, query, **filters) for query, filters in queries]
        return [
            (
                sorted((hit.kind, hit.title) for hit in result.hits),
                {facet: [(v.value, v.count) for v in values] for facet, values in result.facets.items()},
            )
            for result in results
        ]

    before = snapshot()

    assert documents_rebuild() == 4
    assert snapshot() == before


def test_it_counts_every_kind_for_the_tabs_while_a_kind_is_chosen(alliance: Alliance) -> None:
    add(alliance.alice, "Mesothelioma organoid biobank", visibility=Visibility.NETWORK)
    need_save(
        viewer=viewer_for(alliance.paula),
        actor=alliance.paula,
        organisation=alliance.acme,
        title="Organoid partners wanted",
        visibility=Visibility.NETWORK,
    )
    result = portfolio_search(
        viewer=viewer_for(alliance.ivan), query="organoid", filters=SearchFilters(kinds=("asset",))
    )
    assert [hit.kind for hit in result.hits] == ["asset"]
    assert result.total == 1
    assert result.kind_counts == {"asset": 1, "need": 1}
