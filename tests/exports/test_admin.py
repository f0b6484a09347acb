"""Export jobs in the admin: read-only; management reads every job, coordinators theirs."""

import pytest
from django.urls import reverse

from tests.exports.test_views import done_job, job_for

pytestmark = pytest.mark.django_db
CHANGELIST = reverse("admin:exports_exportjob_changelist")


def test_management_reads_every_job_and_changes_nothing(as_user, maria, bob, carol):
    mine, theirs = job_for(bob), done_job(carol)
    client = as_user(maria)
    response = client.get(CHANGELIST)
    assert response.status_code == 200
    assert {job.pk for job in response.context["cl"].result_list} == {mine.pk, theirs.pk}
    change = client.get(reverse("admin:exports_exportjob_change", args=[theirs.pk]))
    assert change.status_code == 200
    assert b'name="status"' not in change.content  # read-only
    assert (
        client.post(reverse("admin:exports_exportjob_change", args=[theirs.pk]), {}).status_code
        == 403
    )
    assert client.get(reverse("admin:exports_exportjob_add")).status_code == 403
    delete = reverse("admin:exports_exportjob_delete", args=[theirs.pk])
    assert client.post(delete, {"post": "yes"}).status_code == 403


def test_coordinators_see_their_own_jobs(as_user, bob, carol):
    mine = job_for(bob)
    theirs = job_for(carol)
    response = as_user(bob).get(CHANGELIST)
    assert [job.pk for job in response.context["cl"].result_list] == [mine.pk]
    change = reverse("admin:exports_exportjob_change", args=[theirs.pk])
    assert as_user(bob).get(change).status_code == 302  # "does not exist" -> back to index


def test_employees_have_no_admin(as_user, alice):
    assert as_user(alice).get(CHANGELIST).status_code == 302


def test_the_admin_list_runs_a_constant_number_of_queries(as_user, maria, bob, count_queries):
    client = as_user(maria)

    def queries_for(count: int) -> int:
        from cxlean.exports.models import ExportJob

        for _index in range(count - ExportJob.objects.count()):
            done_job(bob)
        return count_queries(client, CHANGELIST)

    assert queries_for(2) == queries_for(20)
