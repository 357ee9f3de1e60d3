"""Keeping the search read-model (SearchDocument + SearchFacet + full-text index) in step with the portfolio.

Services call `document_refresh` inside their transaction; `documents_rebuild` does the whole portfolio
in bulk (demo load, imports, `oncobridge search reindex`).
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from typing import Any

from django.db import transaction
from django.db.models import Model
from django.utils import timezone

from oncobridge.core.vocabularies import vocabularies
from oncobridge.portfolio import fulltext
from oncobridge.portfolio.models import (
    AssetKind,
    DocumentKind,
    FacetName,
    InvestigatorProfile,
    PartnerNeed,
    PartnerProfile,
    ResearchAsset,
    ResearchProject,
    SearchDocument,
    SearchFacet,
)
from oncobridge.vocab.modalities import MODALITY_LABELS

BATCH_SIZE = 2000
# Splits a document body into the entry's own words (shown as snippets) and the concept words added for
# hierarchy-aware matching (organisation, OncoTree lineage names, genes, modalities), which are only searched.
CONCEPTS_SEPARATOR = "\n\x1f\n"


@dataclass
class DocumentSpec:
    kind: str
    object_id: int
    organisation_id: int
    organisation_slug: str
    organisation_name: str
    visibility: str
    title: str
    subtitle: str
    text: str
    cancer_types: list[str] = field(default_factory=list)
    genes: list[str] = field(default_factory=list)
    modalities: list[str] = field(default_factory=list)
    asset_kind: str = ""


def cancer_lineage(codes: Iterable[str]) -> list[str]:
    """Each code with all its OncoTree ancestors: the facet and text that make search hierarchy-aware."""
    oncotree = vocabularies().oncotree
    lineage: dict[str, None] = {}
    for code in codes:
        node = oncotree.get(code)
        if node is None:
            lineage[code.upper()] = None
            continue
        lineage[node.code] = None
        for ancestor in oncotree.ancestors(node.code):
            lineage[ancestor.code] = None
    return list(lineage)


def _body(spec: DocumentSpec, lineage: list[str]) -> str:
    oncotree = vocabularies().oncotree
    concept_words = []
    for code in lineage:
        node = oncotree.get(code)
        concept_words.append(code if node is None else f"{node.code} {node.name} {node.main_type or ''}")
    concept_words.extend(spec.genes)
    concept_words.extend(MODALITY_LABELS.get(modality, modality) for modality in spec.modalities)
    if spec.asset_kind:
        concept_words.append(AssetKind(spec.asset_kind).label)
    concepts = " ".join([spec.subtitle, spec.organisation_name, *concept_words])
    return f"{spec.text.strip()}{CONCEPTS_SEPARATOR}{concepts}"


def _facets(spec: DocumentSpec, lineage: list[str]) -> Iterator[tuple[str, str]]:
    yield FacetName.ORGANISATION, spec.organisation_slug
    for code in lineage:
        yield FacetName.CANCER_LINEAGE, code
    for gene in dict.fromkeys(spec.genes):
        yield FacetName.GENE, gene[:80]
    for modality in dict.fromkeys(spec.modalities):
        yield FacetName.MODALITY, modality
    if spec.asset_kind:
        yield FacetName.ASSET_KIND, spec.asset_kind


def spec_for(entity: Model) -> DocumentSpec:
    organisation = entity.organisation  # type: ignore[attr-defined]
    common: dict[str, Any] = {
        "object_id": entity.pk,
        "organisation_id": organisation.pk,
        "organisation_slug": organisation.slug,
        "organisation_name": organisation.name,
    }
    if isinstance(entity, InvestigatorProfile):
        return DocumentSpec(
            kind=DocumentKind.PROFILE,
            visibility=entity.visibility,
            title=entity.user.display_name,
            subtitle=" · ".join(part for part in (entity.position, organisation.name) if part),
            text="\n".join([entity.summary, " ".join(entity.methods)]),
            cancer_types=entity.cancer_types,
            genes=entity.genes,
            modalities=entity.modalities,
            **common,
        )
    if isinstance(entity, ResearchAsset):
        return DocumentSpec(
            kind=DocumentKind.ASSET,
            visibility=entity.visibility,
            title=entity.title,
            subtitle=f"{entity.get_kind_display()} · {organisation.name}",
            text="\n".join([entity.description, entity.availability, entity.source]),
            cancer_types=entity.cancer_types,
            genes=entity.genes,
            modalities=entity.modalities,
            asset_kind=entity.kind,
            **common,
        )
    if isinstance(entity, ResearchProject):
        return DocumentSpec(
            kind=DocumentKind.PROJECT,
            visibility=entity.visibility,
            title=entity.title,
            subtitle=f"Research project · {organisation.name}",
            text="\n".join([entity.abstract, entity.programme]),
            cancer_types=entity.cancer_types,
            genes=entity.genes,
            modalities=entity.modalities,
            **common,
        )
    if isinstance(entity, PartnerNeed):
        return DocumentSpec(
            kind=DocumentKind.NEED,
            visibility=entity.visibility,
            title=entity.title,
            subtitle=f"Partner need · {organisation.name}",
            text="\n".join(
                [
                    entity.description,
                    entity.get_development_stage_display(),
                    entity.get_collaboration_kind_display(),
                ]
            ),
            cancer_types=entity.cancer_types,
            genes=entity.genes,
            modalities=entity.modalities,
            **common,
        )
    if isinstance(entity, PartnerProfile):
        return DocumentSpec(
            kind=DocumentKind.PARTNER,
            visibility=entity.visibility,
            title=organisation.name,
            subtitle=f"Partner profile · {organisation.get_kind_display()}",
            text=entity.summary,
            cancer_types=entity.therapeutic_areas,
            genes=entity.targets,
            modalities=entity.modalities,
            **common,
        )
    raise TypeError(f"{type(entity).__name__} is not indexed for search.")


def _write(specs: list[DocumentSpec]) -> None:
    now = timezone.now()
    existing = {
        (kind, object_id): pk
        for kind, object_id, pk in SearchDocument.objects.filter(
            kind__in={spec.kind for spec in specs}, object_id__in=[spec.object_id for spec in specs]
        ).values_list("kind", "object_id", "pk")
    }
    documents: list[SearchDocument] = []
    lineages: list[list[str]] = []
    for spec in specs:
        lineage = cancer_lineage(spec.cancer_types)
        lineages.append(lineage)
        documents.append(
            SearchDocument(
                pk=existing.get((spec.kind, spec.object_id)),
                kind=spec.kind,
                object_id=spec.object_id,
                organisation_id=spec.organisation_id,
                visibility=spec.visibility,
                title=spec.title[:500],
                subtitle=spec.subtitle[:300],
                body=_body(spec, lineage),
                updated_at=now,
            )
        )
    to_update = [document for document in documents if document.pk is not None]
    to_create = [document for document in documents if document.pk is None]
    if to_update:
        SearchDocument.objects.bulk_update(
            to_update, ["organisation", "visibility", "title", "subtitle", "body", "updated_at"]
        )
        SearchFacet.objects.filter(document__in=[document.pk for document in to_update]).delete()
    SearchDocument.objects.bulk_create(to_create)  # SQLite >= 3.35 and PostgreSQL set the new ids
    SearchFacet.objects.bulk_create(
        [
            SearchFacet(document_id=document.pk, facet=facet, value=value)
            for spec, lineage, document in zip(specs, lineages, documents, strict=True)
            for facet, value in _facets(spec, lineage)
        ],
        batch_size=BATCH_SIZE,
    )
    fulltext.index_write(documents)


@transaction.atomic
def document_refresh(entity: Model) -> None:
    _write([spec_for(entity)])


@transaction.atomic
def document_remove(*, kind: str, object_id: int) -> None:
    ids = list(SearchDocument.objects.filter(kind=kind, object_id=object_id).values_list("pk", flat=True))
    fulltext.index_delete(ids)
    SearchDocument.objects.filter(pk__in=ids).delete()


INDEXED_QUERYSETS: dict[str, Callable[[], Any]] = {
    DocumentKind.PROFILE: lambda: InvestigatorProfile.objects.select_related("user", "organisation"),
    DocumentKind.ASSET: lambda: ResearchAsset.objects.select_related("organisation"),
    DocumentKind.PROJECT: lambda: ResearchProject.objects.select_related("organisation"),
    DocumentKind.NEED: lambda: PartnerNeed.objects.select_related("organisation"),
    DocumentKind.PARTNER: lambda: PartnerProfile.objects.select_related("organisation"),
}


def documents_rebuild(*, progress: Callable[[int], object] | None = None) -> int:
    """Re-index the whole portfolio in batches; returns the number of documents written."""
    written = 0
    with transaction.atomic():
        stale = list(SearchDocument.objects.values_list("pk", flat=True))
        fulltext.index_delete(stale)
        SearchDocument.objects.all().delete()
        for queryset in INDEXED_QUERYSETS.values():
            batch: list[DocumentSpec] = []
            for entity in queryset().iterator(chunk_size=BATCH_SIZE):
                batch.append(spec_for(entity))
                if len(batch) >= BATCH_SIZE:
                    _write(batch)
                    written += len(batch)
                    if progress:
                        progress(len(batch))
                    batch = []
            if batch:
                _write(batch)
                written += len(batch)
                if progress:
                    progress(len(batch))
    return written


def document_count() -> int:
    return SearchDocument.objects.count()
