"""The timeline game over the API: a whole game played through /api/v1/games/, with
clear 400s for the game's rules and the scoring documented in the schema."""

import datetime as dt

from django.urls import reverse
from django.utils import timezone

from cxlean.games import services
from cxlean.games.models import GameSession, Submission
from tests.factories import (
    JourneyFactory,
    StageFactory,
    TouchpointFactory,
    UserFactory,
    deck_with_cards,
)
from tests.games.conftest import api_client, slots_and_cards


def url(name: str, *args) -> str:
    return reverse(name, args=args)


def test_a_whole_game_through_the_api(service_unit, bob, alice, dave, deck):
    facilitator, player_one, player_two = api_client(bob), api_client(alice), api_client(dave)
    created = facilitator.post(
        url("game-session-list"),
        {"unit": service_unit.pk, "deck": deck.pk, "title": "Kickoff", "team_count": 2},
        format="json",
    )
    assert created.status_code == 201, created.content
    session = created.json()
    assert session["status"] == "scheduled" and len(session["teams"]) == 2
    opened = facilitator.post(url("game-session-open-lobby", session["id"]))
    code = opened.json()["join_code"]
    first, second = (team["id"] for team in session["teams"])
    joined = player_one.post(url("game-session-join"), {"code": code, "team": first}, format="json")
    assert joined.json() == {"session": session["id"], "team": first, "team_name": "Team 1"}
    player_two.post(url("game-session-join"), {"code": code, "team": second}, format="json")
    facilitator.post(url("game-session-start-round", session["id"]))
    slots, cards = slots_and_cards(deck)
    placed = player_one.post(
        url("game-team-place", first), {"card": cards[0].pk, "slot": slots[0].pk}, format="json"
    )
    assert placed.status_code == 200, placed.content
    submitted = player_one.post(url("game-team-submit", first))
    assert submitted.json()["created"] is True
    assert player_one.post(url("game-team-submit", first)).json()["created"] is False
    assert facilitator.post(url("game-session-reveal", session["id"])).json()["status"] == "reveal"
    board = player_two.get(url("game-session-scoreboard", session["id"])).json()
    assert [row["team"] for row in board] == [first, second]
    assert board[0]["placement_points"] == 10
    reveal = player_two.get(url("game-session-card-results", session["id"])).json()
    assert {row["team"] for row in reveal} == {first, second}
    facilitator.post(url("game-session-start-presentations", session["id"]))
    presentation = player_one.get(url("game-presentation-list"), {"team": first}).json()
    presentation_id = presentation["results"][0]["id"]
    scored = player_two.post(
        url("game-presentation-score", presentation_id), {"value": 5}, format="json"
    )
    assert scored.status_code == 200, scored.content
    player_one.patch(
        url("game-presentation-detail", presentation_id), {"idea": "Call back"}, format="json"
    )
    sent = player_one.post(url("game-presentation-send-to-backlog", presentation_id)).json()
    again = player_one.post(url("game-presentation-send-to-backlog", presentation_id)).json()
    assert sent["item"] == again["item"] and (sent["created"], again["created"]) == (True, False)
    assert (
        facilitator.post(url("game-session-finish", session["id"])).json()["status"] == "finished"
    )
    rows = facilitator.get(url("game-result-list"), {"unit": service_unit.pk}).json()["results"]
    assert {(row["person"], row["rank"]) for row in rows} == {(alice.pk, 1), (dave.pk, 2)}
    leaders = player_two.get(url("game-session-leaderboard"), {"unit": service_unit.pk}).json()
    assert leaders[0]["person"] == alice.pk
    progress = player_two.get(url("game-session-team-progress"), {"unit": service_unit.pk})
    assert [row["games"][0]["rank"] for row in progress.json()] == [1, 2]


def test_wrong_code_is_a_400_on_code(lobby, alice):
    response = api_client(alice).post(url("game-session-join"), {"code": "NOPE22"}, format="json")
    assert response.status_code == 400
    assert "code" in response.json()


def test_submission_after_the_round_is_a_400_with_the_time(playing, teams, alice):
    GameSession.objects.filter(pk=playing.pk).update(
        round_ends_at=timezone.now() - dt.timedelta(seconds=1)
    )
    response = api_client(alice).post(url("game-team-submit", teams[0].pk))
    assert response.status_code == 400
    assert "The round closed at" in response.json()["non_field_errors"][0]
    assert not Submission.objects.exists()


