"""The import flow in a browser, on a phone (375 px): a coordinator uploads a text file
named .xlsx and is refused at once; downloads the survey-answers template, fills it with
one good row and one with an NPS answer of 11, and sees the job fail with the error by
row and column and nothing imported; fixes the file and sees the answer imported. (Celery
runs eagerly in the tests, so the job runs when the upload's request commits: the job
page may show it finished at once.)"""

import datetime as dt

import pytest
from openpyxl import load_workbook

from cxlean.imports.models import ImportJob, Status
from cxlean.metrics.catalogue import create_missing_metrics
from cxlean.metrics.models import SurveyAnswer
from tests.e2e.conftest import log_in, new_page, screenshot
from tests.factories import PASSWORD

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]

WIDTH = 375
DAY = dt.date(2024, 5, 2)


@pytest.fixture
def media(settings, tmp_path):
    settings.MEDIA_ROOT = str(tmp_path / "media")


def no_sideways_scroll(page) -> None:
    assert page.evaluate("document.documentElement.scrollWidth") <= WIDTH


def upload(page, path) -> None:
    page.set_input_files("input[name=file]", str(path))
    page.locator("main form.form [type=submit]").click()
    page.wait_for_load_state()


def finished_job(page) -> ImportJob:
    page.wait_for_url("**/imports/*/")
    # Finished at once (eager), or after the page's polling.
    page.locator("#job-status:not([hx-trigger])").wait_for()
    return ImportJob.objects.latest("pk")


def test_a_coordinator_imports_survey_answers_from_the_template_on_a_phone(
    browser, live_server, media, tmp_path, bob, service_unit
):
    create_missing_metrics()
    page = new_page(browser, live_server.url, width=WIDTH, height=800)
    log_in(page, "bob", PASSWORD)
    page.goto("/imports/new/?kind=survey_answers")
    assert page.locator("select[name=kind]").input_value() == "survey_answers"
    no_sideways_scroll(page)
    screenshot(page, "import-new-phone")

    # A text file named .xlsx is refused in the request, in words; nothing is created.
    fake = tmp_path / "answers.xlsx"
    fake.write_text("metric;unit;score\nnps;service;9\n", encoding="utf-8")
    upload(page, fake)
    assert "/imports/new/" in page.url
    refusal = page.locator(".field--error").filter(has_text="Det här är ingen Excel-arbetsbok")
    assert refusal.is_visible()
    assert page.locator("select[name=kind]").input_value() == "survey_answers"
    assert ImportJob.objects.count() == 0 and SurveyAnswer.objects.count() == 0
    no_sideways_scroll(page)
    screenshot(page, "import-refused-phone")

    # The template from the page, filled in: one good row and an NPS answer of 11.
    with page.expect_download() as info:
        page.locator("a[href$='/imports/templates/survey_answers.xlsx']").click()
    download = info.value
    assert download.suggested_filename == "cxlean-import-survey-answers.xlsx"
    path = tmp_path / "answers-filled.xlsx"
    download.save_as(path)
    workbook = load_workbook(path)
    sheet = workbook["data"]
    keys = [cell.value for cell in sheet[1]]
    assert keys == [
        "metric",
        "unit",
        "touchpoint",
        "answered_on",
        "score",
        "comment",
        "respondent",
    ]
    good = {"metric": "nps", "unit": "service", "answered_on": DAY, "score": 9}
    good |= {"comment": "Snabb hjälp", "respondent": "R-1"}
    bad = good | {"score": 11, "comment": "", "respondent": "R-2"}
    for values in (good, bad):
        sheet.append([values.get(key) for key in keys])
    workbook.save(path)

    upload(page, path)
    job = finished_job(page)
    assert job.status == Status.FAILED
    status = page.locator("#job-status")
    assert status.locator(".badge").inner_text() == "Misslyckades"
    assert "Filen har 1 fel. Inget importerades" in status.locator(".message.error").inner_text()
    rows = status.locator("tbody tr")
    assert rows.count() == 1
    assert rows.locator("td[data-label=Rad]").inner_text() == "3"
    assert rows.locator("td[data-label=Kolumn]").inner_text() == "score"
    assert "NPS-svar går från 0 till 10." in rows.inner_text()
    assert SurveyAnswer.objects.count() == 0
    no_sideways_scroll(page)
    screenshot(page, "import-failed-phone")

    # The file fixed (only the good row) and imported again from the job page.
    sheet.delete_rows(3)
    workbook.save(path)
    page.get_by_role("link", name="Importera en fil till").click()
    page.wait_for_url("**/imports/new/?kind=survey_answers")
    upload(page, path)
    job = finished_job(page)
    assert job.status == Status.DONE, job.errors
    status = page.locator("#job-status")
    assert status.locator(".badge").inner_text() == "Klar"
    assert "1 svar importerat" in status.locator(".message.success").inner_text()
    assert "1 rad skrevs" in status.inner_text()
    answer = SurveyAnswer.objects.get()
    assert (answer.unit, answer.metric.kind, answer.score, answer.answered_on) == (
        service_unit,
        "nps",
        9,
        DAY,
    )
    assert (answer.respondent, answer.created_by) == ("R-1", bob)
    no_sideways_scroll(page)
    screenshot(page, "import-done-phone")
    page.context.close()
