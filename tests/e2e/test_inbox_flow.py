"""The start page as the demo employee's inbox on a phone (375 px): rows from several
areas, grouped by urgency, and a tap on a row opens the place to act. Screenshots at
1280 and 375 px in Swedish and English go to test-artifacts/."""

import pytest
from django.core.management import call_command
from django.utils import timezone

from cxlean.demo.org import DEMO_PASSWORD, build_demo
from tests.e2e.conftest import log_in, new_page, screenshot

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def demo(settings):
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    call_command("load_catalogue", verbosity=0)  # a transactional test starts empty
    build_demo(today=timezone.localdate())


def test_the_demo_employee_acts_from_the_start_page_on_a_phone(demo, browser, live_server):
    page = new_page(browser, live_server.url, width=375, height=800)
    log_in(page, "employee", DEMO_PASSWORD)
    page.goto("/")
    inbox = page.locator("section.inbox")
    areas = set(inbox.locator(".inbox-row").evaluate_all("rows => rows.map(r => r.dataset.area)"))
    assert {"plans", "checklists", "gemba", "maturity", "competence", "backlog"} <= areas
    assert inbox.locator("#inbox-late").is_visible()
    assert page.evaluate("document.documentElement.scrollWidth") <= 375
    screenshot(page, "inbox-employee-375-sv")
    # The rollout card's figures keep their words whole ("Aktivitete / r" was two lines).
    labels = page.locator(".card .figure__label")
    assert labels.count() >= 3
    for label in labels.all():
        line = float(label.evaluate("element => getComputedStyle(element).lineHeight")[:-2])
        assert label.bounding_box()["height"] <= line + 1, label.inner_text()

    row = inbox.locator(".inbox-row[data-kind=checklist] a").first
    box = row.bounding_box()
    assert box is not None and box["height"] >= 44  # a finger's tap
    row.click()
    page.wait_for_load_state()
    assert "/checklists/" in page.url
    page.go_back()
    inbox.locator(".inbox-row[data-kind=assessment] a").first.click()
    page.wait_for_load_state()
    assert "/maturity/" in page.url
    page.context.close()


def test_screenshots_of_each_role_s_start_page(demo, browser, live_server):
    """One demo for twelve screenshots: employee, coordinator and manager at 1280 and
    375 px, in Swedish and English; none scrolls sideways."""
    for username in ("employee", "coordinator", "manager"):
        for width in (1280, 375):
            page = new_page(browser, live_server.url, width=width)
            log_in(page, username, DEMO_PASSWORD)
            for language in ("sv", "en"):
                page.context.add_cookies(
                    [{"name": "django_language", "value": language, "url": live_server.url}]
                )
                page.goto("/")
                assert page.locator("section.inbox .inbox-row").count() > 0
                assert page.evaluate("document.documentElement.scrollWidth") <= width
                screenshot(page, f"inbox-{username}-{width}-{language}")
            page.context.close()
