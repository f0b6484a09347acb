"""Imports in the background: thin tasks that take a job id and call the service.

`cxlean.imports.run` is routed to the `exports` queue (long work); the sweep
`cxlean.sweeps.requeue_imports` runs from beat every five minutes on `default`.
"""

from datetime import timedelta

from celery import shared_task
from django.db import OperationalError
from django.utils import timezone

from cxlean.imports.services import import_run, requeue

REQUEUE_AFTER = timedelta(minutes=2)
# A job "validating" this long has lost its worker: a real import takes seconds.
STUCK_AFTER = timedelta(minutes=30)


@shared_task(
    name="cxlean.imports.run",
    bind=True,
    autoretry_for=(OperationalError,),
    retry_backoff=True,
    retry_backoff_max=300,
    max_retries=5,
    acks_late=True,
)
def run(self, job_id: int) -> None:
    """Idempotent: a job that is not queued any more (running, done, failed) is skipped."""
    import_run(job_id)


@shared_task(
    name="cxlean.sweeps.requeue_imports",
    autoretry_for=(OperationalError,),
    retry_backoff=True,
    max_retries=3,
)
def requeue_imports() -> int:
    now = timezone.now()
    return requeue(queued_before=now - REQUEUE_AFTER, stuck_before=now - STUCK_AFTER)
