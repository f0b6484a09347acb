"""Management's maturity review on a phone (375×800): Maria, a manager, logs in to the
admin, finds the maturity dashboard as its first page (what moved, what is off target,
each unit's level), drills into Kundservice, sees its level, its assessments over time
and its evidence, and follows the Gemba indicator through to the walk list of the unit.
Then the same dashboard in the organisation's colours, once Root has set the branding.
The data is built by tests/insights/conftest.py (`review` and `evidence_data`)."""

import re

import pytest

from cxlean.core.branding import Branding
from tests.e2e.conftest import new_page, screenshot
from tests.factories import PASSWORD
from tests.insights.conftest import (  # noqa: F401 - fixtures shared with tests/insights
    backlog,
    evidence_data,
    green_cards,
    maturity_model,
    nps,
    review,
    rollout,
    walks,
)

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]

WIDTH = 375
PLUM = "#5b2a6e"


@pytest.fixture
def data(review, evidence_data):  # noqa: F811
    """Assessments and metrics (relative to today) and the evidence of 2026."""


def no_sideways_scroll(page) -> None:
    """Wide tables scroll inside their own box; the page itself never does."""
    assert page.evaluate("document.documentElement.scrollWidth") <= WIDTH


def test_a_manager_reviews_maturity_and_drills_into_a_unit(
    browser, live_server, data, maria, service_unit
):
    page = new_page(browser, live_server.url, width=WIDTH, height=800)
    try:
        page.goto("/admin/")
        page.fill("input[name=username]", "maria")
        page.fill("input[name=password]", PASSWORD)
        page.locator("#login-form [type=submit]").click()
        page.wait_for_url(re.compile(r"/admin/$"))

        # The first page leads with the answer: what moved and what is off target.
        moved = page.locator("#glance-title + .glance > div").nth(0)
        assert "Kundservice" in moved.inner_text()
        assert "Styrd" in moved.inner_text()  # level 4, by its Swedish name
        off_target = page.locator("#glance-title + .glance > div").nth(1)
        assert "Försäljning" in off_target.inner_text()
        assert page.locator("form:not(#logout-form)").count() == 0
        no_sideways_scroll(page)
        screenshot(page, "management-dashboard-phone")

        # Into the unit: its assessments over time, as a chart and a table.
        moved.get_by_role("link", name="Kundservice").click()
        page.wait_for_url(re.compile(rf"/admin/insights/unit/{service_unit.pk}/$"))
        assert page.locator("svg.spark").count() >= 3  # overall and two dimensions
        history = page.locator("#history-title ~ .wrap table")
        assert "3,50" in history.inner_text() and "2,00" in history.inner_text()
        evidence = page.locator("dl.evidence")
        assert evidence.locator("[data-indicator]").count() == 6
        no_sideways_scroll(page)
        screenshot(page, "management-unit-phone")

        # The Gemba indicator opens the unit's walks in the admin.
        evidence.locator("[data-indicator=gemba_cadence] a").click()
        page.wait_for_url(re.compile(r"/admin/gemba/walk/\?"))
        assert f"in_unit={service_unit.pk}" in page.url
        assert page.locator("#result_list tbody tr").count() == 3  # Team Chatt's, not cancelled
    finally:
        page.context.close()


def test_a_manager_finds_the_admin_dashboard_themed_on_a_phone(browser, live_server, data, maria):
    Branding(name="Nordljus Energi AB", colour=PLUM).save()
    page = new_page(browser, live_server.url, width=WIDTH, height=800)
    try:
        page.goto("/admin/")
        header = page.locator("#header")
        assert header.evaluate("e => getComputedStyle(e).backgroundColor") == "rgb(91, 42, 110)"
        page.fill("input[name=username]", "maria")
        page.fill("input[name=password]", PASSWORD)
        page.locator("#login-form [type=submit]").click()
        page.wait_for_url(re.compile(r"/admin/$"))

        assert "Nordljus Energi AB" in page.locator("#site-name").inner_text()
        assert header.evaluate("e => getComputedStyle(e).backgroundColor") == "rgb(91, 42, 110)"
        font = page.evaluate("getComputedStyle(document.body).fontFamily")
        assert font.startswith("system-ui")  # the app's fonts
        assert page.evaluate("document.documentElement.scrollWidth") <= WIDTH
        screenshot(page, "admin-theme-dashboard-phone")

        # A wide table scrolls in its own box, by keyboard too.
        box = page.locator("[aria-labelledby=maturity-table-caption]")
        assert box.evaluate("e => e.scrollWidth > e.clientWidth")
        box.focus()
        page.keyboard.press("ArrowRight")
        box.evaluate("e => new Promise(done => e.scrollLeft > 0 ? done() : e.onscroll = done)")
        assert box.evaluate("e => e.scrollLeft") > 0
        assert page.evaluate("document.documentElement.scrollWidth") <= WIDTH
    finally:
        page.context.close()


def test_the_admin_favicon_is_served(browser, live_server):
    page = new_page(browser, live_server.url)
    try:
        assert page.goto("/favicon.ico").status == 200
        page.goto("/admin/login/")
        href = page.locator("link[rel=icon]").get_attribute("href")
        assert href and page.goto(href).status == 200
    finally:
        page.context.close()
