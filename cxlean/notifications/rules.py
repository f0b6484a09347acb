"""The reminder rules: who should be reminded of what, now.

Each rule reads the database in batches of `BATCH_SIZE` subjects (a bounded number of
queries per batch, whatever the number of people) and yields lists of `Candidate`s. A
candidate's `key` names the rule, the subject, the date or state that makes it due and
the person, so it is reminded of once: a due date that moves makes a new key, the same
due date never reminds twice (`cxlean.notifications.sweep` records the keys).

Who the coordinators of a unit are: the Lean coordinators nearest above it — those of
the unit itself, else of the closest unit above that has any (`Coordinators`). A
coordinator of the whole company is therefore reminded of a team's sign-offs only when
nobody coordinates the team or its department: the people closest to the work act.
Whether a recipient gets anything at all (active, not management only) is decided by the
sweep for every rule alike.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field

from django.contrib.auth.models import User
from django.db.models import Model, QuerySet
from django.urls import reverse

from cxlean.backlog.models import Item, Status
from cxlean.checklists.models import Assignment
from cxlean.checklists.progress import (
    ASSIGNMENT_RELATED,
    Progress,
    done_counts,
    item_totals,
    people_of,
    role_holders,
)
from cxlean.competence.models import LEVEL_LETTERS, GreenCard, Record, expiry_warning_days
from cxlean.core.names import display_name
from cxlean.gemba.models import Walk
from cxlean.notifications.models import Kind
from cxlean.notifications.texts import Bilingual
from cxlean.org.models import Profile
from cxlean.org.roles import COORDINATOR
from cxlean.plans.models import Activity

BATCH_SIZE = 500
DUE_SOON_DAYS = 3
WALK_NOTICE = dt.timedelta(days=1)


@dataclass(frozen=True)
class Candidate:
    """Remind `user_id` of `subject` once, under `key`."""

    user_id: int
    kind: str
    key: str
    subject: Model
    params: dict
    url: Callable[[], str]  # worked out only for the reminders actually sent


class Coordinators:
    """The active Lean coordinators by unit, read once per sweep (one query)."""

    def __init__(self) -> None:
        self.by_path: dict[str, list[int]] = defaultdict(list)
        rows = Profile.objects.filter(
            user__is_active=True, user__groups__name=COORDINATOR
        ).values_list("user_id", "unit__path")
        for user_id, path in rows:
            self.by_path[path].append(user_id)
        self._nearest: dict[str, list[int]] = {}

    def nearest(self, path: str) -> list[int]:
        """The coordinators of the unit at `path`, or of the closest unit above it."""
        if path not in self._nearest:
            found: list[int] = []
            ids = [part for part in path.strip("/").split("/") if part]
            while ids and not found:
                found = self.by_path.get("/" + "/".join(ids) + "/", [])
                ids.pop()
            self._nearest[path] = found
        return self._nearest[path]

    def of_person(self, profile: Profile | None) -> list[int]:
        return self.nearest(profile.unit.path) if profile is not None else []


@dataclass
class Context:
    now: dt.datetime
    today: dt.date
    coordinators: Coordinators = field(default_factory=Coordinators)


def link(name: str, pk: int, anchor: str = "") -> Callable[[], str]:
    return lambda: reverse(name, args=[pk]) + anchor


def key(rule: str, subject_id: int, state, user_id: int) -> str:
    return f"{rule}:{subject_id}:{state}:{user_id}"


def in_batches(queryset: QuerySet, size: int = BATCH_SIZE) -> Iterator[list]:
    """Keyset pagination by primary key: one query per batch, however deep."""
    last = 0
    while True:
        batch = list(queryset.filter(pk__gt=last).order_by("pk")[:size])
        if batch:
            yield batch
        if len(batch) < size:
            return
        last = batch[-1].pk


def profile_of(user: User) -> Profile | None:
    try:
        return user.profile
    except Profile.DoesNotExist:
        return None


# --- rollout plans -----------------------------------------------------------------------


def activity_url(activity: Activity) -> Callable[[], str]:
    return link("plans:detail", activity.phase.plan_id, f"#activity-{activity.pk}")


def activity_params(activity: Activity) -> dict:
    return {"title": activity.title, "plan": activity.phase.plan.name, "due": activity.due_date}


def activities_due_soon(context: Context) -> Iterator[list[Candidate]]:
    """Open activities due within `DUE_SOON_DAYS` → their owner."""
    activities = Activity.objects.filter(
        status__in=Activity.OPEN_STATUSES,
        owner__isnull=False,
        due_date__gte=context.today,
        due_date__lte=context.today + dt.timedelta(days=DUE_SOON_DAYS),
    ).select_related("phase__plan")
    for batch in in_batches(activities):
        yield [
            Candidate(
                activity.owner_id,
                Kind.ACTIVITY_DUE_SOON,
                key("activity-due-soon", activity.pk, activity.due_date, activity.owner_id),
                activity,
                activity_params(activity),
                activity_url(activity),
            )
            for activity in batch
        ]


def activities_late(context: Context) -> Iterator[list[Candidate]]:
    """Open activities past their due date → the owner and the plan's coordinator."""
    activities = Activity.objects.late(context.today).select_related("phase__plan")
    for batch in in_batches(activities):
        yield [
            Candidate(
                user_id,
                Kind.ACTIVITY_LATE,
                key("activity-late", activity.pk, activity.due_date, user_id),
                activity,
                activity_params(activity),
                activity_url(activity),
            )
            for activity in batch
            for user_id in {activity.owner_id, activity.phase.plan.coordinator_id} - {None}
        ]


