"""Imports in the background: thin tasks that take a job id and call the service.

`cxlean.imports.run` is routed to the `imports` queue, served by its own worker, so an
import never waits behind an export nor an export behind an import; the sweep
`cxlean.sweeps.requeue_imports` runs from beat every five minutes on `default`.
"""

from datetime import timedelta

from celery import shared_task
from django.db import OperationalError
from django.utils import timezone

from cxlean.imports.services import HARD_TIME_LIMIT, SOFT_TIME_LIMIT, import_run, requeue

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
    soft_time_limit=SOFT_TIME_LIMIT,
    time_limit=HARD_TIME_LIMIT,
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
