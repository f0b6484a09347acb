"""Build the demo organisation once for a whole test module.

Building it takes seconds, and most demo tests only read it. `demo_for_module` builds it
outside the tests' transactions (so every test of the module sees it, and each test's own
changes are rolled back as usual) and empties the database when the module is done, so
the next module on this worker starts from an empty database as always.
"""

from collections.abc import Iterator
from contextlib import contextmanager
from io import StringIO

from django.core.management import call_command
from django.test import override_settings


def run_demo(*args: str) -> str:
    out = StringIO()
    call_command("demo", *args, stdout=out)
    return out.getvalue()


@contextmanager
def demo_for_module(django_db_blocker) -> Iterator[str]:
    """Yield the demo command's output; the demo stays until the module ends."""
    # The settings tests/conftest.py gives every test (it applies per test, later).
    test_settings = override_settings(
        DEBUG=True,
        LANGUAGE_CODE="sv",
        PASSWORD_HASHERS=["django.contrib.auth.hashers.MD5PasswordHasher"],
    )
    with django_db_blocker.unblock(), test_settings:
        output = run_demo()
    try:
        yield output
    finally:
        with django_db_blocker.unblock():
            call_command("flush", interactive=False, verbosity=0)
