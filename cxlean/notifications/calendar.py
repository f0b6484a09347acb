"""A person's calendar feed (iCalendar, RFC 5545), built with the icalendar library:
their open activities' due dates, the Gemba walks they lead or take part in, the due
dates of the checklists that reach them, and their trainee goals. Nothing else, and
nobody else's: the feed is fetched without a login by the secret URL alone
(`CalendarFeed`), so it carries only titles, dates and a link.

Due dates are all-day events; a walk has its planned start and duration. The texts are
in the person's notification language. What lies more than LOOKBACK in the past is left
out, so the feed stays small.
"""

from __future__ import annotations

import datetime as dt

from django.conf import settings
from django.contrib.auth.models import User
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from icalendar import Calendar, Event

from cxlean.checklists.models import Assignment
from cxlean.competence.models import LEVEL_LETTERS, Goal
from cxlean.gemba.models import Walk, WalkStatus
from cxlean.notifications.mail import absolute, language_of
from cxlean.plans.models import Activity

LOOKBACK = dt.timedelta(days=90)


def uid(kind: str, pk: int) -> str:
    host = getattr(settings, "SITE_URL", "").split("//")[-1].strip("/") or "cxlean"
    return f"{kind}-{pk}@{host}"


def all_day(kind: str, pk: int, day: dt.date, summary: str, url: str, now) -> Event:
    event = Event()
    event.add("uid", uid(kind, pk))
    event.add("dtstamp", now)
    event.add("dtstart", day)
    event.add("dtend", day + dt.timedelta(days=1))
    event.add("summary", summary)
    event.add("url", absolute(url))
    event.add("transp", "TRANSPARENT")
    return event


def walk_event(walk: Walk, now) -> Event:
    event = Event()
    event.add("uid", uid("walk", walk.pk))
    event.add("dtstamp", now)
    event.add("dtstart", walk.planned_start)
    event.add("dtend", walk.planned_start + dt.timedelta(minutes=walk.duration_minutes))
    event.add("summary", _("Gemba walk: %(where)s") % {"where": walk.where})
    event.add("location", walk.where)
    event.add("url", absolute(reverse("gemba:detail", args=[walk.pk])))
    return event


def feed_events(user: User, now) -> list[Event]:
    since = timezone.localdate(now) - LOOKBACK
    events = []
    activities = Activity.objects.filter(
        owner=user, due_date__gte=since, status__in=Activity.OPEN_STATUSES
    ).select_related("phase")
    for activity in activities:
        events.append(
            all_day(
                "activity",
                activity.pk,
                activity.due_date,
                _("Due: %(title)s") % {"title": activity.title},
                reverse("plans:detail", args=[activity.phase.plan_id]) + f"#activity-{activity.pk}",
                now,
            )
        )
    walks = (
        Walk.objects.filter(Walk.objects.also_visible_to(user))
        .exclude(status=WalkStatus.CANCELLED)
        .filter(planned_start__date__gte=since)
        .select_related("touchpoint")
        .distinct()
    )
    events += [walk_event(walk, now) for walk in walks]
    assignments = (
        Assignment.objects.for_person(user).filter(due_date__gte=since).select_related("template")
    )
    for assignment in assignments:
        events.append(
            all_day(
                "checklist",
                assignment.pk,
                assignment.due_date,
                _("Checklist due: %(checklist)s") % {"checklist": assignment.template.title},
                reverse("checklists:assignment", args=[assignment.pk]),
                now,
            )
        )
    goals = Goal.objects.filter(plan__person=user, due_date__gte=since).select_related("activity")
    for goal in goals:
        events.append(
            all_day(
                "goal",
                goal.pk,
                goal.due_date,
                _("Trainee goal: %(activity)s at %(level)s")
                % {"activity": goal.activity.title, "level": LEVEL_LETTERS[goal.target_level]},
                reverse("competence:mine"),
                now,
            )
        )
    return events


def build_feed(user: User, now=None) -> bytes:
    """The person's calendar as an .ics file."""
    now = now or timezone.now()
    with translation.override(language_of(user)):
        calendar = Calendar()
        calendar.add("prodid", "-//cxlean//calendar feed//EN")
        calendar.add("version", "2.0")
        calendar.add("calscale", "GREGORIAN")
        calendar.add("method", "PUBLISH")
        calendar.add(
            "x-wr-calname",
            _("cxlean: %(person)s") % {"person": user.get_full_name() or user.username},
        )
        for event in feed_events(user, now):
            calendar.add_component(event)
        return calendar.to_ical()
