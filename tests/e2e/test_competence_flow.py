"""The competence flow in a browser: an employee raises a level, a coordinator signs it off."""
# ruff: noqa: F811 - the competence fixtures are imported to be used as fixtures

import pytest

from cxlean.competence.models import Level, Record
from tests.competence.conftest import (  # noqa: F401 (fixtures)
    agent_alice,
    agent_role,
    escalation,
    listen_area,
    listening,
)
from tests.e2e.conftest import log_in, new_page, screenshot
from tests.factories import PASSWORD

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


def test_employee_raises_a_level_and_the_coordinator_signs_it_off_in_the_matrix(
    browser, live_server, agent_alice, bob, listening, escalation
):
    page = new_page(browser, live_server.url, width=375, height=800)
    log_in(page, "alice", PASSWORD)
    page.goto("/competence/")
    row = page.locator(f"#activity-{listening.pk}")
    assert row.locator("form.raise-form button").is_visible()
    assert row.locator(".state-waiting").count() == 0
    assert page.evaluate("document.documentElement.scrollWidth") <= 375

    row.locator("form.raise-form button").click()
    # HTMX replaces the row: it now waits for a sign-off of I.
    row.locator(".state-waiting").wait_for()
    screenshot(page, "competence-mine-phone")
    record = Record.objects.get(person=agent_alice, activity=listening)
    assert record.self_level == Level.I
    assert record.level == Level.NOT_STARTED
    page.context.close()

    page = new_page(browser, live_server.url)
    log_in(page, "bob", PASSWORD)
    page.goto("/competence/matrix/")
    cell_id = f"c-{agent_alice.pk}-{listening.pk}"
    page.locator(f"td#{cell_id} a.mc__in").click()
    dialog = page.locator("#matrix-dialog")
    dialog.locator("form.matrix-sign-off").wait_for()
    assert dialog.is_visible()
    screenshot(page, "competence-matrix-dialog")

    # Signing off with no level picked is refused in the dialog and changes nothing.
    dialog.locator("form.matrix-sign-off input[name=level]:checked").evaluate_all(
        "inputs => inputs.forEach(input => { input.checked = false; })"
    )
    dialog.locator("form.matrix-sign-off [type=submit]").click()
    dialog.locator(".errorlist").wait_for()
    record.refresh_from_db()
    assert record.level == Level.NOT_STARTED

    dialog.locator(f"form.matrix-sign-off input[name=level][value='{Level.I}']").check()
    dialog.locator("form.matrix-sign-off [type=submit]").click()
    page.locator("#matrix-dialog[open]").wait_for(state="hidden")
    record.refresh_from_db()
    assert record.level == Level.I
    assert record.signed_off_by == bob
    assert page.locator("#matrix-status").inner_text().strip()
    # The cell now shows the signed-off level to sighted and screen-reader users alike.
    assert page.locator(f"td#{cell_id} .level--{Level.I}").count() >= 1
    screenshot(page, "competence-matrix-signed")
    page.context.close()
