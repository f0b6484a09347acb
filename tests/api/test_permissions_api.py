"""Who may read and change what over the API, role by role.

Alice (employee, Customer Service team), Bob (coordinator of Customer Service),
Carol (coordinator of Sales), Maria (management), Root (superuser). Objects a user
cannot see are a 404; objects they see but may not change are a 403.
"""

import pytest
from django.urls import reverse

from cxlean.plans.models import Activity, Phase, Plan
from tests.factories import CXRoleFactory, GuideActivityFactory, GuideStepFactory

pytestmark = pytest.mark.django_db

LISTS = [
    "unit-list",
    "cx-role-list",
    "person-list",
    "guide-step-list",
    "guide-activity-list",
    "plan-list",
    "phase-list",
    "activity-list",
]
PEOPLE = ["alice", "bob", "carol", "maria", "root"]


def person(request, name):
    return request.getfixturevalue(name)


@pytest.mark.parametrize("route", LISTS)
def test_anonymous_gets_nothing(api, route, alices_activity):
    response = api().get(reverse(route))
    assert response.status_code in (401, 403)


@pytest.mark.parametrize("route", LISTS)
def test_anonymous_cannot_write(api, route):
    response = api().post(reverse(route), {}, format="json")
    assert response.status_code in (401, 403)


@pytest.mark.parametrize("name", PEOPLE)
@pytest.mark.parametrize("route", LISTS)
def test_everyone_signed_in_reads_the_lists(api, request, route, name):
    assert api(person(request, name)).get(reverse(route)).status_code == 200


# Who sees the Customer Service plan (S) and the Sales plan (L), as detail status codes.
VISIBILITY = {
    "alice": (200, 404),
    "bob": (200, 404),
    "carol": (404, 200),
    "maria": (200, 200),
    "root": (200, 200),
}


@pytest.mark.parametrize("name", PEOPLE)
@pytest.mark.parametrize("route", ["plan-detail", "phase-detail", "activity-detail"])
def test_objects_of_plans_you_cannot_see_are_404(
    api, request, route, name, alices_activity, sales_activity
):
    client = api(person(request, name))
    service_object, sales_object = {
        "plan-detail": (alices_activity.phase.plan, sales_activity.phase.plan),
        "phase-detail": (alices_activity.phase, sales_activity.phase),
        "activity-detail": (alices_activity, sales_activity),
    }[route]
    codes = (
        client.get(reverse(route, args=[service_object.pk])).status_code,
        client.get(reverse(route, args=[sales_object.pk])).status_code,
    )
    assert codes == VISIBILITY[name]


def test_lists_hold_only_what_you_may_see(api, alice, carol, alices_activity, sales_activity):
    def names(client, route, field):
        return [row[field] for row in client.get(reverse(route)).json()["results"]]

    assert names(api(alice), "plan-list", "name") == ["Service rollout"]
    assert names(api(carol), "plan-list", "name") == ["Sales rollout"]
    assert names(api(alice), "activity-list", "title") == ["Interview customers"]
    assert names(api(carol), "activity-list", "title") == ["Call lost customers"]
    assert names(api(carol), "phase-list", "plan") == [sales_activity.phase.plan_id]


# PATCH the Customer Service plan / phase / activity title.
CHANGE_SERVICE = {"alice": 403, "bob": 200, "carol": 404, "maria": 403, "root": 200}


@pytest.mark.parametrize("name", PEOPLE)
@pytest.mark.parametrize(
    "route,field",
    [("plan-detail", "name"), ("phase-detail", "title"), ("activity-detail", "title")],
)
def test_only_coordinators_of_the_unit_change_plans_phases_activities(
    api, request, name, route, field, alices_activity
):
    target = {
        "plan-detail": alices_activity.phase.plan,
        "phase-detail": alices_activity.phase,
        "activity-detail": alices_activity,
    }[route]
    response = api(person(request, name)).patch(
        reverse(route, args=[target.pk]), {field: "Renamed"}, format="json"
    )
    assert response.status_code == CHANGE_SERVICE[name]
    target.refresh_from_db()
    assert (getattr(target, field) == "Renamed") == (response.status_code == 200)


# PATCH the Sales plan / phase / activity: unseen is a 404 even for a write.
CHANGE_SALES = {"alice": 404, "bob": 404, "carol": 200, "maria": 403, "root": 200}


@pytest.mark.parametrize("name", PEOPLE)
@pytest.mark.parametrize(
    "route,field",
    [("plan-detail", "name"), ("phase-detail", "title"), ("activity-detail", "title")],
)
def test_writes_to_objects_you_cannot_see_are_404(api, request, name, route, field, sales_activity):
    target = {
        "plan-detail": sales_activity.phase.plan,
        "phase-detail": sales_activity.phase,
        "activity-detail": sales_activity,
    }[route]
    response = api(person(request, name)).patch(
        reverse(route, args=[target.pk]), {field: "Renamed"}, format="json"
    )
    assert response.status_code == CHANGE_SALES[name]


DELETE_SERVICE = {"alice": 403, "carol": 404, "maria": 403, "bob": 204}


@pytest.mark.parametrize("name", DELETE_SERVICE)
def test_only_coordinators_of_the_unit_delete_activities(api, request, name, alices_activity):
    response = api(person(request, name)).delete(
        reverse("activity-detail", args=[alices_activity.pk])
    )
    assert response.status_code == DELETE_SERVICE[name]
    assert Activity.objects.filter(pk=alices_activity.pk).exists() == (name != "bob")


