"""Each reminder rule, and that it reminds once: two sweeps make one notification; a
moved date makes a new one."""

import datetime as dt

from django.contrib.auth.models import Group

from cxlean.backlog.models import Status as ItemStatus
from cxlean.competence.models import Level
from cxlean.notifications.models import Kind, Notification, Reminder
from cxlean.org.roles import COORDINATOR
from cxlean.plans.models import Activity
from tests.checklists.factories import AssignmentFactory, CompletionFactory, TemplateItemFactory
from tests.factories import (
    CXRoleFactory,
    GreenCardFactory,
    ItemFactory,
    RecordFactory,
    UnitFactory,
    UserFactory,
)
from tests.gemba.factories import WalkFactory
from tests.notifications.conftest import days, kinds_of

# --- rollout activities ------------------------------------------------------------------


def test_an_activity_due_within_three_days_reminds_its_owner_once(make_activity, sweep, alice, bob):
    activity = make_activity(due=3)
    created = sweep()
    assert [(n.user, n.kind) for n in created] == [(alice, Kind.ACTIVITY_DUE_SOON)]
    assert created[0].subject_id == activity.pk
    assert created[0].url.endswith(f"#activity-{activity.pk}")
    assert sweep() == []
    assert kinds_of(alice) == [Kind.ACTIVITY_DUE_SOON]
    assert kinds_of(bob) == []


def test_a_moved_due_date_reminds_again_the_same_date_never(make_activity, sweep, alice, today):
    activity = make_activity(due=1)
    sweep()
    Activity.objects.filter(pk=activity.pk).update(due_date=days(today, 2))
    assert len(sweep()) == 1
    Activity.objects.filter(pk=activity.pk).update(due_date=days(today, 1))
    assert sweep() == []  # back to a date already reminded of
    assert Notification.objects.filter(user=alice).count() == 2


def test_activities_due_later_done_or_cancelled_remind_nobody(make_activity, sweep):
    make_activity(due=4)
    make_activity(due=1, status=Activity.Status.DONE)
    make_activity(due=1, status=Activity.Status.CANCELLED)
    make_activity(due=-2, status=Activity.Status.DONE)
    assert sweep() == []


def test_a_late_activity_reminds_the_owner_and_the_plans_coordinator(
    make_activity, sweep, alice, bob, carol
):
    make_activity(due=-1, status=Activity.Status.BLOCKED)
    assert {(n.user, n.kind) for n in sweep()} == {
        (alice, Kind.ACTIVITY_LATE),
        (bob, Kind.ACTIVITY_LATE),
    }
    assert sweep() == []
    assert kinds_of(carol) == []


def test_a_late_activity_without_owner_reminds_the_coordinator(make_activity, sweep, bob):
    make_activity(due=-3, owner=None)
    assert [n.user for n in sweep()] == [bob]


# --- competence sign-offs ----------------------------------------------------------------


def test_a_sign_off_waiting_reminds_the_nearest_coordinators_once_per_request(
    sweep, alice, bob, carol, company
):
    dave = UserFactory(username="dave", role=COORDINATOR, unit=company)
    record = RecordFactory(person=alice, self_level=Level.L)
    created = sweep()
    assert [(n.user, n.kind) for n in created] == [(bob, Kind.SIGN_OFF_WAITING)]
    assert created[0].url == f"/competence/records/{record.pk}/"
    assert sweep() == []
    record.evidence_text = "Ran the workshop twice."
    record.save()
    assert sweep() == []  # new evidence for the same request is not a new request
    record.sign_off(bob, Level.L)
    record.assess(Level.U)
    record.save()
    assert [n.user for n in sweep()] == [bob]  # a new request, at U
    assert kinds_of(carol) == kinds_of(dave) == []


