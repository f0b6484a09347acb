"""The three roles of cxlean and the unit scope that comes with them.

A role is membership of a Django group. Every "who may see or change what" rule in
views, API and admin starts from the functions here, so the rules are the same
everywhere.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, TypeGuard

from django.contrib.auth.models import AnonymousUser, Group
from django.contrib.auth.models import User as UserModel
from django.db.models import Exists, OuterRef, Q

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
    cache = vars(user)
    if "_cxlean_groups" not in cache:
        cache["_cxlean_groups"] = frozenset(user.groups.values_list("name", flat=True))
    return cache["_cxlean_groups"]


def is_management(user: User | AnonymousUser) -> bool:
    """In the Management group. Whether they may change anything is `may_write`."""
    return user.is_authenticated and MANAGEMENT in _group_names(user)


# --- management reads and writes nothing --------------------------------------------------
# The one rule for every surface (web views, API permissions, the admin, model methods,
# reminders): a person in the Management group reads like management and writes nothing,
# whatever other groups they hold. A person who is both Management and a Lean coordinator
# is therefore management: they see everything and change nothing, not even in the units
# they would coordinate. Superusers do everything. Every "may change" answer starts here.


def is_read_only(user: User | AnonymousUser) -> bool:
    """Management who is not a superuser: reads everything, writes nothing."""
    return user.is_authenticated and not user.is_superuser and is_management(user)


def may_write(user: User | AnonymousUser) -> bool:
    """Signed in and not read-only (see `is_read_only`). What they may change is then
    decided by their role and scope."""
    return user.is_authenticated and not is_read_only(user)


def read_only_people() -> Q:
    """`is_read_only` as a condition on User rows."""
    in_management = UserModel.groups.through.objects.filter(
        user_id=OuterRef("pk"), group__name=MANAGEMENT
    )
    return Q(Exists(in_management)) & Q(is_superuser=False)


def is_coordinator(user: User | AnonymousUser) -> TypeGuard[User]:
    """Acts as a Lean coordinator: a superuser, or in the coordinator group and not
    read-only (a coordinator who is also management is management, `is_read_only`)."""
    if not user.is_authenticated:
        return False
    return user.is_superuser or (COORDINATOR in _group_names(user) and may_write(user))


def is_cx_owner(user: User | AnonymousUser) -> bool:
    return user.is_authenticated and CX_OWNER in _group_names(user)


def may_edit_catalogue(user: User | AnonymousUser) -> bool:
    """The organisation-wide catalogues are changed by their owner (the CX owner) and
    superusers; unit coordinators propose changes (`CatalogueProposal`)."""
    return user.is_authenticated and (user.is_superuser or (is_cx_owner(user) and may_write(user)))


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
    return Unit.objects.filter(Q(pk__in=unit.line) | Q(path__startswith=unit.path))


def contributing_units(user: User | AnonymousUser):
    """The units someone may contribute to (submit improvement ideas, log customer
    feedback): their part of the tree. Management reads and contributes nothing;
    superusers contribute everywhere."""
    from cxlean.org.models import Unit

    if not may_write(user):
        return Unit.objects.none()
    return unit_neighbourhood(user)


def home_unit_id(user: User | AnonymousUser) -> int | None:
    """The pk of the person's own unit (from their profile), or None: the unit a new
    record starts out in."""
    profile = getattr(user, "profile", None)
    return profile.unit_id if profile else None


def _home_unit(user: User) -> Unit | None:
    cache = vars(user)  # cached on the user object, as the groups are
    if "_cxlean_home_unit" not in cache:
        from cxlean.org.models import Profile

        profile = Profile.objects.select_related("unit").filter(user=user).first()
        cache["_cxlean_home_unit"] = profile.unit if profile else None
    return cache["_cxlean_home_unit"]


# --- rank and sign-in identity -------------------------------------------------------------
# Who may change how someone signs in. A coordinator who could set a Management person's
# e-mail address could reset their password and sign in as them; one who could hand out
# the coordinator role could make a second coordinator to sign off their own records. So:
#
# * Everyone has a rank: employee < coordinator < management and CX owner < superuser. A
#   person with several roles has the highest; a group that is not a rank here counts as
#   employee. The CX owner ranks with management: whoever could sign in as them could
#   change every unit's Green Card rules and the other catalogues.
# * The sign-in identity of a person (username, e-mail address, password, roles, active)
#   and their record as a whole are changed only by someone who outranks them: a
#   superuser, or a coordinator for the people of their units below their own rank.
#   Management reads and changes nothing. People of equal rank (two coordinators) cannot
#   change each other.
# * Only superusers give roles above employee (coordinator, management, any other).
# * Nobody changes their own roles or active flag here; a coordinator may keep their own
#   names and e-mail address up to date (a new address is confirmed from that address).
# * Single sign-on (`cxlean.org.sso`) is no actor here: on a person's own sign-in
#   through the provider, the system brings their name, e-mail address, roles, unit and
#   CX roles in line with what the organisation's directory asserts, through the claim
#   mappings that only superusers edit. The audit records these changes with no actor
#   and the surface "single sign-on".
# API, admin and the people import all ask these functions.

EMPLOYEE_RANK = 0
COORDINATOR_RANK = 1
MANAGEMENT_RANK = 2
SUPERUSER_RANK = 3
GROUP_RANKS = {
    EMPLOYEE: EMPLOYEE_RANK,
    COORDINATOR: COORDINATOR_RANK,
    MANAGEMENT: MANAGEMENT_RANK,
    CX_OWNER: MANAGEMENT_RANK,
}


def rank(user: User | AnonymousUser) -> int:
    """The person's highest rank; -1 for someone not signed in."""
    if not user.is_authenticated:
        return -1
    if user.is_superuser:
        return SUPERUSER_RANK
    names = _loaded_group_names(user)
    return max((GROUP_RANKS.get(name, EMPLOYEE_RANK) for name in names), default=EMPLOYEE_RANK)


