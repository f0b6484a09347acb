"""History attribution for the demo builders."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from types import SimpleNamespace

from django.contrib.auth.models import User
from simple_history.models import HistoricalRecords


@contextmanager
def changes_recorded_as(user: User) -> Iterator[None]:
    """Attribute the history written inside the block to `user`, the way the request
    middleware does during a web request (simple_history reads it from this context),
    so rows created by services we call are attributed too."""
    previous = getattr(HistoricalRecords.context, "request", None)
    HistoricalRecords.context.request = SimpleNamespace(user=user)
    try:
        yield
    finally:
        if previous is None:
            del HistoricalRecords.context.request
        else:
            HistoricalRecords.context.request = previous
