"""Build the demo organisation once per test process for the modules that only read it.

Building it takes seconds, and most demo tests only read it. `demo_for_module` puts the
demo into the test database outside the tests' transactions (so every test of the module
sees it, and each test's own changes are rolled back as usual) and empties the database
when the module is done, so the next module on this worker starts from an empty
database as always.

`built_for_module` does the same for a module that builds only part of the demo itself.

The demo is built once per process (per xdist worker): the database is copied aside
empty and with the demo, and later modules get the copy instead of a new build. On SQLite
the copy is SQLite's backup API; on PostgreSQL it is the rows of the tables that have rows
(COPY, binary) and the sequences' values (tests/postgres.py). Either takes milliseconds.
"""

import sqlite3
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from io import StringIO

import pytest
from django.contrib.contenttypes.models import ContentType
from django.core.management import call_command
from django.db import connection
from django.test import override_settings

from tests import postgres

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
    """The test database's copies of this process: empty and with the demo."""

    empty: object | None = None
    demo: object | None = None
    output = ""


def _copy(source: sqlite3.Connection, target: sqlite3.Connection | None = None):
    target = target or sqlite3.connect(":memory:", check_same_thread=False)
    source.backup(target)
    return target


def _snapshot() -> object:
    """A copy of the test database as it is now (SQLite or PostgreSQL)."""
    if connection.vendor == "postgresql":
        return postgres.snapshot(connection)
    connection.ensure_connection()
    return _copy(connection.connection)


def _restore(copy: object) -> None:
    """Put the test database back as it was when `copy` was taken."""
    if connection.vendor == "postgresql":
        postgres.restore(connection, copy)
    else:
        connection.ensure_connection()
        _copy(copy, connection.connection)
    # A flush in between (a transactional test) made content types with other ids.
    ContentType.objects.clear_cache()


def _copies_supported() -> bool:
    return connection.vendor in ("sqlite", "postgresql")


@contextmanager
def demo_for_module(django_db_blocker) -> Iterator[str]:
    """Yield the demo command's output; the demo stays until the module ends."""
    with django_db_blocker.unblock():
        if not _copies_supported():
            output = _build()
        elif _Copies.demo is None:
            _Copies.empty = _snapshot()
            _Copies.output = _build()
            _Copies.demo = _snapshot()
            output = _Copies.output
        else:
            _restore(_Copies.demo)
            output = _Copies.output
    try:
        yield output
    finally:
        with django_db_blocker.unblock():
            if _copies_supported() and _Copies.empty is not None:
                _restore(_Copies.empty)
            else:
                call_command("flush", interactive=False, verbosity=0)


@contextmanager
def built_for_module[T](django_db_blocker, build: Callable[[], T]) -> Iterator[T]:
    """Yield what `build()` returns; what it wrote to the database stays until the module
    ends (each test's own changes are rolled back as usual), then the database is as
    before (a copy taken before the build)."""
    with django_db_blocker.unblock():
        before = _snapshot() if _copies_supported() else None
        with _test_settings():
            made = build()
    try:
        yield made
    finally:
        with django_db_blocker.unblock():
            if before is not None:
                _restore(before)
            else:
                call_command("flush", interactive=False, verbosity=0)
