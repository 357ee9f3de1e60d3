"""Cohort counts through the service layer: criteria, vocabularies, suppression and audit."""

from __future__ import annotations

import pytest

from oncobridge.cohorts.analyses import cohort_count, cohort_members, scope_build
from oncobridge.cohorts.criteria import DefinitionError
from oncobridge.cohorts.tests.conftest import Personas
from oncobridge.core.errors import NotFound, PermissionDenied
from oncobridge.core.models import AuditEvent
from oncobridge.datasharing.models import Dataset
from oncobridge.datasharing.selectors import audit_for_dataset

pytestmark = pytest.mark.django_db

TP53 = {"type": "gene_mutated", "gene": "TP53"}
KRAS_G12C = {"type": "protein_change", "gene": "KRAS", "change": "p.G12C"}


def test_the_grantee_sees_exact_counts_even_when_small(personas: Personas, cohort_dataset: Dataset) -> None:
    scope = scope_build(actor=personas.grantee, datasets=["breast-lung"], definition=KRAS_G12C)

    result = cohort_count(scope=scope)

    assert (result.patients, result.samples) == (3, 3)
    assert result.by_dataset[0].row_access is True


def test_an_investigator_without_grant_sees_a_small_count_as_below_the_threshold(
    personas: Personas, cohort_dataset: Dataset
) -> None:
    scope = scope_build(actor=personas.investigator, datasets=["breast-lung"], definition=KRAS_G12C)

    result = cohort_count(scope=scope)

    assert result.by_dataset[0].patients == "<5"
    assert result.patients == ">=0"  # the total gives the suppressed dataset count nothing away


def test_an_investigator_without_grant_sees_counts_at_or_above_the_threshold(
    personas: Personas, cohort_dataset: Dataset
) -> None:
    scope = scope_build(actor=personas.investigator, datasets=["breast-lung"], definition=TP53)

    assert cohort_count(scope=scope).patients == 8


def test_a_silent_variant_does_not_make_a_gene_mutated(personas: Personas, cohort_dataset: Dataset) -> None:
    with_silent = {"type": "gene_mutated", "gene": "TP53", "include_silent": True}

    default = cohort_count(scope=scope_build(actor=personas.steward, definition=TP53))
    silent = cohort_count(scope=scope_build(actor=personas.steward, definition=with_silent))

    assert (default.patients, silent.patients) == (8, 9)


def test_a_cancer_type_includes_its_oncotree_descendants(personas: Personas, cohort_dataset: Dataset) -> None:
    breast = {"type": "cancer_type", "codes": ["BRCA"]}  # the samples say IDC, a child of BRCA

    assert cohort_count(scope=scope_build(actor=personas.steward, definition=breast)).patients == 8


def test_a_gene_alias_finds_the_current_symbol(personas: Personas, cohort_dataset: Dataset) -> None:
    alias = {"type": "gene_mutated", "gene": "p53"}

    assert cohort_count(scope=scope_build(actor=personas.steward, definition=alias)).patients == 8


def test_and_or_not_combine_criteria(personas: Personas, cohort_dataset: Dataset) -> None:
    not_pik3ca = {"type": "not", "item": {"type": "gene_mutated", "gene": "PIK3CA"}}
    definition = {"type": "and", "items": [TP53, not_pik3ca]}
    either = {"type": "or", "items": [TP53, KRAS_G12C]}

    both = cohort_count(scope=scope_build(actor=personas.steward, definition=definition))
    union = cohort_count(scope=scope_build(actor=personas.steward, definition=either))

    assert (both.patients, union.patients) == (2, 11)


def test_an_unknown_gene_is_an_error_naming_the_field(personas: Personas, cohort_dataset: Dataset) -> None:
    definition = {"type": "and", "items": [TP53, {"type": "gene_mutated", "gene": "NOTAGENE1"}]}

    with pytest.raises(DefinitionError) as raised:
        scope_build(actor=personas.steward, definition=definition)

    assert raised.value.field == "definition.items[1].gene"
    assert raised.value.status == 422


