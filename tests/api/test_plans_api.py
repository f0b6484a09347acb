"""Plans, phases and activities over the API: figures, creating a plan from the guide,
validation round trips (400 with the field, nothing saved), filters, query counts."""

import datetime as dt
from decimal import Decimal

import pytest
from django.urls import reverse
from django.utils import timezone

from cxlean.plans.models import Activity, Phase, Plan
from tests.factories import (
    ActivityFactory,
    GuideActivityFactory,
    GuideStepFactory,
    PhaseFactory,
    PlanFactory,
    UnitFactory,
)

pytestmark = pytest.mark.django_db
D = dt.date


def new_plan(unit, /, **extra) -> dict:
    return {
        "name": "Rollout 2027",
        "unit": unit.pk,
        "start_date": "2027-01-04",
        "end_date": "2027-06-30",
        "budget": "70000.00",
        **extra,
    }


@pytest.fixture
def guide():
    """Two steps, with two and one recommended activities."""
    first, second = GuideStepFactory(number=1, weight=2), GuideStepFactory(number=2, weight=1)
    GuideActivityFactory(step=first, order=1)
    GuideActivityFactory(step=first, order=2)
    GuideActivityFactory(step=second, order=1)
    return first, second


# --- plans: figures ----------------------------------------------------------------------


def test_plan_list_shows_the_figures(api, bob, service_phase):
    today = timezone.localdate()
    past = today - dt.timedelta(days=10)
    ActivityFactory(phase=service_phase, status="done", planned_cost=1000, actual_cost=1500)
    ActivityFactory(
        phase=service_phase,
        status="blocked",
        planned_cost=2000,
        actual_cost=0,
        start_date=past,
        due_date=past,
    )
    ActivityFactory(
        phase=service_phase,
        status="planned",
        planned_cost=500,
        start_date=today,
        due_date=today + dt.timedelta(days=3),
    )
    ActivityFactory(phase=service_phase, status="cancelled", planned_cost=9999)
    plan = api(bob).get(reverse("plan-list")).json()["results"][0]
    assert {
        key: plan[key]
        for key in [
            "activity_count",
            "done_count",
            "late_count",
            "blocked_count",
            "progress_percent",
        ]
    } == {
        "activity_count": 3,
        "done_count": 1,
        "late_count": 1,
        "blocked_count": 1,
        "progress_percent": 33,
    }
    assert (
        plan["budget"],
        plan["planned_total"],
        plan["actual_total"],
        plan["budget_remaining"],
    ) == ("100000.00", "3500.00", "1500.00", "98500.00")


def test_plan_detail_nests_phases_and_activities(api, alice, alices_activity):
    plan = api(alice).get(reverse("plan-detail", args=[alices_activity.phase.plan_id])).json()
    assert [phase["title"] for phase in plan["phases"]] == ["Map the journey"]
    activity = plan["phases"][0]["activities"][0]
    assert (activity["title"], activity["owner"], activity["owner_name"]) == (
        "Interview customers",
        alice.pk,
        "Alice " + alice.last_name,
    )


# --- plans: create from the guide --------------------------------------------------------


def test_coordinator_creates_a_plan_from_the_guide(api, bob, service_unit, guide):
    response = api(bob).post(reverse("plan-list"), new_plan(service_unit), format="json")
    assert response.status_code == 201, response.json()
    body = response.json()
    plan = Plan.objects.get(pk=body["id"])
    assert plan.coordinator == bob  # defaults to the requesting user
    assert [phase["step"] for phase in body["phases"]] == [guide[0].pk, guide[1].pk]
    assert Activity.objects.filter(phase__plan=plan).count() == 3
    assert body["activity_count"] == 3
    assert body["planned_total"] == "70000.00"  # the budget spread over the activities
    chained = Activity.objects.filter(phase__plan=plan, depends_on__isnull=False).count()
    assert chained == 2


def test_plan_without_prefill_has_no_phases(api, bob, service_team, guide, carol):
    data = new_plan(service_team, prefill_from_guide=False, coordinator=carol.pk)
    response = api(bob).post(reverse("plan-list"), data, format="json")
    assert response.status_code == 201
    plan = Plan.objects.get(pk=response.json()["id"])
    assert (plan.phases.count(), plan.coordinator, plan.unit) == (0, carol, service_team)


def test_plan_for_a_unit_outside_your_scope_is_a_400_on_unit(api, carol, service_unit, guide):
    response = api(carol).post(reverse("plan-list"), new_plan(service_unit), format="json")
    assert response.status_code == 400
    assert "unit" in response.json()
    assert not Plan.objects.exists()