def test_acting_for_another_team_is_a_403_with_the_rule(playing, teams, alice):
    slots, cards = slots_and_cards(playing.deck)
    response = api_client(alice).post(
        url("game-team-place", teams[1].pk), {"card": cards[0].pk, "slot": slots[0].pk}
    )
    assert response.status_code == 403
    assert "own" in response.json()["detail"]


def test_players_do_not_see_the_answers_before_the_reveal(playing, alice, bob):
    card = playing.deck.cards.first()
    assert api_client(alice).get(url("game-card-detail", card.pk)).json()["correct_slot"] is None
    assert api_client(alice).get(url("game-session-card-results", playing.pk)).status_code == 400
    # the CX owner's deck: a coordinator runs the game but does not edit the deck
    assert api_client(bob).get(url("game-session-card-results", playing.pk)).status_code == 200


def test_players_see_only_their_own_placements_while_playing(playing, teams, alice, dave):
    slots, cards = slots_and_cards(playing.deck)
    services.place(team=teams[1], user=dave, card=cards[0], slot=slots[0])
    listed = api_client(alice).get(url("game-placement-list")).json()
    assert listed["count"] == 0
    assert api_client(dave).get(url("game-placement-list")).json()["count"] == 1


def test_coordinator_makes_a_deck_from_his_units_journey(service_unit, bob):
    journey = JourneyFactory(unit=service_unit)
    TouchpointFactory(stage=StageFactory(journey=journey))
    response = api_client(bob).post(
        url("game-deck-from-journey"), {"journey": journey.pk}, format="json"
    )
    assert response.status_code == 201, response.content
    assert response.json()["unit"] == service_unit.pk


def test_coordinator_makes_decks_only_for_his_units(bob, sales_unit, service_unit):
    client = api_client(bob)
    payload = {"title_sv": "Egen", "title_en": "Own", "kind": "steps"}
    assert client.post(url("game-deck-list"), payload, format="json").status_code == 400
    response = client.post(url("game-deck-list"), {**payload, "unit": sales_unit.pk}, format="json")
    assert response.status_code == 400
    ok = client.post(url("game-deck-list"), {**payload, "unit": service_unit.pk}, format="json")
    assert ok.status_code == 201, ok.content


def test_a_card_must_use_a_slot_of_its_deck(olivia):
    deck, other = deck_with_cards(2), deck_with_cards(2)
    response = api_client(olivia).post(
        url("game-card-list"),
        {
            "deck": deck.pk,
            "text_sv": "K",
            "text_en": "C",
            "correct_slot": other.slots.first().pk,
        },
        format="json",
    )
    assert response.status_code == 400
    assert "correct_slot" in response.json()


def test_the_schema_documents_the_scoring(alice):
    schema = api_client(alice).get(reverse("api-schema"), {"format": "json"}).json()
    assert "/api/v1/games/sessions/{id}/scoreboard/" in schema["paths"]
    total = schema["components"]["schemas"]["GameTeamScore"]["properties"]["total"]
    assert "one slot off" in total["description"].lower()


def test_scoreboard_endpoint_queries_do_not_grow_with_teams(service_unit, bob, count_queries):
    client = api_client(bob)
    counts = []
    for team_count in (3, 8):
        game = services.create_session(
            unit=service_unit, deck=deck_with_cards(3), facilitator=bob, team_count=team_count
        )
        count_queries(client, url("game-session-scoreboard", game.pk))  # warm the session
        counts.append(count_queries(client, url("game-session-scoreboard", game.pk)))
    assert counts[0] == counts[1]


def test_lists_run_a_constant_number_of_queries(service_unit, bob, alice, count_queries):
    client = api_client(alice)
    counts = []
    for size in (2, 5):
        deck = deck_with_cards(size, unit=service_unit)
        game = services.create_session(
            unit=service_unit, deck=deck, facilitator=bob, team_count=size
        )
        for team in game.teams.all():
            services.join(user=UserFactory(unit=service_unit), session=game, team=team)
        counts.append(
            (
                count_queries(client, url("game-session-list")),
                count_queries(client, url("game-card-list")),
                count_queries(client, url("game-team-list")),
            )
        )
    assert counts[0] == counts[1]
