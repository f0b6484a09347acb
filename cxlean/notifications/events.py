"""Event notifications: the receiver of `cxlean.core.events.notify`.

One notification per person and event, never two: its key (kind, subject, state, person)
is unique, and the rows are inserted with `ignore_conflicts`, so a retried request or a
second call for the same change inserts nothing. Inactive people are told nothing; the
actor was left out by `notify`. E-mail follows each person's preferences like every
other notification (`cxlean.notifications.mail`): those who want it right away get it
once the change is committed (the e-mail task is sent then, not at the next sweep);
digest readers find it in their next daily digest.
"""

from __future__ import annotations

from django.contrib.auth.models import User
from django.contrib.contenttypes.models import ContentType
from django.utils import timezone

from cxlean.core.names import display_name
from cxlean.core.tasks import enqueue_on_commit
from cxlean.notifications.models import Kind, Notification
from cxlean.notifications.tasks import email_notifications
from cxlean.notifications.texts import encode

KEY_MAX = 250


def event_key(kind: str, about, state: str, user_id: int) -> str:
    subject = f"{about._meta.label_lower}:{about.pk}" if about is not None else "-"
    return f"{kind}:{subject}:{state}:{user_id}"[:KEY_MAX]


def receive(
    people: list[User], kind: str, params: dict, *, actor=None, about=None, state="", url=""
) -> list[Notification]:
    """Create the notifications of one event (see the module's doc)."""
    Kind(kind)  # an unknown kind is a programming error
    facts = encode({"actor": display_name(actor) if actor is not None else "", **params})
    subject_type = ContentType.objects.get_for_model(about) if about is not None else None
    now = timezone.now()
    active = set(
        User.objects.filter(pk__in=[person.pk for person in people], is_active=True).values_list(
            "pk", flat=True
        )
    )
    rows = [
        Notification(
            user_id=person.pk,
            kind=kind,
            params=facts,
            url=url,
            subject_type=subject_type,
            subject_id=about.pk if about is not None else None,
            key=event_key(kind, about, state, person.pk),
            created_at=now,
        )
        for person in people
        if person.pk in active
    ]
    if rows:
        Notification.objects.bulk_create(rows, ignore_conflicts=True)
        enqueue_on_commit(email_notifications)
    return rows
