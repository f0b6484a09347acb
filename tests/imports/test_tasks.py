"""The import task and the requeue sweep: a job runs once however often it is sent; a
job the broker never got is re-sent by the sweep; a job left half-done by a dead worker
is put back; an unexpected error fails the job without writing anything."""

import datetime as dt

import pytest
from django.contrib.auth.models import User
from django.utils import timezone

from cxlean.imports import services, tasks
from cxlean.imports.models import ImportJob, Status
from cxlean.imports.services import import_create
from cxlean.notifications.models import Notification
from tests.imports.conftest import PEOPLE, rows_of, upload

pytestmark = pytest.mark.django_db


@pytest.fixture
def queued_job(bob, service_team, django_capture_on_commit_callbacks, monkeypatch):
    """A stored job whose message never reached the broker."""
    monkeypatch.setattr("cxlean.core.jobs.send", lambda *args, **kwargs: False)
    monkeypatch.setattr("cxlean.core.tasks.send", lambda *args, **kwargs: False)
    content = rows_of(PEOPLE, {"username": "new.one", "unit": "chat"})
    with django_capture_on_commit_callbacks(execute=True):
        job = import_create(user=bob, kind=PEOPLE, file=upload(content), language="en")
    monkeypatch.undo()
    job.refresh_from_db()
    return job


def test_a_job_the_broker_did_not_get_stays_queued_and_says_so(queued_job):
    assert queued_job.status == Status.QUEUED and queued_job.send_failed
    assert queued_job.worker_unreachable()
    assert queued_job.file  # kept for the worker


def test_the_sweep_resends_old_queued_jobs_and_they_run_once(queued_job):
    assert tasks.requeue_imports.delay().get() == 0  # too recent to re-send
    ImportJob.objects.filter(pk=queued_job.pk).update(
        created_at=timezone.now() - dt.timedelta(minutes=3)
    )
    assert tasks.requeue_imports.delay().get() == 1
    queued_job.refresh_from_db()
    assert (queued_job.status, queued_job.created_count, queued_job.send_failed) == (
        Status.DONE,
        1,
        False,
    )
    assert tasks.requeue_imports.delay().get() == 0  # nothing left to send
    tasks.run.delay(queued_job.pk)  # a duplicate message: skipped by the claim
    assert User.objects.filter(username="new.one").count() == 1
    assert queued_job.history.filter(status=Status.DONE).count() == 1


def test_a_job_already_claimed_is_skipped(queued_job):
    ImportJob.objects.filter(pk=queued_job.pk).update(status=Status.VALIDATING)
    assert services.import_run(queued_job.pk) is None
    assert not User.objects.filter(username="new.one").exists()


def test_a_job_a_dead_worker_left_is_put_back_and_run(queued_job):
    long_ago = timezone.now() - dt.timedelta(hours=1)
    ImportJob.objects.filter(pk=queued_job.pk).update(
        status=Status.VALIDATING, started_at=long_ago, created_at=long_ago
    )
    assert tasks.requeue_imports.delay().get() == 1
    queued_job.refresh_from_db()
    assert queued_job.status == Status.DONE


def test_an_unexpected_error_fails_the_job_and_writes_nothing(queued_job, monkeypatch):
    def broken(self, planned):
        raise RuntimeError("bug")

    monkeypatch.setattr("cxlean.imports.kinds.people.PeopleImporter.write", broken)
    job = services.import_run(queued_job.pk)
    job.refresh_from_db()
    assert job.status == Status.FAILED
    assert "unexpected error" in job.errors[0]["message"]
    assert not User.objects.filter(username="new.one").exists()


