"""Writing the portfolio: vocabulary checks, create/update/no-op, permissions, need responses, audit."""

from __future__ import annotations

from typing import Any

import pytest

from oncobridge.accounts.access import viewer_for
from oncobridge.accounts.models import User
from oncobridge.conftest import Alliance
from oncobridge.core.errors import PermissionDenied, ServiceError
from oncobridge.core.models import AuditEvent
from oncobridge.core.visibility import Visibility
from oncobridge.portfolio.models import NeedResponse, NeedStatus, PartnerNeed, ResearchAsset
from oncobridge.portfolio.selectors import asset_list, portfolio_search
from oncobridge.portfolio.services import asset_delete, asset_save, concepts_validate, need_respond, need_save


def save_asset(user: User, **fields: Any) -> ResearchAsset:
    fields.setdefault("organisation", user.memberships.get().organisation)
    fields.setdefault("kind", "organoid")
    fields.setdefault("title", "Colorectal organoid biobank")
    return asset_save(viewer=viewer_for(user), actor=user, **fields)


def post_need(user: User, **fields: Any) -> PartnerNeed:
    fields.setdefault("organisation", user.memberships.get().organisation)
    fields.setdefault("title", "KRAS G12C resistance models")
    return need_save(viewer=viewer_for(user), actor=user, **fields)


def audit_actions(target: Any, pk: int | None = None) -> list[str]:
    events = AuditEvent.objects.filter(target_type=target._meta.label_lower, target_id=str(pk or target.pk))
    return list(events.order_by("id").values_list("action", flat=True))


# --- concepts -------------------------------------------------------------------------------------------


def test_it_normalises_oncotree_codes_to_upper_case(db: None) -> None:
    assert concepts_validate(cancer_types=[" luad ", "NSCLC"]).cancer_types == ["LUAD", "NSCLC"]


def test_it_normalises_gene_aliases_to_their_hugo_symbol(db: None) -> None:
    assert concepts_validate(genes=["HER2", "kras"]).genes == ["ERBB2", "KRAS"]


def test_it_normalises_modality_names_to_their_keys(db: None) -> None:
    assert concepts_validate(modalities=["Small molecule", "cell-therapy"]).modalities == [
        "small_molecule",
        "cell_therapy",
    ]


def test_it_lists_each_concept_once(db: None) -> None:
    concepts = concepts_validate(cancer_types=["LUAD", "luad"], genes=["ERBB2", "HER2"])

    assert (concepts.cancer_types, concepts.genes) == (["LUAD"], ["ERBB2"])


@pytest.mark.parametrize(
    ("field", "value"),
    [("cancer_types", "LUNGY"), ("genes", "NOTAGENE1"), ("modalities", "telepathy")],
)
def test_it_refuses_an_unknown_concept_and_names_its_field(db: None, field: str, value: str) -> None:
    with pytest.raises(ServiceError) as refused:
        concepts_validate(**{field: [value]})

    assert refused.value.field == field
    assert value in refused.value.message


# --- assets: create, update, no-op ----------------------------------------------------------------------


def test_it_creates_an_asset_its_organisation_can_list(alliance: Alliance) -> None:
    asset = save_asset(alliance.ivan, cancer_types=["coadread"], genes=["kras"])

    assert [(a.title, a.cancer_types, a.genes) for a in asset_list(viewer=viewer_for(alliance.tess))] == [
        (asset.title, ["COADREAD"], ["KRAS"])
    ]


def test_it_makes_the_creator_the_owner_of_a_new_asset(alliance: Alliance) -> None:
    asset = save_asset(alliance.ivan)

    assert asset.owner == alliance.ivan


def test_it_updates_an_asset_in_place(alliance: Alliance) -> None:
    asset = save_asset(alliance.ivan)

    save_asset(alliance.ivan, asset=asset, title="Colorectal organoid biobank (120 lines)")

    assert list(ResearchAsset.objects.values_list("title", flat=True)) == [
        "Colorectal organoid biobank (120 lines)"
    ]


def test_it_refuses_an_asset_without_a_title(alliance: Alliance) -> None:
    with pytest.raises(ServiceError) as refused:
        save_asset(alliance.ivan, title="   ")

    assert refused.value.field == "title"


