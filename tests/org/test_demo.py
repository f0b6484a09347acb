"""`manage.py demo`: the Nordljus Energi AB demo organisation, its rollout and where its
people stand in the competence catalogue."""

import datetime as dt
from collections import Counter
from collections.abc import Iterator

import pytest
from django.contrib.auth.models import User
from django.utils import timezone

from cxlean.backlog.models import Item
from cxlean.competence.models import (
    CardStatus,
    GreenCard,
    Level,
    Record,
    TraineePlan,
    may_sign_off,
    person_card_progress,
)
from cxlean.core.branding import DEFAULT_COLOUR, Branding
from cxlean.demo import org as demo
from cxlean.org.models import CatalogueProposal, CXRole, Profile, ProposalStatus, Unit
from cxlean.org.roles import (
    COORDINATOR,
    CX_OWNER,
    EMPLOYEE,
    MANAGEMENT,
    coordinates_unit,
    may_edit_catalogue,
)
from cxlean.plans.models import Activity, Plan
from tests.backlog.test_demo import snapshot as backlog_snapshot
from tests.demo_once import ON_ONE_WORKER, demo_for_module, run_demo

pytestmark = [pytest.mark.django_db, ON_ONE_WORKER]


@pytest.fixture
def debug(settings):
    settings.DEBUG = True


@pytest.fixture(scope="module")
def built(django_db_setup, django_db_blocker) -> Iterator[str]:
    """The demo, built once for this module (see tests/demo_once.py)."""
    with demo_for_module(django_db_blocker) as output:
        yield output


def user(username: str) -> User:
    return User.objects.select_related("profile__unit").get(username=username)


def groups_of(username: str) -> set[str]:
    return set(User.objects.get(username=username).groups.values_list("name", flat=True))


def demo_plan() -> Plan:
    return Plan.objects.get(name="Lean CX i Kundservice")


def test_the_five_logins_have_the_demo_password(built):
    for username in ("coordinator", "employee", "manager", "admin", "cxowner"):
        assert user(username).check_password("cxlean-demo"), username


def test_the_coordinator_coordinates_kundservice(built):
    coordinator = user("coordinator")
    assert groups_of("coordinator") == {COORDINATOR}
    assert coordinator.is_staff and not coordinator.is_superuser
    assert coordinator.profile.unit.name == "Kundservice"


def test_the_employee_works_in_a_team_under_the_coordinators_unit(built):
    employee, coordinator = user("employee"), user("coordinator")
    assert groups_of("employee") == {EMPLOYEE}
    assert not employee.is_staff
    assert employee.profile.unit.parent == coordinator.profile.unit
    assert coordinates_unit(coordinator, employee.profile.unit)


def test_the_cx_owner_keeps_the_catalogues_and_has_proposals_to_decide(built):
    owner = user("cxowner")
    assert groups_of("cxowner") == {CX_OWNER}
    assert owner.is_staff and not owner.is_superuser
    assert may_edit_catalogue(owner) and not may_edit_catalogue(user("coordinator"))
    proposals = CatalogueProposal.objects.filter(proposed_by=user("coordinator"))
    assert {p.status for p in proposals} == {ProposalStatus.OPEN, ProposalStatus.ACCEPTED}
    assert proposals.get(status=ProposalStatus.ACCEPTED).decided_by == owner


def test_the_manager_is_management_at_company_level(built):
    manager = user("manager")
    assert groups_of("manager") == {MANAGEMENT}
    assert manager.is_staff and not manager.is_superuser
    assert manager.profile.unit.parent is None


def test_admin_is_a_superuser(built):
    admin = user("admin")
    assert admin.is_superuser and admin.is_staff


def test_everyone_else_is_an_employee(built):
    others = User.objects.exclude(username__in=["coordinator", "manager", "admin", "cxowner"])
    for person in others.prefetch_related("groups"):
        assert [g.name for g in person.groups.all()] == [EMPLOYEE], person.username


def test_about_25_people_share_all_13_cx_roles(built):
    profiles = list(Profile.objects.prefetch_related("cx_roles"))
    assert 20 <= len(profiles) <= 30
    held = {role.slug for profile in profiles for role in profile.cx_roles.all()}
    assert held == set(CXRole.objects.values_list("slug", flat=True))
    assert len(held) == 13
    assert sum(1 for p in profiles if len(p.cx_roles.all()) >= 2) >= 5
    assert all(profile.job_title for profile in profiles)


