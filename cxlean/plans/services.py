"""Creating a rollout plan from the guide: the one workflow here that writes many rows."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from decimal import ROUND_DOWN, Decimal

from django.db import transaction

from cxlean.guide.models import GuideActivity, GuideStep
from cxlean.org.models import Unit
from cxlean.plans.models import ZERO, Activity, Phase, Plan


@dataclass(frozen=True)
class Slot:
    start: dt.date
    due: dt.date
    cost: Decimal


def spread(start: dt.date, end: dt.date, weights: list[float], budget: Decimal) -> list[Slot]:
    """Split the days from start to end (inclusive) and the budget over consecutive
    slots in proportion to their weights.

    Slot k starts on the day slot k-1 is due or later, so chaining them finish-to-start
    is always valid; when there are more slots than days, slots share days.
    The budget is split in whole kronor; what rounding leaves over goes to the last slot.
    """
    if not weights:
        return []
    total_weight = sum(weights)
    days = (end - start).days + 1
    slots, cumulative, allocated = [], 0.0, ZERO
    for index, weight in enumerate(weights):
        first = int(cumulative / total_weight * days)
        cumulative += weight
        last = max(first, int(cumulative / total_weight * days) - 1)
        if index == len(weights) - 1:
            last = days - 1  # no day lost to float rounding at the end
            cost = budget - allocated
        else:
            cost = (budget * Decimal(weight / total_weight)).quantize(Decimal("1"), ROUND_DOWN)
        allocated += cost
        slots.append(Slot(start + dt.timedelta(days=first), start + dt.timedelta(days=last), cost))
    return slots


@transaction.atomic
def plan_create_from_guide(
    *,
    name: str,
    unit: Unit,
    coordinator,
    start_date: dt.date,
    end_date: dt.date,
    budget: Decimal = ZERO,
    description: str = "",
    steps: list[GuideStep] | None = None,
) -> Plan:
    """Create a plan with a phase per guide step, each holding the step's recommended
    activities, spread over the plan's dates and budget and chained one after another.
    Every row is ordinary plan data afterwards: the coordinator edits it freely."""
    plan = Plan(
        name=name,
        unit=unit,
        coordinator=coordinator,
        start_date=start_date,
        end_date=end_date,
        budget=budget,
        description=description,
    )
    plan.full_clean()
    plan.save()

    steps = steps if steps is not None else list(GuideStep.objects.all())
    by_step: dict[int, list[GuideActivity]] = {step.pk: [] for step in steps}
    for guide_activity in GuideActivity.objects.filter(step__in=steps):
        by_step[guide_activity.step_id].append(guide_activity)

    # Each activity gets an equal share of its step's weight.
    work = [
        (step, ga, step.weight / len(by_step[step.pk])) for step in steps for ga in by_step[step.pk]
    ]
    slots = spread(start_date, end_date, [w for _, _, w in work], budget)

    phases = {
        step.pk: Phase.objects.create(plan=plan, step=step, order=step.number, title=step.title)
        for step in steps
    }
    previous = None
    for order, ((step, guide_activity, _w), slot) in enumerate(zip(work, slots, strict=True)):
        activity = Activity.objects.create(
            phase=phases[step.pk],
            guide_activity=guide_activity,
            order=order,
            title=guide_activity.title,
            description=guide_activity.description,
            start_date=slot.start,
            due_date=slot.due,
            planned_cost=slot.cost,
        )
        if previous is not None:
            activity.depends_on.add(previous)
        previous = activity
    return plan
