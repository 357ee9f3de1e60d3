"""Every read of matchmaking: ranked matches, introductions, notifications and the ranking-quality report.

Matches: the entries the requester may see are read once per request from the search read-model
(SearchDocument mirrors every portfolio entry with its organisation and visibility), less the organisations
left out, and the engine ranks only those: an entry outside them is never a candidate and changes no score
(not even BM25's scaling to the best match), no count, no organisation cap and no explanation.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from typing import Any

from django.db.models import Model, QuerySet
from django.urls import reverse

from oncobridge.core.errors import ServiceError
from oncobridge.core.visibility import Viewer
from oncobridge.matching import access, indexing
from oncobridge.matching.engine.embedding import Vectors
from oncobridge.matching.engine.entities import Entity
from oncobridge.matching.engine.explain import explain
from oncobridge.matching.engine.index import Filters, MatchIndex
from oncobridge.matching.engine.text import term_counts
from oncobridge.matching.engine.weights import DEFAULT_WEIGHTS, PARTS
from oncobridge.matching.models import Introduction, IntroductionOutcome, Notification
from oncobridge.portfolio.access import visible
from oncobridge.portfolio.indexing import spec_for
from oncobridge.portfolio.models import SearchDocument
from oncobridge.portfolio.view_helpers import HIT_URL_NAMES, KIND_SINGULAR

MAX_LIMIT = 50
MAX_PER_ORGANISATION = 2
KEY_PHRASES = 5
# Score buckets of the ranking-quality report (the hybrid score is a weighted sum of parts in [0, 1]).
SCORE_BUCKETS: tuple[tuple[float, float], ...] = ((0.0, 1.0), (1.0, 2.0), (2.0, 3.0), (3.0, float("inf")))


@dataclass(frozen=True)
class MatchQuery:
    """Find partners for free text, or for a portfolio entry (source_kind + source_id)."""

    text: str = ""
    source_kind: str = ""
    source_id: int | None = None
    kinds: tuple[str, ...] = ()
    organisation_types: tuple[str, ...] = ()
    cancer_types: tuple[str, ...] = ()
    include_own_organisation: bool = False
    limit: int = 10

    @property
    def source(self) -> str:
        if self.source_id is None or not self.source_kind:
            return ""
        return indexing.entity_id(self.source_kind, self.source_id)

    @property
    def has_source(self) -> bool:
        return bool(self.source_kind) and self.source_id is not None


@dataclass(frozen=True)
class MatchView:
    kind: str
    object_id: int
    kind_label: str
    title: str
    url: str
    organisation_slug: str
    organisation_name: str
    organisation_kind: str
    score: float
    parts: dict[str, float]
    explanation: list[str]

    @property
    def key(self) -> str:
        return indexing.entity_id(self.kind, self.object_id)


@dataclass
class MatchResult:
    query: MatchQuery
    query_label: str
    matches: list[MatchView] = field(default_factory=list)
    index_ready: bool = True


@dataclass(frozen=True)
class _Query:
    entity: Entity
    vector: Vectors | None
    label: str
    excluded_organisation_ids: frozenset[int]


def _resolve(user: Any, viewer: Viewer, query: MatchQuery, index: MatchIndex | None) -> _Query:
    if query.has_source:
        assert query.source_id is not None  # noqa: S101 - has_source says so
        entry = access.entry_for_user(user, query.source_kind, query.source_id)
        entity = indexing.entity_for(entry)
        vector = index.vector(entity.id) if index is not None and entity.id in index else None
        owner: Any = entry
        excluded = {owner.organisation_id}
        label = entity.title
    else:
        text = query.text.strip()
        if not text:
            raise ServiceError(
                "Describe what you are looking for, or match from a portfolio entry.", field="text"
            )
        entity = indexing.text_entity(text)
        vector = None
        excluded = set()
        label = text
    if not query.include_own_organisation:
        excluded |= viewer.organisation_ids
    else:
        excluded = set()
    return _Query(entity, vector, label, frozenset(excluded))


def _candidate_ids(viewer: Viewer, excluded_organisation_ids: frozenset[int]) -> set[str]:
    """The engine ids of the entries the viewer may see, less the excluded organisations': one query."""
    documents = visible(SearchDocument.objects.all(), viewer)
    if excluded_organisation_ids:
        documents = documents.exclude(organisation_id__in=excluded_organisation_ids)
    return {
        indexing.entity_id(kind, object_id)
        for kind, object_id in documents.values_list("kind", "object_id").iterator(chunk_size=10_000)
    }