def test_the_organisation_is_a_company_with_departments_and_teams(built):
    root = Unit.objects.get(code=demo.ROOT_CODE)
    assert root.name == "Nordljus Energi AB"
    departments = set(root.children.values_list("name", flat=True))
    assert {"Kundservice", "Digitala kanaler", "Marknad & försäljning", "IT"} <= departments
    assert Unit.objects.filter(path__regex=r"^/\d+/\d+/\d+/$").count() >= 3  # teams


def test_one_rollout_is_in_progress(built):
    plan = demo_plan()
    today = timezone.localdate()
    assert Plan.objects.count() == 1
    assert plan.start_date == today - dt.timedelta(weeks=10)
    assert plan.start_date < today < plan.end_date
    assert plan.budget == 450_000
    assert plan.unit == user("coordinator").profile.unit
    assert plan.phases.count() == 7


def test_every_activity_has_an_owner_from_the_organisation(built):
    activities = demo_plan().activities().select_related("owner__profile")
    assert activities.count() == 30
    for activity in activities:
        assert activity.owner is not None and activity.owner.profile
    owners = {a.owner.username for a in activities}
    assert len(owners) >= 8
    assert not owners & {"manager", "admin"}


def test_statuses_are_realistic(built):
    activities = demo_plan().activities()
    done = activities.filter(status=Activity.Status.DONE)
    assert done.count() >= 4
    assert all(activity.actual_cost > 0 for activity in done)
    assert set(done.values_list("phase__order", flat=True)) >= {1}
    assert activities.filter(status=Activity.Status.IN_PROGRESS).count() >= 2
    assert activities.filter(status=Activity.Status.BLOCKED).count() == 1
    assert activities.late().count() == 2
    figures = Plan.objects.with_figures().get(pk=demo_plan().pk)
    assert 0 < figures.actual_total < figures.planned_total == 450_000


def test_the_employee_owns_late_work_and_one_activity_in_progress(built):
    employee = user("employee")
    owned = Activity.objects.filter(owner=employee)
    assert owned.count() >= 4
    assert owned.late().count() == 2
    assert owned.filter(status=Activity.Status.IN_PROGRESS).count() == 1
    assert all(activity.can_update_status(employee) for activity in owned)
    assert demo_plan() in Plan.objects.visible_to(employee)


def test_the_coordinator_may_edit_the_plan_and_the_manager_may_not(built):
    plan = demo_plan()
    assert plan.can_edit(user("coordinator"))
    assert not plan.can_edit(user("manager"))
    assert plan in Plan.objects.visible_to(user("manager"))


def test_the_plan_history_shows_the_coordinator(built):
    coordinator = user("coordinator")
    plan = demo_plan()
    assert plan.history.earliest().history_user == coordinator
    history_users = set(
        Activity.history.filter(phase__plan=plan).values_list("history_user", flat=True)
    )
    assert history_users == {coordinator.pk}
    # The status changes are recorded, not only the creation.
    assert Activity.history.filter(history_type="~", status=Activity.Status.BLOCKED).exists()


def test_the_demo_organisation_names_the_branding(built):
    branding = Branding.objects.get()
    assert (branding.name, branding.colour, branding.logo.name) == (
        "Nordljus Energi AB",
        DEFAULT_COLOUR,
        "",
    )


def test_it_prints_the_logins(built):
    assert "cxlean-demo" in built
    for username in ("coordinator", "employee", "manager", "admin"):
        assert f"  {username} " in built
    assert "http://127.0.0.1:8000/" in built


def test_it_sums_up_what_it_built(built):
    assert "34 improvements" in built
    assert "6 checklist assignments" in built
    assert "5 improvements made from their observations" in built


def test_running_it_twice_changes_nothing(built, debug):
    counts = (
        User.objects.count(),
        Unit.objects.count(),
        Plan.objects.count(),
        Activity.objects.count(),
        CXRole.objects.count(),
    )
    output = run_demo()
    assert "already there" in output
    assert "Log in at" in output
    assert counts == (
        User.objects.count(),
        Unit.objects.count(),
        Plan.objects.count(),
        Activity.objects.count(),
        CXRole.objects.count(),
    )


def test_reset_builds_the_same_demo_again(built, debug):
    """One reset (each takes seconds) checked for the organisation, its competence
    records and Green Cards, and the backlog with its journeys and feedback."""

    def snapshot():
        return (
            sorted(User.objects.values_list("username", "profile__unit__code")),
            list(
                demo_plan()
                .activities()
                .order_by("start_date", "order")
                .values_list("title", "owner__username", "status", "actual_cost")
            ),
        )

    before, old_plan = snapshot(), demo_plan().pk
    before_competence, before_backlog = competence_snapshot(), backlog_snapshot()
    old_items = set(Item.objects.values_list("pk", flat=True))
    output = run_demo("--reset")
    assert "Removed the previous demo organisation" in output
    assert demo_plan().pk != old_plan
    assert snapshot() == before
    assert competence_snapshot() == before_competence
    assert backlog_snapshot() == before_backlog
    assert not old_items & set(Item.objects.values_list("pk", flat=True))
    assert list(Branding.objects.values_list("name", flat=True)) == ["Nordljus Energi AB"]


