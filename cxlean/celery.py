"""The Celery app: reminders, exports and imports run in a worker, beat triggers sweeps.

Broker: `CELERY_BROKER_URL` (Redis in production, e.g. redis://127.0.0.1:6379/0). Without
it, Kombu's filesystem transport: messages are files in `CELERY_DATA_DIR`, so `make run`
has a real background worker and beat on a fresh machine without any server.

Three queues: `default` (reminders, sweeps: short), `exports` (Excel exports) and
`imports` (Excel imports), each served by its own worker, so a long export never holds up
a reminder or an import. Every task has soft and hard time limits (settings
CELERY_TASK_SOFT_TIME_LIMIT / CELERY_TASK_TIME_LIMIT; exports and imports set their own).
"""

import os

from celery import Celery

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "cxlean.settings")

app = Celery("cxlean")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()
