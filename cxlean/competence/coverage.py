"""Competence coverage by unit, for management and coordinators (an admin page).

Per unit, counting the unit and everything below it: how many people work there, how
many of the activity-person pairs their CX roles require are met (signed off at the
required level and still valid), how many of the people with CX roles hold a valid
Green Card, and how many of the activities required there only one person or nobody
in the unit can do on their own (single points of knowledge).

The figures come from five aggregate queries over the whole scope, whatever the
number of units or people, and are rolled up the unit tree in Python.
"""

from __future__ import annotations

import datetime as dt
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass, field

from django.db.models import Count, Exists, OuterRef, QuerySet

from cxlean.competence.models import (
    INDEPENDENT,
    SINGLE_POINT_OF_KNOWLEDGE,
    GreenCard,
    Record,
    Requirement,
)
from cxlean.org.models import Profile, Unit
from cxlean.org.roles import coordinated_units, sees_everything


@dataclass
class UnitCoverage:
    """The figures of one unit with its sub-units."""

    unit: Unit
    depth: int  # below the topmost unit shown
    people: int = 0
    people_with_roles: int = 0
    required: int = 0  # activity-person pairs the people's roles require
    met: int = 0
    certified: int = 0  # people holding a valid Green Card
    holders: Counter = field(default_factory=Counter)  # activity id -> people at U or O
    required_activities: set[int] = field(default_factory=set)

    @property
    def indented_name(self) -> str:
        return f"{'— ' * self.depth}{self.unit.name}"

    @property
    def percent(self) -> int | None:
        return round(100 * self.met / self.required) if self.required else None

    @property
    def single_points(self) -> int:
        """Activities someone here must have but at most one person here can do alone."""
        return sum(
            1 for a in self.required_activities if self.holders[a] <= SINGLE_POINT_OF_KNOWLEDGE
        )


def coverage_units(viewer) -> QuerySet[Unit]:
    """Management sees every unit; a coordinator the units they coordinate."""
    units = Unit.objects.all() if sees_everything(viewer) else coordinated_units(viewer)
    return units.order_by("path")


def coverage_by_unit(units: Iterable[Unit], today: dt.date) -> list[UnitCoverage]:
    """One row per unit, in tree order, each with the totals of its subtree (only the
    units given count: a coordinator's figures stop at the edge of their units)."""
    units = list(units)
    if not units:
        return []
    rows = {unit.pk: UnitCoverage(unit, 0) for unit in units}
    top = min(unit.depth for unit in units)
    for row in rows.values():
        row.depth = row.unit.depth - top
    lines = {unit.pk: [rows[a] for a in unit.line if a in rows] for unit in units}
    profiles = Profile.objects.filter(unit__in=units, user__is_active=True)

    for unit_id, has_roles, required in people_figures(profiles):
        for row in lines[unit_id]:
            row.people += 1
            row.people_with_roles += has_roles
            row.required += required
    for unit_id, met in met_by_unit(profiles, today):
        for row in lines[unit_id]:
            row.met += met
    for unit_id, certified in certified_by_unit(profiles, today):
        for row in lines[unit_id]:
            row.certified += certified
    for unit_id, activity_id in required_activities(profiles):
        for row in lines[unit_id]:
            row.required_activities.add(activity_id)
    for unit_id, activity_id, holders in independent_holders(profiles, today):
        for row in lines[unit_id]:
            row.holders[activity_id] += holders
    return list(rows.values())


def people_figures(profiles: QuerySet[Profile]):
    """(unit id, 1 if the person holds a CX role, activities their roles require) for
    each person."""
    rows = (
        profiles.annotate(
            role_count=Count("cx_roles", distinct=True),
            required=Count("cx_roles__requirements__activity", distinct=True),
        )
        .order_by()
        .values_list("unit_id", "role_count", "required")
    )
    return ((unit_id, int(roles > 0), required) for unit_id, roles, required in rows)


def met_by_unit(profiles: QuerySet[Profile], today: dt.date):
    """(unit id, requirements met): records valid today at or above the highest level
    any of the person's roles requires - card_progress's rule for the card of the
    concept as a whole, as one aggregate."""
    wanted = Requirement.objects.filter(
        activity=OuterRef("activity"), role__profiles__user=OuterRef("person")
    )
    return (
        Record.objects.filter(person__profile__in=profiles)
        .valid_on(today)
        .filter(Exists(wanted))
        .exclude(Exists(wanted.filter(level__gt=OuterRef("level"))))
        .order_by()
        .values("person__profile__unit")
        .annotate(met=Count("pk"))
        .values_list("person__profile__unit", "met")
    )


def certified_by_unit(profiles: QuerySet[Profile], today: dt.date):
    """(unit id, people holding a Green Card that has not expired)."""
    return (
        profiles.filter(Exists(GreenCard.objects.filter(person=OuterRef("user")).valid_on(today)))
        .order_by()
        .values("unit")
        .annotate(people=Count("pk"))
        .values_list("unit", "people")
    )


def required_activities(profiles: QuerySet[Profile]):
    """(unit id, activity id) for every activity someone in the unit must have."""
    return (
        profiles.filter(cx_roles__requirements__isnull=False)
        .order_by()
        .values_list("unit_id", "cx_roles__requirements__activity_id")
        .distinct()
    )


def independent_holders(profiles: QuerySet[Profile], today: dt.date):
    """(unit id, activity id, people holding a valid U or O in it)."""
    return (
        Record.objects.filter(person__profile__in=profiles, level__gte=INDEPENDENT)
        .valid_on(today)
        .order_by()
        .values("person__profile__unit", "activity")
        .annotate(people=Count("pk"))
        .values_list("person__profile__unit", "activity", "people")
    )
