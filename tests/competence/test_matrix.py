"""The competence matrix: the grid (levels, requirements, expiry, waiting sign-offs),
coverage and single points of knowledge, the Green Card column, filters, who sees and
who signs off what, signing off and rejecting from a cell, and its query count.

Alice (employee, agent, Team Chatt under Kundservice), Bob (coordinator of Kundservice),
Carol (coordinator of Sales), Maria (management) come from tests/conftest.py; the
catalogue (listening required at U and valid 12 months, escalation required at L, Dave
the listening trainer in Sales) from tests/competence/conftest.py. Dates are relative
to the real today, because the pages ask `timezone.localdate()`.
"""

import datetime as dt

import pytest
from django.contrib.auth.models import Group
from django.contrib.messages import get_messages
from django.urls import reverse
from django.utils import timezone

from cxlean.competence.matrix import build_matrix
from cxlean.competence.models import CardStatus, Level, Record
from cxlean.org.roles import COORDINATOR, EMPLOYEE, MANAGEMENT
from tests.factories import (
    AreaFactory,
    CompetenceActivityFactory,
    CXRoleFactory,
    GreenCardFactory,
    RecordFactory,
    RequirementFactory,
    UnitFactory,
    UserFactory,
)

MATRIX = reverse("competence:matrix")
EN = {"language": "en"}
HTMX = {"HTTP_HX_REQUEST": "true"}


def today() -> dt.date:
    return timezone.localdate()


def days(n: int) -> dt.date:
    return today() + dt.timedelta(days=n)


def cell_url(person, activity) -> str:
    return reverse("competence:matrix_cell", args=[person.pk, activity.pk])


def signed(person, activity, level, *, expires_on=None, self_level=None):
    return RecordFactory(
        person=person,
        activity=activity,
        level=level,
        self_level=level if self_level is None else self_level,
        signed_off_on=days(-30),
        expires_on=expires_on,
    )


def page(client, url=MATRIX, **extra) -> str:
    response = client.get(url, **EN, **extra)
    assert response.status_code == 200, response.status_code
    return response.content.decode()


def messages_of(response) -> list[str]:
    return [str(message) for message in get_messages(response.wsgi_request)]


def grid(viewer, **filters):
    return build_matrix(viewer=viewer, today=today(), **filters)


def cell_of(matrix, person, activity):
    for row in matrix.rows:
        if row.person.pk == person.pk:
            return next(cell for cell in row.cells if cell.activity_id == activity.pk)
    raise AssertionError(f"{person} is not in the matrix")


def names(matrix) -> list[str]:
    return [row.person.username for row in matrix.rows]


@pytest.fixture
def frank(service_team, agent_role):
    """Another agent in Alice's team."""
    frank = UserFactory(username="frank", first_name="Frank", role=EMPLOYEE, unit=service_team)
    frank.profile.cx_roles.add(agent_role)
    return frank


@pytest.fixture
def erik(sales_unit, listening):
    """Coordinator of Sales and management: sees everyone, trains listening."""
    erik = UserFactory(username="erik", first_name="Erik", role=COORDINATOR, unit=sales_unit)
    erik.groups.add(Group.objects.get_or_create(name=MANAGEMENT)[0])
    signed(erik, listening, Level.O)
    return erik


# --- the grid ----------------------------------------------------------------------------


def test_cells_show_effective_level_requirement_and_waiting(
    agent_alice, listening, escalation, bob
):
    signed(agent_alice, listening, Level.U, expires_on=days(100))
    RecordFactory(person=agent_alice, activity=escalation, level=Level.I, self_level=Level.L)
    matrix = grid(bob)
    done, waiting = (
        cell_of(matrix, agent_alice, listening),
        cell_of(matrix, agent_alice, escalation),
    )
    assert (done.effective, done.required, done.below, done.waiting) == (
        Level.U,
        Level.U,
        False,
        False,
    )
    assert (waiting.effective, waiting.required, waiting.below) == (Level.I, Level.L, True)
    assert waiting.waiting and waiting.self_level == Level.L


