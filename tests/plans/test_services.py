"""Creating a plan from the guide: spreading dates and budget, chaining activities."""

import datetime as dt
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError

from cxlean.plans.models import Activity, Plan
from cxlean.plans.services import plan_create_from_guide, spread

START = dt.date(2027, 1, 4)
END = dt.date(2027, 3, 31)


def test_spread_covers_every_day_once_in_order():
    slots = spread(START, END, [1, 1, 2], Decimal("1000"))
    assert slots[0].start == START and slots[-1].due == END
    for before, after in zip(slots, slots[1:], strict=False):
        assert after.start == before.due + dt.timedelta(days=1)


def test_spread_follows_the_weights():
    slots = spread(START, START + dt.timedelta(days=99), [1, 3], Decimal("0"))
    lengths = [(slot.due - slot.start).days + 1 for slot in slots]
    assert lengths == [25, 75]


def test_spread_splits_the_budget_in_whole_kronor_and_loses_nothing():
    slots = spread(START, END, [1, 1, 1], Decimal("1000.50"))
    assert [slot.cost for slot in slots[:2]] == [Decimal("333"), Decimal("333")]
    assert sum(slot.cost for slot in slots) == Decimal("1000.50")


def test_spread_with_more_slots_than_days_lets_slots_share_days():
    slots = spread(START, START + dt.timedelta(days=1), [1, 1, 1, 1, 1], Decimal("0"))
    assert all(START <= slot.start <= slot.due <= START + dt.timedelta(days=1) for slot in slots)
    for before, after in zip(slots, slots[1:], strict=False):
        assert after.start >= before.due  # chaining finish-to-start stays valid


def test_spread_of_nothing_is_nothing():
    assert spread(START, END, [], Decimal("100")) == []


def test_plan_from_the_guide_has_a_phase_per_step_with_its_activities(guide, bob, service_unit):
    plan = plan_create_from_guide(
        name="Rollout",
        unit=service_unit,
        coordinator=bob,
        start_date=START,
        end_date=END,
        budget=Decimal("60000"),
    )
    phases = list(plan.phases.order_by("order"))
    assert [phase.step for phase in phases] == guide
    assert [phase.activities.count() for phase in phases] == [2, 2, 2]
    activities = list(plan.activities().order_by("start_date", "pk"))
    assert all(START <= a.start_date <= a.due_date <= END for a in activities)
    assert sum(a.planned_cost for a in activities) == Decimal("60000")


def test_plan_from_the_guide_chains_its_activities(guide, bob, service_unit):
    plan = plan_create_from_guide(
        name="Rollout", unit=service_unit, coordinator=bob, start_date=START, end_date=END
    )
    activities = list(plan.activities().order_by("order"))
    assert list(activities[0].depends_on.all()) == []
    for before, after in zip(activities, activities[1:], strict=False):
        assert list(after.depends_on.all()) == [before]
        assert after.start_date >= before.due_date


def test_heavier_steps_get_more_time(guide, bob, service_unit):
    plan = plan_create_from_guide(
        name="Rollout",
        unit=service_unit,
        coordinator=bob,
        start_date=START,
        end_date=START + dt.timedelta(days=99),
    )
    spans = {}
    for phase in plan.phases.all():
        dates = phase.activities.order_by("start_date")
        spans[phase.step.number] = (dates.last().due_date - dates.first().start_date).days + 1
    assert spans == {1: 25, 2: 50, 3: 25}


def test_plan_with_bad_dates_is_refused_and_nothing_is_created(guide, bob, service_unit):
    with pytest.raises(ValidationError) as error:
        plan_create_from_guide(
            name="Backwards", unit=service_unit, coordinator=bob, start_date=END, end_date=START
        )
    assert "end_date" in error.value.message_dict
    assert not Plan.objects.exists() and not Activity.objects.exists()
