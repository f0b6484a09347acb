"""Excel imports: one `ImportJob` per uploaded file, run in the background.

A job is created by the upload (after the file safety checks, `cxlean.imports.safety`),
then a worker claims it, validates every row and writes all rows in one transaction or
none (`cxlean.imports.services`). The job records what the person sees: status,
progress, how many rows were created or updated, or the errors by row and column.
Claim, heartbeat, attempts, failure for good and the requeue sweep are the lifecycle
every background job shares (`cxlean.core.jobs.BackgroundJob`); "validating" is the
import's running status.

Who may import: Lean coordinators (into the units they coordinate) and superusers.
Everyone sees only their own jobs; management reads every job in the admin, and
superusers everything.
"""

from __future__ import annotations

from django.db import models
from django.utils import timezone
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from cxlean.core.jobs import BackgroundJob, BackgroundJobQuerySet
from cxlean.notifications.models import Kind as NotificationKind
from cxlean.notifications.models import Notification
from cxlean.org.roles import is_coordinator, sees_everything

# Errors kept on a job: enough to fix a file, never a megabyte of JSON per job.
MAX_STORED_ERRORS = 500


class Kind(models.TextChoices):
    PEOPLE = "people", _("People")
    COMPETENCE_RECORDS = "competence_records", _("Competence records")
    SURVEY_ANSWERS = "survey_answers", _("Survey answers")


class Status(models.TextChoices):
    QUEUED = "queued", _("Queued")
    VALIDATING = "validating", _("Validating")
    FAILED = "failed", _("Failed")
    DONE = "done", _("Done")


FINISHED = (Status.FAILED, Status.DONE)


def may_import(user) -> bool:
    """Imports change data: coordinators and superusers; never employees or management."""
    return is_coordinator(user)


class ImportJobQuerySet(BackgroundJobQuerySet):
    def visible_to(self, user) -> ImportJobQuerySet:
        """Your own jobs; management and superusers read every job."""
        if not user.is_authenticated:
            return self.none()
        if sees_everything(user):
            return self
        return self.filter(requested_by=user)


def upload_path(job: ImportJob, filename: str) -> str:
    # Never the uploaded name: it is kept in `original_name`, and only for display.
    return timezone.now().strftime("imports/%Y/%m/") + f"{job.requested_by_id}-{job.token}.xlsx"


class ImportJob(BackgroundJob):
    Status = Status
    RUNNING = Status.VALIDATING
    # 20 000 rows take well under a minute.
    SOFT_TIME_LIMIT = 10 * 60

    kind = models.CharField(_("kind"), max_length=24, choices=Kind.choices)
    # Under imports/ in the file storage (cxlean/core/storage.py), which is not served:
    # only the worker reads it, on whichever machine it runs. The file
    # is deleted once the job ends (it may hold personal data); the job keeps the counts.
    file = models.FileField(_("file"), upload_to=upload_path, blank=True)
    token = models.CharField(max_length=32, editable=False, default="")
    original_name = models.CharField(_("file name"), max_length=255)
    status = models.CharField(
        _("status"), max_length=12, choices=Status.choices, default=Status.QUEUED
    )
    rows_total = models.PositiveIntegerField(_("rows in the file"), default=0)
    rows_written = models.PositiveIntegerField(_("rows written"), default=0)
    created_count = models.PositiveIntegerField(_("created"), default=0)
    updated_count = models.PositiveIntegerField(_("updated"), default=0)
    error_count = models.PositiveIntegerField(_("errors"), default=0)
    errors = models.JSONField(
        _("errors"),
        default=list,
        blank=True,
        help_text=_("A list of {row, column, message}; the first 500 are kept."),
    )
    send_failed = models.BooleanField(
        _("worker not reached"),
        default=False,
        help_text=_("The background worker could not be reached when the job was queued."),
    )
    # Progress ticks are queryset updates and leave no history; state changes do.
    history = HistoricalRecords(excluded_fields=list(BackgroundJob.HEARTBEAT_FIELDS))

    objects = ImportJobQuerySet.as_manager()

    class Meta(BackgroundJob.Meta):
        verbose_name = _("import job")
        verbose_name_plural = _("import jobs")
        indexes = [models.Index(fields=["status", "created_at"], name="imports_job_status_created")]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(progress__lte=100), name="imports_job_progress_percent"
            )
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} · {self.original_name}"

    @property
    def is_finished(self) -> bool:
        return self.status in FINISHED

    def worker_unreachable(self, now=None) -> bool:
        """Still queued after the broker was not reached, or after a couple of minutes."""
        if self.status != Status.QUEUED:
            return False
        waited = (now or timezone.now()) - self.created_at
        return self.send_failed or waited > self.RESEND_QUEUED_AFTER

    @property
    def more_errors(self) -> int:
        return max(self.error_count - len(self.errors), 0)

    def record_failure(self, message: str) -> list[str]:
        """One error for the whole file; nothing was written. The upload may hold
        personal data and is deleted: the job keeps its report."""
        self.errors = [{"row": 0, "column": "", "message": message}]
        self.error_count = 1
        self.progress = 100
        if self.file:
            self.file.delete(save=False)
        return ["errors", "error_count", "progress", "file"]

    def worn_out_message(self) -> str:
        return gettext(
            "The import stopped %(count)s times before it was finished; nothing was written. "
            "Split the file into smaller ones, or tell your administrator."
        ) % {"count": self.MAX_ATTEMPTS}

    def failure_title(self) -> str:
        return gettext("Your import of “%(file)s” failed") % {"file": self.original_name}

    def failure_body(self) -> str:
        return " ".join(error["message"] for error in self.errors[:3])

    def notify_owner(self, **message) -> None:
        Notification.tell(self.requested_by, kind=NotificationKind.JOB_FAILED, **message)
