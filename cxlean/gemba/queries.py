"""What the Gemba pages read: the walks a person sees (with the figures the list shows,
in a constant number of queries), the open follow-ups of the previous walk of the same
place, and who may close a walk or see the schedules and the cadence.

The rules themselves are the model layer's (`Walk.objects.visible_to`, `walk.can_plan`,
`walk.may_observe`); this module only combines them for the pages.
"""

from __future__ import annotations

import datetime as dt

from django.db.models import (
    Count,
    Exists,
    IntegerField,
    OuterRef,
    Q,
    QuerySet,
    Subquery,
    Value,
)
from django.db.models.functions import Coalesce
from django.utils import timezone

from cxlean.backlog.models import CLOSED_STATUSES
from cxlean.gemba.models import Observation, Schedule, Walk, WalkStatus
from cxlean.org.models import Unit
from cxlean.org.roles import (
    coordinated_units,
    is_coordinator,
    is_read_only,
    sees_everything,
)

# --- who may do what ---------------------------------------------------------------------


def may_plan_walks(user) -> bool:
    """Whether someone plans walks at all: coordinators (of some unit) and superusers."""
    return is_coordinator(user) and not is_read_only(user)


def may_read_schedules(user) -> bool:
    return may_plan_walks(user) or sees_everything(user)


def may_read_cadence(user) -> bool:
    return is_coordinator(user) or sees_everything(user)


def planning_units(user) -> QuerySet[Unit]:
    """The units a person plans walks and schedules for."""
    units = Unit.objects.all() if user.is_superuser else coordinated_units(user)
    return units.order_by("path")


def cadence_units(user) -> QuerySet[Unit]:
    """Coordinators: the units they coordinate; management and superusers: all units."""
    units = Unit.objects.all() if sees_everything(user) else coordinated_units(user)
    return units.order_by("path")


def visible_schedules(user) -> QuerySet[Schedule]:
    return Schedule.objects.visible_to(user).select_related(
        "unit", "leader", "touchpoint", "question_set"
    )


# --- the walk list -----------------------------------------------------------------------


def visible_walks(user) -> QuerySet[Walk]:
    return Walk.objects.visible_to(user)


def listed_walks(user) -> QuerySet[Walk]:
    """Visible walks with what a list row shows: whether the viewer leads or takes part
    (`mine`) and the number of observations, each a subquery so that the rows stay
    one query whatever the number of walks."""
    participates = Walk.participants.through.objects.filter(walk=OuterRef("pk"), user=user.pk)
    observations = (
        Observation.objects.filter(walk=OuterRef("pk"))
        .order_by()
        .values("walk")
        .annotate(n=Count("pk"))
        .values("n")
    )
    return (
        visible_walks(user)
        .select_related("unit", "leader", "touchpoint")
        .annotate(
            mine=Q(leader=user.pk) | Exists(participates),
            observation_count=Coalesce(
                Subquery(observations, output_field=IntegerField()), Value(0)
            ),
        )
    )


def month_bounds(month: dt.date) -> tuple[dt.datetime, dt.datetime]:
    """The first moment of `month` and of the month after, in local time."""
    start = month.replace(day=1)
    following = (start + dt.timedelta(days=32)).replace(day=1)
    zone = timezone.get_current_timezone()
    return (
        dt.datetime.combine(start, dt.time(), tzinfo=zone),
        dt.datetime.combine(following, dt.time(), tzinfo=zone),
    )


def upcoming_first(walks: QuerySet[Walk]) -> QuerySet[Walk]:
    """Planned walks: the viewer's own first, then by time (overdue ones lead)."""
    # `mine` is annotated by `listed_walks`; the django-stubs plugin knows only model fields.
    return walks.order_by("-mine", "planned_start", "pk")  # type: ignore[misc]


# --- follow-ups of the previous walk -----------------------------------------------------


def previous_walk(walk: Walk, user) -> Walk | None:
    """The last done walk before this one at the same place: the same touchpoint, else
    the same place text, else the same process (the text ones within the walk's unit)."""
    earlier = (
        visible_walks(user)
        .filter(status=WalkStatus.DONE, planned_start__lt=walk.planned_start)
        .exclude(pk=walk.pk)
        .select_related("leader")
        .order_by("-planned_start", "-pk")
    )
    candidates = []
    if walk.touchpoint_id:
        candidates.append(Q(touchpoint_id=walk.touchpoint_id))
    if walk.place.strip():
        candidates.append(Q(unit_id=walk.unit_id, place__iexact=walk.place.strip()))
    if walk.process.strip():
        candidates.append(Q(unit_id=walk.unit_id, process__iexact=walk.process.strip()))
    for same_place in candidates:
        found = earlier.filter(same_place).first()
        if found is not None:
            return found
    return None


def open_follow_ups(walk: Walk) -> QuerySet[Observation]:
    """Observations of `walk` still open: not made improvements, or whose improvement is
    neither standardised (act) nor rejected."""
    return (
        walk.observations.filter(
            Q(improvement__isnull=True) | ~Q(improvement__status__in=CLOSED_STATUSES)
        )
        .select_related("improvement", "touchpoint")
        .order_by("-severity", "created_at", "pk")
    )