def test_expired_sign_off_counts_as_not_started(agent_alice, listening, bob):
    signed(agent_alice, listening, Level.O, expires_on=days(-1))
    cell = cell_of(grid(bob), agent_alice, listening)
    assert cell.expired and cell.level == Level.O and cell.effective == Level.NOT_STARTED
    assert cell.below


def test_rejected_self_assessment_no_longer_waits(agent_alice, escalation, bob):
    RecordFactory(
        person=agent_alice,
        activity=escalation,
        level=Level.I,
        self_level=Level.L,
        rejected_level=Level.L,
        rejection_comment="Not yet",
    )
    cell = cell_of(grid(bob), agent_alice, escalation)
    assert cell.rejected and not cell.waiting


def test_required_level_is_the_highest_of_the_persons_roles(agent_alice, listening, bob):
    lead = CXRoleFactory(name_en="Team lead")
    RequirementFactory(activity=listening, role=lead, level=Level.O)
    agent_alice.profile.cx_roles.add(lead)
    assert cell_of(grid(bob), agent_alice, listening).required == Level.O


def test_person_without_role_has_no_requirements(alice, listening, bob):
    cell = cell_of(grid(bob), alice, listening)
    assert cell.required is None and not cell.below


def test_page_shows_symbols_with_text_and_markers(agent_alice, listening, escalation, bob, as_user):
    signed(agent_alice, listening, Level.U, expires_on=days(-5))
    RecordFactory(person=agent_alice, activity=escalation, level=Level.I, self_level=Level.L)
    html = page(as_user(bob))
    assert '<table class="matrix" id="matrix">' in html and "<caption" in html
    assert 'scope="colgroup"' in html and 'scope="rowgroup"' in html
    assert '<th scope="col" class="matrix__activity' in html
    assert '<th scope="row" class="matrix__person"><a' in html
    assert "level level--3 level--expired" in html  # the struck-through U
    assert (
        "Alice" in html
        and "Active listening: U – does it independently to standard (expired)." in html
    )
    assert "Required: U. Below the requirement." in html
    assert "Escalate well: I – in training. Required: L. Below the requirement." in html
    assert "Waiting for sign-off at L." in html
    assert '<span class="mc__wait" aria-hidden="true">↑L</span>' in html
    assert "How to read the matrix" in html  # the legend


def test_activities_are_grouped_by_area_and_people_by_unit(
    agent_alice, listening, escalation, bob, service_unit
):
    other_area = AreaFactory(name_en="Improve", order=99)
    huddle = CompetenceActivityFactory(area=other_area, title_en="Run a huddle")
    boss = UserFactory(username="boss", first_name="Aaron", role=EMPLOYEE, unit=service_unit)
    matrix = grid(bob)
    assert [(span.area.name_en, span.span) for span in matrix.areas] == [
        ("Listen", 2),
        ("Improve", 1),
    ]
    assert [column.activity for column in matrix.columns] == [listening, escalation, huddle]
    # Kundservice before its team Team Chatt (tree order); Bob and Aaron in Kundservice.
    assert [group.unit.name for group in matrix.groups] == ["Kundservice", "Team Chatt"]
    assert [row.person for row in matrix.groups[0].rows] == [boss, bob]


# --- coverage ----------------------------------------------------------------------------


def test_coverage_counts_valid_u_and_o(agent_alice, frank, listening, escalation, bob):
    signed(agent_alice, listening, Level.U)
    signed(frank, listening, Level.O, expires_on=days(30))
    signed(bob, listening, Level.O, expires_on=days(-1))  # expired: does not count
    signed(agent_alice, escalation, Level.L)  # below U: does not count
    matrix = grid(bob)
    coverage = {column.activity: column for column in matrix.columns}
    assert coverage[listening].coverage == 2 and not coverage[listening].single_point
    assert coverage[escalation].coverage == 0 and coverage[escalation].single_point
    assert matrix.single_points == [coverage[escalation]]


def test_one_person_is_a_single_point_of_knowledge_shown_in_text(
    agent_alice, listening, escalation, bob, as_user
):
    signed(agent_alice, listening, Level.U)
    signed(agent_alice, escalation, Level.U)
    signed(bob, escalation, Level.U)
    html = page(as_user(bob))
    assert f'<td class="cov cov--spok" id="cov-{listening.pk}">' in html
    assert f'<td class="cov" id="cov-{escalation.pk}">' in html
    assert "person at U or O in Active listening: single point of knowledge" in html
    assert "1 single point of knowledge:" in html  # the summary above the grid


