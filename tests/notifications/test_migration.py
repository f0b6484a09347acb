"""Notifications written with their text (before kind and parameters) keep it: the
data migration stores it as the fallback they are shown with.

The suite runs without migrations (--nomigrations); this test runs with them:
`pytest --migrations tests/notifications/test_migration.py`."""

import pytest
from django.db import connection
from django.db.migrations.executor import MigrationExecutor
from django.utils import translation

from cxlean.notifications.models import Notification

pytestmark = pytest.mark.django_db(transaction=True)

BEFORE = [("notifications", "0003_notification_email_attempts")]
AFTER = [("notifications", "0004_kind_and_params")]


def migrate(targets):
    executor = MigrationExecutor(connection)
    executor.loader.build_graph()
    executor.migrate(targets)
    return executor.loader.project_state(targets).apps


def test_old_notifications_keep_their_text(alice, request):
    if request.config.getoption("nomigrations", default=False):
        pytest.skip("run with --migrations")
    old_apps = migrate(BEFORE)
    OldNotification = old_apps.get_model("notifications", "Notification")
    OldNotification.objects.create(
        user_id=alice.pk, kind="activity_late", title="Försenad: Kartlägg", body="Text."
    )
    migrate(AFTER)
    migrate([("notifications", "0005_calendar_feed")])
    notification = Notification.objects.get(user=alice)
    assert notification.params == {"fallback": {"title": "Försenad: Kartlägg", "body": "Text."}}
    with translation.override("en"):
        assert notification.title == "Försenad: Kartlägg"
        assert notification.body == "Text."
