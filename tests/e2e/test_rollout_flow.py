import pytest
from django.core.management import call_command

from cxlean.plans.models import Plan
from tests.e2e.conftest import log_in, screenshot
from tests.factories import PASSWORD

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def guide(transactional_db):
    call_command("load_catalogue", verbosity=0)


def test_coordinator_creates_a_rollout_from_the_guide_and_sees_its_timeline(
    page, guide, bob, service_unit
):
    log_in(page, "bob", PASSWORD)
    page.goto("/plans/new/")
    page.fill("input[name=name]", "Lean CX i Kundservice")
    page.select_option("select[name=unit]", str(service_unit.pk))
    page.fill("input[name=start_date]", "2027-01-11")
    page.fill("input[name=end_date]", "2027-10-29")
    page.fill("input[name=budget]", "450000")
    page.locator("main form [type=submit]").first.click()
    page.wait_for_load_state()

    plan = Plan.objects.get(name="Lean CX i Kundservice")
    assert page.url.endswith(f"/plans/{plan.pk}/")
    assert plan.phases.count() == 7
    timeline = page.locator("svg.timeline")
    assert timeline.is_visible()
    first_activity = plan.activities().order_by("start_date").first()
    assert timeline.locator("title", has_text=first_activity.title).count() >= 1
    screenshot(page, "plan-detail-desktop")

    page.set_viewport_size({"width": 375, "height": 800})
    page.reload()
    width = page.evaluate("document.documentElement.scrollWidth")
    assert width <= 375, "the page itself must not scroll sideways on a phone"
    screenshot(page, "plan-detail-phone")


def test_bad_dates_are_explained_and_nothing_is_created(page, guide, bob, service_unit):
    log_in(page, "bob", PASSWORD)
    page.goto("/plans/new/")
    page.fill("input[name=name]", "Backwards plan")
    page.select_option("select[name=unit]", str(service_unit.pk))
    page.fill("input[name=start_date]", "2027-05-01")
    page.fill("input[name=end_date]", "2027-04-01")
    page.locator("main form [type=submit]").first.click()
    page.wait_for_load_state()
    assert page.locator("[id$=end_date_error], .errorlist").first.is_visible()
    assert not Plan.objects.filter(name="Backwards plan").exists()
