"""Competence rules that had copies, now one each, asked by every surface:

- a Green Card's date status (certified / expiring soon / expired): `GreenCard.status`
  and the `GreenCard.objects.with_status` annotation, from the same dates, used by the
  card's progress, the admin's column and filter, the API's field and filter;
- whose competence a person sees: `people_visible_to`, used by the person page, the
  matrix, the API's people, progress and matrix, the records and cards;
- `may_sign_off`: management signs nothing off, even as a coordinator or a trainer;
- the competence matrix: one builder (`matrix.MatrixSource`) for the web page, its export
  and the API's flat rows, which are the web's cells that are required or recorded.
"""

import datetime as dt

import pytest
from django.contrib.auth.models import Group, User
from django.urls import reverse
from django.utils import timezone

from cxlean.competence.matrix import build_matrix, matrix_people
from cxlean.competence.models import (
    CardStatus,
    GreenCard,
    Level,
    Record,
    card_progress,
    may_sign_off,
    people_visible_to,
)
from cxlean.org.roles import EMPLOYEE, MANAGEMENT
from tests.api.conftest import api_client
from tests.factories import (
    CompetenceActivityFactory,
    GreenCardFactory,
    RecordFactory,
    UserFactory,
)

pytestmark = pytest.mark.django_db


def today() -> dt.date:
    return timezone.localdate()


# --- the Green Card's date status ----------------------------------------------------------


@pytest.fixture
def cards(agent_alice, settings):
    """One card per boundary day around today and the warning days (30)."""
    settings.GREEN_CARD_EXPIRY_WARNING_DAYS = 30
    ends = {
        "expired yesterday": -1,
        "expires today": 0,
        "expires on the last warning day": 30,
        "expires the day after": 31,
    }
    return {
        name: GreenCardFactory(
            person=agent_alice,
            issued_on=today() - dt.timedelta(days=400),
            expires_on=today() + dt.timedelta(days=days),
        )
        for name, days in ends.items()
    }


EXPECTED = {
    "expired yesterday": CardStatus.EXPIRED,
    "expires today": CardStatus.EXPIRING,
    "expires on the last warning day": CardStatus.EXPIRING,
    "expires the day after": CardStatus.CERTIFIED,
}


def test_the_python_status_and_the_annotation_agree(cards):
    annotated = dict(GreenCard.objects.with_status(today()).values_list("pk", "card_status"))
    for name, card in cards.items():
        assert card.status(today()) == EXPECTED[name], name
        assert annotated[card.pk] == EXPECTED[name], name


def test_a_cards_progress_reads_the_same_status(cards):
    for name, card in cards.items():
        progress = card_progress(role=None, requirements={}, records={}, card=card, today=today())
        if EXPECTED[name] != CardStatus.EXPIRED:
            assert progress.status == EXPECTED[name], name


def test_the_api_field_and_filter_agree(bob, cards):
    client = api_client(bob)
    listed = client.get(reverse("green-card-list"), {"page_size": 100}).json()["results"]
    by_id = {row["id"]: row["status"] for row in listed}
    for name, card in cards.items():
        assert by_id[card.pk] == EXPECTED[name], name
    for status in (CardStatus.CERTIFIED, CardStatus.EXPIRING, CardStatus.EXPIRED):
        rows = client.get(reverse("green-card-list"), {"status": status}).json()["results"]
        wanted = {card.pk for name, card in cards.items() if EXPECTED[name] == status}
        assert {row["id"] for row in rows} == wanted, status


def test_the_admin_column_and_filter_agree(maria, cards, as_user):
    client = as_user(maria)
    url = reverse("admin:competence_greencard_changelist")
    for status in (CardStatus.CERTIFIED, CardStatus.EXPIRING, CardStatus.EXPIRED):
        response = client.get(url, {"status": status.value})
        listed = {card.pk for card in response.context["cl"].result_list}
        wanted = {card.pk for name, card in cards.items() if EXPECTED[name] == status}
        assert listed == wanted, status


# --- whose competence a person sees --------------------------------------------------------


def test_one_rule_for_who_sees_a_person(alice, bob, carol, maria, root, agent_alice, dave):
    assert set(people_visible_to(alice)) == {alice}
    assert agent_alice in people_visible_to(bob) and dave not in people_visible_to(bob)
    assert agent_alice not in people_visible_to(carol)
    assert {agent_alice, dave} <= set(people_visible_to(maria)) & set(people_visible_to(root))


def test_the_matrix_the_api_and_the_person_page_show_the_same_people(bob, agent_alice, as_user):
    rule = set(people_visible_to(bob).filter(is_active=True, profile__isnull=False))
    assert set(matrix_people(bob)) == rule
    api = api_client(bob).get(reverse("person-list"), {"page_size": 100})
    progress = api_client(bob).get(reverse("competence-progress-list"), {"page_size": 100})
    assert progress.status_code == 200
    assert {row["person"] for row in progress.json()["results"]} == {p.pk for p in rule}
    assert api.status_code == 200
    page = as_user(bob).get(reverse("competence:person", args=[agent_alice.pk]))
    assert page.status_code == 200


