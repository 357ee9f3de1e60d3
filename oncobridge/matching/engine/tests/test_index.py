"""The match index: each score part, the result policy, incremental changes and persistence."""

from __future__ import annotations

from pathlib import Path

import numpy as np

from oncobridge.matching.engine.embedding import MiniLMEmbedder
from oncobridge.matching.engine.entities import Entity
from oncobridge.matching.engine.index import Filters, MatchIndex
from oncobridge.matching.engine.ontology import Ontology, Relation
from oncobridge.matching.engine.weights import DEFAULT_WEIGHTS, Weights

BM25 = Weights.only("bm25")


def _ids(matches: list) -> list[str]:  # type: ignore[type-arg]
    return [match.entity.id for match in matches]


def test_bm25_ranks_the_document_with_the_exact_term_first() -> None:
    index = MatchIndex.build(
        [
            Entity(id="generic", text="tumour biology of solid cancers and their treatment"),
            Entity(id="exact", text="osimertinib resistance in tumour cells"),
            Entity(id="other", text="breast cancer screening programme"),
        ],
        embedder=None,
    )

    matches = index.search(Entity(id="q", text="osimertinib resistance"), weights=BM25)

    assert _ids(matches)[0] == "exact"
    assert "osimertinib" in matches[0].explanation.key_phrases


def test_embeddings_rank_a_paraphrase_above_an_unrelated_text(embedder: MiniLMEmbedder) -> None:
    index = MatchIndex.build(
        [
            Entity(id="paraphrase", text="Tumours of the lung that stop responding to targeted drugs"),
            Entity(id="unrelated", text="Quarterly budget planning for the facilities department"),
        ],
        embedder=embedder,
    )

    matches = index.search(
        Entity(id="q", text="acquired resistance to kinase inhibitors in lung cancer"),
        weights=Weights.only("embedding"),
    )

    assert _ids(matches)[0] == "paraphrase"
    scores = index.part_scores(Entity(id="q", text="acquired resistance to kinase inhibitors in lung cancer"))
    assert scores["embedding"][0] > scores["embedding"][1] + 0.2


def test_a_need_for_nsclc_matches_luad_work_and_says_how(lung_ontology: Ontology) -> None:
    index = MatchIndex.build(
        [
            Entity(id="luad", text="x", cancer_types=("LUAD",)),
            Entity(id="brca", text="x", cancer_types=("BRCA",)),
        ],
        embedder=None,
        ontology=lung_ontology,
    )

    matches = index.search(Entity(id="need", cancer_types=("NSCLC",)), weights=Weights.only("cancer_types"))

    assert _ids(matches) == ["luad"]
    link = matches[0].explanation.cancer_types[0]
    assert link.relation is Relation.BROADER
    assert link.text == "NSCLC (you) ⊃ LUAD (them)"


def test_luad_work_matches_an_nsclc_need_from_the_other_side(lung_ontology: Ontology) -> None:
    index = MatchIndex.build(
        [Entity(id="need", cancer_types=("NSCLC",))], embedder=None, ontology=lung_ontology
    )

    matches = index.search(Entity(id="work", cancer_types=("LUAD",)), weights=Weights.only("cancer_types"))

    assert matches[0].explanation.cancer_types[0].text == "LUAD (you) ⊂ NSCLC (them)"


def test_shared_genes_and_pathways_are_explained(lung_ontology: Ontology) -> None:
    index = MatchIndex.build(
        [Entity(id="kras", text="x", genes=("KRAS", "TP53"))], embedder=None, ontology=lung_ontology
    )

    match = index.search(Entity(id="q", genes=("EGFR", "TP53")), weights=Weights(genes=1.0, pathways=1.0))[0]

    assert match.explanation.genes == ("TP53",)
    assert [link.text for link in match.explanation.pathways] == [
        "RTK-RAS: EGFR (you), KRAS (them)",
        "TP53: TP53 (you), TP53 (them)",
    ]


def test_complementarity_is_scored_and_explained() -> None:
    index = MatchIndex.build(
        [
            Entity(id="biobank", text="x", offers=("patient_derived_models",), seeks=("funding",)),
            Entity(id="lab", text="x", offers=("methods",)),
        ],
        embedder=None,
    )
    query = Entity(id="pharma", seeks=("patient_derived_models",), offers=("funding",))

    matches = index.search(query, weights=Weights.only("complementarity"))

    assert _ids(matches) == ["biobank"]
    assert matches[0].explanation.complementary == (
        "They offer patient-derived models, which you seek.",
        "You offer funding, which they seek.",
    )


