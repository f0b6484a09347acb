"""Imports in the background: thin tasks that take a job id and call the service.

`cxlean.imports.run` is routed to the `imports` queue, served by its own worker, so an
import never waits behind an export nor an export behind an import; the sweep
`cxlean.sweeps.requeue_imports` runs from beat every five minutes on `default`.
"""

from celery import shared_task
from django.db import OperationalError

from cxlean.core.jobs import job_task
from cxlean.imports.models import ImportJob
from cxlean.imports.services import import_run, requeue


@job_task(ImportJob, name="cxlean.imports.run", max_retries=5)
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
    return requeue()