# --- competence --------------------------------------------------------------------------


def sign_offs_waiting(context: Context) -> Iterator[list[Candidate]]:
    """Records awaiting a sign-off → the coordinators of the person's unit.

    The key holds the signed-off and the requested level: a new request (after a sign-off
    or at another level) reminds again, while adding evidence to the same request does
    not. (The record's `updated_at` would change with every edit of the evidence.)"""
    records = (
        Record.objects.awaiting_sign_off()
        .filter(person__is_active=True)
        .select_related("person__profile__unit", "activity")
    )
    for batch in in_batches(records):
        candidates = []
        for record in batch:
            state = f"{record.level}-{record.self_level}"
            params = {
                "person": display_name(record.person),
                "activity": Bilingual(record.activity.title_sv, record.activity.title_en),
                "level": LEVEL_LETTERS[record.self_level],
            }
            url = link("competence:record", record.pk)
            for user_id in context.coordinators.of_person(profile_of(record.person)):
                if user_id != record.person_id:
                    candidates.append(
                        Candidate(
                            user_id,
                            Kind.SIGN_OFF_WAITING,
                            key("sign-off-waiting", record.pk, state, user_id),
                            record,
                            params,
                            url,
                        )
                    )
        yield candidates


def green_cards(context: Context) -> Iterator[list[Candidate]]:
    """A person's current Green Card expiring within the warning days, or expired within
    as many days → the holder and the coordinators of their unit, once per card and
    expiry date. A card renewed since (a newer card for the same role) reminds no one;
    cards that expired long ago are history, not news."""
    warning = dt.timedelta(days=expiry_warning_days())
    cards = GreenCard.objects.filter(
        person__is_active=True,
        expires_on__gte=context.today - warning,
        expires_on__lte=context.today + warning,
    ).select_related("person__profile__unit")
    for batch in in_batches(cards):
        current = current_cards({card.person_id for card in batch})
        candidates = []
        for card in batch:
            if current.get((card.person_id, card.role_id)) != card.pk:
                continue
            expired = card.expires_on < context.today
            kind = Kind.CARD_EXPIRED if expired else Kind.CARD_EXPIRING
            rule = "card-expired" if expired else "card-expiring"
            params = {
                "number": card.number,
                "person": display_name(card.person),
                "expires": card.expires_on,
            }
            coordinators = context.coordinators.of_person(profile_of(card.person))
            for user_id in {card.person_id, *coordinators}:
                url = (
                    link("competence:certificate", card.pk)
                    if user_id == card.person_id
                    else link("competence:person", card.person_id)
                )
                candidates.append(
                    Candidate(
                        user_id,
                        kind,
                        key(rule, card.pk, card.expires_on, user_id),
                        card,
                        params,
                        url,
                    )
                )
        yield candidates


def current_cards(person_ids: set[int]) -> dict[tuple[int, int | None], int]:
    """(person, role) → the id of the newest card (issued last): one query."""
    rows = (
        GreenCard.objects.filter(person__in=person_ids)
        .order_by("issued_on", "pk")
        .values_list("person_id", "role_id", "pk")
    )
    return {(person_id, role_id): pk for person_id, role_id, pk in rows}


