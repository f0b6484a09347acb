"""The reminder sweep: run every rule for "now", record each reminder once, and create
the in-app notifications of the ones that are new.

Once only, also when two sweeps run at the same time: every batch of candidates is
inserted into `Reminder` with `ignore_conflicts` under a batch id of its own, then the
rows carrying that id are read back. A key that existed already (sent earlier, or
inserted a moment ago by a sweep running alongside) keeps its old batch id, so only keys
this batch really inserted produce notifications. The unique constraint on the key is the
guard, the same on SQLite and PostgreSQL (where a concurrent insert of the same key waits
for the other transaction and then does nothing).

Who gets nothing: inactive people, and management who hold no other role (management
reads everything and has nothing of its own to do). A coordinator who is also management
is reminded as a coordinator.

How many: at most settings.REMINDERS_PER_SWEEP notifications per person and sweep (the
first rules first). The rest are recorded as sent like the others, and folded into one
message per person: "And 37 more reminders — see cxlean", listing their titles.
"""

from __future__ import annotations

import uuid
from collections import Counter
from dataclasses import dataclass, field

from django.conf import settings
from django.contrib.auth.models import User
from django.contrib.contenttypes.models import ContentType
from django.db import transaction
from django.db.models import Exists, OuterRef
from django.urls import reverse
from django.utils import timezone

from cxlean.notifications.models import Kind, Notification, Reminder
from cxlean.notifications.rules import RULES, Candidate, Context
from cxlean.notifications.texts import encode
from cxlean.org.roles import read_only_people


@dataclass
class SweepResult:
    created: Counter = field(default_factory=Counter)  # per kind
    notifications: list[int] = field(default_factory=list)

    @property
    def total(self) -> int:
        return sum(self.created.values())

    def add(self, notification: Notification) -> None:
        self.created[notification.kind] += 1
        if notification.pk:
            self.notifications.append(notification.pk)


def per_sweep() -> int:
    """How many reminders one person gets in one sweep at most (the rest are folded)."""
    return int(getattr(settings, "REMINDERS_PER_SWEEP", 10))


@dataclass
class Allowance:
    """What each person may still be told in this sweep, and what was folded."""

    limit: int = field(default_factory=per_sweep)
    given: Counter = field(default_factory=Counter)
    folded: dict[int, list[dict]] = field(default_factory=dict)
    languages: dict[int, str] = field(default_factory=dict)

    def admit(self, notifications: list[Notification]) -> list[Notification]:
        kept = []
        for notification in notifications:
            if self.given[notification.user_id] < self.limit:
                self.given[notification.user_id] += 1
                kept.append(notification)
            else:
                self.folded.setdefault(notification.user_id, []).append(
                    {"kind": notification.kind, "params": notification.params}
                )
        return kept

    def summaries(self, now) -> list[Notification]:
        """One message per person for what was folded."""
        summaries = []
        for user_id, folded in self.folded.items():
            summaries.append(
                Notification(
                    user_id=user_id,
                    kind=Kind.MORE_REMINDERS,
                    params={"folded": folded},
                    url=reverse("home"),
                    created_at=now,
                )
            )
        return summaries


def member_of(group: str) -> Exists:
    return Exists(User.groups.through.objects.filter(user_id=OuterRef("pk"), group__name=group))


def default_language() -> str:
    return (settings.LANGUAGE_CODE or "sv")[:2]


def recipients(user_ids: set[int]) -> dict[int, str]:
    """The people among `user_ids` who get reminders, with their language: one query."""
    rows = (
        User.objects.filter(pk__in=user_ids, is_active=True)
        .exclude(read_only_people())
        .values_list("pk", "notification_preference__language")
    )
    return {pk: language or default_language() for pk, language in rows}


def record_new(candidates: list[Candidate]) -> set[str]:
    """Insert the candidates' keys; the keys this call inserted (two queries)."""
    batch = uuid.uuid4().hex
    Reminder.objects.bulk_create(
        [
            Reminder(key=candidate.key, user_id=candidate.user_id, rule=candidate.kind, run=batch)
            for candidate in candidates
        ],
        ignore_conflicts=True,
    )
    return set(Reminder.objects.filter(run=batch).values_list("key", flat=True))


def notification_for(candidate: Candidate, language: str, now) -> Notification:
    """The notification of a reminder: its kind and facts (rendered when read)."""
    return Notification(
        user_id=candidate.user_id,
        kind=candidate.kind,
        params=encode(candidate.params),
        url=candidate.url(),
        subject_type=ContentType.objects.get_for_model(candidate.subject),
        subject_id=candidate.subject.pk,
        created_at=now,
    )


def deliver(
    candidates: list[Candidate],
    now,
    *,
    dry_run: bool = False,
    allowance: Allowance | None = None,
) -> list[Notification]:
    """Notifications for the candidates not reminded of before (saved unless dry_run),
    within each person's `allowance` for this sweep (the rest are folded into it)."""
    allowance = allowance if allowance is not None else Allowance()
    unique = {candidate.key: candidate for candidate in candidates}
    languages = recipients({candidate.user_id for candidate in unique.values()})
    allowance.languages.update(languages)
    wanted = [candidate for candidate in unique.values() if candidate.user_id in languages]
    if not wanted:
        return []
    # Most keys were sent by earlier sweeps: leave those out before inserting (the
    # unique key still decides when sweeps overlap).
    sent = set(
        Reminder.objects.filter(key__in=[c.key for c in wanted]).values_list("key", flat=True)
    )
    wanted = [candidate for candidate in wanted if candidate.key not in sent]
    if dry_run or not wanted:
        return allowance.admit([notification_for(c, languages[c.user_id], now) for c in wanted])
    with transaction.atomic():
        fresh = record_new(wanted)
        notifications = [
            notification_for(candidate, languages[candidate.user_id], now)
            for candidate in wanted
            if candidate.key in fresh
        ]
        return Notification.objects.bulk_create(allowance.admit(notifications))


def run_sweep(now=None, *, dry_run: bool = False) -> SweepResult:
    """Every rule for `now`; the notifications created (none twice, whenever it runs)."""
    now = now or timezone.now()
    context = Context(now=now, today=timezone.localdate(now))
    result = SweepResult()
    allowance = Allowance()
    for rule in RULES:
        for candidates in rule(context):
            for notification in deliver(candidates, now, dry_run=dry_run, allowance=allowance):
                result.add(notification)
    summaries = allowance.summaries(now)
    if summaries and not dry_run:
        summaries = Notification.objects.bulk_create(summaries)
    for notification in summaries:
        result.add(notification)
    return result
