"""Presentation helpers for the portfolio's HTML views: query strings, labels and facet groups.

Nothing here reads or writes the database; it shapes what the selectors return for the templates.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, replace
from typing import Any

from django.http import QueryDict
from django.urls import reverse

from oncobridge.core.vocabularies import vocabularies
from oncobridge.portfolio.models import (
    AssetKind,
    CollaborationKind,
    DevelopmentStage,
    DocumentKind,
    FacetName,
)
from oncobridge.portfolio.selectors import FacetValue, SearchFilters, SearchHit, SearchResult
from oncobridge.vocab.modalities import MODALITY_LABELS

MAX_QUERY_LENGTH = 200
MAX_VALUES_PER_PARAMETER = 20

# Tab order and labels of the result kinds.
KIND_TABS: tuple[tuple[str, str], ...] = (
    (DocumentKind.PROFILE, "Investigators"),
    (DocumentKind.ASSET, "Assets"),
    (DocumentKind.PROJECT, "Projects"),
    (DocumentKind.NEED, "Partner needs"),
    (DocumentKind.PARTNER, "Partners"),
)
KIND_SINGULAR: dict[str, str] = {
    DocumentKind.PROFILE: "Investigator",
    DocumentKind.ASSET: "Research asset",
    DocumentKind.PROJECT: "Research project",
    DocumentKind.NEED: "Partner need",
    DocumentKind.PARTNER: "Partner",
}
HIT_URL_NAMES: dict[str, str] = {
    DocumentKind.PROFILE: "portfolio:profile_detail",
    DocumentKind.ASSET: "portfolio:asset_detail",
    DocumentKind.PROJECT: "portfolio:project_detail",
    DocumentKind.NEED: "portfolio:need_detail",
    DocumentKind.PARTNER: "portfolio:partner_detail",
}
# URL parameter of each facet, and the facets in sidebar order.
FACET_PARAMETERS: tuple[tuple[str, str, str], ...] = (
    (FacetName.CANCER_LINEAGE, "cancer_type", "Cancer type"),
    (FacetName.GENE, "gene", "Gene"),
    (FacetName.ASSET_KIND, "asset_kind", "Asset kind"),
    (FacetName.ORGANISATION, "organisation", "Organisation"),
    (FacetName.MODALITY, "modality", "Modality"),
)


def _values(data: QueryDict, name: str, *, upper: bool = False) -> tuple[str, ...]:
    cleaned = (value.strip()[:80] for value in data.getlist(name))
    values = dict.fromkeys((value.upper() if upper else value) for value in cleaned if value)
    return tuple(values)[:MAX_VALUES_PER_PARAMETER]


@dataclass(frozen=True)
class SearchParams:
    """The search page's state, exactly as its URL carries it."""

    q: str = ""
    kind: str = ""
    cancer_type: tuple[str, ...] = ()
    gene: tuple[str, ...] = ()
    asset_kind: tuple[str, ...] = ()
    organisation: tuple[str, ...] = ()
    modality: tuple[str, ...] = ()
    page: int = 1

    @classmethod
    def from_query(cls, data: QueryDict) -> SearchParams:
        kind = data.get("kind", "")
        try:
            page = max(1, min(int(data.get("page", "1")), 10_000))
        except ValueError:
            page = 1
        return cls(
            q=" ".join(data.get("q", "").split())[:MAX_QUERY_LENGTH],
            kind=kind if kind in DocumentKind.values else "",
            cancer_type=_values(data, "cancer_type", upper=True),
            gene=_values(data, "gene", upper=True),
            asset_kind=_values(data, "asset_kind"),
            organisation=_values(data, "organisation"),
            modality=_values(data, "modality"),
            page=page,
        )

    def filters(self) -> SearchFilters:
        return SearchFilters(
            kinds=(self.kind,) if self.kind else (),
            cancer_types=self.cancer_type,
            genes=self.gene,
            modalities=self.modality,
            asset_kinds=self.asset_kind,
            organisations=self.organisation,
        )

    def selected(self, parameter: str) -> tuple[str, ...]:
        value: tuple[str, ...] = getattr(self, parameter)
        return value

    def has_filters(self) -> bool:
        return any(self.selected(parameter) for _, parameter, _ in FACET_PARAMETERS)

    def url(self, **changes: Any) -> str:
        """The search page's URL with some parameters changed; any change but paging returns to page 1."""
        if "page" not in changes:
            changes["page"] = 1
        params = replace(self, **changes)
        query = QueryDict(mutable=True)
        if params.q:
            query["q"] = params.q
        if params.kind:
            query["kind"] = params.kind
        for _, parameter, _ in FACET_PARAMETERS:
            query.setlist(parameter, list(params.selected(parameter)))
        if params.page > 1:
            query["page"] = str(params.page)
        encoded = query.urlencode()
        return reverse("portfolio:home") + (f"?{encoded}" if encoded else "")