def test_coverage_counts_everyone_filtered_not_only_the_page(agent_alice, frank, listening, bob):
    signed(agent_alice, listening, Level.U)
    signed(frank, listening, Level.U)
    matrix = grid(bob, per_page=1, page=1)
    assert len(matrix.rows) == 1 and matrix.people_count == 3  # Bob, Alice, Frank
    assert matrix.columns[0].coverage == 2


def test_people_are_paged(agent_alice, frank, bob, listening, as_user, monkeypatch):
    monkeypatch.setattr("cxlean.competence.matrix.PEOPLE_PER_PAGE", 2)
    html = page(as_user(bob), f"{MATRIX}?page=2")
    assert "Page 2 of 2" in html and "people 3–3 of 3" in html
    assert page(as_user(bob), f"{MATRIX}?page=oops")  # a bad page number is the first page


# --- Green Card column -------------------------------------------------------------------


def test_green_card_column_shows_progress(agent_alice, listening, escalation, bob, as_user):
    signed(agent_alice, listening, Level.U)
    row = next(row for row in grid(bob).rows if row.person == agent_alice)
    assert row.card.status == CardStatus.IN_PROGRESS and (row.card.done, row.card.required) == (
        1,
        2,
    )
    html = page(as_user(bob))
    assert "In progress (1 of 2)" in html and "No CX role" in html  # Bob has no role


def test_green_card_column_shows_the_best_role(agent_alice, agent_role, listening, bob):
    lead = CXRoleFactory(name_en="Team lead")
    RequirementFactory(activity=listening, role=lead, level=Level.L)
    agent_alice.profile.cx_roles.add(lead)
    GreenCardFactory(person=agent_alice, role=lead, issued_on=days(-10), expires_on=days(300))
    row = next(row for row in grid(bob).rows if row.person == agent_alice)
    assert row.card.status == CardStatus.CERTIFIED and row.card.role == lead and row.roles == 2


# --- filters -----------------------------------------------------------------------------


def test_unit_filter_includes_sub_units(agent_alice, bob, dave, maria, service_unit, sales_unit):
    assert set(names(grid(maria, unit=service_unit))) == {"alice", "bob"}
    assert names(grid(maria, unit=sales_unit)) == ["dave"]


def test_role_and_area_filters(agent_alice, bob, listening, escalation, as_user):
    other = CompetenceActivityFactory(title_en="Run a huddle")
    role = agent_alice.profile.cx_roles.get()
    matrix = grid(bob, role=role, area=listening.area)
    assert names(matrix) == ["alice"]
    assert [column.activity for column in matrix.columns] == [listening, escalation]
    html = page(as_user(bob), f"{MATRIX}?role={role.pk}&area={other.area_id}")
    assert "Run a huddle" in html and "Active listening" not in html


@pytest.mark.parametrize(
    "query", ["unit=abc", "unit=999999", "role=x", "role=999999", "area=-1", "area=1.5"]
)
def test_bad_filter_values_are_reported_not_500(query, agent_alice, listening, bob, as_user):
    html = page(as_user(bob), f"{MATRIX}?{query}")
    assert "A filter was not understood and is ignored." in html
    assert "Alice" in html  # the filter is ignored


def test_coordinator_cannot_filter_on_another_unit(agent_alice, dave, bob, sales_unit, as_user):
    html = page(as_user(bob), f"{MATRIX}?unit={sales_unit.pk}")
    assert "A filter was not understood" in html
    assert "Dave" not in html and "Alice" in html


# --- who sees the matrix -----------------------------------------------------------------


def test_anonymous_is_sent_to_login(client, listening):
    response = client.get(MATRIX)
    assert response.status_code == 302 and response.url.startswith(reverse("login"))


def test_employee_gets_403(agent_alice, listening, as_user):
    assert as_user(agent_alice).get(MATRIX).status_code == 403
    assert as_user(agent_alice).get(cell_url(agent_alice, listening)).status_code == 403


