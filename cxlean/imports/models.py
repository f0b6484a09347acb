"""Excel imports: one `ImportJob` per uploaded file, run in the background.

A job is created by the upload (after the file safety checks, `cxlean.imports.safety`),
then a worker claims it, validates every row and writes all rows in one transaction or
none (`cxlean.imports.services`). The job records what the person sees: status,
progress, how many rows were created or updated, or the errors by row and column.

Who may import: Lean coordinators (into the units they coordinate) and superusers.
Everyone sees only their own jobs; management reads every job in the admin, and
superusers everything.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

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


class ImportJobQuerySet(models.QuerySet):
    def visible_to(self, user) -> ImportJobQuerySet:
        """Your own jobs; management and superusers read every job."""
        if not user.is_authenticated:
            return self.none()
        if sees_everything(user):
            return self
        return self.filter(requested_by=user)

    def stale_queued(self, older_than) -> ImportJobQuerySet:
        return self.filter(status=Status.QUEUED, created_at__lt=older_than)

    def stuck_validating(self, older_than) -> ImportJobQuerySet:
        """Claimed by a worker that died (or lost its database) long ago."""
        return self.filter(status=Status.VALIDATING, started_at__lt=older_than)


def upload_path(job: ImportJob, filename: str) -> str:
    # Never the uploaded name: it is kept in `original_name`, and only for display.
    return timezone.now().strftime("imports/%Y/%m/") + f"{job.requested_by_id}-{job.token}.xlsx"


class ImportJob(models.Model):
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("requested by"),
        on_delete=models.CASCADE,
        related_name="import_jobs",
    )
    kind = models.CharField(_("kind"), max_length=24, choices=Kind.choices)
    # Under MEDIA_ROOT/imports/, which is not served: only the worker reads it. The file
    # is deleted once the job ends (it may hold personal data); the job keeps the counts.
    file = models.FileField(_("file"), upload_to=upload_path, blank=True)
    token = models.CharField(max_length=32, editable=False, default="")
    original_name = models.CharField(_("file name"), max_length=255)
    language = models.CharField(
        _("language"),
        max_length=8,
        default="sv",
        help_text=_("The language the error messages are written in: the requester's."),
    )
    status = models.CharField(
        _("status"), max_length=12, choices=Status.choices, default=Status.QUEUED
    )
    progress = models.PositiveSmallIntegerField(_("progress %"), default=0)
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
    attempts = models.PositiveSmallIntegerField(
        _("attempts"), default=0, help_text=_("How many times a worker has started the import.")
    )
    send_failed = models.BooleanField(
        _("worker not reached"),
        default=False,
        help_text=_("The background worker could not be reached when the job was queued."),
    )
    created_at = models.DateTimeField(_("requested at"), default=timezone.now, editable=False)
    started_at = models.DateTimeField(_("started at"), null=True, blank=True)
    finished_at = models.DateTimeField(_("finished at"), null=True, blank=True)
    # Progress ticks are queryset updates and leave no history; state changes do.
    history = HistoricalRecords(excluded_fields=["progress"])

    objects = ImportJobQuerySet.as_manager()

    class Meta:
        verbose_name = _("import job")
        verbose_name_plural = _("import jobs")
        ordering = ["-created_at", "-pk"]
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
        return self.send_failed or waited.total_seconds() > 120

    @property
    def more_errors(self) -> int:
        return max(self.error_count - len(self.errors), 0)
