"""The demo organisation's Gemba walks (cxlean/demo/gemba.py), built on the demo's
units, people and journeys."""

import datetime as dt
from collections import Counter

import pytest
from django.contrib.auth.hashers import make_password
from django.utils import timezone

from cxlean.backlog.models import Item, Source
from cxlean.demo import gemba as gemba_demo
from cxlean.demo import journeys as journeys_demo
from cxlean.demo import org as org_demo
from cxlean.gemba.models import Answer, Observation, Schedule, Walk, WalkStatus
from cxlean.gemba.reports import cadence, months_back
from tests.demo_once import built_for_module

pytestmark = pytest.mark.django_db


def build(today: dt.date):
    units = org_demo.create_units()
    users = org_demo.create_people(units, make_password(None))
    journeys = journeys_demo.build_journeys(units, users, today)
    count = gemba_demo.build_gemba(units, users, journeys, today)
    return units, users, count


@pytest.fixture(scope="module")
def built(django_db_setup, django_db_blocker):
    """Built once for the module: the tests only read it (the one that deletes is rolled
    back). How the demo falls on other days: test_demo_any_day.py."""
    with built_for_module(django_db_blocker, lambda: build(timezone.localdate())) as made:
        yield made


def test_two_schedules_and_walks_from_three_months_back_to_six_weeks_ahead(built):
    units, users, count = built
    assert Walk.objects.count() == count
    schedules = Schedule.objects.order_by("title")
    assert [s.unit.code for s in schedules] == ["nordljus-chatt", "nordljus-kundservice"]
    phone = Schedule.objects.get(unit__code="nordljus-kundservice")
    for walk in phone.walks.all():
        local = timezone.localtime(walk.planned_start)
        assert local.weekday() == 1 and local.time() == dt.time(9, 0)
    now = timezone.now()
    assert Walk.objects.filter(planned_start__lt=now - dt.timedelta(days=80)).exists()
    assert Walk.objects.filter(planned_start__gt=now + dt.timedelta(days=20)).exists()
    assert Walk.objects.filter(planned_start__gt=now + dt.timedelta(days=43)).count() == 0


def test_done_cancelled_overdue_and_planned_walks(built):
    statuses = Counter(Walk.objects.values_list("status", flat=True))
    assert statuses[WalkStatus.DONE] >= 7
    assert statuses[WalkStatus.CANCELLED] == 1
    assert statuses[WalkStatus.PLANNED] >= 3
    assert Walk.objects.overdue().count() == 1
    for walk in Walk.objects.filter(status=WalkStatus.DONE):
        assert walk.actual_minutes and walk.summary
        assert walk.participants.exists()
        assert walk.observations.count() >= 1
        assert walk.answers.count() == walk.question_set.questions.count()
        walk.full_clean()
    assert not Observation.objects.filter(walk__status=WalkStatus.PLANNED).exists()
    # The demo employee takes part in the chat team's coming walks, the overdue one too.
    employee_walks = Walk.objects.filter(participants__username="employee")
    assert employee_walks.filter(status=WalkStatus.PLANNED).count() >= 2
    assert Walk.objects.overdue().get().participants.filter(username="employee").exists()


def test_some_observations_are_improvements_others_open_follow_ups(built):
    made = Observation.objects.filter(improvement__isnull=False)
    assert made.count() == 5
    assert Observation.objects.filter(improvement__isnull=True).count() >= 8
    for observation in made.select_related("improvement", "walk"):
        item = observation.improvement
        assert item.source == Source.GEMBA
        assert item.gemba_observation == observation
        assert item.unit == observation.walk.unit
        assert observation.text.splitlines()[0].rstrip(".").startswith(item.title[:40])
        assert item.created_at >= observation.walk.planned_start
    assert Item.objects.count() == 5
    wastes = set(Observation.objects.exclude(waste="").values_list("waste", flat=True))
    assert wastes == {"muda", "mura", "muri"}
    for observation in Observation.objects.all():
        observation.full_clean()


def test_dates_follow_the_walks_and_everything_is_in_swedish(built):
    for observation in Observation.objects.select_related("walk"):
        assert observation.created_at >= observation.walk.planned_start
    assert Answer.objects.filter(text__contains="kund").exists()
    assert Walk.objects.filter(status=WalkStatus.DONE, summary__contains="ärende").exists()


def test_the_cadence_shows_the_gaps(built):
    units, _users, _count = built
    today = timezone.localdate()
    rows = cadence(units["nordljus-kundservice"].subtree(), months_back(today, 4), 4)
    total = rows[0].total  # Kundservice with its teams
    assert total.planned > total.done >= 7  # the chat walk never done
    assert total.cancelled == 1


def test_delete_removes_the_walks_and_schedules(built):
    units, users, _count = built
    gemba_demo.delete_gemba_of(list(units.values()), list(users.values()))
    assert not Walk.objects.exists() and not Schedule.objects.exists()
    assert Observation.objects.count() == 0
