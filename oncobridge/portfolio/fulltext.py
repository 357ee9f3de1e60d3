"""Full-text matching over SearchDocument, one implementation per database vendor.

SQLite uses the FTS5 table created by migration 0002 (kept in sync here); PostgreSQL uses the GIN
index on to_tsvector('english', title || ' ' || body), which the database maintains itself. Both stem
English words (porter / english), so the same query finds the same documents on either.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence

from django.db import connection
from django.db.models import QuerySet

from oncobridge.portfolio.models import SearchDocument

FTS_TABLE = "portfolio_search_fts"
_WORD = re.compile(r"[\w]+(?:[-'][\w]+)*", re.UNICODE)


def query_terms(text: str) -> list[str]:
    """Words of a user's query; punctuation and operators are never passed to the engine as syntax."""
    return [word.lower() for word in _WORD.findall(text)][:32]


def filter_matching(documents: QuerySet[SearchDocument], text: str) -> QuerySet[SearchDocument]:
    """Keep documents that contain every term; annotate `text_rank` (higher is better)."""
    terms = query_terms(text)
    if not terms:
        return documents
    if connection.vendor == "postgresql":
        tsquery = " & ".join(f"'{term}':*" if index == len(terms) - 1 else f"'{term}'" for index, term in
                             enumerate(t.replace("'", "") for t in terms))
        vector = "to_tsvector('english'::regconfig, portfolio_searchdocument.title || ' ' || portfolio_searchdocument.body)"
        return documents.extra(  # noqa: S610 - the query is a bound parameter, never interpolated
            select={"text_rank": f"ts_rank({vector}, to_tsquery('english'::regconfig, %s))"},
            select_params=[tsquery],
            where=[f"{vector} @@ to_tsquery('english'::regconfig, %s)"],
            params=[tsquery],
        )
    match = " ".join(f'"{term}"' if index < len(terms) - 1 else f'"{term}"*' for index, term in
                     enumerate(t.replace('"', "") for t in terms))
    return documents.extra(  # noqa: S610 - the query is a bound parameter, never interpolated
        select={"text_rank": f"-{FTS_TABLE}.rank"},
        tables=[FTS_TABLE],
        where=[f"{FTS_TABLE}.rowid = portfolio_searchdocument.id", f"{FTS_TABLE} MATCH %s"],
        params=[match],
    )


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
