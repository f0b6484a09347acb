"""The game's models: who sees which decks and sessions, the round's clock, the join
code's validity and the rules the database holds."""

import datetime as dt

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError

from cxlean.games import services
from cxlean.games.models import Deck, GameSession, PresentationScore, TeamMember
from tests.factories import CardFactory, SlotFactory, UserFactory, deck_with_cards


def test_organisation_decks_are_everyones_unit_decks_their_trees(alice, carol, maria, service_unit):
    shared = deck_with_cards(2)
    own = deck_with_cards(2, unit=service_unit)
    assert set(Deck.objects.visible_to(alice)) == {shared, own}
    assert set(Deck.objects.visible_to(carol)) == {shared}
    assert set(Deck.objects.visible_to(maria)) == {shared, own}


def test_sessions_are_seen_by_their_tree_players_and_management(
    game, alice, carol, maria, sales_unit
):
    assert set(GameSession.objects.visible_to(alice)) == {game}
    assert not GameSession.objects.visible_to(carol).exists()
    assert set(GameSession.objects.visible_to(maria)) == {game}
    guest = UserFactory(unit=sales_unit)
    services.open_lobby(game, by=game.facilitator)
    services.join(user=guest, code=game.join_code)
    assert set(GameSession.objects.visible_to(guest)) == {game}


def test_the_round_clock(playing):
    start = playing.round_started_at
    assert playing.round_is_open(start + dt.timedelta(seconds=10))
    assert playing.seconds_left(start + dt.timedelta(seconds=100)) == 200
    assert not playing.round_is_open(playing.round_ends_at)
    assert playing.seconds_left(playing.round_ends_at) == 0


def test_the_code_expires_and_ends_with_the_game(lobby):
    assert lobby.code_is_valid()
    assert not lobby.code_is_valid(lobby.code_expires_at)


def test_a_code_has_no_ambiguous_characters(lobby):
    assert len(lobby.join_code) == services.CODE_LENGTH
    assert not set(lobby.join_code) & set("01IOL")


def test_a_card_belongs_in_a_slot_of_its_own_deck(db):
    card = CardFactory()
    card.correct_slot = SlotFactory()
    with pytest.raises(ValidationError):
        card.full_clean()


def test_one_team_per_person_per_session(game, teams, alice):
    TeamMember.objects.create(team=teams[0], user=alice)
    with pytest.raises(IntegrityError):
        TeamMember.objects.create(team=teams[1], user=alice)


def test_scores_are_one_to_five_in_the_database(playing, bob, teams):
    services.reveal(playing, by=bob)
    presentation = services.start_presentations(playing, by=bob)[0]
    with pytest.raises(IntegrityError):
        PresentationScore.objects.create(presentation=presentation, scorer=bob, value=6)


def test_history_is_kept(playing, teams, alice):
    slots = list(playing.deck.slots.all())
    card = playing.deck.cards.first()
    placement = services.place(team=teams[0], user=alice, card=card, slot=slots[1])
    services.place(team=teams[0], user=alice, card=card, slot=slots[0])
    assert placement.history.count() == 2
    assert playing.history.count() >= 3  # created, lobby, round
