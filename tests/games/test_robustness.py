"""The game under stress: a stale big screen or a second tab, a placement racing a
submission, late joiners after the reveal, and bad input to the API, each answered
with a clear refusal instead of a changed game or a 500."""

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from cxlean.core.api import MAX_ID
from cxlean.games import services
from cxlean.games.models import Card, GameSession, Placement, SessionStatus, Submission
from tests.factories import UnitFactory, UserFactory, deck_with_cards
from tests.games.conftest import api_client, slots_and_cards

# --- a session changed from two places ---------------------------------------------------


def test_a_stale_open_lobby_click_does_not_stop_a_running_round(lobby, bob):
    stale = GameSession.objects.get(pk=lobby.pk)  # the big screen, loaded in the lobby
    services.start_round(lobby, by=bob)
    with pytest.raises(ValidationError, match="already started"):
        services.open_lobby(stale, by=bob)
    lobby.refresh_from_db()
    assert lobby.status == SessionStatus.PLAYING


def test_a_second_start_from_another_tab_keeps_the_round_clock(lobby, bob):
    stale = GameSession.objects.get(pk=lobby.pk)
    started = services.start_round(lobby, by=bob)
    ends = started.round_ends_at
    with pytest.raises(ValidationError, match="already been played"):
        services.start_round(stale, by=bob)
    assert GameSession.objects.get(pk=lobby.pk).round_ends_at == ends


def test_a_stale_reveal_after_the_finish_leaves_the_game_finished(playing, bob):
    stale = GameSession.objects.get(pk=playing.pk)
    services.reveal(playing, by=bob)
    services.finish(playing, by=bob)
    services.reveal(stale, by=bob)
    assert GameSession.objects.get(pk=playing.pk).status == SessionStatus.FINISHED


def test_a_stale_finish_before_the_reveal_reads_the_saved_state(playing, bob):
    stale = GameSession.objects.get(pk=playing.pk)
    services.reveal(playing, by=bob)
    finished = services.finish(stale, by=bob)  # the saved state is revealed: it finishes
    assert finished.status == SessionStatus.FINISHED


# --- a team's timeline: one change at a time ----------------------------------------------


def test_a_placement_that_waited_for_a_submission_is_refused(playing, teams, alice, monkeypatch):
    """The placement passed its early checks, then waited for the team's lock while a
    teammate submitted: under the lock it sees the submission."""
    slots, cards = slots_and_cards(playing.deck)
    monkeypatch.setattr(services, "_refuse_unless_open", lambda team, now: None)
    Submission.objects.create(team=teams[0], submitted_by=alice)
    with pytest.raises(ValidationError, match="submitted its timeline"):
        services.place(team=teams[0], user=alice, card=cards[0], slot=slots[0])
    assert not Placement.objects.exists()


def test_taking_a_card_off_after_a_submission_is_refused(playing, teams, alice, monkeypatch):
    slots, cards = slots_and_cards(playing.deck)
    services.place(team=teams[0], user=alice, card=cards[0], slot=slots[0])
    monkeypatch.setattr(services, "_refuse_unless_open", lambda team, now: None)
    Submission.objects.create(team=teams[0], submitted_by=alice)
    with pytest.raises(ValidationError, match="submitted its timeline"):
        services.unplace(team=teams[0], user=alice, card=cards[0])
    assert Placement.objects.count() == 1


# --- joining after the reveal ---------------------------------------------------------------


def test_nobody_joins_after_the_reveal(playing, bob, service_unit):
    services.reveal(playing, by=bob)
    latecomer = UserFactory(unit=service_unit)
    with pytest.raises(ValidationError, match="no new players"):
        services.join(user=latecomer, code=playing.join_code)


def test_a_player_reconnecting_after_the_reveal_keeps_the_team(playing, bob, alice, teams):
    services.reveal(playing, by=bob)
    member = services.join(user=alice, code=playing.join_code)
    assert member.team == teams[0]


def test_joining_after_the_reveal_is_a_400_through_the_api(playing, bob, service_unit):
    services.reveal(playing, by=bob)
    latecomer = UserFactory(unit=service_unit)
    response = api_client(latecomer).post(
        reverse("game-session-join"), {"code": playing.join_code}, format="json"
    )
    assert response.status_code == 400
    assert "no new players" in response.json()["non_field_errors"][0]


