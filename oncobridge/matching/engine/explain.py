"""Why two entities match, in terms a person can check against both profiles."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from oncobridge.matching.engine.entities import CAPABILITIES, Entity
from oncobridge.matching.engine.ontology import RELATION_CREDIT, Ontology, Relation
from oncobridge.vocab.modalities import MODALITIES

_MODALITY_LABELS = {modality.code: modality.label for modality in MODALITIES}
_MAX_CANCER_LINKS = 5


@dataclass(frozen=True, slots=True)
class CancerTypeLink:
    query_code: str
    candidate_code: str
    relation: Relation
    text: str


@dataclass(frozen=True, slots=True)
class PathwayLink:
    pathway: str
    query_genes: tuple[str, ...]
    candidate_genes: tuple[str, ...]
    text: str


@dataclass(frozen=True, slots=True)
class Explanation:
    cancer_types: tuple[CancerTypeLink, ...] = ()
    genes: tuple[str, ...] = ()
    pathways: tuple[PathwayLink, ...] = ()
    modalities: tuple[str, ...] = ()
    key_phrases: tuple[str, ...] = ()
    complementary: tuple[str, ...] = ()

    def lines(self) -> list[str]:
        """The explanation as short sentences, strongest evidence first."""
        found: list[str] = []
        if self.complementary:
            found.extend(self.complementary)
        if self.cancer_types:
            found.append("Cancer types: " + "; ".join(link.text for link in self.cancer_types))
        if self.genes:
            found.append("Shared genes: " + ", ".join(self.genes))
        if self.pathways:
            found.append("Shared pathways: " + "; ".join(link.text for link in self.pathways))
        if self.modalities:
            found.append("Both work on: " + ", ".join(self.modalities))
        if self.key_phrases:
            found.append("Key phrases: " + ", ".join(self.key_phrases))
        return found


def _link_text(query_code: str, candidate_code: str, relation: Relation, ontology: Ontology) -> str:
    if relation is Relation.SAME:
        return f"{query_code} (both: {ontology.name(query_code)})"
    if relation is Relation.BROADER:
        return f"{query_code} (you) ⊃ {candidate_code} (them)"
    if relation is Relation.NARROWER:
        return f"{query_code} (you) ⊂ {candidate_code} (them)"
    return f"{query_code} (you) ~ {candidate_code} (them), both {ontology.name(ontology.tissue(query_code))}"


def cancer_type_links(query: Entity, candidate: Entity, ontology: Ontology) -> tuple[CancerTypeLink, ...]:
    """Each of the candidate's cancer types tied to the query type it relates to most strongly."""
    links: list[CancerTypeLink] = []
    for candidate_code in candidate.cancer_types:
        related = [
            (query_code, relation)
            for query_code in query.cancer_types
            if (relation := ontology.relation(query_code, candidate_code)) is not None
        ]
        if related:
            query_code, relation = max(related, key=lambda pair: RELATION_CREDIT[pair[1]])
            text = _link_text(query_code, candidate_code, relation, ontology)
            links.append(CancerTypeLink(query_code, candidate_code, relation, text))
    links.sort(key=lambda link: -RELATION_CREDIT[link.relation])
    return tuple(links[:_MAX_CANCER_LINKS])


def pathway_links(query: Entity, candidate: Entity, ontology: Ontology) -> tuple[PathwayLink, ...]:
    shared = set(ontology.pathways_of(query.genes)) & set(ontology.pathways_of(candidate.genes))
    links = []
    for pathway in sorted(shared):
        mine = ontology.pathway_genes(pathway, query.genes)
        theirs = ontology.pathway_genes(pathway, candidate.genes)
        text = f"{pathway}: {', '.join(mine)} (you), {', '.join(theirs)} (them)"
        links.append(PathwayLink(pathway, mine, theirs, text))
    return tuple(links)


def complementary_sentences(query: Entity, candidate: Entity) -> tuple[str, ...]:
    sentences = [
        f"They offer {CAPABILITIES[code]}, which you seek."
        for code in query.seeks
        if code in candidate.offers
    ]
    sentences.extend(
        f"You offer {CAPABILITIES[code]}, which they seek."
        for code in candidate.seeks
        if code in query.offers
    )
    return tuple(sentences)


def explain(query: Entity, candidate: Entity, ontology: Ontology, key_phrases: Sequence[str]) -> Explanation:
    candidate_genes = set(candidate.genes)
    candidate_modalities = set(candidate.modalities)
    return Explanation(
        cancer_types=cancer_type_links(query, candidate, ontology),
        genes=tuple(sorted({gene for gene in query.genes if gene in candidate_genes})),
        pathways=pathway_links(query, candidate, ontology),
        modalities=tuple(
            _MODALITY_LABELS.get(code, code) for code in sorted(set(query.modalities) & candidate_modalities)
        ),
        key_phrases=tuple(key_phrases),
        complementary=complementary_sentences(query, candidate),
    )
