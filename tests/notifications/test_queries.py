"""The sweep reads in batches: its number of queries does not grow with the number of
people (up to a batch, 500 subjects per rule), every rule included."""

import datetime as dt

import pytest

from cxlean.backlog.models import Status as ItemStatus
from cxlean.competence.models import Level
from cxlean.notifications.models import EVENT_KINDS, Kind, Notification, Reminder
from cxlean.notifications.sweep import run_sweep
from tests.checklists.factories import AssignmentFactory, TemplateItemFactory
from tests.factories import (
    ActivityFactory,
    GreenCardFactory,
    ItemFactory,
    RecordFactory,
    UserFactory,
)
from tests.gemba.factories import WalkFactory
from tests.notifications.conftest import days


def everything_due_for(person, plan, unit, today, now) -> None:
    ActivityFactory(
        phase__plan=plan, owner=person, start_date=days(today, -9), due_date=days(today, 1)
    )
    ActivityFactory(
        phase__plan=plan, owner=person, start_date=days(today, -9), due_date=days(today, -1)
    )
    RecordFactory(person=person, self_level=Level.L)
    GreenCardFactory(person=person, issued_on=days(today, -700), expires_on=days(today, 5))
    assignment = AssignmentFactory(person=person, role=None, unit=unit, due_date=days(today, -1))
    TemplateItemFactory(template=assignment.template)
    role_assignment = AssignmentFactory(unit=unit, due_date=days(today, -1))
    TemplateItemFactory(template=role_assignment.template)
    person.profile.cx_roles.add(role_assignment.role)
    WalkFactory(
        unit=unit, leader=person, participants=[person], planned_start=now + dt.timedelta(hours=3)
    )
    ItemFactory(unit=unit, owner=person, due_date=days(today, -1), status=ItemStatus.DO)
    ItemFactory(unit=unit, due_date=days(today, -1), status=ItemStatus.PLAN)


@pytest.fixture
def grow(plan, service_team, today, now):
    def add(count: int) -> None:
        for _ in range(count):
            everything_due_for(UserFactory(unit=service_team), plan, service_team, today, now)

    return add


def sweep_queries(count_queries, now) -> tuple[int, int]:
    queries = count_queries(run_sweep, now)
    return queries, count_queries.result.total


def forget_everything() -> None:
    Notification.objects.all().delete()
    Reminder.objects.all().delete()


def test_a_sweep_runs_the_same_queries_for_2_and_for_8_people(
    grow, now, bob, settings, count_queries
):
    settings.REMINDERS_PER_SWEEP = 1_000  # nobody's reminders folded: every one counts
    grow(2)
    run_sweep(now)  # warms the content-type cache
    forget_everything()
    small, created_small = sweep_queries(count_queries, now)
    assert set(Notification.objects.values_list("kind", flat=True)) == set(Kind.values) - {
        Kind.CARD_EXPIRED,
        Kind.MORE_REMINDERS,
        Kind.JOB_FAILED,
        *EVENT_KINDS,
    }
    again, none = sweep_queries(count_queries, now)
    assert none == 0
    grow(6)
    forget_everything()
    large, created_large = sweep_queries(count_queries, now)
    assert created_large == 4 * created_small
    assert large == small
    assert sweep_queries(count_queries, now) == (again, 0)


def test_a_busy_teams_sweep_runs_no_more_queries_than_a_small_teams(grow, now, count_queries):
    # The cost is counted in queries, not seconds: a clock would measure the machine.
    grow(2)
    run_sweep(now)  # warms the content-type cache
    forget_everything()
    small, _created = sweep_queries(count_queries, now)
    forget_everything()
    grow(18)
    busy, created = sweep_queries(count_queries, now)
    assert created > 0
    assert busy <= small
