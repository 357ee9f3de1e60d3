"""Background jobs of matchmaking (django-tasks): keeping the match index in step with the portfolio."""

from __future__ import annotations

from django.db import transaction
from django_tasks import task

from oncobridge.matching import indexing


@task()
def index_changes_apply() -> int:
    """Apply every pending portfolio change to the match index (one save for a whole burst of changes)."""
    return indexing.changes_apply()


def entity_changed(kind: str, pk: int) -> None:
    """Called by the portfolio's services inside their transaction: the entry's index entry is stale.

    The change is recorded with the write itself and the index task enqueued only once the write commits, so
    the task never reads a portfolio the transaction has not committed, nor misses a rolled-back one.
    """
    indexing.change_record(kind=kind, object_id=pk)
    transaction.on_commit(index_changes_apply.enqueue)
