import datetime as dt
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction

from cxlean.plans.models import Activity, Plan, progress_percent, validate_dependencies
from tests.factories import ActivityFactory, PhaseFactory, PlanFactory, UserFactory

pytestmark = pytest.mark.django_db
D = dt.date


def chain(phase, *windows):
    """Activities in `phase` with (start, due) windows, each depending on the one before."""
    activities, previous = [], None
    for start, due in windows:
        activity = ActivityFactory(phase=phase, start_date=start, due_date=due)
        if previous:
            activity.depends_on.add(previous)
        activities.append(activity)
        previous = activity
    return activities


def test_progress_counts_done_over_live_activities():
    phase = PhaseFactory()
    for status in ["done", "done", "planned", "in_progress", "cancelled"]:
        ActivityFactory(phase=phase, status=status)
    plan = Plan.objects.with_figures().get(pk=phase.plan_id)
    assert (plan.done_count, plan.activity_count) == (2, 4)
    assert progress_percent(plan.done_count, plan.activity_count) == 50


def test_progress_of_an_empty_plan_is_zero():
    plan = Plan.objects.with_figures().get(pk=PlanFactory().pk)
    assert progress_percent(plan.done_count, plan.activity_count) == 0


def test_figures_sum_costs_and_count_late_and_blocked(monkeypatch):
    phase = PhaseFactory(plan__budget=Decimal("5000"))
    ActivityFactory(
        phase=phase,
        planned_cost=1000,
        actual_cost=1200,
        status="done",
        due_date=D(2020, 1, 1),
        start_date=D(2020, 1, 1),
    )
    ActivityFactory(
        phase=phase,
        planned_cost=2000,
        actual_cost=0,
        status="blocked",
        due_date=D(2020, 1, 1),
        start_date=D(2020, 1, 1),
    )
    ActivityFactory(phase=phase, planned_cost=999, status="cancelled")
    plan = Plan.objects.with_figures().get(pk=phase.plan_id)
    assert plan.planned_total == Decimal("3000")  # the cancelled one no longer counts
    assert plan.actual_total == Decimal("1200")
    assert plan.blocked_count == 1
    assert plan.late_count == 1  # done work is never late


def test_activity_is_late_only_when_open_and_past_due():
    assert ActivityFactory.build(start_date=D(2020, 1, 1), due_date=D(2020, 1, 2)).is_late
    assert not ActivityFactory.build(
        start_date=D(2020, 1, 1), due_date=D(2020, 1, 2), status="done"
    ).is_late
    assert not ActivityFactory.build(start_date=D(2999, 1, 1), due_date=D(2999, 1, 2)).is_late


def test_due_before_start_is_rejected_by_clean_and_database():
    activity = ActivityFactory.build(
        phase=PhaseFactory(), start_date=D(2026, 3, 2), due_date=D(2026, 3, 1)
    )
    with pytest.raises(ValidationError) as error:
        activity.full_clean()
    assert "due_date" in error.value.message_dict
    with pytest.raises(IntegrityError), transaction.atomic():
        activity.save()


def test_negative_money_is_rejected():
    activity = ActivityFactory.build(phase=PhaseFactory(), planned_cost=Decimal("-1"))
    with pytest.raises(ValidationError) as error:
        activity.full_clean()
    assert "planned_cost" in error.value.message_dict
    plan = PlanFactory.build(
        budget=Decimal("-5"), unit=PlanFactory().unit, coordinator=UserFactory()
    )
    with pytest.raises(ValidationError) as error:
        plan.full_clean()
    assert "budget" in error.value.message_dict


def test_plan_cannot_end_before_it_starts():
    plan = PlanFactory.build(
        start_date=D(2026, 5, 1),
        end_date=D(2026, 4, 1),
        unit=PlanFactory().unit,
        coordinator=UserFactory(),
    )
    with pytest.raises(ValidationError) as error:
        plan.full_clean()
    assert "end_date" in error.value.message_dict


