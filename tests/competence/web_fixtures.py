"""Fixtures and helpers shared by the competence page tests (test_views.py and
test_permissions_web.py import them by name).

Dates are relative to the real today, because the pages ask `timezone.localdate()`.
"""

import datetime as dt

import pytest
from django.contrib.messages import get_messages
from django.utils import timezone

from cxlean.competence.models import Level
from cxlean.org.roles import EMPLOYEE
from tests.factories import RecordFactory, UserFactory

EN = {"language": "en"}
HTMX = {"HTTP_HX_REQUEST": "true"}


def today() -> dt.date:
    return timezone.localdate()


def days(n: int) -> dt.date:
    return today() + dt.timedelta(days=n)


def messages_of(response) -> list[str]:
    return [str(message) for message in get_messages(response.wsgi_request)]


def signed(person, activity, level, by=None, on=None):
    """A record signed off at `level`, the way Record.sign_off leaves it."""
    on = on or today()
    return RecordFactory(
        person=person,
        activity=activity,
        level=level,
        self_level=level,
        signed_off_by=by,
        signed_off_on=on,
        expires_on=activity.expiry_from(on),
    )


@pytest.fixture(autouse=True)
def _media(settings, tmp_path):
    """Uploaded evidence goes to a throwaway folder."""
    settings.MEDIA_ROOT = tmp_path / "media"


@pytest.fixture
def waiting(agent_alice, listening, bob):
    """Alice holds L in active listening (signed off by Bob) and asks for U."""
    record = signed(agent_alice, listening, Level.L, by=bob)
    record.assess(Level.U)
    record.save()
    return record


@pytest.fixture
def waiting_escalation(agent_alice, escalation):
    """Alice asks for L in escalation, which Dave does not train."""
    return RecordFactory(person=agent_alice, activity=escalation, self_level=Level.L)


@pytest.fixture
def erin(sales_unit):
    """An employee of Sales: another unit than Alice's and Bob's."""
    return UserFactory(username="erin", first_name="Erin", role=EMPLOYEE, unit=sales_unit)
