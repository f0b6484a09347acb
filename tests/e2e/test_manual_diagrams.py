"""The manual's data model diagrams in a browser: mermaid draws every one as an SVG picture
under the Content-Security-Policy (no violation, no script error), the Mermaid text stays
as the picture's text equivalent, and the pictures are there in print too."""

import pytest
from playwright.sync_api import expect

from cxlean.help import datamodel
from tests.e2e.conftest import browser_problems, log_in, new_page, screenshot
from tests.e2e.test_accessibility import AXE, AXE_RUN
from tests.factories import PASSWORD

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


def test_every_diagram_is_drawn_as_a_picture_with_its_text(page, alice):
    problems = browser_problems(page)
    log_in(page, "alice", PASSWORD)
    page.goto("/help/architecture/", wait_until="commit")
    drawn = page.locator("figure.diagram--drawn")
    expect(drawn).to_have_count(len(datamodel.AREAS), timeout=30_000)
    pictures = page.locator("figure.diagram .diagram__picture[role=img] svg")
    expect(pictures).to_have_count(len(datamodel.AREAS))
    # Each picture shows its models: the organisation's diagram names Unit.
    org = page.locator("#model-org ~ figure.diagram").first
    expect(org.locator("svg")).to_contain_text("Unit")
    # The text equivalent is there, folded under its summary.
    text = org.locator("details.diagram__text")
    expect(text).not_to_have_attribute("open", "")
    expect(text.locator("code")).to_contain_text("erDiagram")
    # Fitted to the page; "Full size" shows it as drawn (wider than the page, scrolling).
    picture = org.locator(".diagram__picture")
    fitted = org.locator("svg").bounding_box()
    assert fitted and fitted["width"] <= (picture.bounding_box() or {"width": 0})["width"] + 1
    org.scroll_into_view_if_needed()
    screenshot(page, "manual-diagrams")
    zoom = org.locator("button.diagram__zoom")
    zoom.click()
    expect(zoom).to_have_attribute("aria-pressed", "true")
    full = org.locator("svg").bounding_box()
    assert full and full["width"] > fitted["width"]
    zoom.click()
    expect(zoom).to_have_attribute("aria-pressed", "false")
    page.emulate_media(media="print")
    expect(text).to_be_hidden()
    expect(org.locator("svg")).to_be_visible()
    screenshot(page, "manual-diagrams-print")
    assert problems == []


def test_the_printed_manual_draws_the_diagrams_too(browser, live_server, alice):
    page = new_page(browser, live_server.url, 375, 812)
    problems = browser_problems(page)
    log_in(page, "alice", PASSWORD)
    page.goto("/help/print/", wait_until="commit")
    expect(page.locator("figure.diagram--drawn")).to_have_count(
        len(datamodel.AREAS), timeout=30_000
    )
    assert problems == []
    page.context.close()


def test_a_chapter_without_diagrams_loads_no_diagram_script(page, alice):
    log_in(page, "alice", PASSWORD)
    page.goto("/help/employee/")
    expect(page.locator("script[src*='mermaid']")).to_have_count(0)


def test_the_drawn_diagrams_pass_axe_at_phone_width(browser, live_server, alice):
    """axe-core (vendored for tests/e2e/test_accessibility.py) on the chapter once the
    pictures are there, on a phone, where the page itself must not scroll sideways."""
    page = new_page(browser, live_server.url, 375, 812, bypass_csp=True)  # axe is injected
    log_in(page, "alice", PASSWORD)
    page.goto("/help/architecture/", wait_until="commit")
    expect(page.locator("figure.diagram--drawn")).to_have_count(
        len(datamodel.AREAS), timeout=30_000
    )
    screenshot(page, "manual-diagrams-phone")
    page.locator("button.diagram__zoom").first.click()  # one at full size, scrolling
    page.add_script_tag(content=AXE)
    violations = page.evaluate(AXE_RUN)
    assert violations == [], violations
    wide = page.evaluate("""() => [...document.querySelectorAll("main *")]
      .filter(e => e.getBoundingClientRect().right > innerWidth + 1)
      .map(e => e.tagName + "." + e.className + ": " + e.textContent.slice(0, 40))""")
    assert page.evaluate("document.documentElement.scrollWidth") <= 375, wide[:5]
    page.context.close()