# --- checklists --------------------------------------------------------------------------


def checklists_overdue(context: Context) -> Iterator[list[Candidate]]:
    """Checklists past their due date that a person has not ticked off completely →
    that person (`cxlean.checklists.progress` decides who an assignment reaches)."""
    assignments = Assignment.objects.overdue_candidates(context.today).select_related(
        *ASSIGNMENT_RELATED
    )
    for batch in in_batches(assignments, BATCH_SIZE // 5):
        totals = item_totals({assignment.template_id for assignment in batch})
        for_roles = [assignment for assignment in batch if assignment.role_id]
        holders = role_holders(
            {assignment.role_id for assignment in for_roles},
            {assignment.unit for assignment in for_roles},
        )
        done = done_counts([assignment.pk for assignment in batch])
        candidates = []
        for assignment in batch:
            template = assignment.template
            for profile in people_of(assignment, holders):
                progress = Progress(
                    done=done.get((assignment.pk, profile.user_id), 0),
                    total=totals.get(assignment.template_id, 0),
                    due_date=assignment.due_date,
                    today=context.today,
                )
                if not progress.overdue:
                    continue
                candidates.append(
                    Candidate(
                        profile.user_id,
                        Kind.CHECKLIST_OVERDUE,
                        key(
                            "checklist-overdue", assignment.pk, assignment.due_date, profile.user_id
                        ),
                        assignment,
                        {
                            "checklist": Bilingual(template.title_sv, template.title_en),
                            "due": assignment.due_date,
                            "done": progress.done,
                            "total": progress.total,
                        },
                        link("checklists:assignment", assignment.pk),
                    )
                )
        yield candidates


# --- Gemba walks -------------------------------------------------------------------------


def walks_upcoming(context: Context) -> Iterator[list[Candidate]]:
    """Planned walks starting within the next day → the leader and the participants.
    The key holds the planned start: a walk moved to another time reminds again."""
    walks = (
        Walk.objects.planned()
        .filter(planned_start__gt=context.now, planned_start__lte=context.now + WALK_NOTICE)
        .select_related("unit", "touchpoint")
    )
    for batch in in_batches(walks):
        participants = defaultdict(set)
        for walk_id, user_id in Walk.participants.through.objects.filter(
            walk__in=[walk.pk for walk in batch]
        ).values_list("walk_id", "user_id"):
            participants[walk_id].add(user_id)
        candidates = []
        for walk in batch:
            params = {
                "where": walk.where,
                "unit": walk.unit.name,
                "start": walk.planned_start,
                "minutes": walk.duration_minutes,
            }
            state = int(walk.planned_start.timestamp())
            for user_id in {walk.leader_id, *participants[walk.pk]}:
                candidates.append(
                    Candidate(
                        user_id,
                        Kind.WALK_UPCOMING,
                        key("walk-upcoming", walk.pk, state, user_id),
                        walk,
                        params,
                        link("gemba:detail", walk.pk),
                    )
                )
        yield candidates


# --- the improvement backlog -------------------------------------------------------------


def improvements_overdue(context: Context) -> Iterator[list[Candidate]]:
    """Open improvements past their due date → the owner, or the coordinators of the
    item's unit when it has no owner."""
    items = Item.objects.overdue(context.today).select_related("unit")
    for batch in in_batches(items):
        candidates = []
        for item in batch:
            people = (
                [item.owner_id] if item.owner_id else context.coordinators.nearest(item.unit.path)
            )
            params = {
                "title": item.title,
                "due": item.due_date,
                "status": Status(item.status).label,
            }
            for user_id in people:
                candidates.append(
                    Candidate(
                        user_id,
                        Kind.IMPROVEMENT_OVERDUE,
                        key("improvement-overdue", item.pk, item.due_date, user_id),
                        item,
                        params,
                        link("backlog:detail", item.pk),
                    )
                )
        yield candidates


RULES: list[Callable[[Context], Iterator[list[Candidate]]]] = [
    activities_due_soon,
    activities_late,
    sign_offs_waiting,
    green_cards,
    checklists_overdue,
    walks_upcoming,
    improvements_overdue,
]
