"""What the end-to-end checks share (scripts/backup_restore_check.py, `make backup-check`;
scripts/machines_check.py, `make machines-check`): step lines with the time since the
start, commands that fail the check with their output, scratch PostgreSQL databases,
gunicorn and other processes started in the background, and a client that signs in and
posts forms as a browser does (one cookie jar, the page's CSRF token).

The PostgreSQL server is libpq's PGHOST, PGPORT, PGUSER and PGPASSWORD (default
127.0.0.1, 5432, postgres, no password).
"""

from __future__ import annotations

import http.cookiejar
import os
import re
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.parse
import urllib.request
import uuid
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
VENV_BIN = Path(sys.executable).parent
PASSWORD = "cxlean-demo"  # every demo login's
LOGIN = "/accounts/login/"
STARTED = time.monotonic()


class CheckFailed(Exception):
    pass


def step(title: str) -> None:
    print(f"-- [{elapsed():5.1f} s] {title}", flush=True)


def elapsed() -> float:
    return time.monotonic() - STARTED


def base_env(**extra: str) -> dict[str, str]:
    """This process's environment with the virtualenv first on PATH, libpq's server and
    cxlean's settings module, and `extra` on top."""
    return {
        **os.environ,
        "PATH": f"{VENV_BIN}{os.pathsep}{os.environ.get('PATH', '')}",
        "PGHOST": os.environ.get("PGHOST", "127.0.0.1"),
        "PGPORT": os.environ.get("PGPORT", "5432"),
        "PGUSER": os.environ.get("PGUSER", "postgres"),
        "DJANGO_SETTINGS_MODULE": "cxlean.settings",
        **extra,
    }


def run(args: list[str], env: dict[str, str], **kwargs) -> subprocess.CompletedProcess:
    """Run a command in the project's folder; CheckFailed with its output unless it exits 0."""
    result = subprocess.run(
        args, env=env, cwd=ROOT, text=True, capture_output=True, check=False, **kwargs
    )
    if result.returncode != 0:
        raise CheckFailed(
            f"{' '.join(args[:3])} … failed ({result.returncode}):\n{result.stdout}{result.stderr}"
        )
    return result


def manage(args: list[str], env: dict[str, str]) -> subprocess.CompletedProcess:
    return run([str(VENV_BIN / "python"), "manage.py", *args], env)


def database_url(name: str) -> str:
    user = urllib.parse.quote(os.environ.get("PGUSER", "postgres"))
    password = os.environ.get("PGPASSWORD")
    auth = f"{user}:{urllib.parse.quote(password)}" if password else user
    host = os.environ.get("PGHOST", "127.0.0.1")
    return f"postgres://{auth}@{host}:{os.environ.get('PGPORT', '5432')}/{name}"


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


# --- processes ---------------------------------------------------------------------------


@dataclass
class Process:
    """A process started in the background, its output in `log`."""

    name: str
    popen: subprocess.Popen
    log: Path

    def tail(self, lines: int = 30) -> str:
        text = self.log.read_text(errors="replace") if self.log.exists() else ""
        return "\n".join(text.splitlines()[-lines:])


def stop(*processes: Process) -> None:
    """Ask every process to end at once, then wait for each (killed after 10 s)."""
    running = [process.popen for process in processes if process.popen.poll() is None]
    for popen in running:
        popen.terminate()
    for popen in running:
        try:
            popen.wait(timeout=10)
        except subprocess.TimeoutExpired:
            popen.kill()
            popen.wait()


def start(name: str, args: list[str], env: dict[str, str], log: Path, cwd: Path = ROOT) -> Process:
    with log.open("w") as out:
        popen = subprocess.Popen(args, env=env, cwd=cwd, stdout=out, stderr=subprocess.STDOUT)
    return Process(name, popen, log)


