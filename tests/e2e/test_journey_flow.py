"""The Voice of the Customer and the journey map in a browser: an employee logs feedback
on a phone and turns it into an improvement; the map shows the new open improvement on
the touchpoint, scrolls sideways inside its own box on a phone and never the page."""

import pytest

from cxlean.backlog.models import Item
from cxlean.journeys.models import Feedback
from tests.e2e.conftest import log_in, new_page, screenshot
from tests.factories import PASSWORD, StageFactory, TouchpointFactory

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]

PHONE = 375


def page_width(page) -> int:
    return page.evaluate("document.documentElement.scrollWidth")


def test_employee_logs_feedback_on_a_phone_and_makes_it_an_improvement(
    browser, live_server, alice, journey, phone_queue, web_form, handover
):
    page = new_page(browser, live_server.url, width=PHONE, height=800)
    log_in(page, "alice", PASSWORD)
    page.goto("/voice/new/")
    assert page_width(page) <= PHONE
    page.select_option("#id_source", "complaint")
    page.select_option("#id_channel", "phone")
    page.select_option("#id_touchpoint", str(phone_queue.pk))
    page.fill("#id_what_happened", "Väntade i 40 minuter i telefonkön.")
    page.fill("#id_how_it_felt", "Arg.")
    page.fill("#id_what_to_improve", "Erbjud att bli uppringd.")
    page.check("input[name=sentiment][value='-1']")
    screenshot(page, "voice-new-phone")
    page.locator("main form.feedback-form [type=submit]").click()
    page.wait_for_url("**/voice/*/")
    feedback = Feedback.objects.get()
    assert feedback.touchpoint == phone_queue and feedback.created_by == alice

    page.goto("/voice/")
    assert page_width(page) <= PHONE
    screenshot(page, "voice-list-phone")
    page.locator(f"#feedback-{feedback.pk} form button").click()
    page.wait_for_url("**/improvements/*/")
    item = Item.objects.get()
    assert item.source_feedback == feedback
    assert page.url.endswith(f"/improvements/{item.pk}/")
    page.context.close()


def test_the_journey_map_scrolls_inside_its_box_on_a_phone(
    browser, live_server, bob, journey, phone_queue, web_form, handover, scored_item
):
    for order in range(2, 6):  # a journey wider than a phone
        TouchpointFactory(stage=StageFactory(journey=journey, order=order), emotion=order % 5 - 2)
    page = new_page(browser, live_server.url, width=PHONE, height=800)
    log_in(page, "bob", PASSWORD)
    page.goto(f"/journeys/{journey.pk}/")
    hot = page.locator(f"#touchpoint-{phone_queue.pk}")
    assert "1" in hot.locator(".open-items__count").inner_text()
    assert hot.locator(".heat--hot").count() == 1
    assert page_width(page) <= PHONE
    scroll = page.locator(".journey-map").evaluate("box => box.scrollWidth > box.clientWidth")
    assert scroll
    screenshot(page, "journey-map-phone")
    page.context.close()

    page = new_page(browser, live_server.url)
    log_in(page, "bob", PASSWORD)
    page.goto(f"/journeys/{journey.pk}/")
    # Each curve point sits above its touchpoint's column.
    point = page.locator(".emotion-curve__point circle").first.bounding_box()
    card = page.locator(f"#touchpoint-{phone_queue.pk}").bounding_box()
    assert abs((point["x"] + point["width"] / 2) - (card["x"] + card["width"] / 2)) < 4
    screenshot(page, "journey-map-desktop")
    page.context.close()
