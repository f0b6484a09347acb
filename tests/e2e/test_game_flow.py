"""A whole timeline game in a real browser: Bob (coordinator) creates a game and runs it
from his laptop with the big screen open; Alice and Dave join on phones (375 px) with
the code, each in a team, place the cards by tapping (Dave drags one), and submit; after
the reveal the big screen, which refreshes itself, shows their scores. Locators use ids
and addresses, not words, so the test holds in Swedish and English."""

import re

import pytest
from playwright.sync_api import expect

from cxlean.games.models import GameSession, Placement, Submission
from cxlean.org.roles import EMPLOYEE
from tests.e2e.conftest import log_in, new_page, screenshot
from tests.factories import PASSWORD, UserFactory, deck_with_cards

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]

PHONE = {"width": 375, "height": 740}


def settled(page) -> None:
    """htmx is done with the board (the next tap must not hit the old one)."""
    expect(page.locator(".htmx-request, .htmx-swapping, .htmx-settling")).to_have_count(0)


def phone(browser, live_server, user):
    page = new_page(browser, live_server.url, **PHONE)
    log_in(page, user.username, PASSWORD)
    return page


def join(page, code: str, team_pk: int) -> None:
    page.goto("/games/join/")
    page.fill("input[name=code]", code.lower())
    page.locator("main form [type=submit]").click()
    page.locator(f"input[name=team][value='{team_pk}']").check()
    page.locator("main form [type=submit]").click()
    page.wait_for_url(re.compile(rf"/games/\d+/teams/{team_pk}/$"))


def tap_place(page, card, slot) -> None:
    page.locator(f"#pick-{card.pk}").click()
    settled(page)
    expect(page.locator(f"#pick-{card.pk}")).to_have_attribute("aria-pressed", "true")
    page.locator(f"#place-{slot.pk}").click()
    settled(page)
    expect(page.locator(f"#slot-{slot.pk} .game-card[data-card='{card.pk}']")).to_have_count(1)


def drag_place(page, card, slot) -> None:
    grip = page.locator(f".game-card[data-card='{card.pk}'] .game-card__grip")
    grip.scroll_into_view_if_needed()
    page.locator(f"#slot-{slot.pk}").scroll_into_view_if_needed()
    start = grip.bounding_box()
    target = page.locator(f"#slot-{slot.pk}").bounding_box()
    page.mouse.move(start["x"] + start["width"] / 2, start["y"] + start["height"] / 2)
    page.mouse.down()
    page.mouse.move(target["x"] + 40, target["y"] + 20, steps=12)
    page.mouse.up()
    settled(page)
    expect(page.locator(f"#slot-{slot.pk} .game-card[data-card='{card.pk}']")).to_have_count(1)


@pytest.fixture
def opened():
    """The pages a test opens, closed afterwards (the live server answers no page of an
    ended test: tests/e2e/conftest.py)."""
    pages: list = []
    yield pages
    for context in {page.context for page in pages}:
        context.close()


def test_two_phone_players_and_the_big_screen(
    browser, live_server, opened, bob, alice, service_unit
):
    dave = UserFactory(username="dave", first_name="Dave", role=EMPLOYEE, unit=service_unit)
    deck = deck_with_cards(4, title_sv="Sju steg", title_en="Seven steps")
    slots = list(deck.slots.order_by("position"))
    cards = list(deck.cards.order_by("order"))

    # Everyone signs in before any page polls (fewer requests at once on the test server).
    laptop = new_page(browser, live_server.url)
    log_in(laptop, "bob", PASSWORD)
    alice_phone, dave_phone = phone(browser, live_server, alice), phone(browser, live_server, dave)
    opened.extend([laptop, alice_phone, dave_phone])

    # Bob creates the game and opens the lobby.
    laptop.goto(f"/games/new/?unit={service_unit.pk}")
    laptop.select_option("select[name=deck]", str(deck.pk))
    laptop.fill("input[name=title]", "Fredagsspelet")
    laptop.select_option("select[name=team_count]", "2")
    laptop.locator("main form [type=submit]").click()
    laptop.wait_for_url(re.compile(r"/games/\d+/control/$"))
    session = GameSession.objects.get(title="Fredagsspelet")
    team_1, team_2 = session.teams.order_by("number")
    laptop.locator("form[action$='/control/lobby/'] button").click()
    code = laptop.locator(".game-code").inner_text().strip()
    assert code == GameSession.objects.get(pk=session.pk).join_code

    # Alice and Dave join on their phones, one in each team.
    join(alice_phone, code, team_1.pk)
    join(dave_phone, code, team_2.pk)
    expect(laptop.locator("#control-teams")).to_contain_text("Dave", timeout=10_000)

    # The big screen is open on the projector (a second tab of Bob's).
    big_screen = laptop.context.new_page()
    opened.insert(0, big_screen)
    big_screen.goto(f"/games/{session.pk}/screen/")
    expect(big_screen.locator(".game-code")).to_have_text(code)

    laptop.locator("form[action$='/control/start/'] button").click()
    expect(laptop.locator("form[action$='/control/reveal/']")).to_have_count(1)
    laptop.goto(f"/games/{session.pk}/")  # the big screen follows the game meanwhile

    # The phones learn that the round started by their poll; the cards appear.
    expect(alice_phone.locator(f"#pick-{cards[0].pk}")).to_be_visible(timeout=15_000)
    expect(alice_phone.locator(".game-timer[data-remaining]")).to_be_visible()
    screenshot(alice_phone, "game-phone-round")
    for card, slot in zip(cards, slots, strict=True):
        tap_place(alice_phone, card, slot)
    screenshot(alice_phone, "game-phone-placed")
    alice_phone.locator("#submit-timeline").click()
    settled(alice_phone)
    expect(alice_phone.locator(".game-board__submitted")).to_be_visible()

    # Dave: two right, the last two swapped (one dragged); a double tap on submit.
    expect(dave_phone.locator(f"#pick-{cards[0].pk}")).to_be_visible(timeout=15_000)
    tap_place(dave_phone, cards[0], slots[0])
    tap_place(dave_phone, cards[1], slots[1])
    drag_place(dave_phone, cards[2], slots[3])
    tap_place(dave_phone, cards[3], slots[2])
    dave_phone.locator("#submit-timeline").dblclick()
    settled(dave_phone)
    expect(dave_phone.locator(".game-board__submitted")).to_be_visible()
    assert Submission.objects.filter(team__session=session).count() == 2
    assert Placement.objects.filter(team=team_2, card=cards[2], slot=slots[3]).exists()

    # Bob reveals; the big screen shows the scores without a reload.
    laptop.goto(f"/games/{session.pk}/control/")
    laptop.locator("form[action$='/control/reveal/'] button").click()
    row_1 = big_screen.locator("#score-team-1")
    row_2 = big_screen.locator("#score-team-2")
    expect(row_1).to_contain_text("40 / 40", timeout=15_000)
    expect(row_2).to_contain_text("30 / 40")  # 10 + 10, and two cards one slot off: 5 + 5
    expect(big_screen.locator("#misses-heading")).to_be_visible()
    screenshot(big_screen, "game-big-screen-reveal")

    # Alice's phone shows her team's result with the answer.
    expect(alice_phone.locator(".game-card--exact")).to_have_count(4, timeout=15_000)
