"""Which units a person reads and records metrics for, combined from the role functions
of `cxlean.org.roles` for the pages, the API and the admin alike.

- Reading: management and superusers every unit; everyone else their part of the tree
  (their unit, the units above it and the units below it, a coordinator's units).
- Recording answers, entering figures, setting targets: coordinators in the units they
  coordinate, superusers everywhere; never management.

A unit's figure counts the answers of all its sub-units, also those the reader cannot
open one by one: an employee reads the company's NPS, which includes every department's
answers (`counted_units`).
"""

from __future__ import annotations

from functools import reduce
from operator import or_

from django.db.models import Q, QuerySet

from cxlean.org.models import Unit
from cxlean.org.roles import (
    coordinated_units,
    is_coordinator,
    is_read_only,
    sees_everything,
)
from cxlean.org.roles import unit_neighbourhood as neighbourhood


def may_record(user) -> bool:
    """Whether someone records metrics at all: coordinators and superusers."""
    return is_coordinator(user) and not is_read_only(user)


def readable_units(user) -> QuerySet[Unit]:
    if not user.is_authenticated:
        return Unit.objects.none()
    units = Unit.objects.all() if sees_everything(user) else neighbourhood(user)
    return units.order_by("path")


def recording_units(user) -> QuerySet[Unit]:
    if not may_record(user):
        return Unit.objects.none()
    units = Unit.objects.all() if user.is_superuser else coordinated_units(user)
    return units.order_by("path")


def counted_units(units: list[Unit]) -> QuerySet[Unit]:
    """The units whose answers count in the figures of `units`: each of them and
    everything below it."""
    if not units:
        return Unit.objects.none()
    paths = sorted({unit.path for unit in units})
    tops = [path for path in paths if not any(p != path and path.startswith(p) for p in paths)]
    return Unit.objects.filter(reduce(or_, (Q(path__startswith=path) for path in tops)))


def home_unit(user) -> Unit | None:
    profile = getattr(user, "profile", None) if user.is_authenticated else None
    return profile.unit if profile else None
