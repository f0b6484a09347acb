"""The Gemba cadence: walks done against walks planned, per unit and month.

A maturity signal: a unit that walks as often as it planned to has made "go and see" a
habit. Per unit and calendar month (of the organisation's time zone):
- planned: the walks planned to start in that month, except the cancelled ones (a walk
  that was done was also planned);
- done: those of them that are done;
- cancelled: the walks of that month that were cancelled;
- ratio: done / planned (None when nothing was planned).

Each unit counts its own walks and those of its sub-units among the units asked for
(the same roll-up as the backlog by unit), so a department's row shows the whole
department and its teams show themselves. Two queries whatever the number of units,
months or walks: the units, and the counts per unit and month (the roll-up along the
tree happens here).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

from django.db.models import Count, Q, QuerySet
from django.db.models.functions import TruncMonth
from django.utils import timezone

from cxlean.gemba.models import Walk, WalkStatus, local_zone
from cxlean.org.models import Unit


@dataclass
class MonthCadence:
    month: dt.date  # the first day of the month
    planned: int = 0
    done: int = 0
    cancelled: int = 0

    @property
    def ratio(self) -> float | None:
        return self.done / self.planned if self.planned else None

    @property
    def percent(self) -> int | None:
        ratio = self.ratio
        return round(100 * ratio) if ratio is not None else None


@dataclass
class UnitCadence:
    unit: Unit
    depth: int
    months: list[MonthCadence] = field(default_factory=list)

    @property
    def indented_name(self) -> str:
        return f"{'— ' * self.depth}{self.unit.name}"

    @property
    def total(self) -> MonthCadence:
        total = MonthCadence(self.months[0].month if self.months else dt.date.min)
        for month in self.months:
            total.planned += month.planned
            total.done += month.done
            total.cancelled += month.cancelled
        return total


def month_starts(start_month: dt.date, months: int) -> list[dt.date]:
    """The first days of `months` months from the month of `start_month`."""
    first = start_month.replace(day=1)
    starts = []
    for index in range(max(months, 0)):
        year, month = divmod(first.month - 1 + index, 12)
        starts.append(dt.date(first.year + year, month + 1, 1))
    return starts


def months_back(today: dt.date, months: int) -> dt.date:
    """The first day of the month `months - 1` months before today's (so that `months`
    months end with the current one)."""
    year, month = divmod(today.year * 12 + today.month - 1 - (months - 1), 12)
    return dt.date(year, month + 1, 1)


def local_midnight(day: dt.date) -> dt.datetime:
    return timezone.make_aware(dt.datetime.combine(day, dt.time()), local_zone())


def cadence(units: QuerySet[Unit], start_month: dt.date, months: int) -> list[UnitCadence]:
    """One row per unit (in tree order) with a MonthCadence for each of `months` months
    from `start_month`. See the module's documentation for what is counted."""
    starts = month_starts(start_month, months)
    rows = {unit.pk: UnitCadence(unit, 0) for unit in units.order_by("path")}
    if not rows or not starts:
        return list(rows.values())
    top = min(row.unit.depth for row in rows.values())
    for row in rows.values():
        row.depth = row.unit.depth - top
        row.months = [MonthCadence(month) for month in starts]
    index = {month: position for position, month in enumerate(starts)}
    lines = {pk: [rows[a] for a in row.unit.line if a in rows] for pk, row in rows.items()}
    following = month_starts(starts[-1], 2)[1]
    walks = Walk.objects.filter(
        unit__in=[*rows],
        planned_start__gte=local_midnight(starts[0]),
        planned_start__lt=local_midnight(following),
    ).order_by()
    counts = (
        walks.annotate(month=TruncMonth("planned_start", tzinfo=local_zone()))
        .values("unit", "month")
        .annotate(
            planned=Count("pk", filter=~Q(status=WalkStatus.CANCELLED)),
            done=Count("pk", filter=Q(status=WalkStatus.DONE)),
            cancelled=Count("pk", filter=Q(status=WalkStatus.CANCELLED)),
        )
    )
    for count in counts:
        month = count["month"]
        if isinstance(month, dt.datetime):
            month = (
                timezone.localtime(month, local_zone()).date()
                if timezone.is_aware(month)
                else month.date()
            )
        position = index.get(month.replace(day=1))
        if position is None:
            continue
        for row in lines[count["unit"]]:
            cell = row.months[position]
            cell.planned += count["planned"]
            cell.done += count["done"]
            cell.cancelled += count["cancelled"]
    return list(rows.values())


def flat_rows(rows: list[UnitCadence]) -> list[dict]:
    """The cadence as flat rows for the API: one per unit and month."""
    return [
        {
            "unit": row.unit.pk,
            "unit_name": row.unit.name,
            "month": cell.month,
            "planned": cell.planned,
            "done": cell.done,
            "cancelled": cell.cancelled,
            "ratio": None if cell.ratio is None else round(cell.ratio, 3),
        }
        for row in rows
        for cell in row.months
    ]
