"""The full-text index behind portfolio search: FTS5 on SQLite, a stored tsvector + GIN index on PostgreSQL.

Titles weigh more than bodies in both. PostgreSQL keeps the vector in a generated column: an expression
index alone makes the planner recompute to_tsvector for every row on common words, and ts_rank always does.
"""

from django.db import migrations

SQLITE_CREATE = [
    "CREATE VIRTUAL TABLE portfolio_search_fts USING fts5("
    "title, body, tokenize = 'porter unicode61 remove_diacritics 2')",
    "INSERT INTO portfolio_search_fts (portfolio_search_fts, rank) VALUES ('rank', 'bm25(4.0, 1.0)')",
]
SQLITE_DROP = ["DROP TABLE IF EXISTS portfolio_search_fts"]
POSTGRES_CREATE = [
    "ALTER TABLE portfolio_searchdocument ADD COLUMN search_vector tsvector GENERATED ALWAYS AS ("
    "setweight(to_tsvector('english'::regconfig, title), 'A') || "
    "setweight(to_tsvector('english'::regconfig, body), 'B')) STORED",
    "CREATE INDEX portfolio_searchdocument_fts ON portfolio_searchdocument USING gin (search_vector)",
]
POSTGRES_DROP = [
    "DROP INDEX IF EXISTS portfolio_searchdocument_fts",
    "ALTER TABLE portfolio_searchdocument DROP COLUMN IF EXISTS search_vector",
]


def _run(statements_by_vendor):
    def run(apps, schema_editor):
        for statement in statements_by_vendor.get(schema_editor.connection.vendor, []):
            schema_editor.execute(statement)

    return run


class Migration(migrations.Migration):
    dependencies = [("portfolio", "0001_initial")]

    operations = [
        migrations.RunPython(
            _run({"sqlite": SQLITE_CREATE, "postgresql": POSTGRES_CREATE}),
            _run({"sqlite": SQLITE_DROP, "postgresql": POSTGRES_DROP}),
        )
    ]
