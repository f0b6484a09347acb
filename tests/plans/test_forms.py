"""Bad input on the plan forms: the error shows on its field, and nothing is saved."""

import datetime as dt
from decimal import Decimal

import pytest
from django.urls import reverse

from cxlean.plans.forms import ActivityForm, PlanCreateForm, PlanFilterForm
from cxlean.plans.models import Activity, Phase, Plan
from tests.factories import ActivityFactory
from tests.plans.conftest import days

EN = {"language": "en"}


def plan_data(unit, coordinator, **changes) -> dict:
    data = {
        "name": "New rollout",
        "unit": unit.pk,
        "coordinator": coordinator.pk,
        "start_date": "2027-01-11",
        "end_date": "2027-10-29",
        "budget": "450000",
        "description": "",
        "prefill_from_guide": "",
    }
    return data | changes


def activity_data(activity: Activity, **changes) -> dict:
    data = {
        "phase": activity.phase_id,
        "title": activity.title,
        "description": "",
        "owner": activity.owner_id or "",
        "start_date": activity.start_date.isoformat(),
        "due_date": activity.due_date.isoformat(),
        "status": activity.status,
        "planned_cost": str(activity.planned_cost),
        "actual_cost": str(activity.actual_cost),
        "depends_on": [p.pk for p in activity.depends_on.all()],
    }
    return data | changes


def field_errors(response, field: str) -> list[str]:
    return response.context["form"].errors.get(field, [])


# --- plan ---------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("changes", "field", "message"),
    [
        ({"end_date": "2027-01-01"}, "end_date", "The end date cannot be before the start date."),
        ({"budget": "-1"}, "budget", "Amounts cannot be negative."),
        ({"name": ""}, "name", "This field is required."),
        ({"start_date": "not a date"}, "start_date", "Enter a valid date."),
    ],
)
def test_bad_plan_input_is_shown_on_its_field(bob, service_unit, as_user, changes, field, message):
    response = as_user(bob).post(
        reverse("plans:create"), plan_data(service_unit, bob, **changes), **EN
    )
    assert response.status_code == 200
    assert message in field_errors(response, field)
    html = response.content.decode()
    assert f'id="id_{field}_error"' in html and message in html
    assert "Please correct the marked fields." in html
    assert not Plan.objects.exists()


def test_a_unit_outside_the_coordinators_scope_is_refused(bob, sales_unit, as_user):
    response = as_user(bob).post(reverse("plans:create"), plan_data(sales_unit, bob), **EN)
    assert response.status_code == 200
    assert field_errors(response, "unit")
    assert not Plan.objects.exists()


def test_unit_choices_are_the_units_the_user_coordinates(
    bob, service_unit, service_team, sales_unit
):
    form = PlanCreateForm(user=bob)
    assert set(form.fields["unit"].queryset) == {service_unit, service_team}
    assert form.initial["unit"] == service_unit.pk  # their own unit first
    assert form.initial["coordinator"] == bob.pk
    assert form.fields["prefill_from_guide"].initial is True


def test_editing_a_plan_with_bad_dates_keeps_the_old_ones(bob, service_plan, as_user):
    old_end = service_plan.end_date
    data = plan_data(
        service_plan.unit,
        bob,
        name=service_plan.name,
        start_date="2027-05-01",
        end_date="2027-04-01",
    )
    response = as_user(bob).post(reverse("plans:edit", args=[service_plan.pk]), data, **EN)
    assert "The end date cannot be before the start date." in field_errors(response, "end_date")
    service_plan.refresh_from_db()
    assert service_plan.end_date == old_end


# --- activity -----------------------------------------------------------------------------


def post_activity(client, activity, **changes):
    return client.post(
        reverse("plans:activity_edit", args=[activity.pk]), activity_data(activity, **changes), **EN
    )


def assert_unchanged(activity: Activity) -> None:
    saved = Activity.objects.get(pk=activity.pk)
    assert (saved.title, saved.start_date, saved.due_date, saved.planned_cost) == (
        activity.title,
        activity.start_date,
        activity.due_date,
        activity.planned_cost,
    )
    assert set(saved.depends_on.all()) == set(activity.depends_on.all())


def test_due_before_start_is_shown_on_the_due_date(bob, alices_activity, as_user):
    response = post_activity(
        as_user(bob), alices_activity, title="Changed", due_date=days(-20).isoformat()
    )
    assert "The due date cannot be before the start date." in field_errors(response, "due_date")
    assert_unchanged(alices_activity)


@pytest.mark.parametrize("field", ["planned_cost", "actual_cost"])
def test_negative_money_is_refused(bob, alices_activity, as_user, field):
    response = post_activity(as_user(bob), alices_activity, **{field: "-5"})
    assert "Amounts cannot be negative." in field_errors(response, field)
    assert_unchanged(alices_activity)


