"""Who may change how someone signs in, over the API: the account-takeover hole (a
coordinator setting a Management person's e-mail address, then resetting their password)
and its relatives. The rule is `cxlean.org.roles.may_change_sign_in`."""

import pytest
from django.contrib.auth.models import User
from django.urls import reverse

from cxlean.org.models import EmailChange, SignInEvent
from cxlean.org.roles import COORDINATOR, EMPLOYEE, MANAGEMENT
from tests.factories import UserFactory


def person_url(user) -> str:
    return reverse("person-detail", args=[user.pk])


def test_a_coordinator_cannot_take_over_management_in_their_unit(
    api, bob, service_unit, mailoutbox
):
    boss = UserFactory(username="boss", role=MANAGEMENT, unit=service_unit, email="boss@x.org")
    response = api(bob).patch(
        person_url(boss), {"email": "bob@evil.org"}, format="json", HTTP_ACCEPT_LANGUAGE="en"
    )
    assert response.status_code == 403
    assert "management" in response.json()["detail"]
    boss.refresh_from_db()
    assert boss.email == "boss@x.org"
    assert not EmailChange.objects.filter(user=boss).exists()
    assert mailoutbox == []
    # and so the anonymous password reset mails the real address only
    api().post(reverse("password_reset"), {"email": "bob@evil.org"})
    assert mailoutbox == []


@pytest.mark.parametrize("field,value", [("email", "x@evil.org"), ("username", "tove2")])
def test_a_coordinator_cannot_change_another_coordinator(api, bob, service_team, field, value):
    tove = UserFactory(username="tove", role=COORDINATOR, unit=service_team)
    before = (tove.username, tove.email)
    response = api(bob).patch(
        person_url(tove), {field: value}, format="json", HTTP_ACCEPT_LANGUAGE="en"
    )
    assert response.status_code == 403
    assert "equal to yours" in response.json()["detail"]
    tove.refresh_from_db()
    assert (tove.username, tove.email) == before


def test_a_coordinator_cannot_change_another_coordinators_profile_either(
    api, bob, service_team, service_unit
):
    tove = UserFactory(username="tove", role=COORDINATOR, unit=service_team)
    response = api(bob).patch(person_url(tove), {"unit": service_unit.pk}, format="json")
    assert response.status_code == 403
    tove.profile.refresh_from_db()
    assert tove.profile.unit == service_team


def test_management_changes_nobody(api, maria, alice):
    response = api(maria).patch(person_url(alice), {"first_name": "X"}, format="json")
    assert response.status_code == 403
    alice.refresh_from_db()
    assert alice.first_name == "Alice"


def test_a_coordinator_cannot_create_a_person_with_a_password(api, bob, service_team):
    response = api(bob).post(
        reverse("person-list"),
        {"username": "dave", "unit": service_team.pk, "password": "a-long-pass-phrase-42"},
        format="json",
    )
    assert response.status_code == 400 and "password" in response.json()
    assert not User.objects.filter(username="dave").exists()


def test_roles_sent_on_create_are_ignored_new_people_are_employees(api, bob, service_team):
    response = api(bob).post(
        reverse("person-list"),
        {"username": "dave", "unit": service_team.pk, "roles": [COORDINATOR, MANAGEMENT]},
        format="json",
    )
    assert response.status_code == 201
    assert response.json()["roles"] == [EMPLOYEE]
    assert set(User.objects.get(username="dave").groups.values_list("name", flat=True)) == {
        EMPLOYEE
    }


def test_a_coordinator_changes_an_employee_whose_new_email_waits_for_confirmation(
    api, bob, alice, mailoutbox, django_capture_on_commit_callbacks
):
    old = alice.email
    with django_capture_on_commit_callbacks(execute=True):
        response = api(bob).patch(
            person_url(alice), {"email": "alice@new.org", "username": "alice2"}, format="json"
        )
    assert response.status_code == 200, response.json()
    body = response.json()
    assert (body["email"], body["pending_email"], body["username"]) == (
        old,
        "alice@new.org",
        "alice2",
    )
    alice.refresh_from_db()
    assert (alice.email, alice.username) == (old, "alice2")
    assert [m.to for m in mailoutbox] == [["alice@new.org"]]
    assert api(bob).get(person_url(alice)).json()["pending_email"] == "alice@new.org"
    events = {
        (e.what, e.old_value, e.new_value, e.actor_id, e.surface)
        for e in SignInEvent.objects.filter(person=alice).exclude(what="logged_in")
    }
    assert events == {
        ("email_requested", old, "alice@new.org", bob.pk, "api"),
        ("username_changed", "alice", "alice2", bob.pk, "api"),
    }


def test_a_coordinator_keeps_their_own_name_up_to_date(api, bob):
    response = api(bob).patch(person_url(bob), {"last_name": "Berg"}, format="json")
    assert response.status_code == 200


def test_a_superuser_changes_a_coordinator(api, root, bob):
    response = api(root).patch(person_url(bob), {"username": "robert"}, format="json")
    assert response.status_code == 200
    assert SignInEvent.objects.filter(person=bob, what="username_changed", actor=root).exists()


def test_creating_a_person_is_audited(api, bob, service_team):
    api(bob).post(
        reverse("person-list"), {"username": "dave", "unit": service_team.pk}, format="json"
    )
    assert set(
        SignInEvent.objects.filter(username="dave").values_list("what", "new_value", "surface")
    ) == {("created", "", "api"), ("role_granted", EMPLOYEE, "api")}


# --- the audit over the API --------------------------------------------------------------


def test_the_sign_in_audit_is_read_by_coordinators_for_their_units_only(
    api, bob, carol, maria, alice
):
    client = api(bob)  # signing in writes Bob's "logged_in"
    api(carol)
    rows = client.get(reverse("sign-in-event-list")).json()["results"]
    assert {row["username"] for row in rows} == {"bob"}
    everything = api(maria).get(reverse("sign-in-event-list")).json()["results"]
    assert {row["username"] for row in everything} >= {"bob", "carol", "maria"}


@pytest.mark.parametrize("method", ["post", "put", "patch", "delete"])
def test_the_sign_in_audit_is_read_only(api, root, method):
    client = api(root)
    event = SignInEvent.objects.get(person=root, what="logged_in")
    url = reverse("sign-in-event-detail", args=[event.pk]) if method != "post" else None
    response = getattr(client, method)(url or reverse("sign-in-event-list"), {}, format="json")
    assert response.status_code == 405


def test_employees_do_not_read_the_sign_in_audit(api, alice):
    assert api(alice).get(reverse("sign-in-event-list")).status_code == 403
