"""The Gemba pages: the walk list, planning and editing walks, schedules and the cadence,
for each role. The walk page used on the floor (answers, observations, improvements,
photos, done/cancel, report) is in test_views_walk.py.

`walk` is a planned walk on Kundservice's floor led by Bob (coordinator of Kundservice)
with Alice (employee in Team Chatt, under Kundservice) taking part. Dave works in Team
Chatt too but does not take part; Carol coordinates Sales (a sibling unit: Kundservice's
walks do not exist for her); Maria is management (reads everything, changes nothing).
"""

import datetime as dt

import pytest
from django.contrib.messages import get_messages
from django.urls import reverse
from django.utils import timezone

from cxlean.gemba.models import Frequency, Schedule, Walk, WalkStatus, Weekday
from tests.factories import UnitFactory, UserFactory
from tests.gemba.conftest import days, local
from tests.gemba.factories import (
    ObservationFactory,
    ScheduleFactory,
    WalkFactory,
)

EN = {"language": "en"}
LIST = reverse("gemba:list")
NEW = reverse("gemba:new")
SCHEDULES = reverse("gemba:schedules")
SCHEDULE_NEW = reverse("gemba:schedule_new")
CADENCE = reverse("gemba:cadence")


def messages_of(response) -> list[str]:
    return [str(message) for message in get_messages(response.wsgi_request)]


def html_of(client, address: str, **extra) -> str:
    response = client.get(address, **EN, **extra)
    assert response.status_code == 200, response.status_code
    return response.content.decode()


# --- anonymous ---------------------------------------------------------------------------


@pytest.mark.parametrize(
    "name", ["list", "new", "schedules", "schedule_new", "cadence", "detail", "edit", "report"]
)
def test_anonymous_visitors_are_sent_to_log_in(client, walk, name):
    args = [walk.pk] if name in ("detail", "edit", "report") else []
    response = client.get(reverse(f"gemba:{name}", args=args))
    assert response.status_code == 302
    assert response.url.startswith(reverse("login"))


# --- the list ----------------------------------------------------------------------------


def test_the_list_shows_the_walks_of_the_persons_part_of_the_tree(as_user, alice, walk, sales_walk):
    page = html_of(as_user(alice), LIST)
    assert "Kundtjänstgolvet" in page
    assert "Säljgolvet" not in page
    assert "You take part" in page
    assert "Plan a walk" not in page  # employees do not plan
    assert reverse("gemba:schedules") not in page


def test_carol_sees_sales_walks_and_not_kundservices(as_user, carol, walk, sales_walk):
    page = html_of(as_user(carol), LIST)
    assert "Säljgolvet" in page and "Kundtjänstgolvet" not in page
    assert "You lead" in page


def test_management_sees_every_walk_but_plans_none(as_user, maria, walk, sales_walk):
    page = html_of(as_user(maria), LIST)
    assert "Säljgolvet" in page and "Kundtjänstgolvet" in page
    assert "Plan a walk" not in page
    assert reverse("gemba:cadence") in page  # the tab


def test_coordinators_see_plan_a_walk_and_schedules(as_user, bob, walk):
    page = html_of(as_user(bob), LIST)
    assert "Plan a walk" in page
    assert reverse("gemba:schedules") in page
    assert reverse("gemba:cadence") in page


def test_own_walks_come_first_and_overdue_ones_are_flagged(as_user, alice, service_unit, walk):
    earlier = WalkFactory(unit=service_unit, place="Disken", planned_start=local(days(1)))
    overdue = WalkFactory(unit=service_unit, place="Receptionen", planned_start=local(days(-3)))
    page = html_of(as_user(alice), LIST)
    # Alice takes part in `walk`: it leads, then the others by time (overdue first).
    assert page.index("Kundtjänstgolvet") < page.index("Receptionen") < page.index("Disken")
    assert f'id="walk-{overdue.pk}" class="is-late"' in page
    assert f'id="walk-{earlier.pk}" class="is-late"' not in page
    assert page.count(">Late<") == 1


def test_done_walks_are_listed_as_recent_and_cancelled_ones_only_when_asked(
    as_user, bob, service_unit
):
    WalkFactory(
        unit=service_unit,
        place="Gjord",
        status=WalkStatus.DONE,
        actual_minutes=25,
        planned_start=local(days(-10)),
    )
    WalkFactory(
        unit=service_unit,
        place="Inställd",
        status=WalkStatus.CANCELLED,
        planned_start=local(days(-5)),
    )
    client = as_user(bob)
    page = html_of(client, LIST)
    assert "Recently done" in page and "Gjord" in page
    assert "Inställd" not in page
    page = html_of(client, f"{LIST}?status=cancelled")
    assert "Inställd" in page and "Gjord" not in page


