"""A real Celery worker writes a real export: requested through the service as a web
request would, published to a real broker, consumed from the `exports` queue by an
embedded worker thread (celery.contrib.testing), then opened with openpyxl.

Two brokers: (a) the default that needs no server (Kombu's filesystem transport, its
folders in a temporary directory) and (b) Redis at 127.0.0.1:6379, database 15 (skipped
with the reason when Redis is not running; under CI, where `.ci/run` starts Redis, its
absence fails the test instead).

A third test runs the worker on Redis (database 14) with files in an S3 bucket (moto's
server on this machine, tests/conftest.py `s3_storage`): what the worker writes there the
web serves, permission-checked, as a second machine would.

The rest of the suite runs Celery eagerly (tests/conftest.py); these tests switch that
off, point the app at their broker, and put everything back afterwards. They use
`transactional_db`: the worker thread has its own database connection and must see the
job once it is committed.
"""

import contextlib
import io
import os
import threading
import time

import kombu.pools
import pytest
from celery.contrib.testing.worker import start_worker
from celery.signals import task_prerun
from django.db import OperationalError
from openpyxl import load_workbook

from cxlean.celery import app
from cxlean.exports.models import ExportJob, JobStatus
from cxlean.exports.services import request_export
from tests.factories import ItemFactory, UnitFactory, UserFactory

REDIS_URL = "redis://127.0.0.1:6379/15"
S3_REDIS_URL = "redis://127.0.0.1:6379/14"  # the S3 test's own, beside the other's
TIMEOUT = 30  # seconds for a small export, worker start included

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def media(settings, tmp_path):
    settings.MEDIA_ROOT = str(tmp_path / "media")


@pytest.fixture
def real_broker():
    """`real_broker(url, transport_options)`: the Celery app publishes to that broker and
    no longer runs tasks eagerly, until the test ends."""
    saved = {
        key: app.conf[key]
        for key in (
            "task_always_eager",
            "task_eager_propagates",
            "broker_url",
            "broker_transport_options",
            "worker_hijack_root_logger",
        )
    }

    def use(url: str, transport_options: dict | None = None) -> None:
        drop_connection_pools()
        app.conf.update(
            task_always_eager=False,
            task_eager_propagates=False,
            broker_url=url,
            broker_transport_options=transport_options or {},
            worker_hijack_root_logger=False,  # leave pytest's log capture alone
        )

    yield use
    drop_connection_pools()
    app.conf.update(saved)


def drop_connection_pools() -> None:
    """Forget the connections made for another broker: kombu's shared pools (closed and
    cleared, or the next publish would reuse a closed one) and the app's references to
    them. Not `app.close()`: that also unregisters the app, and shared tasks imported
    later would no longer find it."""
    kombu.pools.reset()
    app._after_fork()  # what Celery itself does to start afresh in a new process


def wait_until_finished(job: ExportJob) -> ExportJob:
    deadline = time.monotonic() + TIMEOUT
    while time.monotonic() < deadline:
        try:
            job.refresh_from_db()
        except OperationalError:  # SQLite's shared cache: the worker is writing
            pass
        else:
            if job.status in (JobStatus.DONE, JobStatus.FAILED):
                return job
        time.sleep(0.1)
    raise AssertionError(f"The export is still {job.status} after {TIMEOUT} s")


def export_through_the_worker(requester, transport: str) -> ExportJob:
    """Ask for a backlog export and let an embedded worker of both queues write it; the
    task must have run in the worker's thread, delivered from the `exports` queue of
    the broker's `transport`."""
    deliveries = []

    def record(sender=None, task=None, **kwargs):
        info = task.request.delivery_info or {}
        deliveries.append((task.name, threading.current_thread().name, info.get("routing_key")))

    assert app.connection_for_write().transport.driver_type == transport
    task_prerun.connect(record, weak=False)
    try:
        job = run_in_worker(requester)
    finally:
        task_prerun.disconnect(record)
    assert deliveries and deliveries[0][0] == "cxlean.exports.run"
    assert deliveries[0][1] != threading.main_thread().name
    assert deliveries[0][2] == "exports"
    return job


def run_in_worker(requester) -> ExportJob:
    with start_worker(
        app,
        pool="solo",
        perform_ping_check=False,
        queues=["default", "exports"],
        shutdown_timeout=20,
    ):
        job = request_export(requester, "backlog", {"status": "open"})
        return wait_until_finished(job)


def backlog_data():
    unit = UnitFactory(name="Kundservice", code="service")
    bob = UserFactory(username="bob", unit=unit)
    ItemFactory(title="Kortare telefonkö", unit=unit, impact=5, feasibility=4, customer_value=5)
    ItemFactory(title='=HYPERLINK("http://evil")', unit=unit)
    return bob


def assert_the_file_is_the_backlog(job: ExportJob) -> None:
    assert job.status == JobStatus.DONE, job.error
    assert job.progress == 100 and job.rows == 2 and job.attempts == 1
    with job.file.open("rb") as content:
        sheet = load_workbook(io.BytesIO(content.read())).worksheets[0]
    titles = sorted(row[2] for row in sheet.iter_rows(min_row=2, values_only=True))
    assert titles == ['=HYPERLINK("http://evil")', "Kortare telefonkö"]
    formula_like = next(cell for cell in sheet["C"] if str(cell.value).startswith("="))
    assert formula_like.data_type == "s"


