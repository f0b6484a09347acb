"""Exports in the background: the `exports` queue writes them, beat sweeps the jobs.

Thin on purpose (an id in, a service call): the rules are in cxlean/exports/services.py,
the job's lifecycle and the task's options (retries, time limits) in cxlean/core/jobs.py.
"""

from celery import shared_task

from cxlean.core.jobs import job_task
from cxlean.exports import services
from cxlean.exports.models import ExportJob


@job_task(ExportJob, name="cxlean.exports.run")
def run_export(self, job_id: int) -> str:
    """Write one export. Idempotent: a job is claimed once (queued → running), so a
    message delivered twice, or sent again by the requeue sweep, writes once."""
    return services.run_job(job_id)


@shared_task(name="cxlean.sweeps.requeue_exports")
def requeue_exports() -> int:
    return services.requeue_stale_jobs()


@shared_task(name="cxlean.sweeps.expire_exports")
def expire_exports() -> int:
    return services.expire_jobs()
