"""A plan's dates stay within sane years, and its activities within the plan's dates,
on the web forms, the API and the admin alike (the rules are on the models)."""

import datetime as dt
from decimal import Decimal

import pytest
from django.urls import reverse
from rest_framework.test import APIClient

from cxlean.plans.models import Activity, Plan
from cxlean.plans.services import plan_create_from_guide
from tests.factories import PASSWORD, ActivityFactory, PhaseFactory, PlanFactory
from tests.plans.test_forms import activity_data, field_errors, plan_data

EN = {"language": "en"}
OUT_OF_RANGE = "Enter a date between the years 2000 and 2100."
IN_2026 = (
    "The rollout plan runs from Jan. 5, 2026 to Dec. 18, 2026: "
    "the activity must lie within those dates."
)


def api_client(user) -> APIClient:
    client = APIClient()
    assert client.login(username=user.username, password=PASSWORD)
    return client


@pytest.fixture
def plan_2026(service_unit, bob):
    """From 5 January to 18 December 2026, with one activity in February."""
    plan = PlanFactory(unit=service_unit, coordinator=bob)
    ActivityFactory(phase=PhaseFactory(plan=plan), title="February")
    return plan


# --- a plan's own dates ---------------------------------------------------------------------


def test_a_plan_ending_in_9999_is_refused_by_the_form(as_user, bob, service_unit):
    data = plan_data(service_unit, bob, end_date="9999-12-31")
    response = as_user(bob).post(reverse("plans:create"), data, **EN)
    assert response.status_code == 200
    assert field_errors(response, "end_date") == [OUT_OF_RANGE]
    assert not Plan.objects.exists()


def test_a_plan_ending_in_9999_is_refused_by_the_api(bob, service_unit):
    data = {
        "name": "Forever",
        "unit": service_unit.pk,
        "start_date": "2026-01-05",
        "end_date": "9999-12-31",
        "budget": "1000.00",
    }
    response = api_client(bob).post(
        reverse("plan-list"), data, format="json", HTTP_ACCEPT_LANGUAGE="en"
    )
    assert response.status_code == 400
    assert response.json()["end_date"] == [OUT_OF_RANGE]
    assert not Plan.objects.exists()


def test_a_plan_starting_in_year_one_is_refused_by_the_admin(as_user, bob, service_unit):
    data = plan_data(service_unit, bob, start_date="0001-01-01")
    response = as_user(bob).post(reverse("admin:plans_plan_add"), data, **EN)
    assert response.status_code == 200
    assert OUT_OF_RANGE in response.text
    assert not Plan.objects.exists()


def test_a_plan_cannot_be_shortened_past_its_activities(as_user, bob, plan_2026):
    data = plan_data(plan_2026.unit, bob, start_date="2026-03-01", end_date="2026-12-18")
    response = as_user(bob).post(reverse("plans:edit", args=[plan_2026.pk]), data, **EN)
    assert field_errors(response, "start_date") == [
        "1 activity lies outside these dates. Move it first, or choose dates that include it "
        "(from Feb. 1, 2026 to Dec. 18, 2026)."
    ]
    plan_2026.refresh_from_db()
    assert plan_2026.start_date == dt.date(2026, 1, 5)


def test_the_api_says_how_many_activities_a_shorter_plan_would_leave_out(bob, plan_2026):
    ActivityFactory(
        phase=plan_2026.phases.get(),
        start_date=dt.date(2026, 12, 1),
        due_date=dt.date(2026, 12, 2),
    )
    ActivityFactory(
        phase=plan_2026.phases.get(),
        start_date=dt.date(2026, 12, 1),
        due_date=dt.date(2026, 12, 18),
    )
    response = api_client(bob).patch(
        reverse("plan-detail", args=[plan_2026.pk]),
        {"end_date": "2026-06-30"},
        format="json",
        HTTP_ACCEPT_LANGUAGE="en",
    )
    assert response.status_code == 400
    assert response.json()["end_date"][0].startswith("2 activities lie outside these dates.")


