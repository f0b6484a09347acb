"""CX metrics on a phone (375×800): Bob, Lean coordinator of Kundservice, records a
customer's NPS answer for Team Chatt. The first try, an 11, is refused with the scale
and saves nothing; the 9 is recorded and he lands on the NPS trend of the team, whose
chart shows the month's figure (hollow: a small sample), the target line and the
improvement started on the metric, with the same figures in the table below."""

import datetime as dt

import pytest
from django.utils import timezone

from cxlean.backlog.models import Metric as ExpectedMetric
from cxlean.backlog.models import Status, StatusChange
from cxlean.metrics.catalogue import create_missing_metrics
from cxlean.metrics.models import Metric, SurveyAnswer
from tests.e2e.conftest import log_in, new_page, screenshot
from tests.factories import PASSWORD, ItemFactory
from tests.metrics.factories import TargetFactory

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]

WIDTH = 375


@pytest.fixture
def nps(db):
    create_missing_metrics()
    return Metric.objects.get(kind="nps")


@pytest.fixture
def improvement(service_team):
    item = ItemFactory(
        title="Svara i chatten inom en minut", unit=service_team, expected_metric=ExpectedMetric.NPS
    )
    StatusChange.objects.create(
        item=item,
        from_status=Status.PLAN,
        to_status=Status.DO,
        at=timezone.now() - dt.timedelta(days=20),
    )
    return item


def no_sideways_scroll(page) -> None:
    assert page.evaluate("document.documentElement.scrollWidth") <= WIDTH


def test_a_coordinator_records_an_answer_and_reads_the_trend_on_a_phone(
    browser, live_server, bob, nps, company, service_team, improvement
):
    TargetFactory(metric=nps, unit=company, value=30, valid_from=dt.date(2020, 1, 1))
    page = new_page(browser, live_server.url, width=WIDTH, height=800)
    try:
        log_in(page, "bob", PASSWORD)
        page.goto("/metrics/answers/new/?metric=nps")
        no_sideways_scroll(page)
        form = page.locator("main form.metrics-form")
        form.locator("select[name=unit]").select_option(str(service_team.pk))
        form.locator("input[name=score]").fill("11")
        form.locator("textarea[name=comment]").fill("Snabbt och vänligt svar i chatten.")
        form.locator("[type=submit]").click()
        page.wait_for_load_state()

        # Refused with the scale; nothing saved, what he typed is still there.
        errors = page.locator(".field--error .errorlist")
        assert "0" in errors.inner_text() and "10" in errors.inner_text()
        assert page.locator("input[name=score]").input_value() == "11"
        assert SurveyAnswer.objects.count() == 0
        no_sideways_scroll(page)
        screenshot(page, "metrics-answer-refused-phone")

        page.locator("input[name=score]").fill("9")
        page.locator("main form.metrics-form [type=submit]").click()
        page.wait_for_url(f"**/metrics/nps/?unit={service_team.pk}")
        answer = SurveyAnswer.objects.get()
        assert (answer.score, answer.unit, answer.created_by) == (9, service_team, bob)

        # The trend: the month's single answer drawn hollow, the target, the improvement.
        chart = page.locator("svg.metrics-chart__svg")
        assert chart.is_visible()
        assert chart.locator(".metrics-chart__point--small").count() == 1
        assert chart.locator(".metrics-chart__target").count() == 1
        assert page.locator(".messages").inner_text()
        box = chart.bounding_box()
        assert box["width"] <= WIDTH
        first_row = page.locator("main table.metrics-table tbody tr").first
        assert "+100,0" in first_row.inner_text()
        assert "+30,0" in first_row.inner_text()
        no_sideways_scroll(page)
        screenshot(page, "metrics-trend-phone")

        # A tap on the point goes to its month's row of figures.
        chart.locator("a.metrics-chart__link").first.click()
        assert page.evaluate("location.hash") == f"#{first_row.get_attribute('id')}"
        assert first_row.evaluate("row => row.matches(':target')")

        # The improvement on the timeline opens the improvement.
        page.locator(".metrics-markers a", has_text=improvement.title).click()
        page.wait_for_url(f"**/improvements/{improvement.pk}/")
        assert improvement.title in page.locator("h1").inner_text()
    finally:
        page.context.close()
