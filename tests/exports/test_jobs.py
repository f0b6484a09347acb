"""Export jobs: asking for one, the worker's task (done, failed, claimed once) and the
two sweeps (requeue, expire). Celery runs eagerly in tests (tests/conftest.py)."""

import datetime as dt
import io

import pytest
from django.core.files.base import ContentFile
from django.db import OperationalError
from django.utils import timezone, translation
from openpyxl import load_workbook

from cxlean.core import jobs as core_jobs
from cxlean.core import tasks as core_tasks
from cxlean.exports import services
from cxlean.exports.kinds import RequestRefused
from cxlean.exports.models import ExportJob, JobStatus
from cxlean.exports.progress import Progress
from cxlean.exports.services import request_export
from cxlean.exports.tasks import expire_exports, requeue_exports, run_export
from cxlean.notifications.models import Notification
from tests.factories import ItemFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def sent(monkeypatch):
    """The job ids the code publishes (nothing runs)."""
    published = []

    def fake_send(task, *args, **kwargs):
        published.append((task.name, args))
        return True

    monkeypatch.setattr(core_tasks, "send", fake_send)
    monkeypatch.setattr(core_jobs, "send", fake_send)
    return published


def queued_job(user, kind="backlog", params=None, **fields) -> ExportJob:
    return ExportJob.objects.create(requested_by=user, kind=kind, params=params or {}, **fields)


