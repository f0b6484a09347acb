"""The import workflow: create a job from a checked upload, and run it.

`import_create` (in the request) stores the file and enqueues the task after the
transaction commits. `import_run` (in the worker) claims the job with a conditional
UPDATE, so a message delivered twice or re-sent by the sweep runs it once; re-checks
the file; validates every row (progress 0–90 %); and, if no row has an error, writes
all rows in one transaction (all or nothing), with history recorded as the importing
user. Errors are stored by row and column in the requester's language.
"""

from __future__ import annotations

import logging
import secrets
from collections.abc import Iterator
from contextlib import contextmanager
from types import SimpleNamespace

from celery.exceptions import SoftTimeLimitExceeded
from django.core.exceptions import ValidationError
from django.db import DatabaseError, IntegrityError, transaction
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from simple_history.models import HistoricalRecords

from cxlean.core.events import notify
from cxlean.core.jobs import TRANSIENT_ERRORS, requeue_stale
from cxlean.core.tasks import enqueue_on_commit
from cxlean.imports.kinds import IMPORTERS
from cxlean.imports.models import MAX_STORED_ERRORS, ImportJob, Status
from cxlean.imports.rows import FileErrors, RowError, read_rows
from cxlean.imports.safety import check_workbook

logger = logging.getLogger(__name__)

VALIDATION_SHARE = 90  # % of the progress bar for reading and checking the rows
PROGRESS_STEPS = 20  # progress is saved about this many times while rows are checked
# The job's lifecycle (claim, heartbeat, release, fail, the requeue sweep) is
# cxlean.core.jobs; the worker's time for one import is ImportJob.SOFT_TIME_LIMIT.
SOFT_TIME_LIMIT = ImportJob.SOFT_TIME_LIMIT
HARD_TIME_LIMIT = ImportJob.hard_time_limit()


def import_create(*, user, kind: str, file, language: str) -> ImportJob:
    """A queued job for an upload that passed `check_workbook`; the task starts once
    the transaction commits (or the requeue sweep starts it if the broker is down)."""
    from cxlean.imports.tasks import run

    job = ImportJob(
        requested_by=user,
        kind=kind,
        original_name=(getattr(file, "name", "") or "import.xlsx")[:255],
        language=language,
        token=secrets.token_hex(8),
    )
    job.file.save("upload.xlsx", file, save=False)
    job.save()
    enqueue_on_commit(run, job.pk, on_failure=lambda: mark_send_failed(job.pk))
    return job


def mark_send_failed(job_id: int) -> None:
    ImportJob.objects.filter(pk=job_id, status=Status.QUEUED).update(send_failed=True)


def import_run(job_id: int) -> ImportJob | None:
    """Run a queued job; None when it is not queued (already running or finished)."""
    if not ImportJob.claim(job_id):
        return None
    job = ImportJob.objects.select_related("requested_by").get(pk=job_id)
    try:
        with translation.override(job.language):
            outcome = process(job)
    except TRANSIENT_ERRORS:
        ImportJob.release(job_id)
        raise
    except SoftTimeLimitExceeded:
        logger.warning("Import job %s stopped at its time limit", job_id)
        with translation.override(job.language):
            message = _(
                "The import took longer than %(minutes)s minutes and was stopped; nothing was "
                "written. Split the file into smaller ones and import them one at a time."
            ) % {"minutes": SOFT_TIME_LIMIT // 60}
        job.fail(message, tell=True)
        return job
    except Exception:
        logger.exception("Import job %s stopped with an unexpected error", job_id)
        with translation.override(job.language):
            message = _("The import stopped because of an unexpected error; nothing was written.")
        outcome = failed([RowError(0, "", message)], rows_total=job.rows_total)
    finish(job, outcome)
    return job


def process(job: ImportJob) -> dict:
    importer = IMPORTERS[job.kind](job.requested_by)
    try:
        with job.file.open("rb") as file:
            check_workbook(file)
            rows = read_rows(file, importer.columns)
    except ValidationError as error:
        return failed([RowError(0, "", message) for message in error.messages])
    except FileErrors as error:
        return failed(error.errors)
    except FileNotFoundError:
        return failed([RowError(0, "", _("The uploaded file is gone; upload it again."))])
    total = len(rows)
    ImportJob.heartbeat(job.pk, rows_total=total)
    importer.prepare(rows)
    planned = []
    step = max(total // PROGRESS_STEPS, 1)
    for index, row in enumerate(rows, start=1):
        line = importer.check(row)
        if line is not None:
            planned.append(line)
        if index % step == 0:
            set_progress(job.pk, VALIDATION_SHARE * index // total)
    if importer.errors:
        return failed(importer.errors, rows_total=total)
    if not planned:
        return failed([RowError(0, "", _("The file has no rows to import."))], rows_total=total)
    set_progress(job.pk, VALIDATION_SHARE)
    try:
        with transaction.atomic(), recorded_as(job.requested_by):
            created, updated = importer.write(planned)
    except (IntegrityError, ValidationError) as error:
        logger.warning("Import job %s could not be written: %r", job.pk, error)
        message = _(
            "The data changed while the file was checked; nothing was written. Import it again."
        )
        return failed([RowError(0, "", message)], rows_total=total)
    return {
        "status": Status.DONE,
        "rows_total": total,
        "rows_written": created + updated,
        "created_count": created,
        "updated_count": updated,
    }


def failed(errors: list[RowError], rows_total: int = 0) -> dict:
    errors = sorted(errors, key=lambda e: e.row)
    return {
        "status": Status.FAILED,
        "rows_total": rows_total,
        "error_count": len(errors),
        "errors": [error.as_dict() for error in errors[:MAX_STORED_ERRORS]],
    }


def finish(job: ImportJob, outcome: dict) -> None:
    for name, value in outcome.items():
        setattr(job, name, value)
    job.progress = 100
    job.finished_at = timezone.now()
    # The file may hold personal data and is not needed any more: the job keeps the counts.
    if job.file:
        job.file.delete(save=False)
    job.save()
    notify(
        [job.requested_by],
        "job_done",
        {
            "job": gettext_lazy("import"),
            "name": job.original_name,
            "status": Status(job.status).label,
        },
        about=job,
        state=str(job.status),
        url=job.detail_url(),
    )


def set_progress(job_id: int, percent: int) -> None:
    try:
        ImportJob.heartbeat(job_id, progress=min(percent, 99))
    except DatabaseError:  # a progress tick is not worth failing the import for
        logger.warning("Progress of import job %s not saved", job_id)


@contextmanager
def recorded_as(user) -> Iterator[None]:
    """History written inside the block names `user`, as the request middleware does
    during a web request (simple_history reads the user from this context)."""
    previous = getattr(HistoricalRecords.context, "request", None)
    HistoricalRecords.context.request = SimpleNamespace(user=user)
    try:
        yield
    finally:
        if previous is None:
            del HistoricalRecords.context.request
        else:
            HistoricalRecords.context.request = previous


def requeue(now=None) -> int:
    """The requeue sweep for imports (cxlean.core.jobs.requeue_stale); a job sent again
    is no longer "worker not reached". Returns how many were sent."""
    from cxlean.imports.tasks import run

    sent = requeue_stale(ImportJob, run, now)
    ImportJob.objects.filter(pk__in=sent, send_failed=True).update(send_failed=False)
    return len(sent)
