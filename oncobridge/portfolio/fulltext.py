"""Full-text matching over SearchDocument, one implementation per database vendor.

SQLite uses the FTS5 table created by migration 0002 (kept in sync here); PostgreSQL uses the generated
`search_vector` column and its GIN index from the same migration, which the database maintains itself.
Both stem English words (porter / english), so the same query finds the same documents on either.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence

from django.db import connection
from django.db.models import QuerySet
from django.db.models.expressions import RawSQL

from oncobridge.portfolio.models import SearchDocument

FTS_TABLE = "portfolio_search_fts"
_WORD = re.compile(r"[\w]+(?:[-'][\w]+)*", re.UNICODE)


def query_terms(text: str) -> list[str]:
    """Words of a user's query; punctuation and operators are never passed to the engine as syntax."""
    return [word.lower() for word in _WORD.findall(text)][:32]


def _sqlite_match(terms: list[str]) -> str:
    # Every term quoted (operators and punctuation stay plain words); the last one also matches as a prefix.
    quoted = [f'"{term}"' for term in terms]  # query_terms never contain a double quote
    return " ".join([*quoted[:-1], quoted[-1] + "*"])


def _postgres_tsquery(terms: list[str]) -> str:
    # An apostrophe ("o'brien") would end the quoted lexeme early.
    quoted = ["'" + term.replace("'", "") + "'" for term in terms]
    return " & ".join([*quoted[:-1], quoted[-1] + ":*"])


# The generated, GIN-indexed column that migration 0002 adds on PostgreSQL (the model does not declare it).
_PG_VECTOR = "portfolio_searchdocument.search_vector"
_PG_MATCHING_IDS = (
    "SELECT id FROM portfolio_searchdocument WHERE search_vector @@ to_tsquery('english'::regconfig, %s)"
)
_SQLITE_MATCHING_IDS = f"SELECT rowid FROM {FTS_TABLE} WHERE {FTS_TABLE} MATCH %s"  # noqa: S608


def filter_matching(documents: QuerySet[SearchDocument], text: str) -> QuerySet[SearchDocument]:
    """Keep documents that contain every term (the last one as a prefix too).

    The match is a self-contained `pk IN (...)` subquery, so the result can itself be used as a subquery
    (facet counts) without the outer table's name or alias leaking into it.
    """
    terms = query_terms(text)
    if not terms:
        return documents
    if connection.vendor == "postgresql":
        return documents.filter(pk__in=RawSQL(_PG_MATCHING_IDS, [_postgres_tsquery(terms)]))  # noqa: S611
    return documents.filter(pk__in=RawSQL(_SQLITE_MATCHING_IDS, [_sqlite_match(terms)]))  # noqa: S611


def order_by_relevance(documents: QuerySet[SearchDocument], text: str) -> QuerySet[SearchDocument]:
    """Matching documents, best first; only for the outermost query (a page of hits), never a subquery."""
    terms = query_terms(text)
    if not terms:
        return documents
    if connection.vendor == "postgresql":
        tsquery = _postgres_tsquery(terms)
        return documents.extra(  # noqa: S610 - the query is a bound parameter, never interpolated
            select={"text_rank": f"ts_rank({_PG_VECTOR}, to_tsquery('english'::regconfig, %s))"},
            select_params=[tsquery],
            where=[f"{_PG_VECTOR} @@ to_tsquery('english'::regconfig, %s)"],
            params=[tsquery],
        ).order_by("-text_rank", "title")
    # Joining the FTS table (rather than IN) gives FTS5's bm25 rank for free; lower rank is better.
    return documents.extra(  # noqa: S610 - the query is a bound parameter, never interpolated
        select={"text_rank": f"{FTS_TABLE}.rank"},
        tables=[FTS_TABLE],
        where=[f"{FTS_TABLE}.rowid = portfolio_searchdocument.id", f"{FTS_TABLE} MATCH %s"],
        params=[_sqlite_match(terms)],
    ).order_by("text_rank", "title")


def index_write(documents: Iterable[SearchDocument]) -> None:
    if connection.vendor != "sqlite":
        return
    rows = [(document.pk, document.title, document.body) for document in documents]
    if not rows:
        return
    with connection.cursor() as cursor:
        cursor.executemany(f"DELETE FROM {FTS_TABLE} WHERE rowid = %s", [(row[0],) for row in rows])  # noqa: S608
        cursor.executemany(f"INSERT INTO {FTS_TABLE} (rowid, title, body) VALUES (%s, %s, %s)", rows)  # noqa: S608


def index_delete(document_ids: Sequence[int]) -> None:
    if connection.vendor != "sqlite" or not document_ids:
        return
    with connection.cursor() as cursor:
        cursor.executemany(f"DELETE FROM {FTS_TABLE} WHERE rowid = %s", [(pk,) for pk in document_ids])  # noqa: S608
