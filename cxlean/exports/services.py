"""Exports from request to download: asking for one, writing it in the worker, and the
two sweeps that keep the jobs honest (re-send what the broker lost, expire old files).

    request_export(user, kind, params)   checks, records the job, sends it after commit
    run_job(job_id)                      the worker: claim once, write, done or failed
    write_export(kind, user, params, f)  the same writer synchronously (the command)
    requeue_stale_jobs() / expire_jobs() the sweeps beat runs
"""

from __future__ import annotations

import datetime as dt
import logging
import os
import tempfile
import time
from dataclasses import dataclass

from celery.exceptions import SoftTimeLimitExceeded
from django.core.files import File
from django.db import InterfaceError, OperationalError, transaction
from django.db.models import F, Q
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from cxlean.core.tasks import enqueue_on_commit, send
from cxlean.exports.kinds import RequestRefused, clean_params
from cxlean.exports.models import ExportJob, JobStatus, keep_days
from cxlean.exports.progress import Progress
from cxlean.exports.writers.base import ExportError, Request, new_workbook
from cxlean.notifications.models import Kind as NotificationKind
from cxlean.notifications.models import Notification

logger = logging.getLogger(__name__)

# What the task retries with backoff: the database (or the connection to it) failing
# for a moment, not a fault in the export.
TRANSIENT_ERRORS = (OperationalError, InterfaceError)
QUEUED_RESEND_AFTER = dt.timedelta(minutes=2)
SILENT_RUNNING_AFTER = dt.timedelta(minutes=30)
MAX_ATTEMPTS = 3  # a job whose worker died this often (out of memory?) is failed
# The worker's time for one export (cxlean/exports/tasks.py): the soft limit stops the
# writer and fails the job with a message; the hard one ends a worker that did not stop.
SOFT_TIME_LIMIT = 15 * 60
HARD_TIME_LIMIT = SOFT_TIME_LIMIT + 60


# --- asking for an export ----------------------------------------------------------------


def request_export(user, kind: str, params: dict | None = None) -> ExportJob:
    """Record a queued job for `user` and send it to the worker once the transaction
    commits. Raises RequestRefused (with messages per filter) and records nothing when
    the user may not ask for `kind` or a filter is not understood. A broker that is
    down does not fail the request: the job stays queued and the requeue sweep sends it
    again."""
    from cxlean.exports.tasks import run_export

    _spec, kept, _form = clean_params(user, kind, params or {})
    job = ExportJob.objects.create(
        requested_by=user,
        kind=kind,
        params=kept,
        language=translation.get_language() or "sv",
    )
    enqueue_on_commit(run_export, job.pk, on_failure=lambda: broker_down(job.pk))
    return job


def broker_down(job_id: int) -> None:
    logger.warning("Export %s stays queued: the broker was not reached.", job_id)


# --- writing -----------------------------------------------------------------------------


@dataclass(frozen=True)
class Written:
    rows: int
    seconds: float


def write_export(kind: str, user, params: dict, out, progress: Progress | None = None) -> Written:
    """Write the export of `kind` as `user` sees it to `out` (a path or a file object).
    Raises RequestRefused when the filters are no longer valid for the user, and
    ExportError for what the writer refuses."""
    started = time.perf_counter()
    spec, _kept, form = clean_params(user, kind, params)
    request = Request(user=user, form=form, progress=progress or Progress())
    workbook = new_workbook()
    spec.writer.write(workbook, request)
    workbook.save(out)
    return Written(request.progress.rows, time.perf_counter() - started)


def claim(job_id: int) -> bool:
    """queued → running, at most once per job whatever the number of deliveries, and
    never a job started MAX_ATTEMPTS times already (the sweep fails it)."""
    now = timezone.now()
    return (
        ExportJob.objects.filter(
            pk=job_id, status=JobStatus.QUEUED, attempts__lt=MAX_ATTEMPTS
        ).update(
            status=JobStatus.RUNNING,
            started_at=now,
            progress_at=now,
            progress=0,
            rows=0,
            attempts=F("attempts") + 1,
        )
        == 1
    )


def run_job(job_id: int) -> str:
    """The worker's part: claim the job, write it to a temporary file, save the file
    to the job and mark it done (with its expiry), or failed with a message for the
    requester. Returns the job's status afterwards ("skipped" if it was not queued:
    another delivery got it, or it was finished already)."""
    if not claim(job_id):
        return "skipped"
    job = ExportJob.objects.select_related("requested_by").get(pk=job_id)
    with translation.override(job.language):
        try:
            path, written = write_to_temporary_file(job)
        except RequestRefused as refused:
            return fail(
                job,
                _("The export could not be written: %(reason)s")
                % {"reason": " ".join(refused.messages())},
            )
        except ExportError as error:
            return fail(job, str(error))
        except SoftTimeLimitExceeded:
            logger.warning("Export %s (%s) stopped at its time limit", job_id, job.kind)
            return fail(job, too_long_message(), tell=True)
        except TRANSIENT_ERRORS:
            # Let the task retry: give the job back first (if the database answers).
            requeue_after_error(job_id)
            raise
        except Exception:
            logger.exception("Export %s (%s) failed", job_id, job.kind)
            return fail(
                job,
                _(
                    "The export failed because of an error in cxlean. Try again; if it fails "
                    "again, tell your administrator."
                ),
            )
    try:
        finish(job, path, written)
    except TRANSIENT_ERRORS:
        requeue_after_error(job_id)
        raise
    except SoftTimeLimitExceeded:
        with translation.override(job.language):
            return fail(job, too_long_message(), tell=True)
    except Exception:
        logger.exception("Export %s (%s) could not be saved", job_id, job.kind)
        return fail(job, _("The export was written but could not be saved. Try again later."))
    finally:
        os.unlink(path)
    return job.status


