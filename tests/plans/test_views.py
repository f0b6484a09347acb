"""The rollout plan pages: list, create from the guide, follow, update status, history."""

from decimal import Decimal

import pytest
from django.contrib.messages import get_messages
from django.urls import reverse

from cxlean.plans.models import Activity, Phase, Plan
from tests.factories import ActivityFactory, PhaseFactory, PlanFactory, UnitFactory
from tests.plans.conftest import days

EN = {"language": "en"}
HTMX = {"HTTP_HX_REQUEST": "true"}


def messages_of(response) -> list[str]:
    return [str(message) for message in get_messages(response.wsgi_request)]


# --- list ---------------------------------------------------------------------------------


def test_list_shows_each_plans_figures(bob, alices_activity, other_activity, as_user):
    Activity.objects.filter(pk=alices_activity.pk).update(
        status="done", actual_cost=Decimal("6000")
    )
    html = as_user(bob).get(reverse("plans:list"), **EN).content.decode()
    assert "Lean CX in Customer Service" in html and "Kundservice" in html
    assert 'aria-valuenow="50"' in html  # one of two activities done
    assert "100,000\xa0kr" in html  # budget
    assert "13,000\xa0kr" in html  # planned: 5 000 + 8 000
    assert "6,000\xa0kr" in html  # actual


def test_list_flags_over_budget_in_words(bob, service_plan, service_phase, as_user):
    ActivityFactory(phase=service_phase, planned_cost=Decimal("150000"))
    html = as_user(bob).get(reverse("plans:list"), **EN).content.decode()
    assert "over budget" in html


def test_list_filters_by_unit_including_sub_units(
    maria, service_plan, service_team, sales_plan, as_user
):
    team_plan = PlanFactory(name="Chat team rollout", unit=service_team)
    client = as_user(maria)
    html = client.get(reverse("plans:list"), {"unit": service_plan.unit_id}).content.decode()
    assert service_plan.name in html and team_plan.name in html
    assert sales_plan.name not in html
    html = client.get(reverse("plans:list"), {"unit": service_team.pk}).content.decode()
    assert team_plan.name in html and service_plan.name not in html


@pytest.mark.parametrize("unit", ["abc", "999999", "1.5", ""])
def test_list_ignores_a_bad_unit_with_a_message(maria, service_plan, sales_plan, as_user, unit):
    response = as_user(maria).get(reverse("plans:list"), {"unit": unit}, **EN)
    assert response.status_code == 200
    html = response.content.decode()
    assert service_plan.name in html and sales_plan.name in html
    assert ("A filter was not understood and is ignored." in html) == bool(unit)


def test_list_filters_by_period(maria, as_user):
    running = PlanFactory(name="Rollout A", start_date=days(-10), end_date=days(10))
    upcoming = PlanFactory(name="Rollout B", start_date=days(5), end_date=days(50))
    finished = PlanFactory(name="Rollout C", start_date=days(-50), end_date=days(-5))
    client = as_user(maria)
    for period, expected in [("current", running), ("upcoming", upcoming), ("finished", finished)]:
        html = client.get(reverse("plans:list"), {"period": period}).content.decode()
        shown = {plan.name for plan in (running, upcoming, finished) if f">{plan.name}<" in html}
        assert shown == {expected.name}


def test_list_runs_the_same_queries_for_5_and_50_plans(maria, as_user, count_queries):
    # Besides session, user and roles: the count for the pager, the plans with their
    # figures, units and responsibles, and the units for the filter.
    client = as_user(maria)
    unit = UnitFactory()

    def add_plans(count: int) -> None:
        for plan in PlanFactory.create_batch(count, unit=unit):
            ActivityFactory(phase__plan=plan, owner=maria)

    add_plans(5)
    five = count_queries(client, reverse("plans:list"))
    add_plans(45)
    assert count_queries(client, reverse("plans:list")) == five
    assert (
        count_queries(client, reverse("plans:list") + f"?unit={unit.pk}&period=current") <= five + 1
    )  # the chosen unit is looked up


