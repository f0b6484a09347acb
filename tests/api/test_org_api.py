"""Units, CX roles and people over the API."""

import pytest
from django.contrib.auth.models import User
from django.urls import reverse

from cxlean.org.models import Unit
from cxlean.org.roles import COORDINATOR, EMPLOYEE
from tests.api.conftest import api_client
from tests.factories import PASSWORD, CXRoleFactory, UnitFactory, UserFactory

pytestmark = pytest.mark.django_db


def rows(response) -> list[dict]:
    assert response.status_code == 200, response.json()
    return response.json()["results"]


# --- units -------------------------------------------------------------------------------


def test_units_come_in_tree_order_with_depth(api, alice, company, service_team, sales_unit):
    units = rows(api(alice).get(reverse("unit-list")))
    assert [(u["code"], u["depth"]) for u in units] == [
        ("company", 0),
        ("service", 1),
        ("chat", 2),
        ("sales", 1),
    ]
    chat = units[2]
    assert chat["parent"] == service_team.parent_id
    assert chat["path"] == service_team.path


def test_units_filter_within_a_unit_by_parent_and_by_code(
    api, alice, company, service_unit, service_team, sales_unit
):
    client = api(alice)
    within = rows(client.get(reverse("unit-list"), {"within": service_unit.pk}))
    assert [u["code"] for u in within] == ["service", "chat"]
    children = rows(client.get(reverse("unit-list"), {"parent": company.pk}))
    assert {u["code"] for u in children} == {"service", "sales"}
    assert [u["id"] for u in rows(client.get(reverse("unit-list"), {"code": "sales"}))] == [
        sales_unit.pk
    ]


@pytest.mark.parametrize("params", [{"within": "abc"}, {"within": "99999"}, {"parent": "x"}])
def test_bad_unit_filters_are_a_400(api, alice, params):
    response = api(alice).get(reverse("unit-list"), params)
    assert response.status_code == 400 and set(params) <= set(response.json())


def test_coordinator_adds_a_sub_unit_to_their_unit(api, bob, service_unit):
    response = api(bob).post(
        reverse("unit-list"),
        {"name": "Team Mail", "code": "mail", "parent": service_unit.pk},
        format="json",
    )
    assert response.status_code == 201
    unit = Unit.objects.get(code="mail")
    assert response.json()["path"] == unit.path == f"{service_unit.path}{unit.pk}/"


@pytest.mark.parametrize("parent", ["sales", None])
def test_coordinator_cannot_add_units_outside_their_scope(api, bob, sales_unit, parent):
    data = {"name": "Rogue", "code": "rogue", "parent": sales_unit.pk if parent else None}
    response = api(bob).post(reverse("unit-list"), data, format="json")
    assert response.status_code == 400 and "parent" in response.json()
    assert not Unit.objects.filter(code="rogue").exists()


def test_superuser_adds_a_top_unit(api, root):
    response = api(root).post(
        reverse("unit-list"), {"name": "Group", "code": "group"}, format="json"
    )
    assert response.status_code == 201 and response.json()["depth"] == 0


def test_a_unit_cannot_move_under_its_own_sub_unit(api, root, service_unit, service_team):
    response = api(root).patch(
        reverse("unit-detail", args=[service_unit.pk]), {"parent": service_team.pk}, format="json"
    )
    assert response.status_code == 400 and "parent" in response.json()
    service_unit.refresh_from_db()
    assert service_unit.parent_id != service_team.pk


def test_deleting_a_unit_with_people_is_a_400_and_deletes_nothing(api, bob, alice, service_team):
    response = api(bob).delete(reverse("unit-detail", args=[service_team.pk]))
    assert response.status_code == 400
    assert "personer" in response.json()["non_field_errors"][0]
    assert Unit.objects.filter(pk=service_team.pk).exists()


def test_duplicate_unit_code_is_a_400(api, bob, service_unit):
    response = api(bob).post(
        reverse("unit-list"),
        {"name": "Again", "code": "service", "parent": service_unit.pk},
        format="json",
    )
    assert response.status_code == 400 and "code" in response.json()


# --- CX roles ----------------------------------------------------------------------------


