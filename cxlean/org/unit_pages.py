"""What the unit pages show from the rollout plans, asked for without importing plans.

The unit list counts each unit's plans the user can see, and a unit's page lists the
plans of the unit and everything below it. Plans sit above org: `cxlean.plans`
registers how to read them here in its `AppConfig.ready` (`provide`). Without plans
installed the count is 0 and the list empty.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any

from django.db.models import Expression, Value
from django.db.models.fields import IntegerField

from cxlean.org.models import Unit

# user -> an expression counting a unit row's plans the user may see.
PlanCount = Callable[[Any], Expression]
# (unit, user) -> the plans of the unit and its sub-units the user may see, with progress.
UnitPlans = Callable[[Unit, Any], Sequence[Any]]

_plan_count: PlanCount | None = None
_unit_plans: UnitPlans | None = None


def provide(plan_count: PlanCount, unit_plans: UnitPlans) -> None:
    """Register how the unit pages read plans (plans does, in its AppConfig.ready)."""
    global _plan_count, _unit_plans
    _plan_count, _unit_plans = plan_count, unit_plans


def plan_count(user) -> Expression:
    if _plan_count is None:
        return Value(0, output_field=IntegerField())
    return _plan_count(user)


def unit_plans(unit: Unit, user) -> Sequence[Any]:
    return _unit_plans(unit, user) if _unit_plans is not None else []
