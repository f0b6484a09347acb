"""Moving things by hand in a browser: a coordinator drags a bar on a plan's timeline
(refused when it would break a dependency), moves one with the arrow keys, and drags
cards between the PDCA board's columns (a gate opens its form). Laptop and phone."""

import datetime as dt
import re
from decimal import Decimal

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from cxlean.backlog.models import Item, Status, Waste
from tests.e2e.conftest import log_in, screenshot
from tests.factories import PASSWORD, ActivityFactory, ItemFactory, PhaseFactory, PlanFactory

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


def days(n: int) -> dt.date:
    return timezone.localdate() + dt.timedelta(days=n)


@pytest.fixture
def plan(service_unit, bob, alice):
    plan = PlanFactory(
        name="Lean CX i Kundservice",
        unit=service_unit,
        coordinator=bob,
        start_date=days(-30),
        end_date=days(90),
        budget=Decimal("80000"),
    )
    phase = PhaseFactory(plan=plan, title="Kartlägg kundresan", order=1)
    interviews = ActivityFactory(
        phase=phase, title="Intervjua kunder", owner=alice, start_date=days(-5), due_date=days(5)
    )
    personas = ActivityFactory(
        phase=phase, title="Skriv personas", start_date=days(8), due_date=days(20)
    )
    personas.depends_on.add(interviews)
    ActivityFactory(
        phase=PhaseFactory(plan=plan, title="Förbättra", order=2),
        title="Workshop med teamen",
        start_date=days(25),
        due_date=days(30),
    )
    return plan


def bar(page, activity):
    return page.locator(f"#bar-{activity.pk}")


def drag_bar(page, activity, shift: int) -> None:
    """Press on the bar, move `shift` days sideways in small steps, let go."""
    box = bar(page, activity).locator(".bar").bounding_box()
    day = float(page.locator("svg.timeline").get_attribute("data-day-width"))
    x, y = box["x"] + box["width"] / 2, box["y"] + box["height"] / 2
    page.mouse.move(x, y)
    page.mouse.down()
    page.mouse.move(x + shift * day, y, steps=12)
    page.mouse.up()


def dates_of(activity) -> tuple:
    activity.refresh_from_db()
    return activity.start_date, activity.due_date


def test_coordinator_reschedules_on_the_timeline(page, bob, plan):
    personas = plan.phases.get(order=1).activities.get(title="Skriv personas")
    interviews = plan.phases.get(order=1).activities.get(title="Intervjua kunder")
    log_in(page, "bob", PASSWORD)
    page.goto(f"/plans/{plan.pk}/")
    # Each bar is a link with a name that says what, when and how far along.
    link = bar(page, personas)
    assert link.get_attribute("href") == f"/plans/activities/{personas.pk}/edit/"
    assert link.get_attribute("aria-label").startswith("Skriv personas, ")
    screenshot(page, "plans-timeline-desktop")

    # Dragged three days later: saved, drawn there, and the table row follows.
    drag_bar(page, personas, 3)
    page.locator("#timeline-message .message.success").wait_for()
    assert dates_of(personas) == (days(11), days(23))
    assert bar(page, personas).get_attribute("data-start") == days(11).isoformat()
    row_start = page.locator(f"#activity-{personas.pk} time").first.get_attribute("datetime")
    assert row_start == days(11).isoformat()

    # Dragged to start before its predecessor ends: refused, with the reason, unchanged.
    drag_bar(page, personas, -9)
    alert = page.locator("#timeline-message .message.error")
    alert.wait_for()
    assert "Intervjua kunder" in alert.inner_text()
    assert dates_of(personas) == (days(11), days(23))
    assert bar(page, personas).get_attribute("data-start") == days(11).isoformat()
    screenshot(page, "plans-timeline-refused-desktop")

    # A press without a drag is a click: it opens the activity.
    bar(page, interviews).locator(".activity-label").click()
    page.wait_for_url(re.compile(rf"/plans/activities/{interviews.pk}/edit/"))
    page.go_back()

    # The keyboard: focus a bar, two days later with the arrow key, Enter saves.
    bar(page, personas).focus()
    page.keyboard.press("ArrowRight")
    page.keyboard.press("ArrowRight")
    assert "Skriv personas" in page.locator("#timeline-message").inner_text()
    page.keyboard.press("Enter")
    page.locator("#timeline-message .message.success").wait_for()
    assert dates_of(personas) == (days(13), days(25))
    # Focus is back on the moved bar: Escape drops an unsaved move.
    expect(page.locator(f"#bar-{personas.pk}")).to_be_focused()
    page.keyboard.press("Shift+ArrowLeft")
    page.keyboard.press("Escape")
    page.keyboard.press("Enter")  # nothing pending: Enter follows the link
    page.wait_for_url(re.compile(rf"/plans/activities/{personas.pk}/edit/"))
    assert dates_of(personas) == (days(13), days(25))

    # The form beside the chart, with JavaScript: the answer keeps it open and focused.
    page.goto(f"/plans/{plan.pk}/")
    page.locator("details.reschedule summary").click()
    page.select_option("#reschedule-activity", str(personas.pk))
    page.fill("#reschedule-days", "-1")
    page.locator("#reschedule-form [type=submit]").click()
    page.locator("#timeline-message .message.success").wait_for()
    assert dates_of(personas) == (days(12), days(24))
    # (After htmx settles, a moment after the message shows: expect() waits for it.)
    expect(page.locator("details.reschedule[open]")).to_have_count(1)
    expect(page.locator("#reschedule-days")).to_be_focused()

    # On a phone the chart scrolls inside its box and the form is there to use.
    page.set_viewport_size({"width": 375, "height": 800})
    page.goto(f"/plans/{plan.pk}/")
    assert page.evaluate("document.documentElement.scrollWidth") <= 375
    screenshot(page, "plans-timeline-phone")


