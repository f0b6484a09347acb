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
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from cxlean.core.events import notify
from cxlean.core.jobs import TRANSIENT_ERRORS, requeue_stale
from cxlean.core.tasks import enqueue_on_commit
from cxlean.exports.kinds import RequestRefused, clean_params
from cxlean.exports.models import ExportJob, JobStatus, Kind, keep_days
from cxlean.exports.progress import Progress
from cxlean.exports.writers.base import ExportError, Request, new_workbook

logger = logging.getLogger(__name__)

# The job's lifecycle (claim, heartbeat, release, fail, the requeue sweep) is
# cxlean.core.jobs; the worker's time for one export is ExportJob.SOFT_TIME_LIMIT.
SOFT_TIME_LIMIT = ExportJob.SOFT_TIME_LIMIT
HARD_TIME_LIMIT = ExportJob.hard_time_limit()


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


def run_job(job_id: int) -> str:
    """The worker's part: claim the job, write it to a temporary file (on the worker's
    own disk, only while it is written), save the file to the job (the file storage,
    which the web machines share) and mark it done (with its expiry), or failed with a
    message for the requester. Returns the job's status afterwards ("skipped" if it was
    not queued: another delivery got it, or it was finished already)."""
    if not ExportJob.claim(job_id):
        return "skipped"
    job = ExportJob.objects.select_related("requested_by").get(pk=job_id)
    with translation.override(job.language):
        try:
            path, written = write_to_temporary_file(job)
        except RequestRefused as refused:
            return job.fail(
                _("The export could not be written: %(reason)s")
                % {"reason": " ".join(refused.messages())},
            )
        except ExportError as error:
            return job.fail(str(error))
        except SoftTimeLimitExceeded:
            logger.warning("Export %s (%s) stopped at its time limit", job_id, job.kind)
            return job.fail(too_long_message(), tell=True)
        except TRANSIENT_ERRORS:
            # Let the task retry: give the job back first (if the database answers).
            ExportJob.release(job_id)
            raise
        except Exception:
            logger.exception("Export %s (%s) failed", job_id, job.kind)
            return job.fail(
                _(
                    "The export failed because of an error in cxlean. Try again; if it fails "
                    "again, tell your administrator."
                ),
            )
    try:
        finish(job, path, written)
    except TRANSIENT_ERRORS:
        ExportJob.release(job_id)
        raise
    except SoftTimeLimitExceeded:
        with translation.override(job.language):
            return job.fail(too_long_message(), tell=True)
    except Exception:
        logger.exception("Export %s (%s) could not be saved", job_id, job.kind)
        return job.fail(_("The export was written but could not be saved. Try again later."))
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
    notify(
        [job.requested_by],
        "job_done",
        {
            "job": gettext_lazy("export"),
            "name": Kind(job.kind).label,
            "status": JobStatus.DONE.label,
        },
        about=job,
        state="done",
        url=job.detail_url(),
    )


def too_long_message() -> str:
    return _(
        "The export took longer than %(minutes)s minutes and was stopped. Ask for a smaller "
        "one (fewer units or a shorter period), or tell your administrator."
    ) % {"minutes": SOFT_TIME_LIMIT // 60}


# --- the sweeps --------------------------------------------------------------------------


def requeue_stale_jobs(now: dt.datetime | None = None) -> int:
    """The requeue sweep for exports (cxlean.core.jobs.requeue_stale): returns how many
    were sent."""
    from cxlean.exports.tasks import run_export

    return len(requeue_stale(ExportJob, run_export, now))


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
