"""E-mail: right away for those who want it, or one digest a day at their hour.

Each e-mail lists a person's notifications not e-mailed yet, in their language, as plain
text with a simple HTML alternative; its subject is made safe in `cxlean.core.mail`.

Each e-mail is sent and recorded on its own: `emailed_at` is set the moment it went out,
so nothing a later failure interrupts is ever sent twice. A transient failure (the mail
server down or busy) stops the run and raises `MailNotSent`, so the Celery task retries
with backoff and sends only the rest; notifications are never created again by a retry.
Any other failure of one e-mail (an address refused, a message that cannot be built) is
logged, counted on its notifications (`email_attempts`) and skipped: the others still go
out, and after MAX_EMAIL_ATTEMPTS failures a notification stays in the app only.

Texts are rendered from each notification's kind and facts in the recipient's language
(their preference) when the e-mail is composed, never stored.

The daily digest carries the top items of the person's start-page inbox as well
(`cxlean.core.todo.top_items`, which the inbox app provides: this app does not import
it), rendered in their language with absolute links. The items never make a digest by
themselves: a digest goes out only when there are notifications to e-mail.

Links are absolute when settings.SITE_URL (e.g. https://cxlean.example.org) is set, and
paths on the site otherwise.
"""

from __future__ import annotations

import datetime as dt
import logging
import smtplib
import uuid
from dataclasses import dataclass

from django.conf import settings
from django.contrib.auth.models import User
from django.core.mail import EmailMultiAlternatives, mailers
from django.db.models import Exists, F, OuterRef, Q, QuerySet
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from cxlean.core.mail import new_email
from cxlean.core.todo import top_items
from cxlean.notifications.models import (
    DIGEST_RULE,
    Delivery,
    Notification,
    Preference,
    Reminder,
)
from cxlean.notifications.rules import BATCH_SIZE, in_batches
from cxlean.notifications.sweep import default_language

logger = logging.getLogger(__name__)

# Right away means right away: what could not be e-mailed within a day stays in the app.
IMMEDIATE_WINDOW = dt.timedelta(hours=24)
# A digest lists the week's notifications at most (e.g. after e-mail was off for months).
DIGEST_LOOKBACK = dt.timedelta(days=7)
# An e-mail that failed this often for a reason other than the mail server is not retried.
MAX_EMAIL_ATTEMPTS = 3
# The inbox's most urgent items a digest lists.
DIGEST_TOP_ITEMS = 5


class MailNotSent(Exception):
    """The mail server failed in a way worth retrying; what went out is recorded."""


def is_transient(error: Exception) -> bool:
    if isinstance(error, smtplib.SMTPResponseException):
        return 400 <= error.smtp_code < 500
    return isinstance(
        error, smtplib.SMTPServerDisconnected | smtplib.SMTPConnectError | OSError
    ) and not isinstance(error, smtplib.SMTPRecipientsRefused)


def absolute(path: str) -> str:
    return getattr(settings, "SITE_URL", "").rstrip("/") + path


@dataclass
class Letter:
    user: User
    language: str
    notifications: list[Notification]


def language_of(user: User) -> str:
    try:
        return user.notification_preference.language
    except Preference.DoesNotExist:
        return default_language()


def letters_of(notifications: QuerySet[Notification]) -> list[Letter]:
    """One letter per person, their notifications oldest first: one query."""
    letters: dict[int, Letter] = {}
    for notification in notifications.select_related("user__notification_preference").order_by(
        "user_id", "created_at", "pk"
    ):
        user = notification.user
        letter = letters.get(user.pk)
        if letter is None:
            letter = letters[user.pk] = Letter(user, language_of(user), [])
        letter.notifications.append(notification)
    return list(letters.values())


def compose(letter: Letter, *, digest: bool) -> EmailMultiAlternatives:
    count = len(letter.notifications)
    with translation.override(letter.language):
        if digest:
            subject = ngettext(
                "cxlean: your daily digest, %(count)s notification",
                "cxlean: your daily digest, %(count)s notifications",
                count,
            ) % {"count": count}
        elif count == 1:
            subject = _("cxlean: %(title)s") % {"title": letter.notifications[0].title}
        else:
            subject = ngettext(
                "cxlean: %(count)s new notification", "cxlean: %(count)s new notifications", count
            ) % {"count": count}
        context = {
            "user": letter.user,
            "digest": digest,
            "items": [
                (notification, absolute(reverse("notifications:open", args=[notification.pk])))
                for notification in letter.notifications
            ],
            "list_url": absolute(reverse("notifications:list")),
            "preferences_url": absolute(reverse("notifications:preferences")),
            "language": letter.language,
            "todo": [],
        }
        if digest:
            context["todo"] = [
                (item, absolute(item.url)) for item in top_items(letter.user, DIGEST_TOP_ITEMS)
            ]
            context["todo_url"] = absolute(reverse("home"))
        text = render_to_string("notifications/email/notifications.txt", context)
        html = render_to_string("notifications/email/notifications.html", context)
    return new_email(subject, text, to=[letter.user.email], html=html)


