from __future__ import annotations

from oncobridge.matching.indexing import text_entity


def test_it_reads_the_concepts_a_free_text_request_names() -> None:
    entity = text_entity("KRAS G12C resistant lung adenocarcinoma organoids for an antibody-drug conjugate")
    assert "LUAD" in entity.cancer_types
    assert "KRAS" in entity.genes
    assert "adc" in entity.modalities
    assert "patient_derived_models" in entity.seeks
