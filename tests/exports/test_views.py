"""The exports pages: asking from a feature page, the job page with its progress, the
download (owner only), expiry (410), and "My exports" at a constant number of queries."""

import datetime as dt

import pytest
from django.core.files.base import ContentFile
from django.urls import reverse
from django.utils import timezone

from cxlean.exports.models import ExportJob, JobStatus
from tests.factories import PlanFactory

pytestmark = pytest.mark.django_db


def job_for(user, status=JobStatus.QUEUED, kind="backlog", **fields) -> ExportJob:
    return ExportJob.objects.create(requested_by=user, kind=kind, status=status, **fields)


def done_job(user, **fields) -> ExportJob:
    job = job_for(
        user,
        status=JobStatus.DONE,
        progress=100,
        rows=3,
        finished_at=timezone.now(),
        expires_at=timezone.now() + dt.timedelta(days=7),
        **fields,
    )
    job.file.save("x.xlsx", ContentFile(b"PK-the-file"), save=True)
    return job


def test_strangers_are_sent_to_log_in(client, alice):
    job = job_for(alice)
    for url in (
        reverse("exports:list"),
        reverse("exports:detail", args=[job.pk]),
        reverse("exports:download", args=[job.pk]),
    ):
        response = client.get(url)
        assert response.status_code == 302 and "/accounts/login/" in response["Location"]


def test_asking_from_a_feature_page_redirects_to_the_job_page(as_user, bob, scored_item):
    response = as_user(bob).post(
        reverse("exports:new"),
        {"kind": "backlog", "status": "open", "csrfmiddlewaretoken": "x"},
        language="en",
    )
    job = ExportJob.objects.get()
    assert response.status_code == 302
    assert response["Location"] == reverse("exports:detail", args=[job.pk])
    assert job.requested_by == bob and job.params == {"status": "open"}
    assert job.language == "en"
    # Eager Celery and no surrounding transaction here: the job has run already.
    assert job.status in (JobStatus.QUEUED, JobStatus.DONE)


def test_a_bad_filter_is_a_400_page_and_records_nothing(as_user, bob):
    response = as_user(bob).post(
        reverse("exports:new"), {"kind": "backlog", "status": "sideways"}, language="en"
    )
    assert response.status_code == 400
    assert b"could not be started" in response.content
    assert not ExportJob.objects.exists()
    response = as_user(bob).post(reverse("exports:new"), {"kind": "nonsense"}, language="en")
    assert response.status_code == 400


def test_an_employee_asking_for_the_matrix_is_refused(as_user, alice):
    response = as_user(alice).post(reverse("exports:new"), {"kind": "competence_matrix"})
    assert response.status_code == 403
    assert not ExportJob.objects.exists()


def test_a_plan_the_user_cannot_see_is_refused(as_user, carol, service_unit):
    plan = PlanFactory(unit=service_unit)
    response = as_user(carol).post(reverse("exports:new"), {"kind": "plan", "plan": plan.pk})
    assert response.status_code == 400
    assert not ExportJob.objects.exists()


def test_management_may_export_what_they_read(as_user, maria):
    response = as_user(maria).post(reverse("exports:new"), {"kind": "competence_matrix"})
    assert response.status_code == 302
    assert ExportJob.objects.get().requested_by == maria


def test_getting_the_new_url_is_not_allowed(as_user, bob):
    assert as_user(bob).get(reverse("exports:new")).status_code == 405


def test_a_queued_job_shows_a_progress_bar_that_polls(as_user, bob):
    job = job_for(bob, progress=45)
    response = as_user(bob).get(reverse("exports:detail", args=[job.pk]), language="en")
    html = response.content.decode()
    assert response.status_code == 200
    assert f'<progress id="progress-{job.pk}"' in html
    assert 'value="45"' in html and "45 %" in html
    assert f'hx-get="{reverse("exports:status", args=[job.pk])}?seen=queued:45:0"' in html
    assert 'hx-trigger="every 2s"' in html
    assert "Waiting to start" in html


def test_the_fragment_of_a_done_job_stops_polling_and_offers_the_download(as_user, bob):
    job = done_job(bob)
    response = as_user(bob).get(reverse("exports:status", args=[job.pk]), language="en")
    html = response.content.decode()
    assert "hx-trigger" not in html
    assert reverse("exports:download", args=[job.pk]) in html
    assert "<progress" not in html
    row = as_user(bob).get(reverse("exports:status", args=[job.pk]) + "?as=row").content
    assert row.decode().startswith("<tr") or b"<tr id=" in row


def test_a_poll_that_sees_no_change_gets_a_204(as_user, bob):
    job = job_for(bob, status=JobStatus.RUNNING, progress=45)
    url = reverse("exports:status", args=[job.pk])
    assert as_user(bob).get(url, {"seen": "running:45:0"}).status_code == 204
    moved = as_user(bob).get(url, {"seen": "running:30:0"})
    assert moved.status_code == 200 and b'value="45"' in moved.content
    assert b"export-announcer" not in moved.content  # progress alone is not announced


def test_a_changed_status_is_announced_to_screen_readers(as_user, bob):
    job = done_job(bob)
    url = reverse("exports:status", args=[job.pk])
    html = as_user(bob).get(url, {"seen": "running:80:0"}, language="en").content.decode()
    assert 'id="export-announcer"' in html and 'hx-swap-oob="innerHTML"' in html
    assert "Improvement backlog: Ready to download" in html