def test_coordinator_sees_only_their_units(agent_alice, dave, bob, carol, listening, as_user):
    html = page(as_user(bob))
    assert "Alice" in html and "Dave" not in html
    html = page(as_user(carol))
    assert "Dave" in html and "Alice" not in html


def test_coordinator_gets_sign_off_links_except_on_their_own_row(
    agent_alice, bob, listening, as_user
):
    html = page(as_user(bob), f"{MATRIX}?area={listening.area_id}")
    assert f'href="{cell_url(agent_alice, listening)}?area={listening.area_id}"' in html
    assert cell_url(bob, listening) not in html
    assert 'id="matrix-dialog"' in html


def test_management_reads_everyone_without_sign_off_controls(
    agent_alice, dave, maria, listening, as_user
):
    html = page(as_user(maria))
    assert "Alice" in html and "Dave" in html
    assert 'mc__in" href' not in html and 'id="matrix-dialog"' not in html
    assert as_user(maria).get(cell_url(agent_alice, listening)).status_code == 403
    response = as_user(maria).post(cell_url(agent_alice, listening), {"level": Level.U})
    assert response.status_code == 403
    assert not Record.objects.filter(person=agent_alice).exists()


def test_another_units_person_is_404(agent_alice, dave, bob, carol, listening, as_user):
    assert as_user(bob).get(cell_url(dave, listening)).status_code == 404
    assert as_user(carol).post(cell_url(agent_alice, listening), {"level": 3}).status_code == 404
    assert (
        as_user(bob)
        .get(reverse("competence:matrix_cell", args=[agent_alice.pk, 999999]))
        .status_code
        == 404
    )


def test_nobody_signs_off_their_own_record(bob, listening, as_user):
    response = as_user(bob).post(cell_url(bob, listening), {"level": Level.O})
    assert response.status_code == 403
    assert not Record.objects.filter(person=bob).exists()


def test_management_signs_off_nothing_even_as_coordinator_and_trainer(
    agent_alice, erik, listening, escalation, as_user
):
    """Erik is in management as well as a coordinator of Sales and a trainer of
    listening: management reads everyone's row and writes nothing (`may_sign_off`).
    (Trainers sign off the records they train on the record page: test_permissions_web.)"""
    client = as_user(erik)
    assert client.post(cell_url(agent_alice, listening), {"level": Level.L}).status_code == 403
    assert client.post(cell_url(agent_alice, escalation), {"level": Level.L}).status_code == 403
    assert not Record.objects.filter(person=agent_alice, activity=listening).exists()
    assert not Record.objects.filter(person=agent_alice, level=Level.L).exists()
    html = page(client)
    assert agent_alice.first_name in html
    assert cell_url(agent_alice, listening) not in html


# --- signing off from a cell -------------------------------------------------------------


def test_cell_form_preselects_the_self_assessed_level(agent_alice, escalation, bob, as_user):
    RecordFactory(person=agent_alice, activity=escalation, level=Level.I, self_level=Level.U)
    html = page(as_user(bob), cell_url(agent_alice, escalation))
    assert "<html" in html and "Back to the matrix" in html  # a page of its own without JS
    assert 'name="level" value="3" checked' in html
    assert 'name="level" value="4">' in html and 'name="level" value="1">' in html
    assert "Reject the self-assessment at U" in html
    fragment = page(as_user(bob), cell_url(agent_alice, escalation), **HTMX)
    assert "<html" not in fragment and "hx-post=" in fragment


def test_sign_off_without_js_creates_the_record_and_returns_to_the_matrix(
    agent_alice, listening, bob, as_user
):
    url = f"{cell_url(agent_alice, listening)}?area={listening.area_id}&page=1"
    response = as_user(bob).post(url, {"action": "sign_off", "level": Level.U}, **EN)
    assert response.status_code == 302
    assert response.url == (
        f"{MATRIX}?area={listening.area_id}&page=1#c-{agent_alice.pk}-{listening.pk}"
    )
    record = Record.objects.get(person=agent_alice, activity=listening)
    assert (record.level, record.signed_off_by, record.signed_off_on) == (Level.U, bob, today())
    assert record.expires_on is not None  # listening is valid 12 months
    assert messages_of(response)[0].startswith("Signed off: Alice")


