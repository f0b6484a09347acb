"""Enqueueing background work safely, and the broker's health.

Work is enqueued only after the transaction that asked for it commits (the worker must
see the rows), and a broker that is down never turns a web request into an error: the
job stays recorded as queued in the database, the caller learns the broker was not
reached, and the requeue sweeps send it again once the broker is back.
"""

from __future__ import annotations

import logging
from collections.abc import Callable

from celery import Task
from django.db import transaction
from kombu.exceptions import KombuError

logger = logging.getLogger(__name__)

# What a broker that is down raises when publishing: connection refused, timeouts, ...
BROKER_ERRORS = (KombuError, OSError, ConnectionError, TimeoutError)


def send(task: Task, *args, **kwargs) -> bool:
    """Publish now; False (and a log line) when the broker cannot be reached."""
    try:
        task.apply_async(args=args, kwargs=kwargs)
    except BROKER_ERRORS as error:
        logger.warning("Broker not reachable, %s left for the requeue sweep: %r", task.name, error)
        return False
    return True


def enqueue_on_commit(task: Task, *args, on_failure: Callable[[], None] | None = None, **kwargs):
    """Send the task once the current transaction commits (at once outside one)."""

    def publish() -> None:
        if not send(task, *args, **kwargs) and on_failure is not None:
            on_failure()

    transaction.on_commit(publish)


def broker_status() -> str:
    """ "ok", or "error: <kind>" when the broker does not answer within a few seconds."""
    from cxlean.celery import app

    try:
        with app.connection_for_write() as connection:
            connection.ensure_connection(max_retries=1, timeout=2)
    except Exception as error:  # any failure means "not reachable", never a 500
        return f"error: {error.__class__.__name__}"
    return "ok"