def _visible_rows(viewer: Viewer, keys: list[tuple[str, int]]) -> dict[tuple[str, int], Model]:
    by_kind: dict[str, list[int]] = defaultdict(list)
    for kind, pk in keys:
        by_kind[kind].append(pk)
    rows: dict[tuple[str, int], Model] = {}
    for kind, pks in by_kind.items():
        for row in access.visible_entries(viewer, kind, pks):
            rows[(kind, row.pk)] = row
    return rows


def _view(kind: str, row: Model, score: float, parts: dict[str, float], lines: list[str]) -> MatchView:
    organisation: Any = row.organisation  # type: ignore[attr-defined]
    return MatchView(
        kind=kind,
        object_id=row.pk,
        kind_label=KIND_SINGULAR.get(kind, kind),
        title=spec_for(row).title,
        url=reverse(HIT_URL_NAMES[kind], args=[row.pk]),
        organisation_slug=organisation.slug,
        organisation_name=organisation.name,
        organisation_kind=organisation.kind,
        score=round(score, 4),
        parts={part: round(value, 4) for part, value in parts.items()},
        explanation=lines,
    )


def matches_find(*, user: Any, viewer: Viewer, query: MatchQuery) -> MatchResult:
    """The best matches the requester may see, explained; never more than two per organisation."""
    limit = max(1, min(query.limit, MAX_LIMIT))
    index = indexing.index_for_search()
    resolved = _resolve(user, viewer, query, index)
    if index is None:
        return MatchResult(query=query, query_label=resolved.label, index_ready=False)
    filters = Filters(
        kinds=frozenset(query.kinds),
        organisation_types=frozenset(query.organisation_types),
        cancer_types=frozenset(code.upper() for code in query.cancer_types),
    )
    ranked = index.search(
        resolved.entity,
        k=limit,
        filters=filters,
        # The requester's organisations (and the source entry's) are already left out of the candidates.
        include_own_organisation=True,
        # The engine numbers organisations by slug, one per organisation, so this is the cap per organisation.
        max_per_organisation=MAX_PER_ORGANISATION,
        query_vector=resolved.vector,
        allowed=_candidate_ids(viewer, resolved.excluded_organisation_ids),
    )
    keyed = [(indexing.parse_entity_id(match.entity.id), match) for match in ranked]
    # The rows to show, read through the portfolio's own visibility rule once more: an entry changed or
    # deleted since the read above is dropped rather than shown.
    rows = _visible_rows(viewer, [key for key, _ in keyed])
    chosen = [
        _view(key[0], row, match.score, match.parts, match.explanation.lines())
        for key, match in keyed
        if (row := rows.get(key)) is not None
    ]
    return MatchResult(query=query, query_label=resolved.label, matches=chosen)


def match_snapshot(*, user: Any, viewer: Viewer, query: MatchQuery, target: Model) -> MatchView | None:
    """How a target scores against a query, as the Find partners page would show it; None without an index.

    Scored with the index's parts over the same entries Find partners ranks (those the requester may see,
    less the organisations left out, and the target itself) and explained by the engine; the key phrases are
    the query's terms the target shares, rarest first by how often the target uses them.
    """
    index = indexing.index_for_search()
    if index is None:
        return None
    resolved = _resolve(user, viewer, query, index)
    candidate = indexing.entity_for(target)
    if candidate.id not in index:
        return None
    slot = index.slot_ids().index(candidate.id)
    weights = DEFAULT_WEIGHTS
    parts = tuple(part for part in PARTS if part in weights.active())
    allowed = _candidate_ids(viewer, resolved.excluded_organisation_ids) | {candidate.id}
    scores = index.part_scores(resolved.entity, parts, query_vector=resolved.vector, allowed=allowed)
    contributions = {part: float(getattr(weights, part) * values[slot]) for part, values in scores.items()}
    query_terms = term_counts(resolved.entity.full_text)
    target_terms = term_counts(candidate.full_text)
    shared = sorted(set(query_terms) & set(target_terms), key=lambda term: (-target_terms[term], term))
    explanation = explain(resolved.entity, index.get(candidate.id), index.ontology, shared[:KEY_PHRASES])
    kind, _ = indexing.parse_entity_id(candidate.id)
    return _view(kind, target, sum(contributions.values()), contributions, explanation.lines())


# --- introductions and notifications ------------------------------------------------------------------------