def test_filters_by_unit_and_month(as_user, maria, walk, sales_walk, service_unit):
    WalkFactory(unit=service_unit, place="Nästa månad", planned_start=local(days(40)))
    client = as_user(maria)
    page = html_of(client, f"{LIST}?unit={service_unit.pk}")
    assert "Kundtjänstgolvet" in page and "Säljgolvet" not in page
    month = walk.planned_start.astimezone(timezone.get_current_timezone()).strftime("%Y-%m")
    page = html_of(client, f"{LIST}?month={month}")
    assert "Kundtjänstgolvet" in page and "Nästa månad" not in page


def test_a_filter_that_is_not_understood_is_reported_and_ignored(as_user, alice, walk):
    page = html_of(as_user(alice), f"{LIST}?status=lost&month=March&unit=x")
    assert "A filter was not understood and is ignored." in page
    assert "Kundtjänstgolvet" in page


def test_more_planned_walks_than_shown_link_to_the_full_list(as_user, bob, service_unit):
    for n in range(26):
        WalkFactory(unit=service_unit, place=f"Plats {n}", planned_start=local(days(n + 1)))
    page = html_of(as_user(bob), LIST)
    assert "All planned walks" in page
    page = html_of(as_user(bob), f"{LIST}?status=planned")
    assert "Plats 25" in page


def test_the_list_is_in_swedish_by_default(as_user, alice, walk):
    page = as_user(alice).get(LIST).content.decode()
    assert "Enhet och dess underenheter" in page and "Filtrera" in page
    assert "Planerad" in page  # the walk's status