def test_a_company_coordinator_is_reminded_where_nobody_nearer_coordinates(
    sweep, company, sales_unit
):
    dave = UserFactory(username="dave", role=COORDINATOR, unit=company)
    seller = UserFactory(unit=UnitFactory(parent=sales_unit))
    RecordFactory(person=seller, self_level=Level.I)
    assert [n.user for n in sweep()] == [dave]


def test_rejected_and_signed_off_records_remind_nobody(sweep, alice, bob):
    RecordFactory(person=alice, self_level=Level.L, rejected_level=Level.L)
    RecordFactory(person=alice, self_level=Level.U, level=Level.U)
    assert sweep() == []


# --- Green Cards ------------------------------------------------------------------------


def card(person, today, expires_in: int, issued_days_ago: int = 700, **kwargs):
    return GreenCardFactory(
        person=person,
        **kwargs,
        issued_on=days(today, -issued_days_ago),
        expires_on=days(today, expires_in),
    )


def test_a_green_card_expiring_reminds_holder_and_coordinators_once(
    sweep, alice, bob, today, settings
):
    settings.GREEN_CARD_EXPIRY_WARNING_DAYS = 30
    issued = card(alice, today, expires_in=30)
    card(alice, today, expires_in=31, role=CXRoleFactory())  # another role's, not yet due
    created = sweep()
    assert {(n.user, n.kind) for n in created} == {
        (alice, Kind.CARD_EXPIRING),
        (bob, Kind.CARD_EXPIRING),
    }
    urls = {n.user: n.url for n in created}
    assert urls[alice] == f"/competence/cards/{issued.pk}/"
    assert urls[bob] == f"/competence/people/{alice.pk}/"
    assert sweep() == []


def test_an_expired_card_reminds_once_and_a_renewed_one_not_at_all(sweep, alice, bob, today):
    expired = card(alice, today, expires_in=-1)
    assert {(n.user, n.kind) for n in sweep()} == {
        (alice, Kind.CARD_EXPIRED),
        (bob, Kind.CARD_EXPIRED),
    }
    assert sweep() == []
    assert expired.pk
    renewed_person = UserFactory(unit=alice.profile.unit)
    card(renewed_person, today, expires_in=5)
    card(renewed_person, today, expires_in=700, issued_days_ago=1)  # renewed yesterday
    assert sweep() == []


def test_cards_that_expired_long_ago_are_history_not_news(sweep, alice, today):
    card(alice, today, expires_in=-200)
    assert sweep() == []


def test_an_expiring_card_warns_the_configured_days_ahead(sweep, alice, today, settings):
    settings.GREEN_CARD_EXPIRY_WARNING_DAYS = 10
    card(alice, today, expires_in=20)
    assert sweep() == []
    settings.GREEN_CARD_EXPIRY_WARNING_DAYS = 30
    assert Kind.CARD_EXPIRING in {n.kind for n in sweep()}


# --- checklists --------------------------------------------------------------------------


def test_an_overdue_checklist_reminds_the_assignee_until_complete(
    sweep, alice, bob, service_team, today
):
    assignment = AssignmentFactory(
        person=alice, role=None, unit=service_team, due_date=days(today, -1)
    )
    first = TemplateItemFactory(template=assignment.template)
    TemplateItemFactory(template=assignment.template)
    CompletionFactory(assignment=assignment, item=first, person=alice)
    created = sweep()
    assert [(n.user, n.kind) for n in created] == [(alice, Kind.CHECKLIST_OVERDUE)]
    assert "1" in created[0].body and "2" in created[0].body
    assert sweep() == []
    assert kinds_of(bob) == []


def test_a_role_checklist_reminds_the_role_holders_who_have_not_finished(
    sweep, alice, service_team, service_unit, today
):
    assignment = AssignmentFactory(unit=service_unit, due_date=days(today, -2))
    only = TemplateItemFactory(template=assignment.template)
    alice.profile.cx_roles.add(assignment.role)
    done = UserFactory(unit=service_team)
    done.profile.cx_roles.add(assignment.role)
    CompletionFactory(assignment=assignment, item=only, person=done)
    assert [n.user for n in sweep()] == [alice]