def test_it_refuses_an_unknown_asset_kind(alliance: Alliance) -> None:
    with pytest.raises(ServiceError) as refused:
        save_asset(alliance.ivan, kind="spaceship")

    assert refused.value.field == "kind"


def test_it_refuses_a_negative_size(alliance: Alliance) -> None:
    with pytest.raises(ServiceError) as refused:
        save_asset(alliance.ivan, size=-3)

    assert refused.value.field == "size"


def test_it_writes_nothing_when_an_asset_is_saved_unchanged(alliance: Alliance) -> None:
    asset = save_asset(alliance.ivan, genes=["KRAS"])
    updated_at = asset.updated_at

    save_asset(alliance.ivan, asset=asset, genes=["kras"])

    assert ResearchAsset.objects.get(pk=asset.pk).updated_at == updated_at
    assert audit_actions(asset) == ["asset.save"]


def test_it_updates_instead_of_duplicating_when_an_external_id_is_imported_again(alliance: Alliance) -> None:
    save_asset(alliance.ivan, external_id="biobank-17", title="Organoids v1")

    save_asset(alliance.ivan, external_id="biobank-17", title="Organoids v2")

    assert list(ResearchAsset.objects.values_list("title", flat=True)) == ["Organoids v2"]


def test_it_keeps_the_same_external_id_apart_in_two_organisations(alliance: Alliance) -> None:
    save_asset(alliance.ivan, external_id="biobank-17", title="St Olaf organoids")

    save_asset(alliance.nora, external_id="biobank-17", title="Northern organoids")

    assert set(ResearchAsset.objects.values_list("title", flat=True)) == {
        "St Olaf organoids",
        "Northern organoids",
    }


def test_it_records_what_changed_in_an_asset(alliance: Alliance) -> None:
    asset = save_asset(alliance.ivan)

    save_asset(alliance.ivan, asset=asset, visibility=Visibility.NETWORK)

    event = AuditEvent.objects.filter(action="asset.save").latest("id")
    assert (event.actor_label, event.detail["changed"]) == ("ivan@stolaf.example", ["visibility"])


def test_it_records_the_deletion_of_an_asset(alliance: Alliance) -> None:
    asset = save_asset(alliance.ivan)
    pk = asset.pk

    asset_delete(viewer=viewer_for(alliance.ivan), actor=alliance.ivan, asset=asset)

    assert audit_actions(asset, pk) == ["asset.save", "asset.delete"]
    assert not ResearchAsset.objects.exists()


# --- assets: permissions --------------------------------------------------------------------------------


def test_it_does_not_let_a_trainee_add_an_asset(alliance: Alliance) -> None:
    with pytest.raises(PermissionDenied):
        save_asset(alliance.tess)

    assert not ResearchAsset.objects.exists()


def test_it_does_not_let_an_investigator_add_an_asset_for_another_organisation(alliance: Alliance) -> None:
    with pytest.raises(PermissionDenied):
        save_asset(alliance.ivan, organisation=alliance.university)


def test_it_does_not_let_an_investigator_edit_a_colleagues_asset(alliance: Alliance) -> None:
    asset = save_asset(alliance.alice, title="Centre PDX collection", kind="pdx_model")

    with pytest.raises(PermissionDenied):
        save_asset(alliance.ivan, asset=asset, title="Ivan's PDX collection", kind="pdx_model")

    assert ResearchAsset.objects.get(pk=asset.pk).title == "Centre PDX collection"


def test_it_does_not_let_an_investigator_delete_a_colleagues_asset(alliance: Alliance) -> None:
    asset = save_asset(alliance.alice)

    with pytest.raises(PermissionDenied):
        asset_delete(viewer=viewer_for(alliance.ivan), actor=alliance.ivan, asset=asset)

    assert ResearchAsset.objects.filter(pk=asset.pk).exists()


def test_it_does_not_let_an_external_id_reimport_overwrite_a_colleagues_asset(alliance: Alliance) -> None:
    save_asset(alliance.alice, external_id="biobank-17", title="Centre organoids")

    with pytest.raises(PermissionDenied):
        save_asset(alliance.ivan, external_id="biobank-17", title="Overwritten")

    assert list(ResearchAsset.objects.values_list("title", flat=True)) == ["Centre organoids"]