def test_an_employee_sees_only_herself_everywhere(alice, agent_alice, dave, as_user):
    assert as_user(alice).get(reverse("competence:person", args=[dave.pk])).status_code == 404
    progress = api_client(alice).get(reverse("competence-progress-list")).json()["results"]
    assert {row["person"] for row in progress} == {alice.pk}
    assert not matrix_people(alice).exists()  # employees have "My competence" instead


# --- management signs nothing off ----------------------------------------------------------


@pytest.fixture
def manager_and_trainer(bob, listening):
    """Bob coordinates Alice's unit and trains listening, and is in management too."""
    RecordFactory(
        person=bob,
        activity=listening,
        level=Level.O,
        self_level=Level.O,
        signed_off_on=today(),
        expires_on=listening.expiry_from(today()),
    )
    bob.groups.add(Group.objects.get_or_create(name=MANAGEMENT)[0])
    return bob


@pytest.fixture
def waiting(agent_alice, listening):
    return RecordFactory(person=agent_alice, activity=listening, self_level=Level.U)


def test_the_model_refuses_management(manager_and_trainer, agent_alice, listening, root):
    assert not may_sign_off(manager_and_trainer, agent_alice, listening)
    assert may_sign_off(root, agent_alice, listening)


def test_management_signs_off_nothing_on_the_web(manager_and_trainer, waiting, as_user):
    client = as_user(manager_and_trainer)
    response = client.post(reverse("competence:sign_off", args=[waiting.pk]), {"level": 3})
    assert response.status_code == 403
    waiting.refresh_from_db()
    assert waiting.level == Level.NOT_STARTED


def test_management_signs_off_nothing_through_the_api(manager_and_trainer, waiting):
    response = api_client(manager_and_trainer).post(
        reverse("competence-record-sign-off", args=[waiting.pk]), {}, format="json"
    )
    assert response.status_code in (400, 403)
    waiting.refresh_from_db()
    assert waiting.level == Level.NOT_STARTED


def test_management_has_no_sign_off_queue(manager_and_trainer, waiting):
    assert not Record.objects.for_queue(manager_and_trainer).exists()


# --- one matrix, web and API ---------------------------------------------------------------


@pytest.fixture
def matrix_cells(agent_alice, agent_role, listening, escalation, service_team, dave):
    """Cells of every kind: expired, waiting, rejected, required without a record,
    recorded without a requirement; two people of one unit with the same name (the
    order breaks the tie by username on every surface)."""
    extra = CompetenceActivityFactory(area=listening.area, code="extra")
    RecordFactory(
        person=agent_alice,
        activity=listening,
        level=Level.O,
        self_level=Level.O,
        signed_off_on=today() - dt.timedelta(days=400),
        expires_on=today() - dt.timedelta(days=35),
    )
    RecordFactory(person=agent_alice, activity=extra, self_level=Level.L)
    for username in ("twin-b", "twin-a"):
        twin = UserFactory(
            username=username,
            first_name="Tvilling",
            last_name="Ek",
            role=EMPLOYEE,
            unit=service_team,
        )
        twin.profile.cx_roles.add(agent_role)
        RecordFactory(person=twin, activity=escalation, level=Level.I, self_level=Level.U)
    RecordFactory(
        person=dave, activity=extra, level=Level.I, self_level=Level.L, rejected_level=Level.L
    )


@pytest.mark.parametrize("name", ["bob", "maria"])
def test_the_api_rows_are_the_web_matrix_cells_that_are_required_or_recorded(
    request, name, matrix_cells
):
    viewer = request.getfixturevalue(name)
    web = build_matrix(viewer=viewer, today=today(), per_page=1000)
    recorded = set(Record.objects.values_list("person_id", "activity_id"))
    expected = [
        (cell.person_id, cell.activity_id, cell)
        for row in web.rows
        for cell in row.cells
        if cell.required is not None or (cell.person_id, cell.activity_id) in recorded
    ]
    response = api_client(viewer).get(reverse("competence-matrix-list"), {"page_size": 1000})
    assert response.status_code == 200
    rows = response.json()["results"]
    # The same cells in the same order: people as the web lists them, then activities.
    assert [(row["person"], row["activity"]) for row in rows] == [
        (person, activity) for person, activity, _ in expected
    ]
    for row, (_, _, cell) in zip(rows, expected, strict=True):
        assert (
            row["level"],
            row["effective_level"],
            row["required_level"],
            row["self_level"],
            row["awaits_sign_off"],
            row["expired"],
        ) == (
            cell.level,
            cell.effective,
            cell.required,
            cell.self_level,
            cell.waiting,
            cell.expired,
        )
        assert row["meets_requirement"] == (None if cell.required is None else not cell.below)
    twins = {twin.pk: twin.username for twin in User.objects.filter(first_name="Tvilling")}
    in_order = list(dict.fromkeys(row["person"] for row in rows if row["person"] in twins))
    assert [twins[pk] for pk in in_order] == ["twin-a", "twin-b"]  # a tie, by username
