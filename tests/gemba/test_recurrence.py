"""Recurring Gemba schedules: which days they fall on, the local start time across
daylight saving, and generating the planned walks ahead of time."""

import datetime as dt
from io import StringIO

import pytest
from django.core.management import CommandError, call_command
from django.utils import timezone

from cxlean.gemba.models import Frequency, Walk, WalkStatus, Weekday
from cxlean.gemba.recurrence import generate_for_schedule, generate_walks
from tests.factories import TouchpointFactory
from tests.gemba.factories import QuestionSetFactory, ScheduleFactory, WalkFactory

pytestmark = pytest.mark.django_db
D = dt.date


def monthly(**fields):
    fields = {"day_of_month": 31, "interval": 1, **fields}
    return ScheduleFactory(frequency=Frequency.MONTHLY, weekday=None, **fields)


# --- occurrences -------------------------------------------------------------------------


def test_every_second_tuesday():
    schedule = ScheduleFactory(starts_on=D(2026, 1, 6), interval=2, weekday=Weekday.TUESDAY)
    assert schedule.occurrences(D(2026, 1, 1), D(2026, 2, 28)) == [
        D(2026, 1, 6),
        D(2026, 1, 20),
        D(2026, 2, 3),
        D(2026, 2, 17),
    ]
    # A window in the middle keeps the rhythm of the start date.
    assert schedule.occurrences(D(2026, 3, 4), D(2026, 3, 31)) == [D(2026, 3, 17), D(2026, 3, 31)]


def test_a_weekly_schedule_starts_on_the_first_weekday_on_or_after_its_start():
    schedule = ScheduleFactory(starts_on=D(2026, 1, 7), interval=1, weekday=Weekday.TUESDAY)
    assert schedule.occurrences(D(2026, 1, 1), D(2026, 1, 31)) == [
        D(2026, 1, 13),
        D(2026, 1, 20),
        D(2026, 1, 27),
    ]


def test_monthly_on_the_31st_is_the_last_day_of_shorter_months():
    schedule = monthly(starts_on=D(2026, 1, 1))
    assert schedule.occurrences(D(2026, 1, 1), D(2026, 6, 30)) == [
        D(2026, 1, 31),
        D(2026, 2, 28),
        D(2026, 3, 31),
        D(2026, 4, 30),
        D(2026, 5, 31),
        D(2026, 6, 30),
    ]


def test_monthly_in_a_leap_year_takes_the_29th_of_february():
    schedule = monthly(starts_on=D(2028, 1, 1), day_of_month=30)
    assert schedule.occurrences(D(2028, 2, 1), D(2028, 3, 31)) == [D(2028, 2, 29), D(2028, 3, 30)]


def test_every_second_month_counts_from_the_start_month_and_skips_a_day_before_the_start():
    schedule = monthly(starts_on=D(2026, 1, 20), day_of_month=15, interval=2)
    # 15 January is before the start; then March, May, July.
    assert schedule.occurrences(D(2026, 1, 1), D(2026, 7, 31)) == [
        D(2026, 3, 15),
        D(2026, 5, 15),
        D(2026, 7, 15),
    ]


def test_ends_on_is_the_last_possible_day():
    schedule = ScheduleFactory(starts_on=D(2026, 1, 6), interval=1, ends_on=D(2026, 1, 20))
    assert schedule.occurrences(D(2026, 1, 1), D(2026, 3, 1)) == [
        D(2026, 1, 6),
        D(2026, 1, 13),
        D(2026, 1, 20),
    ]
    assert schedule.occurrences(D(2026, 2, 1), D(2026, 3, 1)) == []


@pytest.mark.parametrize(
    ("before", "after"),
    [(D(2026, 3, 24), D(2026, 3, 31)), (D(2026, 10, 20), D(2026, 10, 27))],
    ids=["summer time begins 29 March", "summer time ends 25 October"],
)
def test_nine_o_clock_stays_nine_o_clock_across_daylight_saving(before, after):
    schedule = ScheduleFactory(starts_on=D(2026, 1, 6), interval=1, start_time=dt.time(9, 0))
    assert schedule.occurrences(before, after) == [before, after]
    first, second = schedule.planned_start(before), schedule.planned_start(after)
    for start in (first, second):
        local = timezone.localtime(start)
        assert (local.hour, local.minute) == (9, 0)
        assert str(local.tzinfo) == "Europe/Stockholm"
    # A week apart on the wall clock, but not 7 × 24 hours apart.
    elapsed = second.astimezone(dt.UTC) - first.astimezone(dt.UTC)
    assert abs(elapsed - dt.timedelta(days=7)) == dt.timedelta(hours=1)


