"""Competence rules that had copies, now one each, asked by every surface:

- a Green Card's date status (certified / expiring soon / expired): `GreenCard.status`
  and the `GreenCard.objects.with_status` annotation, from the same dates, used by the
  card's progress, the admin's column and filter, the API's field and filter;
- whose competence a person sees: `people_visible_to`, used by the person page, the
  matrix, the API's people, progress and matrix, the records and cards;
- `may_sign_off`: management signs nothing off, even as a coordinator or a trainer.
"""

import datetime as dt

import pytest
from django.contrib.auth.models import Group
from django.urls import reverse
from django.utils import timezone

from cxlean.competence.matrix import matrix_people
from cxlean.competence.models import (
    CardStatus,
    GreenCard,
    Level,
    Record,
    card_progress,
    may_sign_off,
    people_visible_to,
)
from cxlean.org.roles import MANAGEMENT
from tests.api.conftest import api_client
from tests.factories import GreenCardFactory, RecordFactory

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