def test_a_worker_on_the_default_filesystem_broker_writes_the_export(real_broker, media, tmp_path):
    folders = {name: tmp_path / "broker" / name for name in ("queue", "control")}
    for folder in folders.values():
        folder.mkdir(parents=True)
    real_broker(
        "filesystem://localhost/",
        {
            "data_folder_in": str(folders["queue"]),
            "data_folder_out": str(folders["queue"]),
            "control_folder": str(folders["control"]),
            "store_processed": False,
        },
    )
    bob = backlog_data()
    assert_the_file_is_the_backlog(export_through_the_worker(bob, "filesystem"))


def redis_is_up() -> bool:
    import redis

    try:
        return bool(redis.Redis.from_url(REDIS_URL, socket_connect_timeout=1).ping())
    except redis.RedisError:
        return False


@contextlib.contextmanager
def on_redis(real_broker, url: str):
    """The Celery app publishes to Redis database `url`, emptied before and after (each
    test has a database of its own); skipped when Redis is not running, failed under CI."""
    if not redis_is_up():
        if os.environ.get("CI"):
            pytest.fail(f"CI runs Redis (.ci/run), but {url} does not answer.")
        pytest.skip(f"Redis is not running at {url} (start it, or set CI to fail).")
    import redis

    redis.Redis.from_url(url).flushdb()
    real_broker(url)
    try:
        yield
    finally:
        redis.Redis.from_url(url).flushdb()


def test_a_worker_on_redis_writes_the_export(real_broker, media):
    with on_redis(real_broker, REDIS_URL):
        bob = backlog_data()
        assert_the_file_is_the_backlog(export_through_the_worker(bob, "redis"))


def test_a_worker_writes_the_export_to_s3_and_the_web_serves_it_to_its_owner_only(
    real_broker, s3_storage, client
):
    """Web and worker share only the database, the broker (Redis) and the bucket: the
    worker writes the file into the bucket, the web streams it from there after checking
    who asks, and no file is written under MEDIA_ROOT on the way."""
    from pathlib import Path

    from django.conf import settings
    from django.urls import reverse

    from tests.conftest import login

    with on_redis(real_broker, S3_REDIS_URL):
        bob = backlog_data()
        job = export_through_the_worker(bob, "redis")
    assert_the_file_is_the_backlog(job)
    assert s3_storage.keys() == [job.file.name]

    address = reverse("exports:download", args=[job.pk])
    download = login(bob).get(address)
    assert download.status_code == 200
    assert b"".join(download.streaming_content) == s3_storage.read(job.file.name)
    stranger = UserFactory(username="sam", unit=UnitFactory(name="Sälj", code="sales"))
    assert login(stranger).get(address).status_code == 404
    assert client.get(address).status_code == 302
    assert list(Path(settings.MEDIA_ROOT).rglob("*")) == []


def test_imports_have_a_worker_of_their_own_and_do_not_wait_for_exports(
    real_broker, media, tmp_path
):
    """A worker serving only `imports` runs an import while an export waits on its own
    queue for the exports worker: neither waits behind the other."""
    from django.contrib.auth.models import Group
    from django.core.files.uploadedfile import SimpleUploadedFile

    from cxlean.imports.models import ImportJob, Status
    from cxlean.imports.services import import_create
    from cxlean.org.roles import COORDINATOR
    from tests.imports.conftest import PEOPLE, rows_of

    folders = {name: tmp_path / "broker" / name for name in ("queue", "control")}
    for folder in folders.values():
        folder.mkdir(parents=True)
    real_broker(
        "filesystem://localhost/",
        {
            "data_folder_in": str(folders["queue"]),
            "data_folder_out": str(folders["queue"]),
            "control_folder": str(folders["control"]),
            "store_processed": False,
        },
    )
    bob = backlog_data()
    Group.objects.get_or_create(name=COORDINATOR)[0].user_set.add(bob)
    content = rows_of(PEOPLE, {"username": "new.one", "unit": "service"})
    with start_worker(
        app, pool="solo", perform_ping_check=False, queues=["imports"], shutdown_timeout=20
    ):
        export = request_export(bob, "backlog", {})
        job = import_create(
            user=bob, kind=PEOPLE, file=SimpleUploadedFile("people.xlsx", content), language="en"
        )
        deadline = time.monotonic() + TIMEOUT
        while time.monotonic() < deadline:
            try:
                job.refresh_from_db()
            except OperationalError:
                continue
            if job.status in (Status.DONE, Status.FAILED):
                break
            time.sleep(0.1)
    assert job.status == Status.DONE, job.errors
    assert job.attempts == 1
    export.refresh_from_db()
    assert export.status == JobStatus.QUEUED  # its worker is another one
    assert ImportJob.objects.get(pk=job.pk).finished_at is not None
