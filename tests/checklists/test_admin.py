"""Checklists in the admin: the catalogue with its items, assignments with the ticks
and their progress, ticked items; who reads and who changes what, and the history."""

import pytest
from django.urls import reverse

from cxlean.checklists.models import Assignment, Completion, tick
from tests.checklists.conftest import days
from tests.checklists.factories import AssignmentFactory

pytestmark = pytest.mark.django_db

MODELS = ["checklisttemplate", "templateitem", "assignment", "completion"]


def changelist(model: str) -> str:
    return reverse(f"admin:checklists_{model}_changelist")


def change(obj) -> str:
    return reverse(f"admin:checklists_{obj._meta.model_name}_change", args=[obj.pk])


def listed(response) -> set[int]:
    return {obj.pk for obj in response.context["cl"].result_list}


@pytest.mark.parametrize("model", MODELS)
def test_every_page_opens_for_coordinators_management_and_root(
    as_user, bob, maria, root, role_assignment, items, alice, model
):
    tick(role_assignment, items[0], alice, done=True)
    for person in (bob, maria, root):
        response = as_user(person).get(changelist(model), language="en")
        assert response.status_code == 200, (person, model)
    assert as_user(alice).get(changelist(model)).status_code == 302  # employees use the app


def test_assignments_list_their_progress_in_their_scope(
    as_user, bob, carol, maria, role_assignment, items, alice, sales_unit
):
    tick(role_assignment, items[0], alice, done=True)
    in_sales = AssignmentFactory(unit=sales_unit, due_date=days(3))
    response = as_user(bob).get(changelist("assignment"), language="en")
    assert listed(response) == {role_assignment.pk}
    assert "0 of 1 complete, 0 overdue" in response.content.decode()
    assert listed(as_user(carol).get(changelist("assignment"))) == {in_sales.pk}
    assert listed(as_user(maria).get(changelist("assignment"))) == {role_assignment.pk, in_sales.pk}
    assert as_user(carol).get(change(role_assignment)).status_code == 302  # not hers: not found


def test_management_reads_and_changes_nothing(as_user, maria, role_assignment, template):
    client = as_user(maria)
    assert client.get(change(role_assignment)).status_code == 200
    response = client.post(change(role_assignment), {"due_date": days(40).isoformat()})
    assert response.status_code == 403
    assert client.get(reverse("admin:checklists_assignment_add")).status_code == 403
    assert client.post(change(template), {"code": "x"}).status_code == 403
    role_assignment.refresh_from_db()
    assert role_assignment.due_date == days(14)


def test_coordinators_add_assignments_in_their_units_not_in_the_past(
    as_user, bob, template, service_team, sales_unit
):
    client = as_user(bob)
    add = reverse("admin:checklists_assignment_add")
    data = {
        "template": template.pk,
        "unit": service_team.pk,
        "role": template.role_id,
        "due_date": days(-1).isoformat(),
        "completions-TOTAL_FORMS": 0,
        "completions-INITIAL_FORMS": 0,
    }
    response = client.post(add, data, language="en")
    assert response.status_code == 200 and "cannot be in the past" in response.content.decode()
    response = client.post(add, data | {"unit": sales_unit.pk, "due_date": days(5).isoformat()})
    assert response.status_code == 200  # not a unit Bob coordinates
    response = client.post(add, data | {"due_date": days(5).isoformat()})
    assert response.status_code == 302
    assignment = Assignment.objects.get()
    assert (assignment.unit, assignment.assigned_by) == (service_team, bob)


def test_ticks_are_read_only_except_for_root(as_user, bob, root, role_assignment, items, alice):
    completion = tick(role_assignment, items[0], alice, done=True)
    data = {
        "assignment": role_assignment.pk,
        "item": items[0].pk,
        "person": alice.pk,
        "note": "Ändrad",
    }
    assert as_user(bob).post(change(completion), data).status_code == 403
    completion.refresh_from_db()
    assert completion.done and completion.note == ""
    history = reverse("admin:checklists_completion_history", args=[completion.pk])
    assert as_user(bob).get(history).status_code == 200
    assert as_user(root).get(change(completion)).status_code == 200
    assert Completion.objects.count() == 1


def test_coordinators_edit_the_catalogue(as_user, bob, template, items):
    response = as_user(bob).get(change(template), language="en")
    assert response.status_code == 200
    assert "Confirm the new standard" in response.content.decode()