@pytest.mark.parametrize(
    "extra,field",
    [
        ({"end_date": "2026-12-31"}, "end_date"),
        ({"budget": "-1"}, "budget"),
        ({"unit": "abc"}, "unit"),
        ({"start_date": "soon"}, "start_date"),
        ({"name": ""}, "name"),
    ],
)
def test_invalid_plan_is_a_400_with_the_field_and_nothing_saved(
    api, bob, service_unit, guide, extra, field
):
    response = api(bob).post(reverse("plan-list"), new_plan(service_unit, **extra), format="json")
    assert response.status_code == 400
    assert field in response.json()
    assert not Plan.objects.exists() and not Phase.objects.exists()


@pytest.mark.parametrize("name", ["alice", "maria"])
def test_employees_and_management_cannot_create_plans(api, request, name, service_unit):
    client = api(request.getfixturevalue(name))
    assert (
        client.post(reverse("plan-list"), new_plan(service_unit), format="json").status_code == 403
    )
    assert not Plan.objects.exists()


def test_coordinator_cannot_move_a_plan_out_of_their_scope(api, bob, service_plan, sales_unit):
    response = api(bob).patch(
        reverse("plan-detail", args=[service_plan.pk]), {"unit": sales_unit.pk}, format="json"
    )
    assert response.status_code == 400 and "unit" in response.json()
    service_plan.refresh_from_db()
    assert service_plan.unit != sales_unit


def test_plan_update_answers_with_the_figures(api, bob, alices_activity):
    plan = alices_activity.phase.plan
    response = api(bob).patch(
        reverse("plan-detail", args=[plan.pk]), {"budget": "500"}, format="json"
    )
    assert response.status_code == 200
    assert (response.json()["budget"], response.json()["activity_count"]) == ("500.00", 1)


def test_coordinator_deletes_their_plan_with_its_phases_and_activities(api, bob, alices_activity):
    plan = alices_activity.phase.plan
    assert api(bob).delete(reverse("plan-detail", args=[plan.pk])).status_code == 204
    assert not Activity.objects.exists() and not Phase.objects.exists()


# --- phases ------------------------------------------------------------------------------


def test_coordinator_adds_a_phase_to_their_plan(api, bob, service_plan):
    response = api(bob).post(
        reverse("phase-list"),
        {"plan": service_plan.pk, "title": "Extra", "order": 9},
        format="json",
    )
    assert response.status_code == 201
    assert service_plan.phases.get().title == "Extra"


def test_phase_for_a_plan_you_do_not_coordinate_is_a_400_on_plan(api, carol, service_plan):
    response = api(carol).post(
        reverse("phase-list"), {"plan": service_plan.pk, "title": "Sneaky"}, format="json"
    )
    assert response.status_code == 400 and "plan" in response.json()
    assert not Phase.objects.exists()


def test_a_phase_cannot_move_to_another_plan(api, root, service_phase, sales_plan):
    response = api(root).patch(
        reverse("phase-detail", args=[service_phase.pk]), {"plan": sales_plan.pk}, format="json"
    )
    assert response.status_code == 400 and "plan" in response.json()


def test_phases_filter_by_plan(api, maria, service_phase, sales_activity):
    rows = api(maria).get(reverse("phase-list"), {"plan": service_phase.plan_id}).json()
    assert [row["id"] for row in rows["results"]] == [service_phase.pk]


# --- activities: round trips -------------------------------------------------------------


def new_activity(phase, **extra) -> dict:
    return {
        "phase": phase.pk,
        "title": "Run a workshop",
        "start_date": "2026-03-02",
        "due_date": "2026-03-06",
        "planned_cost": "2500.00",
        **extra,
    }


def test_coordinator_creates_an_activity_then_the_owner_finishes_it(api, bob, alice, service_phase):
    created = api(bob).post(
        reverse("activity-list"), new_activity(service_phase, owner=alice.pk), format="json"
    )
    assert created.status_code == 201, created.json()
    url = reverse("activity-detail", args=[created.json()["id"]])
    assert api(alice).get(url).json()["owner"] == alice.pk
    done = api(alice).patch(url, {"status": "done"}, format="json")
    assert done.status_code == 200 and done.json()["status"] == "done"
    activity = Activity.objects.get()
    assert (activity.status, activity.planned_cost, activity.owner) == (
        "done",
        Decimal("2500.00"),
        alice,
    )
    assert activity.history.first().history_user == alice


