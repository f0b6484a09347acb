"""When each person last looked at their start page: management's "since your last
visit" compares against it. One row per person, with its history (each new visit)."""

from __future__ import annotations

import datetime as dt

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

# Page views closer together than this are one visit: a reload does not reset "since".
SAME_VISIT = dt.timedelta(minutes=30)


class Visit(models.Model):
    user = models.OneToOneField(
        settings.AUTH_USER_MODEL,
        verbose_name=_("person"),
        on_delete=models.CASCADE,
        related_name="inbox_visit",
    )
    seen_at = models.DateTimeField(_("last seen"), default=timezone.now)
    since = models.DateTimeField(_("previous visit"), null=True, blank=True)
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("start page visit")
        verbose_name_plural = _("start page visits")

    def __str__(self) -> str:
        return str(self.user)


def last_visit(user) -> dt.datetime | None:
    """The start of what counts as new for `user`: their previous visit (None: never)."""
    visit = Visit.objects.filter(user=user).first()
    return visit.since if visit else None


def record_visit(user, now: dt.datetime | None = None) -> dt.datetime | None:
    """Note a look at the start page; returns the previous visit to compare against.
    Two queries (read, then write when a new visit starts)."""
    now = now or timezone.now()
    visit = Visit.objects.filter(user=user).first()
    if visit is None:
        Visit.objects.create(user=user, seen_at=now)
        return None
    if now - visit.seen_at >= SAME_VISIT:
        visit.since, visit.seen_at = visit.seen_at, now
        visit.save(update_fields=["since", "seen_at"])
    return visit.since
