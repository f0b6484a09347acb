"""Role checklists in a browser: a coordinator assigns a template to a CX role in a unit;
an employee holding that role finds it on a phone (375 px) under "My checklists" and
ticks the items off, attaching the evidence one item asks for; the progress page shows
it done."""

import datetime as dt

import pytest
from django.utils import timezone

from cxlean.checklists.models import Assignment, Completion
from tests.checklists.factories import TemplateFactory, TemplateItemFactory
from tests.e2e.conftest import log_in, new_page, screenshot
from tests.factories import PASSWORD, CXRoleFactory

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def service_template(alice):
    role = CXRoleFactory(
        slug="customer-service", name_sv="Kundservice och support", name_en="Customer service"
    )
    alice.profile.cx_roles.add(role)
    template = TemplateFactory(
        code="customer-service-rollout",
        role=role,
        title_sv="Kundservice: Lean CX i vardagen",
        title_en="Customer service: Lean CX in everyday work",
    )
    texts = [
        ("Läs CX-strategin och kundlöftet", False),
        ("Logga tre kundåterkopplingar", False),
        ("Bekräfta den nya standarden för ärendehantering", True),
    ]
    for order, (text, needs_evidence) in enumerate(texts, start=1):
        TemplateItemFactory(
            template=template,
            order=order,
            text_sv=text,
            text_en=text,
            help_sv="Fråga din Lean-koordinator om något är oklart." if order == 1 else "",
            needs_evidence=needs_evidence,
        )
    TemplateFactory(role=role, title_sv="En annan checklista")  # something to choose between
    return template


def no_sideways_scroll(page, width: int) -> None:
    assert page.evaluate("document.documentElement.scrollWidth") <= width


def test_coordinator_assigns_to_a_role_and_the_employee_ticks_it_off_on_a_phone(
    browser, live_server, bob, alice, service_unit, service_template, tmp_path, settings
):
    settings.MEDIA_ROOT = tmp_path / "media"
    due = timezone.localdate() + dt.timedelta(days=21)

    # Bob assigns the template to everyone holding its role in Kundservice.
    page = new_page(browser, live_server.url)
    log_in(page, "bob", PASSWORD)
    page.goto(f"/checklists/assign/?template={service_template.pk}")
    assert page.locator("select[name=template]").input_value() == str(service_template.pk)
    page.fill("input[name=due_date]", due.isoformat())
    page.check("input[name=to][value=role]")
    page.select_option("select[name=unit]", str(service_unit.pk))
    screenshot(page, "checklists-assign-desktop")
    page.locator("main form.assign-form [type=submit]").click()
    assignment = Assignment.objects.get()
    page.wait_for_url(f"**/checklists/{assignment.pk}/")
    assert (assignment.role, assignment.unit, assignment.due_date) == (
        service_template.role,
        service_unit,
        due,
    )
    assert page.locator(".progress-table").get_by_text(alice.get_full_name()).is_visible()
    page.context.close()

    # Alice, on her phone, finds it in My checklists and ticks the items off.
    page = new_page(browser, live_server.url, width=375, height=800)
    log_in(page, "alice", PASSWORD)
    page.goto("/checklists/")
    checklist = page.locator(f"#checklist-{assignment.pk}")
    assert checklist.get_by_text("Kundservice: Lean CX i vardagen").is_visible()
    progress = checklist.locator("[role=progressbar]")
    assert progress.get_attribute("aria-valuenow") == "0"
    no_sideways_scroll(page, 375)
    screenshot(page, "checklists-mine-phone")

    items = list(service_template.items.order_by("order"))
    first = page.locator(f"#item-{assignment.pk}-{items[0].pk}")
    box = first.locator("button.tick-button").bounding_box()
    assert box["height"] >= 44 and box["width"] >= 300  # a big target
    first.locator("button.tick-button").click()
    page.locator(f"#item-{assignment.pk}-{items[0].pk} button[aria-pressed=true]").wait_for()
    page.locator(f"#progress-{assignment.pk} [role=progressbar][aria-valuenow='33']").wait_for()
    assert page.locator("#checklist-announcer").inner_text().strip()

    second = page.locator(f"#item-{assignment.pk}-{items[1].pk}")
    second.locator("button.tick-button").click()
    page.locator(f"#item-{assignment.pk}-{items[1].pk} button[aria-pressed=true]").wait_for()

    # The third needs evidence: ticking it without a file is refused, in words.
    third = f"#item-{assignment.pk}-{items[2].pk}"
    page.locator(f"{third} button.tick-button").click()
    page.locator(f"{third} .checklist-item__error").wait_for()
    assert page.locator(f"{third} button.tick-button").get_attribute("aria-pressed") == "false"
    screenshot(page, "checklists-evidence-refused-phone")
    evidence = tmp_path / "standard.pdf"
    evidence.write_bytes(b"%PDF-1.4 signerad standard")
    page.set_input_files(f"{third} input[type=file]", str(evidence))
    page.fill(f"{third} textarea[name=note]", "Signerad på teammötet")
    page.locator(f"{third} button[name=tick]").click()
    page.wait_for_url("**/checklists/*")
    page.locator(f"{third} button[aria-pressed=true]").wait_for()
    assert (
        page.locator(f"#progress-{assignment.pk} [role=progressbar]").get_attribute("aria-valuenow")
        == "100"
    )
    no_sideways_scroll(page, 375)
    screenshot(page, "checklists-mine-done-phone")
    assert sorted(
        Completion.objects.filter(person=alice, done=True).values_list("item__order", flat=True)
    ) == [1, 2, 3]
    page.context.close()

    # Bob's progress page shows Alice done, per unit, role and person.
    page = new_page(browser, live_server.url)
    log_in(page, "bob", PASSWORD)
    page.goto("/checklists/progress/")
    row = page.locator(".progress-table tbody tr").filter(has_text=alice.get_full_name())
    assert row.count() == 1
    assert row.locator(".status-done").is_visible()
    screenshot(page, "checklists-progress-desktop")
    page.set_viewport_size({"width": 375, "height": 800})
    page.goto("/checklists/progress/")
    no_sideways_scroll(page, 375)
    screenshot(page, "checklists-progress-phone")
    page.context.close()