def test_a_plan_can_move_as_long_as_it_holds_its_activities(as_user, bob, plan_2026):
    data = plan_data(plan_2026.unit, bob, start_date="2026-02-01", end_date="2026-02-28")
    response = as_user(bob).post(reverse("plans:edit", args=[plan_2026.pk]), data, **EN)
    assert response.status_code == 302
    plan_2026.refresh_from_db()
    assert (plan_2026.start_date, plan_2026.end_date) == (dt.date(2026, 2, 1), dt.date(2026, 2, 28))


# --- activities within their plan ------------------------------------------------------------


def test_an_activity_in_1990_is_refused_by_the_form(as_user, bob, plan_2026):
    activity = plan_2026.activities().get()
    data = activity_data(activity, start_date="1990-01-01")
    url = reverse("plans:activity_edit", args=[activity.pk])
    response = as_user(bob).post(url, data, **EN)
    assert response.status_code == 200
    assert field_errors(response, "start_date") == [OUT_OF_RANGE, IN_2026]
    assert Activity.objects.get().start_date == dt.date(2026, 2, 1)


def test_an_activity_after_its_plan_is_refused_by_the_form(as_user, bob, plan_2026):
    data = activity_data(plan_2026.activities().get(), title="Late", depends_on=[])
    data |= {"start_date": "2026-12-01", "due_date": "2027-01-15"}
    url = reverse("plans:activity_create", args=[plan_2026.pk])
    response = as_user(bob).post(url, data, **EN)
    assert field_errors(response, "due_date") == [IN_2026]
    assert Activity.objects.count() == 1


def test_an_activity_in_1990_is_refused_by_the_api(bob, plan_2026):
    data = {
        "phase": plan_2026.phases.get().pk,
        "title": "Long ago",
        "start_date": "1990-01-01",
        "due_date": "2026-03-01",
    }
    response = api_client(bob).post(
        reverse("activity-list"), data, format="json", HTTP_ACCEPT_LANGUAGE="en"
    )
    assert response.status_code == 400
    assert response.json()["start_date"] == [OUT_OF_RANGE]
    data["start_date"] = "2025-12-01"
    response = api_client(bob).post(
        reverse("activity-list"), data, format="json", HTTP_ACCEPT_LANGUAGE="en"
    )
    assert response.status_code == 400
    assert response.json()["start_date"] == [IN_2026]
    assert Activity.objects.count() == 1


def test_an_activity_in_1990_is_refused_by_the_admin(as_user, bob, plan_2026):
    activity = plan_2026.activities().get()
    data = activity_data(activity, start_date="1990-01-01", order=0)
    response = as_user(bob).post(
        reverse("admin:plans_activity_change", args=[activity.pk]), data, **EN
    )
    assert response.status_code == 200
    assert "the activity must lie within those dates" in response.text
    assert Activity.objects.get().start_date == dt.date(2026, 2, 1)


def test_an_activity_already_outside_its_plan_still_has_its_status_updated(
    as_user, alice, plan_2026
):
    """Rows from before the rule are not locked: the owner still reports progress."""
    activity = plan_2026.activities().get()
    Activity.objects.filter(pk=activity.pk).update(start_date=dt.date(1990, 1, 1), owner=alice)
    response = as_user(alice).post(
        reverse("plans:activity_status", args=[activity.pk]), {"status": "done"}
    )
    assert response.status_code in (200, 302)
    assert Activity.objects.get().status == "done"
    page = as_user(alice).get(reverse("plans:detail", args=[plan_2026.pk]))
    assert page.status_code == 200


@pytest.mark.parametrize(
    ("start", "end"),
    [
        (dt.date(2026, 1, 1), dt.date(2026, 1, 1)),
        (dt.date(2026, 1, 1), dt.date(2026, 1, 3)),
        (dt.date(2026, 1, 5), dt.date(2027, 6, 30)),
        (dt.date(2000, 1, 1), dt.date(2100, 12, 31)),
    ],
)
def test_a_plan_from_the_guide_keeps_every_activity_within_its_dates(
    guide, service_unit, bob, start, end
):
    plan = plan_create_from_guide(
        name="From the guide",
        unit=service_unit,
        coordinator=bob,
        start_date=start,
        end_date=end,
        budget=Decimal("1000"),
    )
    activities = list(plan.activities())
    assert activities
    for activity in activities:
        assert start <= activity.start_date <= activity.due_date <= end
        activity.full_clean()