def _loaded_group_names(user: User) -> frozenset[str]:
    """The groups, from `prefetch_related("groups")` when the user came with them."""
    prefetched = getattr(user, "_prefetched_objects_cache", {}).get("groups")
    if prefetched is not None:
        return frozenset(group.name for group in prefetched)
    return _group_names(user)


def outranks(actor: User | AnonymousUser, person: User) -> bool:
    return rank(actor) > rank(person)


def sign_in_refusal(actor: User | AnonymousUser, person: User) -> str | None:
    """Why `actor` may not change `person`'s sign-in identity (or their record), or None
    when they may. The reasons are the messages the API, admin and import show."""
    from django.utils.translation import gettext as _

    if actor.is_authenticated and actor.is_superuser:
        return None
    if not is_coordinator(actor):
        return _("Only Lean coordinators and superusers change people.")
    if person.pk == actor.pk:
        return None
    values = {"value": person.get_username()}
    if person.is_superuser:
        return _("'%(value)s' is a superuser: only a superuser changes them.") % values
    unit = _unit_of_person(person)
    if not coordinates_unit(actor, unit):
        return _(
            "'%(value)s' belongs to %(unit)s, a unit you do not coordinate: ask a "
            "coordinator of that unit."
        ) % {**values, "unit": unit.name if unit else _("no unit")}
    if MANAGEMENT in _loaded_group_names(person):
        return _("'%(value)s' is management: only a superuser changes them.") % values
    if CX_OWNER in _loaded_group_names(person):
        return _("'%(value)s' is the CX owner: only a superuser changes them.") % values
    if not outranks(actor, person):
        return (
            _(
                "'%(value)s' has a role equal to yours: only a superuser changes them or how "
                "they sign in."
            )
            % values
        )
    return None


def _unit_of_person(person: User) -> Unit | None:
    """The person's unit, from the profile when it was loaded with them."""
    if "profile" in person._state.fields_cache:
        profile = person._state.fields_cache["profile"]
        return profile.unit if profile else None
    return _home_unit(person)


def may_change_sign_in(actor: User | AnonymousUser, person: User) -> bool:
    """Username, e-mail address, password and the rest of the person's record."""
    return sign_in_refusal(actor, person) is None


def may_change_access(actor: User | AnonymousUser, person: User) -> bool:
    """Roles and the active flag: as `may_change_sign_in`, but never one's own."""
    return person.pk != actor.pk and may_change_sign_in(actor, person)


def may_grant_role(actor: User | AnonymousUser, role: str) -> bool:
    """Superusers give every role; coordinators only the employee role (every new person's)."""
    if not actor.is_authenticated:
        return False
    if actor.is_superuser:
        return True
    return role == EMPLOYEE and is_coordinator(actor)


def may_set_password(actor: User | AnonymousUser, person: User | None = None) -> bool:
    """Only superusers type in a password for someone else; everyone else chooses their
    own through "Forgot your password?", which mails the confirmed address."""
    if not actor.is_authenticated:
        return False
    return actor.is_superuser or (person is not None and person.pk == actor.pk)


def reads_sign_in_audit(user: User | AnonymousUser) -> bool:
    return sees_everything(user) or is_coordinator(user)


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
