"""The export-jobs API: ask (201 queued), follow (progress, download url), one's own
only (404 otherwise), field errors for bad kinds and filters, constant queries."""

import datetime as dt
import io

import pytest
from django.urls import reverse
from django.utils import timezone

from cxlean.exports.models import ExportJob
from tests.api.conftest import api_client
from tests.exports.test_views import done_job, job_for
from tests.factories import PlanFactory
from tests.openapi import generated, openapi_text

pytestmark = pytest.mark.django_db
LIST = "/api/v1/export-jobs/"


def detail(pk: int) -> str:
    return f"{LIST}{pk}/"


def test_anonymous_gets_403(client):
    assert api_client().get(LIST).status_code == 403
    assert api_client().post(LIST, {"kind": "backlog"}, format="json").status_code == 403


def test_asking_answers_201_with_a_queued_job(bob, scored_item, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=False):
        response = api_client(bob).post(
            LIST, {"kind": "backlog", "params": {"status": "open"}}, format="json"
        )
    assert response.status_code == 201, response.json()
    body = response.json()
    assert body["status"] == "queued" and body["progress"] == 0
    assert body["kind"] == "backlog" and body["params"] == {"status": "open"}
    assert body["download_url"] is None
    assert body["requested_by"] == bob.pk
    assert ExportJob.objects.get().pk == body["id"]


def test_following_a_job_until_done_gives_its_download_url(
    bob, scored_item, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):  # eager Celery: it runs at commit
        response = api_client(bob).post(LIST, {"kind": "backlog"}, format="json")
    job_id = response.json()["id"]
    body = api_client(bob).get(detail(job_id)).json()
    assert body["status"] == "done" and body["progress"] == 100 and body["rows"] == 1
    assert body["download_url"].endswith(reverse("exports:download", args=[job_id]))
    download = api_client(bob).get(body["download_url"])
    assert download.status_code == 200
    from openpyxl import load_workbook

    book = load_workbook(io.BytesIO(b"".join(download.streaming_content)))
    assert book.worksheets[0]["C2"].value == "Kortare telefonkö"


@pytest.mark.parametrize(
    ("payload", "field"),
    [
        ({"kind": "pivot"}, "kind"),
        ({}, "kind"),
        ({"kind": "backlog", "params": {"colour": "red"}}, "params"),
        ({"kind": "backlog", "params": {"status": "sideways"}}, "params"),
        ({"kind": "backlog", "params": {"unit": [1, 2]}}, "params"),
        ({"kind": "backlog", "params": "status=open"}, "params"),
        ({"kind": "plan", "params": {}}, "params"),
    ],
)
def test_bad_kinds_and_filters_are_400_with_field_errors(bob, payload, field):
    response = api_client(bob).post(LIST, payload, format="json")
    assert response.status_code == 400
    assert field in response.json()
    assert not ExportJob.objects.exists()


def test_filter_errors_name_the_filter(bob):
    response = api_client(bob).post(
        LIST, {"kind": "backlog", "params": {"status": "sideways"}}, format="json"
    )
    assert list(response.json()["params"]) == ["status"]


def test_a_plan_the_user_cannot_see_is_a_400(carol, service_unit):
    plan = PlanFactory(unit=service_unit)
    response = api_client(carol).post(
        LIST, {"kind": "plan", "params": {"plan": plan.pk}}, format="json"
    )
    assert response.status_code == 400
    assert "plan" in response.json()["params"]


def test_employees_get_403_for_the_matrix_management_201(alice, maria):
    refused = api_client(alice).post(LIST, {"kind": "competence_matrix"}, format="json")
    assert refused.status_code == 403
    response = api_client(maria).post(LIST, {"kind": "competence_matrix"}, format="json")
    assert response.status_code == 201


def test_one_sees_only_ones_own_jobs(bob, carol, root):
    mine = job_for(bob)
    theirs = job_for(carol)
    assert [row["id"] for row in api_client(bob).get(LIST).json()["results"]] == [mine.pk]
    assert api_client(bob).get(detail(theirs.pk)).status_code == 404
    ids = {row["id"] for row in api_client(root).get(LIST).json()["results"]}
    assert ids == {mine.pk, theirs.pk}


def test_jobs_cannot_be_changed_or_deleted(bob):
    job = job_for(bob)
    client = api_client(bob)
    assert client.patch(detail(job.pk), {"status": "done"}, format="json").status_code == 405
    assert client.delete(detail(job.pk)).status_code == 405


def test_list_filters_by_status_and_kind(bob):
    job_for(bob, kind="plan")
    done = done_job(bob)
    rows = api_client(bob).get(LIST, {"status": "done", "kind": "backlog"}).json()["results"]
    assert [row["id"] for row in rows] == [done.pk]


def test_an_expired_job_has_no_download_url(bob):
    job = done_job(bob)
    ExportJob.objects.filter(pk=job.pk).update(expires_at=timezone.now() - dt.timedelta(days=1))
    assert api_client(bob).get(detail(job.pk)).json()["download_url"] is None


def test_the_list_runs_a_constant_number_of_queries(bob, count_queries):
    client = api_client(bob)

    def queries_for(count: int) -> int:
        for _index in range(count - ExportJob.objects.count()):
            done_job(bob)
        return count_queries(client, LIST)

    assert queries_for(2) == queries_for(25)


def test_the_schema_describes_the_endpoint_without_warnings():
    assert not generated().warned
    text = openapi_text()
    assert '"/api/v1/export-jobs/{id}/"' in text
    assert "cxlean-export-kind" not in text  # the enum gets a proper name
    assert "ExportKindEnum" in text or "competence_matrix" in text
