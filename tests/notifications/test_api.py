"""The notifications API: my notifications (unread filter, mark read) and my preferences."""

import pytest

from cxlean.notifications.models import Notification, Preference
from tests.notifications.factories import NotificationFactory

NOTIFICATIONS = "/api/v1/notifications/"
ME = "/api/v1/notification-preferences/me/"


def test_anonymous_callers_are_refused(client, db):
    assert client.get(NOTIFICATIONS).status_code == 403
    assert client.get(ME).status_code == 403


def test_i_list_only_my_notifications_and_filter_unread(as_user, alice, bob):
    mine = NotificationFactory(user=alice)
    read = NotificationFactory(user=alice)
    Notification.objects.filter(pk=read.pk).update(read_at=read.created_at)
    NotificationFactory(user=bob)
    client = as_user(alice)
    body = client.get(NOTIFICATIONS).json()
    assert {row["id"] for row in body["results"]} == {mine.pk, read.pk}
    row = next(row for row in body["results"] if row["id"] == mine.pk)
    assert row["kind"] == "activity_late" and row["is_read"] is False
    assert {r["id"] for r in client.get(NOTIFICATIONS, {"unread": "true"}).json()["results"]} == {
        mine.pk
    }
    assert {r["id"] for r in client.get(NOTIFICATIONS, {"unread": "false"}).json()["results"]} == {
        read.pk
    }
    assert client.get(NOTIFICATIONS, {"unread": "maybe"}).status_code == 400
    assert client.get(NOTIFICATIONS, {"kind": "nonsense"}).status_code == 400


def test_someone_elses_notification_is_a_404(as_user, alice, bob):
    theirs = NotificationFactory(user=bob)
    client = as_user(alice)
    assert client.get(f"{NOTIFICATIONS}{theirs.pk}/").status_code == 404
    assert client.post(f"{NOTIFICATIONS}{theirs.pk}/mark-read/").status_code == 404
    theirs.refresh_from_db()
    assert theirs.read_at is None


def test_mark_read_and_mark_all_read(as_user, alice, bob):
    first, second, third = NotificationFactory.create_batch(3, user=alice)
    theirs = NotificationFactory(user=bob)
    client = as_user(alice)
    response = client.post(f"{NOTIFICATIONS}{first.pk}/mark-read/")
    assert response.status_code == 200 and response.json()["is_read"] is True
    response = client.post(f"{NOTIFICATIONS}mark-all-read/")
    assert response.json() == {"marked": 2}
    assert not Notification.objects.filter(user=alice, read_at__isnull=True).exists()
    theirs.refresh_from_db()
    assert theirs.read_at is None


def test_my_preferences_read_the_defaults_then_change(as_user, alice):
    client = as_user(alice)
    assert client.get(ME).json() == {
        "email": True,
        "delivery": "immediate",
        "digest_hour": 7,
        "language": "sv",
    }
    response = client.patch(
        ME, {"delivery": "digest", "digest_hour": 6}, content_type="application/json"
    )
    assert response.status_code == 200 and response.json()["delivery"] == "digest"
    response = client.put(
        ME,
        {"email": False, "delivery": "immediate", "digest_hour": 8, "language": "en"},
        content_type="application/json",
    )
    assert response.status_code == 200
    preference = Preference.objects.get(user=alice)
    assert (preference.email, preference.digest_hour, preference.language) == (False, 8, "en")


@pytest.mark.parametrize(
    "data, field",
    [
        ({"digest_hour": 25}, "digest_hour"),
        ({"digest_hour": -1}, "digest_hour"),
        ({"delivery": "weekly"}, "delivery"),
        ({"language": "de"}, "language"),
        ({"email": "perhaps"}, "email"),
    ],
)
def test_bad_preferences_are_a_400_with_the_field(as_user, alice, data, field):
    response = as_user(alice).patch(ME, data, content_type="application/json")
    assert response.status_code == 400
    assert field in response.json()
    assert not Preference.objects.filter(user=alice).exists()


def test_management_changes_their_own_preferences(as_user, maria):
    response = as_user(maria).patch(ME, {"language": "en"}, content_type="application/json")
    assert response.status_code == 200
    assert Preference.objects.get(user=maria).language == "en"


def test_the_list_keeps_its_query_count(as_user, alice, count_queries):
    client = as_user(alice)

    def queries() -> int:
        return count_queries(client, NOTIFICATIONS)

    NotificationFactory(user=alice)
    client.get(NOTIFICATIONS)
    small = queries()
    NotificationFactory.create_batch(15, user=alice)
    assert queries() == small