def test_activity_with_predecessors_is_created(api, bob, service_phase):
    before = ActivityFactory(phase=service_phase, start_date=D(2026, 2, 1), due_date=D(2026, 2, 27))
    response = api(bob).post(
        reverse("activity-list"), new_activity(service_phase, depends_on=[before.pk]), format="json"
    )
    assert response.status_code == 201
    assert response.json()["depends_on"] == [before.pk]
    assert list(Activity.objects.get(pk=response.json()["id"]).depends_on.all()) == [before]


@pytest.mark.parametrize(
    "extra,field",
    [
        ({"planned_cost": "-1"}, "planned_cost"),
        ({"actual_cost": "-0.01"}, "actual_cost"),
        ({"due_date": "2026-03-01"}, "due_date"),  # before the start
        ({"status": "someday"}, "status"),
        ({"owner": 999999}, "owner"),
        ({"title": ""}, "title"),
    ],
)
def test_invalid_activity_is_a_400_with_the_field_and_nothing_saved(
    api, bob, service_phase, extra, field
):
    response = api(bob).post(
        reverse("activity-list"), new_activity(service_phase, **extra), format="json"
    )
    assert response.status_code == 400
    assert field in response.json()
    assert not Activity.objects.exists()


def test_starting_before_a_predecessor_ends_is_a_400_on_depends_on(api, bob, service_phase):
    before = ActivityFactory(phase=service_phase, start_date=D(2026, 2, 1), due_date=D(2026, 3, 10))
    response = api(bob).post(
        reverse("activity-list"), new_activity(service_phase, depends_on=[before.pk]), format="json"
    )
    assert response.status_code == 400
    assert "depends_on" in response.json()
    assert Activity.objects.count() == 1


def test_moving_the_start_before_an_existing_predecessor_ends_is_a_400(api, bob, service_phase):
    before = ActivityFactory(phase=service_phase, start_date=D(2026, 2, 1), due_date=D(2026, 2, 10))
    after = ActivityFactory(phase=service_phase, start_date=D(2026, 2, 11), due_date=D(2026, 2, 20))
    after.depends_on.add(before)
    response = api(bob).patch(
        reverse("activity-detail", args=[after.pk]), {"start_date": "2026-02-05"}, format="json"
    )
    assert response.status_code == 400 and "depends_on" in response.json()
    after.refresh_from_db()
    assert after.start_date == D(2026, 2, 11)


@pytest.mark.parametrize(
    "moved, start, due, field",
    [
        ("after", "2026-02-08", "2026-02-17", "depends_on"),  # starts before "before" ends
        ("before", "2026-02-04", "2026-02-13", "due_date"),  # ends after "after" starts
        ("after", "2026-12-15", "2026-12-24", "due_date"),  # past the plan's end (Dec 18)
    ],
)
def test_shifting_both_dates_is_refused_as_on_the_timeline(
    api, bob, service_phase, moved, start, due, field
):
    """What a drag on the timeline sends, said over the API: the same refusals, a 400
    on the field, nothing changed."""
    before = ActivityFactory(phase=service_phase, start_date=D(2026, 2, 1), due_date=D(2026, 2, 10))
    after = ActivityFactory(phase=service_phase, start_date=D(2026, 2, 11), due_date=D(2026, 2, 20))
    after.depends_on.add(before)
    activity = {"before": before, "after": after}[moved]
    dates = (activity.start_date, activity.due_date)
    response = api(bob).patch(
        reverse("activity-detail", args=[activity.pk]),
        {"start_date": start, "due_date": due},
        format="json",
    )
    assert response.status_code == 400 and field in response.json()
    activity.refresh_from_db()
    assert (activity.start_date, activity.due_date) == dates


def test_due_date_after_a_successors_start_is_a_400_on_due_date(api, bob, service_phase):
    before = ActivityFactory(phase=service_phase, start_date=D(2026, 2, 1), due_date=D(2026, 2, 10))
    ActivityFactory(
        phase=service_phase, start_date=D(2026, 2, 11), due_date=D(2026, 2, 20)
    ).depends_on.add(before)
    response = api(bob).patch(
        reverse("activity-detail", args=[before.pk]), {"due_date": "2026-02-15"}, format="json"
    )
    assert response.status_code == 400 and "due_date" in response.json()
    before.refresh_from_db()
    assert before.due_date == D(2026, 2, 10)


