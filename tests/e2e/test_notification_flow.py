"""Notifications in a browser, on a phone (375 px): the reminder sweep tells an employee
that her rollout activity is late; she sees the bell with "1" in the header, opens
the notification from her list, lands on the activity in the plan, and back on the list
it is read and the header counts nothing unread. She changes her notification settings
to a daily digest at 7 in English; an hour of 25 is refused and nothing is saved."""
# ruff: noqa: F811 - the notification fixtures are imported to be used as fixtures

import pytest
from playwright.sync_api import expect

from cxlean.core.branding import Branding
from cxlean.notifications.models import Delivery, Kind, Notification, Preference
from cxlean.notifications.sweep import run_sweep
from tests.e2e.conftest import log_in, new_page, screenshot
from tests.factories import PASSWORD
from tests.notifications.conftest import (  # noqa: F401 (fixtures)
    make_activity,
    now,
    plan,
    today,
)
from tests.notifications.factories import NotificationFactory

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]

WIDTH = 375


def no_sideways_scroll(page) -> None:
    assert page.evaluate("document.documentElement.scrollWidth") <= WIDTH


def test_an_employee_opens_a_late_activity_reminder_from_the_bell_on_a_phone(
    browser, live_server, alice, bob, plan, make_activity, now
):
    activity = make_activity(-3, title="Kartlägg kundresan")
    run_sweep(now)
    notification = Notification.objects.get(user=alice)
    assert notification.kind == Kind.ACTIVITY_LATE
    assert notification.url == f"/plans/{plan.pk}/#activity-{activity.pk}"

    page = new_page(browser, live_server.url, width=WIDTH, height=800)
    log_in(page, "alice", PASSWORD)
    bell = page.locator("header a.notifications-link")
    assert bell.is_visible()
    assert bell.get_attribute("aria-label") == "Aviseringar, 1 oläst"
    count = bell.locator(".notifications-link__count")
    assert count.is_visible() and count.inner_text() == "1"  # on a phone the number alone
    no_sideways_scroll(page)
    screenshot(page, "notifications-bell-phone")

    bell.click()
    page.wait_for_url("**/notifications/")
    item = page.locator(f"#notification-{notification.pk}")
    assert item.locator(".badge").inner_text() == "Oläst"
    assert "notification--unread" in item.get_attribute("class")
    assert "i införandeplanen ”Utrullning Kundservice” skulle vara klar" in item.inner_text()
    no_sideways_scroll(page)
    screenshot(page, "notifications-list-phone")

    item.get_by_role("link", name="Försenad: Kartlägg kundresan").click()
    page.wait_for_url(f"**{notification.url}")
    row = page.locator(f"#activity-{activity.pk}")
    assert row.is_visible() and "Kartlägg kundresan" in row.inner_text()
    notification.refresh_from_db()
    assert notification.is_read
    assert page.locator("header a.notifications-link .notifications-link__count").count() == 0
    no_sideways_scroll(page)
    screenshot(page, "notifications-opened-activity-phone")

    page.locator("header a.notifications-link").click()
    page.wait_for_url("**/notifications/")
    item = page.locator(f"#notification-{notification.pk}")
    assert item.locator(".badge").inner_text() == "Läst"
    assert "notification--unread" not in item.get_attribute("class")
    bell = page.locator("header a.notifications-link")
    assert bell.get_attribute("aria-label") == "Aviseringar, inga olästa"
    assert bell.locator(".notifications-link__count").count() == 0
    screenshot(page, "notifications-read-phone")
    page.context.close()


