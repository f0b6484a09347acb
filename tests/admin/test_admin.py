import pytest
from django.urls import reverse

from cxlean.plans.models import Plan
from tests.factories import ActivityFactory, PhaseFactory, PlanFactory

pytestmark = pytest.mark.django_db

CHANGELISTS = [
    "org_unit",
    "org_cxrole",
    "org_profile",
    "auth_user",
    "guide_guidestep",
    "guide_guideactivity",
    "plans_plan",
    "plans_phase",
    "plans_activity",
]


def changelist(name: str) -> str:
    return reverse(f"admin:{name}_changelist")


def test_anonymous_and_employees_are_kept_out_of_the_admin(client, alice, as_user):
    assert client.get("/admin/").status_code == 302
    response = as_user(alice).get("/admin/")
    assert response.status_code == 302 and "/admin/login/" in response["Location"]


@pytest.mark.parametrize("name", CHANGELISTS)
def test_management_and_coordinators_can_open_every_list(name, bob, maria, as_user):
    assert as_user(maria).get(changelist(name)).status_code == 200
    assert as_user(bob).get(changelist(name)).status_code == 200


def test_management_reads_but_cannot_change(maria, as_user, service_unit):
    plan = PlanFactory(unit=service_unit)
    client = as_user(maria)
    page = client.get(reverse("admin:plans_plan_change", args=[plan.pk]))
    assert page.status_code == 200
    assert b'name="_save"' not in page.content
    response = client.post(reverse("admin:plans_plan_change", args=[plan.pk]), {"name": "Renamed"})
    assert response.status_code == 403
    assert client.get(reverse("admin:plans_plan_add")).status_code == 403
    plan.refresh_from_db()
    assert plan.name != "Renamed"


def test_coordinator_sees_only_plans_of_their_units(bob, carol, as_user, service_unit, sales_unit):
    mine = PlanFactory(unit=service_unit, name="Service rollout")
    PlanFactory(unit=sales_unit, name="Sales rollout")
    page = as_user(bob).get(changelist("plans_plan"))
    assert "Service rollout" in page.text and "Sales rollout" not in page.text
    other = as_user(carol).get(reverse("admin:plans_plan_change", args=[mine.pk]))
    assert other.status_code == 302  # not in carol's queryset: the admin says "does not exist"


def test_coordinator_changes_a_plan_of_their_unit(bob, as_user, service_unit):
    plan = PlanFactory(unit=service_unit, coordinator=bob)
    url = reverse("admin:plans_plan_change", args=[plan.pk])
    response = as_user(bob).post(
        url,
        {
            "name": "Lean CX i Kundservice",
            "unit": service_unit.pk,
            "coordinator": bob.pk,
            "start_date": "2026-01-05",
            "end_date": "2026-12-18",
            "budget": "200000",
            "description": "",
        },
    )
    assert response.status_code == 302, response.content
    plan.refresh_from_db()
    assert plan.name == "Lean CX i Kundservice"
    assert plan.history.first().history_user == bob


def test_admin_activity_form_rejects_a_dependency_loop(bob, as_user, service_unit):
    phase = PhaseFactory(plan__unit=service_unit)
    first = ActivityFactory(phase=phase, due_date=ActivityFactory.start_date)
    second = ActivityFactory(phase=phase, due_date=ActivityFactory.start_date)
    second.depends_on.add(first)
    response = as_user(bob).post(
        reverse("admin:plans_activity_change", args=[first.pk]),
        {
            "phase": phase.pk,
            "order": 0,
            "title": first.title,
            "description": "",
            "owner": "",
            "start_date": first.start_date,
            "due_date": first.due_date,
            "status": "planned",
            "planned_cost": "0",
            "actual_cost": "0",
            "depends_on": [second.pk],
        },
    )
    assert response.status_code == 200
    assert "cirkulärt beroende" in response.text  # Swedish by default
    assert not first.depends_on.exists()


def test_plan_changelist_runs_a_constant_number_of_queries(
    maria, as_user, service_unit, count_queries
):
    client = as_user(maria)

    def queries_for(count: int) -> int:
        while Plan.objects.count() < count:
            ActivityFactory(phase__plan__unit=service_unit)
        return count_queries(client, changelist("plans_plan"))

    assert queries_for(5) == queries_for(50)
