"""cxlean as several machines, proved on one (`make machines-check`).

Each "machine" is its own set of processes with its own working folder and its own empty
MEDIA_ROOT; they share nothing but the services the manual's chapter on running more than
one machine names (docs/en/architecture.md#several-machines): one PostgreSQL database,
Redis as broker and cache, and an S3-compatible bucket (moto's S3 server, a process of its
own). They run as in production: DEBUG off, one SECRET_KEY, static files collected for
whitenoise (over plain HTTP: the cookies are not marked Secure and nothing redirects to
HTTPS). This script:

1. creates a scratch PostgreSQL database, starts the S3 server and makes the bucket,
   migrates, loads the demo and collects the static files (the deploy, from one machine);
2. starts web machines A and B (gunicorn, two workers each) and a worker machine (Celery,
   the `default` and `exports` queues);
3. signs in on A and opens a page on B with the same session;
4. attaches a file to an improvement on A and downloads it through B: the same bytes;
5. asks for an Excel export on B, follows it on A until the worker has written it,
   downloads it through A and opens it with openpyxl;
6. checks that every MEDIA_ROOT is still empty and that the bucket holds the attachment
   and the export;
7. fails sign-ins on A until the account is locked, then signs in with the right password
   on B: refused (429);
8. stops every process, drops the database, empties its Redis databases and removes the
   scratch files, whatever happened.

Exit code 0 when all of it holds, 1 otherwise. Needs PostgreSQL (libpq's PGHOST…, see
scripts/checks.py) and Redis at REDIS (redis://127.0.0.1:6379); uses Redis databases
CACHE_DB and BROKER_DB, which the tests do not.

    .venv/bin/python scripts/machines_check.py
"""

import contextlib
import io
import json
import os
import re
import secrets
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import boto3
import redis
from checks import (
    ROOT,
    VENV_BIN,
    Browser,
    CheckFailed,
    Process,
    base_env,
    database_url,
    elapsed,
    free_port,
    gunicorn,
    manage,
    run,
    start,
    step,
    stop,
    wait_until_up,
)
from openpyxl import load_workbook

REDIS = os.environ.get("REDIS_URL", "redis://127.0.0.1:6379")
CACHE_DB, BROKER_DB = 12, 13  # the tests use 14 and 15 (tests/integration/test_worker.py)
BUCKET = "cxlean-machines"
S3_KEYS = {"AWS_ACCESS_KEY_ID": "testing", "AWS_SECRET_ACCESS_KEY": "testing"}
FAILURE_LIMIT = 3  # failed sign-ins before the lock-out (AXES_FAILURE_LIMIT)
EXPORT_TIMEOUT = 60  # seconds for the worker to write the export, its start included
UPLOADER = "coordinator"  # may attach files to the improvements of the units they see
LOCKED_OUT = "employee"

# Run in `manage.py shell`: an improvement the uploader may attach a file to.
ITEM_PROBE = """
from django.contrib.auth import get_user_model
from cxlean.backlog.models import Item

user = get_user_model().objects.get(username=UPLOADER)
print(next(i.pk for i in Item.objects.visible_to(user).order_by("pk") if i.can_comment(user)))
""".replace("UPLOADER", repr(UPLOADER))


class Machines:
    """The scratch folder, the processes started and the shared settings of one run."""

    def __init__(self, scratch: Path, db: str, s3: str) -> None:
        self.scratch = scratch
        self.db = db
        self.s3 = s3
        self.processes: list[Process] = []
        self.shared = base_env(
            DEBUG="false",
            SECRET_KEY=secrets.token_urlsafe(50),
            ALLOWED_HOSTS="127.0.0.1",
            SESSION_COOKIE_SECURE="false",
            CSRF_COOKIE_SECURE="false",
            SECURE_SSL_REDIRECT="false",
            DATABASE_URL=database_url(db),
            STORAGE_URL=f"s3://{BUCKET}?endpoint_url={s3}&region=us-east-1",
            **S3_KEYS,
            CACHE_URL=f"{REDIS}/{CACHE_DB}",
            CELERY_BROKER_URL=f"{REDIS}/{BROKER_DB}",
            AXES_FAILURE_LIMIT=str(FAILURE_LIMIT),
            STATIC_ROOT=str(scratch / "static"),
            # The code comes from the checkout; nothing is read from the working folder.
            PYTHONPATH=str(ROOT),
        )

    def machine(self, name: str) -> tuple[Path, dict[str, str]]:
        """A machine's working folder and settings: the shared ones, its own MEDIA_ROOT."""
        home = self.scratch / name
        (home / "media").mkdir(parents=True)
        env = {
            **self.shared,
            "MEDIA_ROOT": str(home / "media"),
            "CELERY_DATA_DIR": str(home / "celery"),
        }
        return home, env

    def web(self, name: str) -> tuple[str, Process]:
        """gunicorn with two workers, as a web machine: its address and process."""
        home, env = self.machine(name)
        port = free_port()
        process = gunicorn(name, port, env, self.scratch / f"{name}.log", workers=2, cwd=home)
        self.processes.append(process)
        return f"http://127.0.0.1:{port}", process

    def worker(self, name: str) -> Process:
        home, env = self.machine(name)
        args = [str(VENV_BIN / "celery"), "-A", "cxlean", "worker", "-Q", "default,exports"]
        args += ["-c", "1", "-n", f"{name}@%h", "--without-gossip", "--without-mingle"]
        process = start(name, args, env, self.scratch / f"{name}.log", cwd=home)
        self.processes.append(process)
        return process

    def media_roots(self) -> list[Path]:
        return sorted(self.scratch.glob("*/media"))


