"""An event notification in a browser: an employee raises a level on her phone, the
coordinator signs it off in the matrix, and the employee sees it in the bell at phone
width (375 px) and in her list, rendered in her language."""
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

    page = new_page(browser, live_server.url)
    log_in(page, "bob", PASSWORD)
    page.goto("/competence/matrix/")
    page.locator(f"td#c-{agent_alice.pk}-{listening.pk} a.mc__in").click()
    dialog = page.locator("#matrix-dialog")
    dialog.locator("form.matrix-sign-off").wait_for()
    dialog.locator(f"form.matrix-sign-off input[name=level][value='{Level.I}']").check()
    dialog.locator("form.matrix-sign-off [type=submit]").click()
    expect(page.locator("#matrix-dialog")).not_to_be_visible()
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
    assert count.is_visible() and count.inner_text() == "1 oläst"
    assert page.evaluate("document.documentElement.scrollWidth") <= WIDTH
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
