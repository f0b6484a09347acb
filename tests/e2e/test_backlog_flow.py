"""The backlog in a browser: a coordinator triages Alice's idea and moves it along the
PDCA board (triaged → plan with an owner and a due date → do), on a laptop and a phone."""

import datetime as dt
import re

import pytest
from django.utils import timezone

from cxlean.backlog.models import Item, MudaKind, Status, StatusChange, Waste
from tests.e2e.conftest import log_in, screenshot
from tests.factories import PASSWORD, ItemFactory

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def neighbours(service_unit, service_team, bob):
    """Some more of Kundservice's backlog, so the pages look like real ones."""
    due = timezone.localdate() + dt.timedelta(days=20)
    scores = [(5, 5, 4), (4, 2, 5), (2, 4, 2), (1, 1, 2), (5, 4, 5)]
    for n, (impact, feasibility, value) in enumerate(scores):
        ItemFactory(
            title=f"Förbättring {n + 1}",
            unit=service_team if n % 2 else service_unit,
            waste=Waste.MURA,
            impact=impact,
            feasibility=feasibility,
            customer_value=value,
        )
    stale = ItemFactory(
        title="Chattbot för flyttanmälan",
        unit=service_unit,
        waste=Waste.MURI,
        impact=3,
        feasibility=3,
        customer_value=4,
        owner=bob,
        due_date=due,
    )
    Item.objects.filter(pk=stale.pk).update(status=Status.TRIAGED)
    return stale


def card(page, status: str, item):
    return page.locator(f"section.board__column--{status} #card-{item.pk}")


def current_step(page) -> int:
    """Which of idea, triaged, plan, do, check, act the item page marks as now."""
    return page.evaluate(
        "[...document.querySelectorAll('.pdca-step')]"
        ".findIndex(step => step.getAttribute('aria-current') === 'step')"
    )


def no_sideways_scroll(page, width: int) -> None:
    assert page.evaluate("document.documentElement.scrollWidth") <= width


def test_coordinator_triages_an_idea_and_moves_it_along_the_board(
    page, bob, alice, idea, neighbours
):
    log_in(page, "bob", PASSWORD)

    # Triage from the item page: the move asks for waste and scores first.
    page.goto(f"/improvements/{idea.pk}/")
    assert current_step(page) == 0
    screenshot(page, "backlog-idea-desktop")
    page.locator(f"a[href='/improvements/{idea.pk}/move/?to=triaged']").click()
    page.select_option("select[name=waste]", Waste.MUDA)
    page.select_option("select[name=muda_kind]", MudaKind.WAITING)
    page.select_option("select[name=impact]", "4")
    page.select_option("select[name=feasibility]", "5")
    page.select_option("select[name=customer_value]", "4")
    page.fill("textarea[name=note]", "Tydlig väntan i kön")
    screenshot(page, "backlog-triage-form-desktop")
    page.locator("main form.move-form [type=submit]").click()
    page.wait_for_url(f"**/improvements/{idea.pk}/")
    idea.refresh_from_db()
    assert idea.status == Status.TRIAGED and idea.priority == 86
    assert current_step(page) == 1

    # On the board the idea waits in "triaged"; plan needs an owner and a due date.
    page.goto("/improvements/board/")
    assert card(page, "triaged", idea).is_visible()
    card(page, "triaged", idea).locator("a.bmove--forward").click()
    page.wait_for_url(re.compile(r"/move/\?to=plan"))
    page.select_option("select[name=owner]", str(alice.pk))
    due = timezone.localdate() + dt.timedelta(days=30)
    page.fill("input[name=due_date]", due.isoformat())
    page.locator("main form.move-form [type=submit]").click()
    page.wait_for_url(re.compile(r"/improvements/board/"))
    assert card(page, "plan", idea).is_visible()
    idea.refresh_from_db()
    assert (idea.status, idea.owner, idea.due_date) == (Status.PLAN, alice, due)

    # Plan → do is one button: HTMX swaps the board and the card lands in "do".
    card(page, "plan", idea).locator("button.bmove--forward").click()
    card(page, "do", idea).wait_for()
    assert card(page, "plan", idea).count() == 0
    assert page.locator("#board-status").inner_text().strip()
    idea.refresh_from_db()
    assert idea.status == Status.DO
    assert list(StatusChange.objects.filter(item=idea).values_list("to_status", flat=True)) == [
        Status.TRIAGED,
        Status.PLAN,
        Status.DO,
    ]
    screenshot(page, "backlog-board-desktop")

    # A move refused since the page was loaded is explained in the alert region.
    Item.objects.filter(pk=neighbours.pk).update(owner=None)
    card(page, "triaged", neighbours).locator("button.bmove--forward").click()
    alert = page.locator("#board-alert")
    alert.locator(".board-alert__reasons").wait_for()
    assert "En plan behöver en ansvarig." in alert.inner_text()
    neighbours.refresh_from_db()
    assert neighbours.status == Status.TRIAGED
    screenshot(page, "backlog-board-refused-desktop")

    page.goto("/improvements/")
    screenshot(page, "backlog-list-desktop")
    page.goto("/improvements/chart/")
    assert page.locator("svg.chart__svg a.chart__bubble").count() >= 5
    screenshot(page, "backlog-chart-desktop")

    # On a phone the board scrolls inside itself; the page never scrolls sideways.
    page.set_viewport_size({"width": 375, "height": 800})
    for address, name in [
        ("/improvements/board/", "backlog-board-phone"),
        ("/improvements/", "backlog-list-phone"),
        ("/improvements/chart/", "backlog-chart-phone"),
        (f"/improvements/{idea.pk}/", "backlog-item-phone"),
    ]:
        page.goto(address)
        no_sideways_scroll(page, 375)
        screenshot(page, name)
    page.goto("/improvements/board/")
    assert card(page, "do", idea).count() == 1