def test_a_dependency_loop_is_a_400_on_depends_on(api, bob, service_phase):
    day = D(2026, 2, 2)
    first = ActivityFactory(phase=service_phase, start_date=day, due_date=day, title="First")
    second = ActivityFactory(phase=service_phase, start_date=day, due_date=day, title="Second")
    second.depends_on.add(first)
    response = api(bob).patch(
        reverse("activity-detail", args=[first.pk]), {"depends_on": [second.pk]}, format="json"
    )
    assert response.status_code == 400
    assert "cirkulärt beroende" in " ".join(response.json()["depends_on"])
    assert not first.depends_on.exists()


def test_a_predecessor_from_another_plan_is_a_400(api, root, service_phase, sales_activity):
    response = api(root).post(
        reverse("activity-list"),
        new_activity(service_phase, depends_on=[sales_activity.pk]),
        format="json",
    )
    assert response.status_code == 400 and "depends_on" in response.json()
    assert not Activity.objects.filter(phase=service_phase).exists()


def test_a_predecessor_you_cannot_see_does_not_exist_for_you(
    api, bob, service_phase, sales_activity
):
    response = api(bob).post(
        reverse("activity-list"),
        new_activity(service_phase, depends_on=[sales_activity.pk]),
        format="json",
    )
    assert response.status_code == 400
    assert sales_activity.title not in str(response.json())  # nothing leaks


def test_activity_in_a_phase_you_do_not_coordinate_is_a_400_on_phase(api, carol, service_phase):
    response = api(carol).post(reverse("activity-list"), new_activity(service_phase), format="json")
    assert response.status_code == 400 and "phase" in response.json()
    assert not Activity.objects.exists()


def test_an_activity_cannot_move_to_another_plan(api, root, alices_activity, sales_activity):
    response = api(root).patch(
        reverse("activity-detail", args=[alices_activity.pk]),
        {"phase": sales_activity.phase_id},
        format="json",
    )
    assert response.status_code == 400 and "phase" in response.json()


def test_every_problem_is_reported_at_once(api, bob, service_phase):
    before = ActivityFactory(phase=service_phase, start_date=D(2026, 2, 1), due_date=D(2026, 3, 20))
    data = new_activity(service_phase, due_date="2026-03-01", depends_on=[before.pk])
    errors = api(bob).post(reverse("activity-list"), data, format="json").json()
    assert {"due_date", "depends_on"} <= set(errors)


# --- activities: filters -----------------------------------------------------------------


@pytest.fixture
def spread_activities(service_phase, alice, service_team, maria):
    """Activities in Customer Service, its chat team and Sales, some late, one done."""
    today = timezone.localdate()
    late_day, later = today - dt.timedelta(days=5), today + dt.timedelta(days=60)
    team_plan = PlanFactory(unit=service_team)
    return {
        "late": ActivityFactory(
            phase=service_phase, owner=alice, start_date=late_day, due_date=late_day, title="late"
        ),
        "done": ActivityFactory(
            phase=service_phase, status="done", start_date=late_day, due_date=late_day, title="done"
        ),
        "future": ActivityFactory(
            phase=service_phase,
            start_date=today,
            due_date=today + dt.timedelta(days=30),
            title="future",
        ),
        "team": ActivityFactory(
            phase=PhaseFactory(plan=team_plan), title="team", start_date=later, due_date=later
        ),
        "sales": ActivityFactory(
            phase=PhaseFactory(plan__unit=UnitFactory()),
            title="sales",
            start_date=later,
            due_date=later,
        ),
    }


def titles(client, **params) -> set[str]:
    response = client.get(reverse("activity-list"), params)
    assert response.status_code == 200, response.json()
    return {row["title"] for row in response.json()["results"]}


def test_activity_filters(
    api, maria, alice, service_unit, service_team, service_phase, spread_activities
):
    client = api(maria)
    today = timezone.localdate()
    assert titles(client, late="true") == {"late"}
    assert titles(client, late="false") == {"done", "future", "team", "sales"}
    assert titles(client, status="done") == {"done"}
    assert titles(client, owner=alice.pk) == {"late"}
    assert titles(client, plan=service_phase.plan_id) == {"late", "done", "future"}
    assert titles(client, phase=service_phase.pk) == {"late", "done", "future"}
    assert titles(client, unit=service_unit.pk) == {"late", "done", "future", "team"}
    assert titles(client, unit=service_team.pk) == {"team"}
    assert titles(client, due_date_after=today.isoformat()) == {"future", "team", "sales"}
    assert titles(
        client,
        due_date_before=(today - dt.timedelta(days=1)).isoformat(),
        plan=service_phase.plan_id,
    ) == {"late", "done"}


def test_employee_filters_only_within_what_they_see(api, alice, spread_activities):
    assert titles(api(alice), unit=spread_activities["sales"].phase.plan.unit_id) == set()