def test_cx_role_name_follows_the_request_language(api, alice):
    CXRoleFactory(
        name_sv="Dataanalytiker",
        name_en="Data analyst",
        description_sv="Mäter",
        description_en="Measures",
    )
    client = api(alice)
    swedish = rows(client.get(reverse("cx-role-list")))[0]
    english = rows(client.get(reverse("cx-role-list"), HTTP_ACCEPT_LANGUAGE="en"))[0]
    assert (swedish["name"], swedish["description"]) == ("Dataanalytiker", "Mäter")
    assert (english["name"], english["description"]) == ("Data analyst", "Measures")
    assert english["name_sv"] == "Dataanalytiker"


def test_cx_roles_search(api, alice):
    CXRoleFactory(name_en="Data analyst")
    CXRoleFactory(name_en="Copywriter")
    found = rows(api(alice).get(reverse("cx-role-list"), {"search": "analyst"}))
    assert [r["name_en"] for r in found] == ["Data analyst"]


# --- people ------------------------------------------------------------------------------


def test_people_show_unit_cx_roles_job_title_and_roles(api, maria, alice, bob):
    role = CXRoleFactory()
    alice.profile.cx_roles.add(role)
    people = {p["username"]: p for p in rows(api(maria).get(reverse("person-list")))}
    assert people["alice"]["unit"] == alice.profile.unit_id
    assert people["alice"]["cx_roles"] == [role.pk]
    assert people["alice"]["roles"] == [EMPLOYEE]
    assert people["bob"]["roles"] == [COORDINATOR]
    assert "password" not in people["alice"]


def test_people_filters(api, maria, alice, bob, carol, service_unit):
    client = api(maria)
    role = CXRoleFactory()
    carol.profile.cx_roles.add(role)

    def usernames(**params):
        return {p["username"] for p in rows(client.get(reverse("person-list"), params))}

    assert usernames(unit=service_unit.pk) == {"alice", "bob"}
    assert usernames(role=COORDINATOR) == {"bob", "carol"}
    assert usernames(cx_role=role.pk) == {"carol"}
    assert usernames(search="ali") == {"alice"}
    assert usernames(is_active="true") == {"alice", "bob", "carol", "maria"}


@pytest.mark.parametrize(
    "params", [{"unit": "abc"}, {"is_active": "maybe"}, {"role": "Boss"}, {"cx_role": "x"}]
)
def test_bad_people_filters_are_a_400(api, alice, params):
    response = api(alice).get(reverse("person-list"), params)
    assert response.status_code == 400 and set(params) <= set(response.json())


def new_person(unit, **extra) -> dict:
    return {
        "username": "dave",
        "first_name": "Dave",
        "last_name": "Doe",
        "email": "dave@example.org",
        "unit": unit.pk,
        "job_title": "Agent",
        **extra,
    }


def test_coordinator_adds_an_employee_to_their_unit(api, bob, service_team):
    role = CXRoleFactory()
    data = new_person(service_team, cx_roles=[role.pk])
    response = api(bob).post(reverse("person-list"), data, format="json")
    assert response.status_code == 201, response.json()
    body = response.json()
    assert (body["unit"], body["cx_roles"], body["roles"]) == (
        service_team.pk,
        [role.pk],
        [EMPLOYEE],
    )
    dave = User.objects.get(username="dave")
    assert dave.profile.job_title == "Agent"


def test_a_superuser_adds_a_person_with_a_password(api, root, service_team):
    response = api(root).post(
        reverse("person-list"), new_person(service_team, password=PASSWORD), format="json"
    )
    assert response.status_code == 201, response.json()
    dave = User.objects.get(username="dave")
    assert api_client(dave).get(reverse("plan-list")).status_code == 200  # can sign in


def test_a_person_without_a_password_cannot_sign_in_yet(api, bob, service_team):
    assert (
        api(bob).post(reverse("person-list"), new_person(service_team), format="json").status_code
        == 201
    )
    assert not User.objects.get(username="dave").has_usable_password()


