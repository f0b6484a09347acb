"""Reminders in the background. Beat calls the sweeps (settings.CELERY_BEAT_SCHEDULE);
each decides from the database what is due, so a tick that runs twice or late sends
nothing twice and misses nothing."""

from celery import shared_task
from django.db import OperationalError

from cxlean.core.tasks import send
from cxlean.notifications.mail import MailNotSent, send_digests, send_immediate
from cxlean.notifications.sweep import run_sweep

RETRY = {
    "autoretry_for": (OperationalError, MailNotSent),
    "retry_backoff": True,
    "retry_backoff_max": 600,
    "max_retries": 6,
}


@shared_task(
    name="cxlean.sweeps.reminders",
    autoretry_for=(OperationalError,),
    retry_backoff=True,
    max_retries=5,
)
def reminders() -> int:
    """Create the notifications now due, then hand the e-mail to its own task, so that a
    mail server that is down retries the e-mail and not the sweep. The e-mail task runs
    after every sweep, not only one that created something: what an earlier run could not
    e-mail (broker or mail server down) goes out with the next one."""
    created = run_sweep().total
    send(email_notifications)
    return created


@shared_task(name="cxlean.notifications.email", **RETRY)
def email_notifications() -> int:
    """E-mail right away what is not e-mailed yet (a retry sends only the rest)."""
    return send_immediate()


@shared_task(name="cxlean.sweeps.digests", **RETRY)
def digests() -> int:
    return send_digests()