def test_it_lets_the_alliance_manager_edit_an_investigators_asset(alliance: Alliance) -> None:
    asset = save_asset(alliance.ivan)

    save_asset(alliance.alice, asset=asset, title="Curated organoid biobank")

    assert ResearchAsset.objects.get(pk=asset.pk).title == "Curated organoid biobank"


def test_it_does_not_let_an_alliance_manager_edit_another_institutions_asset(alliance: Alliance) -> None:
    asset = save_asset(alliance.nora)

    with pytest.raises(PermissionDenied):
        save_asset(alliance.alice, asset=asset, organisation=alliance.university, title="Taken over")


# --- partner needs --------------------------------------------------------------------------------------


def answer(
    user: User, need: PartnerNeed, message: str = "We have 40 KRAS G12C PDX models.", **extra: Any
) -> Any:
    return need_respond(viewer=viewer_for(user), actor=user, need=need, message=message, **extra)


def test_it_lets_an_investigator_answer_a_partners_need(alliance: Alliance) -> None:
    need = post_need(alliance.paula)

    answer(alliance.ivan, need)

    assert list(NeedResponse.objects.values_list("responder__email", "organisation__slug")) == [
        ("ivan@stolaf.example", "st-olaf")
    ]


def test_it_records_an_answer_to_a_need(alliance: Alliance) -> None:
    need = post_need(alliance.paula)

    answer(alliance.ivan, need)

    assert audit_actions(need) == ["need.save", "need.respond"]


def test_it_does_not_let_a_company_answer_its_own_need(alliance: Alliance) -> None:
    need = post_need(alliance.paula)

    with pytest.raises(PermissionDenied):
        answer(alliance.paula, need)


def test_it_does_not_let_an_industry_member_answer_another_companys_need(alliance: Alliance) -> None:
    need = post_need(alliance.paula)

    with pytest.raises(PermissionDenied):
        answer(alliance.gary, need)


def test_it_does_not_let_a_trainee_answer_a_need(alliance: Alliance) -> None:
    need = post_need(alliance.paula)

    with pytest.raises(PermissionDenied):
        answer(alliance.tess, need)


def test_it_does_not_let_anyone_answer_a_need_they_cannot_see(alliance: Alliance) -> None:
    need = post_need(alliance.gary, visibility=Visibility.PRIVATE)

    with pytest.raises(PermissionDenied):
        answer(alliance.ivan, need)

    assert not NeedResponse.objects.exists()


def test_it_refuses_answers_to_a_closed_need(alliance: Alliance) -> None:
    need = post_need(alliance.paula, status=NeedStatus.CLOSED)

    with pytest.raises(ServiceError):
        answer(alliance.ivan, need)


def test_it_refuses_an_empty_answer(alliance: Alliance) -> None:
    need = post_need(alliance.paula)

    with pytest.raises(ServiceError) as refused:
        answer(alliance.ivan, need, message="  ")

    assert refused.value.field == "message"


def test_it_lets_an_investigator_offer_their_own_organisations_asset(alliance: Alliance) -> None:
    need = post_need(alliance.paula)
    asset = save_asset(alliance.ivan)

    response = answer(alliance.ivan, need, asset=asset)

    assert (response.asset, response.organisation) == (asset, alliance.centre)


def test_it_does_not_let_an_investigator_offer_another_institutions_asset(alliance: Alliance) -> None:
    need = post_need(alliance.paula)
    asset = save_asset(alliance.nora)

    with pytest.raises(PermissionDenied):
        answer(alliance.ivan, need, asset=asset)


# --- search stays in step -------------------------------------------------------------------------------


def test_it_makes_a_new_asset_findable_at_once(alliance: Alliance) -> None:
    save_asset(alliance.ivan, title="Pancreatic xenograft panel", kind="pdx_model")

    result = portfolio_search(viewer=viewer_for(alliance.alice), query="xenograft")

    assert [hit.title for hit in result.hits] == ["Pancreatic xenograft panel"]
