"""Organisation pages: the CX role catalogue, the unit tree and a unit's people and plans."""

import pytest
from django.urls import reverse

from cxlean.org.models import Profile
from cxlean.org.roles import EMPLOYEE
from tests.factories import CXRoleFactory, PlanFactory, UnitFactory, UserFactory

pytestmark = pytest.mark.django_db


def person(unit, *roles, **fields):
    user = UserFactory(role=EMPLOYEE, unit=unit, **fields)
    user.profile.cx_roles.set(roles)
    return user


def unit_url(unit, query: str = "") -> str:
    return reverse("org:unit", args=[unit.pk]) + query


# --- CX roles ---------------------------------------------------------------------


def test_roles_page_shows_the_catalogue_in_the_active_language(alice, as_user, english):
    CXRoleFactory(
        name_sv="UX-designer",
        name_en="UX designer",
        description_sv="Designar resan.",
        description_en="Designs the journey.",
    )
    client = as_user(alice)
    swedish = client.get(reverse("org:roles")).content.decode()
    assert "UX-designer" in swedish and "Designar resan." in swedish
    in_english = client.get(reverse("org:roles"), **english).content.decode()
    assert "UX designer" in in_english and "Designs the journey." in in_english


def test_roles_page_counts_the_people_holding_each_role(alice, service_team, as_user, english):
    ux = CXRoleFactory(name_en="UX designer")
    CXRoleFactory(name_en="Data analyst")
    person(service_team, ux)
    person(service_team, ux)
    person(service_team, ux, is_active=False)  # has left: not counted
    html = as_user(alice).get(reverse("org:roles"), **english).content.decode()
    assert "2 people" in html and "0 people" in html


def test_roles_query_count_does_not_grow_with_roles(alice, service_team, as_user, count_queries):
    client = as_user(alice)

    def add_roles(count: int) -> None:
        for role in CXRoleFactory.create_batch(count):
            person(service_team, role)

    add_roles(5)
    five = count_queries(client, reverse("org:roles"))
    add_roles(45)
    assert count_queries(client, reverse("org:roles")) == five


# --- Unit tree --------------------------------------------------------------------


def test_unit_tree_lists_sub_units_under_their_parent(
    alice, company, service_unit, service_team, sales_unit, as_user
):
    html = as_user(alice).get(reverse("org:units")).content.decode()
    positions = [
        html.index(unit_url(unit) + '"')
        for unit in (company, service_unit, service_team, sales_unit)
    ]
    assert positions == sorted(positions)
    assert 'style="--depth: 2"' in html  # the team sits two levels down


def test_unit_tree_counts_people_and_only_the_plans_i_can_see(carol, bob, service_unit, as_user):
    PlanFactory(unit=service_unit, coordinator=bob)
    row = f'<a href="{unit_url(service_unit)}">'

    def counts_seen_by(user) -> tuple[str, str]:
        html = as_user(user).get(reverse("org:units")).content.decode()
        cells = html[html.index(row) :].split('<td class="num">')
        return cells[1].split("<")[0], cells[2].split("<")[0]

    assert counts_seen_by(bob) == ("1", "1")  # bob works in the unit and sees its plan
    assert counts_seen_by(carol) == ("1", "0")  # a sibling unit's plan is not hers to see


def test_unit_tree_query_count_does_not_grow_with_units(alice, company, as_user, count_queries):
    client = as_user(alice)

    def add_units(count: int) -> None:
        for unit in UnitFactory.create_batch(count, parent=company):
            person(unit)
            PlanFactory(unit=unit)

    add_units(5)
    five = count_queries(client, reverse("org:units"))
    add_units(45)
    assert count_queries(client, reverse("org:units")) == five


# --- One unit ---------------------------------------------------------------------


def test_unit_page_shows_sub_units_and_everyone_below(
    alice, bob, carol, service_unit, service_team, as_user
):
    html = as_user(alice).get(unit_url(service_unit)).content.decode()
    assert unit_url(service_team) in html
    assert "Alice" in html and "Bob" in html  # the team's people count for the department
    assert "Carol" not in html


def test_unit_page_shows_job_titles_and_cx_roles(alice, service_team, as_user, english):
    ux = CXRoleFactory(name_en="UX designer")
    Profile.objects.filter(user=alice).update(job_title="Chat agent")
    alice.profile.cx_roles.add(ux)
    html = as_user(alice).get(unit_url(service_team), **english).content.decode()
    assert "Chat agent" in html and '<li class="tag">UX designer</li>' in html


def test_unit_page_filters_people_by_cx_role(alice, service_unit, as_user):
    ux = CXRoleFactory(slug="ux")
    person(service_unit, ux, first_name="Ulla")
    person(service_unit, first_name="Olle")
    html = as_user(alice).get(unit_url(service_unit, "?role=ux")).content.decode()
    assert "Ulla" in html and "Olle" not in html
    assert '<option value="ux" selected>' in html


@pytest.mark.parametrize(
    "query", ["?role=nonexistent", "?role=", "?page=abc", "?page=999", "?role=x&page=-1"]
)
def test_unit_page_ignores_bad_filters(alice, service_unit, as_user, query):
    person(service_unit, first_name="Olle")
    response = as_user(alice).get(unit_url(service_unit, query))
    assert response.status_code == 200
    assert "Olle" in response.content.decode()


def test_unknown_unit_is_404(alice, as_user):
    assert as_user(alice).get(reverse("org:unit", args=[999999])).status_code == 404


def test_unit_page_shows_only_plans_i_can_see(carol, bob, service_unit, service_team, as_user):
    PlanFactory(name="Team chat rollout", unit=service_team, coordinator=bob)
    assert "Team chat rollout" in as_user(bob).get(unit_url(service_unit)).content.decode()
    assert "Team chat rollout" not in as_user(carol).get(unit_url(service_unit)).content.decode()


def test_unit_page_pages_through_many_people(alice, service_unit, as_user, english):
    for _ in range(51):
        person(service_unit)
    client = as_user(alice)
    first = client.get(unit_url(service_unit), **english).content.decode()
    assert "Page 1 of 2" in first and "?page=2" in first
    second = client.get(unit_url(service_unit, "?page=2"), **english).content.decode()
    assert "Page 2 of 2" in second


def test_role_filter_swaps_only_the_people_list_for_htmx(alice, service_unit, as_user):
    CXRoleFactory(slug="ux")
    response = as_user(alice).get(unit_url(service_unit, "?role=ux"), HTTP_HX_REQUEST="true")
    html = response.content.decode()
    assert html.lstrip().startswith('<div id="people">')
    assert "<html" not in html
    assert "HX-Request" in response["Vary"]


def test_unit_page_query_count_does_not_grow_with_people_and_plans(
    alice, service_unit, service_team, as_user, count_queries
):
    client = as_user(alice)
    roles = CXRoleFactory.create_batch(3)

    def add_rows(count: int) -> None:
        for _ in range(count):
            person(service_team, *roles)
            UnitFactory(parent=service_unit)
            PlanFactory(unit=service_team, coordinator=alice)

    add_rows(5)
    five = count_queries(client, unit_url(service_unit))
    add_rows(45)
    assert count_queries(client, unit_url(service_unit)) == five


def test_a_nul_byte_in_the_address_is_refused_with_a_message(alice, service_unit, as_user):
    response = as_user(alice).get(unit_url(service_unit, "?role=%00&page=-1"))
    assert response.status_code == 400
    assert "NUL" in response.content.decode()
