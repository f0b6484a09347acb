"""Background jobs: one lifecycle for every job a worker runs (exports, imports).

A job is recorded "queued" in the request and sent to the worker once the transaction
commits (`cxlean.core.tasks.enqueue_on_commit`). Then, for every kind of job alike:

    claim(pk)          queued → running, once per job however often the message is
                       delivered; counts the attempt; refuses a job whose attempts are
                       used up (the sweep fails it)
    heartbeat(pk, …)   the worker's progress: one cheap UPDATE, which also stamps
                       `progress_at`, so a running job silent for long has lost its worker
    release(pk)        running → queued after a transient database error (the task retries)
    job.fail(message)  failed for good with a message for the owner; `tell=True` also
                       tells the owner (`tell_owner`, which the app's model overrides:
                       core knows nothing of notifications)
    requeue_stale()    the sweep: fails the jobs whose attempts are used up (telling their
                       owners), queues again the running jobs whose worker went silent, and
                       sends again what has been queued for long (the broker was down)

Each app keeps its own statuses (`Status`, and `RUNNING`: which of them means "a worker
has it"), its fields for what the job produces, and what happens when a job ends (an
export keeps its file until it expires; an import deletes its upload and keeps its
report).
"""

from __future__ import annotations

import datetime as dt
import logging
from collections.abc import Iterable
from typing import cast

from celery import Task, shared_task
from django.conf import settings
from django.db import InterfaceError, OperationalError, models, transaction
from django.db.models import F, Q
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext_lazy as _

from cxlean.core.tasks import send

logger = logging.getLogger(__name__)

# What a job's task retries with backoff: the database (or the connection to it)
# failing for a moment, not a fault in the job.
TRANSIENT_ERRORS = (OperationalError, InterfaceError)


class BackgroundJobQuerySet(models.QuerySet):
    @property
    def job_model(self) -> type[BackgroundJob]:
        # Only job models are built on this queryset (their managers come from it).
        return cast("type[BackgroundJob]", self.model)

    def silent(self, now: dt.datetime) -> BackgroundJobQuerySet:
        """Running, with no heartbeat for `SILENT_AFTER`: the worker died."""
        model = self.job_model
        before = now - model.SILENT_AFTER
        return self.filter(
            Q(status=model.RUNNING)
            & (Q(progress_at__lt=before) | Q(progress_at__isnull=True, started_at__lt=before))
        )

    def worn_out(self, now: dt.datetime) -> BackgroundJobQuerySet:
        """Started as often as a job may be, and silent since or queued again."""
        model = self.job_model
        return self.filter(attempts__gte=model.MAX_ATTEMPTS).filter(
            Q(pk__in=self.silent(now).values("pk")) | Q(status=model.Status["QUEUED"])
        )

    def waiting(self, now: dt.datetime) -> BackgroundJobQuerySet:
        """Queued for longer than `RESEND_QUEUED_AFTER` (the broker lost it or was down)
        with attempts left."""
        model = self.job_model
        return self.filter(
            status=model.Status["QUEUED"],
            created_at__lt=now - model.RESEND_QUEUED_AFTER,
            attempts__lt=model.MAX_ATTEMPTS,
        )