# --- generating walks --------------------------------------------------------------------


def test_generation_creates_the_planned_walks_within_the_horizon_copying_the_schedule():
    touchpoint = TouchpointFactory()
    question_set = QuestionSetFactory()
    schedule = ScheduleFactory(
        starts_on=D(2026, 1, 6),
        place="Kundtjänstgolvet",
        process="Inkommande samtal",
        touchpoint=touchpoint,
        question_set=question_set,
        duration_minutes=45,
    )
    assert generate_walks(D(2026, 1, 1), 42) == 3  # 6 Jan, 20 Jan, 3 Feb
    walks = list(Walk.objects.order_by("planned_start"))
    assert [timezone.localtime(w.planned_start).date() for w in walks] == [
        D(2026, 1, 6),
        D(2026, 1, 20),
        D(2026, 2, 3),
    ]
    for walk in walks:
        assert walk.schedule == schedule
        assert walk.status == WalkStatus.PLANNED
        assert (walk.unit, walk.leader) == (schedule.unit, schedule.leader)
        assert (walk.place, walk.process) == ("Kundtjänstgolvet", "Inkommande samtal")
        assert (walk.touchpoint, walk.question_set) == (touchpoint, question_set)
        assert walk.duration_minutes == 45
        walk.full_clean()


def test_running_twice_creates_nothing_new():
    ScheduleFactory(starts_on=D(2026, 1, 6))
    monthly(starts_on=D(2026, 1, 1))
    first = generate_walks(D(2026, 1, 1), 60)
    assert first == 4 + 2  # Tuesdays 6 Jan … 17 Feb; 31 Jan and 28 Feb
    assert generate_walks(D(2026, 1, 1), 60) == 0
    assert generate_walks(D(2026, 1, 15), 60) == 1  # 3 March comes into view
    assert Walk.objects.count() == first + 1


def test_a_moved_or_cancelled_walk_is_not_planned_again():
    schedule = ScheduleFactory(starts_on=D(2026, 1, 6))
    generate_for_schedule(schedule, D(2026, 1, 1), 20)
    moved, cancelled = Walk.objects.order_by("planned_start")
    moved.planned_start += dt.timedelta(days=2)  # Thursday of the same week
    moved.save()
    cancelled.cancel()
    assert generate_for_schedule(schedule, D(2026, 1, 1), 20) == 0
    assert Walk.objects.count() == 2


def test_inactive_schedules_and_schedules_without_a_leader_create_nothing():
    inactive = ScheduleFactory(starts_on=D(2026, 1, 6), active=False)
    leaderless = ScheduleFactory(starts_on=D(2026, 1, 6), leader=None)
    assert generate_walks(D(2026, 1, 1), 42) == 0
    assert generate_for_schedule(inactive, D(2026, 1, 1)) == 0
    assert generate_for_schedule(leaderless, D(2026, 1, 1)) == 0
    assert not Walk.objects.exists()


def test_ended_and_not_yet_started_schedules_create_nothing():
    ScheduleFactory(starts_on=D(2025, 1, 7), ends_on=D(2025, 12, 30))
    ScheduleFactory(starts_on=D(2026, 6, 2))
    assert generate_walks(D(2026, 1, 1), 42) == 0


def test_a_schedule_without_place_or_process_gives_its_walks_its_title_as_place():
    schedule = ScheduleFactory(starts_on=D(2026, 1, 6), place="", title="Receptionen")
    generate_for_schedule(schedule, D(2026, 1, 1), 7)
    walk = Walk.objects.get()
    assert walk.place == "Receptionen"
    walk.full_clean()


def test_existing_walks_of_other_schedules_do_not_count():
    schedule = ScheduleFactory(starts_on=D(2026, 1, 6))
    WalkFactory(
        unit=schedule.unit,
        planned_start=schedule.planned_start(D(2026, 1, 6)),
        leader=schedule.leader,
    )
    assert generate_for_schedule(schedule, D(2026, 1, 1), 7) == 1


def test_the_command_plans_the_coming_days():
    today = timezone.localdate()
    weekday = Weekday(today.weekday())
    ScheduleFactory(starts_on=today, weekday=weekday, interval=1)
    out = StringIO()
    call_command("gemba_plan", "--days", "14", stdout=out)
    assert Walk.objects.count() == 3  # today, in a week, in two weeks
    assert "3 planned walk(s) created for the next 14 days" in out.getvalue()
    call_command("gemba_plan", stdout=StringIO())
    assert Walk.objects.count() == 7  # six weeks ahead by default
    with pytest.raises(CommandError):
        call_command("gemba_plan", "--days", "0")
