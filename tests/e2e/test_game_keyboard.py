"""The timeline game with the keyboard only, on a phone-sized page: Enter on a card picks
it and the focus goes to the note naming it, so Tab reaches "Place here" (which comes
before the hand); Enter there places the card and the focus goes to the next card in the
hand, and with the hand empty to the submit button."""

import pytest
from playwright.sync_api import expect

from cxlean.games import services
from tests.e2e.conftest import log_in, new_page
from tests.factories import PASSWORD, deck_with_cards

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


def settled(page) -> None:
    expect(page.locator(".htmx-request, .htmx-swapping, .htmx-settling")).to_have_count(0)


def test_a_player_places_every_card_with_the_keyboard(
    browser, live_server, alice, bob, service_unit
):
    deck = deck_with_cards(2)
    slots = list(deck.slots.order_by("position"))
    cards = list(deck.cards.order_by("order"))
    session = services.create_session(
        unit=service_unit, deck=deck, facilitator=bob, title="Tangentbord", team_count=2
    )
    team = session.teams.order_by("number").first()
    session = services.open_lobby(session, by=bob)
    services.join(user=alice, code=session.join_code, team=team)
    services.start_round(session, by=bob)

    page = new_page(browser, live_server.url, width=375, height=740)
    try:
        log_in(page, "alice", PASSWORD)
        page.goto(f"/games/{session.pk}/teams/{team.pk}/")
        for number, (card, slot) in enumerate(zip(cards, slots, strict=True)):
            if number == 0:
                page.locator(f"#pick-{card.pk}").focus()
            expect(page.locator(f"#pick-{card.pk}")).to_be_focused()
            page.keyboard.press("Enter")
            settled(page)
            expect(page.locator("#picked-note")).to_be_focused()
            # Tab from the note: "Put it back", then the timeline's buttons in order.
            place = page.locator(f"#place-{slot.pk}")
            for _press in range(8):
                page.keyboard.press("Tab")
                if place.evaluate("button => button === document.activeElement"):
                    break
            expect(page.locator(f"#place-{slot.pk}")).to_be_focused()
            page.keyboard.press("Enter")
            settled(page)
            expect(
                page.locator(f"#slot-{slot.pk} .game-card[data-card='{card.pk}']")
            ).to_have_count(1)
        expect(page.locator("#submit-timeline")).to_be_focused()
    finally:
        page.goto("about:blank")
        page.wait_for_timeout(300)
        page.context.close()