def gunicorn(
    name: str, port: int, env: dict[str, str], log: Path, *, workers: int = 1, cwd: Path = ROOT
) -> Process:
    """`gunicorn cxlean.wsgi` on 127.0.0.1:`port`; `wait_until_up` says when it answers."""
    args = [str(VENV_BIN / "gunicorn"), "cxlean.wsgi", "--workers", str(workers)]
    return start(name, [*args, "--bind", f"127.0.0.1:{port}"], env, log, cwd)


def wait_until_up(base: str, process: Process, timeout: float = 30) -> None:
    """Until `base`/healthz/ answers 200; CheckFailed with the log if it does not in time."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if process.popen.poll() is not None:
            break
        try:
            with urllib.request.urlopen(f"{base}/healthz/", timeout=5) as answer:
                if answer.status == 200:
                    return
        except OSError:  # not listening yet, or still starting
            pass
        time.sleep(0.3)
    raise CheckFailed(f"{process.name} did not answer {base}/healthz/:\n{process.tail()}")


# --- a browser ---------------------------------------------------------------------------


@dataclass
class Answer:
    status: int
    url: str  # after redirects
    body: bytes

    @property
    def text(self) -> str:
        return self.body.decode("utf-8", errors="replace")

    @property
    def at_login(self) -> bool:
        return urllib.parse.urlsplit(self.url).path == LOGIN


class Browser:
    """Pages over HTTP with one cookie jar, as a browser keeps them: a session cookie set
    by one address is sent to every port of the same host."""

    def __init__(self) -> None:
        self.opener = urllib.request.build_opener(
            urllib.request.HTTPCookieProcessor(http.cookiejar.CookieJar())
        )

    def open(self, request: urllib.request.Request | str, timeout: float = 30) -> Answer:
        """The answer, an error status (4xx, 5xx) included."""
        try:
            with self.opener.open(request, timeout=timeout) as answer:
                return Answer(answer.status, answer.url, answer.read())
        except urllib.error.HTTPError as error:
            return Answer(error.code, error.url, error.read())

    def get(self, url: str) -> Answer:
        return self.open(url)

    def post(
        self,
        url: str,
        fields: dict[str, str],
        files: dict[str, tuple[str, bytes]] | None = None,
        *,
        form: str | None = None,
    ) -> Answer:
        """POST `fields` to `url` with the CSRF token of the page the form is on (`form`,
        by default `url` itself), `files` (name: (file name, content)) as multipart."""
        page = form or url
        fields = {"csrfmiddlewaretoken": csrf_token(self.get(page)), **fields}
        if files:
            body, content_type = multipart(fields, files)
        else:
            body, content_type = (
                urllib.parse.urlencode(fields).encode(),
                "application/x-www-form-urlencoded",
            )
        headers = {"Content-Type": content_type, "Referer": page}
        return self.open(urllib.request.Request(url, data=body, headers=headers))

    def sign_in(self, base: str, username: str, password: str = PASSWORD) -> Answer:
        """The answer to the login form (followed to the home page when it worked)."""
        return self.post(f"{base}{LOGIN}", {"username": username, "password": password})


def csrf_token(page: Answer) -> str:
    token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page.text)
    if token is None:
        raise CheckFailed(f"{page.url} ({page.status}) has no form with a CSRF token")
    return token[1]


def multipart(fields: dict[str, str], files: dict[str, tuple[str, bytes]]) -> tuple[bytes, str]:
    boundary = uuid.uuid4().hex
    parts = [
        f'--{boundary}\r\nContent-Disposition: form-data; name="{name}"\r\n\r\n{value}\r\n'.encode()
        for name, value in fields.items()
    ]
    for name, (filename, content) in files.items():
        head = (
            f'--{boundary}\r\nContent-Disposition: form-data; name="{name}"; '
            f'filename="{filename}"\r\nContent-Type: application/octet-stream\r\n\r\n'
        )
        parts.append(head.encode() + content + b"\r\n")
    parts.append(f"--{boundary}--\r\n".encode())
    return b"".join(parts), f"multipart/form-data; boundary={boundary}"
