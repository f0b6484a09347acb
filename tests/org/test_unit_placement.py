"""Where a unit may hang (`may_place_unit`): the same answer in the admin and the API.

A coordinator adds and moves units below the units they coordinate; nobody but a
superuser makes a top unit or detaches a unit from the tree; a coordinator does not
move their own home unit (it would leave their scope). Management changes nothing."""

import pytest
from django.urls import reverse

from cxlean.org.models import Unit
from cxlean.org.roles import may_place_unit
from tests.api.conftest import api_client
from tests.factories import UnitFactory

pytestmark = pytest.mark.django_db


def unit_form(unit: Unit, **changes) -> dict:
    data = {"name": unit.name, "code": unit.code, "description": unit.description}
    data["parent"] = unit.parent_id or ""
    data.update(changes)
    return data


def parent_of(unit: Unit) -> int | None:
    return Unit.objects.get(pk=unit.pk).parent_id


# --- the rule ------------------------------------------------------------------------


def test_the_rule(bob, carol, maria, root, company, service_unit, service_team, sales_unit):
    assert may_place_unit(bob, Unit(), service_team)
    assert not may_place_unit(bob, Unit(), None)
    assert not may_place_unit(bob, Unit(), sales_unit)
    assert not may_place_unit(bob, service_unit, None)  # detaching their home unit
    assert not may_place_unit(bob, service_unit, sales_unit)
    assert may_place_unit(bob, service_unit, company)  # where it already is
    assert not may_place_unit(carol, service_team, sales_unit)  # not theirs to take
    assert not may_place_unit(maria, Unit(), company)
    assert may_place_unit(root, Unit(), None) and may_place_unit(root, service_unit, None)


# --- admin ---------------------------------------------------------------------------


def test_admin_coordinator_cannot_detach_a_sub_unit(as_user, bob, service_team):
    url = reverse("admin:org_unit_change", args=[service_team.pk])
    response = as_user(bob).post(url, unit_form(service_team, parent=""))
    assert response.status_code == 200  # the form again, with the error
    assert response.context["adminform"].form.errors["parent"]
    assert parent_of(service_team) == service_team.parent_id


def test_admin_coordinator_cannot_add_a_top_unit(as_user, bob):
    data = {"name": "Rogue", "code": "rogue", "description": "", "parent": ""}
    response = as_user(bob).post(reverse("admin:org_unit_add"), data)
    assert response.status_code == 200
    assert "parent" in response.context["adminform"].form.errors
    assert not Unit.objects.filter(code="rogue").exists()


def test_admin_coordinator_adds_a_sub_unit_and_renames_their_home_unit(as_user, bob, service_unit):
    client = as_user(bob)
    data = {"name": "Team Mail", "code": "mail", "description": "", "parent": service_unit.pk}
    assert client.post(reverse("admin:org_unit_add"), data).status_code == 302
    assert Unit.objects.get(code="mail").parent == service_unit
    # Their home unit's parent is shown, not offered: a rename keeps it where it is.
    url = reverse("admin:org_unit_change", args=[service_unit.pk])
    page = client.get(url)
    assert "parent" not in page.context["adminform"].form.fields
    response = client.post(url, {"name": "Kundtjänst", "code": "service", "description": ""})
    assert response.status_code == 302
    assert Unit.objects.get(pk=service_unit.pk).name == "Kundtjänst"
    assert parent_of(service_unit) == service_unit.parent_id


def test_admin_coordinator_cannot_move_their_home_unit(as_user, bob, service_unit):
    url = reverse("admin:org_unit_change", args=[service_unit.pk])
    as_user(bob).post(url, unit_form(service_unit, parent=""))
    assert parent_of(service_unit) == service_unit.parent_id


def test_admin_coordinator_cannot_change_another_units_tree(as_user, bob, sales_unit):
    url = reverse("admin:org_unit_change", args=[sales_unit.pk])
    response = as_user(bob).post(url, unit_form(sales_unit, parent=""))
    assert response.status_code == 403
    assert parent_of(sales_unit) == sales_unit.parent_id


def test_admin_management_reads_units_only(as_user, maria, service_team):
    url = reverse("admin:org_unit_change", args=[service_team.pk])
    client = as_user(maria)
    assert client.get(url).status_code == 200
    assert client.post(url, unit_form(service_team, parent="")).status_code == 403
    assert parent_of(service_team) == service_team.parent_id


def test_admin_superuser_makes_a_top_unit(as_user, root, service_team):
    url = reverse("admin:org_unit_change", args=[service_team.pk])
    assert as_user(root).post(url, unit_form(service_team, parent="")).status_code == 302
    assert parent_of(service_team) is None


# --- API -----------------------------------------------------------------------------


def test_api_coordinator_cannot_detach_or_move_their_home_unit(bob, service_unit, sales_unit):
    url = reverse("unit-detail", args=[service_unit.pk])
    for parent in (None, sales_unit.pk):
        response = api_client(bob).patch(url, {"parent": parent}, format="json")
        assert response.status_code == 400 and "parent" in response.json()
    assert parent_of(service_unit) == service_unit.parent_id


def test_api_coordinator_renames_their_home_unit_with_its_parent_unchanged(bob, service_unit):
    url = reverse("unit-detail", args=[service_unit.pk])
    data = {"name": "Kundtjänst", "code": "service", "parent": service_unit.parent_id}
    assert api_client(bob).put(url, data, format="json").status_code == 200


def test_api_coordinator_cannot_create_a_unit_without_a_parent(bob):
    response = api_client(bob).post(
        reverse("unit-list"), {"name": "Rogue", "code": "rogue"}, format="json"
    )
    assert response.status_code == 400 and "parent" in response.json()


def test_api_coordinator_moves_a_sub_unit_within_their_units(bob, service_unit, service_team):
    other = UnitFactory(name="Team Telefon", code="phone", parent=service_unit)
    url = reverse("unit-detail", args=[service_team.pk])
    response = api_client(bob).patch(url, {"parent": other.pk}, format="json")
    assert response.status_code == 200
    assert parent_of(service_team) == other.pk


def test_api_management_cannot_move_units(maria, service_team):
    url = reverse("unit-detail", args=[service_team.pk])
    response = api_client(maria).patch(url, {"parent": None}, format="json")
    assert response.status_code == 403
