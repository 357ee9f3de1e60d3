"""The cohort pages per persona: builder and live count, saving and sharing, analyses tabs and exports."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from django.test import Client

from oncobridge.cohorts.models import SavedCohort
from oncobridge.cohorts.services import cohort_save
from oncobridge.cohorts.tests.conftest import Personas, client_for, make_cohort_dataset
from oncobridge.conftest import Alliance
from oncobridge.core.models import AuditEvent

pytestmark = pytest.mark.django_db

KRAS_G12C = {"type": "protein_change", "gene": "KRAS", "change": "p.G12C"}


def builder_post(**rows: str) -> dict[str, Any]:
    return {"datasets": ["breast-lung"], "combine": "and", **rows}


def test_the_builder_needs_a_signed_in_member(personas: Personas) -> None:
    assert Client().get("/cohorts/").status_code == 302
    assert client_for(personas.outsider).get("/cohorts/").status_code == 403


def test_the_builder_lists_the_datasets_one_may_query(personas: Personas) -> None:
    page = client_for(personas.industry).get("/cohorts/").content.decode()

    assert "Breast and lung cohort" in page
    assert 'hx-post="/cohorts/count/"' in page


def test_the_live_count_shows_a_small_count_as_below_the_threshold_without_grant(
    personas: Personas,
) -> None:
    body = builder_post(**{"c0-kind": "protein_change", "c0-a": "KRAS", "c0-b": "G12C"})

    page = client_for(personas.investigator).post("/cohorts/count/", body).content.decode()

    assert "&lt;5" in page
    assert "counts only" in page


def test_the_live_count_is_exact_for_the_grantee(personas: Personas) -> None:
    body = builder_post(**{"c0-kind": "protein_change", "c0-a": "KRAS", "c0-b": "G12C"})

    page = client_for(personas.grantee).post("/cohorts/count/", body).content.decode()

    assert 'data-testid="cohort-patients">3<' in page


def test_two_rows_combine_and_a_negated_row_excludes(personas: Personas) -> None:
    body = builder_post(
        **{
            "c0-kind": "gene_mutated",
            "c0-a": "TP53",
            "c1-kind": "gene_mutated",
            "c1-a": "PIK3CA",
            "c1-not": "on",
        }
    )

    page = client_for(personas.steward).post("/cohorts/count/", body).content.decode()

    assert 'data-testid="cohort-patients">2<' in page


def test_an_unknown_gene_in_a_row_is_named_in_the_count_panel(personas: Personas) -> None:
    body = builder_post(
        **{"c0-kind": "gene_mutated", "c0-a": "TP53", "c1-kind": "gene_mutated", "c1-a": "XYZ1"}
    )

    page = client_for(personas.steward).post("/cohorts/count/", body).content.decode()

    assert "Criterion 2 (gene mutated): Unknown gene &#x27;XYZ1&#x27;." in page


def test_a_count_without_a_dataset_asks_for_one(personas: Personas) -> None:
    body = {"combine": "and", "c0-kind": "gene_mutated", "c0-a": "TP53"}

    page = client_for(personas.steward).post("/cohorts/count/", body).content.decode()

    assert "Tick at least one dataset." in page


def test_a_non_numeric_age_is_a_row_error(personas: Personas) -> None:
    body = builder_post(**{"c0-kind": "age_range", "c0-a": "forty"})

    page = client_for(personas.steward).post("/cohorts/count/", body).content.decode()

    assert "Row 1: From must be a number." in page


@pytest.mark.parametrize("value", ["NaN", "1e400"])
def test_a_comparison_with_a_number_that_is_not_finite_is_a_row_error(personas: Personas, value: str) -> None:
    body = builder_post(**{"c0-kind": "attribute", "c0-a": "AGE", "c0-op": "gt", "c0-b": value})

    response = client_for(personas.steward).post("/cohorts/count/", body)

    assert response.status_code == 200
    assert "Criterion 1 (clinical attribute): &#x27;gt&#x27; compares numbers" in response.content.decode()


def test_a_new_row_comes_with_the_next_add_button(personas: Personas) -> None:
    page = client_for(personas.investigator).get("/cohorts/row/", {"index": 3, "add": 1}).content.decode()

    assert 'name="c3-kind"' in page
    assert "index=4" in page and 'hx-swap-oob="true"' in page


def test_changing_a_rows_kind_redraws_it_with_that_kinds_fields(personas: Personas) -> None:
    page = (
        client_for(personas.investigator).get("/cohorts/row/", {"index": 0, "c0-kind": "attribute"}).content
    )
    text = page.decode()

    assert 'name="c0-op"' in text and 'name="c0-b"' in text


def test_saving_from_the_builder_opens_the_saved_cohort(personas: Personas) -> None:
    body = builder_post(**{"c0-kind": "gene_mutated", "c0-a": "TP53", "name": "TP53 mutated"})

    response = client_for(personas.investigator).post("/cohorts/save/", body)

    cohort = SavedCohort.objects.get()
    assert response.status_code == 302 and response["Location"] == f"/cohorts/{cohort.pk}/"
    assert cohort.definition == {
        "type": "and",
        "items": [{"type": "gene_mutated", "gene": "TP53", "include_silent": False}],
    }


def test_saving_without_a_name_shows_the_error(personas: Personas) -> None:
    body = builder_post(**{"c0-kind": "gene_mutated", "c0-a": "TP53"})

    response = client_for(personas.investigator).post("/cohorts/save/", body)

    assert response.status_code == 422
    assert "Give the cohort a name." in response.content.decode()
    assert not SavedCohort.objects.exists()


def test_saving_with_an_unknown_code_marks_the_row(personas: Personas) -> None:
    body = builder_post(**{"c0-kind": "cancer_type", "c0-a": "NOPE", "name": "x"})

    page = client_for(personas.investigator).post("/cohorts/save/", body).content.decode()

    assert "Unknown OncoTree code &#x27;NOPE&#x27;." in page
    assert "criterion field--error" in page


@pytest.fixture
def saved(personas: Personas) -> SavedCohort:
    return cohort_save(
        actor=personas.investigator, name="Whole cohort", datasets=["breast-lung"], definition=None
    )


def test_a_saved_cohort_page_shows_its_count_to_its_owner(personas: Personas, saved: SavedCohort) -> None:
    page = client_for(personas.investigator).get(f"/cohorts/{saved.pk}/").content.decode()

    assert 'data-testid="cohort-patients">12<' in page
    assert "Delete cohort" in page


def test_another_person_does_not_find_an_unshared_cohort(personas: Personas, saved: SavedCohort) -> None:
    for person in (personas.grantee, personas.industry):
        assert client_for(person).get(f"/cohorts/{saved.pk}/").status_code == 404


def test_only_the_owner_deletes(personas: Personas, saved: SavedCohort) -> None:
    assert client_for(personas.grantee).post(f"/cohorts/{saved.pk}/delete/").status_code == 404
    assert client_for(personas.investigator).post(f"/cohorts/{saved.pk}/delete/").status_code == 302
    assert not SavedCohort.objects.exists()


@pytest.mark.parametrize("tab", ["frequencies", "cooccurrence", "survival", "distribution"])
def test_each_analysis_tab_draws_a_chart_and_a_table(
    personas: Personas, saved: SavedCohort, tab: str
) -> None:
    params = {"cohort": saved.pk, "tab": tab, "gene": "TP53"}

    page = client_for(personas.investigator)
    text = page.get("/cohorts/analyses/", params).content.decode()

    assert "<svg" in text
    assert "<table" in text
    assert "format=png" in text


def test_the_oncoprint_tab_tells_a_person_without_grant_why_it_is_not_shown(
    personas: Personas, saved: SavedCohort
) -> None:
    text = client_for(personas.investigator).get(
        "/cohorts/analyses/", {"cohort": saved.pk, "tab": "oncoprint"}
    )

    assert "need an active access grant" in text.content.decode()


def test_the_oncoprint_tab_reaches_the_steward_for_a_dataset(personas: Personas) -> None:
    page = client_for(personas.steward).get(
        "/cohorts/analyses/", {"dataset": "breast-lung", "tab": "oncoprint"}
    )

    assert "<svg" in page.content.decode()


def test_an_htmx_tab_switch_returns_only_the_panel(personas: Personas, saved: SavedCohort) -> None:
    response = client_for(personas.investigator).get(
        "/cohorts/analyses/", {"cohort": saved.pk, "tab": "frequencies"}, HTTP_HX_REQUEST="true"
    )

    assert "<html" not in response.content.decode()
    assert "<svg" in response.content.decode()


def test_the_frequencies_csv_reads_small_counts_as_below_the_threshold_without_grant(
    personas: Personas, saved: SavedCohort
) -> None:
    response = client_for(personas.investigator).get(
        "/cohorts/analyses/export/", {"cohort": saved.pk, "tab": "frequencies", "format": "csv"}
    )

    lines = response.content.decode().splitlines()
    assert response["Content-Type"].startswith("text/csv")
    assert lines[0] == "gene,altered_samples,profiled_samples,frequency"
    assert "KRAS,<5,12," in lines


def test_the_survival_chart_downloads_as_png_and_svg(personas: Personas, saved: SavedCohort) -> None:
    client = client_for(personas.investigator)
    params = {"cohort": saved.pk, "tab": "survival", "gene": "TP53"}

    png = client.get("/cohorts/analyses/export/", params | {"format": "png"})
    svg = client.get("/cohorts/analyses/export/", params | {"format": "svg"})

    assert png.content.startswith(b"\x89PNG")
    assert svg.content.decode().startswith("<svg")


def test_survival_compares_the_cohort_with_another(personas: Personas, saved: SavedCohort) -> None:
    other = cohort_save(
        actor=personas.investigator,
        name="Lung",
        datasets=["breast-lung"],
        definition={"type": "cancer_type", "codes": ["LUAD"]},
    )
    params = {
        "cohort": saved.pk,
        "tab": "survival",
        "group_by": "cohorts",
        "other": other.pk,
        "format": "csv",
    }

    csv_text = client_for(personas.investigator).get("/cohorts/analyses/export/", params)

    rows = csv_text.content.decode().splitlines()
    assert rows[1].startswith("Whole cohort,12,")
    assert rows[2].startswith("Lung,<5,")


def test_page_views_of_analyses_are_audited(personas: Personas, saved: SavedCohort) -> None:
    client_for(personas.investigator).get("/cohorts/analyses/", {"cohort": saved.pk, "tab": "distribution"})

    event = AuditEvent.objects.get(action="analysis.distribution")
    assert event.actor == personas.investigator
    assert event.detail["cohort_id"] == saved.pk
    assert (event.target_type, event.detail["dataset"]) == ("datasharing.dataset", "breast-lung")


@pytest.mark.parametrize(
    "path", ["/cohorts/", "/cohorts/row/", "/cohorts/analyses/?dataset=breast-lung", "/cohorts/{pk}/"]
)
def test_an_outsider_gets_no_cohort_page(personas: Personas, saved: SavedCohort, path: str) -> None:
    response = client_for(personas.outsider).get(path.format(pk=saved.pk))

    assert response.status_code == 403


def test_industry_without_grant_sees_the_dataset_frequencies_suppressed(personas: Personas) -> None:
    page = client_for(personas.industry).get(
        "/cohorts/analyses/", {"dataset": "breast-lung", "tab": "frequencies"}
    )

    text = page.content.decode()
    assert "<td>KRAS</td><td>&lt;5</td><td>12</td><td>–</td>" in text  # noqa: RUF001 - the table's dash
    assert "Counts below 5 read" in text


def test_the_grantee_sees_the_dataset_frequencies_exactly(personas: Personas) -> None:
    page = client_for(personas.grantee).get(
        "/cohorts/analyses/", {"dataset": "breast-lung", "tab": "frequencies"}
    )

    assert "<td>KRAS</td><td>3</td><td>12</td><td>0.25</td>" in page.content.decode()


def test_removing_a_row_asks_the_builder_to_count_again(personas: Personas) -> None:
    response = client_for(personas.investigator).get("/cohorts/row/", {"index": 2, "remove": 1})

    assert response["HX-Trigger"] == "criteria-changed"
    assert response.content == b""


def test_saving_with_a_project_that_is_not_an_id_names_the_project(personas: Personas) -> None:
    body = builder_post(**{"c0-kind": "gene_mutated", "c0-a": "TP53", "name": "x", "project": "²"})

    response = client_for(personas.investigator).post("/cohorts/save/", body)

    assert response.status_code == 422
    assert "There is no joint project &#x27;²&#x27;." in response.content.decode()
    assert not SavedCohort.objects.exists()


def test_sharing_with_a_project_that_is_not_an_id_keeps_the_cohort_as_it_was(
    personas: Personas, saved: SavedCohort
) -> None:
    client = client_for(personas.investigator)

    response = client.post(f"/cohorts/{saved.pk}/share/", {"project": "²"}, follow=True)

    assert response.status_code == 200
    assert "There is no joint project &#x27;²&#x27;." in response.content.decode()
    assert not AuditEvent.objects.filter(action="cohort.share").exists()


@pytest.mark.parametrize("value", ["²", "٣", "-1", "0", "1" * 30])
def test_an_analysis_of_a_cohort_id_that_is_not_one_is_not_found(personas: Personas, value: str) -> None:
    response = client_for(personas.investigator).get("/cohorts/analyses/", {"cohort": value})

    assert response.status_code == 404


def test_comparing_with_a_cohort_id_that_is_not_one_names_the_other_cohort(
    personas: Personas, saved: SavedCohort
) -> None:
    params = {"cohort": saved.pk, "tab": "survival", "group_by": "cohorts", "other": "²", "format": "csv"}

    response = client_for(personas.investigator).get("/cohorts/analyses/export/", params)

    assert response.status_code == 400
    assert response.content.decode() == "No saved cohort '²' (other)."


def test_comparing_with_a_cohort_over_another_dataset_uses_both_cohorts_datasets(
    personas: Personas, saved: SavedCohort, alliance: Alliance, tmp_path: Path
) -> None:
    make_cohort_dataset(alliance, tmp_path / "second", slug="second", title="Second cohort")
    other = cohort_save(
        actor=personas.investigator, name="Both", datasets=["breast-lung", "second"], definition=None
    )
    params = {"cohort": saved.pk, "tab": "survival", "group_by": "cohorts", "other": other.pk}

    rows = client_for(personas.investigator).get("/cohorts/analyses/export/", params | {"format": "csv"})

    whole, both = rows.content.decode().splitlines()[1:]
    assert whole.startswith("Whole cohort,12,")  # still only its own dataset
    assert both.startswith("Both,24,")


def test_comparing_cohorts_applies_each_datasets_access_rules(
    personas: Personas, alliance: Alliance, tmp_path: Path
) -> None:
    make_cohort_dataset(alliance, tmp_path / "second", slug="second", title="Second cohort")
    mine = cohort_save(actor=personas.grantee, name="Granted", datasets=["breast-lung"], definition=None)
    other = cohort_save(actor=personas.grantee, name="Not granted", datasets=["second"], definition=None)
    params = {"cohort": mine.pk, "tab": "survival", "group_by": "cohorts", "other": other.pk}

    page = client_for(personas.grantee).get("/cohorts/analyses/", params).content.decode()

    assert "Counts below 5 read “&lt;5”: you have no row access to second." in page
