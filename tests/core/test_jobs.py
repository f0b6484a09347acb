"""The one background-job lifecycle (cxlean.core.jobs), for every kind of job alike:
claimed once, attempts counted and limited, the heartbeat, the requeue sweep, and a job
failed for good telling its owner."""

import datetime as dt

import pytest
from django.core.files.base import ContentFile
from django.utils import timezone

from cxlean.core import jobs
from cxlean.exports.models import ExportJob
from cxlean.exports.tasks import run_export
from cxlean.imports.models import ImportJob
from cxlean.imports.tasks import run as run_import
from cxlean.notifications.models import Notification

pytestmark = pytest.mark.django_db

MODELS = {
    "export": (ExportJob, run_export, {"kind": "backlog"}),
    "import": (ImportJob, run_import, {"kind": "people", "original_name": "people.xlsx"}),
}


@pytest.fixture(params=sorted(MODELS))
def kind(request):
    return MODELS[request.param]


@pytest.fixture
def model(kind):
    return kind[0]


@pytest.fixture
def make(kind, bob):
    model, _task, fields = kind

    def make(**extra):
        return model.objects.create(requested_by=bob, language="en", **fields, **extra)

    return make


@pytest.fixture
def sent(monkeypatch):
    published = []
    monkeypatch.setattr(jobs, "send", lambda task, pk: published.append((task.name, pk)) or True)
    return published


def test_a_queued_job_is_claimed_once_and_the_attempt_counted(model, make):
    job = make()
    assert model.claim(job.pk) is True
    assert model.claim(job.pk) is False  # a second delivery of the same message
    job.refresh_from_db()
    assert job.status == model.RUNNING and job.is_running
    assert job.attempts == 1
    assert job.started_at is not None and job.progress_at == job.started_at


def test_a_job_whose_attempts_are_used_up_is_not_claimed(model, make):
    job = make(attempts=model.MAX_ATTEMPTS)
    assert model.claim(job.pk) is False
    job.refresh_from_db()
    assert (job.status, job.attempts) == (model.Status.QUEUED, model.MAX_ATTEMPTS)


def test_the_heartbeat_updates_progress_of_a_running_job_only(model, make):
    job = make()
    assert model.heartbeat(job.pk, progress=40) is False  # not running yet
    model.claim(job.pk)
    model.objects.filter(pk=job.pk).update(progress_at=timezone.now() - dt.timedelta(hours=1))
    assert model.heartbeat(job.pk, progress=40) is True
    job.refresh_from_db()
    assert job.progress == 40
    assert job.progress_at > timezone.now() - dt.timedelta(minutes=1)


def test_release_gives_a_running_job_back_to_the_queue(model, make):
    job = make()
    model.claim(job.pk)
    model.release(job.pk)
    job.refresh_from_db()
    assert (job.status, job.progress, job.attempts) == (model.Status.QUEUED, 0, 1)
    assert model.claim(job.pk) is True


def test_the_sweep_requeues_silent_jobs_and_resends_old_queued_ones(model, make, sent):
    now = timezone.now()
    long_ago = now - dt.timedelta(hours=2)
    silent = make(status=model.RUNNING, attempts=1, started_at=long_ago, progress_at=long_ago)
    alive = make(status=model.RUNNING, attempts=1, started_at=long_ago, progress_at=now)
    waiting = make(created_at=now - dt.timedelta(minutes=5))
    fresh = make()
    task = MODELS["export" if model is ExportJob else "import"][1]
    assert jobs.requeue_stale(model, task, now) == sorted([silent.pk, waiting.pk])
    assert sorted(sent) == sorted([(task.name, silent.pk), (task.name, waiting.pk)])
    for job, status in [
        (silent, model.Status.QUEUED),
        (alive, model.RUNNING),
        (waiting, model.Status.QUEUED),
        (fresh, model.Status.QUEUED),
    ]:
        job.refresh_from_db()
        assert job.status == status


def test_the_sweep_stops_at_the_first_message_the_broker_refuses(model, make, monkeypatch):
    old = timezone.now() - dt.timedelta(minutes=5)
    make(created_at=old), make(created_at=old)
    tried = []
    monkeypatch.setattr(jobs, "send", lambda task, pk: tried.append(pk) and False)
    assert jobs.requeue_stale(model, run_export, None) == []
    assert len(tried) == 1


def test_a_job_out_of_attempts_fails_for_good_once_and_its_owner_is_told(model, make, sent, bob):
    now = timezone.now()
    long_ago = now - dt.timedelta(hours=2)
    dead = make(
        status=model.RUNNING,
        attempts=model.MAX_ATTEMPTS,
        started_at=long_ago,
        progress_at=long_ago,
        created_at=long_ago,
    )
    if model is ImportJob:
        dead.file.save("upload.xlsx", ContentFile(b"personal data"))
    back_in_queue = make(attempts=model.MAX_ATTEMPTS, created_at=long_ago)
    jobs.requeue_stale(model, run_export, now)
    jobs.requeue_stale(model, run_export, now + dt.timedelta(hours=1))
    assert sent == []
    for job in (dead, back_in_queue):
        job.refresh_from_db()
        assert job.status == model.Status.FAILED and job.finished_at is not None
        stored = job.error if model is ExportJob else job.errors[0]["message"]
        assert f"stopped {model.MAX_ATTEMPTS} times" in stored
    if model is ImportJob:
        assert not dead.file  # the upload (personal data) is gone; the report stays
    notices = Notification.objects.filter(user=bob, kind="job_failed")
    assert notices.count() == 2  # one per job, not one per sweep
    assert all(f"stopped {model.MAX_ATTEMPTS} times" in notice.body for notice in notices)
    assert {notice.url for notice in notices} == {
        f"/{model._meta.app_label}/{job.pk}/" for job in (dead, back_in_queue)
    }


def test_a_failure_the_owner_watches_is_recorded_without_a_notification(model, make, bob):
    job = make()
    model.claim(job.pk)
    job.refresh_from_db()
    assert job.fail("Nothing to write.") == model.Status.FAILED
    job.refresh_from_db()
    assert job.status == model.Status.FAILED
    assert not Notification.objects.filter(user=bob).exists()


def test_every_job_task_has_soft_and_hard_time_limits_and_retries_transient_errors():
    for model, task, _fields in MODELS.values():
        assert task.soft_time_limit == model.SOFT_TIME_LIMIT
        assert task.time_limit == model.hard_time_limit() > model.SOFT_TIME_LIMIT
        assert set(jobs.TRANSIENT_ERRORS) <= set(task.autoretry_for)
