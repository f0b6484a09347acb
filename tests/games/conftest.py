"""A two-team game in Kundservice led by Bob (its coordinator): Alice plays in team 1,
Dave in team 2. The deck has four ordered slots with one 10-point card each."""

import pytest
from django.utils import translation

from cxlean.games import services
from cxlean.org.roles import EMPLOYEE
from tests.api.conftest import api_client as signed_in
from tests.factories import UserFactory, deck_with_cards


@pytest.fixture
def deck(db):
    return deck_with_cards(4)


@pytest.fixture
def dave(service_unit):
    return UserFactory(username="dave", first_name="Dave", role=EMPLOYEE, unit=service_unit)


@pytest.fixture
def game(service_unit, bob, deck):
    return services.create_session(
        unit=service_unit, deck=deck, facilitator=bob, title="Kickoff", team_count=2
    )


@pytest.fixture
def teams(game):
    return list(game.teams.order_by("number"))


@pytest.fixture
def lobby(game, bob):
    return services.open_lobby(game, by=bob)


@pytest.fixture
def playing(lobby, bob, alice, dave, teams):
    """The round runs: Alice in team 1, Dave in team 2."""
    services.join(user=alice, code=lobby.join_code, team=teams[0])
    services.join(user=dave, code=lobby.join_code, team=teams[1])
    return services.start_round(lobby, by=bob)


def slots_and_cards(deck):
    return list(deck.slots.order_by("position")), list(deck.cards.order_by("order"))


@pytest.fixture(autouse=True)
def _english():
    """The games' tests read refusals and names in English (outside requests)."""
    with translation.override("en"):
        yield


def api_client(user=None):
    """A signed-in API client reading English, the language these tests' messages are in."""
    client = signed_in(user)
    client.defaults["HTTP_ACCEPT_LANGUAGE"] = "en"
    return client
