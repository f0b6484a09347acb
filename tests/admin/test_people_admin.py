"""People in the admin: logins only by superusers (who set an e-mail address directly),
profiles by coordinators only for people below their rank, and the read-only e-mail
changes and sign-in audit in each reader's scope."""

import pytest
from django.contrib.auth.models import Group
from django.urls import reverse

from cxlean.org.accounts import request_email_change
from cxlean.org.models import EmailChange, SignInEvent, Surface
from cxlean.org.roles import COORDINATOR, EMPLOYEE, MANAGEMENT
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db


def user_form(user, **changes) -> dict:
    """What the admin's change form of `user` posts back unchanged, with `changes`."""
    profile = user.profile
    data = {
        "username": user.username,
        "first_name": user.first_name,
        "last_name": user.last_name,
        "email": user.email,
        "is_active": "on" if user.is_active else "",
        "is_staff": "on" if user.is_staff else "",
        "is_superuser": "on" if user.is_superuser else "",
        "groups": list(user.groups.values_list("pk", flat=True)),
        "date_joined_0": user.date_joined.strftime("%Y-%m-%d"),
        "date_joined_1": user.date_joined.strftime("%H:%M:%S"),
        "profile-TOTAL_FORMS": "1",
        "profile-INITIAL_FORMS": "1",
        "profile-MIN_NUM_FORMS": "0",
        "profile-MAX_NUM_FORMS": "1",
        "profile-0-id": profile.pk,
        "profile-0-user": user.pk,
        "profile-0-unit": profile.unit_id,
        "profile-0-job_title": profile.job_title,
        **changes,
    }
    return {key: value for key, value in data.items() if value != ""}


def change_url(user) -> str:
    return reverse("admin:auth_user_change", args=[user.pk])


def test_a_coordinator_cannot_change_a_login_in_the_admin(as_user, bob, service_unit):
    boss = UserFactory(username="boss", role=MANAGEMENT, unit=service_unit, email="boss@x.org")
    response = as_user(bob).post(change_url(boss), user_form(boss, email="bob@evil.org"))
    assert response.status_code == 403
    boss.refresh_from_db()
    assert boss.email == "boss@x.org"
    password = reverse("admin:auth_user_password_change", args=[boss.pk])
    assert as_user(bob).post(password, {}).status_code == 403


def test_a_coordinator_cannot_move_a_fellow_coordinator_or_management(
    as_user, bob, service_team, service_unit
):
    for role in (COORDINATOR, MANAGEMENT):
        other = UserFactory(role=role, unit=service_team)
        url = reverse("admin:org_profile_change", args=[other.profile.pk])
        response = as_user(bob).post(url, {"unit": service_unit.pk, "job_title": "X"})
        assert response.status_code == 403
        other.profile.refresh_from_db()
        assert other.profile.unit == service_team


def test_a_coordinator_changes_an_employees_profile_but_not_its_login(
    as_user, bob, alice, service_unit
):
    url = reverse("admin:org_profile_change", args=[alice.profile.pk])
    client = as_user(bob)
    page = client.get(url)
    assert 'name="user"' not in page.text  # the login it belongs to is read-only
    response = client.post(url, {"unit": service_unit.pk, "job_title": "Agent"})
    assert response.status_code == 302, response.content
    alice.profile.refresh_from_db()
    assert (alice.profile.unit, alice.profile.job_title) == (service_unit, "Agent")


def test_only_superusers_give_a_login_a_profile(as_user, bob, root):
    assert as_user(bob).get(reverse("admin:org_profile_add")).status_code == 403
    assert as_user(root).get(reverse("admin:org_profile_add")).status_code == 200


def test_a_superuser_sets_an_address_and_roles_directly_and_it_is_audited(
    as_user, root, alice, bob
):
    request_email_change(alice, "pending@x.org", actor=bob, surface=Surface.API)
    coordinator = Group.objects.get(name=COORDINATOR)
    old = alice.email
    assert "pending@x.org" in as_user(root).get(change_url(alice)).text
    response = as_user(root).post(
        change_url(alice), user_form(alice, email="alice@direct.org", groups=[coordinator.pk])
    )
    assert response.status_code == 302, response.context["adminform"].form.errors
    alice.refresh_from_db()
    assert alice.email == "alice@direct.org"
    assert not EmailChange.objects.filter(user=alice).exists()  # the pending one is withdrawn
    events = set(
        SignInEvent.objects.filter(person=alice, surface="admin").values_list(
            "what", "old_value", "new_value", "actor"
        )
    )
    assert events == {
        ("email_changed", old, "alice@direct.org", root.pk),
        ("role_granted", "", COORDINATOR, root.pk),
        ("role_removed", EMPLOYEE, "", root.pk),
    }


def test_a_superuser_setting_a_password_is_audited(as_user, root, alice):
    url = reverse("admin:auth_user_password_change", args=[alice.pk])
    response = as_user(root).post(
        url,
        {
            "password1": "Ett-nytt-lösenord-9",
            "password2": "Ett-nytt-lösenord-9",
            "usable_password": "true",
        },
    )
    assert response.status_code == 302
    event = SignInEvent.objects.get(person=alice, what="password_set")
    assert (event.actor, event.surface, event.old_value, event.new_value) == (root, "admin", "", "")


def test_nobody_changes_their_own_roles_or_active_flag_in_the_admin(as_user, root):
    page = as_user(root).get(change_url(root))
    assert 'name="is_active"' not in page.text and 'name="groups"' not in page.text
    assert 'name="is_superuser"' not in page.text


def test_management_reads_every_email_change_and_event_coordinators_their_units(
    as_user, bob, carol, maria, alice, sales_unit
):
    sam = UserFactory(username="sam", unit=sales_unit)
    request_email_change(alice, "alice@new.org", actor=bob, surface=Surface.API)
    request_email_change(sam, "sam@new.org", actor=carol, surface=Surface.API)
    changes = reverse("admin:org_emailchange_changelist")
    events = reverse("admin:org_signinevent_changelist")
    bobs = as_user(bob)
    assert "alice@new.org" in bobs.get(changes).text
    assert "sam@new.org" not in bobs.get(changes).text
    assert "sam@new.org" not in bobs.get(events).text
    managements = as_user(maria)
    assert "sam@new.org" in managements.get(changes).text
    assert "sam@new.org" in managements.get(events).text
    change = EmailChange.objects.get(user=alice)
    detail = reverse("admin:org_emailchange_change", args=[change.pk])
    assert bobs.post(detail, {"new_email": "other@x.org"}).status_code == 403
    assert as_user(alice).get(events).status_code == 302  # employees stay out