@pytest.mark.parametrize(
    "route,params",
    [
        ("activity-list", {"unit": "abc"}),
        ("activity-list", {"unit": "999999"}),
        ("activity-list", {"late": "maybe"}),
        ("activity-list", {"plan": "abc"}),
        ("activity-list", {"phase": "1.5"}),
        ("activity-list", {"owner": "me"}),
        ("activity-list", {"status": "someday"}),
        ("activity-list", {"due_date_after": "yesterday"}),
        ("plan-list", {"unit": "abc"}),
        ("plan-list", {"coordinator": "x"}),
        ("plan-list", {"start_date_after": "2026-13-45"}),
        ("phase-list", {"plan": "abc"}),
    ],
)
def test_bad_query_strings_are_a_400_not_a_500(api, maria, route, params):
    response = api(maria).get(reverse(route), params)
    assert response.status_code == 400
    # Range filters (due_date_after) report on the filter's name (due_date).
    assert {name.removesuffix("_after") for name in params} <= set(response.json())


def test_unknown_ordering_is_ignored_and_ordering_works(api, maria, spread_activities):
    client = api(maria)
    assert client.get(reverse("activity-list"), {"ordering": "nonsense"}).status_code == 200
    rows = client.get(reverse("activity-list"), {"ordering": "-due_date"}).json()["results"]
    assert rows[0]["title"] in {"future", "team", "sales"}


def test_plans_filter_by_unit_including_sub_units(
    api, maria, service_unit, service_team, service_plan, sales_plan
):
    PlanFactory(unit=service_team, name="Team rollout")
    rows = api(maria).get(reverse("plan-list"), {"unit": service_unit.pk}).json()["results"]
    assert {row["name"] for row in rows} == {"Service rollout", "Team rollout"}


def test_plans_search_and_ordering(api, maria, service_plan, sales_plan):
    client = api(maria)
    found = client.get(reverse("plan-list"), {"search": "Sales"}).json()["results"]
    assert [row["name"] for row in found] == ["Sales rollout"]
    ordered = client.get(reverse("plan-list"), {"ordering": "name"}).json()["results"]
    assert [row["name"] for row in ordered] == ["Sales rollout", "Service rollout"]


# --- query counts ------------------------------------------------------------------------


def fill_plans(unit, how_many: int, alice) -> None:
    for _ in range(how_many):
        phase = PhaseFactory(plan=PlanFactory(unit=unit))
        ActivityFactory(phase=phase, owner=alice)
        ActivityFactory(phase=phase, status="done").depends_on.add(ActivityFactory(phase=phase))


@pytest.mark.parametrize("name", ["alice", "bob", "maria"])
def test_plan_list_queries_do_not_grow_with_the_plans(
    api, request, name, service_unit, alice, count_queries
):
    client = api(request.getfixturevalue(name))
    fill_plans(service_unit, 5, alice)
    few = count_queries(client, reverse("plan-list"))
    fill_plans(service_unit, 45, alice)
    assert client.get(reverse("plan-list")).json()["count"] == 50
    assert count_queries(client, reverse("plan-list")) == few


@pytest.mark.parametrize("name", ["alice", "bob", "maria"])
def test_activity_list_queries_do_not_grow_with_the_activities(
    api, request, name, service_unit, alice, count_queries
):
    client = api(request.getfixturevalue(name))
    fill_plans(service_unit, 2, alice)  # 6 activities
    few = count_queries(client, reverse("activity-list"))
    fill_plans(service_unit, 15, alice)  # 51 activities
    assert client.get(reverse("activity-list")).json()["count"] == 51
    assert count_queries(client, reverse("activity-list")) == few


def test_plan_detail_queries_do_not_grow_with_the_plan(
    api, bob, service_plan, alice, count_queries
):
    url = reverse("plan-detail", args=[service_plan.pk])
    client = api(bob)
    ActivityFactory(phase=PhaseFactory(plan=service_plan), owner=alice)
    few = count_queries(client, url)
    for _ in range(5):
        phase = PhaseFactory(plan=service_plan)
        for _ in range(10):
            ActivityFactory(phase=phase, owner=alice).depends_on.add(ActivityFactory(phase=phase))
    assert count_queries(client, url) == few


def test_phase_list_queries_do_not_grow(api, bob, service_plan, count_queries):
    client = api(bob)
    PhaseFactory.create_batch(5, plan=service_plan)
    few = count_queries(client, reverse("phase-list"))
    PhaseFactory.create_batch(45, plan=service_plan)
    assert count_queries(client, reverse("phase-list")) == few