def test_an_unknown_oncotree_code_is_an_error_naming_the_field(
    personas: Personas, cohort_dataset: Dataset
) -> None:
    with pytest.raises(DefinitionError) as raised:
        scope_build(actor=personas.steward, definition={"type": "cancer_type", "codes": ["NOPE"]})

    assert raised.value.field == "definition.codes[0]"


def test_a_malformed_definition_names_the_field(personas: Personas, cohort_dataset: Dataset) -> None:
    with pytest.raises(DefinitionError) as raised:
        scope_build(actor=personas.steward, definition={"type": "sex", "value": "sometimes"})

    assert raised.value.field == "definition.value"


def test_a_pathway_named_alone_takes_its_genes_from_the_vocabulary(
    personas: Personas, cohort_dataset: Dataset
) -> None:
    pathway = {"type": "pathway_altered", "name": "tp53"}  # ATM, CHEK2, MDM2, MDM4, RPS6KA3, TP53

    assert cohort_count(scope=scope_build(actor=personas.steward, definition=pathway)).patients == 8


def test_an_unknown_pathway_is_an_error_naming_the_field(personas: Personas, cohort_dataset: Dataset) -> None:
    with pytest.raises(DefinitionError) as raised:
        scope_build(actor=personas.steward, definition={"type": "pathway_altered", "name": "Nowhere"})

    assert raised.value.field == "definition.name"


def test_an_outsider_may_query_no_dataset(personas: Personas, cohort_dataset: Dataset) -> None:
    with pytest.raises(NotFound):
        scope_build(actor=personas.outsider, datasets=["breast-lung"], definition=TP53)


def test_a_private_dataset_is_not_found_for_another_organisation(
    personas: Personas, cohort_dataset: Dataset
) -> None:
    cohort_dataset.visibility = "private"
    cohort_dataset.save()

    with pytest.raises(NotFound):
        scope_build(actor=personas.industry, datasets=["breast-lung"])


def test_members_reach_the_grantee(personas: Personas, cohort_dataset: Dataset) -> None:
    members = cohort_members(scope=scope_build(actor=personas.grantee, definition=KRAS_G12C))

    assert sorted(str(m.sample_id) for m in members) == ["S09", "S10", "S11"]


def test_members_are_refused_without_a_grant(personas: Personas, cohort_dataset: Dataset) -> None:
    for person in (personas.investigator, personas.industry):
        with pytest.raises(PermissionDenied):
            cohort_members(scope=scope_build(actor=person, definition=KRAS_G12C))


def test_every_count_is_audited_with_who_what_and_which_datasets(
    personas: Personas, cohort_dataset: Dataset
) -> None:
    cohort_count(scope=scope_build(actor=personas.investigator, datasets=["breast-lung"], definition=TP53))

    event = AuditEvent.objects.filter(action="cohort.count").get()
    assert event.actor == personas.investigator
    assert event.detail["definition"] == TP53 | {"include_silent": False}
    assert event.detail["datasets"] == ["breast-lung"]
    assert event.detail["aggregate_only"] is True


def test_the_operator_is_audited_as_operator(personas: Personas, cohort_dataset: Dataset) -> None:
    result = cohort_count(scope=scope_build(actor=None, definition=KRAS_G12C))

    assert result.patients == 3  # the operator sees everything, unsuppressed
    event = AuditEvent.objects.filter(action="cohort.count").get()
    assert event.detail["caller"] == "operator"


def test_a_count_shows_in_the_stewards_audit_trail_of_the_dataset(
    personas: Personas, cohort_dataset: Dataset
) -> None:
    cohort_count(scope=scope_build(actor=personas.investigator, datasets=["breast-lung"], definition=TP53))

    [event] = audit_for_dataset(dataset=cohort_dataset).filter(action="cohort.count")
    assert event.actor == personas.investigator
    assert event.detail["dataset"] == "breast-lung"