def test_a_failed_job_shows_its_message(as_user, bob):
    job = job_for(bob, status=JobStatus.FAILED, error="The filters are no longer valid.")
    html = as_user(bob).get(reverse("exports:detail", args=[job.pk])).content.decode()
    assert "The filters are no longer valid." in html


def test_a_job_waiting_long_says_when_the_broker_is_not_reachable(as_user, bob, monkeypatch):
    monkeypatch.setattr("cxlean.exports.views.broker_status", lambda: "error: OperationalError")
    fresh = job_for(bob)
    html = as_user(bob).get(reverse("exports:detail", args=[fresh.pk]), language="en").content
    assert b"cannot be reached" not in html  # not asked for a job just requested
    waited = job_for(bob, created_at=timezone.now() - dt.timedelta(seconds=30))
    html = as_user(bob).get(reverse("exports:detail", args=[waited.pk]), language="en").content
    assert b"cannot be reached" in html
    html = as_user(bob).get(reverse("exports:list"), language="en").content
    assert b"cannot be reached" in html


def test_the_owner_downloads_the_file(as_user, bob):
    job = done_job(bob)
    response = as_user(bob).get(reverse("exports:download", args=[job.pk]))
    assert response.status_code == 200
    assert b"".join(response.streaming_content) == b"PK-the-file"
    assert response["Content-Type"].startswith("application/vnd.openxmlformats")
    assert "attachment" in response["Content-Disposition"]
    assert "cxlean-backlog-" in response["Content-Disposition"]


def test_someone_elses_job_is_a_404_for_page_status_and_download(as_user, bob, carol, maria):
    job = done_job(bob)
    for user in (carol, maria):
        client = as_user(user)
        for name in ("detail", "status", "download"):
            assert client.get(reverse(f"exports:{name}", args=[job.pk])).status_code == 404


def test_superusers_see_every_job(as_user, bob, root):
    job = done_job(bob)
    assert as_user(root).get(reverse("exports:download", args=[job.pk])).status_code == 200
    assert job.pk in [j.pk for j in as_user(root).get(reverse("exports:list")).context["jobs"]]


def test_an_unfinished_job_has_nothing_to_download(as_user, bob):
    job = job_for(bob, status=JobStatus.RUNNING)
    assert as_user(bob).get(reverse("exports:download", args=[job.pk])).status_code == 404


def test_an_expired_export_is_a_410_with_a_message(as_user, bob):
    expired = job_for(bob, status=JobStatus.EXPIRED)
    response = as_user(bob).get(reverse("exports:download", args=[expired.pk]), language="en")
    assert response.status_code == 410
    assert b"has expired" in response.content
    # Past its date but not swept yet: expired all the same.
    late = done_job(bob)
    ExportJob.objects.filter(pk=late.pk).update(expires_at=timezone.now() - dt.timedelta(hours=1))
    assert as_user(bob).get(reverse("exports:download", args=[late.pk])).status_code == 410


def test_my_exports_lists_mine_newest_first(as_user, bob, carol):
    older = done_job(bob, created_at=timezone.now() - dt.timedelta(days=1))
    newer = job_for(bob)
    job_for(carol)
    response = as_user(bob).get(reverse("exports:list"), language="en")
    assert [job.pk for job in response.context["jobs"]] == [newer.pk, older.pk]
    html = response.content.decode()
    assert "Ready to download" in html and "Waiting to start" in html
    assert (
        f'hx-get="{reverse("exports:status", args=[newer.pk])}?as=row&amp;seen=queued:0:0"' in html
    )


def test_my_exports_runs_a_constant_number_of_queries(as_user, bob, count_queries):
    client = as_user(bob)
    for _index in range(2):
        done_job(bob)
    small = count_queries(client, reverse("exports:list"))
    for _index in range(20):
        done_job(bob)
        job_for(bob, status=JobStatus.FAILED, error="x")
    assert count_queries(client, reverse("exports:list")) == small


# --- the buttons on the feature pages ------------------------------------------------------


def test_the_backlog_button_carries_the_valid_filters_only(as_user, bob, scored_item):
    html = (
        as_user(bob)
        .get(reverse("backlog:list") + "?status=open&waste=bogus&page=1", language="en")
        .content.decode()
    )
    form = html[html.index('class="export-request') : html.index("Export to Excel")]
    assert 'name="kind" value="backlog"' in form
    assert 'name="status" value="open"' in form
    assert "bogus" not in form and 'name="page"' not in form


@pytest.mark.parametrize(
    ("url_name", "kind"),
    [
        ("gemba:list", "gemba_log"),
        ("metrics:overview", "metrics_maturity"),
        ("maturity:list", "metrics_maturity"),
        ("competence:matrix", "competence_matrix"),
    ],
)
def test_feature_pages_offer_the_export(as_user, bob, url_name, kind):
    html = as_user(bob).get(reverse(url_name)).content.decode()
    assert f'name="kind" value="{kind}"' in html


def test_the_plan_page_button_names_the_plan(as_user, bob, service_unit):
    plan = PlanFactory(unit=service_unit, coordinator=bob)
    html = as_user(bob).get(reverse("plans:detail", args=[plan.pk])).content.decode()
    assert 'name="kind" value="plan"' in html
    assert f'name="plan" value="{plan.pk}"' in html
