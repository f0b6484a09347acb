"""Build the demo organisation once per test process for the modules that only read it.

Building it takes seconds, and most demo tests only read it. `demo_for_module` puts the
demo into the test database outside the tests' transactions (so every test of the module
sees it, and each test's own changes are rolled back as usual) and empties the database
when the module is done, so the next module on this worker starts from an empty
database as always.

`built_for_module` does the same for a module that builds only part of the demo itself.

On SQLite the demo is built once per process (per xdist worker): the database is copied
aside empty and with the demo (SQLite's backup API, milliseconds), and later modules get
the copy instead of a new build. Other databases build it for each module.
"""

import sqlite3
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from io import StringIO

import pytest
from django.core.management import call_command
from django.db import connection
from django.test import override_settings

# `make test` runs the suite with `--dist loadgroup`: the modules that read the demo carry
# this mark, so they run on one xdist worker, which builds the demo once for all of them.
ON_ONE_WORKER = pytest.mark.xdist_group("demo")


def run_demo(*args: str) -> str:
    out = StringIO()
    call_command("demo", *args, stdout=out)
    return out.getvalue()


def _test_settings() -> override_settings:
    # The settings tests/conftest.py gives every test (it applies per test, later).
    return override_settings(
        DEBUG=True,
        LANGUAGE_CODE="sv",
        PASSWORD_HASHERS=["django.contrib.auth.hashers.MD5PasswordHasher"],
    )


def _build() -> str:
    with _test_settings():
        return run_demo()


class _Copies:
    """The test database's SQLite copies of this process: empty and with the demo."""

    empty: sqlite3.Connection | None = None
    demo: sqlite3.Connection | None = None
    output = ""


def _copy(source: sqlite3.Connection, target: sqlite3.Connection | None = None):
    target = target or sqlite3.connect(":memory:", check_same_thread=False)
    source.backup(target)
    return target


@contextmanager
def demo_for_module(django_db_blocker) -> Iterator[str]:
    """Yield the demo command's output; the demo stays until the module ends."""
    with django_db_blocker.unblock():
        if connection.vendor != "sqlite":
            output = _build()
        else:
            connection.ensure_connection()
            database = connection.connection
            if _Copies.demo is None:
                _Copies.empty = _copy(database)
                _Copies.output = _build()
                _Copies.demo = _copy(database)
            else:
                _copy(_Copies.demo, database)
            output = _Copies.output
    try:
        yield output
    finally:
        with django_db_blocker.unblock():
            if connection.vendor == "sqlite" and _Copies.empty is not None:
                connection.ensure_connection()
                _copy(_Copies.empty, connection.connection)
            else:
                call_command("flush", interactive=False, verbosity=0)


@contextmanager
def built_for_module[T](django_db_blocker, build: Callable[[], T]) -> Iterator[T]:
    """Yield what `build()` returns; what it wrote to the database stays until the module
    ends (each test's own changes are rolled back as usual), then the database is as
    before (on SQLite a copy taken before the build, elsewhere emptied)."""
    with django_db_blocker.unblock():
        before = None
        if connection.vendor == "sqlite":
            connection.ensure_connection()
            before = _copy(connection.connection)
        with _test_settings():
            made = build()
    try:
        yield made
    finally:
        with django_db_blocker.unblock():
            if before is not None:
                connection.ensure_connection()
                _copy(before, connection.connection)
            else:
                call_command("flush", interactive=False, verbosity=0)