def post(letters: list[Letter], *, digest: bool, now) -> tuple[list[Letter], Exception | None]:
    """Send the letters over one connection, each marked e-mailed as soon as it is sent
    (or counted as failed); those sent, and the transient error that stopped the run (if
    one did)."""
    sent: list[Letter] = []
    if not letters:
        return sent, None
    try:
        with mailers.default as connection:
            for letter in letters:
                try:
                    connection.send_messages([compose(letter, digest=digest)])
                except Exception as error:
                    if isinstance(error, OSError) and is_transient(error):
                        raise
                    logger.warning("E-mail to user %s not sent: %r", letter.user.pk, error)
                    count_failure(letter)
                    continue
                mark_emailed(letter, now)
                sent.append(letter)
    except OSError as error:
        if not is_transient(error):
            raise
        logger.warning("Mail server not reachable, will retry: %r", error)
        return sent, error
    return sent, None


def ids_of(letter: Letter) -> list[int]:
    return [notification.pk for notification in letter.notifications]


def mark_emailed(letter: Letter, now) -> None:
    Notification.objects.filter(pk__in=ids_of(letter)).update(emailed_at=now)


def count_failure(letter: Letter) -> None:
    Notification.objects.filter(pk__in=ids_of(letter)).update(
        email_attempts=F("email_attempts") + 1
    )


def chunks(values: list, size: int = BATCH_SIZE):
    for start in range(0, len(values), size):
        yield values[start : start + size]


# --- right away --------------------------------------------------------------------------


def wants_immediate_email() -> Q:
    no_preference = Q(user__notification_preference__isnull=True)
    immediate = Q(
        user__notification_preference__email=True,
        user__notification_preference__delivery=Delivery.IMMEDIATE,
    )
    return no_preference | immediate


def send_immediate(now=None) -> int:
    """E-mail the notifications of people who want e-mail right away: one e-mail per
    person and run. Returns the number of notifications e-mailed."""
    now = now or timezone.now()
    pending = (
        Notification.objects.filter(
            emailed_at__isnull=True,
            email_attempts__lt=MAX_EMAIL_ATTEMPTS,
            created_at__gte=now - IMMEDIATE_WINDOW,
            user__is_active=True,
        )
        .exclude(user__email="")
        .filter(wants_immediate_email())
    )
    people = list(pending.order_by("user_id").values_list("user_id", flat=True).distinct())
    emailed = 0
    for chunk in chunks(people):
        sent, error = post(letters_of(pending.filter(user__in=chunk)), digest=False, now=now)
        emailed += sum(len(letter.notifications) for letter in sent)
        if error is not None:
            raise MailNotSent(str(error)) from error
    return emailed


# --- the daily digest --------------------------------------------------------------------


def digest_key(user_id: int, day: dt.date) -> str:
    return f"{DIGEST_RULE}:{user_id}:{day.isoformat()}"


def send_digests(now=None) -> int:
    """One digest per person and day, once their digest hour has come (local time),
    listing what was not e-mailed yet. Returns the number of digests sent.

    A Reminder "digest:<user>:<date>" guards each: inserted before the e-mail, and
    removed again for the people a failing mail server left out, so a retry sends exactly
    those. Each digest is marked as it goes out: a run that stops half-way (the worker
    killed) leaves the rest for the next day's digest, never sends one twice."""
    now = now or timezone.now()
    local = timezone.localtime(now)
    since = now - DIGEST_LOOKBACK
    unsent = Q(emailed_at__isnull=True, email_attempts__lt=MAX_EMAIL_ATTEMPTS)
    waiting = Notification.objects.filter(unsent, user=OuterRef("user"), created_at__gte=since)
    due = (
        Preference.objects.filter(
            delivery=Delivery.DIGEST,
            email=True,
            digest_hour__lte=local.hour,
            user__is_active=True,
        )
        .exclude(user__email="")
        .filter(Exists(waiting))
    )
    digests = 0
    for batch in in_batches(due):
        run = uuid.uuid4().hex
        Reminder.objects.bulk_create(
            [
                Reminder(
                    key=digest_key(preference.user_id, local.date()),
                    user_id=preference.user_id,
                    rule=DIGEST_RULE,
                    run=run,
                )
                for preference in batch
            ],
            ignore_conflicts=True,
        )
        fresh = list(Reminder.objects.filter(run=run).values_list("user_id", flat=True))
        letters = letters_of(
            Notification.objects.filter(unsent, user__in=fresh, created_at__gte=since)
        )
        sent, error = post(letters, digest=True, now=now)
        digests += len(sent)
        if error is not None:
            sent_to = {letter.user.pk for letter in sent}
            Reminder.objects.filter(run=run).exclude(user__in=sent_to).delete()
            raise MailNotSent(str(error)) from error
    return digests