def test_an_employee_chooses_a_daily_digest_in_english_and_an_hour_of_25_is_refused(
    browser, live_server, alice
):
    Preference.objects.create(user=alice, digest_hour=18)
    page = new_page(browser, live_server.url, width=WIDTH, height=800)
    log_in(page, "alice", PASSWORD)
    page.goto("/notifications/")
    page.get_by_role("link", name="Aviseringsinställningar").click()
    page.wait_for_url("**/notifications/preferences/")
    assert page.locator("input[name=digest_hour]").input_value() == "18"
    page.check("input[name=delivery][value=digest]")
    page.fill("input[name=digest_hour]", "7")
    page.check("input[name=language][value=en]")
    no_sideways_scroll(page)
    page.locator("main form.form [type=submit]").click()
    page.wait_for_url("**/notifications/preferences/")
    assert page.locator(".messages").get_by_text("Dina aviseringsinställningar är sparade.").count()
    preference = Preference.objects.get(user=alice)
    assert (preference.delivery, preference.digest_hour, preference.language) == (
        Delivery.DIGEST,
        7,
        "en",
    )
    assert page.locator("input[name=language][value=en]").is_checked()
    screenshot(page, "notifications-preferences-saved-phone")

    # 25 o'clock, past the input's max (set from script, as an old browser would send it).
    page.check("input[name=language][value=sv]")
    page.evaluate("document.querySelector('input[name=digest_hour]').value = '25'")
    page.locator("main form.form [type=submit]").click()
    page.wait_for_load_state()
    assert page.locator(".form-errors").get_by_text("Rätta de markerade fälten.").is_visible()
    field = page.locator(".field--error").filter(has=page.locator("input[name=digest_hour]"))
    assert "mindre än eller lika med 23" in field.inner_text()
    assert page.locator("input[name=digest_hour]").get_attribute("aria-invalid") == "true"
    assert page.locator(".messages").count() == 0
    no_sideways_scroll(page)
    screenshot(page, "notifications-preferences-refused-phone")
    preference.refresh_from_db()
    assert (preference.delivery, preference.digest_hour, preference.language) == (
        Delivery.DIGEST,
        7,
        "en",
    )
    assert Preference.history.filter(user=alice).count() == 2  # created, then saved once
    page.context.close()


@pytest.mark.parametrize("width", [WIDTH, 320])
def test_a_long_organisation_name_keeps_its_words_whole_beside_the_bell_on_a_phone(
    browser, live_server, alice, width
):
    """With "17 unread" beside it, "Nordljus Energi AB" broke into "Nordlj / us / Energ / i
    AB"; on a phone the bell shows the number alone and the name wraps between words (on
    the narrowest, the menu button shows its icon, its word kept for screen readers)."""
    Branding.objects.create(name="Nordljus Energi AB")
    NotificationFactory.create_batch(17, user=alice)
    page = new_page(browser, live_server.url, width=width, height=800)
    log_in(page, "alice", PASSWORD)
    count = page.locator("header a.notifications-link .notifications-link__count")
    assert count.inner_text() == "17"
    name = page.locator("header .brand__name")
    line = float(name.evaluate("element => getComputedStyle(element).lineHeight")[:-2])
    assert name.bounding_box()["height"] <= 2 * line + 1  # two lines at most
    assert page.locator("details.menu > summary").inner_text() == "Meny"
    no_sideways_scroll(page)
    screenshot(page, f"notifications-bell-long-name-phone-{width}")
    page.context.close()


def test_an_employee_turns_on_the_calendar_feed_and_copies_its_address_on_a_phone(
    browser, live_server, alice
):
    page = new_page(browser, live_server.url, width=WIDTH, height=800)
    page.context.grant_permissions(["clipboard-read", "clipboard-write"])
    log_in(page, "alice", PASSWORD)
    page.goto("/notifications/preferences/")
    page.get_by_role("button", name="Slå på kalenderflödet").click()
    page.wait_for_url("**/notifications/preferences/#calendar")
    address = page.locator("#calendar-url").input_value()
    assert address.endswith(".ics")
    copy = page.locator("button[data-copy=calendar-url]")  # "Kopiera" once compiled
    expect(copy).to_be_visible()
    copy.click()
    expect(page.locator("#calendar-url-copied")).to_have_text(copy.get_attribute("data-copied"))
    assert page.evaluate("navigator.clipboard.readText()") == address
    no_sideways_scroll(page)
    screenshot(page, "notifications-calendar-copied-phone")
    page.context.close()