def test_asking_records_a_queued_job_and_sends_it_after_the_commit(
    alice, sent, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        job = request_export(alice, "backlog", {"status": "open", "page": "2", "waste": ""})
    assert job.status == JobStatus.QUEUED and job.progress == 0
    assert job.params == {"status": "open"}  # the page number and empty filters dropped
    assert sent == []
    for callback in callbacks:
        callback()
    assert sent == [("cxlean.exports.run", (job.pk,))]


def test_a_refused_request_records_nothing(alice, bob, service_unit):
    with pytest.raises(RequestRefused) as refused:
        request_export(alice, "competence_matrix", {})
    assert refused.value.forbidden
    with pytest.raises(RequestRefused) as refused:
        request_export(bob, "pivot_table", {})
    assert "kind" in refused.value.errors
    with pytest.raises(RequestRefused) as refused:
        request_export(bob, "backlog", {"unit": 999_999})
    assert "unit" in refused.value.errors["params"]
    with pytest.raises(RequestRefused):
        request_export(bob, "backlog", ["not", "a", "dict"])
    assert not ExportJob.objects.exists()


def test_a_broker_that_is_down_leaves_the_job_queued_and_logs(
    alice, monkeypatch, caplog, django_capture_on_commit_callbacks
):
    monkeypatch.setattr(run_export, "apply_async", broken_broker)
    with django_capture_on_commit_callbacks(execute=True):
        job = request_export(alice, "backlog")
    job.refresh_from_db()
    assert job.status == JobStatus.QUEUED
    assert "stays queued" in caplog.text


def broken_broker(*args, **kwargs):
    from kombu.exceptions import OperationalError as BrokerDown

    raise BrokerDown("Connection refused")


def test_the_task_writes_the_file_and_marks_the_job_done(
    scored_item, bob, django_capture_on_commit_callbacks, settings
):
    settings.EXPORT_KEEP_DAYS = 3
    with translation.override("en"), django_capture_on_commit_callbacks(execute=True):
        job = request_export(bob, "backlog")
    job.refresh_from_db()
    assert job.status == JobStatus.DONE
    assert (job.progress, job.rows, job.attempts, job.error) == (100, 1 + 0, 1, "")
    assert job.started_at <= job.finished_at
    assert job.expires_at - job.finished_at == dt.timedelta(days=3)
    assert job.file.name.startswith("exports/") and job.file.name.endswith(".xlsx")
    with job.file.open("rb") as content:
        sheet = load_workbook(io.BytesIO(content.read()))["Improvements"]
    assert sheet["C2"].value == "Kortare telefonkö"
    assert sheet["A1"].value == "ID"  # in the requester's language (English here)


def test_the_export_is_written_in_the_language_of_the_request(scored_item, bob):
    with translation.override("sv"):
        job = request_export(bob, "backlog")
    run_export.delay(job.pk)
    job.refresh_from_db()
    assert job.language == "sv"
    with job.file.open("rb") as content:
        assert load_workbook(io.BytesIO(content.read())).sheetnames[0] != "Improvements"


def test_a_job_is_claimed_once_running_the_task_twice_writes_once(scored_item, bob, monkeypatch):
    job = queued_job(bob)
    writes = []
    original = services.write_export
    monkeypatch.setattr(
        services, "write_export", lambda *a, **k: writes.append(1) or original(*a, **k)
    )
    assert run_export.delay(job.pk).get() == JobStatus.DONE
    assert run_export.delay(job.pk).get() == "skipped"
    assert writes == [1]
    job.refresh_from_db()
    assert job.attempts == 1
    assert ExportJob.objects.filter(status=JobStatus.RUNNING).count() == 0


def test_a_writer_error_fails_the_job_with_a_message_and_logs(bob, monkeypatch, caplog):
    job = queued_job(bob)

    def broken(*args, **kwargs):
        raise ValueError("boom")

    monkeypatch.setattr(services, "write_export", broken)
    assert run_export.delay(job.pk).get() == JobStatus.FAILED
    job.refresh_from_db()
    assert job.status == JobStatus.FAILED
    assert "error in cxlean" in job.error or job.error  # a message for the requester
    assert "boom" not in job.error  # no internals shown
    assert "failed" in caplog.text and "boom" in caplog.text
    assert not job.file


def test_filters_no_longer_valid_when_the_job_runs_fail_it_in_words(bob, service_team):
    job = queued_job(bob, params={"unit": service_team.pk})
    ExportJob.objects.filter(pk=job.pk).update(params={"unit": 987_654})
    run_export.delay(job.pk)
    job.refresh_from_db()
    assert job.status == JobStatus.FAILED
    assert job.error


def test_a_transient_database_error_gives_the_job_back_and_retries(bob, monkeypatch):
    job = queued_job(bob)
    calls = []

    def flaky(*args, **kwargs):
        calls.append(1)
        if len(calls) == 1:
            raise OperationalError("database is locked")
        return services.Written(0, 0.0)

    monkeypatch.setattr(services, "write_export", flaky)
    # Eagerly, a retry runs again at once (a worker would wait with backoff); throw=False
    # lets Celery's eager mode retry instead of raising the Retry.
    run_export.apply(args=(job.pk,), throw=False)
    job.refresh_from_db()
    assert len(calls) == 2
    assert job.status == JobStatus.DONE
    assert job.attempts == 2


def test_progress_is_reported_every_n_rows_with_a_cheap_update(bob, django_assert_num_queries):
    job = queued_job(bob, status=JobStatus.RUNNING)
    progress = Progress(job.pk, every=10)
    progress.expect(40)
    with django_assert_num_queries(2):  # at 10 and at 20 rows, one UPDATE each
        for _row in range(25):
            progress.tick()
    job.refresh_from_db()
    assert (job.progress, job.rows) == (50, 20)
    assert job.progress_at is not None


# --- the sweeps ----------------------------------------------------------------------------


def test_requeue_resends_jobs_queued_for_more_than_two_minutes(bob, sent):
    now = timezone.now()
    old = queued_job(bob, created_at=now - dt.timedelta(minutes=3))
    queued_job(bob, created_at=now - dt.timedelta(seconds=30))  # just asked: left alone
    queued_job(bob, created_at=now - dt.timedelta(minutes=3), status=JobStatus.DONE)
    assert requeue_exports.delay().get() == 1
    assert sent == [("cxlean.exports.run", (old.pk,))]


def test_requeue_queues_again_a_running_job_whose_worker_died(bob, sent):
    now = timezone.now()
    silent = queued_job(
        bob,
        status=JobStatus.RUNNING,
        attempts=1,
        started_at=now - dt.timedelta(hours=1),
        progress_at=now - dt.timedelta(minutes=31),
    )
    busy = queued_job(
        bob,
        status=JobStatus.RUNNING,
        attempts=1,
        started_at=now - dt.timedelta(hours=1),
        progress_at=now - dt.timedelta(minutes=1),
    )
    given_up = queued_job(
        bob,
        status=JobStatus.RUNNING,
        attempts=3,
        started_at=now - dt.timedelta(hours=3),
        progress_at=now - dt.timedelta(hours=2),
    )
    services.requeue_stale_jobs(now)
    silent.refresh_from_db(), busy.refresh_from_db(), given_up.refresh_from_db()
    assert silent.status == JobStatus.QUEUED
    assert busy.status == JobStatus.RUNNING
    assert given_up.status == JobStatus.FAILED and given_up.error
    assert sent == [("cxlean.exports.run", (silent.pk,))]


def test_requeue_twice_sends_again_but_the_job_is_written_once(scored_item, bob):
    job = queued_job(bob, created_at=timezone.now() - dt.timedelta(minutes=5))
    requeue_exports.delay()  # eager: sends, and the task writes it
    requeue_exports.delay()
    job.refresh_from_db()
    assert job.status == JobStatus.DONE and job.attempts == 1


def test_requeue_stops_when_the_broker_is_down(bob, monkeypatch):
    queued_job(bob, created_at=timezone.now() - dt.timedelta(minutes=5))
    monkeypatch.setattr(run_export, "apply_async", broken_broker)
    assert services.requeue_stale_jobs() == 0
    assert ExportJob.objects.get().status == JobStatus.QUEUED


def test_expiry_deletes_the_file_and_marks_the_job_expired(bob, settings):
    now = timezone.now()
    old = queued_job(bob, status=JobStatus.DONE, expires_at=now - dt.timedelta(minutes=1))
    old.file.save("old.xlsx", ContentFile(b"old"), save=True)
    path = old.file.path
    fresh = queued_job(bob, status=JobStatus.DONE, expires_at=now + dt.timedelta(days=1))
    fresh.file.save("fresh.xlsx", ContentFile(b"fresh"), save=True)
    assert expire_exports.delay().get() == 1
    assert expire_exports.delay().get() == 0  # twice: nothing more
    old.refresh_from_db(), fresh.refresh_from_db()
    assert old.status == JobStatus.EXPIRED and not old.file
    import os

    assert not os.path.exists(path)
    assert fresh.status == JobStatus.DONE and fresh.file
    assert old.history.first().status == JobStatus.EXPIRED  # history keeps the end


def test_every_job_change_worth_keeping_is_in_history(scored_item, bob):
    job = request_export(bob, "backlog")
    run_export.delay(job.pk)
    statuses = list(job.history.order_by("history_date").values_list("status", flat=True))
    assert statuses[0] == JobStatus.QUEUED and statuses[-1] == JobStatus.DONE


def test_items_of_other_units_never_reach_the_file(bob, carol, sales_unit, scored_item):
    ItemFactory(title="Snabbare offerter", unit=sales_unit)
    job = request_export(carol, "backlog")
    run_export.delay(job.pk)
    job.refresh_from_db()
    with job.file.open("rb") as content:
        sheet = load_workbook(io.BytesIO(content.read())).worksheets[0]
    titles = [row[2] for row in sheet.iter_rows(min_row=2, values_only=True)]
    assert titles == ["Snabbare offerter"]


# --- time limits and attempts --------------------------------------------------------------


def test_the_export_task_has_soft_and_hard_time_limits_and_every_task_has_defaults(settings):
    assert run_export.soft_time_limit == services.SOFT_TIME_LIMIT == 15 * 60
    assert run_export.time_limit == services.HARD_TIME_LIMIT > services.SOFT_TIME_LIMIT
    assert settings.CELERY_TASK_SOFT_TIME_LIMIT == 10 * 60
    assert settings.CELERY_TASK_TIME_LIMIT > settings.CELERY_TASK_SOFT_TIME_LIMIT
    from cxlean.celery import app

    assert app.conf.task_soft_time_limit == settings.CELERY_TASK_SOFT_TIME_LIMIT
    assert app.conf.task_time_limit == settings.CELERY_TASK_TIME_LIMIT


def test_the_soft_time_limit_firing_mid_write_fails_the_job_in_words_and_tells_the_owner(
    bob, monkeypatch
):
    """The worker's pool delivers the soft limit as a signal whose handler raises
    SoftTimeLimitExceeded wherever the writer is: here a timer does the same."""
    import signal
    import time

    from billiard.pool import soft_timeout_sighandler

    job = queued_job(bob, language="en")

    def endless(*args, **kwargs):
        while True:
            time.sleep(0.01)

    monkeypatch.setattr(services, "write_export", endless)
    previous = signal.signal(signal.SIGALRM, soft_timeout_sighandler)
    signal.setitimer(signal.ITIMER_REAL, 0.2)
    try:
        assert run_export.delay(job.pk).get() == JobStatus.FAILED
    finally:
        signal.setitimer(signal.ITIMER_REAL, 0)
        signal.signal(signal.SIGALRM, previous)
    job.refresh_from_db()
    assert job.error.startswith("The export took longer than 15 minutes and was stopped")
    notice = Notification.objects.get(user=bob)
    assert (notice.kind, notice.body) == ("job_failed", job.error)
    assert notice.title == "Your export “Improvement backlog” failed"
    assert notice.url == f"/exports/{job.pk}/"


def test_a_job_that_used_its_attempts_is_failed_for_good_told_and_never_sent_again(bob, sent):
    now = timezone.now()
    dead = queued_job(
        bob,
        status=JobStatus.RUNNING,
        attempts=3,
        started_at=now - dt.timedelta(hours=3),
        progress_at=now - dt.timedelta(hours=2),
        created_at=now - dt.timedelta(hours=3),
        language="en",
    )
    back_in_queue = queued_job(
        bob, attempts=3, created_at=now - dt.timedelta(minutes=10), language="en"
    )
    assert services.requeue_stale_jobs(now) == 0
    assert services.requeue_stale_jobs(now + dt.timedelta(hours=1)) == 0
    assert sent == []
    for job in (dead, back_in_queue):
        job.refresh_from_db()
        assert job.status == JobStatus.FAILED
        assert "stopped 3 times" in job.error
    notices = Notification.objects.filter(user=bob, kind="job_failed")
    assert notices.count() == 2  # one per job, not one per sweep


def test_a_job_that_used_its_attempts_is_not_claimed(bob):
    job = queued_job(bob, attempts=3)
    assert run_export.delay(job.pk).get() == "skipped"