# --- create -------------------------------------------------------------------------------


def new_plan(unit, responsible, **changes) -> dict:
    return {
        "name": "Lean CX i Kundservice",
        "unit": unit.pk,
        "coordinator": responsible.pk,
        "start_date": "2027-01-11",
        "end_date": "2027-10-29",
        "budget": "450000",
        "description": "Fewer repeat contacts.",
        "prefill_from_guide": "on",
    } | changes


def test_the_create_form_prefills_from_the_guide_by_default(bob, as_user):
    response = as_user(bob).get(reverse("plans:create"), **EN)
    checkbox = response.context["form"]["prefill_from_guide"]
    assert checkbox.value() is True
    assert "checked" in str(checkbox)
    assert "Pre-fill from the guide" in response.content.decode()


def test_creating_a_plan_from_the_guide(guide, bob, service_unit, as_user):
    response = as_user(bob).post(reverse("plans:create"), new_plan(service_unit, bob), **EN)
    plan = Plan.objects.get()
    assert response.status_code == 302
    assert response.url == reverse("plans:detail", args=[plan.pk])
    assert "with 3 phases and 6 activities from the guide" in messages_of(response)[0]
    assert (plan.unit, plan.coordinator, plan.budget) == (service_unit, bob, Decimal("450000"))
    phases = list(plan.phases.order_by("order"))
    assert [phase.step for phase in phases] == guide
    activities = list(plan.activities().order_by("order"))
    assert len(activities) == 6
    assert all(plan.start_date <= a.start_date <= a.due_date <= plan.end_date for a in activities)
    for before, after in zip(activities, activities[1:], strict=False):
        assert list(after.depends_on.all()) == [before]
    assert sum(a.planned_cost for a in activities) == plan.budget


def test_the_new_plan_opens_with_its_timeline(guide, bob, service_unit, as_user):
    client = as_user(bob)
    response = client.post(reverse("plans:create"), new_plan(service_unit, bob), follow=True, **EN)
    html = response.content.decode()
    assert '<svg class="timeline"' in html
    assert html.count('<tr id="activity-') == 6
    assert "Do 1.1" in html and "Step 3" in html


def test_creating_an_empty_plan(guide, bob, service_unit, as_user):
    data = new_plan(service_unit, bob, prefill_from_guide="")
    response = as_user(bob).post(reverse("plans:create"), data, **EN)
    plan = Plan.objects.get()
    assert response.status_code == 302
    assert not plan.phases.exists()
    assert "Add its phases and activities" in messages_of(response)[0]
    html = as_user(bob).get(response.url, **EN).content.decode()
    assert "This plan has no phases yet." in html
    assert "The timeline appears when the plan has activities." in html


def test_someone_else_can_be_made_responsible(guide, bob, alice, service_unit, as_user):
    as_user(bob).post(reverse("plans:create"), new_plan(service_unit, bob, coordinator=alice.pk))
    assert Plan.objects.get().coordinator == alice


# --- detail -------------------------------------------------------------------------------


def test_detail_answers_who_does_what_and_when(
    alice, alices_activity, other_activity, bob, as_user
):
    url = reverse("plans:detail", args=[alices_activity.phase.plan_id])
    html = as_user(bob).get(url, **EN).content.decode()
    assert "Map the customer journey" in html
    assert "Interview customers" in html and "Write personas" in html
    assert alice.get_full_name() in html and "Nobody yet" in html
    assert f'href="#activity-{alices_activity.pk}"' in html  # Write personas depends on it
    assert "0 of 2 activities done" in html
    assert "Remaining" in html and "87,000\xa0kr" not in html  # nothing spent yet
    assert "100,000\xa0kr" in html