def introduction_list(*, user: Any, status: str | None = None) -> QuerySet[Introduction]:
    introductions = access.visible_introductions(user)
    if status:
        introductions = introductions.filter(status=status)
    return introductions.order_by("-created_at", "-id")


def notification_list(*, user: Any) -> QuerySet[Notification]:
    return Notification.objects.filter(recipient=user).order_by("-created_at", "-id")


def notification_unread_count(*, user: Any) -> int:
    if not getattr(user, "is_authenticated", False):
        return 0
    return Notification.objects.filter(recipient=user, read_at__isnull=True).count()


# --- ranking quality ----------------------------------------------------------------------------------------

POSITIVE_OUTCOMES = (IntroductionOutcome.ACCEPTED, IntroductionOutcome.LED_TO_PROJECT)


@dataclass(frozen=True)
class BucketRate:
    label: str
    recorded: int
    positive: int

    @property
    def acceptance_rate(self) -> float | None:
        return self.positive / self.recorded if self.recorded else None


@dataclass(frozen=True)
class PartRate:
    part: str
    recorded_with_part: int
    positive_with_part: int
    mean_when_positive: float | None
    mean_when_negative: float | None

    @property
    def acceptance_rate(self) -> float | None:
        return self.positive_with_part / self.recorded_with_part if self.recorded_with_part else None


@dataclass
class RankingReport:
    introductions: int
    by_status: dict[str, int]
    by_outcome: dict[str, int]
    by_score: list[BucketRate]
    by_part: list[PartRate]

    def as_json(self) -> dict[str, Any]:
        return {
            "introductions": self.introductions,
            "by_status": self.by_status,
            "by_outcome": self.by_outcome,
            "acceptance_by_score": [
                {
                    "bucket": bucket.label,
                    "recorded": bucket.recorded,
                    "positive": bucket.positive,
                    "acceptance_rate": bucket.acceptance_rate,
                }
                for bucket in self.by_score
            ],
            "acceptance_by_part": [
                {
                    "part": part.part,
                    "recorded_with_part": part.recorded_with_part,
                    "positive_with_part": part.positive_with_part,
                    "acceptance_rate": part.acceptance_rate,
                    "mean_when_positive": part.mean_when_positive,
                    "mean_when_negative": part.mean_when_negative,
                }
                for part in self.by_part
            ],
        }


def _bucket_label(low: float, high: float) -> str:
    return f"≥ {low:g}" if high == float("inf") else f"{low:g} to {high:g}"


def _mean(values: list[float]) -> float | None:
    return round(sum(values) / len(values), 4) if values else None


def ranking_report() -> RankingReport:
    """How introductions turned out, by the score and the score parts they were requested at.

    An outcome is positive when the introduction was accepted or led to a project; rates are over
    introductions with a recorded outcome.
    """
    rows = list(Introduction.objects.values("status", "outcome", "score", "score_parts"))
    by_status = {status: 0 for status, _ in Introduction._meta.get_field("status").choices or ()}
    by_outcome = {outcome: 0 for outcome in IntroductionOutcome.values}
    for row in rows:
        by_status[row["status"]] = by_status.get(row["status"], 0) + 1
        by_outcome[row["outcome"]] = by_outcome.get(row["outcome"], 0) + 1
    recorded = [row for row in rows if row["outcome"] != IntroductionOutcome.NONE]
    buckets = []
    for low, high in SCORE_BUCKETS:
        inside = [row for row in recorded if low <= row["score"] < high]
        buckets.append(
            BucketRate(
                label=_bucket_label(low, high),
                recorded=len(inside),
                positive=sum(1 for row in inside if row["outcome"] in POSITIVE_OUTCOMES),
            )
        )
    parts = []
    for part in PARTS:
        with_part = [row for row in recorded if float((row["score_parts"] or {}).get(part, 0.0)) > 0]
        positive = [row for row in with_part if row["outcome"] in POSITIVE_OUTCOMES]
        negative = [row for row in with_part if row["outcome"] not in POSITIVE_OUTCOMES]
        parts.append(
            PartRate(
                part=part,
                recorded_with_part=len(with_part),
                positive_with_part=len(positive),
                mean_when_positive=_mean([float(row["score_parts"][part]) for row in positive]),
                mean_when_negative=_mean([float(row["score_parts"][part]) for row in negative]),
            )
        )
    return RankingReport(
        introductions=len(rows), by_status=by_status, by_outcome=by_outcome, by_score=buckets, by_part=parts
    )