def test_starting_before_a_predecessor_ends_is_refused(
    bob, alices_activity, other_activity, as_user
):
    response = post_activity(as_user(bob), other_activity, start_date=days(0).isoformat())
    [error] = field_errors(response, "depends_on")
    assert "before “Interview customers” ends" in error
    assert "before “Interview customers” ends" in response.content.decode()
    assert_unchanged(other_activity)


def test_a_due_date_after_a_successors_start_is_refused(
    bob, alices_activity, other_activity, as_user
):
    response = post_activity(as_user(bob), alices_activity, due_date=days(20).isoformat())
    [error] = field_errors(response, "due_date")
    assert "“Write personas” depends on this activity" in error
    assert "“Write personas” depends on this activity" in response.content.decode()
    assert_unchanged(alices_activity)


def test_a_dependency_loop_is_refused(bob, service_phase, as_user):
    # Two one-day activities on the same day: each may start when the other ends, so
    # the loop is the only thing wrong.
    first = ActivityFactory(
        phase=service_phase, title="First", start_date=days(5), due_date=days(5)
    )
    second = ActivityFactory(
        phase=service_phase, title="Second", start_date=days(5), due_date=days(5)
    )
    second.depends_on.add(first)
    response = post_activity(as_user(bob), first, depends_on=[second.pk])
    [error] = field_errors(response, "depends_on")
    assert "dependency loop" in error and "First" in error and "Second" in error
    assert "dependency loop" in response.content.decode()
    assert_unchanged(first)


def test_an_activity_cannot_depend_on_itself_or_on_another_plans_activity(
    alices_activity, sales_plan, service_plan
):
    elsewhere = ActivityFactory(phase__plan=sales_plan)
    form = ActivityForm(instance=alices_activity, plan=service_plan)
    choices = set(form.fields["depends_on"].queryset)
    assert alices_activity not in choices and elsewhere not in choices
    data = activity_data(alices_activity, depends_on=[elsewhere.pk])
    form = ActivityForm(data, instance=alices_activity, plan=service_plan)
    assert not form.is_valid() and "depends_on" in form.errors


def test_a_phase_of_another_plan_is_refused(bob, alices_activity, sales_plan, as_user):
    other_phase = Phase.objects.create(plan=sales_plan, title="Theirs")
    response = post_activity(as_user(bob), alices_activity, phase=other_phase.pk)
    assert field_errors(response, "phase")
    assert Activity.objects.get(pk=alices_activity.pk).phase == alices_activity.phase


def test_a_valid_edit_saves_and_returns_to_the_plan(bob, alices_activity, other_activity, as_user):
    response = post_activity(
        as_user(bob),
        alices_activity,
        title="Interview ten customers",
        actual_cost="1200",
        status="in_progress",
    )
    assert response.status_code == 302
    assert response.url.endswith(f"#activity-{alices_activity.pk}")
    saved = Activity.objects.get(pk=alices_activity.pk)
    assert saved.title == "Interview ten customers"
    assert saved.actual_cost == Decimal("1200") and saved.status == "in_progress"


def test_new_activities_are_proposed_inside_the_plan_and_go_last_in_their_phase(
    bob, alices_activity, other_activity, as_user
):
    plan = alices_activity.phase.plan
    url = reverse("plans:activity_create", args=[plan.pk])
    client = as_user(bob)
    form = client.get(f"{url}?phase={alices_activity.phase_id}").context["form"]
    start, due = form.initial["start_date"], form.initial["due_date"]
    assert plan.start_date <= start <= due <= plan.end_date
    assert form.initial["phase"] == str(alices_activity.phase_id)
    data = {
        "phase": alices_activity.phase_id,
        "title": "Run a survey",
        "status": "planned",
        "start_date": days(30).isoformat(),
        "due_date": days(40).isoformat(),
        "planned_cost": "0",
        "actual_cost": "0",
        "depends_on": [other_activity.pk],
    }
    assert client.post(url, data).status_code == 302
    new = Activity.objects.get(title="Run a survey")
    assert list(new.depends_on.all()) == [other_activity]
    assert new.order > max(alices_activity.order, other_activity.order)


# --- list filters --------------------------------------------------------------------------


def test_filter_form_ignores_what_it_does_not_understand(service_plan):
    form = PlanFilterForm({"unit": "abc", "period": "someday"})
    plans = form.filter(Plan.objects.all(), dt.date(2027, 1, 1))
    assert list(plans) == [service_plan]
    assert set(form.errors) == {"unit", "period"}
