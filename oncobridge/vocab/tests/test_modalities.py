from __future__ import annotations

import pytest

from oncobridge.vocab.errors import VocabularyError
from oncobridge.vocab.modalities import MODALITIES, MODALITY_LABELS, modalities_in_text, modality_label


def test_it_has_the_nine_modalities() -> None:
    assert [modality.code for modality in MODALITIES] == [
        "small_molecule",
        "antibody",
        "adc",
        "cell_therapy",
        "vaccine",
        "radiopharmaceutical",
        "device",
        "diagnostic_biomarker",
        "digital",
    ]


def test_it_labels_a_modality() -> None:
    assert modality_label("diagnostic_biomarker") == "Diagnostic / biomarker"


def test_it_rejects_an_unknown_modality() -> None:
    with pytest.raises(VocabularyError, match="gene_therapy"):
        modality_label("gene_therapy")


@pytest.mark.parametrize("text", ["CAR-T cells targeting CD19", "CAR T therapy", "tisagenlecleucel"])
def test_it_finds_cell_therapy(text: str) -> None:
    assert modalities_in_text(text) == ["cell_therapy"]


def test_it_counts_an_adc_as_an_adc_and_not_as_a_plain_antibody() -> None:
    assert modalities_in_text("trastuzumab deruxtecan in HER2-low disease") == ["adc"]


def test_it_counts_checkpoint_inhibitors_as_antibodies() -> None:
    assert modalities_in_text("immune checkpoint inhibitors such as pembrolizumab") == ["antibody"]


@pytest.mark.parametrize("text", ["osimertinib", "palbociclib", "a KRAS G12C inhibitor", "PARP inhibitors"])
def test_it_finds_small_molecules(text: str) -> None:
    assert modalities_in_text(text) == ["small_molecule"]


@pytest.mark.parametrize("text", ["[Lu-177]-PSMA-617", "177Lu-DOTATATE", "a PSMA radioligand"])
def test_it_finds_radiopharmaceuticals(text: str) -> None:
    assert modalities_in_text(text) == ["radiopharmaceutical"]


def test_it_finds_vaccines() -> None:
    assert modalities_in_text("a personalised mRNA vaccine") == ["vaccine"]


def test_it_finds_diagnostics_and_digital_health() -> None:
    text = "a liquid biopsy assay read by an AI-based model in a smartphone app"
    assert modalities_in_text(text) == ["diagnostic_biomarker", "digital"]


def test_it_needs_a_software_word_beside_ai() -> None:
    # In breast oncology "AI" alone is an aromatase inhibitor.
    assert "digital" not in modalities_in_text("adjuvant AI for five years")


def test_it_finds_nothing_in_unrelated_text() -> None:
    assert modalities_in_text("Patients were followed for overall survival.") == []


def test_it_keeps_the_labels_read_only() -> None:
    with pytest.raises(TypeError):
        MODALITY_LABELS["antibody"] = "Something else"  # type: ignore[index]
