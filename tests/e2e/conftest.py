"""Browser tests: Playwright driving Debian's Chromium against a live server.

The live server answers one request at a time, and only while a test runs (`live_server`
below). On SQLite the test database lives in memory and Django gives the server's request
threads the test's own connection (`connections_override`): one SQLite connection, and
Django's transaction state on it, for every thread. Pages that poll (the game's phones and
big screen, export and import jobs) send requests at the same moment; served in parallel
they would share one transaction (ATOMIC_REQUESTS) or, on separate connections to the
shared-cache database, fail at once with "database table is locked" (SQLITE_LOCKED waits
for no timeout). So requests queue, the test's own queries wait for the request being
answered, and a request still arriving after the test (a page that polled while it
closed) gets a 503 without touching the database, which is being emptied for the next
test. PostgreSQL gets the same rules, so both databases run the tests alike.
"""

import os
import shutil
import threading
from collections import deque
from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import pytest
from playwright.sync_api import expect

CHROMIUM = shutil.which("chromium") or "/usr/bin/chromium"
ARTIFACTS = Path(__file__).resolve().parents[2] / "test-artifacts"

# Playwright's sync API runs an event loop in this thread; Django's ORM calls made by
# the test itself are still synchronous.
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")

# `expect(...)` waits as long as a page's actions do (`new_page`), not Playwright's 5 s.
expect.set_options(timeout=10_000)


def pytest_collection_modifyitems(config, items):
    if Path(CHROMIUM).exists():
        return
    if os.environ.get("CI"):
        raise pytest.UsageError(f"CI needs Chromium for the browser tests ({CHROMIUM} missing).")
    skip = pytest.mark.skip(reason="Chromium is not installed (apt-get install chromium)")
    for item in items:
        if "e2e" in item.keywords:
            item.add_marker(skip)


class RequestGate:
    """One request at a time, in the order they came, and none outside a test (see the
    module's docstring). Re-entrant: a request's own queries pass through `query` too."""

    def __init__(self) -> None:
        self.turns = threading.Condition()
        self.queue: deque[int] = deque()  # threads waiting, first come first served
        self.holder: int | None = None
        self.depth = 0
        self.test = 0  # which test is running; a request belongs to the one it came in
        self.open = False

    @contextmanager
    def turn(self) -> Iterator[None]:
        me = threading.get_ident()
        with self.turns:
            if self.holder != me:
                self.queue.append(me)
                self.turns.wait_for(lambda: self.holder is None and self.queue[0] == me)
                self.queue.popleft()
                self.holder = me
            self.depth += 1
        try:
            yield
        finally:
            with self.turns:
                self.depth -= 1
                if not self.depth:
                    self.holder = None
                    self.turns.notify_all()

    def begin_test(self) -> None:
        with self.turn():
            self.test += 1
            self.open = True

    def end_test(self) -> None:
        with self.turn():  # after the request being answered
            self.open = False

    def wsgi(self, application: Callable) -> Callable:
        def one_at_a_time(environ: dict, start_response: Callable) -> Iterable[bytes]:
            came_in = self.test
            with self.turn():
                if not self.open or came_in != self.test:
                    start_response("503 Service Unavailable", [("Content-Length", "0")])
                    return [b""]
                # The whole answer, streamed ones too, is made during the turn.
                result = application(environ, start_response)
                try:
                    return [b"".join(result)]
                finally:
                    if hasattr(result, "close"):
                        result.close()

        return one_at_a_time

    def query(self, execute: Callable, sql: str, params: Any, many: bool, context: Any):
        """The test's own queries on the shared connection wait for the request."""
        with self.turn():
            return execute(sql, params, many, context)


GATE = RequestGate()


@pytest.fixture(scope="session")
def live_server(request, django_db_setup) -> Iterator[Any]:
    """pytest-django's live server, made after the test database (so that an in-memory
    SQLite connection is shared with it, not opened anew by each request) and behind
    `GATE`. Without `django_db_setup` first, a session-scoped live server could start
    before the database exists and name the developer's database instead."""
    from django.core.servers.basehttp import ThreadedWSGIServer
    from django.test.testcases import LiveServerThread
    from pytest_django.live_server_helper import LiveServer

    class GatedServer(ThreadedWSGIServer):
        def set_app(self, application):
            super().set_app(GATE.wsgi(application))

    class GatedThread(LiveServerThread):
        server_class = GatedServer

    addr = (
        request.config.getvalue("liveserver")
        or os.getenv("DJANGO_LIVE_TEST_SERVER_ADDRESS")
        or "localhost"
    )
    server = LiveServer(addr, start=False)
    plain = server.thread
    server.thread = GatedThread(
        plain.host,
        plain.static_handler,
        connections_override=plain.connections_override,
        port=plain.port,
    )
    server.thread.daemon = True
    warm_up()
    shared = list(plain.connections_override.values())
    for connection in shared:
        connection.execute_wrappers.append(GATE.query)
    server.start()
    yield server
    server.stop()
    for connection in shared:
        connection.execute_wrappers.remove(GATE.query)


def warm_up() -> None:
    """What the first request would do once for the whole process: import every view
    (the URLconf, seconds on a busy machine: longer than a page's first load may take)
    and compile the base and sign-in templates."""
    from django.template.loader import get_template
    from django.urls import get_resolver

    get_resolver().resolve("/accounts/login/")
    get_template("base.html")
    get_template("registration/login.html")


@pytest.fixture(autouse=True)
def _live_server_gate(request):
    """The live server answers while the test runs: it closes before the database is
    emptied, and pages of an ended test get nothing from the next one."""
    if "live_server" not in request.fixturenames:
        yield
        return
    GATE.begin_test()
    yield
    GATE.end_test()


@pytest.fixture(scope="session")
def browser():
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path=CHROMIUM,
            args=[
                "--no-sandbox",
                "--disable-gpu",
                "--disable-background-networking",
                "--disable-component-update",
                "--disable-sync",
                "--no-first-run",
            ],
        )
        yield browser
        browser.close()


def new_page(
    browser, base_url: str, width: int = 1280, height: int = 900, *, bypass_csp: bool = False
):
    """A page in a browser context of its own (its own cookies: one person per context).
    `bypass_csp` only for tests that inject their own script (axe-core): the app's
    Content-Security-Policy refuses inline scripts, as it should."""
    context = browser.new_context(
        viewport={"width": width, "height": height},
        locale="sv-SE",
        base_url=base_url,
        bypass_csp=bypass_csp,
    )
    page = context.new_page()
    page.set_default_timeout(10_000)
    return page


@pytest.fixture
def page(browser, live_server):
    page = new_page(browser, live_server.url)
    yield page
    page.context.close()


def browser_problems(page) -> list[str]:
    """A list that fills with what the browser reports going wrong on the page from now on:
    Content-Security-Policy violations, console errors and uncaught script errors."""
    problems: list[str] = []
    page.on(
        "console",
        lambda message: (
            problems.append(message.text)
            if "Content Security Policy" in message.text or message.type == "error"
            else None
        ),
    )
    page.on("pageerror", lambda error: problems.append(str(error)))
    return problems


def log_in(page, username: str, password: str) -> None:
    page.goto("/accounts/login/")
    page.fill("input[name=username]", username)
    page.fill("input[name=password]", password)
    page.locator("main form [type=submit]").first.click()
    # Signed in once the browser has left the form (the next `goto` must not cut the
    # sign-in short, or the session cookie never arrives).
    page.wait_for_url(lambda url: "/accounts/login/" not in url)


def screenshot(page, name: str) -> None:
    ARTIFACTS.mkdir(exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / f"{name}.png"), full_page=True)
