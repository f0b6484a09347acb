"""The admin keeps to cxlean's scope in history pages, reverts, inlines and bulk delete."""

import pytest
from django.urls import reverse

from cxlean.plans.models import Plan
from tests.factories import ActivityFactory, GuideStepFactory, PhaseFactory, PlanFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def renamed_plan(service_unit, bob):
    plan = PlanFactory(unit=service_unit, coordinator=bob, name="Första namnet")
    plan.name = "Andra namnet"
    plan.save()
    return plan


def revert_url(plan):
    first = plan.history.order_by("history_id").first()
    return reverse("admin:plans_plan_simple_history", args=[plan.pk, first.history_id])


def revert_data(plan):
    return {
        "name": "Första namnet",
        "unit": plan.unit_id,
        "coordinator": plan.coordinator_id,
        "start_date": plan.start_date,
        "end_date": plan.end_date,
        "budget": plan.budget,
        "description": "",
    }


def test_coordinator_reads_the_history_of_a_plan_in_their_unit(as_user, bob, renamed_plan):
    response = as_user(bob).get(reverse("admin:plans_plan_history", args=[renamed_plan.pk]))
    assert response.status_code == 200
    assert "Första namnet" in response.content.decode()


def test_coordinator_of_another_unit_sees_neither_history_nor_old_versions(
    as_user, carol, renamed_plan
):
    client = as_user(carol)
    history = reverse("admin:plans_plan_history", args=[renamed_plan.pk])
    assert client.get(history).status_code == 404
    assert client.get(revert_url(renamed_plan)).status_code == 404
    assert client.post(revert_url(renamed_plan), revert_data(renamed_plan)).status_code == 404
    renamed_plan.refresh_from_db()
    assert renamed_plan.name == "Andra namnet"


def test_management_reads_old_versions_but_cannot_revert(as_user, maria, renamed_plan):
    client = as_user(maria)
    assert client.get(revert_url(renamed_plan)).status_code == 200
    assert client.post(revert_url(renamed_plan), revert_data(renamed_plan)).status_code == 403
    renamed_plan.refresh_from_db()
    assert renamed_plan.name == "Andra namnet"


def test_coordinator_reverts_a_plan_of_their_unit(as_user, bob, renamed_plan):
    response = as_user(bob).post(revert_url(renamed_plan), revert_data(renamed_plan))
    assert response.status_code == 302
    renamed_plan.refresh_from_db()
    assert renamed_plan.name == "Första namnet"


def test_history_of_a_deleted_plan_is_for_management_only(as_user, bob, maria, renamed_plan):
    pk = renamed_plan.pk
    renamed_plan.delete()
    url = reverse("admin:plans_plan_history", args=[pk])
    assert as_user(bob).get(url).status_code == 404
    assert as_user(maria).get(url).status_code == 200
    assert not Plan.objects.filter(pk=pk).exists()


def test_history_of_a_malformed_id_is_not_found(as_user, maria):
    assert as_user(maria).get("/admin/plans/plan/abc/history/").status_code == 404


def inline_rights(response):
    (inline,) = response.context["inline_admin_formsets"]
    return inline.has_add_permission, inline.has_change_permission, inline.has_delete_permission


def test_inlines_follow_the_rights_on_the_object_they_belong_to(as_user, bob, carol, maria, olivia):
    phase = PhaseFactory(plan__unit=bob.profile.unit)
    ActivityFactory(phase=phase)
    step = GuideStepFactory()
    phase_url = reverse("admin:plans_phase_change", args=[phase.pk])
    step_url = reverse("admin:guide_guidestep_change", args=[step.pk])

    assert inline_rights(as_user(bob).get(phase_url)) == (True, True, True)
    # The guide is a catalogue: the CX owner changes it, coordinators read it.
    assert inline_rights(as_user(olivia).get(step_url)) == (True, True, True)
    assert inline_rights(as_user(bob).get(step_url)) == (False, False, False)
    assert inline_rights(as_user(maria).get(phase_url)) == (False, False, False)
    assert inline_rights(as_user(maria).get(step_url)) == (False, False, False)
    assert as_user(carol).get(phase_url).status_code in (302, 404)


def test_bulk_delete_refuses_a_plan_the_coordinator_only_takes_part_in(
    as_user, carol, service_unit
):
    plan = PlanFactory(unit=service_unit)
    ActivityFactory(phase=PhaseFactory(plan=plan), owner=carol)
    response = as_user(carol).post(
        reverse("admin:plans_plan_changelist"),
        {"action": "delete_selected", "_selected_action": [plan.pk], "post": "yes"},
    )
    assert response.status_code == 403
    assert Plan.objects.filter(pk=plan.pk).exists()
