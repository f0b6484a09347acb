"""The checklist rules: who an assignment reaches (computed, never copied), ticking
off with evidence, overdue, and who sees what."""

import datetime as dt

import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone, translation

from cxlean.checklists.models import Assignment, Completion, due_date_errors, tick
from cxlean.checklists.progress import Progress, checklists_of, progress_rows, summarise
from tests.checklists.conftest import days
from tests.checklists.factories import AssignmentFactory, TemplateFactory, TemplateItemFactory
from tests.factories import CXRoleFactory, UnitFactory, UserFactory

pytestmark = pytest.mark.django_db


def today() -> dt.date:
    return timezone.localdate()


def evidence(
    name: str = "underlag.pdf", content: bytes = b"%PDF-1.4 underlag"
) -> SimpleUploadedFile:
    return SimpleUploadedFile(name, content)


# --- who an assignment reaches -----------------------------------------------------------


def test_a_role_assignment_reaches_the_role_holders_of_the_unit_and_its_sub_units(
    role_assignment, alice_serves, bob, service_unit, sales_unit, service_role
):
    in_department = UserFactory(unit=service_unit)
    in_department.profile.cx_roles.add(service_role)
    in_sales = UserFactory(unit=sales_unit)
    in_sales.profile.cx_roles.add(service_role)
    assert set(role_assignment.assignees()) == {alice_serves, in_department}
    assert role_assignment.reaches(alice_serves)
    assert not role_assignment.reaches(bob)  # in the unit, without the role
    assert not role_assignment.reaches(in_sales)  # the role, in another unit


def test_people_who_get_the_role_later_get_the_checklist_too(
    role_assignment, service_team, service_role
):
    newcomer = UserFactory(unit=service_team)
    assert not role_assignment.reaches(newcomer)
    assert list(Assignment.objects.for_person(newcomer)) == []
    newcomer.profile.cx_roles.add(service_role)
    assert role_assignment.reaches(newcomer)
    assert list(Assignment.objects.for_person(newcomer)) == [role_assignment]
    assert [c.assignment for c in checklists_of(newcomer, today())] == [role_assignment]


def test_someone_who_joins_the_unit_later_gets_it_and_leaving_the_role_takes_it_away(
    role_assignment, sales_unit, service_team, service_role
):
    mover = UserFactory(unit=sales_unit)
    mover.profile.cx_roles.add(service_role)
    assert not role_assignment.reaches(mover)
    mover.profile.unit = service_team
    mover.profile.save()
    assert role_assignment.reaches(mover)
    mover.profile.cx_roles.remove(service_role)
    assert not role_assignment.reaches(mover)


def test_a_named_assignment_reaches_only_that_person(template, alice, service_team, bob):
    assignment = AssignmentFactory(template=template, unit=service_team, person=alice, role=None)
    assert list(assignment.assignees()) == [alice]
    assert assignment.reaches(alice) and not assignment.reaches(bob)


def test_an_assignment_goes_to_a_person_or_a_role_never_both_or_neither(
    template, alice, service_team, sales_unit, service_role
):
    both = Assignment(template=template, unit=service_team, person=alice, role=service_role)
    neither = Assignment(template=template, unit=service_team)
    elsewhere = Assignment(template=template, unit=sales_unit, person=alice)
    for wrong, field in ((both, "role"), (neither, "role"), (elsewhere, "person")):
        with pytest.raises(ValidationError) as refused:
            wrong.full_clean(exclude=["due_date"])
        assert field in refused.value.message_dict


def test_due_dates_in_the_past_are_refused_unless_unchanged():
    with translation.override("en"):
        assert due_date_errors(days(-1)) == ["The due date cannot be in the past."]
    assert due_date_errors(days(0)) == []
    assert due_date_errors(days(-3), previous=days(-3)) == []
    assert due_date_errors(days(-2), previous=days(-3)) != []


# --- ticking off -------------------------------------------------------------------------


def test_the_assignee_ticks_off_and_unticks_with_who_and_when_kept(role_assignment, alice, items):
    completion = tick(role_assignment, items[0], alice, done=True)
    assert completion.done and completion.person == alice and completion.done_at is not None
    tick(role_assignment, items[0], alice, done=False)
    completion.refresh_from_db()
    assert not completion.done and completion.done_at is None
    history = list(completion.history.order_by("history_date").values_list("done", flat=True))
    assert history == [True, False]
    assert Completion.objects.count() == 1


def test_an_item_that_needs_evidence_is_not_ticked_off_without_a_file(
    role_assignment, alice, items
):
    with pytest.raises(ValidationError) as refused:
        tick(role_assignment, items[2], alice, done=True)
    assert "evidence" in refused.value.message_dict
    assert not Completion.objects.exists()
    completion = tick(role_assignment, items[2], alice, done=True, evidence=evidence())
    assert completion.done and completion.evidence.name.endswith(".pdf")