def test_a_transient_database_error_puts_the_job_back_for_the_retry(queued_job, monkeypatch):
    from django.db import OperationalError

    def flaky(self, rows):
        raise OperationalError("database is locked")

    monkeypatch.setattr("cxlean.imports.kinds.people.PeopleImporter.prepare", flaky)
    with pytest.raises(OperationalError):
        services.import_run(queued_job.pk)
    queued_job.refresh_from_db()
    assert queued_job.status == Status.QUEUED
    monkeypatch.undo()
    services.import_run(queued_job.pk)
    queued_job.refresh_from_db()
    assert queued_job.status == Status.DONE


def test_the_tasks_are_routed_and_named_as_beat_and_the_router_expect():
    from cxlean.celery import app

    assert tasks.run.name == "cxlean.imports.run"
    assert tasks.requeue_imports.name == "cxlean.sweeps.requeue_imports"
    assert app.amqp.router.route({}, "cxlean.imports.run")["queue"].name == "imports"
    assert app.amqp.router.route({}, "cxlean.exports.run")["queue"].name == "exports"


# --- time limits and attempts --------------------------------------------------------------


def test_the_import_task_has_soft_and_hard_time_limits():
    assert tasks.run.soft_time_limit == services.SOFT_TIME_LIMIT == 600
    assert tasks.run.time_limit == services.HARD_TIME_LIMIT > services.SOFT_TIME_LIMIT


def test_an_import_stopped_at_its_time_limit_fails_in_words_and_its_owner_is_told(
    queued_job, monkeypatch
):
    from celery.exceptions import SoftTimeLimitExceeded

    def slow(self, row):
        raise SoftTimeLimitExceeded()

    monkeypatch.setattr("cxlean.imports.kinds.people.PeopleImporter.check", slow)
    tasks.run.delay(queued_job.pk)
    queued_job.refresh_from_db()
    assert queued_job.status == Status.FAILED
    message = queued_job.errors[0]["message"]
    assert message.startswith("The import took longer than 10 minutes and was stopped")
    assert not User.objects.filter(username="new.one").exists()
    assert not queued_job.file  # the personal data is gone with the job
    notice = Notification.objects.get(user=queued_job.requested_by)
    assert notice.kind == "job_failed"
    assert notice.title == "Your import of “import.xlsx” failed"
    assert notice.body == message
    assert notice.url == f"/imports/{queued_job.pk}/"


def test_a_job_started_three_times_is_failed_for_good_told_and_never_sent_again(
    queued_job, monkeypatch
):
    long_ago = timezone.now() - dt.timedelta(hours=2)
    ImportJob.objects.filter(pk=queued_job.pk).update(
        status=Status.VALIDATING, attempts=3, started_at=long_ago, created_at=long_ago
    )
    sent = []
    monkeypatch.setattr("cxlean.core.jobs.send", lambda task, *args: sent.append(args) or True)
    assert tasks.requeue_imports.delay().get() == 0
    assert tasks.requeue_imports.delay().get() == 0
    queued_job.refresh_from_db()
    assert sent == []
    assert queued_job.status == Status.FAILED
    assert "stopped 3 times" in queued_job.errors[0]["message"]
    assert not queued_job.file
    [notice] = Notification.objects.filter(user=queued_job.requested_by)
    assert notice.kind == "job_failed" and "stopped 3 times" in notice.body


def test_a_job_back_in_the_queue_after_its_attempts_is_not_claimed_but_failed(queued_job):
    ImportJob.objects.filter(pk=queued_job.pk).update(attempts=3)
    assert services.import_run(queued_job.pk) is None  # not claimed
    ImportJob.objects.filter(pk=queued_job.pk).update(
        created_at=timezone.now() - dt.timedelta(minutes=5)
    )
    assert tasks.requeue_imports.delay().get() == 0
    queued_job.refresh_from_db()
    assert queued_job.status == Status.FAILED
    assert not User.objects.filter(username="new.one").exists()


def test_each_start_counts_as_an_attempt(queued_job):
    services.import_run(queued_job.pk)
    queued_job.refresh_from_db()
    assert (queued_job.status, queued_job.attempts) == (Status.DONE, 1)