class BackgroundJob(models.Model):
    """What every background job records, and its one lifecycle (see the module).

    A subclass sets `Status` (its TextChoices, with QUEUED, FAILED and DONE), `RUNNING`
    (its status for "a worker has it") and a `status` field, and provides
    `record_failure`, `worn_out_message`, `failure_title`, `failure_body` and
    `notify_owner`. `requested_by`'s reverse name is `<app label>_jobs`.
    """

    # Its TextChoices, with the members QUEUED, FAILED and DONE (looked up by name here:
    # the type checker knows a TextChoices class, not this one's members).
    Status: type[models.TextChoices]
    RUNNING: str
    MAX_ATTEMPTS = 3  # a job whose worker died this often (out of memory?) is failed
    RESEND_QUEUED_AFTER = dt.timedelta(minutes=2)
    SILENT_AFTER = dt.timedelta(minutes=30)
    # The worker's time for one job: the soft limit stops it and fails the job with a
    # message; the hard one ends a worker that did not stop.
    SOFT_TIME_LIMIT = 10 * 60
    # Counters set back to 0 when a worker (re)starts the job.
    COUNTERS: tuple[str, ...] = ()
    # Updated by the heartbeat: not worth a history row each.
    HEARTBEAT_FIELDS = ("progress", "progress_at")

    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("requested by"),
        on_delete=models.CASCADE,
        related_name="%(app_label)s_jobs",
    )
    language = models.CharField(
        _("language"),
        max_length=8,
        default="sv",
        help_text=_("The language the job's file and messages are written in: the requester's."),
    )
    progress = models.PositiveSmallIntegerField(_("progress (%)"), default=0)
    attempts = models.PositiveSmallIntegerField(
        _("attempts"), default=0, help_text=_("How many times a worker has started the job.")
    )
    created_at = models.DateTimeField(_("requested"), default=timezone.now, editable=False)
    started_at = models.DateTimeField(_("started"), null=True, blank=True)
    progress_at = models.DateTimeField(
        _("last progress"),
        null=True,
        blank=True,
        help_text=_(
            "When the worker last reported progress; a running job silent for long "
            "has lost its worker and is queued again."
        ),
    )
    finished_at = models.DateTimeField(_("finished"), null=True, blank=True)
    # Every job has a status; each job model restates the field with its own choices.
    status = models.CharField(_("status"), max_length=12)

    class Meta:
        abstract = True
        ordering = ["-created_at", "-pk"]

    # --- the worker's side ----------------------------------------------------------------

    @classmethod
    def hard_time_limit(cls) -> int:
        return cls.SOFT_TIME_LIMIT + 60

    @classmethod
    def claim(cls, pk: int) -> bool:
        """queued → running, at most once per job whatever the number of deliveries, and
        never a job started MAX_ATTEMPTS times already (the sweep fails it)."""
        now = timezone.now()
        return (
            cls._default_manager.filter(
                pk=pk, status=cls.Status["QUEUED"], attempts__lt=cls.MAX_ATTEMPTS
            ).update(
                status=cls.RUNNING,
                started_at=now,
                progress_at=now,
                progress=0,
                attempts=F("attempts") + 1,
                **dict.fromkeys(cls.COUNTERS, 0),
            )
            == 1
        )

    @classmethod
    def heartbeat(cls, pk: int, **counters) -> bool:
        """Progress of a running job (`progress=…` and the app's counters), and its
        worker's sign of life: one UPDATE, the job not loaded. False when the job is not
        running any more."""
        return (
            cls._default_manager.filter(pk=pk, status=cls.RUNNING).update(
                progress_at=timezone.now(), **counters
            )
            == 1
        )

    @classmethod
    def release(cls, pk: int) -> None:
        """Back to the queue after a transient error, for the task's retry to claim. If
        the database is what failed, the requeue sweep finds the job later."""
        try:
            cls._default_manager.filter(pk=pk, status=cls.RUNNING).update(
                status=cls.Status["QUEUED"], progress=0
            )
        except Exception:
            logger.warning("%s %s could not be given back to the queue", cls.__name__, pk)

    # --- how a job ends -------------------------------------------------------------------

    def fail(self, message: str, *, tell: bool = False) -> str:
        """Failed with `message` for the requester; `tell` also tells them (for failures
        they are not watching: a time limit, a worker that kept dying)."""
        fields = self.record_failure(message)
        self.status = self.Status["FAILED"]
        self.finished_at = timezone.now()
        self.save(update_fields=["status", "finished_at", *fields])
        if tell:
            self.tell_owner()
        return self.status

    def give_up(self) -> str:
        """Failed for good after MAX_ATTEMPTS starts; the owner is told."""
        with translation.override(self.language):
            message = self.worn_out_message()
        return self.fail(message, tell=True)

    def record_failure(self, message: str) -> Iterable[str]:
        """Record `message` on the job (not saved); returns the fields set."""
        raise NotImplementedError

    def worn_out_message(self) -> str:
        raise NotImplementedError

    def tell_owner(self) -> None:
        """Tell the requester, in the language they asked in, that the job failed for
        good: `failure_title`, `failure_body` and a link to the job's page, through
        `notify_owner`, which the app's model provides (core knows no notifications)."""
        with translation.override(self.language):
            self.notify_owner(
                title=self.failure_title(), body=self.failure_body(), url=self.detail_url()
            )

    def failure_title(self) -> str:
        raise NotImplementedError

    def failure_body(self) -> str:
        raise NotImplementedError

    def notify_owner(self, *, title: str, body: str, url: str) -> None:
        """Hook: the app's model sends the notification; by default nobody is told."""

    def detail_url(self) -> str:
        """The job's page: `<app label>:detail` (the owner's link in a notification)."""
        return reverse(f"{self._meta.app_label}:detail", args=[self.pk])

    @property
    def is_running(self) -> bool:
        return self.status == self.RUNNING


def requeue_stale(model: type[BackgroundJob], task: Task, now: dt.datetime | None = None) -> list:
    """The sweep, for one kind of job: fail for good (and tell) the jobs started
    MAX_ATTEMPTS times, queue again the running jobs whose worker went silent, and send
    again the jobs queued for long. Sending twice is harmless: a job is claimed once.
    Stops at the first message the broker refuses (the next sweep tries again). Returns
    the ids sent."""
    now = now or timezone.now()
    # Every job model's manager is built from BackgroundJobQuerySet.
    jobs = cast(BackgroundJobQuerySet, model._default_manager.all())
    with transaction.atomic():
        for job in jobs.worn_out(now).select_related("requested_by"):
            job.give_up()
        revived = list(jobs.silent(now).values_list("pk", flat=True))
        jobs.filter(pk__in=revived, status=model.RUNNING).update(
            status=model.Status["QUEUED"], progress=0
        )
    waiting = jobs.waiting(now).values_list("pk", flat=True)
    sent = []
    for pk in sorted({*waiting, *revived}):
        if not send(task, pk):
            break
        sent.append(pk)
    return sent


def job_task(model: type[BackgroundJob], name: str, **options):
    """The Celery task that runs one job of `model`: retried with backoff on transient
    database errors (the job is released first), late acknowledgement (a task lost with
    its worker is delivered again), and the job's soft and hard time limits."""
    return shared_task(
        name=name,
        bind=True,
        autoretry_for=TRANSIENT_ERRORS,
        retry_backoff=True,
        retry_backoff_max=300,
        max_retries=options.pop("max_retries", 3),
        acks_late=True,
        soft_time_limit=model.SOFT_TIME_LIMIT,
        time_limit=model.hard_time_limit(),
        **options,
    )
