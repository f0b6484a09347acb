"""The plans of a unit, as the organisation's unit pages show them
(registered with `cxlean.org.unit_pages`)."""

from __future__ import annotations

from django.db.models import Count, Q

from cxlean.core.typed import default_ordering
from cxlean.org.models import Unit
from cxlean.plans.models import Plan, with_progress


def plan_count(user) -> Count:
    """A unit row's own plans that the user may see."""
    visible_plans = Plan.objects.visible_to(user).values("pk")
    return Count("plans", filter=Q(plans__in=visible_plans), distinct=True)


def unit_plans(unit: Unit, user) -> list[Plan]:
    """The plans of this unit and its sub-units that the user may see, with figures."""
    plans = (
        Plan.objects.visible_to(user)
        .filter(unit__in=unit.subtree())
        .with_figures()
        .select_related("unit")
        # with_figures() aggregates, which drops Meta.ordering
        .order_by(*default_ordering(Plan))
    )
    return with_progress(plans)