def s3_server(scratch: Path) -> tuple[Process, str]:
    port = free_port()
    args = [str(VENV_BIN / "moto_server"), "-H", "127.0.0.1", "-p", str(port)]
    return start("S3 server", args, base_env(), scratch / "s3.log"), f"http://127.0.0.1:{port}"


def bucket_client(s3: str):
    return boto3.client("s3", endpoint_url=s3, region_name="us-east-1", **lower(S3_KEYS))


def lower(keys: dict[str, str]) -> dict[str, str]:
    return {name.lower(): value for name, value in keys.items()}


def make_bucket(s3: str, server: Process) -> None:
    deadline = time.monotonic() + 30
    while True:
        try:
            bucket_client(s3).create_bucket(Bucket=BUCKET)
            return
        except Exception as error:  # not listening yet
            if time.monotonic() > deadline or server.popen.poll() is not None:
                raise CheckFailed(
                    f"the S3 server did not start: {error}\n{server.tail()}"
                ) from None
            time.sleep(0.3)


def sql(query: str, env: dict[str, str]) -> str:
    return run(["psql", "--dbname", env["DATABASE_URL"], "-tAc", query], env).stdout.strip()


def deploy(machines: Machines) -> None:
    home, env = machines.machine("deploy")
    step(f"migrate {machines.db}")
    manage(["migrate", "--noinput"], env)
    step("load the demo (its files into the bucket)")
    manage(["demo", "--force"], env)
    step("collect the static files")
    manage(["collectstatic", "--noinput"], env)


def same_session(browser: Browser, a: str, b: str) -> None:
    step(f"sign in as {UPLOADER} on A; B knows the session")
    if browser.sign_in(a, UPLOADER).at_login:
        raise CheckFailed(f"signing in as {UPLOADER} on A failed")
    page = browser.get(f"{b}/improvements/")
    if page.status != 200 or page.at_login:
        raise CheckFailed(f"B sent the session from A to {page.url} ({page.status})")
    print(f"   {b}/improvements/ answers 200 with A's session")


def attachment(browser: Browser, a: str, b: str, env: dict[str, str]) -> str:
    """Attach a file on A, download it through B; the attachment's name in the bucket."""
    item = manage(["shell", "-c", ITEM_PROBE], env).stdout.strip().splitlines()[-1]
    content = f"Uploaded on machine A, {secrets.token_hex(16)}\n".encode()
    step(f"attach a file to improvement {item} on A, download it through B")
    answer = browser.post(
        f"{a}/improvements/{item}/attachments/",
        {"description": "machines check"},
        {"file": ("machines-check.txt", content)},
        form=f"{a}/improvements/{item}/",
    )
    found = sql(
        f"SELECT id, file FROM backlog_attachment WHERE item_id = {int(item)} "
        "AND description = 'machines check' ORDER BY id DESC LIMIT 1",
        env,
    )
    if answer.status != 200 or not found:
        raise CheckFailed(f"attaching a file on A failed ({answer.status}): {answer.url}")
    pk, name = found.split("|", 1)
    download = browser.get(f"{b}/improvements/attachments/{pk}/")
    if download.status != 200 or download.body != content:
        raise CheckFailed(
            f"B did not download attachment {pk} with its content ({download.status})"
        )
    print(f"   attachment {pk} ({name}): {len(content)} bytes, the same through B")
    return name


