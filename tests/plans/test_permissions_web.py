"""Who may open and use each plan page.

Alice is an employee owning an activity in Bob's plan; Bob coordinates Customer Service
(the plan's unit); Carol coordinates Sales (a sibling unit: the plan does not exist for
her, 404); Maria is management (reads, never changes: 403); Root is superuser.
"""

import pytest
from django.urls import reverse

from cxlean.plans.models import Activity, Plan

PEOPLE = ["alice", "bob", "carol", "maria", "root"]

READ_PLAN = {"alice": 200, "bob": 200, "carol": 404, "maria": 200, "root": 200}
CHANGE_PLAN = {"alice": 403, "bob": 200, "carol": 404, "maria": 403, "root": 200}
CREATE_PLAN = {"alice": 403, "bob": 200, "carol": 200, "maria": 403, "root": 200}
SET_STATUS_OF_ALICES = {"alice": 302, "bob": 302, "carol": 404, "maria": 403, "root": 302}


@pytest.fixture
def urls(alices_activity, other_activity):
    plan, phase = alices_activity.phase.plan, alices_activity.phase
    return {
        "list": reverse("plans:list"),
        "create": reverse("plans:create"),
        "detail": reverse("plans:detail", args=[plan.pk]),
        "history": reverse("plans:history", args=[plan.pk]),
        "edit": reverse("plans:edit", args=[plan.pk]),
        "delete": reverse("plans:delete", args=[plan.pk]),
        "phase_create": reverse("plans:phase_create", args=[plan.pk]),
        "phase_edit": reverse("plans:phase_edit", args=[phase.pk]),
        "phase_delete": reverse("plans:phase_delete", args=[phase.pk]),
        "activity_create": reverse("plans:activity_create", args=[plan.pk]),
        "activity_edit": reverse("plans:activity_edit", args=[alices_activity.pk]),
        "activity_delete": reverse("plans:activity_delete", args=[alices_activity.pk]),
        "activity_status": reverse("plans:activity_status", args=[alices_activity.pk]),
    }


@pytest.mark.parametrize(
    "page",
    [
        "list",
        "create",
        "detail",
        "history",
        "edit",
        "delete",
        "phase_create",
        "phase_edit",
        "phase_delete",
        "activity_create",
        "activity_edit",
        "activity_delete",
    ],
)
def test_anonymous_visitors_are_sent_to_the_login_page(client, urls, page):
    response = client.get(urls[page])
    assert response.status_code == 302
    assert response.url.startswith(reverse("login"))


def test_anonymous_status_change_is_sent_to_login_and_changes_nothing(
    client, urls, alices_activity
):
    response = client.post(urls["activity_status"], {"status": "done"})
    assert response.status_code == 302 and response.url.startswith(reverse("login"))
    alices_activity.refresh_from_db()
    assert alices_activity.status == Activity.Status.PLANNED


@pytest.mark.parametrize("name", PEOPLE)
@pytest.mark.parametrize("page", ["detail", "history"])
def test_reading_a_plan(request, as_user, urls, name, page):
    user = request.getfixturevalue(name)
    assert as_user(user).get(urls[page]).status_code == READ_PLAN[name]


@pytest.mark.parametrize("name", PEOPLE)
@pytest.mark.parametrize(
    "page",
    [
        "edit",
        "delete",
        "phase_create",
        "phase_edit",
        "phase_delete",
        "activity_create",
        "activity_edit",
        "activity_delete",
    ],
)
def test_changing_a_plan_is_for_its_units_coordinators(request, as_user, urls, name, page):
    user = request.getfixturevalue(name)
    assert as_user(user).get(urls[page]).status_code == CHANGE_PLAN[name]


@pytest.mark.parametrize("name", PEOPLE)
def test_starting_a_plan_is_for_coordinators(request, as_user, urls, name):
    user = request.getfixturevalue(name)
    assert as_user(user).get(urls["create"]).status_code == CREATE_PLAN[name]


@pytest.mark.parametrize("name", PEOPLE)
def test_everyone_signed_in_has_a_plan_list(request, as_user, urls, name):
    user = request.getfixturevalue(name)
    html = as_user(user).get(urls["list"]).content.decode()
    assert ("Lean CX in Customer Service" in html) == (READ_PLAN[name] == 200)


@pytest.mark.parametrize("name", PEOPLE)
def test_setting_the_status_of_alices_activity(request, as_user, urls, alices_activity, name):
    user = request.getfixturevalue(name)
    response = as_user(user).post(urls["activity_status"], {"status": "in_progress"})
    assert response.status_code == SET_STATUS_OF_ALICES[name]
    alices_activity.refresh_from_db()
    changed = SET_STATUS_OF_ALICES[name] == 302
    assert (alices_activity.status == Activity.Status.IN_PROGRESS) == changed


def test_an_employee_cannot_set_the_status_of_someone_elses_activity(
    alice, other_activity, as_user
):
    response = as_user(alice).post(
        reverse("plans:activity_status", args=[other_activity.pk]), {"status": "done"}
    )
    assert response.status_code == 403
    other_activity.refresh_from_db()
    assert other_activity.status == Activity.Status.PLANNED


def test_management_cannot_set_the_status_even_of_an_activity_they_own(
    maria, alices_activity, as_user
):
    Activity.objects.filter(pk=alices_activity.pk).update(owner=maria)
    response = as_user(maria).post(
        reverse("plans:activity_status", args=[alices_activity.pk]), {"status": "done"}
    )
    assert response.status_code == 403
    alices_activity.refresh_from_db()
    assert alices_activity.status == Activity.Status.PLANNED


@pytest.mark.parametrize("name", ["alice", "carol", "maria"])
def test_posting_a_change_without_the_right_changes_nothing(
    request, as_user, urls, name, service_plan
):
    user = request.getfixturevalue(name)
    client = as_user(user)
    client.post(urls["edit"], {"name": "Hijacked"})
    client.post(urls["delete"])
    client.post(urls["activity_edit"], {"title": "Hijacked"})
    assert Plan.objects.filter(pk=service_plan.pk, name="Lean CX in Customer Service").exists()
    assert not Activity.objects.filter(title="Hijacked").exists()


def test_a_coordinator_cannot_see_plans_of_a_sibling_unit(
    carol, bob, as_user, sales_plan, service_plan
):
    html = as_user(carol).get(reverse("plans:list")).content.decode()
    assert "Lean CX in Sales" in html and "Lean CX in Customer Service" not in html
    assert as_user(bob).get(reverse("plans:detail", args=[sales_plan.pk])).status_code == 404


def test_coordinators_get_edit_links_others_read_only(
    alice, bob, maria, as_user, alices_activity, other_activity
):
    url = reverse("plans:detail", args=[alices_activity.phase.plan_id])
    edit_link = reverse("plans:activity_edit", args=[alices_activity.pk])
    add_link = reverse("plans:activity_create", args=[alices_activity.phase.plan_id])
    bobs_page = as_user(bob).get(url).content.decode()
    assert edit_link in bobs_page and add_link in bobs_page
    assert bobs_page.count('name="status"') == 2  # a coordinator sets any status
    for reader in (alice, maria):
        page = as_user(reader).get(url).content.decode()
        assert edit_link not in page and add_link not in page
    assert as_user(alice).get(url).content.decode().count('name="status"') == 1  # her own
    assert 'name="status"' not in as_user(maria).get(url).content.decode()
