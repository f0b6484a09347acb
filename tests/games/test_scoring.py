"""The scoring rules (cxlean/games/scoring.py) and the scoreboard built on them."""

import datetime as dt

import pytest
from django.core.exceptions import ValidationError

from cxlean.games import scoring, services
from tests.factories import TeamMemberFactory, UserFactory, deck_with_cards
from tests.games.conftest import slots_and_cards


def test_exact_slot_earns_the_full_points():
    assert scoring.card_points(10, 3, 3, ordered=True) == 10
    assert scoring.card_points(10, 3, 3, ordered=False) == 10


def test_one_slot_off_earns_half_rounded_down_on_an_ordered_deck():
    assert scoring.card_points(10, 3, 2, ordered=True) == 5
    assert scoring.card_points(10, 3, 4, ordered=True) == 5
    assert scoring.card_points(7, 3, 4, ordered=True) == 3


def test_one_slot_off_earns_nothing_in_unordered_bins():
    assert scoring.card_points(10, 3, 4, ordered=False) == 0


def test_two_off_and_missing_cards_earn_nothing():
    assert scoring.card_points(10, 3, 5, ordered=True) == 0
    assert scoring.card_points(10, 3, None, ordered=True) == 0


def test_speed_bonus_is_the_share_of_the_round_left():
    assert scoring.speed_bonus(10, 150, 300) == 5
    assert scoring.speed_bonus(10, 299, 300) == 9
    assert scoring.speed_bonus(10, 0, 300) == 0
    assert scoring.speed_bonus(0, 300, 300) == 0


def test_presentation_points_are_the_average_times_points_per_star():
    assert scoring.presentation_points([4, 5], 4) == 18
    assert scoring.presentation_points([], 4) == 0


def test_equal_totals_share_a_rank():
    assert scoring.ranks([30, 50, 30, 10]) == [2, 1, 2, 4]


def test_scoreboard_counts_exact_one_off_and_missing(playing, teams, alice, dave):
    slots, cards = slots_and_cards(playing.deck)
    now = playing.round_started_at + dt.timedelta(seconds=150)
    services.place(team=teams[0], user=alice, card=cards[0], slot=slots[0], now=now)  # exact
    services.place(team=teams[0], user=alice, card=cards[1], slot=slots[2], now=now)  # one off
    services.place(team=teams[0], user=alice, card=cards[2], slot=slots[0], now=now)  # two off
    services.submit(team=teams[0], user=alice, now=now)  # half the round left: bonus 5
    rows = {row.team.pk: row for row in services.scoreboard(playing)}
    first = rows[teams[0].pk]
    assert (first.placement_points, first.bonus, first.total) == (15, 5, 20)
    assert (first.exact, first.one_off, first.missing) == (1, 1, 1)
    assert first.max_points == 40
    assert rows[teams[1].pk].total == 0
    assert (first.rank, rows[teams[1].pk].rank) == (1, 2)
    misses = services.team_misses(teams[0])
    assert sorted(miss.status for miss in misses) == ["missing", "one_off", "wrong"]


def test_the_same_card_twice_on_one_timeline_is_refused_by_the_database(playing, teams, alice):
    from django.db import IntegrityError

    from cxlean.games.models import Placement

    slots, cards = slots_and_cards(playing.deck)
    Placement.objects.create(team=teams[0], card=cards[0], slot=slots[0])
    with pytest.raises(IntegrityError):
        Placement.objects.create(team=teams[0], card=cards[0], slot=slots[1])


def test_placing_a_card_again_moves_it(playing, teams, alice):
    slots, cards = slots_and_cards(playing.deck)
    services.place(team=teams[0], user=alice, card=cards[0], slot=slots[1])
    services.place(team=teams[0], user=alice, card=cards[0], slot=slots[0])
    assert list(teams[0].placements.values_list("slot", flat=True)) == [slots[0].pk]


def test_a_second_card_on_a_one_card_slot_is_refused(service_unit, bob, alice):
    deck = deck_with_cards(3, one_card_per_slot=True)
    game = services.create_session(unit=service_unit, deck=deck, facilitator=bob, team_count=2)
    services.open_lobby(game, by=bob)
    team = game.teams.first()
    services.join(user=alice, session=game, team=team)
    services.start_round(game, by=bob)
    slots, cards = slots_and_cards(deck)
    services.place(team=team, user=alice, card=cards[0], slot=slots[0])
    with pytest.raises(ValidationError) as refused:
        services.place(team=team, user=alice, card=cards[1], slot=slots[0])
    assert "slot" in refused.value.message_dict


@pytest.mark.parametrize("team_count", [3, 8])
def test_scoreboard_runs_a_constant_number_of_queries(service_unit, bob, count_queries, team_count):
    deck = deck_with_cards(5)
    game = services.create_session(
        unit=service_unit, deck=deck, facilitator=bob, team_count=team_count
    )
    slots, cards = slots_and_cards(deck)
    for team in game.teams.all():
        for _ in range(2):
            TeamMemberFactory(team=team, user=UserFactory(unit=service_unit))
        for card, slot in zip(cards, slots, strict=True):
            team.placements.create(card=card, slot=slot)
    game = type(game).objects.get(pk=game.pk)
    # deck, cards, teams with submissions, members, their users, placements, scores
    assert count_queries(services.scoreboard, game) == 7
    assert len(count_queries.result) == team_count
