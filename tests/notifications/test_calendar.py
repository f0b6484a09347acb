"""The private calendar feed: a valid iCalendar of only its owner's dates, reachable
without a login by its secret address, which a reset or turning it off stops."""

import datetime as dt

import pytest
from django.test import Client
from django.urls import reverse
from icalendar import Calendar

from cxlean.checklists.models import Assignment
from cxlean.competence.models import TraineePlan
from cxlean.gemba.models import Walk
from cxlean.notifications.models import CalendarFeed
from tests.checklists.factories import TemplateFactory
from tests.factories import ActivityFactory, GoalFactory, PlanFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def dates(alice, bob, service_unit, service_team, now, today):
    plan = PlanFactory(unit=service_unit, coordinator=bob)
    ActivityFactory(phase__plan=plan, owner=alice, title="Alices aktivitet", due_date=today)
    ActivityFactory(phase__plan=plan, owner=bob, title="Bobs aktivitet", due_date=today)
    walk = Walk.objects.create(
        unit=service_unit, leader=bob, planned_start=now + dt.timedelta(days=1), place="Kassan"
    )
    walk.participants.add(alice)
    Walk.objects.create(unit=service_unit, leader=bob, planned_start=now, place="Lagret")
    Assignment.objects.create(
        template=TemplateFactory(title_sv="Checklista A", title_en="Checklist A"),
        unit=service_team,
        person=alice,
        due_date=today + dt.timedelta(days=3),
    )
    trainee_plan = TraineePlan.objects.create(person=alice, start_date=today)
    GoalFactory(plan=trainee_plan, due_date=today + dt.timedelta(days=30))


def fetch(feed: CalendarFeed):
    return Client().get(reverse("calendar_feed", args=[feed.token]))


def summaries(response) -> list[str]:
    calendar = Calendar.from_ical(response.content)
    return sorted(str(event["SUMMARY"]) for event in calendar.walk("VEVENT"))


def test_the_feed_is_a_valid_calendar_of_only_the_owners_dates(alice, dates):
    feed = CalendarFeed.objects.create(user=alice)
    response = fetch(feed)  # no login
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/calendar")
    shown = summaries(response)
    assert len(shown) == 4
    assert any("Alices aktivitet" in line for line in shown)
    assert any("Kassan" in line for line in shown)
    assert any("Checklista A" in line for line in shown)
    assert not any("Bobs aktivitet" in line or "Lagret" in line for line in shown)
    calendar = Calendar.from_ical(response.content)
    assert calendar["VERSION"] == "2.0"
    assert len({str(event["UID"]) for event in calendar.walk("VEVENT")}) == 4


def test_the_feed_follows_the_owners_language(alice, dates):
    from cxlean.notifications.models import Preference

    Preference.objects.create(user=alice, language="en")
    shown = summaries(fetch(CalendarFeed.objects.create(user=alice)))
    assert any(line.startswith("Checklist due: Checklist A") for line in shown)


def test_a_reset_token_stops_the_old_address(alice, dates):
    feed = CalendarFeed.objects.create(user=alice)
    old = feed.token
    feed.reset()
    assert Client().get(reverse("calendar_feed", args=[old])).status_code == 404
    assert fetch(feed).status_code == 200


def test_an_unknown_token_or_an_inactive_person_is_a_404(alice):
    feed = CalendarFeed.objects.create(user=alice)
    assert Client().get(reverse("calendar_feed", args=["nope"])).status_code == 404
    alice.is_active = False
    alice.save()
    assert fetch(feed).status_code == 404


def test_the_settings_page_turns_it_on_resets_and_turns_it_off(as_user, alice):
    client = as_user(alice)
    url = reverse("notifications:calendar")
    client.post(url, {"action": "on"})
    feed = CalendarFeed.objects.get(user=alice)
    page = client.get(reverse("notifications:preferences")).content.decode()
    assert feed.token in page
    client.post(url, {"action": "reset"})
    assert CalendarFeed.objects.get(user=alice).token != feed.token
    assert fetch(feed).status_code == 404
    client.post(url, {"action": "off"})
    assert not CalendarFeed.objects.filter(user=alice).exists()


def test_the_api_turns_it_on_resets_and_turns_it_off(as_user, alice, bob):
    client = as_user(alice)
    assert client.get("/api/v1/calendar-feed/me/").json() == {"enabled": False, "url": None}
    on = client.post("/api/v1/calendar-feed/me/").json()
    assert on["enabled"] and on["url"].endswith(".ics")
    again = client.post("/api/v1/calendar-feed/me/").json()
    assert again["url"] == on["url"]  # idempotent
    reset = client.post("/api/v1/calendar-feed/me/reset/").json()
    assert reset["url"] != on["url"]
    assert Client().get(on["url"]).status_code == 404
    assert Client().get(reset["url"]).status_code == 200
    assert not CalendarFeed.objects.filter(user=bob).exists()  # only one's own
    assert client.delete("/api/v1/calendar-feed/me/").json()["enabled"] is False
    assert Client().get(reset["url"]).status_code == 404


def test_the_api_needs_a_login():
    assert Client().get("/api/v1/calendar-feed/me/").status_code in (401, 403)