@pytest.mark.parametrize(
    "extra,field",
    [
        ({"password": "123"}, "password"),
        ({"username": "alice"}, "username"),
        ({"email": "not-an-email"}, "email"),
        ({"cx_roles": [99999]}, "cx_roles"),
    ],
)
def test_invalid_person_is_a_400_with_the_field(api, bob, alice, service_team, extra, field):
    response = api(bob).post(
        reverse("person-list"), new_person(service_team, **extra), format="json"
    )
    assert response.status_code == 400 and field in response.json()
    assert not User.objects.filter(username="dave").exists()


def test_coordinator_cannot_add_people_to_another_unit(api, bob, sales_unit):
    response = api(bob).post(reverse("person-list"), new_person(sales_unit), format="json")
    assert response.status_code == 400 and "unit" in response.json()
    assert not User.objects.filter(username="dave").exists()


@pytest.mark.parametrize("name", ["alice", "maria"])
def test_employees_and_management_cannot_add_people(api, request, name, service_team):
    client = api(request.getfixturevalue(name))
    assert (
        client.post(reverse("person-list"), new_person(service_team), format="json").status_code
        == 403
    )


def test_coordinator_updates_a_person_in_their_unit(api, bob, alice, service_unit):
    role = CXRoleFactory()
    response = api(bob).patch(
        reverse("person-detail", args=[alice.pk]),
        {"unit": service_unit.pk, "cx_roles": [role.pk], "last_name": "Andersson"},
        format="json",
    )
    assert response.status_code == 200
    assert (response.json()["unit"], response.json()["cx_roles"]) == (service_unit.pk, [role.pk])
    alice.refresh_from_db()
    assert alice.last_name == "Andersson"
    assert alice.profile.unit == service_unit


def test_coordinator_cannot_move_a_person_out_of_their_units(api, bob, alice, sales_unit):
    response = api(bob).patch(
        reverse("person-detail", args=[alice.pk]), {"unit": sales_unit.pk}, format="json"
    )
    assert response.status_code == 400 and "unit" in response.json()
    alice.profile.refresh_from_db()
    assert alice.profile.unit != sales_unit


def test_coordinator_cannot_change_a_superuser_in_their_unit(api, bob, service_unit):
    boss = UserFactory(unit=service_unit)
    User.objects.filter(pk=boss.pk).update(is_superuser=True)
    response = api(bob).patch(
        reverse("person-detail", args=[boss.pk]), {"email": "mine@example.org"}, format="json"
    )
    assert response.status_code == 403


def test_roles_are_not_changed_over_the_api(api, root, alice):
    response = api(root).patch(
        reverse("person-detail", args=[alice.pk]), {"roles": [COORDINATOR]}, format="json"
    )
    assert response.status_code == 200 and response.json()["roles"] == [EMPLOYEE]


def test_a_user_without_profile_gets_one_when_given_a_unit(api, root, service_unit):
    loner = User.objects.create_user("loner", password=PASSWORD)
    client = api(root)
    assert client.get(reverse("person-detail", args=[loner.pk])).json()["unit"] is None
    missing = client.patch(
        reverse("person-detail", args=[loner.pk]), {"first_name": "Lo"}, format="json"
    )
    assert missing.status_code == 400 and "unit" in missing.json()
    given = client.patch(
        reverse("person-detail", args=[loner.pk]), {"unit": service_unit.pk}, format="json"
    )
    assert given.status_code == 200 and given.json()["unit"] == service_unit.pk


# --- query counts ------------------------------------------------------------------------


def test_unit_list_queries_do_not_grow(api, alice, company, count_queries):
    client = api(alice)
    UnitFactory.create_batch(5, parent=company)
    few = count_queries(client, reverse("unit-list"))
    UnitFactory.create_batch(45, parent=company)
    assert count_queries(client, reverse("unit-list")) == few


def test_people_list_queries_do_not_grow(api, alice, service_unit, count_queries):
    client = api(alice)
    roles = CXRoleFactory.create_batch(2)

    def add_people(how_many):
        for _ in range(how_many):
            UserFactory(unit=service_unit).profile.cx_roles.set(roles)

    add_people(5)
    few = count_queries(client, reverse("person-list"))
    add_people(45)
    assert count_queries(client, reverse("person-list")) == few
