"""The import pages: who may use them, the upload flow with progress and results, the
templates (downloaded, filled in, imported), the admin, and constant query counts."""

import io

import pytest
from django.contrib.auth.models import User
from django.urls import reverse
from openpyxl import load_workbook

from cxlean.imports.models import ImportJob, Kind, Status
from tests.factories import CXRoleFactory
from tests.imports.conftest import PEOPLE, rows_of, upload

pytestmark = pytest.mark.django_db


def url(name: str, *args) -> str:
    return reverse(f"imports:{name}", args=args)


def make_jobs(user, count: int) -> None:
    ImportJob.objects.bulk_create(
        ImportJob(requested_by=user, kind=Kind.PEOPLE, original_name=f"f{n}.xlsx")
        for n in range(count)
    )


# --- access ------------------------------------------------------------------------------


def test_anonymous_people_are_sent_to_log_in(client):
    for target in (url("list"), url("new"), url("detail", 1), url("template", "people")):
        response = client.get(target)
        assert response.status_code == 302 and "/accounts/login/" in response["Location"]


@pytest.mark.parametrize("who", ["alice", "maria"])
def test_employees_and_management_may_not_import(request, as_user, bob, who):
    job = ImportJob.objects.create(requested_by=bob, kind=Kind.PEOPLE, original_name="a.xlsx")
    client = as_user(request.getfixturevalue(who))
    for target in (url("list"), url("new"), url("detail", job.pk), url("template", "people")):
        assert client.get(target).status_code == 403
    assert client.post(url("new"), {"kind": PEOPLE}).status_code == 403


def test_someone_elses_job_is_not_found(as_user, bob, carol, root):
    job = ImportJob.objects.create(requested_by=bob, kind=Kind.PEOPLE, original_name="a.xlsx")
    assert as_user(carol).get(url("detail", job.pk)).status_code == 404
    assert as_user(root).get(url("detail", job.pk)).status_code == 200


def test_the_list_shows_only_my_imports(as_user, bob, carol):
    make_jobs(bob, 2)
    make_jobs(carol, 1)
    response = as_user(bob).get(url("list"))
    assert response.status_code == 200
    assert {job.requested_by_id for job in response.context["jobs"]} == {bob.pk}
    assert len(response.context["jobs"]) == 2


def test_the_list_runs_a_constant_number_of_queries(as_user, bob, count_queries):
    client = as_user(bob)
    counts = []
    for size in (2, 30):
        make_jobs(bob, size - ImportJob.objects.count())
        counts.append(count_queries(client, url("list"), language="en"))
    assert counts[0] == counts[1]


# --- the flow ----------------------------------------------------------------------------


def test_a_coordinator_uploads_and_sees_the_result(
    as_user, bob, service_team, django_capture_on_commit_callbacks
):
    client = as_user(bob)
    assert client.get(url("new"), language="en").status_code == 200
    content = rows_of(PEOPLE, {"username": "new.one", "unit": "chat"})
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            url("new"), {"kind": PEOPLE, "file": upload(content, "people.xlsx")}, language="en"
        )
    job = ImportJob.objects.get()
    assert response.status_code == 302 and response["Location"] == url("detail", job.pk)
    assert (job.original_name, job.language, job.status) == ("people.xlsx", "en", Status.DONE)
    page = client.get(url("detail", job.pk), language="en").content.decode()
    assert "1 person created, 0 updated" in page
    assert "hx-trigger" not in page  # finished: no more polling
    assert User.objects.filter(username="new.one").exists()


def test_a_failed_job_shows_its_errors_by_row_and_column(
    as_user, bob, django_capture_on_commit_callbacks
):
    client = as_user(bob)
    content = rows_of(PEOPLE, {"username": "x", "unit": "nowhere"})
    with django_capture_on_commit_callbacks(execute=True):
        client.post(url("new"), {"kind": PEOPLE, "file": upload(content)}, language="en")
    page = client.get(url("detail", ImportJob.objects.get().pk), language="en").content.decode()
    assert "Nothing was imported" in page
    assert "<code>unit</code>" in page
    assert "There is no unit with the code &#x27;nowhere&#x27;." in page


def test_a_running_job_is_polled_with_htmx(as_user, bob):
    job = ImportJob.objects.create(
        requested_by=bob,
        kind=Kind.PEOPLE,
        original_name="a.xlsx",
        status=Status.VALIDATING,
        progress=45,
        rows_total=100,
    )
    client = as_user(bob)
    page = client.get(url("detail", job.pk), language="en").content.decode()
    assert 'hx-trigger="every 2s"' in page
    assert 'aria-valuenow="45"' in page
    partial = client.get(url("detail", job.pk), headers={"HX-Request": "true"}, language="en")
    assert partial.content.decode().lstrip().startswith('<section id="job-status"')
    assert "Checking 100 rows" in partial.content.decode()


def test_a_job_the_broker_did_not_get_says_so(as_user, bob):
    job = ImportJob.objects.create(
        requested_by=bob, kind=Kind.PEOPLE, original_name="a.xlsx", send_failed=True
    )
    page = as_user(bob).get(url("detail", job.pk), language="en").content.decode()
    assert "background worker cannot be reached" in page


