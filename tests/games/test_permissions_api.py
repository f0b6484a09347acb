"""Who may do what in the game's API, per role: the coordinator (Bob) runs Kundservice's
games; an employee (Alice) plays for her team; management (Maria) reads and changes
nothing; another unit's coordinator (Carol) sees nothing of them; strangers get 403."""

import pytest
from django.urls import reverse

from cxlean.games import services
from tests.api.conftest import api_client
from tests.games.conftest import slots_and_cards

LISTS = [
    "game-deck-list",
    "game-slot-list",
    "game-card-list",
    "game-task-card-list",
    "game-session-list",
    "game-team-list",
    "game-placement-list",
    "game-submission-list",
    "game-presentation-list",
    "game-presentation-score-list",
    "game-result-list",
]


@pytest.fixture
def finished(playing, teams, alice, dave, bob):
    slots, cards = slots_and_cards(playing.deck)
    services.place(team=teams[0], user=alice, card=cards[0], slot=slots[0])
    services.submit(team=teams[0], user=alice)
    services.reveal(playing, by=bob)
    services.start_presentations(playing, by=bob)
    teams[1].refresh_from_db()
    services.score_presentation(presentation=teams[1].presentation, scorer=alice, value=4)
    return services.finish(playing, by=bob)


@pytest.mark.parametrize("name", LISTS)
def test_anonymous_gets_403_everywhere(finished, name):
    assert api_client().get(reverse(name)).status_code == 403


@pytest.mark.parametrize("name", LISTS)
def test_another_units_coordinator_sees_nothing_of_the_game(finished, carol, name):
    response = api_client(carol).get(reverse(name))
    assert response.status_code == 200
    if name in ("game-deck-list", "game-slot-list", "game-card-list", "game-task-card-list"):
        return  # the organisation's decks are everyone's
    assert response.json()["count"] == 0


@pytest.mark.parametrize("who", ["bob", "alice", "maria"])
def test_the_unit_and_management_read_the_session(finished, who, request):
    user = request.getfixturevalue(who)
    client = api_client(user)
    assert client.get(reverse("game-session-detail", args=[finished.pk])).status_code == 200
    assert client.get(reverse("game-session-scoreboard", args=[finished.pk])).status_code == 200
    assert client.get(reverse("game-result-list")).json()["count"] == 2


def test_other_unit_gets_404_on_the_session(finished, carol):
    client = api_client(carol)
    assert client.get(reverse("game-session-detail", args=[finished.pk])).status_code == 404
    assert client.post(reverse("game-session-finish", args=[finished.pk])).status_code == 404


def test_management_writes_nothing(lobby, maria, service_unit, deck):
    client = api_client(maria)
    created = client.post(
        reverse("game-session-list"), {"unit": service_unit.pk, "deck": deck.pk}, format="json"
    )
    assert created.status_code == 403
    assert client.post(reverse("game-session-start-round", args=[lobby.pk])).status_code == 403
    joined = client.post(reverse("game-session-join"), {"code": lobby.join_code}, format="json")
    assert joined.status_code == 403


def test_a_player_does_not_run_the_game(lobby, alice):
    client = api_client(alice)
    assert client.post(reverse("game-session-start-round", args=[lobby.pk])).status_code == 403
    response = client.patch(
        reverse("game-session-detail", args=[lobby.pk]), {"title": "Mine"}, format="json"
    )
    assert response.status_code == 403


def test_an_employee_without_a_trainee_goal_does_not_start_a_session(alice, service_unit, deck):
    response = api_client(alice).post(
        reverse("game-session-list"), {"unit": service_unit.pk, "deck": deck.pk}, format="json"
    )
    assert response.status_code == 403


def test_the_coordinator_runs_the_game(lobby, bob):
    client = api_client(bob)
    response = client.patch(
        reverse("game-session-detail", args=[lobby.pk]), {"title": "Kick-off"}, format="json"
    )
    assert response.status_code == 200
    assert client.post(reverse("game-session-start-round", args=[lobby.pk])).status_code == 200


def test_a_player_does_not_score_their_own_team(finished, alice, teams):
    # (the game has finished: scoring closed; own team is refused first)
    presentation = teams[0].presentation
    response = api_client(alice).post(
        reverse("game-presentation-score", args=[presentation.pk]), {"value": 5}, format="json"
    )
    assert response.status_code == 403


def test_a_played_game_is_not_deleted(finished, bob):
    response = api_client(bob).delete(reverse("game-session-detail", args=[finished.pk]))
    assert response.status_code == 400


def test_a_trainee_learning_to_lead_games_starts_one(alice, service_unit, deck):
    from tests.factories import CompetenceActivityFactory, GoalFactory, TraineePlanFactory

    leading = CompetenceActivityFactory()
    deck.lead_activity = leading
    deck.save()
    GoalFactory(plan=TraineePlanFactory(person=alice), activity=leading)
    response = api_client(alice).post(
        reverse("game-session-list"), {"unit": service_unit.pk, "deck": deck.pk}, format="json"
    )
    assert response.status_code == 201, response.content
    assert response.json()["facilitator"] == alice.pk
    assert response.json()["lead_activity"] == leading.pk


def test_a_coordinator_makes_a_deck_from_his_plan_not_anothers(bob, carol, service_unit):
    from tests.factories import ActivityFactory, PhaseFactory, PlanFactory

    plan = PlanFactory(unit=service_unit, coordinator=bob)
    ActivityFactory(phase=PhaseFactory(plan=plan))
    url = reverse("game-deck-from-plan")
    assert api_client(carol).post(url, {"plan": plan.pk}, format="json").status_code in (403, 404)
    assert api_client(bob).post(url, {"plan": plan.pk}, format="json").status_code == 201
