"""The demo's timeline games (cxlean/demo/games.py): three decks in Swedish and English,
two finished games in Kundservice with three teams and a scheduled one."""

from collections.abc import Iterator

import pytest
from django.contrib.auth.models import User
from django.utils import translation

from cxlean.backlog.models import Item
from cxlean.competence.models import Record
from cxlean.games import services
from cxlean.games.models import Deck, DeckKind, GameSession, SessionStatus
from cxlean.org.models import Unit
from tests.demo_once import demo_for_module

pytestmark = pytest.mark.django_db


@pytest.fixture(scope="module")
def built(django_db_setup, django_db_blocker) -> Iterator[str]:
    with demo_for_module(django_db_blocker) as output:
        yield output


def test_the_command_counts_the_games(built):
    assert "3 timeline games" in built


def test_three_decks_in_both_languages(built):
    decks = {deck.kind: deck for deck in Deck.objects.filter(unit=None)}
    assert set(decks) == {DeckKind.STEPS, DeckKind.JOURNEY, DeckKind.WASTE}
    assert decks[DeckKind.STEPS].slots.count() == 7
    assert decks[DeckKind.WASTE].slots.count() == 10 and not decks[DeckKind.WASTE].ordered
    for deck in decks.values():
        assert deck.task_cards.exists()
        for card in deck.cards.all():
            assert card.text_sv and card.text_en
        with translation.override("en"):
            assert deck.title != deck.title_sv


def test_a_finished_game_with_three_teams_in_kundservice(built):
    service = Unit.objects.get(code="nordljus-kundservice")
    finished = GameSession.objects.filter(unit=service, status=SessionStatus.FINISHED)
    assert finished.count() == 2
    latest = finished.order_by("-finished_at").first()
    board = services.scoreboard(latest)
    assert len(board) == 3
    assert [row.rank for row in board] == sorted(row.rank for row in board)
    assert all(row.placement_points > 0 and row.presentation_points > 0 for row in board)
    assert any(row.one_off for row in board)  # the journey deck is ordered
    assert Item.objects.filter(game_presentation__team__session=latest).count() == 1


def test_players_have_evidence_and_the_leaderboard_has_them(built):
    service = Unit.objects.get(code="nordljus-kundservice")
    board = services.leaderboard(service)
    assert len(board) == 8 and board[0].sessions == 2
    oskar = User.objects.get(username="oskar.lund")
    assert (
        Record.objects.filter(person=oskar, activity__code="journey-mapping")
        .exclude(evidence_text="")
        .exists()
    )
    assert set(services.team_progress(service)) == {"Telefoni", "Chatt & e-post", "Kvalitet"}


def test_a_scheduled_game_next_week(built):
    scheduled = GameSession.objects.get(status=SessionStatus.SCHEDULED)
    assert scheduled.facilitator.username == "coordinator"
    assert scheduled.scheduled_for is not None and scheduled.teams.count() == 3


def test_a_deck_made_from_the_invoice_journey(built):
    deck = Deck.objects.get(unit__code="nordljus-kundservice", journey__name="Fel på fakturan")
    assert deck.cards.exists() and deck.slots.count() == 5