def test_sign_off_with_htmx_returns_the_new_cell_and_updates(
    agent_alice, listening, escalation, bob, as_user
):
    signed(agent_alice, escalation, Level.L)
    RecordFactory(person=agent_alice, activity=listening, level=Level.L, self_level=Level.U)
    response = as_user(bob).post(cell_url(agent_alice, listening), {"level": Level.U}, **EN, **HTMX)
    assert response.status_code == 200
    html = response.content.decode()
    assert html.startswith(f'<td class="mc" id="c-{agent_alice.pk}-{listening.pk}">')
    assert "Active listening: U – does it independently to standard. Required: U." in html
    assert f'<td class="matrix__card" id="gc-{agent_alice.pk}" hx-swap-oob="true">' in html
    assert "Ready for certification" in html  # both requirements met now
    assert f'id="cov-{listening.pk}" hx-swap-oob="true"' in html
    assert "matrixCellSaved" in response["HX-Trigger-After-Settle"]


def test_reject_from_a_cell(agent_alice, escalation, bob, as_user):
    RecordFactory(person=agent_alice, activity=escalation, level=Level.I, self_level=Level.L)
    client = as_user(bob)
    response = client.post(
        cell_url(agent_alice, escalation),
        {"action": "reject", "rejection_comment": "Show me a call first."},
        **EN,
        **HTMX,
    )
    assert response.status_code == 200
    assert "Self-assessment at L rejected." in response.content.decode()
    record = Record.objects.get(person=agent_alice, activity=escalation)
    assert record.is_rejected and record.rejected_by == bob
    assert record.rejection_comment == "Show me a call first."


def test_reject_without_js_redirects(agent_alice, escalation, bob, as_user):
    RecordFactory(person=agent_alice, activity=escalation, level=Level.I, self_level=Level.L)
    response = as_user(bob).post(
        cell_url(agent_alice, escalation), {"action": "reject", "rejection_comment": "No."}
    )
    assert response.status_code == 302 and response.url.startswith(MATRIX)
    assert Record.objects.get(person=agent_alice, activity=escalation).is_rejected


@pytest.mark.parametrize("level", ["0", "5", "x", "", "-1"])
def test_bad_level_is_400_and_changes_nothing(level, agent_alice, listening, bob, as_user):
    response = as_user(bob).post(cell_url(agent_alice, listening), {"level": level}, **EN)
    assert response.status_code == 400
    assert "Choose a level from I to O to sign off." in response.content.decode()
    assert not Record.objects.filter(person=agent_alice).exists()


def test_bad_level_with_htmx_shows_the_errors_in_the_dialog(agent_alice, listening, bob, as_user):
    RecordFactory(person=agent_alice, activity=listening, level=Level.L, self_level=Level.U)
    response = as_user(bob).post(cell_url(agent_alice, listening), {"level": "9"}, **EN, **HTMX)
    assert response.status_code == 422  # django-htmx's debug page takes over 400s
    assert "Choose a level from I to O to sign off." in response.content.decode()
    assert response["HX-Retarget"] == "#matrix-dialog-body"
    assert Record.objects.get(person=agent_alice, activity=listening).level == Level.L


def test_reject_needs_a_comment_and_a_waiting_request(
    agent_alice, listening, escalation, bob, as_user
):
    RecordFactory(person=agent_alice, activity=escalation, level=Level.I, self_level=Level.L)
    client = as_user(bob)
    empty = client.post(
        cell_url(agent_alice, escalation), {"action": "reject", "rejection_comment": " "}, **EN
    )
    assert empty.status_code == 400
    assert not Record.objects.get(person=agent_alice, activity=escalation).is_rejected
    nothing = client.post(
        cell_url(agent_alice, listening), {"action": "reject", "rejection_comment": "No"}, **EN
    )
    assert nothing.status_code == 400
    assert "Nothing waits for a sign-off" in nothing.content.decode()
    assert not Record.objects.filter(person=agent_alice, activity=listening).exists()