def test_a_checklist_not_yet_due_or_complete_reminds_nobody(sweep, alice, service_team, today):
    future = AssignmentFactory(person=alice, role=None, unit=service_team, due_date=days(today, 1))
    TemplateItemFactory(template=future.template)
    finished = AssignmentFactory(
        person=alice, role=None, unit=service_team, due_date=days(today, -1)
    )
    item = TemplateItemFactory(template=finished.template)
    CompletionFactory(assignment=finished, item=item, person=alice)
    assert sweep() == []


# --- Gemba walks -------------------------------------------------------------------------


def test_a_walk_within_a_day_reminds_leader_and_participants_and_again_when_moved(
    sweep, alice, bob, carol, service_unit, now
):
    walk = WalkFactory(
        unit=service_unit,
        leader=bob,
        participants=[alice],
        planned_start=now + dt.timedelta(hours=20),
    )
    WalkFactory(unit=service_unit, leader=carol, planned_start=now + dt.timedelta(days=3))
    assert {(n.user, n.kind) for n in sweep()} == {
        (alice, Kind.WALK_UPCOMING),
        (bob, Kind.WALK_UPCOMING),
    }
    assert sweep() == []
    walk.planned_start = now + dt.timedelta(hours=22)
    walk.save()
    assert {n.user for n in sweep()} == {alice, bob}


def test_cancelled_and_past_walks_remind_nobody(sweep, bob, service_unit, now):
    WalkFactory(
        unit=service_unit, leader=bob, planned_start=now + dt.timedelta(hours=2), status="cancelled"
    )
    WalkFactory(unit=service_unit, leader=bob, planned_start=now - dt.timedelta(hours=2))
    assert sweep() == []


# --- improvements ------------------------------------------------------------------------


def test_an_improvement_past_due_reminds_its_owner(sweep, alice, bob, service_team, today):
    item = ItemFactory(
        unit=service_team, owner=alice, due_date=days(today, -1), status=ItemStatus.DO
    )
    created = sweep()
    assert [(n.user, n.kind) for n in created] == [(alice, Kind.IMPROVEMENT_OVERDUE)]
    assert created[0].url == f"/improvements/{item.pk}/"
    assert sweep() == []


def test_an_improvement_without_owner_reminds_the_units_coordinators(
    sweep, bob, service_team, today
):
    ItemFactory(unit=service_team, due_date=days(today, -1), status=ItemStatus.TRIAGED)
    ItemFactory(unit=service_team, due_date=days(today, -1), status=ItemStatus.ACT)
    ItemFactory(unit=service_team, due_date=days(today, 1), status=ItemStatus.TRIAGED)
    assert [n.user for n in sweep()] == [bob]


# --- who gets nothing --------------------------------------------------------------------


def test_inactive_people_get_nothing(make_activity, sweep, alice, bob):
    alice.is_active = False
    alice.save()
    make_activity(due=-1)
    assert [n.user for n in sweep()] == [bob]
    assert not Reminder.objects.filter(user=alice).exists()


def test_management_gets_no_reminders_even_as_a_coordinator(make_activity, sweep, maria):
    """Management reads and changes nothing, whatever other groups they hold, so a
    reminder to act would ask for what they may not do."""
    make_activity(due=1, owner=maria)
    assert sweep() == []
    maria.groups.add(Group.objects.get_or_create(name=COORDINATOR)[0])
    assert sweep() == []


def test_a_dry_run_counts_and_changes_nothing(make_activity, sweep, now):
    from cxlean.notifications.sweep import run_sweep

    make_activity(due=-1)
    result = run_sweep(now, dry_run=True)
    assert result.total == 2
    assert not Notification.objects.exists() and not Reminder.objects.exists()
    assert len(sweep()) == 2
    assert run_sweep(now, dry_run=True).total == 0