def test_detail_flags_late_activities(bob, service_phase, as_user):
    ActivityFactory(
        phase=service_phase, title="Overdue work", start_date=days(-20), due_date=days(-2)
    )
    html = (
        as_user(bob)
        .get(reverse("plans:detail", args=[service_phase.plan_id]), **EN)
        .content.decode()
    )
    assert 'class="late"' in html
    assert "activity-row is-late" in html
    assert "activity--late" in html  # and in the timeline


def test_detail_says_over_budget_in_words(bob, service_phase, as_user):
    ActivityFactory(
        phase=service_phase, planned_cost=Decimal("90000"), actual_cost=Decimal("120000")
    )
    html = (
        as_user(bob)
        .get(reverse("plans:detail", args=[service_phase.plan_id]), **EN)
        .content.decode()
    )
    assert "Over budget." in html
    assert "Actual costs exceed the budget by 20,000\xa0kr." in html


@pytest.mark.parametrize(
    ("show", "expected"),
    [
        ("", {"Interview customers", "Write personas", "Blocked work"}),
        ("mine", {"Interview customers"}),
        ("late", {"Blocked work"}),
        ("blocked", {"Blocked work"}),
        ("nonsense", {"Interview customers", "Write personas", "Blocked work"}),
    ],
)
def test_detail_filters_only_mine_late_blocked(
    alice, alices_activity, other_activity, as_user, show, expected
):
    ActivityFactory(
        phase=alices_activity.phase,
        title="Blocked work",
        status="blocked",
        start_date=days(-30),
        due_date=days(-1),
    )
    url = reverse("plans:detail", args=[alices_activity.phase.plan_id])
    response = as_user(alice).get(url, {"show": show})
    rows = {row.activity.title for section in response.context["sections"] for row in section.rows}
    assert rows == expected


def test_detail_runs_the_same_queries_for_5_and_50_activities(
    bob, alice, service_plan, as_user, count_queries
):
    # Besides session, user, roles and home unit: the plan with its figures, unit and
    # responsible; its phases; their activities with owners; the activities' predecessors.
    client = as_user(bob)
    url = reverse("plans:detail", args=[service_plan.pk])
    phases = PhaseFactory.create_batch(5, plan=service_plan)
    previous = None

    def add_activities(count: int) -> None:
        nonlocal previous
        for number in range(count):
            activity = ActivityFactory(
                phase=phases[number % 5],
                owner=alice,
                start_date=days(number),
                due_date=days(number),
            )
            if previous is not None:
                activity.depends_on.add(previous)
            previous = activity

    owner = as_user(alice)
    add_activities(5)
    five, five_for_owner = count_queries(client, url), count_queries(owner, url)
    add_activities(45)
    assert count_queries(client, url) == five
    assert count_queries(owner, url) == five_for_owner


def test_anonymous_plan_lookup_of_a_missing_plan_is_a_404(bob, as_user):
    assert as_user(bob).get(reverse("plans:detail", args=[999999])).status_code == 404


# --- status -------------------------------------------------------------------------------


def status_url(activity: Activity) -> str:
    return reverse("plans:activity_status", args=[activity.pk])


def test_owner_sets_the_status_without_javascript(alice, alices_activity, as_user):
    response = as_user(alice).post(status_url(alices_activity), {"status": "in_progress"}, **EN)
    assert response.status_code == 302
    plan_url = reverse("plans:detail", args=[alices_activity.phase.plan_id])
    assert response.url == f"{plan_url}#activity-{alices_activity.pk}"
    assert "“Interview customers” is now in progress." in messages_of(response)
    alices_activity.refresh_from_db()
    assert alices_activity.status == "in_progress"


