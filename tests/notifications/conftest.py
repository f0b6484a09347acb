"""Reminders for the named people of tests/conftest.py.

Alice (employee, Team Chatt under Kundservice) owns things; Bob coordinates Kundservice
and is therefore the nearest coordinator of Alice's team; Carol coordinates Sales; Maria
is management. `now` is the real time (the e-mail step looks at the last day), and
`today` its local date.
"""

import datetime as dt

import pytest
from django.utils import timezone

from cxlean.notifications.models import Notification
from cxlean.notifications.sweep import run_sweep
from tests.factories import ActivityFactory, PlanFactory


@pytest.fixture
def now():
    return timezone.now()


@pytest.fixture
def today(now):
    return timezone.localdate(now)


def days(today: dt.date, n: int) -> dt.date:
    return today + dt.timedelta(days=n)


@pytest.fixture
def sweep(now):
    """`sweep()` runs the reminder sweep for now; returns the notifications it created."""

    def run(at=None, **kwargs):
        result = run_sweep(at or now, **kwargs)
        return list(Notification.objects.filter(pk__in=result.notifications))

    return run


def kinds_of(user) -> list[str]:
    return sorted(Notification.objects.filter(user=user).values_list("kind", flat=True))


@pytest.fixture
def plan(service_unit, bob):
    return PlanFactory(name="Utrullning Kundservice", unit=service_unit, coordinator=bob)


@pytest.fixture
def make_activity(plan, alice, today):
    def make(due: int, owner=alice, **kwargs):
        return ActivityFactory(
            phase__plan=plan,
            owner=owner,
            title=kwargs.pop("title", "Kartlägg kundresan"),
            start_date=days(today, min(due, 0) - 10),
            due_date=days(today, due),
            **kwargs,
        )

    return make