def test_evidence_of_the_wrong_type_or_too_large_is_refused(role_assignment, alice, items):
    with pytest.raises(ValidationError) as wrong_type:
        tick(role_assignment, items[2], alice, evidence=evidence("script.exe", b"MZ"))
    assert "evidence" in wrong_type.value.message_dict
    big = SimpleUploadedFile("big.pdf", b"0" * (10 * 1024 * 1024 + 1))
    with pytest.raises(ValidationError) as too_large:
        tick(role_assignment, items[2], alice, evidence=big)
    assert "10 MB" in " ".join(too_large.value.messages)
    assert not Completion.objects.exists()


def test_an_item_of_another_checklist_is_refused(role_assignment, alice):
    stranger = TemplateItemFactory()
    with pytest.raises(ValidationError) as refused:
        tick(role_assignment, stranger, alice, done=True)
    assert "item" in refused.value.message_dict


# --- overdue -----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("due", "done", "overdue"),
    [
        (-1, 2, True),  # due date passed, not complete
        (-30, 0, True),
        (0, 0, False),  # due today: not yet overdue
        (5, 0, False),
        (-1, 3, False),  # complete is never overdue
        (-30, 3, False),
    ],
)
def test_overdue_means_past_the_due_date_and_not_complete(due, done, overdue):
    progress = Progress(done=done, total=3, due_date=days(due), today=today())
    assert progress.overdue is overdue
    assert progress.complete is (done == 3)
    assert progress.days_overdue == (-due if overdue else 0)


def test_an_empty_checklist_is_complete_and_never_overdue():
    progress = Progress(done=0, total=0, due_date=days(-3), today=today())
    assert progress.complete and not progress.overdue and progress.percent == 100


def test_progress_rows_count_each_persons_ticks(role_assignment, alice, items, service_team):
    colleague = UserFactory(unit=service_team)
    colleague.profile.cx_roles.add(role_assignment.role)
    tick(role_assignment, items[0], alice, done=True)
    tick(role_assignment, items[1], alice, done=True)
    tick(role_assignment, items[1], colleague, done=False, note="Snart")
    rows = progress_rows(
        Assignment.objects.all(), viewer=UserFactory(is_superuser=True), today=today()
    )
    by_person = {row.person: row.progress for row in rows}
    assert (by_person[alice].done, by_person[alice].total, by_person[alice].percent) == (2, 3, 66)
    assert by_person[colleague].done == 0
    [unit] = summarise(rows, "unit")
    assert (unit.label, unit.people_count, unit.done, unit.total) == ("Team Chatt", 2, 2, 6)


# --- who sees what -----------------------------------------------------------------------


def test_who_sees_which_assignment(
    role_assignment, alice, bob, carol, maria, root, sales_unit, company, service_role
):
    in_sales = AssignmentFactory(unit=sales_unit)
    company_wide = AssignmentFactory(
        unit=company, role=service_role, template=role_assignment.template
    )
    named_above = AssignmentFactory(unit=company, person=maria, role=None)
    visible = {
        person: set(Assignment.objects.visible_to(person))
        for person in (alice, bob, carol, maria, root)
    }
    assert visible[alice] == {role_assignment, company_wide}
    assert visible[bob] == {role_assignment, company_wide}  # role assignment above his units
    assert visible[carol] == {in_sales, company_wide}
    assert visible[maria] == visible[root] == {role_assignment, in_sales, company_wide, named_above}


def test_coordinators_follow_only_the_people_of_their_units(
    service_role, company, alice_serves, bob, carol, sales_unit, template
):
    seller = UserFactory(unit=sales_unit)
    seller.profile.cx_roles.add(service_role)
    company_wide = AssignmentFactory(unit=company, role=service_role, template=template)
    people = {
        viewer: {
            row.person
            for row in progress_rows(
                Assignment.objects.filter(pk=company_wide.pk), viewer=viewer, today=today()
            )
        }
        for viewer in (bob, carol, alice_serves)
    }
    assert people[bob] == {alice_serves}
    assert people[carol] == {seller}
    assert people[alice_serves] == {alice_serves}


def test_templates_list_in_the_request_language(template):
    with translation.override("en"):
        assert str(template) == "Customer service: Lean CX in everyday work"
    with translation.override("sv"):
        assert str(template) == "Kundservice: Lean CX i vardagen"


def test_template_factory_roles_are_distinct():
    assert TemplateFactory().role != TemplateFactory().role
    assert CXRoleFactory().slug != UnitFactory().code