def test_htmx_status_change_answers_with_the_row(alice, alices_activity, other_activity, as_user):
    response = as_user(alice).post(status_url(alices_activity), {"status": "done"}, **HTMX, **EN)
    assert response.status_code == 200
    html = response.content.decode()
    assert html.lstrip().startswith(f'<tr id="activity-{alices_activity.pk}"')
    assert "<html" not in html
    assert '<option value="done" selected>' in html
    # Fresh figures, timeline and an announcement come along out of band.
    assert 'id="plan-figures"' in html and 'id="timeline"' in html
    assert html.count('hx-swap-oob="true"') == 3
    assert "1 of 2 activities done" in html
    assert "“Interview customers” is now done." in html
    alices_activity.refresh_from_db()
    assert alices_activity.status == "done"


def test_status_change_is_recorded_with_who_made_it(alice, alices_activity, as_user):
    as_user(alice).post(status_url(alices_activity), {"status": "blocked"}, **HTMX)
    latest = alices_activity.history.first()
    assert latest.status == "blocked" and latest.history_user == alice


@pytest.mark.parametrize("status", ["finished", "", "DONE"])
def test_an_unknown_status_is_a_400_and_changes_nothing(alice, alices_activity, as_user, status):
    response = as_user(alice).post(status_url(alices_activity), {"status": status}, **EN)
    assert response.status_code == 400
    assert "The status was not changed" in response.content.decode()
    alices_activity.refresh_from_db()
    assert alices_activity.status == "planned"


def test_status_change_only_by_post(alice, alices_activity, as_user):
    assert as_user(alice).get(status_url(alices_activity)).status_code == 405


# --- editing ------------------------------------------------------------------------------


def test_coordinator_edits_the_plan(bob, service_plan, service_unit, as_user):
    data = {
        "name": "Renamed",
        "unit": service_unit.pk,
        "coordinator": bob.pk,
        "start_date": service_plan.start_date.isoformat(),
        "end_date": service_plan.end_date.isoformat(),
        "budget": "120000",
        "description": "",
    }
    response = as_user(bob).post(reverse("plans:edit", args=[service_plan.pk]), data)
    assert response.status_code == 302
    service_plan.refresh_from_db()
    assert (service_plan.name, service_plan.budget) == ("Renamed", Decimal("120000"))


def test_coordinator_deletes_a_plan_after_confirming(bob, alices_activity, as_user):
    plan = alices_activity.phase.plan
    url = reverse("plans:delete", args=[plan.pk])
    client = as_user(bob)
    page = client.get(url, **EN).content.decode()
    assert "Yes, delete the plan" in page and "1 activity" in page
    assert Plan.objects.filter(pk=plan.pk).exists()  # looking is not deleting
    response = client.post(url)
    assert response.url == reverse("plans:list")
    assert not Plan.objects.filter(pk=plan.pk).exists()
    assert not Activity.objects.filter(pk=alices_activity.pk).exists()


def test_coordinator_adds_and_renames_a_phase(bob, service_plan, service_phase, as_user):
    client = as_user(bob)
    form = client.get(reverse("plans:phase_create", args=[service_plan.pk])).context["form"]
    assert form.initial["order"] == service_phase.order + 1
    response = client.post(
        reverse("plans:phase_create", args=[service_plan.pk]), {"title": "Pilot", "order": 5}
    )
    phase = Phase.objects.get(title="Pilot")
    assert phase.plan == service_plan
    assert response.url.endswith(f"#phase-{phase.pk}")
    client.post(reverse("plans:phase_edit", args=[phase.pk]), {"title": "Pilot run", "order": 5})
    phase.refresh_from_db()
    assert phase.title == "Pilot run"


def test_coordinator_deletes_a_phase_and_its_activities(
    bob, service_plan, alices_activity, other_activity, as_user
):
    later = PhaseFactory(plan=service_plan, title="Design", order=2)
    waiting = ActivityFactory(
        phase=later,
        title="Prototype",
        start_date=other_activity.due_date,
        due_date=other_activity.due_date,
    )
    waiting.depends_on.add(other_activity)
    client = as_user(bob)
    url = reverse("plans:phase_delete", args=[other_activity.phase_id])
    page = client.get(url, language="en").content.decode()
    assert "2 activities will be deleted" in page
    assert "Prototype" in page  # the activity in another phase that waits for it
    response = client.post(url)
    assert response.url == reverse("plans:detail", args=[service_plan.pk])
    assert list(service_plan.phases.all()) == [later]
    assert not Activity.objects.filter(pk__in=[alices_activity.pk, other_activity.pk]).exists()
    assert list(waiting.depends_on.all()) == []


