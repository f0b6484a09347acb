"""Notifications written with their text (before kind and parameters) keep it: the
data migration stores it as the fallback they are shown with.

The suite runs without migrations (--nomigrations, in pyproject.toml); the test needs
them, so under --nomigrations `test_the_migration_test_runs_with_migrations` runs it in a
pytest of its own with `--migrations` (as tests/core/test_migrations.py runs `migrate`).
"""

import os
import subprocess
import sys
from pathlib import Path

import pytest
from django.db import connection
from django.db.migrations.executor import MigrationExecutor
from django.utils import translation

from cxlean.notifications.models import Notification

BEFORE = [("notifications", "0003_notification_email_attempts")]
AFTER = [("notifications", "0004_kind_and_params")]


def migrate(targets):
    executor = MigrationExecutor(connection)
    executor.loader.build_graph()
    executor.migrate(targets)
    return executor.loader.project_state(targets).apps


ROOT = Path(__file__).resolve().parents[2]
WITH_MIGRATIONS = "test_old_notifications_keep_their_text"


def without_migrations(request) -> bool:
    return bool(request.config.getoption("nomigrations", default=False))


def own_database() -> dict[str, str]:
    """The environment of the inner run: on a database server, a test database of its
    own (the outer run's test database is in use)."""
    env = dict(os.environ)
    url = env.get("DATABASE_URL", "")
    if url and not url.startswith("sqlite"):
        env["DATABASE_URL"] = url.rsplit("/", 1)[0] + "/cxlean_migration"
    return env


def test_the_migration_test_runs_with_migrations(request):
    if not without_migrations(request):
        pytest.skip("the test itself runs here")
    done = subprocess.run(
        [
            sys.executable,
            "-m",
            "pytest",
            "--migrations",
            "-p",
            "no:randomly",
            "-q",
            f"{Path(__file__).relative_to(ROOT)}::{WITH_MIGRATIONS}",
        ],
        cwd=ROOT,
        env=own_database(),
        capture_output=True,
        text=True,
    )
    assert done.returncode == 0, done.stdout + done.stderr
    assert "1 passed" in done.stdout


@pytest.mark.django_db(transaction=True)
def test_old_notifications_keep_their_text(alice, request):
    if without_migrations(request):
        pytest.skip("needs the migrations: run by test_the_migration_test_runs_with_migrations")
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
