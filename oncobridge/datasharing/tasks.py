"""Background jobs of data sharing (django-tasks): uploaded imports run outside the web request."""

from __future__ import annotations

from django.db import transaction
from django_tasks import task

from oncobridge.datasharing import services
from oncobridge.datasharing.models import ImportJob


@task()
def import_job_task(job_id: int) -> str:
    """Run one uploaded import; the job records its progress and outcome for the page that polls it."""
    return services.import_job_run(job_id=job_id).status


def import_job_start(job: ImportJob) -> None:
    """Enqueue the job once the transaction that recorded it commits (the worker must see it)."""
    transaction.on_commit(lambda: import_job_task.enqueue(job.pk))
