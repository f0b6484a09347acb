"""The game's pages pass the same checks as every main page (tests/e2e/test_accessibility.py):
axe-core finds no violation, nothing scrolls sideways on a phone (375 px), no table cell
clips on a laptop. A finished game and a running one, seen by a player and the facilitator."""

import pytest

from cxlean.games import services
from cxlean.games.models import Presentation
from cxlean.org.roles import EMPLOYEE
from tests.e2e.conftest import log_in, new_page
from tests.e2e.test_accessibility import check
from tests.factories import PASSWORD, UserFactory, deck_with_cards

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


def play_a_game(service_unit, bob, alice, dave):
    """A finished game (teams Blå and Röd) and a running one with a card placed."""
    deck = deck_with_cards(4, title_sv="Sju steg", title_en="Seven steps")
    slots, cards = list(deck.slots.order_by("position")), list(deck.cards.order_by("order"))
    finished = services.create_session(
        unit=service_unit,
        deck=deck,
        facilitator=bob,
        title="Förra veckan",
        team_names=["Blå", "Röd"],
    )
    services.open_lobby(finished, by=bob)
    blue, red = finished.teams.order_by("number")
    services.join(user=alice, session=finished, team=blue)
    services.join(user=dave, session=finished, team=red)
    services.start_round(finished, by=bob)
    for card, slot in zip(cards, slots, strict=True):
        services.place(team=blue, user=alice, card=card, slot=slot)
    services.place(team=red, user=dave, card=cards[0], slot=slots[1])
    services.submit(team=blue, user=alice)
    services.reveal(finished, by=bob)
    services.start_presentations(finished, by=bob)
    presentation = Presentation.objects.get(team=blue)
    services.score_presentation(presentation=presentation, scorer=dave, value=4)
    services.write_idea(presentation=presentation, user=alice, idea="Ring upp efter chatten")
    services.finish(finished, by=bob)
    running = services.create_session(unit=service_unit, deck=deck, facilitator=bob, title="Fredag")
    services.open_lobby(running, by=bob)
    team = running.teams.order_by("number").first()
    services.join(user=alice, session=running, team=team)
    services.start_round(running, by=bob)
    services.place(team=team, user=alice, card=cards[1], slot=slots[0])
    return finished, blue, running, team, cards


def test_the_game_pages_are_accessible_and_fit(browser, live_server, bob, alice, service_unit):
    dave = UserFactory(username="dave", first_name="Dave", role=EMPLOYEE, unit=service_unit)
    finished, blue, running, team, cards = play_a_game(service_unit, bob, alice, dave)
    pages = {
        "alice": [
            f"/games/?unit={service_unit.pk}",
            "/games/join/",
            f"/games/join/{running.join_code}/",
            f"/games/{running.pk}/",
            f"/games/{running.pk}/teams/{team.pk}/?pick={cards[2].pk}",
            f"/games/{finished.pk}/teams/{blue.pk}/",
            f"/games/{finished.pk}/presentations/",
            f"/games/{finished.pk}/results/",
        ],
        "bob": [
            "/games/new/",
            f"/games/{running.pk}/control/",
            f"/games/{running.pk}/screen/",
            f"/games/{finished.pk}/screen/",
        ],
    }
    problems = []
    for username, paths in pages.items():
        page = new_page(browser, live_server.url, bypass_csp=True)  # axe is injected
        log_in(page, username, PASSWORD)
        for path in paths:
            problems += check(page, path)
        page.context.close()
    assert not problems, "\n".join(problems)
