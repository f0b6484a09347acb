"""An event notification in a browser: an employee raises a level on her phone, the
coordinator signs it off on the row of his inbox (the start page), and the employee sees
it in the bell and in her inbox at phone width (375 px), and in her list, rendered in
her language."""
# ruff: noqa: F811 - the competence fixtures are imported to be used as fixtures

import pytest
from playwright.sync_api import expect

from cxlean.competence.models import Level, Record
from cxlean.notifications.models import Kind, Notification
from tests.competence.conftest import (  # noqa: F401 (fixtures)
    agent_alice,
    agent_role,
    escalation,
    listen_area,
    listening,
)
from tests.e2e.conftest import log_in, new_page, screenshot
from tests.factories import PASSWORD, ItemFactory

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]

WIDTH = 375


def test_a_signed_off_level_reaches_the_employees_bell_on_a_phone(
    browser, live_server, agent_alice, bob, listening, escalation
):
    page = new_page(browser, live_server.url, width=WIDTH, height=800)
    log_in(page, "alice", PASSWORD)
    page.goto("/competence/")
    row = page.locator(f"#activity-{listening.pk}")
    row.locator("form.raise-form button").click()
    row.locator(".state-waiting").wait_for()
    bell = page.locator("header a.notifications-link")
    assert bell.locator(".notifications-link__count").count() == 0
    page.context.close()

    page = new_page(browser, live_server.url, width=WIDTH, height=800)
    log_in(page, "bob", PASSWORD)
    page.goto("/")
    waiting = page.locator("section.inbox .inbox-row[data-kind=sign_off]").filter(
        has_text=listening.title_sv
    )
    expect(waiting).to_have_count(1)
    expect(waiting).to_contain_text("Alice")
    assert page.evaluate("document.documentElement.scrollWidth") <= WIDTH
    screenshot(page, "inbox-sign-off-phone")
    waiting.locator(".sign-off__form select[name=level]").select_option(str(Level.I))
    waiting.locator(".sign-off__form [type=submit]").click()
    page.wait_for_url(f"{live_server.url}/")
    expect(page.locator(".messages")).to_contain_text("Alice")
    expect(page.locator("section.inbox .inbox-row[data-kind=sign_off]")).to_have_count(0)
    page.context.close()

    record = Record.objects.get(person=agent_alice, activity=listening)
    assert record.level == Level.I
    notification = Notification.objects.get(user=agent_alice)
    assert notification.kind == Kind.LEVEL_SIGNED_OFF
    assert not Notification.objects.filter(user=bob).exists()

    page = new_page(browser, live_server.url, width=WIDTH, height=800)
    log_in(page, "alice", PASSWORD)
    bell = page.locator("header a.notifications-link")
    assert bell.is_visible()
    count = bell.locator(".notifications-link__count")
    assert count.is_visible() and count.inner_text() == "1"  # on a phone: the number alone
    assert bell.get_attribute("aria-label") == "Aviseringar, 1 oläst"
    assert page.evaluate("document.documentElement.scrollWidth") <= WIDTH
    in_inbox = page.locator("section.inbox .inbox-row[data-kind=notification]").filter(
        has_text=listening.title_sv
    )
    expect(in_inbox).to_be_visible()
    expect(in_inbox).to_contain_text("Bob")
    screenshot(page, "notifications-sign-off-bell-phone")

    bell.click()
    page.wait_for_url("**/notifications/")
    item = page.locator(f"#notification-{notification.pk}")
    text = item.inner_text()
    assert listening.title_sv in text  # the Swedish title, for a reader in Swedish
    assert "Bob" in text
    assert page.evaluate("document.documentElement.scrollWidth") <= WIDTH
    screenshot(page, "notifications-sign-off-list-phone")
    page.context.close()


def test_an_employee_mentions_her_coordinator_with_the_autocomplete(
    browser, live_server, alice, bob, service_team
):
    item = ItemFactory(title="Kortare kö", unit=service_team, submitted_by=alice)
    page = new_page(browser, live_server.url, width=WIDTH, height=800)
    log_in(page, "alice", PASSWORD)
    page.goto(f"/improvements/{item.pk}/")
    field = page.locator("form.comment-form textarea[name=text]")
    field.click()
    field.press_sequentially("Kan @bo")
    option = page.locator(".mention-list [role=option]").first
    option.wait_for()
    assert "@bob" in option.inner_text()
    field.press("Enter")
    assert field.input_value() == "Kan @bob "
    field.press_sequentially("titta?")
    assert page.evaluate("document.documentElement.scrollWidth") <= WIDTH
    page.locator("form.comment-form [type=submit]").click()
    page.wait_for_load_state()
    assert Notification.objects.filter(user=bob, kind=Kind.MENTIONED).count() == 1
    assert not Notification.objects.filter(user=alice).exists()
    page.context.close()
