"""Notifications in the admin: read-only logs, preferences, scoped like the rest."""

import pytest
from django.urls import reverse

from cxlean.notifications.models import Preference
from cxlean.notifications.sweep import run_sweep
from tests.factories import UserFactory
from tests.notifications.factories import NotificationFactory


def changelist(model: str) -> str:
    return reverse(f"admin:notifications_{model}_changelist")


def listed(response) -> set[int]:
    return {obj.pk for obj in response.context["cl"].result_list}


def test_management_reads_every_notification_and_changes_none(as_user, maria, alice, carol):
    ours, theirs = NotificationFactory(user=alice), NotificationFactory(user=carol)
    client = as_user(maria)
    assert listed(client.get(changelist("notification"))) == {ours.pk, theirs.pk}
    change = reverse("admin:notifications_notification_change", args=[ours.pk])
    assert client.get(change).status_code == 200
    assert client.post(change, {"title": "x"}).status_code == 403
    assert client.get(reverse("admin:notifications_notification_add")).status_code == 403


def test_coordinators_read_the_notifications_of_their_units(as_user, bob, alice, carol):
    ours, theirs = NotificationFactory(user=alice), NotificationFactory(user=carol)
    assert listed(as_user(bob).get(changelist("notification"))) == {ours.pk}
    assert theirs.pk


def test_employees_have_no_admin(as_user, alice):
    assert as_user(alice).get(changelist("notification")).status_code == 302


def test_reminders_are_read_only(as_user, maria, root, alice, make_activity):
    make_activity(due=1)
    run_sweep()
    assert len(listed(as_user(maria).get(changelist("reminder")))) == 1
    assert as_user(root).get(reverse("admin:notifications_reminder_add")).status_code == 403


def test_a_coordinator_changes_only_their_own_preferences(as_user, bob, alice):
    own, other = Preference.of(bob), Preference.of(alice)
    client = as_user(bob)
    own_url = reverse("admin:notifications_preference_change", args=[own.pk])
    other_url = reverse("admin:notifications_preference_change", args=[other.pk])
    data = {"email": "on", "delivery": "digest", "digest_hour": "9", "language": "en"}
    assert client.post(own_url, data).status_code == 302
    assert client.post(other_url, data).status_code == 403
    own.refresh_from_db()
    assert own.delivery == "digest"


def test_an_hour_of_25_is_refused_in_the_admin(as_user, root):
    preference = Preference.of(root)
    url = reverse("admin:notifications_preference_change", args=[preference.pk])
    response = as_user(root).post(
        url, {"delivery": "immediate", "digest_hour": "25", "language": "sv"}
    )
    assert response.status_code == 200 and response.context["adminform"].form.errors


@pytest.mark.parametrize("model", ["notification", "reminder", "preference"])
def test_admin_lists_keep_their_query_count(as_user, maria, company, model, count_queries):
    client = as_user(maria)

    def queries() -> int:
        return count_queries(client, changelist(model))

    def grow(count: int) -> None:
        from cxlean.notifications.models import Reminder

        for _ in range(count):
            person = UserFactory(unit=company)
            notification = NotificationFactory(user=person)
            Reminder.objects.create(key=f"test:{notification.pk}", user=person, rule="test")
            Preference.of(person)

    grow(1)
    client.get(changelist(model))
    small = queries()
    grow(8)
    assert queries() == small
