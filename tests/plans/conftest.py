"""A rollout plan of Customer Service (Bob's unit) in which Alice owns one activity.

Dates are relative to today so that "late" means the same thing whenever the tests run.
"""

import datetime as dt
from decimal import Decimal

import pytest
from django.utils import timezone

from tests.factories import (
    ActivityFactory,
    GuideActivityFactory,
    GuideStepFactory,
    PhaseFactory,
    PlanFactory,
)


def days(n: int) -> dt.date:
    return timezone.localdate() + dt.timedelta(days=n)


@pytest.fixture
def service_plan(bob, service_unit):
    return PlanFactory(
        name="Lean CX in Customer Service",
        unit=service_unit,
        coordinator=bob,
        start_date=days(-60),
        end_date=days(120),
        budget=Decimal("100000"),
    )


@pytest.fixture
def service_phase(service_plan):
    return PhaseFactory(plan=service_plan, title="Map the customer journey", order=1)


@pytest.fixture
def alices_activity(service_phase, alice):
    return ActivityFactory(
        phase=service_phase,
        owner=alice,
        title="Interview customers",
        start_date=days(-10),
        due_date=days(10),
        planned_cost=Decimal("5000"),
    )


@pytest.fixture
def other_activity(service_phase, alices_activity):
    """Starts when Alice's activity ends; nobody owns it yet."""
    activity = ActivityFactory(
        phase=service_phase,
        owner=None,
        title="Write personas",
        start_date=days(10),
        due_date=days(30),
        planned_cost=Decimal("8000"),
    )
    activity.depends_on.add(alices_activity)
    return activity


@pytest.fixture
def sales_plan(carol, sales_unit):
    return PlanFactory(
        name="Lean CX in Sales",
        unit=sales_unit,
        coordinator=carol,
        start_date=days(-30),
        end_date=days(200),
    )


@pytest.fixture
def guide(db):
    """Three guide steps with two recommended activities each; step 2 weighs double."""
    steps = [
        GuideStepFactory(
            number=n, title_en=f"Step {n}", title_sv=f"Steg {n}", weight=2 if n == 2 else 1
        )
        for n in (1, 2, 3)
    ]
    for step in steps:
        for order in (1, 2):
            GuideActivityFactory(
                step=step,
                order=order,
                title_en=f"Do {step.number}.{order}",
                title_sv=f"Gör {step.number}.{order}",
            )
    return steps