def test_the_move_form_works_without_javascript(browser, live_server, bob, plan):
    context = browser.new_context(
        java_script_enabled=False, locale="sv-SE", base_url=live_server.url
    )
    page = context.new_page()
    personas = plan.phases.get(order=1).activities.get(title="Skriv personas")
    log_in(page, "bob", PASSWORD)
    page.goto(f"/plans/{plan.pk}/")
    for shift, outcome, expected in [(-10, "error", (8, 20)), (4, "success", (12, 24))]:
        page.locator("details.reschedule summary").click()
        page.select_option("#reschedule-activity", str(personas.pk))
        page.fill("#reschedule-days", str(shift))
        page.locator("#reschedule-form [type=submit]").click()
        page.wait_for_url(re.compile(rf"/plans/{plan.pk}/"))
        assert page.locator(f".messages .message.{outcome}").count() == 1
        assert dates_of(personas) == tuple(days(n) for n in expected)
    context.close()


@pytest.fixture
def board_items(service_unit, bob):
    def item(title: str, status: str, **fields) -> Item:
        created = ItemFactory(
            title=title,
            unit=service_unit,
            waste=Waste.MURA,
            impact=4,
            feasibility=4,
            customer_value=4,
            **fields,
        )
        Item.objects.filter(pk=created.pk).update(status=status)
        created.refresh_from_db()
        return created

    return {
        "ready": item("Ring tillbaka inom en timme", Status.PLAN, owner=bob, due_date=days(10)),
        "gated": item("Ny kövisning", Status.TRIAGED),
        "idea": item("Chatt på kvällar", Status.IDEA),
    }


def card(page, status: str, item):
    return page.locator(f"section.board__column--{status} #card-{item.pk}")


def drag_card(page, item, status: str, shot: str = "") -> None:
    # The board is replaced after each move: drag only once htmx is done with it.
    expect(page.locator(".htmx-request, .htmx-swapping, .htmx-settling")).to_have_count(0)
    source = page.locator(f"#card-{item.pk} .bcard__meta")
    target = page.locator(f"section.board__column--{status} .board__heading")
    start, end = source.bounding_box(), target.bounding_box()
    page.mouse.move(start["x"] + 10, start["y"] + 5)
    page.mouse.down()
    page.mouse.move(end["x"] + end["width"] / 2, end["y"] + end["height"] + 20, steps=15)
    if shot:  # mid-drag: the card's ghost over the column it would drop on
        assert page.locator(f"section.board__column--{status}.is-drop-target").count() == 1
        screenshot(page, shot)
    page.mouse.up()