def test_activity_cannot_start_before_its_predecessor_ends():
    phase = PhaseFactory()
    first = ActivityFactory(phase=phase, start_date=D(2026, 3, 1), due_date=D(2026, 3, 10))
    second = ActivityFactory(phase=phase, start_date=D(2026, 3, 5), due_date=D(2026, 3, 20))
    with pytest.raises(ValidationError) as error:
        validate_dependencies(second, [first])
    assert "depends_on" in error.value.message_dict


def test_starting_on_the_day_the_predecessor_is_due_is_allowed():
    phase = PhaseFactory()
    first = ActivityFactory(phase=phase, start_date=D(2026, 3, 1), due_date=D(2026, 3, 10))
    second = ActivityFactory(phase=phase, start_date=D(2026, 3, 10), due_date=D(2026, 3, 20))
    validate_dependencies(second, [first])


def test_dependency_cycle_is_rejected_and_named():
    phase = PhaseFactory()
    same_day = (D(2026, 3, 1), D(2026, 3, 1))
    a, b, c = chain(phase, same_day, same_day, same_day)  # c → b → a
    with pytest.raises(ValidationError) as error:
        validate_dependencies(a, [c])
    message = error.value.message_dict["depends_on"][0]
    assert a.title in message and c.title in message


def test_an_activity_cannot_depend_on_itself():
    activity = ActivityFactory()
    with pytest.raises(ValidationError):
        validate_dependencies(activity, [activity])


def test_dependencies_stay_inside_one_plan():
    mine, other = ActivityFactory(), ActivityFactory()
    with pytest.raises(ValidationError) as error:
        validate_dependencies(mine, [other])
    assert "en annan införandeplan" in error.value.message_dict["depends_on"][0]


def test_moving_a_due_date_past_a_successors_start_is_rejected():
    first, second = chain(
        PhaseFactory(), (D(2026, 3, 1), D(2026, 3, 10)), (D(2026, 3, 11), D(2026, 3, 20))
    )
    first.due_date = D(2026, 3, 15)
    with pytest.raises(ValidationError) as error:
        first.full_clean()
    assert second.title in error.value.message_dict["due_date"][0]


def test_history_records_who_changed_an_activity(alice):
    activity = ActivityFactory(owner=alice)
    activity.status = Activity.Status.IN_PROGRESS
    activity._history_user = alice
    activity.save()
    latest = activity.history.first()
    assert latest.history_user == alice
    assert latest.status == "in_progress"
    assert activity.history.count() == 2


def test_visibility_by_role(alice, bob, carol, maria, root, service_unit, sales_unit):
    service_plan = PlanFactory(unit=service_unit, coordinator=bob)
    sales_plan = PlanFactory(unit=sales_unit, coordinator=carol)
    ActivityFactory(phase__plan=sales_plan, owner=alice)  # alice takes part in sales' plan
    assert set(Plan.objects.visible_to(bob)) == {service_plan}
    assert set(Plan.objects.visible_to(carol)) == {sales_plan}
    assert set(Plan.objects.visible_to(alice)) == {sales_plan}
    assert set(Plan.objects.visible_to(maria)) == {service_plan, sales_plan}
    assert set(Plan.objects.visible_to(root)) == {service_plan, sales_plan}


def test_coordinators_edit_plans_of_their_units_and_sub_units(bob, carol, maria, service_team):
    team_plan = PlanFactory(unit=service_team)
    assert team_plan.can_edit(bob)
    assert not team_plan.can_edit(carol)
    assert not team_plan.can_edit(maria)


def test_owner_may_update_status_but_not_edit(alice, bob):
    activity = ActivityFactory(owner=alice, phase__plan__unit=bob.profile.unit)
    assert activity.can_update_status(alice) and not activity.can_edit(alice)
    assert activity.can_update_status(bob) and activity.can_edit(bob)