def demo_usernames() -> list[str]:
    return [person.username for person in demo.PEOPLE]


def test_people_stand_where_a_rollout_two_months_in_leaves_them(built):
    records = Record.objects.all()
    assert 200 <= records.count() <= 500
    levels = Counter(records.values_list("level", flat=True))
    assert levels[Level.I] + levels[Level.L] > levels[Level.U] + levels[Level.O]
    assert levels[Level.U] >= 20 and levels[Level.O] >= 10
    with_records = set(records.values_list("person__username", flat=True))
    assert with_records == set(demo_usernames())
    # Everyone signed off by someone the rules allow (never by themselves).
    for record in records.select_related("person__profile__unit", "activity", "signed_off_by"):
        if record.level:
            assert may_sign_off(record.signed_off_by, record.person, record.activity), record


def test_the_employee_has_sign_offs_waiting_one_rejected_and_a_card_in_sight(built):
    employee = user("employee")
    records = Record.objects.filter(person=employee)
    waiting = [record for record in records if record.awaits_sign_off]
    assert len(waiting) == 3
    assert all(record.evidence_text for record in waiting)
    rejected = [record for record in records if record.is_rejected]
    assert len(rejected) == 1
    assert rejected[0].rejection_comment and rejected[0].rejected_by == user("coordinator")
    (progress,) = person_card_progress(employee)
    assert progress.status == CardStatus.IN_PROGRESS
    assert 0.3 <= progress.done / progress.required <= 0.7


def test_the_coordinator_has_a_short_sign_off_queue(built):
    queue = Record.objects.for_queue(user("coordinator"))
    assert 3 <= queue.count() <= 8
    assert queue.filter(person__username="employee").count() == 3


def test_trainers_hold_o_and_one_sign_off_has_expired(built):
    trainers = set(Record.objects.filter(level=Level.O).values_list("person__username", flat=True))
    assert {"ahmed.hassan", "fatima.ali", "johanna.sandberg"} <= trainers
    expired = Record.objects.filter(expires_on__lt=timezone.localdate())
    assert list(expired.values_list("person__username", "activity__code")) == [
        ("erik.johansson", "active-listening")
    ]


def test_two_green_cards_one_expiring_and_one_person_ready(built):
    statuses = {
        username: {p.role.slug: p.status for p in person_card_progress(user(username))}
        for username in demo_usernames()
    }
    assert statuses["ahmed.hassan"]["customer-service"] == CardStatus.EXPIRING
    assert statuses["elin.wikstrom"]["data-analyst"] == CardStatus.CERTIFIED
    assert statuses["fatima.ali"]["customer-service"] == CardStatus.READY
    ready = [name for name, roles in statuses.items() if CardStatus.READY in roles.values()]
    assert ready == ["fatima.ali"]
    cards = GreenCard.objects.all()
    assert cards.count() == 2
    assert {card.issued_by for card in cards} == {user("coordinator")}
    soon = [card for card in cards if card.expires_on - timezone.localdate() <= dt.timedelta(30)]
    assert len(soon) == 1


def test_the_newest_hire_has_a_trainee_plan_with_one_late_goal(built):
    plan = TraineePlan.objects.get()
    assert plan.person.username == "oskar.lund" and plan.mentor.username == "fatima.ali"
    records = {r.activity_id: r for r in Record.objects.filter(person=plan.person)}
    goals = list(plan.goals.all())
    assert len(goals) == 6
    assert sum(goal.is_late(records.get(goal.activity_id)) for goal in goals) == 1
    assert sum(goal.is_reached(records.get(goal.activity_id)) for goal in goals) == 2


def test_record_history_names_who_signed_off(built):
    record = Record.objects.get(person__username="employee", activity__code="touchpoints")
    entry = record.history.get()
    assert entry.history_user == user("coordinator")
    assert entry.history_date.date() == record.signed_off_on


def competence_snapshot() -> tuple:
    return sorted(
        Record.objects.values_list(
            "person__username", "activity__code", "level", "self_level", "signed_off_on"
        )
    ), sorted(GreenCard.objects.values_list("person__username", "role__slug", "expires_on"))
