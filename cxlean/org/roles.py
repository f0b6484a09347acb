"""The three roles of cxlean and the unit scope that comes with them.

A role is membership of a Django group. Every "who may see or change what" rule in
views, API and admin starts from the functions here, so the rules are the same
everywhere.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.contrib.auth.models import AnonymousUser, Group
from django.db.models import Q

if TYPE_CHECKING:
    from django.contrib.auth.models import User

    from cxlean.org.models import Unit

COORDINATOR = "Lean coordinator"
EMPLOYEE = "Employee"
MANAGEMENT = "Management"
# Owns the organisation-wide catalogues (CX roles, the guide, the competence catalogue
# and its Green Card rules, checklist templates, Gemba question sets, metric
# definitions, the maturity model); unit coordinators propose changes to them.
CX_OWNER = "CX owner"
ROLE_GROUPS = (COORDINATOR, EMPLOYEE, MANAGEMENT, CX_OWNER)


def ensure_role_groups(**kwargs) -> None:
    for name in ROLE_GROUPS:
        Group.objects.get_or_create(name=name)


def _group_names(user: User | AnonymousUser) -> frozenset[str]:
    if not user.is_authenticated:
        return frozenset()
    # Cached on the user object: one query per request, whatever the number of checks.
    if not hasattr(user, "_cxlean_groups"):
        user._cxlean_groups = frozenset(user.groups.values_list("name", flat=True))
    return user._cxlean_groups


def is_coordinator(user: User | AnonymousUser) -> bool:
    return user.is_authenticated and (user.is_superuser or COORDINATOR in _group_names(user))


def is_management(user: User | AnonymousUser) -> bool:
    return user.is_authenticated and MANAGEMENT in _group_names(user)


def is_cx_owner(user: User | AnonymousUser) -> bool:
    return user.is_authenticated and CX_OWNER in _group_names(user)


def may_edit_catalogue(user: User | AnonymousUser) -> bool:
    """The organisation-wide catalogues are changed by their owner (the CX owner) and
    superusers; unit coordinators propose changes (`CatalogueProposal`)."""
    return user.is_authenticated and (user.is_superuser or is_cx_owner(user))


def may_propose_change(user: User | AnonymousUser) -> bool:
    """Lean coordinators propose changes to the catalogues (`CatalogueProposal`)."""
    return is_coordinator(user)


def sees_everything(user: User | AnonymousUser) -> bool:
    """Management reads across the whole organisation; superusers do everything."""
    return user.is_authenticated and (user.is_superuser or is_management(user))


def role_names(user: User | AnonymousUser) -> list[str]:
    return [name for name in ROLE_GROUPS if name in _group_names(user)]


def coordinated_units(user: User | AnonymousUser):
    """The units a coordinator acts within: their own unit and everything below it."""
    from cxlean.org.models import Unit

    if not is_coordinator(user):
        return Unit.objects.none()
    if user.is_superuser:
        return Unit.objects.all()
    unit = _home_unit(user)
    return unit.subtree() if unit else Unit.objects.none()


def coordinates_unit(user: User | AnonymousUser, unit: Unit | None) -> bool:
    if unit is None or not is_coordinator(user):
        return False
    if user.is_superuser:
        return True
    home = _home_unit(user)
    return home is not None and unit.is_within(home)


def unit_neighbourhood(user: User | AnonymousUser):
    """The part of the tree a person works in: their own unit, the units above it and
    the units below it (a team sees its department's backlog, not a sister team's).
    Coordinators add the units they coordinate; superusers see every unit."""
    from cxlean.org.models import Unit

    if not user.is_authenticated:
        return Unit.objects.none()
    if user.is_superuser:
        return Unit.objects.all()
    unit = _home_unit(user)
    if unit is None:
        return Unit.objects.none()
    above = [int(pk) for pk in unit.path.strip("/").split("/") if pk]
    return Unit.objects.filter(Q(pk__in=above) | Q(path__startswith=unit.path))


def contributing_units(user: User | AnonymousUser):
    """The units someone may contribute to (submit improvement ideas, log customer
    feedback): their part of the tree. Management reads and contributes nothing;
    superusers contribute everywhere."""
    from cxlean.org.models import Unit

    if not user.is_authenticated or (is_management(user) and not user.is_superuser):
        return Unit.objects.none()
    return unit_neighbourhood(user)


def _home_unit(user: User) -> Unit | None:
    if not hasattr(user, "_cxlean_home_unit"):
        from cxlean.org.models import Profile

        profile = Profile.objects.select_related("unit").filter(user=user).first()
        user._cxlean_home_unit = profile.unit if profile else None
    return user._cxlean_home_unit


def may_place_unit(user: User | AnonymousUser, unit: Unit, parent: Unit | None) -> bool:
    """Whether `user` may give `unit` (new, or already stored) the parent `parent`.

    Superusers place units anywhere, the top level included. Keeping a unit where it
    is is always allowed (whether the unit may be changed at all is asked separately).
    Otherwise a coordinator places units under the units they coordinate, never at the
    top level, moves only units they coordinate, and never their own home unit: it
    would leave their scope."""
    from cxlean.org.models import Unit

    if not user.is_authenticated:
        return False
    if user.is_superuser:
        return True
    if unit.pk is not None:
        stored = Unit.objects.filter(pk=unit.pk).values_list("parent_id", flat=True).first()
        if stored == (parent.pk if parent is not None else None):
            return True
        home = _home_unit(user)
        if (home is not None and home.pk == unit.pk) or not coordinates_unit(user, unit):
            return False
    return parent is not None and coordinates_unit(user, parent)
