"""The Celery app: reminders, exports and imports run in a worker, beat triggers sweeps.

Broker: `CELERY_BROKER_URL` (Redis in production, e.g. redis://127.0.0.1:6379/0). Without
it, Kombu's filesystem transport: messages are files in `CELERY_DATA_DIR`, so `make run`
has a real background worker and beat on a fresh machine without any server.

Two queues: `default` (reminders, sweeps: short) and `exports` (Excel exports and imports:
long), served by separate workers, so a long export never holds up a reminder.
"""

import os

from celery import Celery

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "cxlean.settings")

app = Celery("cxlean")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()
