"""The timeline game in the admin: every model listed with its history; sessions seen
by their unit's part of the tree and management, changed by whoever runs them."""

import pytest
from django.urls import reverse

from cxlean.games import services
from cxlean.games.models import GameSession
from tests.factories import deck_with_cards
from tests.games.conftest import slots_and_cards

MODELS = [
    "deck",
    "slot",
    "card",
    "taskcard",
    "gamesession",
    "team",
    "teammember",
    "placement",
    "submission",
    "presentation",
    "presentationscore",
]


@pytest.fixture
def played(playing, teams, alice, dave, bob):
    slots, cards = slots_and_cards(playing.deck)
    services.place(team=teams[0], user=alice, card=cards[0], slot=slots[0])
    services.submit(team=teams[0], user=alice)
    services.reveal(playing, by=bob)
    services.start_presentations(playing, by=bob)
    teams[0].refresh_from_db()
    services.score_presentation(presentation=teams[0].presentation, scorer=dave, value=4)
    return playing


def listed(response) -> set[int]:
    assert response.status_code == 200
    return {obj.pk for obj in response.context["cl"].result_list}


@pytest.mark.parametrize("model", MODELS)
def test_every_model_lists_and_keeps_history(as_user, root, played, model):
    client = as_user(root)
    response = client.get(reverse(f"admin:games_{model}_changelist"))
    pks = listed(response)
    assert pks
    pk = sorted(pks)[0]
    assert client.get(reverse(f"admin:games_{model}_change", args=[pk])).status_code == 200
    assert client.get(reverse(f"admin:games_{model}_history", args=[pk])).status_code == 200


def test_sessions_are_seen_by_their_part_of_the_tree_and_management(
    as_user, played, bob, carol, maria
):
    url = reverse("admin:games_gamesession_changelist")
    assert listed(as_user(bob).get(url)) == {played.pk}
    assert listed(as_user(maria).get(url)) == {played.pk}
    assert listed(as_user(carol).get(url)) == set()


def test_management_reads_but_does_not_change_a_session(as_user, played, maria):
    url = reverse("admin:games_gamesession_change", args=[played.pk])
    response = as_user(maria).get(url)
    assert response.status_code == 200
    assert not response.context["has_change_permission"]


def test_the_finish_action_credits_once(as_user, played, bob):
    url = reverse("admin:games_gamesession_changelist")
    as_user(bob).post(url, {"action": "finish_sessions", "_selected_action": [played.pk]})
    assert GameSession.objects.get(pk=played.pk).is_finished


def test_a_coordinator_edits_only_his_units_decks(as_user, bob, carol, service_unit):
    own = deck_with_cards(2, unit=service_unit)
    bob_client, carol_client = as_user(bob), as_user(carol)
    url = reverse("admin:games_deck_change", args=[own.pk])
    assert bob_client.get(url).context["has_change_permission"]
    assert carol_client.get(url).status_code in (302, 404)


def test_organisation_decks_are_changed_by_the_cx_owner(as_user, bob, olivia):
    deck = deck_with_cards(2)
    url = reverse("admin:games_deck_change", args=[deck.pk])
    assert not as_user(bob).get(url).context["has_change_permission"]
    assert as_user(olivia).get(url).context["has_change_permission"]