def test_unknown_action_is_400(agent_alice, listening, bob, as_user):
    response = as_user(bob).post(cell_url(agent_alice, listening), {"action": "delete"})
    assert response.status_code == 400


# --- queries -----------------------------------------------------------------------------


def build_organisation(people: int, activities: int, unit, role) -> None:
    areas = [AreaFactory() for _ in range(3)]
    catalogue = [
        CompetenceActivityFactory(area=areas[n % 3], validity_months=12) for n in range(activities)
    ]
    for activity in catalogue[::2]:
        RequirementFactory(activity=activity, role=role, level=Level.U)
    for n in range(people):
        person = UserFactory(role=EMPLOYEE, unit=unit)
        person.profile.cx_roles.add(role)
        for index, activity in enumerate(catalogue):
            if (n + index) % 3:
                RecordFactory(
                    person=person,
                    activity=activity,
                    level=(n + index) % 5,
                    self_level=4,
                    expires_on=days(-1) if index % 4 == 0 else None,
                )
        if n % 2:
            GreenCardFactory(person=person, role=role, issued_on=days(-5), expires_on=days(400))


@pytest.mark.parametrize("viewer", ["bob", "maria"])
def test_query_count_does_not_grow_with_people_or_activities(
    viewer, request, bob, maria, service_unit, as_user, count_queries
):
    user = request.getfixturevalue(viewer)
    small_unit = UnitFactory(parent=service_unit)
    large_unit = UnitFactory(parent=service_unit)
    build_organisation(5, 3, small_unit, CXRoleFactory())
    build_organisation(30, 12, large_unit, CXRoleFactory())
    client = as_user(user)
    client.get(MATRIX)  # warm up: session, caches
    small = count_queries(client, f"{MATRIX}?unit={small_unit.pk}")
    large = count_queries(client, f"{MATRIX}?unit={large_unit.pk}")
    everyone = count_queries(client, MATRIX)
    # + the chosen unit, and the export button checking it again for its hidden fields
    assert small == large == everyone + 2
    # session, user, the request's savepoint and its release, groups, (a coordinator's
    # home unit), the chosen unit, count, people, CX roles, activities, coverage,
    # requirements, records, Green Cards, (a coordinator's trainer activities), and the
    # choices of the three filters, and the header's unread notifications
    assert small == (21 if viewer == "bob" else 19)
    # The per-person view shows the same cells with the same queries.
    per_person = count_queries(client, f"{MATRIX}?unit={large_unit.pk}&view=people")
    assert per_person == large


def test_one_sign_off_runs_a_fixed_number_of_queries(
    agent_alice, listening, bob, as_user, count_queries
):
    client = as_user(bob)
    client.get(MATRIX)
    queries = count_queries(
        client.post, cell_url(agent_alice, listening), {"level": Level.U}, **HTMX
    )
    assert count_queries.result.status_code == 200
    assert queries < 40


# --- the matrix per person ---------------------------------------------------------------


def test_the_per_person_view_lists_each_persons_levels_with_links_to_sign_off(
    agent_alice, listening, bob, maria, as_user
):
    signed(agent_alice, listening, Level.I, self_level=Level.L)
    html = page(as_user(bob), f"{MATRIX}?view=people")
    assert 'class="matrix-people"' in html and '<table class="matrix"' not in html
    assert 'href="?view=people" aria-current="page"' in html.replace(MATRIX, "")
    assert f'id="mp-{agent_alice.pk}"' in html and listening.title in html
    # Bob signs off from the list; the way back keeps the view.
    assert f'{cell_url(agent_alice, listening)}?view=people"' in html
    assert "Waiting for sign-off at L." in html
    # Management reads the same lists without sign-off links.
    read_only = page(as_user(maria), f"{MATRIX}?view=people")
    assert f'id="mp-{agent_alice.pk}"' in read_only
    assert cell_url(agent_alice, listening) not in read_only


def test_filtering_keeps_the_per_person_view(bob, service_unit, as_user, agent_alice):
    html = page(as_user(bob), f"{MATRIX}?view=people&unit={service_unit.pk}")
    assert '<input type="hidden" name="view" value="people">' in html
    grid_link = f'href="{MATRIX}?unit={service_unit.pk}"'
    assert grid_link in html