@pytest.mark.parametrize("name", ["alice", "carol", "maria"])
def test_plans_and_phases_are_deleted_only_by_their_coordinators(
    api, request, name, alices_activity
):
    client = api(person(request, name))
    phase, plan = alices_activity.phase, alices_activity.phase.plan
    assert client.delete(reverse("phase-detail", args=[phase.pk])).status_code in (403, 404)
    assert client.delete(reverse("plan-detail", args=[plan.pk])).status_code in (403, 404)
    assert Phase.objects.filter(pk=phase.pk).exists()
    assert Plan.objects.filter(pk=plan.pk).exists()


def test_owner_may_patch_the_status_of_their_own_activity(api, alice, alices_activity):
    response = api(alice).patch(
        reverse("activity-detail", args=[alices_activity.pk]), {"status": "done"}, format="json"
    )
    assert response.status_code == 200
    assert response.json()["status"] == "done"
    alices_activity.refresh_from_db()
    assert alices_activity.status == Activity.Status.DONE


def test_owner_may_not_patch_other_fields_and_is_told_why(api, alice, alices_activity):
    response = api(alice).patch(
        reverse("activity-detail", args=[alices_activity.pk]),
        {"status": "done", "planned_cost": "1"},
        format="json",
    )
    assert response.status_code == 403
    assert "status" in response.json()["detail"]
    alices_activity.refresh_from_db()
    assert alices_activity.status == Activity.Status.PLANNED


def test_owner_may_not_put_or_delete(api, alice, alices_activity):
    url = reverse("activity-detail", args=[alices_activity.pk])
    assert api(alice).put(url, {"status": "done"}, format="json").status_code == 403
    assert api(alice).delete(url).status_code == 403


def test_employee_cannot_change_status_of_someone_elses_activity(
    api, alice, alices_activity, service_phase
):
    from tests.factories import ActivityFactory

    other = ActivityFactory(phase=service_phase)  # visible to Alice, owned by nobody
    response = api(alice).patch(
        reverse("activity-detail", args=[other.pk]), {"status": "done"}, format="json"
    )
    assert response.status_code == 403


def test_bad_status_from_the_owner_is_a_400(api, alice, alices_activity):
    response = api(alice).patch(
        reverse("activity-detail", args=[alices_activity.pk]), {"status": "finished"}, format="json"
    )
    assert response.status_code == 400
    assert "status" in response.json()


def test_management_cannot_change_status_even_of_an_activity_they_own(api, maria, alices_activity):
    Activity.objects.filter(pk=alices_activity.pk).update(owner=maria)
    response = api(maria).patch(
        reverse("activity-detail", args=[alices_activity.pk]), {"status": "done"}, format="json"
    )
    assert response.status_code == 403


# The CX owner (Olivia) and superusers change the catalogues; coordinators propose.
CATALOGUE_WRITE = {
    "alice": 403,
    "maria": 403,
    "bob": 403,
    "carol": 403,
    "olivia": 201,
    "root": 201,
}


@pytest.mark.parametrize("name", CATALOGUE_WRITE)
def test_catalogues_are_written_only_by_the_cx_owner(api, request, name):
    client = api(person(request, name))
    step = GuideStepFactory()
    created = [
        client.post(
            reverse("cx-role-list"),
            {"slug": f"r-{name}", "name_sv": "Roll", "name_en": "Role"},
            format="json",
        ),
        client.post(
            reverse("guide-step-list"),
            {"number": 99, "title_sv": "Steg", "title_en": "Step"},
            format="json",
        ),
        client.post(
            reverse("guide-activity-list"),
            {"step": step.pk, "title_sv": "A", "title_en": "A"},
            format="json",
        ),
    ]
    assert [r.status_code for r in created] == [CATALOGUE_WRITE[name]] * 3


@pytest.mark.parametrize("name", CATALOGUE_WRITE)
def test_catalogue_changes_and_deletes_by_role(api, request, name):
    client = api(person(request, name))
    role, activity = CXRoleFactory(), GuideActivityFactory()
    patched = client.patch(
        reverse("cx-role-detail", args=[role.pk]), {"name_en": "X"}, format="json"
    )
    deleted = client.delete(reverse("guide-activity-detail", args=[activity.pk]))
    may = CATALOGUE_WRITE[name] == 201
    assert (patched.status_code, deleted.status_code) == ((200, 204) if may else (403, 403))


# PATCH the Customer Service team unit, and Alice (who works in it).
ORG_CHANGE = {"alice": 403, "bob": 200, "carol": 403, "maria": 403, "root": 200}


@pytest.mark.parametrize("name", PEOPLE)
def test_units_and_people_are_changed_by_coordinators_of_the_unit(
    api, request, name, alice, service_team
):
    client = api(person(request, name))
    unit = client.patch(
        reverse("unit-detail", args=[service_team.pk]),
        {"description": "Chat and mail"},
        format="json",
    )
    someone = client.patch(
        reverse("person-detail", args=[alice.pk]), {"job_title": "Chat agent"}, format="json"
    )
    assert (unit.status_code, someone.status_code) == (ORG_CHANGE[name], ORG_CHANGE[name])
    alice.profile.refresh_from_db()
    assert (alice.profile.job_title == "Chat agent") == (ORG_CHANGE[name] == 200)


def test_employee_cannot_change_even_themselves(api, alice):
    response = api(alice).patch(
        reverse("person-detail", args=[alice.pk]), {"first_name": "Ally"}, format="json"
    )
    assert response.status_code == 403


def test_a_json_list_instead_of_an_object_is_a_400_or_403_not_a_500(
    api, alice, bob, alices_activity
):
    url = reverse("activity-detail", args=[alices_activity.pk])
    assert api(alice).patch(url, [{"status": "done"}], format="json").status_code == 403
    assert api(bob).patch(url, [{"status": "done"}], format="json").status_code == 400


def test_people_cannot_be_deleted_over_the_api(api, root, alice):
    assert api(root).delete(reverse("person-detail", args=[alice.pk])).status_code == 405