def export(browser: Browser, a: str, b: str, worker: Process) -> int:
    """Ask for the backlog export on B, wait for the worker, download it through A."""
    step("ask for the backlog export on B; the worker writes it")
    answer = browser.post(f"{b}/exports/new/", {"kind": "backlog"}, form=f"{b}/improvements/")
    asked = re.search(r"/exports/(\d+)/$", answer.url)
    if answer.status != 200 or asked is None:
        raise CheckFailed(f"asking for an export on B failed ({answer.status}): {answer.url}")
    pk = int(asked[1])
    deadline = time.monotonic() + EXPORT_TIMEOUT
    status = ""
    while time.monotonic() < deadline and status not in ("done", "failed"):
        time.sleep(0.5)
        job = browser.get(f"{a}/api/v1/export-jobs/{pk}/")
        if job.status != 200:
            raise CheckFailed(f"A does not show export {pk} over the API ({job.status})")
        status = json.loads(job.body)["status"]
    if status != "done":
        raise CheckFailed(f"export {pk} is “{status}” after {EXPORT_TIMEOUT} s:\n{worker.tail()}")
    step(f"export {pk} is done (followed on A); download it through A")
    download = browser.get(f"{a}/exports/{pk}/download/")
    if download.status != 200:
        raise CheckFailed(f"A did not download export {pk} ({download.status})")
    workbook = load_workbook(io.BytesIO(download.body), read_only=True)
    rows = sum(1 for sheet in workbook.worksheets for _row in sheet.iter_rows())
    if not rows:
        raise CheckFailed(f"export {pk} has no rows")
    print(f"   {len(download.body)} bytes, sheets {workbook.sheetnames}, {rows} rows")
    return pk


def files_in_the_bucket(machines: Machines, names: list[str]) -> None:
    step("every MEDIA_ROOT is empty; the bucket holds the files")
    for root in machines.media_roots():
        left = [str(path.relative_to(root)) for path in root.rglob("*")]
        if left:
            raise CheckFailed(f"{root} is not empty: {left[:5]}")
    listing = bucket_client(machines.s3).list_objects_v2(Bucket=BUCKET)
    keys = {entry["Key"] for entry in listing.get("Contents", [])}
    missing = [name for name in names if name not in keys]
    if missing:
        raise CheckFailed(f"not in the bucket: {missing}")
    print(f"   {len(machines.media_roots())} MEDIA_ROOTs empty; {len(keys)} objects in the bucket")


def lock_out(a: str, b: str) -> None:
    step(f"{FAILURE_LIMIT} failed sign-ins as {LOCKED_OUT} on A; the right password on B")
    browser = Browser()
    for _ in range(FAILURE_LIMIT):
        browser.sign_in(a, LOCKED_OUT, "not the password")
    answer = browser.sign_in(b, LOCKED_OUT)
    if answer.status != 429:
        raise CheckFailed(f"B let {LOCKED_OUT} sign in after the lock-out on A ({answer.status})")
    print("   B refuses the sign-in (429)")


def check(machines: Machines, s3_process: Process) -> None:
    env = machines.shared
    make_bucket(machines.s3, s3_process)
    deploy(machines)

    step("start web machines A and B (gunicorn) and a worker (Celery)")
    (a, web_a), (b, web_b) = machines.web("web-a"), machines.web("web-b")
    worker = machines.worker("worker")
    wait_until_up(a, web_a)
    wait_until_up(b, web_b)
    print(f"   A {a}, B {b}")

    browser = Browser()
    same_session(browser, a, b)
    attached = attachment(browser, a, b, env)
    pk = export(browser, a, b, worker)
    exported = sql(f"SELECT file FROM exports_exportjob WHERE id = {pk}", env)
    files_in_the_bucket(machines, [attached, exported])
    lock_out(a, b)


def flush_redis() -> None:
    """Empty the cache's and the broker's Redis databases (left-overs of an earlier run)."""
    try:
        for db in (CACHE_DB, BROKER_DB):
            redis.Redis.from_url(f"{REDIS}/{db}").flushdb()
    except redis.RedisError as error:
        raise CheckFailed(f"Redis at {REDIS}: {error}") from None


def main() -> int:
    db = f"cxlean_machines_{os.getpid()}"
    scratch = Path(tempfile.mkdtemp(prefix="cxlean-machines-check-"))
    env = base_env()
    step(f"scratch database {db}, the S3 server, Redis databases {CACHE_DB} and {BROKER_DB}")
    s3_process, s3 = s3_server(scratch)
    machines = Machines(scratch, db, s3)
    try:
        flush_redis()
        run(["createdb", db], env)
        check(machines, s3_process)
    except CheckFailed as failure:
        print(f"FAILED: {failure}", file=sys.stderr)
        return 1
    finally:
        stop(*machines.processes, s3_process)
        subprocess.run(["dropdb", "--if-exists", db], env=env, check=False)
        with contextlib.suppress(CheckFailed):
            flush_redis()
        shutil.rmtree(scratch, ignore_errors=True)
    print(f"several machines: OK ({elapsed():.0f} s)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
