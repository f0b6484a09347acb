"""Open improvements on touchpoints and transitions, counted without importing the backlog.

The backlog sits above journeys: an improvement (`backlog.Item`) points at a touchpoint
or at a transition, both reached here through the reverse relation `improvements`.
Which statuses count as open is the backlog's to say: it registers them in its
`AppConfig.ready` (`provide_open_statuses`). Without the backlog installed nothing is
open. Every count is part of the row's own query or a correlated subquery, so the
journey list, the journey map and the API keep their constant number of queries.
"""

from __future__ import annotations

from collections.abc import Iterable

from django.db.models import Count, F, Func, IntegerField, OuterRef, Q, Subquery
from django.db.models.functions import Coalesce

from cxlean.journeys.models import Touchpoint

_open_statuses: tuple[str, ...] = ()


def provide_open_statuses(statuses: Iterable[str]) -> None:
    """Register the statuses of an open improvement (the backlog does, when ready)."""
    global _open_statuses
    _open_statuses = tuple(statuses)


def open_statuses() -> tuple[str, ...]:
    return _open_statuses


def open_improvements() -> Count:
    """Open improvements on a touchpoint or a transition, counted in the row's own query."""
    return Count("improvements", filter=Q(improvements__status__in=_open_statuses), distinct=True)


def open_improvements_in_journey(journey: OuterRef | None = None) -> Coalesce:
    """Open improvements on any touchpoint or transition of a journey (by default the
    outer row's), as a subquery: a join would multiply the rows by stages and touchpoints."""
    journey = OuterRef("pk") if journey is None else journey
    # The model at the other end of the `improvements` relation (the backlog's item).
    improvement = Touchpoint._meta.get_field("improvements").related_model
    items = (
        improvement._default_manager.filter(status__in=_open_statuses)
        .filter(
            Q(touchpoint__stage__journey=journey) | Q(transition__source__stage__journey=journey)
        )
        .order_by()
    )
    # COUNT as a plain function: Django adds no GROUP BY, so the subquery is one row.
    counted = items.annotate(total=Func(F("pk"), function="COUNT")).values("total")
    return Coalesce(Subquery(counted, output_field=IntegerField()), 0)
