"""Planned walks from recurring schedules, created ahead of time.

`generate_walks(today)` creates, for every active schedule, the planned walks of its
occurrences from today up to `horizon_days` ahead (`Schedule.occurrences`). It is
idempotent: running it again, or twice at once, creates nothing new. An occurrence is
there when the schedule already has a walk in the same period (the same Monday-to-Sunday
week for weekly schedules, the same month for monthly ones), whatever its time or
status, so a walk a coordinator moved to another day of that week, or cancelled, is not
planned again (delete a walk and it comes back: cancel it instead). The unique
constraint on (schedule, planned start) is the safety net when two runs race. Walks
already created are never changed, not even when the schedule is. The
command `python manage.py gemba_plan [--days N]` runs it (daily, from cron; a Celery
beat task later); saving a schedule runs `generate_for_schedule` for that schedule at
once, wherever it is saved (admin, API, web).
"""

from __future__ import annotations

import datetime as dt

from django.db import IntegrityError, transaction
from django.utils import timezone

from cxlean.gemba.models import Frequency, Schedule, Walk, WalkStatus, local_zone

DEFAULT_HORIZON_DAYS = 42


def generate_for_schedule(
    schedule: Schedule, today: dt.date | None = None, horizon_days: int = DEFAULT_HORIZON_DAYS
) -> int:
    """Create the schedule's missing planned walks in [today, today + horizon_days].
    Returns how many were created. An inactive schedule (or one without a leader, as a
    walk needs one) creates nothing."""
    today = today or timezone.localdate()
    if not schedule.active or schedule.leader_id is None:
        return 0
    days = schedule.occurrences(today, today + dt.timedelta(days=horizon_days))
    if not days:
        return 0
    taken = periods_taken(schedule, days)
    starts = [schedule.planned_start(day) for day in days if period(schedule, day) not in taken]
    created = 0
    for start in starts:
        try:
            with transaction.atomic():
                _, made = Walk.objects.get_or_create(
                    schedule=schedule,
                    planned_start=start,
                    defaults={
                        "unit_id": schedule.unit_id,
                        "leader_id": schedule.leader_id,
                        "place": walk_place(schedule),
                        "process": schedule.process,
                        "touchpoint_id": schedule.touchpoint_id,
                        "question_set_id": schedule.question_set_id,
                        "duration_minutes": schedule.duration_minutes,
                        "status": WalkStatus.PLANNED,
                        "created_by_id": schedule.created_by_id,
                    },
                )
        except IntegrityError:  # created by a concurrent run in the meantime
            made = False
        created += made
    return created


def period(schedule: Schedule, day: dt.date) -> tuple[int, int]:
    """The period an occurrence stands for: its ISO week, or its month."""
    if schedule.frequency == Frequency.MONTHLY:
        return (day.year, day.month)
    year, week, _weekday = day.isocalendar()
    return (year, week)


def periods_taken(schedule: Schedule, days: list[dt.date]) -> set[tuple[int, int]]:
    """The periods of `days` in which the schedule already has a walk (one query)."""
    first = days[0] - dt.timedelta(days=days[0].weekday())
    last = days[-1] + dt.timedelta(days=7)
    if schedule.frequency == Frequency.MONTHLY:
        first, last = days[0].replace(day=1), days[-1] + dt.timedelta(days=31)
    zone = local_zone()
    starts = Walk.objects.filter(
        schedule=schedule,
        planned_start__gte=timezone.make_aware(dt.datetime.combine(first, dt.time()), zone),
        planned_start__lt=timezone.make_aware(dt.datetime.combine(last, dt.time()), zone),
    ).values_list("planned_start", flat=True)
    return {period(schedule, timezone.localtime(start, zone).date()) for start in starts}


def walk_place(schedule: Schedule) -> str:
    """The walk's place: the schedule's, or its title when it names no place, process
    or touchpoint (a walk needs to say where it goes)."""
    if schedule.place or schedule.process or schedule.touchpoint_id:
        return schedule.place
    return schedule.title


def generate_walks(today: dt.date | None = None, horizon_days: int = DEFAULT_HORIZON_DAYS) -> int:
    """Create the planned walks of every active schedule for the coming `horizon_days`
    days. Returns how many walks were created."""
    today = today or timezone.localdate()
    schedules = Schedule.objects.filter(
        active=True, leader__isnull=False, starts_on__lte=(today + dt.timedelta(days=horizon_days))
    ).exclude(ends_on__lt=today)
    return sum(generate_for_schedule(schedule, today, horizon_days) for schedule in schedules)