# --- the reveal's status of a card ---------------------------------------------------------


def test_a_one_point_card_one_slot_off_shows_as_one_off(playing, teams, alice, bob):
    slots, cards = slots_and_cards(playing.deck)
    Card.objects.filter(pk=cards[0].pk).update(points=1)
    services.place(team=teams[0], user=alice, card=cards[0], slot=slots[1])
    services.reveal(playing, by=bob)
    result = next(r for r in services.team_misses(teams[0]) if r.card_id == cards[0].pk)
    assert (result.points, result.status) == (0, "one_off")


# --- the API: decks and sessions ------------------------------------------------------------


def test_a_card_is_not_moved_into_a_deck_one_does_not_edit(bob, service_unit):
    own = deck_with_cards(2, unit=service_unit)
    organisation_wide = deck_with_cards(2)
    card = own.cards.first()
    response = api_client(bob).patch(
        reverse("game-card-detail", args=[card.pk]),
        {"deck": organisation_wide.pk, "correct_slot": organisation_wide.slots.first().pk},
        format="json",
    )
    assert response.status_code == 403
    card.refresh_from_db()
    assert card.deck == own


def test_a_coordinator_still_edits_his_units_cards(bob, service_unit):
    own = deck_with_cards(2, unit=service_unit)
    card = own.cards.first()
    response = api_client(bob).patch(
        reverse("game-card-detail", args=[card.pk]), {"points": 20}, format="json"
    )
    assert response.status_code == 200
    card.refresh_from_db()
    assert card.points == 20


def test_a_session_does_not_move_to_a_deck_of_a_unit_below(game, bob, service_unit):
    team_unit = UnitFactory(name="Team Chat", code="chat", parent=service_unit)
    below = deck_with_cards(2, unit=team_unit)
    response = api_client(bob).patch(
        reverse("game-session-detail", args=[game.pk]), {"deck": below.pk}, format="json"
    )
    assert response.status_code == 400
    assert response.json()["deck"] == ["This deck belongs to another unit."]
    game.refresh_from_db()
    assert game.deck != below


@pytest.mark.parametrize("problem", ["inactive", "empty"])
def test_a_session_does_not_move_to_an_unplayable_deck(game, bob, problem):
    deck = deck_with_cards(2, active=False) if problem == "inactive" else deck_with_cards(0)
    response = api_client(bob).patch(
        reverse("game-session-detail", args=[game.pk]), {"deck": deck.pk}, format="json"
    )
    assert response.status_code == 400
    assert "deck" in response.json()


def test_a_session_keeps_its_deck_when_other_fields_change(game, bob):
    response = api_client(bob).patch(
        reverse("game-session-detail", args=[game.pk]), {"title": "Kick-off"}, format="json"
    )
    assert response.status_code == 200
    assert response.json()["title"] == "Kick-off"


def test_renaming_a_team_to_a_taken_name_is_a_400_on_name(game, bob, teams):
    response = api_client(bob).patch(
        reverse("game-team-detail", args=[teams[0].pk]), {"name": teams[1].name}, format="json"
    )
    assert response.status_code == 400
    assert response.json() == {"name": ["Another team already has this name."]}


def test_adding_a_team_with_a_taken_name_is_a_400_on_name(game, bob, teams):
    response = api_client(bob).post(
        reverse("game-session-add-team", args=[game.pk]), {"name": teams[0].name}, format="json"
    )
    assert response.status_code == 400
    assert response.json() == {"name": ["Another team already has this name."]}


@pytest.mark.parametrize("value", [str(MAX_ID + 1), "10" * 15, "-1", "0", "x", "²"])
def test_ids_in_the_query_beyond_any_row_are_a_400(finished_game_id, bob, value):
    client = api_client(bob)
    placements = client.get(reverse("game-placement-list"), {"session": value})
    assert placements.status_code == 400
    assert "session" in placements.json()
    board = client.get(reverse("game-session-leaderboard"), {"unit": value})
    assert board.status_code == 400
    assert "unit" in board.json()