def test_a_missing_file_is_a_form_error(as_user, bob):
    response = as_user(bob).post(url("new"), {"kind": PEOPLE}, language="en")
    assert response.status_code == 200 and "file" in response.context["form"].errors
    assert not ImportJob.objects.exists()


# --- templates ---------------------------------------------------------------------------


@pytest.mark.parametrize("kind", Kind.values)
def test_each_template_downloads_with_columns_and_instructions(
    as_user, bob, kind, cx_roles, activity, metrics, phone_queue
):
    response = as_user(bob).get(url("template", kind), language="en")
    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/vnd.openxmlformats")
    workbook = load_workbook(io.BytesIO(response.content))
    data, instructions = workbook.worksheets
    from tests.imports.conftest import columns

    assert [cell.value for cell in data[1]] == columns(kind)
    assert data.max_row == 1
    assert instructions.title == "Instructions"
    text = {str(cell.value) for row in instructions.iter_rows() for cell in row if cell.value}
    assert set(columns(kind)) <= text
    allowed = {
        Kind.PEOPLE: {"service", "customer-service", "coordinator"},
        Kind.COMPETENCE_RECORDS: {"voc-basics", "U / 3"},
        Kind.SURVEY_ANSWERS: {"nps", "service", str(phone_queue.pk)},
    }[kind]
    assert allowed <= text
    assert "sales" not in text  # not one of Bob's units


def test_the_instructions_are_in_the_readers_language(as_user, bob):
    response = as_user(bob).get(url("template", "people"))  # Swedish by default
    workbook = load_workbook(io.BytesIO(response.content))
    assert workbook.worksheets[0].title == "data"
    assert [cell.value for cell in workbook.worksheets[0][1]][0] == "username"


def test_an_unknown_template_is_not_found(as_user, bob):
    assert as_user(bob).get(url("template", "plans")).status_code == 404


def test_a_downloaded_template_filled_in_imports(as_user, bob, service_team, run_import, cx_roles):
    response = as_user(bob).get(url("template", "people"))
    workbook = load_workbook(io.BytesIO(response.content))
    workbook["data"].append(["filled.in", "Fill", "In", "", "chat", "customer-service", "", ""])
    buffer = io.BytesIO()
    workbook.save(buffer)
    job = run_import(bob, PEOPLE, buffer.getvalue())
    assert job.status == Status.DONE, job.errors
    assert User.objects.get(username="filled.in").profile.unit == service_team


# --- admin -------------------------------------------------------------------------------


def test_management_reads_import_jobs_in_the_admin_and_changes_nothing(as_user, maria, bob):
    make_jobs(bob, 3)
    job = ImportJob.objects.first()
    client = as_user(maria)
    assert client.get(reverse("admin:imports_importjob_changelist")).status_code == 200
    assert client.get(reverse("admin:imports_importjob_change", args=[job.pk])).status_code == 200
    assert client.get(reverse("admin:imports_importjob_add")).status_code == 403
    assert client.post(reverse("admin:imports_importjob_delete", args=[job.pk])).status_code == 403


def test_a_coordinator_sees_only_their_jobs_in_the_admin(as_user, bob, carol):
    make_jobs(carol, 1)
    response = as_user(bob).get(reverse("admin:imports_importjob_changelist"))
    assert response.status_code == 200
    assert response.context["cl"].result_count == 0


def test_the_admin_list_runs_a_constant_number_of_queries(as_user, maria, bob, count_queries):
    client = as_user(maria)
    counts = []
    for size in (2, 30):
        make_jobs(bob, size - ImportJob.objects.count())
        counts.append(count_queries(client, reverse("admin:imports_importjob_changelist")))
    assert counts[0] == counts[1]


def test_a_control_character_in_a_role_or_unit_name_does_not_break_the_template(
    as_user, bob, service_unit
):
    """Names come from the database; the file keeps them without the characters XML
    cannot hold (the same cleaner as the exports). (No NUL: PostgreSQL stores none.)"""
    CXRoleFactory(slug="odd", name_sv="Roll\x1b med\x01 styrtecken", name_en="Role\x07 odd")
    service_unit.name = "Kund\x0bservice"
    service_unit.save()
    response = as_user(bob).get(url("template", "people"))
    assert response.status_code == 200
    instructions = load_workbook(io.BytesIO(response.content)).worksheets[1]
    text = {str(cell.value) for row in instructions.iter_rows() for cell in row if cell.value}
    assert {"Roll med styrtecken", "Kundservice"} <= text


def test_a_name_that_looks_like_a_formula_stays_text_in_the_template(as_user, bob):
    CXRoleFactory(slug="formula", name_sv='=HYPERLINK("http://evil")')
    response = as_user(bob).get(url("template", "people"))
    instructions = load_workbook(io.BytesIO(response.content)).worksheets[1]
    cells = [cell for row in instructions.iter_rows() for cell in row if cell.value]
    cell = next(cell for cell in cells if str(cell.value).startswith("=HYPERLINK"))
    assert cell.data_type == "s" and cell.quotePrefix
