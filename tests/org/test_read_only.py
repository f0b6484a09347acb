"""Management reads and writes nothing, whatever other groups they hold.

Dora is a Lean coordinator of Customer Service *and* in Management. Before the rule was
one function (`cxlean.org.roles.is_read_only`), the competence pages, the plan pages,
the plans API and the admin let her change what a coordinator changes, while the
competence API refused her. Now every surface answers as for management: she reads
everything, changes nothing. Superusers still do everything.
"""

import pytest
from django.contrib.auth.models import Group
from django.urls import reverse

from cxlean.org.roles import (
    COORDINATOR,
    MANAGEMENT,
    coordinates_unit,
    is_coordinator,
    is_read_only,
    may_write,
)
from cxlean.plans.models import Plan
from tests.api.conftest import api_client
from tests.factories import PlanFactory, UserFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def dora(service_unit):
    return coordinator_in_management(service_unit)


def coordinator_in_management(unit):
    """Dora: a Lean coordinator of `unit` who is also in Management."""
    user = UserFactory(username="dora", first_name="Dora", role=COORDINATOR, unit=unit)
    user.groups.add(Group.objects.get_or_create(name=MANAGEMENT)[0])
    return user


@pytest.fixture
def plan(service_unit, bob):
    return PlanFactory(name="Service rollout", unit=service_unit, coordinator=bob)


def test_the_policy_reads_a_coordinator_in_management_as_management(dora, bob, maria, root):
    assert is_read_only(dora) and is_read_only(maria)
    assert not may_write(dora) and not is_coordinator(dora)
    assert not coordinates_unit(dora, dora.profile.unit)
    assert may_write(bob) and may_write(root) and not is_read_only(root)


# --- web ---------------------------------------------------------------------------------


def test_web_plan_pages_read_but_do_not_change(dora, plan, as_user):
    client = as_user(dora)
    assert client.get(reverse("plans:detail", args=[plan.pk])).status_code == 200
    response = client.post(reverse("plans:edit", args=[plan.pk]), {"name": "Renamed"})
    assert response.status_code == 403
    assert client.get(reverse("plans:create")).status_code == 403
    assert Plan.objects.get(pk=plan.pk).name == "Service rollout"


# --- API ---------------------------------------------------------------------------------


def test_api_plans_read_but_do_not_change(dora, plan, service_unit):
    client = api_client(dora)
    url = reverse("plan-detail", args=[plan.pk])
    assert client.get(url).status_code == 200
    response = client.patch(url, {"name": "Renamed"}, format="json", HTTP_ACCEPT_LANGUAGE="en")
    assert response.status_code == 403
    assert "Management" in response.json()["detail"]
    created = client.post(
        reverse("plan-list"),
        {
            "name": "New",
            "unit": service_unit.pk,
            "start_date": "2026-01-05",
            "end_date": "2026-06-30",
        },
        format="json",
    )
    assert created.status_code == 403
    assert Plan.objects.get(pk=plan.pk).name == "Service rollout"
    assert not Plan.objects.filter(name="New").exists()


# --- admin -------------------------------------------------------------------------------


def test_admin_reads_but_does_not_change(dora, plan, service_unit, bob, as_user):
    client = as_user(dora)
    change = reverse("admin:plans_plan_change", args=[plan.pk])
    page = client.get(change)
    assert page.status_code == 200
    assert b'name="_save"' not in page.content
    response = client.post(
        change,
        {
            "name": "Renamed",
            "unit": service_unit.pk,
            "coordinator": bob.pk,
            "start_date": "2026-01-05",
            "end_date": "2026-12-18",
            "budget": "200000",
            "description": "",
        },
    )
    assert response.status_code == 403
    assert client.get(reverse("admin:plans_plan_add")).status_code == 403
    assert Plan.objects.get(pk=plan.pk).name == "Service rollout"
