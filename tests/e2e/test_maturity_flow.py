"""A maturity assessment on a phone (375×800): Alice, an employee and one of the
assessors of Kundservice's assessment, answers the first dimension of the questionnaire
with the keyboard only (arrow keys in each radio group of level descriptors), adds a
comment and saves; Bob, the unit's coordinator, completes the assessment and sees the
radar chart, the scores by dimension and the level."""

import datetime as dt

import pytest
from django.utils import timezone

from cxlean.maturity.catalogue import create_missing_maturity_model
from cxlean.maturity.models import Assessment, AssessmentAnswer, Question, Status
from tests.e2e.conftest import log_in, new_page, screenshot
from tests.factories import PASSWORD

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]

WIDTH = 375


@pytest.fixture
def assessment(service_unit, alice, bob):
    create_missing_maturity_model()
    assessment = Assessment.objects.create(
        unit=service_unit,
        assessed_on=timezone.localdate() - dt.timedelta(days=1),
        title="Skattning med teamen",
        created_by=bob,
    )
    assessment.assessors.set([alice, bob])
    return assessment


def no_sideways_scroll(page) -> None:
    assert page.evaluate("document.documentElement.scrollWidth") <= WIDTH


def test_an_assessor_answers_on_a_phone_and_the_coordinator_completes(
    browser, live_server, alice, bob, assessment
):
    first_dimension = list(
        Question.objects.filter(dimension__code="strategy-leadership").order_by("order")
    )
    page = new_page(browser, live_server.url, width=WIDTH, height=800)
    try:
        log_in(page, "alice", PASSWORD)
        page.goto("/maturity/")
        mine = page.locator(f"#assessment-{assessment.pk} a.maturity-mine")
        assert "0" in mine.inner_text() and "18" in mine.inner_text()
        mine.click()
        page.wait_for_load_state()
        assert page.url.endswith(f"/maturity/{assessment.pk}/answers/")
        no_sideways_scroll(page)

        # Keyboard only: into each question's radio group, arrow down to the level.
        for question, level in zip(first_dimension, [3, 2, 4], strict=True):
            page.locator(f"#id_q{question.pk}_0").focus()
            for _ in range(level):
                page.keyboard.press("ArrowDown")
            assert page.locator(f"#id_q{question.pk}_{level}").is_checked()
        page.locator(f"#id_c{first_dimension[0].pk}").focus()
        page.keyboard.type("Strategin finns men är inte känd i teamen.")
        # The descriptor is the radio's label.
        label = page.locator(f"label[for=id_q{first_dimension[1].pk}_2]")
        assert "Ledningen stöder arbetet i ord" in label.inner_text()
        screenshot(page, "maturity-questionnaire-phone")
        page.locator("button[name=finish]").click()
        page.wait_for_load_state()
        assert page.url.endswith(f"/maturity/{assessment.pk}/")
        saved = AssessmentAnswer.objects.filter(assessment=assessment, assessor=alice)
        assert sorted(saved.values_list("question__code", "score")) == sorted(
            (q.code, level) for q, level in zip(first_dimension, [3, 2, 4], strict=True)
        )
        assert saved.get(question=first_dimension[0]).comment.startswith("Strategin finns")
        no_sideways_scroll(page)
    finally:
        page.context.close()

    page = new_page(browser, live_server.url, width=WIDTH, height=800)
    try:
        log_in(page, "bob", PASSWORD)
        page.goto(f"/maturity/{assessment.pk}/")
        page.locator(f"form[action='/maturity/{assessment.pk}/complete/'] button").click()
        page.wait_for_load_state()
        assessment.refresh_from_db()
        assert assessment.status == Status.COMPLETED
        radar = page.locator("svg.maturity-radar")
        assert radar.is_visible()
        assert radar.locator("polygon.maturity-radar__current").count() == 1
        # (3 + 2 + 4) / 3 = 3.00 in the only answered dimension: level 3, Definierad.
        result = page.locator("#result-heading + .figures").inner_text()
        assert "3,00" in result and "3 Definierad" in result
        table = page.locator("table.maturity-dimensions").inner_text()
        assert "Strategi och ledarskap" in table and "3,00" in table
        no_sideways_scroll(page)
        screenshot(page, "maturity-assessment-phone")
    finally:
        page.context.close()