def write_to_temporary_file(job: ExportJob) -> tuple[str, Written]:
    progress = Progress(job.pk)
    handle, path = tempfile.mkstemp(prefix=f"cxlean-export-{job.pk}-", suffix=".xlsx")
    os.close(handle)
    try:
        written = write_export(job.kind, job.requested_by, job.params, path, progress)
    except BaseException:
        os.unlink(path)
        raise
    return path, written


def finish(job: ExportJob, path: str, written: Written) -> None:
    now = timezone.now()
    with open(path, "rb") as content:
        job.file.save(job.download_name(), File(content), save=False)
    job.status = JobStatus.DONE
    job.progress = 100
    job.rows = written.rows
    job.finished_at = now
    job.expires_at = now + dt.timedelta(days=keep_days())
    job.error = ""
    job.save(
        update_fields=["file", "status", "progress", "rows", "finished_at", "expires_at", "error"]
    )
    logger.info(
        "Export %s (%s): %s rows in %.1f s", job.pk, job.kind, written.rows, written.seconds
    )


def too_long_message() -> str:
    return _(
        "The export took longer than %(minutes)s minutes and was stopped. Ask for a smaller "
        "one (fewer units or a shorter period), or tell your administrator."
    ) % {"minutes": SOFT_TIME_LIMIT // 60}


def fail(job: ExportJob, message: str, *, tell: bool = False) -> str:
    """Failed with `message` for the requester; `tell` also sends them a notification
    (for failures they are not watching: a time limit, a worker that kept dying)."""
    job.status = JobStatus.FAILED
    job.error = message
    job.finished_at = timezone.now()
    job.save(update_fields=["status", "error", "finished_at"])
    if tell:
        tell_requester(job)
    return job.status


def tell_requester(job: ExportJob) -> None:
    """A notification to the person who asked, in the language they asked in."""
    with translation.override(job.language):
        Notification.tell(
            job.requested_by,
            kind=NotificationKind.JOB_FAILED,
            title=_("Your export “%(export)s” failed") % {"export": job.get_kind_display()},
            body=job.error,
            url=reverse("exports:detail", args=[job.pk]),
        )


def requeue_after_error(job_id: int) -> None:
    try:
        ExportJob.objects.filter(pk=job_id, status=JobStatus.RUNNING).update(
            status=JobStatus.QUEUED
        )
    except Exception:  # the database is what failed; the requeue sweep will find it
        logger.warning("Export %s could not be given back to the queue", job_id)


# --- the sweeps --------------------------------------------------------------------------


def requeue_stale_jobs(now: dt.datetime | None = None) -> int:
    """Send again the jobs queued for more than two minutes (the broker was down, or a
    message was lost), and queue again the running jobs silent for thirty minutes (their
    worker died) — failing for good those started MAX_ATTEMPTS times, and telling their
    requesters. Sending twice is harmless: the worker claims a job once. Returns how
    many were sent."""
    from cxlean.exports.tasks import run_export

    now = now or timezone.now()
    silent = Q(status=JobStatus.RUNNING) & (
        Q(progress_at__lt=now - SILENT_RUNNING_AFTER)
        | Q(progress_at__isnull=True, started_at__lt=now - SILENT_RUNNING_AFTER)
    )
    # Queued again after a database error, but started as often as a job may be.
    worn_out = Q(attempts__gte=MAX_ATTEMPTS) & (silent | Q(status=JobStatus.QUEUED))
    with transaction.atomic():
        for job in ExportJob.objects.filter(worn_out).select_related("requested_by"):
            with translation.override(job.language):
                message = _(
                    "The export stopped %(count)s times before it was written. Try a smaller "
                    "one (fewer units), or tell your administrator."
                ) % {"count": MAX_ATTEMPTS}
                fail(job, message, tell=True)
        revived = list(
            ExportJob.objects.filter(silent, attempts__lt=MAX_ATTEMPTS).values_list("pk", flat=True)
        )
        ExportJob.objects.filter(pk__in=revived, status=JobStatus.RUNNING).update(
            status=JobStatus.QUEUED
        )
    waiting = ExportJob.objects.filter(
        status=JobStatus.QUEUED,
        created_at__lt=now - QUEUED_RESEND_AFTER,
        attempts__lt=MAX_ATTEMPTS,
    ).values_list("pk", flat=True)
    sent = 0
    for job_id in sorted({*waiting, *revived}):
        if not send(run_export, job_id):
            break  # the broker is down: the next sweep tries again
        sent += 1
    return sent


def expire_jobs(now: dt.datetime | None = None) -> int:
    """Delete the files of done jobs whose time is up and mark them expired. Returns
    how many expired."""
    now = now or timezone.now()
    expired = 0
    for job in ExportJob.objects.filter(status=JobStatus.DONE, expires_at__lte=now):
        if job.file:
            job.file.delete(save=False)  # also empties job.file
        job.status = JobStatus.EXPIRED
        job.save(update_fields=["status", "file"])
        expired += 1
    return expired
