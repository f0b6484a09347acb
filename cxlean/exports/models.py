"""An Excel export requested by someone, and its way through the background worker.

A job is created "queued" (`services.request_export`), claimed by the worker with a
conditional UPDATE (queued → running: a message delivered twice writes once), written,
and ends "done" with its file and an expiry date, or "failed" with a message for the
person who asked. Claim, heartbeat, attempts, failure for good and the requeue sweep
are the lifecycle every background job shares (`cxlean.core.jobs.BackgroundJob`). The
expiry sweep deletes the file of a done job after `EXPORT_KEEP_DAYS` days and marks it
"expired".

Only the person who asked sees a job and downloads its file (superusers every job). The
file is kept under exports/ in the file storage (the local disk, or the bucket every
machine shares: cxlean/core/storage.py) and is served only by the permission-checked
download view, never from a public URL.
"""

from __future__ import annotations

import datetime as dt

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from cxlean.core.jobs import BackgroundJob, BackgroundJobQuerySet
from cxlean.notifications.models import Kind as NotificationKind
from cxlean.notifications.models import Notification


def keep_days() -> int:
    """How many days a finished export can be downloaded (setting EXPORT_KEEP_DAYS)."""
    return settings.EXPORT_KEEP_DAYS


class Kind(models.TextChoices):
    COMPETENCE_MATRIX = "competence_matrix", _("Competence matrix")
    BACKLOG = "backlog", _("Improvement backlog")
    PLAN = "plan", _("Rollout plan")
    GEMBA_LOG = "gemba_log", _("Gemba walk log")
    METRICS_MATURITY = "metrics_maturity", _("CX metrics and maturity report")
    GAME_RESULTS = "game_results", _("Timeline game results")


class JobStatus(models.TextChoices):
    QUEUED = "queued", _("Waiting to start")
    RUNNING = "running", _("Being written")
    DONE = "done", _("Ready to download")
    FAILED = "failed", _("Failed")
    EXPIRED = "expired", _("Expired")


ACTIVE_STATUSES = (JobStatus.QUEUED, JobStatus.RUNNING)


def export_path(job: ExportJob, filename: str) -> str:
    """exports/2026/05/backlog-42.xlsx (Django adds a random suffix if the name is taken)."""
    now = timezone.localtime()
    return f"exports/{now:%Y/%m}/{job.kind.replace('_', '-')}-{job.pk}.xlsx"


class ExportJobQuerySet(BackgroundJobQuerySet):
    def visible_to(self, user) -> ExportJobQuerySet:
        """One's own jobs; superusers every job."""
        if not user.is_authenticated:
            return self.none()
        if user.is_superuser:
            return self
        return self.filter(requested_by=user)

    def active(self) -> ExportJobQuerySet:
        return self.filter(status__in=ACTIVE_STATUSES)


class ExportJob(BackgroundJob):
    Status = JobStatus
    RUNNING = JobStatus.RUNNING
    SOFT_TIME_LIMIT = 15 * 60
    COUNTERS = ("rows",)

    kind = models.CharField(_("export"), max_length=20, choices=Kind.choices)
    params = models.JSONField(
        _("filters"),
        default=dict,
        blank=True,
        help_text=_("The filters the export was asked with."),
    )
    status = models.CharField(
        _("status"), max_length=10, choices=JobStatus.choices, default=JobStatus.QUEUED
    )
    rows = models.PositiveIntegerField(_("rows written"), default=0)
    file = models.FileField(_("file"), upload_to=export_path, blank=True, max_length=255)
    error = models.TextField(_("error"), blank=True)
    expires_at = models.DateTimeField(_("expires"), null=True, blank=True)
    # The progress ticks are cheap UPDATEs every few thousand rows; history records the
    # request and how it ended, not every tick.
    history = HistoricalRecords(excluded_fields=[*BackgroundJob.HEARTBEAT_FIELDS, "rows"])

    objects = ExportJobQuerySet.as_manager()

    class Meta(BackgroundJob.Meta):
        verbose_name = _("export")
        verbose_name_plural = _("exports")
        indexes = [
            models.Index(fields=["requested_by", "created_at"], name="export_job_owner_created"),
            models.Index(fields=["status", "created_at"], name="export_job_status_created"),
        ]
        constraints = [
            models.CheckConstraint(
                condition=Q(progress__gte=0, progress__lte=100), name="export_job_progress_0_100"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} #{self.pk}"

    @property
    def is_active(self) -> bool:
        return self.status in ACTIVE_STATUSES

    @property
    def is_done(self) -> bool:
        return self.status == JobStatus.DONE

    def is_expired(self, now: dt.datetime | None = None) -> bool:
        if self.status == JobStatus.EXPIRED:
            return True
        return self.expires_at is not None and self.expires_at <= (now or timezone.now())

    def is_downloadable(self, now: dt.datetime | None = None) -> bool:
        return self.is_done and bool(self.file) and not self.is_expired(now)

    def waited_long(self, seconds: int, now: dt.datetime | None = None) -> bool:
        """Still queued `seconds` after it was asked for."""
        now = now or timezone.now()
        return self.status == JobStatus.QUEUED and self.created_at <= now - dt.timedelta(
            seconds=seconds
        )

    def record_failure(self, message: str) -> list[str]:
        self.error = message
        return ["error"]

    def worn_out_message(self) -> str:
        return gettext(
            "The export stopped %(count)s times before it was written. Try a smaller "
            "one (fewer units), or tell your administrator."
        ) % {"count": self.MAX_ATTEMPTS}

    def failure_title(self) -> str:
        return gettext("Your export “%(export)s” failed") % {"export": self.get_kind_display()}

    def failure_body(self) -> str:
        return self.error

    def notify_owner(self, **message) -> None:
        Notification.tell(self.requested_by, kind=NotificationKind.JOB_FAILED, **message)

    def download_name(self) -> str:
        """What the browser saves it as: cxlean-backlog-2026-05-04.xlsx."""
        day = timezone.localtime(self.finished_at or self.created_at)
        return f"cxlean-{self.kind.replace('_', '-')}-{day:%Y-%m-%d}.xlsx"