@dataclass(frozen=True)
class KindTab:
    kind: str
    label: str
    count: int
    url: str
    current: bool


@dataclass(frozen=True)
class FacetGroup:
    parameter: str
    legend: str
    values: list[FacetValue]


@dataclass(frozen=True)
class Suggestion:
    code: str
    name: str
    url: str


@dataclass(frozen=True)
class HitView:
    hit: SearchHit
    kind_label: str
    url: str


def cancer_label(code: str) -> str:
    node = vocabularies().oncotree.get(code)
    return node.name if node else code


def _missing_selected(
    facet: str, parameter: str, shown: Sequence[FacetValue], selected: Iterable[str]
) -> list[FacetValue]:
    """Selected values the current results no longer count stay on screen, ticked, so they can be unticked."""
    present = {value.value for value in shown}
    extra = []
    for value in selected:
        if value in present:
            continue
        if facet == FacetName.CANCER_LINEAGE:
            label = cancer_label(value)
        elif facet == FacetName.MODALITY:
            label = MODALITY_LABELS.get(value, value)
        elif facet == FacetName.ASSET_KIND:
            label = AssetKind(value).label if value in AssetKind.values else value
        else:
            label = value
        extra.append(FacetValue(value=value, label=label, count=0, selected=True))
    return extra


def facet_groups(result: SearchResult, params: SearchParams) -> list[FacetGroup]:
    groups = []
    for facet, parameter, legend in FACET_PARAMETERS:
        shown = list(result.facets.get(facet, []))
        values = _missing_selected(facet, parameter, shown, params.selected(parameter)) + shown
        if values:
            groups.append(FacetGroup(parameter=parameter, legend=legend, values=values))
    return groups


def kind_tabs(kind_counts: Mapping[str, int], params: SearchParams) -> list[KindTab]:
    tabs = [KindTab("", "All", sum(kind_counts.values()), params.url(kind=""), params.kind == "")]
    tabs.extend(
        KindTab(kind, label, kind_counts.get(kind, 0), params.url(kind=kind), params.kind == kind)
        for kind, label in KIND_TABS
    )
    return tabs


def suggestions(result: SearchResult, params: SearchParams) -> list[Suggestion]:
    return [
        Suggestion(
            code=value.value, name=value.label, url=params.url(cancer_type=(*params.cancer_type, value.value))
        )
        for value in result.suggested_cancer_types
        if value.value not in params.cancer_type
    ]


def hit_views(hits: Iterable[SearchHit]) -> list[HitView]:
    return [
        HitView(
            hit=hit,
            kind_label=KIND_SINGULAR.get(hit.kind, hit.kind),
            url=reverse(HIT_URL_NAMES[hit.kind], args=[hit.object_id]),
        )
        for hit in hits
        if hit.kind in HIT_URL_NAMES
    ]


@dataclass(frozen=True)
class CancerTypeView:
    code: str
    name: str
    lineage: str


def cancer_types_view(codes: Iterable[str]) -> list[CancerTypeView]:
    oncotree = vocabularies().oncotree
    rows = []
    for code in codes:
        node = oncotree.get(code)
        if node is None:
            rows.append(CancerTypeView(code=code, name=code, lineage=""))
            continue
        rows.append(CancerTypeView(code=node.code, name=node.name, lineage=oncotree.lineage_path(node.code)))
    return rows


def modality_labels(keys: Iterable[str]) -> list[str]:
    return [MODALITY_LABELS.get(key, key) for key in keys]


def development_stage_labels(keys: Iterable[str]) -> list[str]:
    return [DevelopmentStage(key).label if key in DevelopmentStage.values else key for key in keys]


def collaboration_kind_labels(keys: Iterable[str]) -> list[str]:
    return [CollaborationKind(key).label if key in CollaborationKind.values else key for key in keys]