@pytest.fixture
def finished_game_id(playing, bob):
    services.reveal(playing, by=bob)
    services.finish(playing, by=bob)
    return playing.pk


# --- lists: a constant number of queries for every role -------------------------------------


@pytest.mark.parametrize("who", ["bob", "maria", "olivia"])
def test_deck_part_lists_do_not_grow_with_cards_for_who_sees_the_answers(
    service_unit, who, request, count_queries
):
    client = api_client(request.getfixturevalue(who))
    counts = []
    for size in (2, 6):
        deck_with_cards(size, unit=service_unit)
        deck_with_cards(size)
        counts.append(
            tuple(
                count_queries(client, reverse(name))
                for name in ("game-card-list", "game-slot-list", "game-task-card-list")
            )
        )
    assert counts[0] == counts[1]


def test_session_part_lists_do_not_grow_with_teams(service_unit, bob, count_queries):
    client = api_client(bob)
    counts = []
    for size in (2, 5):
        game = services.create_session(
            unit=service_unit, deck=deck_with_cards(3), facilitator=bob, team_count=size
        )
        services.open_lobby(game, by=bob)
        for team in game.teams.all():
            services.join(user=UserFactory(unit=service_unit), session=game, team=team)
        services.start_round(game, by=bob)
        for team in game.teams.all():
            player = team.members.first().user
            for card in game.deck.cards.all():
                services.place(team=team, user=player, card=card, slot=card.correct_slot)
            services.submit(team=team, user=player)
        services.reveal(game, by=bob)
        for presentation in services.start_presentations(game, by=bob):
            services.score_presentation(presentation=presentation, scorer=bob, value=4)
        counts.append(
            tuple(
                count_queries(client, reverse(name))
                for name in (
                    "game-placement-list",
                    "game-submission-list",
                    "game-presentation-list",
                    "game-presentation-score-list",
                    "game-team-list",
                )
            )
        )
    assert counts[0] == counts[1]


# --- the idea once it is in the backlog ------------------------------------------------------


@pytest.fixture
def sent_idea(playing, bob, alice, teams):
    services.reveal(playing, by=bob)
    services.start_presentations(playing, by=bob)
    presentation = teams[0].presentation
    services.write_idea(presentation=presentation, user=alice, idea="Call back instead of a queue")
    item, _created = services.send_idea_to_backlog(presentation=presentation, by=alice)
    return presentation, item


def test_an_idea_in_the_backlog_is_not_rewritten_in_the_game(sent_idea, alice):
    presentation, item = sent_idea
    with pytest.raises(ValidationError) as refused:
        services.write_idea(presentation=presentation, user=alice, idea="Something else")
    assert "in the backlog already" in refused.value.message_dict["idea"][0]
    presentation.refresh_from_db()
    assert presentation.idea == "Call back instead of a queue" == item.title


def test_rewriting_a_sent_idea_is_a_400_on_idea_through_the_api(sent_idea, alice):
    presentation, _item = sent_idea
    response = api_client(alice).patch(
        reverse("game-presentation-detail", args=[presentation.pk]),
        {"idea": "Something else"},
        format="json",
    )
    assert response.status_code == 400
    assert "idea" in response.json()


# --- the idea once the game has finished -----------------------------------------------------


def test_an_idea_is_not_rewritten_after_the_game_has_finished(playing, bob, alice, teams):
    services.reveal(playing, by=bob)
    services.start_presentations(playing, by=bob)
    presentation = teams[0].presentation
    services.write_idea(presentation=presentation, user=alice, idea="Call back instead of a queue")
    services.finish(playing, by=bob)
    presentation.refresh_from_db()
    with pytest.raises(ValidationError) as refused:
        services.write_idea(presentation=presentation, user=alice, idea="Something else")
    assert "has finished" in refused.value.message_dict["idea"][0]
    response = api_client(alice).patch(
        reverse("game-presentation-detail", args=[presentation.pk]),
        {"idea": "Something else"},
        format="json",
    )
    assert response.status_code == 400
    assert "has finished" in response.json()["idea"][0]
    presentation.refresh_from_db()
    assert presentation.idea == "Call back instead of a queue"
