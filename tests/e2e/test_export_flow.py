"""The export flow in a browser: a coordinator asks for the competence matrix in Excel
from the matrix page, follows the job page and downloads the file, which opens in
openpyxl with the matrix in it. (Celery runs eagerly in the tests, so the job is written
when the request commits: the job page may show it done at once.)"""
# ruff: noqa: F811 - the competence fixtures are imported to be used as fixtures

import pytest
from openpyxl import load_workbook

from cxlean.competence.models import Level
from cxlean.exports.models import ExportJob, JobStatus
from tests.competence.conftest import (  # noqa: F401 (fixtures)
    agent_alice,
    agent_role,
    escalation,
    listen_area,
    listening,
)
from tests.e2e.conftest import log_in, new_page, screenshot
from tests.factories import PASSWORD, RecordFactory

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def media(settings, tmp_path):
    settings.MEDIA_ROOT = str(tmp_path / "media")


def test_a_coordinator_exports_the_matrix_and_downloads_it(
    browser, live_server, media, tmp_path, agent_alice, bob, listening, escalation
):
    RecordFactory(person=agent_alice, activity=listening, level=Level.U, self_level=Level.U)
    page = new_page(browser, live_server.url)
    log_in(page, "bob", PASSWORD)
    page.goto("/competence/matrix/")
    screenshot(page, "export-matrix-button")
    page.locator("form.export-request button[type=submit]").click()
    page.wait_for_url("**/exports/*/")
    job = ExportJob.objects.get()
    assert job.requested_by == bob and job.kind == "competence_matrix"

    card = page.locator(f"#job-{job.pk}")
    download_link = card.locator("a[href$='/download/']")
    download_link.wait_for()  # done at once (eager), or after the page's polling
    assert card.locator(".export-state--done").count() == 1
    screenshot(page, "export-done")

    with page.expect_download() as info:
        download_link.click()
    download = info.value
    assert download.suggested_filename.startswith("cxlean-competence-matrix-")
    path = tmp_path / download.suggested_filename
    download.save_as(path)

    sheet = load_workbook(path).worksheets[0]
    assert sheet.freeze_panes == "D3"
    names = [row[0] for row in sheet.iter_rows(min_row=3, values_only=True)]
    assert agent_alice.get_full_name() in names
    row = names.index(agent_alice.get_full_name()) + 3
    assert sheet.cell(row=row, column=4).value == "◕ U"
    page.context.close()


def test_a_queued_job_shows_its_progress_bar_also_on_a_phone(browser, live_server, bob):
    job = ExportJob.objects.create(
        requested_by=bob, kind="backlog", status=JobStatus.QUEUED, progress=0
    )
    running = ExportJob.objects.create(
        requested_by=bob, kind="gemba_log", status=JobStatus.RUNNING, progress=45
    )
    page = new_page(browser, live_server.url, width=375, height=800)
    log_in(page, "bob", PASSWORD)
    page.goto(f"/exports/{job.pk}/")
    bar = page.locator(f"progress#progress-{job.pk}")
    assert bar.count() == 1 and bar.is_visible()
    assert bar.get_attribute("max") == "100"
    assert page.locator(f"#job-{job.pk}").get_attribute("hx-trigger") == "every 2s"

    page.goto("/exports/")
    assert page.locator(f"progress#progress-{running.pk}").get_attribute("value") == "45"
    assert "45 %" in page.locator(f"#job-{running.pk}").inner_text()
    assert page.evaluate("document.documentElement.scrollWidth") <= 375
    screenshot(page, "exports-phone")

    # The running job finishes: the next poll shows the download and polling stops.
    ExportJob.objects.filter(pk=running.pk).update(status=JobStatus.FAILED, error="Stopped.")
    page.locator(f"#job-{running.pk} .export-state--failed").wait_for(timeout=6_000)
    assert page.locator(f"#job-{running.pk}").get_attribute("hx-trigger") is None
    page.context.close()
