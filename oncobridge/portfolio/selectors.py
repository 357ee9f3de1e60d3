"""Every read of the portfolio; all of them apply the viewer's visibility first."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field, replace

from django.db.models import Count, QuerySet

from oncobridge.accounts.models import Organisation
from oncobridge.core.visibility import Viewer
from oncobridge.core.vocabularies import vocabularies
from oncobridge.portfolio import fulltext, indexing
from oncobridge.portfolio.access import visible
from oncobridge.portfolio.models import (
    AssetKind,
    DocumentKind,
    FacetName,
    InvestigatorProfile,
    NeedResponse,
    NeedStatus,
    PartnerNeed,
    PartnerProfile,
    ResearchAsset,
    ResearchProject,
    SearchDocument,
    SearchFacet,
)
from oncobridge.vocab.modalities import MODALITY_LABELS

FACET_LIMIT = 12


@dataclass(frozen=True)
class SearchFilters:
    kinds: tuple[str, ...] = ()
    cancer_types: tuple[str, ...] = ()
    genes: tuple[str, ...] = ()
    modalities: tuple[str, ...] = ()
    asset_kinds: tuple[str, ...] = ()
    organisations: tuple[str, ...] = ()

    def by_facet(self) -> dict[str, tuple[str, ...]]:
        return {
            FacetName.CANCER_LINEAGE: tuple(code.upper() for code in self.cancer_types),
            FacetName.GENE: tuple(gene.upper() for gene in self.genes),
            FacetName.MODALITY: self.modalities,
            FacetName.ASSET_KIND: self.asset_kinds,
            FacetName.ORGANISATION: self.organisations,
        }


@dataclass(frozen=True)
class FacetValue:
    value: str
    label: str
    count: int
    selected: bool
    depth: int = 0


@dataclass(frozen=True)
class SearchHit:
    kind: str
    object_id: int
    title: str
    subtitle: str
    organisation_id: int
    snippet: str


@dataclass
class SearchResult:
    query: str
    total: int
    hits: list[SearchHit]
    facets: dict[str, list[FacetValue]] = field(default_factory=dict)
    # Hits per kind whatever kind filter is applied, for the kind tabs.
    kind_counts: dict[str, int] = field(default_factory=dict)
    # Cancer types the query itself names (e.g. "lung cancer" -> LUNG), offered as facet suggestions.
    suggested_cancer_types: list[FacetValue] = field(default_factory=list)


def _snippet(body: str, terms: list[str], width: int = 220) -> str:
    body = body.split(indexing.CONCEPTS_SEPARATOR, 1)[0]
    lowered = body.lower()
    positions = [lowered.find(term) for term in terms if term and lowered.find(term) >= 0]
    start = max(0, min(positions) - 60) if positions else 0
    text = " ".join(body[start : start + width].split())
    return ("…" if start else "") + text + ("…" if len(body) > start + width else "")


def _filtered_documents(viewer: Viewer, filters: SearchFilters) -> QuerySet[SearchDocument]:
    """Documents the viewer may see that pass every facet filter; the text query comes on top."""
    documents = visible(SearchDocument.objects.all(), viewer)
    if filters.kinds:
        documents = documents.filter(kind__in=filters.kinds)
    for facet, values in filters.by_facet().items():
        if values:
            documents = documents.filter(
                pk__in=SearchFacet.objects.filter(facet=facet, value__in=values).values("document_id")
            )
    return documents


def _facet_label(facet: str, value: str, organisation_names: dict[str, str]) -> str:
    if facet == FacetName.CANCER_LINEAGE:
        node = vocabularies().oncotree.get(value)
        return f"{node.name} ({node.code})" if node else value
    if facet == FacetName.MODALITY:
        return MODALITY_LABELS.get(value, value)
    if facet == FacetName.ASSET_KIND:
        return AssetKind(value).label if value in AssetKind.values else value
    if facet == FacetName.ORGANISATION:
        return organisation_names.get(value, value)
    return value


def _cancer_tree(counts: dict[str, int], selected: tuple[str, ...]) -> list[FacetValue]:
    """Counted OncoTree codes as a tree: tissues first, each followed by its counted descendants."""
    oncotree = vocabularies().oncotree
    children: dict[str | None, list[str]] = defaultdict(list)
    for code in counts:
        known = oncotree.ancestors(code) if code in oncotree else []
        ancestors = [a.code for a in known if a.code in counts]
        children[ancestors[0] if ancestors else None].append(code)
    ordered: list[FacetValue] = []

    def walk(parent: str | None, depth: int) -> None:
        for code in sorted(children.get(parent, []), key=lambda c: (-counts[c], c)):
            node = oncotree.get(code)
            ordered.append(
                FacetValue(code, node.name if node else code, counts[code], code in selected, depth)
            )
            if depth < 2 or code in selected:
                walk(code, depth + 1)

    walk(None, 0)
    return ordered


def portfolio_search(
    *, viewer: Viewer, query: str = "", filters: SearchFilters | None = None, offset: int = 0, limit: int = 20
) -> SearchResult:
    filters = filters or SearchFilters()
    filtered = _filtered_documents(viewer, filters)
    documents = fulltext.filter_matching(filtered, query)
    ranked = (
        fulltext.order_by_relevance(filtered, query)
        if fulltext.query_terms(query)
        else filtered.order_by("kind", "title")
    )
    page = list(
        ranked.values("kind", "object_id", "title", "subtitle", "organisation_id", "body")[
            offset : offset + limit
        ]
    )
    terms = fulltext.query_terms(query)
    hits = [
        SearchHit(
            kind=row["kind"],
            object_id=row["object_id"],
            title=row["title"],
            subtitle=row["subtitle"],
            organisation_id=row["organisation_id"],
            snippet=_snippet(row["body"], terms),
        )
        for row in page
    ]
    # Per-kind counts ignore the kind filter (they label the kind tabs); the total respects it.
    every_kind = fulltext.filter_matching(_filtered_documents(viewer, replace(filters, kinds=())), query)
    kind_counts = {
        row["kind"]: row["n"] for row in every_kind.order_by().values("kind").annotate(n=Count("pk"))
    }
    total = sum(n for kind, n in kind_counts.items() if not filters.kinds or kind in filters.kinds)
    facet_rows = (
        SearchFacet.objects.filter(document__in=documents.order_by().values("pk"))
        .values("facet", "value")
        .annotate(n=Count("document_id"))
        .order_by("facet", "-n", "value")
    )
    counts: dict[str, dict[str, int]] = defaultdict(dict)
    for row in facet_rows:
        counts[row["facet"]][row["value"]] = row["n"]
    organisation_names = dict(
        Organisation.objects.filter(slug__in=counts.get(FacetName.ORGANISATION, {}).keys()).values_list(
            "slug", "name"
        )
    )
    selected_by_facet = filters.by_facet()
    facets: dict[str, list[FacetValue]] = {}
    for facet in FacetName.values:
        values = counts.get(facet, {})
        if facet == FacetName.CANCER_LINEAGE:
            facets[facet] = _cancer_tree(values, selected_by_facet[facet])
            continue
        top = sorted(values.items(), key=lambda item: (-item[1], item[0]))[:FACET_LIMIT]
        facets[facet] = [
            FacetValue(
                value, _facet_label(facet, value, organisation_names), n, value in selected_by_facet[facet]
            )
            for value, n in top
        ]
    suggestions = (
        [
            FacetValue(node.code, node.name, 0, node.code in selected_by_facet[FacetName.CANCER_LINEAGE])
            for node in vocabularies().oncotree.search(query, limit=3)
        ]
        if query.strip()
        else []
    )
    return SearchResult(
        query=query,
        total=total,
        hits=hits,
        facets=facets,
        kind_counts=kind_counts,
        suggested_cancer_types=suggestions,
    )


def asset_list(
    *, viewer: Viewer, organisation: str | None = None, kind: str | None = None
) -> QuerySet[ResearchAsset]:
    assets = visible(ResearchAsset.objects.select_related("organisation"), viewer)
    if organisation:
        assets = assets.filter(organisation__slug=organisation)
    if kind:
        assets = assets.filter(kind=kind)
    return assets.order_by("title", "pk")


def profile_list(*, viewer: Viewer, organisation: str | None = None) -> QuerySet[InvestigatorProfile]:
    profiles = visible(
        InvestigatorProfile.objects.select_related("user", "organisation", "department"), viewer
    )
    if organisation:
        profiles = profiles.filter(organisation__slug=organisation)
    return profiles.order_by("user__full_name", "pk")


def project_list(*, viewer: Viewer, organisation: str | None = None) -> QuerySet[ResearchProject]:
    projects = visible(ResearchProject.objects.select_related("organisation"), viewer)
    if organisation:
        projects = projects.filter(organisation__slug=organisation)
    return projects.order_by("-start_date", "pk")


def need_list(
    *, viewer: Viewer, organisation: str | None = None, status: str | None = NeedStatus.OPEN
) -> QuerySet[PartnerNeed]:
    needs = visible(PartnerNeed.objects.select_related("organisation", "posted_by"), viewer)
    if organisation:
        needs = needs.filter(organisation__slug=organisation)
    if status:
        needs = needs.filter(status=status)
    return needs.order_by("-created_at", "pk")


def partner_profile_list(*, viewer: Viewer) -> QuerySet[PartnerProfile]:
    return visible(PartnerProfile.objects.select_related("organisation"), viewer).order_by(
        "organisation__name"
    )


def need_responses(*, viewer: Viewer, need: PartnerNeed) -> QuerySet[NeedResponse]:
    """The needing organisation sees every answer; a responder sees their own organisation's."""
    responses = NeedResponse.objects.filter(need=need).select_related("responder", "organisation", "asset")
    if viewer.platform_admin or need.organisation_id in viewer.organisation_ids:
        return responses
    return responses.filter(organisation_id__in=viewer.organisation_ids)


def organisation_portfolio_counts(*, viewer: Viewer, organisation: Organisation) -> dict[str, int]:
    documents = visible(SearchDocument.objects.filter(organisation=organisation), viewer)
    counts = dict(documents.values_list("kind").annotate(n=Count("pk")).values_list("kind", "n"))
    return {kind: counts.get(kind, 0) for kind in DocumentKind.values}
