"""The admin in the organisation's colours on a phone (375×800): Root has set the
branding (Nordljus Energi AB, plum); Maria, a manager, opens the admin's maturity
dashboard and finds it in those colours, with the organisation's name in the header,
nothing wider than the screen, and wide tables she can scroll with the keyboard.
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