def _two_organisations() -> MatchIndex:
    return MatchIndex.build(
        [
            Entity(id="mine", text="pancreatic organoids", organisation="St Olaf"),
            Entity(id="theirs", text="pancreatic organoids biobank", organisation="Acme"),
        ],
        embedder=None,
    )


def test_the_requesters_own_organisation_is_excluded() -> None:
    query = Entity(id="q", text="pancreatic organoids", organisation="St Olaf")

    assert _ids(_two_organisations().search(query, weights=BM25)) == ["theirs"]


def test_the_requesters_own_organisation_is_included_when_asked() -> None:
    query = Entity(id="q", text="pancreatic organoids", organisation="St Olaf")

    found = _ids(_two_organisations().search(query, weights=BM25, include_own_organisation=True))

    assert sorted(found) == ["mine", "theirs"]


def test_diversification_caps_one_organisation_in_the_results() -> None:
    flood = [Entity(id=f"acme-{n}", text="melanoma melanoma vaccine", organisation="Acme") for n in range(5)]
    others = [Entity(id=f"other-{n}", text="melanoma", organisation=f"Org {n}") for n in range(3)]
    index = MatchIndex.build([*flood, *others], embedder=None)

    matches = index.search(Entity(id="q", text="melanoma vaccine"), weights=BM25, k=5, max_per_organisation=2)

    organisations = [match.entity.organisation for match in matches]
    assert organisations.count("Acme") == 2
    assert len(matches) == 5


def test_filters_keep_only_the_kind_and_cancer_type_asked_for(lung_ontology: Ontology) -> None:
    index = MatchIndex.build(
        [
            Entity(id="asset-luad", kind="asset", text="lung models", cancer_types=("LUAD",)),
            Entity(id="person-luad", kind="investigator", text="lung models", cancer_types=("LUAD",)),
            Entity(id="asset-brca", kind="asset", text="lung models", cancer_types=("BRCA",)),
        ],
        embedder=None,
        ontology=lung_ontology,
    )

    matches = index.search(
        Entity(id="q", text="lung models"),
        weights=BM25,
        filters=Filters(kinds=frozenset({"asset"}), cancer_types=frozenset({"NSCLC"})),
    )

    assert _ids(matches) == ["asset-luad"]


def test_an_update_changes_the_results() -> None:
    index = MatchIndex.build(
        [Entity(id="a", text="glioblastoma imaging"), Entity(id="b", text="prostate cancer trials")],
        embedder=None,
    )
    query = Entity(id="q", text="glioblastoma")
    assert _ids(index.search(query, weights=BM25)) == ["a"]

    index.update(Entity(id="a", text="prostate imaging"))
    index.add(Entity(id="c", text="glioblastoma organoids"))
    index.remove("b")

    assert _ids(index.search(query, weights=BM25)) == ["c"]
    assert sorted(index.ids()) == ["a", "c"]


def test_a_saved_index_loads_with_the_same_results(
    tmp_path: Path, lung_ontology: Ontology, embedder: MiniLMEmbedder
) -> None:
    entities = [
        Entity(
            id="a",
            text="EGFR mutant lung adenocarcinoma organoids",
            cancer_types=("LUAD",),
            genes=("EGFR",),
            organisation="St Olaf",
            offers=("patient_derived_models",),
        ),
        Entity(id="b", text="breast cancer screening cohort", cancer_types=("BRCA",), organisation="Acme"),
        Entity(id="c", text="small cell lung cancer circulating tumour DNA", cancer_types=("SCLC",)),
    ]
    index = MatchIndex.build(entities, embedder=embedder, ontology=lung_ontology)
    index.remove("b")
    index.add(Entity(id="d", text="KRAS inhibitors in NSCLC", cancer_types=("NSCLC",), genes=("KRAS",)))
    query = Entity(
        id="q", text="lung cancer models", cancer_types=("NSCLC",), seeks=("patient_derived_models",)
    )
    before = index.search(query, weights=DEFAULT_WEIGHTS)

    index.save(tmp_path / "index")
    loaded = MatchIndex.load(tmp_path / "index", embedder=embedder, ontology=lung_ontology)
    after = loaded.search(query, weights=DEFAULT_WEIGHTS)

    assert _ids(after) == _ids(before)
    assert [match.explanation for match in after] == [match.explanation for match in before]
    np.testing.assert_allclose([m.score for m in after], [m.score for m in before], rtol=1e-5)
    assert loaded.memory_bytes()["total"] > 0
