"""The Celery wiring: sending safely, the broker in /healthz/, the static beat schedule."""

import pytest
from django.conf import settings
from kombu.exceptions import OperationalError

from cxlean.celery import app
from cxlean.core import tasks
from cxlean.gemba.tasks import gemba_plan

pytestmark = pytest.mark.django_db


def test_every_beat_entry_names_a_registered_task():
    app.loader.import_default_modules()
    for name, entry in settings.CELERY_BEAT_SCHEDULE.items():
        assert entry["task"] in app.tasks, name


def test_exports_and_imports_go_to_queues_of_their_own():
    routes = settings.CELERY_TASK_ROUTES
    assert routes["cxlean.exports.run"] == {"queue": "exports"}
    assert routes["cxlean.imports.run"] == {"queue": "imports"}
    assert settings.CELERY_TASK_DEFAULT_QUEUE == "default"


def test_a_broker_that_is_down_makes_send_return_false_not_raise(monkeypatch, caplog):
    def refuse(*args, **kwargs):
        raise OperationalError("Connection refused")

    monkeypatch.setattr(gemba_plan, "apply_async", refuse)
    assert tasks.send(gemba_plan) is False
    assert "left for the requeue sweep" in caplog.text


def test_enqueue_waits_for_the_commit_and_reports_a_failure(
    monkeypatch, django_capture_on_commit_callbacks
):
    sent, failed = [], []
    monkeypatch.setattr(tasks, "send", lambda task, *a, **k: sent.append(task.name) or False)
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        tasks.enqueue_on_commit(gemba_plan, on_failure=lambda: failed.append(True))
    assert sent == [] and len(callbacks) == 1
    callbacks[0]()
    assert sent == ["cxlean.sweeps.gemba_plan"] and failed == [True]


def test_healthz_shows_the_broker(client, monkeypatch):
    monkeypatch.setattr("cxlean.core.views.broker_status", lambda: "ok")
    assert client.get("/healthz/").json() == {"status": "ok", "database": "ok", "broker": "ok"}


def test_healthz_says_degraded_when_the_broker_is_down_and_stays_200(client, monkeypatch):
    monkeypatch.setattr("cxlean.core.views.broker_status", lambda: "error: OperationalError")
    response = client.get("/healthz/")
    assert response.status_code == 200
    assert response.json()["status"] == "degraded"
    assert response.json()["broker"] == "error: OperationalError"


def test_broker_status_reports_an_unreachable_redis(monkeypatch):
    monkeypatch.setattr(app.conf, "broker_url", "redis://127.0.0.1:1/0")
    assert tasks.broker_status() == "error: OperationalError"


def test_the_gemba_plan_sweep_is_idempotent(db):
    assert gemba_plan.delay().get() == 0
