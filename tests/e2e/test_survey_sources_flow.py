"""Survey sources on a phone (375 px): Bob, Lean coordinator of Kundservice, connects a
survey tool. A default unit outside the source's unit is refused with the field marked
and nothing saved; then the source is added and its secret shown once; a sample payload
shows one answer mapped and one that cannot be. Every page passes axe-core and fits the
phone and a laptop (the checks of test_accessibility)."""

import json

import pytest
from playwright.sync_api import expect

from cxlean.metrics.catalogue import create_missing_metrics
from cxlean.metrics.models import SurveySource
from tests.e2e.conftest import log_in, new_page, screenshot
from tests.e2e.test_accessibility import check
from tests.factories import PASSWORD

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]

WIDTH = 375
SAMPLE = {
    "data": {
        "responses": [
            {"id": "r-1", "survey": "Recommend", "answer": {"value": 9}, "text": "Snabbt!"},
            {"id": "r-2", "survey": "Recommend"},
        ]
    }
}


def test_a_coordinator_connects_a_survey_tool_on_a_phone(
    browser, live_server, bob, service_unit, service_team, company
):
    create_missing_metrics()
    page = new_page(browser, live_server.url, width=WIDTH, height=800, bypass_csp=True)
    problems: list[str] = []
    try:
        # In English: the Swedish catalogue is compiled when the branch is merged.
        page.context.add_cookies(
            [{"name": "django_language", "value": "en", "url": live_server.url}]
        )
        log_in(page, "bob", PASSWORD)
        page.goto("/metrics/")
        page.get_by_role("link", name="Survey sources").click()
        problems += check(page, "/metrics/sources/")
        page.set_viewport_size({"width": WIDTH, "height": 800})
        page.get_by_role("link", name="Add a survey source").click()
        problems += check(page, page.url)
        page.set_viewport_size({"width": WIDTH, "height": 800})

        form = page.locator("main form.metrics-form")
        form.get_by_label("Name").fill("Enkätverktyget")
        form.get_by_label("Slug").fill("enkat")
        form.locator("select[name=unit]").select_option(str(service_team.pk))
        form.locator("select[name=default_unit]").select_option(str(service_unit.pk))
        form.locator("input[name=answers_path]").fill("data.responses")
        form.locator("input[name=id_path]").fill("id")
        form.locator("input[name=metric_path]").fill("survey")
        form.locator("input[name=score_path]").fill("answer.value")
        form.locator("input[name=comment_path]").fill("text")
        form.locator("textarea[name=value_maps]").fill('{"metric": {"Recommend": "nps"}}')
        form.get_by_role("button", name="Add the source").click()
        expect(page.locator(".form-errors")).to_be_visible()
        expect(page.locator("select[name=default_unit]")).to_have_attribute("aria-invalid", "true")
        assert not SurveySource.objects.exists()

        form.locator("select[name=default_unit]").select_option("")
        form.get_by_role("button", name="Add the source").click()
        source = SurveySource.objects.get(slug="enkat")
        expect(page.locator("#source-secret")).to_have_value(source.secret)
        expect(page.locator("#webhook-address")).to_have_value(source.webhook_url())
        assert page.evaluate("document.documentElement.scrollWidth") <= WIDTH
        screenshot(page, "survey-source-secret-phone")

        page.get_by_role("link", name="Done").click()
        expect(page.locator("main")).not_to_contain_text(source.secret)
        page.get_by_role("link", name="Try a sample payload").click()
        page.locator("textarea[name=payload]").fill(json.dumps(SAMPLE))
        page.get_by_role("button", name="Map the payload").click()
        expect(page.locator("main table")).to_contain_text("r-1")
        expect(page.locator("main .errorlist")).to_contain_text("answer.value")
        problems += check(page, page.url)  # the preview page as GET
        problems += check(page, f"/metrics/sources/{source.pk}/")
        page.set_viewport_size({"width": WIDTH, "height": 800})
        page.goto("/metrics/sources/")
        screenshot(page, "survey-sources-phone")
        assert not source.unit.survey_answers.exists()
        assert not problems, "\n".join(problems)
    finally:
        page.context.close()
