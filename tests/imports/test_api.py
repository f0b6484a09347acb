"""The imports API: upload (201 queued / 400 with field errors), my jobs, one job with
its errors, template downloads, permissions and constant query counts."""

import io

import pytest
from django.urls import reverse
from openpyxl import load_workbook

from cxlean.imports.models import ImportJob, Kind, Status
from cxlean.imports.safety import OLE_MAGIC
from tests.imports.conftest import PEOPLE, columns, rows_of, upload
from tests.openapi import openapi_schema

pytestmark = pytest.mark.django_db

JOBS = "/api/v1/import-jobs/"


def template_url(kind: str) -> str:
    return reverse("import-template-detail", args=[kind])


def test_a_coordinator_uploads_and_reads_the_job(
    as_user, bob, service_team, django_capture_on_commit_callbacks
):
    client = as_user(bob)
    content = rows_of(PEOPLE, {"username": "api.person", "unit": "chat"})
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(JOBS, {"kind": PEOPLE, "file": upload(content, "p.xlsx")})
    assert response.status_code == 201, response.content
    body = response.json()
    assert (body["status"], body["kind"], body["original_name"]) == ("queued", PEOPLE, "p.xlsx")
    job = client.get(f"{JOBS}{body['id']}/").json()
    assert (job["status"], job["created_count"], job["errors"]) == ("done", 1, [])


def test_a_failed_job_lists_its_errors(as_user, bob, django_capture_on_commit_callbacks):
    client = as_user(bob)
    content = rows_of(PEOPLE, {"username": "x", "unit": "nowhere"})
    with django_capture_on_commit_callbacks(execute=True):
        job_id = client.post(JOBS, {"kind": PEOPLE, "file": upload(content)}).json()["id"]
    job = client.get(f"{JOBS}{job_id}/", headers={"accept-language": "en"}).json()
    assert job["status"] == "failed" and job["error_count"] == 1
    assert job["errors"][0]["row"] == 2 and job["errors"][0]["column"] == "unit"


@pytest.mark.parametrize(
    ("data", "field"),
    [
        ({"kind": PEOPLE, "file": upload(OLE_MAGIC + b"\0" * 100)}, "file"),
        ({"kind": PEOPLE, "file": upload(b"a,b\n1,2\n")}, "file"),
        ({"kind": "plans", "file": upload(b"PK")}, "kind"),
        ({"kind": PEOPLE}, "file"),
    ],
)
def test_a_bad_upload_is_a_400_with_field_errors_and_no_job(as_user, bob, data, field):
    response = as_user(bob).post(JOBS, data)
    assert response.status_code == 400
    assert field in response.json()
    assert not ImportJob.objects.exists()


@pytest.mark.parametrize("who", ["alice", "maria"])
def test_employees_and_management_get_403(request, as_user, who):
    client = as_user(request.getfixturevalue(who))
    assert client.get(JOBS).status_code == 403
    assert client.post(JOBS, {"kind": PEOPLE, "file": upload(b"x")}).status_code == 403
    assert client.get(template_url("people")).status_code == 403


def test_anonymous_callers_get_403(client):
    assert client.get(JOBS).status_code == 403


def test_someone_elses_job_is_a_404_and_the_list_is_mine(as_user, bob, carol):
    mine = ImportJob.objects.create(requested_by=bob, kind=Kind.PEOPLE, original_name="a.xlsx")
    theirs = ImportJob.objects.create(requested_by=carol, kind=Kind.PEOPLE, original_name="b")
    client = as_user(bob)
    assert client.get(f"{JOBS}{theirs.pk}/").status_code == 404
    assert [job["id"] for job in client.get(JOBS).json()["results"]] == [mine.pk]


def test_the_list_runs_a_constant_number_of_queries(as_user, bob, count_queries):
    client = as_user(bob)
    counts = []
    for size in (2, 30):
        ImportJob.objects.bulk_create(
            ImportJob(requested_by=bob, kind=Kind.PEOPLE, original_name=f"{n}.xlsx")
            for n in range(size - ImportJob.objects.count())
        )
        counts.append(count_queries(client, JOBS, status=None))
        assert count_queries.result.json()["count"] == size
    assert counts[0] == counts[1]


def test_templates_download_over_the_api(as_user, bob):
    response = as_user(bob).get(template_url("survey_answers"))
    assert response.status_code == 200
    data = load_workbook(io.BytesIO(response.content)).worksheets[0]
    assert [cell.value for cell in data[1]] == columns(Kind.SURVEY_ANSWERS)


def test_the_schema_documents_the_import_endpoints():
    schema = openapi_schema()
    assert "/api/v1/import-jobs/" in schema["paths"]
    assert "/api/v1/import-templates/{kind}/" in schema["paths"]
    assert (
        "multipart/form-data"
        in schema["paths"]["/api/v1/import-jobs/"]["post"]["requestBody"]["content"]
    )  # noqa: E501
    assert Status.QUEUED in str(schema["components"])
