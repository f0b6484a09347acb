"""The demo's Gemba walks on whatever day it is built (tests/gemba/test_demo.py builds it
once for today)."""

import datetime as dt

import pytest
from django.utils import timezone

from cxlean.gemba.models import Observation, Walk, WalkStatus
from tests.gemba.test_demo import build

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(
    "today",
    [dt.date(2026, 3, 15), dt.date(2026, 3, 16), dt.date(2026, 3, 17), dt.date(2026, 10, 27)],
    ids=["the 15th", "the 16th", "a Tuesday", "after the October DST change"],
)
def test_any_day_gives_one_overdue_walk_and_one_cancelled(today):
    build(today)
    now = timezone.make_aware(dt.datetime.combine(today, dt.time(12)))
    assert Walk.objects.overdue(now).count() == 1
    assert Walk.objects.filter(status=WalkStatus.CANCELLED).count() == 1
    assert Walk.objects.filter(status=WalkStatus.DONE).count() >= 7
    assert Observation.objects.filter(improvement__isnull=False).count() == 5