def fill_walks(size: int, units, people) -> None:
    for n in range(size):
        walk = WalkFactory(
            unit=units[n % len(units)],
            leader=people[n % len(people)],
            participants=people[:2],
            place=f"Plats {n}",
            planned_start=local(days(n - size // 2)),
            status=[WalkStatus.PLANNED, WalkStatus.DONE][n % 2],
            actual_minutes=30 if n % 2 else None,
        )
        ObservationFactory(walk=walk)


@pytest.mark.parametrize(
    "address", [LIST, f"{LIST}?status=planned", f"{LIST}?status=done&page=1", SCHEDULES, CADENCE]
)
def test_list_pages_keep_their_query_count(
    as_user, bob, alice, maria, service_unit, service_team, address, count_queries
):
    units = [service_unit, service_team, UnitFactory(parent=service_team)]
    people = [alice, bob, UserFactory(unit=service_team)]
    for viewer in (bob, maria):
        client = as_user(viewer)
        fill_walks(2, units, people)
        ScheduleFactory(unit=service_unit, leader=bob)
        client.get(address)  # warm up (session, content types)
        small = count_queries(client, address)
        fill_walks(30, units, people)
        for _ in range(5):
            ScheduleFactory(unit=units[_ % 3], leader=bob)
        large = count_queries(client, address)
        assert small == large, viewer


# --- planning a walk ---------------------------------------------------------------------


def plan_data(unit, person, **changes) -> dict:
    data = {
        "unit": unit.pk,
        "day": days(5).isoformat(),
        "time": "09:30",
        "duration_minutes": "45",
        "leader": person.pk,
        "participants": [],
        "place": "Kundtjänstgolvet",
        "process": "",
        "touchpoint": "",
        "question_set": "",
    }
    data.update(changes)
    return data


def test_a_coordinator_plans_a_walk(as_user, bob, alice, service_team, phone_queue, questions):
    client = as_user(bob)
    page = html_of(client, NEW)
    assert "Flytta hem" in page  # touchpoints grouped by journey
    data = plan_data(
        service_team,
        bob,
        participants=[alice.pk],
        touchpoint=phone_queue.pk,
        question_set=questions.pk,
    )
    response = client.post(NEW, data)
    walk = Walk.objects.get()
    assert response.status_code == 302 and response.url == reverse("gemba:detail", args=[walk.pk])
    assert (walk.unit, walk.leader, walk.touchpoint, walk.question_set) == (
        service_team,
        bob,
        phone_queue,
        questions,
    )
    assert list(walk.participants.all()) == [alice]
    assert timezone.localtime(walk.planned_start) == local(days(5), 9, 30)
    assert walk.duration_minutes == 45 and walk.status == WalkStatus.PLANNED
    assert walk.created_by == bob


def test_nine_oclock_stays_nine_oclock_across_summer_time(as_user, bob, service_unit):
    client = as_user(bob)
    for day, utc_hour in ((dt.date(2026, 3, 27), 8), (dt.date(2026, 3, 30), 7)):
        client.post(NEW, plan_data(service_unit, bob, day=day.isoformat(), time="09:00"))
        walk = Walk.objects.latest("pk")
        assert walk.planned_start.astimezone(dt.UTC).hour == utc_hour
        assert timezone.localtime(walk.planned_start).hour == 9


def test_a_walk_needs_a_place_a_process_or_a_touchpoint(as_user, bob, service_unit):
    response = as_user(bob).post(NEW, plan_data(service_unit, bob, place=""), **EN)
    assert response.status_code == 200
    assert (
        "Say where the walk goes: a place, a process or a touchpoint." in response.content.decode()
    )
    assert not Walk.objects.exists()


@pytest.mark.parametrize(
    "changes",
    [
        {"day": "31/02/2026"},
        {"time": "25:00"},
        {"duration_minutes": "-5"},
        {"leader": ""},
        {"place": "x" * 161},
    ],
)
def test_bad_input_plans_nothing(as_user, bob, service_unit, changes):
    response = as_user(bob).post(NEW, plan_data(service_unit, bob, **changes), **EN)
    assert response.status_code == 200
    assert "Please correct the marked fields." in response.content.decode()
    assert not Walk.objects.exists()


def test_a_coordinator_cannot_plan_for_another_unit_or_pick_its_people(
    as_user, carol, bob, service_unit, sales_unit
):
    client = as_user(carol)
    response = client.post(NEW, plan_data(service_unit, carol), **EN)
    assert "Select a valid choice" in response.content.decode()
    response = client.post(NEW, plan_data(sales_unit, bob), **EN)
    assert "Select a valid choice" in response.content.decode()
    assert not Walk.objects.exists()


@pytest.mark.parametrize("person", ["alice", "maria"])
def test_employees_and_management_do_not_plan_walks(request, as_user, service_unit, bob, person):
    client = as_user(request.getfixturevalue(person))
    assert client.get(NEW).status_code == 403
    assert client.post(NEW, plan_data(service_unit, bob)).status_code == 403
    assert not Walk.objects.exists()


def test_a_coordinator_edits_the_walk(as_user, bob, alice, dave, walk):
    edit = reverse("gemba:edit", args=[walk.pk])
    client = as_user(bob)
    page = html_of(client, edit)
    assert 'value="09:00"' in page
    data = plan_data(walk.unit, bob, participants=[alice.pk, dave.pk], place="Disken", time="10:15")
    data["day"] = days(2).isoformat()
    response = client.post(edit, data)
    assert response.status_code == 302
    walk.refresh_from_db()
    assert walk.place == "Disken"
    assert timezone.localtime(walk.planned_start) == local(days(2), 10, 15)
    assert set(walk.participants.all()) == {alice, dave}
    assert walk.history.count() >= 2


@pytest.mark.parametrize(("person", "status"), [("alice", 403), ("maria", 403), ("carol", 404)])
def test_only_coordinators_of_the_unit_edit_a_walk(request, as_user, walk, bob, person, status):
    client = as_user(request.getfixturevalue(person))
    edit = reverse("gemba:edit", args=[walk.pk])
    assert client.get(edit).status_code == status
    assert client.post(edit, plan_data(walk.unit, bob, place="Hackat")).status_code == status
    walk.refresh_from_db()
    assert walk.place == "Kundtjänstgolvet"


def test_the_superuser_plans_for_any_unit(as_user, root, sales_unit, carol):
    response = as_user(root).post(NEW, plan_data(sales_unit, carol))
    assert response.status_code == 302
    assert Walk.objects.get().unit == sales_unit


# --- schedules ---------------------------------------------------------------------------


def schedule_data(unit, leader, **changes) -> dict:
    data = {
        "title": "Gemba på kundtjänstgolvet",
        "unit": unit.pk,
        "place": "Kundtjänstgolvet",
        "process": "",
        "touchpoint": "",
        "question_set": "",
        "leader": leader.pk,
        "frequency": Frequency.WEEKLY,
        "interval": "2",
        "weekday": str(Weekday.TUESDAY),
        "day_of_month": "",
        "start_time": "09:00",
        "duration_minutes": "30",
        "starts_on": timezone.localdate().isoformat(),
        "ends_on": "",
        "active": "on",
    }
    data.update(changes)
    return data


def test_a_coordinator_creates_a_schedule_and_its_walks_are_planned(as_user, bob, service_unit):
    client = as_user(bob)
    assert "Every N weeks" in html_of(client, SCHEDULE_NEW)
    response = client.post(SCHEDULE_NEW, schedule_data(service_unit, bob), **EN)
    assert response.status_code == 302 and response.url == SCHEDULES
    schedule = Schedule.objects.get()
    assert schedule.created_by == bob
    walks = Walk.objects.filter(schedule=schedule)
    assert walks.count() == 3  # every second Tuesday in the coming six weeks
    assert all(timezone.localtime(w.planned_start).weekday() == Weekday.TUESDAY for w in walks)
    assert "3 new walks are planned" in messages_of(response)[0]
    page = html_of(client, SCHEDULES)
    assert "Gemba på kundtjänstgolvet" in page and "Every 2 weeks on Tuesday at 09:00" in page


def test_a_monthly_schedule_needs_its_day(as_user, bob, service_unit):
    data = schedule_data(service_unit, bob, frequency=Frequency.MONTHLY, weekday="")
    response = as_user(bob).post(SCHEDULE_NEW, data, **EN)
    assert response.status_code == 200
    assert "Choose the day of the month of a monthly schedule." in response.content.decode()
    assert not Schedule.objects.exists() and not Walk.objects.exists()


@pytest.mark.parametrize(
    "changes",
    [
        {"weekday": ""},
        {"interval": "0"},
        {"day_of_month": "32"},
        {"start_time": "9 am"},
        {"ends_on": "2000-01-01"},
    ],
)
def test_bad_schedules_are_refused(as_user, bob, service_unit, changes):
    response = as_user(bob).post(SCHEDULE_NEW, schedule_data(service_unit, bob, **changes), **EN)
    assert response.status_code == 200
    assert "Please correct the marked fields." in response.content.decode()
    assert not Schedule.objects.exists()


def test_a_coordinator_edits_a_schedule(as_user, bob, service_unit):
    schedule = ScheduleFactory(unit=service_unit, leader=bob, active=False)
    client = as_user(bob)
    edit = reverse("gemba:schedule_edit", args=[schedule.pk])
    assert "Paused" in html_of(client, SCHEDULES)
    response = client.post(edit, schedule_data(service_unit, bob, title="Ny titel"))
    assert response.status_code == 302
    schedule.refresh_from_db()
    assert schedule.title == "Ny titel" and schedule.active
    assert schedule.walks.exists()


def test_schedules_by_role(as_user, alice, maria, carol, bob, service_unit):
    schedule = ScheduleFactory(unit=service_unit, leader=bob, title="Kundservice varannan tisdag")
    edit = reverse("gemba:schedule_edit", args=[schedule.pk])
    assert as_user(alice).get(SCHEDULES).status_code == 403
    assert as_user(alice).get(SCHEDULE_NEW).status_code == 403
    page = html_of(as_user(maria), SCHEDULES)
    assert "Kundservice varannan tisdag" in page and edit not in page
    assert as_user(maria).get(SCHEDULE_NEW).status_code == 403
    assert as_user(maria).post(edit, schedule_data(service_unit, bob)).status_code == 403
    assert "Kundservice varannan tisdag" not in html_of(as_user(carol), SCHEDULES)
    assert as_user(carol).post(edit, schedule_data(service_unit, bob)).status_code == 404
    schedule.refresh_from_db()
    assert schedule.title == "Kundservice varannan tisdag"


# --- cadence -----------------------------------------------------------------------------


def test_the_cadence_shows_done_of_planned_per_unit_and_month(
    as_user, bob, maria, service_unit, service_team, sales_unit
):
    this_month = timezone.localdate().replace(day=1)
    start = local(this_month, 10)
    WalkFactory(unit=service_unit, planned_start=start, status=WalkStatus.DONE, actual_minutes=20)
    WalkFactory(unit=service_team, planned_start=start)
    WalkFactory(unit=service_team, planned_start=start, status=WalkStatus.CANCELLED)
    page = html_of(as_user(bob), CADENCE)
    assert "Kundservice" in page and "Team Chatt" in page and "Försäljning" not in page
    assert "1 of 2" in page  # Kundservice with its team: one done of two planned
    assert "(50 %)" in page and "1 cancelled" in page
    assert "0 of 1" in page  # Team Chatt alone
    page = html_of(as_user(maria), CADENCE)
    assert "Försäljning" in page and "Företaget" in page


def test_employees_do_not_see_the_cadence(as_user, alice):
    assert as_user(alice).get(CADENCE).status_code == 403


def test_the_cadence_in_swedish(as_user, bob):
    page = as_user(bob).get(CADENCE).content.decode()
    assert "Kundservice" in page
    assert '<html lang="sv"' in page