def test_coordinator_drags_cards_between_the_pdca_columns(page, bob, board_items):
    ready, gated, idea = board_items["ready"], board_items["gated"], board_items["idea"]
    log_in(page, "bob", PASSWORD)
    page.goto("/improvements/board/")
    screenshot(page, "backlog-board-drag-desktop")

    # Plan → do needs nothing more: the card lands in "do".
    drag_card(page, ready, "do", shot="backlog-board-dragging-desktop")
    card(page, "do", ready).wait_for()
    ready.refresh_from_db()
    assert ready.status == Status.DO

    # Idea → do skips steps: refused, the reason above the board, nothing moved.
    drag_card(page, idea, "do")
    page.locator("#board-alert .board-alert__reasons").wait_for()
    idea.refresh_from_db()
    assert idea.status == Status.IDEA

    # Triaged → plan needs an owner and a due date: the drop opens that form.
    drag_card(page, gated, "plan")
    page.wait_for_url(re.compile(rf"/improvements/{gated.pk}/move/\?to=plan"))
    assert page.locator("select[name=owner]").count() == 1
    gated.refresh_from_db()
    assert gated.status == Status.TRIAGED
    screenshot(page, "backlog-gate-form-desktop")

    # On a phone the grip drags (a touch on the card scrolls the board).
    page.set_viewport_size({"width": 375, "height": 800})
    page.goto("/improvements/board/")
    assert page.evaluate("document.documentElement.scrollWidth") <= 375
    screenshot(page, "backlog-board-drag-phone")


def touch_drag(page, start: tuple[float, float], end: tuple[float, float], steps: int = 12):
    """A finger pressed at `start`, moved to `end` and lifted (Chromium's touch input)."""
    cdp = page.context.new_cdp_session(page)

    def touch(kind: str, x: float, y: float) -> None:
        points = [] if kind == "touchEnd" else [{"x": x, "y": y}]
        cdp.send("Input.dispatchTouchEvent", {"type": kind, "touchPoints": points})

    touch("touchStart", *start)
    for step in range(1, steps + 1):
        touch(
            "touchMove",
            start[0] + (end[0] - start[0]) * step / steps,
            start[1] + (end[1] - start[1]) * step / steps,
        )
    touch("touchEnd", *end)


def middle(box) -> tuple[float, float]:
    return box["x"] + box["width"] / 2, box["y"] + box["height"] / 2


def test_on_a_touch_screen_bars_and_cards_move_with_a_finger(
    browser, live_server, bob, plan, board_items
):
    context = browser.new_context(
        viewport={"width": 375, "height": 800},
        has_touch=True,
        is_mobile=True,
        locale="sv-SE",
        base_url=live_server.url,
    )
    page = context.new_page()
    page.set_default_timeout(10_000)
    log_in(page, "bob", PASSWORD)

    # The timeline: a finger on a bar drags it two days later.
    workshop = plan.phases.get(order=2).activities.get()
    page.goto(f"/plans/{plan.pk}/")
    target = bar(page, workshop).locator(".bar")
    target.scroll_into_view_if_needed()
    day = float(page.locator("svg.timeline").get_attribute("data-day-width"))
    x, y = middle(target.bounding_box())
    touch_drag(page, (x, y), (x + 2 * day, y))
    page.locator("#timeline-message .message.success").wait_for()
    assert dates_of(workshop) == (days(27), days(32))

    # The board: the card's grip carries it to the next column.
    ready = board_items["ready"]
    page.goto("/improvements/board/")
    grip = page.locator(f"#card-{ready.pk} .bcard__grip")
    # The grip in the middle of the screen: the next column shows beside it.
    grip.evaluate("grip => grip.scrollIntoView({block: 'center', inline: 'center'})")
    page.wait_for_timeout(300)
    heading = page.locator("section.board__column--do .board__heading").bounding_box()
    board = page.locator("#board").bounding_box()
    end = (min(heading["x"] + 10, board["x"] + board["width"] - 4), heading["y"] + 80)
    touch_drag(page, middle(grip.bounding_box()), end)
    card(page, "do", ready).wait_for()
    ready.refresh_from_db()
    assert ready.status == Status.DO
    context.close()