def test_management_cannot_delete_a_phase(maria, alices_activity, as_user):
    url = reverse("plans:phase_delete", args=[alices_activity.phase_id])
    assert as_user(maria).post(url).status_code == 403
    assert Activity.objects.filter(pk=alices_activity.pk).exists()


def test_adding_an_activity_to_a_plan_without_phases_asks_for_a_phase_first(
    bob, service_plan, as_user
):
    response = as_user(bob).get(reverse("plans:activity_create", args=[service_plan.pk]))
    assert response.url == reverse("plans:phase_create", args=[service_plan.pk])


def test_coordinator_deletes_an_activity(bob, alices_activity, other_activity, as_user):
    client = as_user(bob)
    url = reverse("plans:activity_delete", args=[alices_activity.pk])
    assert "Write personas" in client.get(url).content.decode()  # its dependant is named
    client.post(url)
    assert not Activity.objects.filter(pk=alices_activity.pk).exists()
    assert list(other_activity.depends_on.all()) == []


# --- history ------------------------------------------------------------------------------


def test_activity_edit_page_shows_who_changed_what(alice, bob, alices_activity, as_user):
    as_user(alice).post(status_url(alices_activity), {"status": "in_progress"})
    html = (
        as_user(bob)
        .get(reverse("plans:activity_edit", args=[alices_activity.pk]), **EN)
        .content.decode()
    )
    assert "History" in html
    assert alice.get_full_name() in html
    assert "Planned</del>" in html and "In progress</ins>" in html


def test_plan_history_lists_changes_to_plan_phases_and_activities(
    alice, bob, alices_activity, other_activity, as_user
):
    as_user(alice).post(status_url(alices_activity), {"status": "done"})
    client = as_user(bob)
    client.post(
        reverse("plans:phase_edit", args=[alices_activity.phase_id]),
        {"title": "Journey mapping", "order": 1},
    )
    response = client.get(reverse("plans:history", args=[alices_activity.phase.plan_id]), **EN)
    changes = response.context["changes"]
    assert changes[0].subject == "Journey mapping" and changes[0].who == bob
    assert [field.field for field in changes[0].fields] == ["Title"]
    status_change = next(c for c in changes if c.who == alice)
    assert status_change.subject == "Interview customers"
    assert [(f.old, f.new) for f in status_change.fields] == [("Planned", "Done")]
    dependency = next(c for c in changes if any(f.field == "Depends on" for f in c.fields))
    assert dependency.subject == "Write personas"
    assert any(c.kind == "+" and c.subject_type == "rollout plan" for c in changes)


def test_plan_history_runs_the_same_queries_for_few_and_many_changes(
    bob, alices_activity, as_user, count_queries
):
    client = as_user(bob)
    url = reverse("plans:history", args=[alices_activity.phase.plan_id])
    client.post(status_url(alices_activity), {"status": "blocked"})
    few = count_queries(client, url)
    for status in ["in_progress", "blocked", "in_progress", "done"] * 5:
        client.post(status_url(alices_activity), {"status": status})
    ActivityFactory.create_batch(10, phase=alices_activity.phase)
    assert count_queries(client, url) == few


def test_an_owner_gets_a_shortcut_to_their_activities(alice, bob, alices_activity, as_user):
    url = reverse("plans:detail", args=[alices_activity.phase.plan_id])
    assert 'href="?show=mine#phases-heading"' in as_user(alice).get(url).content.decode()
    assert 'href="?show=mine#phases-heading"' not in as_user(bob).get(url).content.decode()
