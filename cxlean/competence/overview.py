"""One person's competence at a glance: every activity of the catalogue grouped by area
with what their roles require and where they stand, their Green Card progress per CX
role, and their trainee plan laid out as a timeline.

Read by "My competence" and by a person's page for coordinators. Everything is fetched
in a fixed handful of queries (catalogue, requirements, records, cards, plan with its
goals) and put together in memory, so the page costs the same for any catalogue size.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

from django.db.models import Prefetch

from cxlean.competence.models import (
    Area,
    CardProgress,
    CardStatus,
    CompetenceActivity,
    Goal,
    GreenCard,
    Level,
    Record,
    TraineePlan,
    card_progress,
    latest_cards,
    requirements_by_role,
)
from cxlean.org.models import CXRole


@dataclass(frozen=True)
class ActivityRow:
    """An activity as one person stands in it."""

    activity: CompetenceActivity
    record: Record | None
    required: int | None  # the highest level any of the person's roles requires
    today: dt.date

    @property
    def level(self) -> int:
        return self.record.level if self.record else Level.NOT_STARTED

    @property
    def self_level(self) -> int:
        return self.record.self_level if self.record else Level.NOT_STARTED

    @property
    def expired(self) -> bool:
        return bool(self.record and self.record.level and self.record.is_expired(self.today))

    @property
    def effective_level(self) -> int:
        return self.record.effective_level(self.today) if self.record else Level.NOT_STARTED

    @property
    def signed_off(self) -> bool:
        return bool(self.record and self.record.level and self.record.signed_off_on)

    @property
    def awaits_sign_off(self) -> bool:
        return bool(self.record and self.record.awaits_sign_off)

    @property
    def is_rejected(self) -> bool:
        return bool(self.record and self.record.is_rejected)

    @property
    def meets_requirement(self) -> bool:
        return self.required is not None and self.effective_level >= self.required

    @property
    def next_level(self) -> int | None:
        """What one click on "raise" asks for; None at O."""
        return self.self_level + 1 if self.self_level < Level.O else None

    @property
    def has_evidence(self) -> bool:
        record = self.record
        return bool(
            record and (record.evidence_text or record.evidence_link or record.evidence_file)
        )


@dataclass(frozen=True)
class AreaSection:
    area: Area
    rows: list[ActivityRow]


@dataclass(frozen=True)
class GoalItem:
    """A trainee-plan goal with where the trainee stands in it today."""

    goal: Goal
    record: Record | None
    reached: bool
    late: bool
    current_level: int


@dataclass(frozen=True)
class PlanTimeline:
    plan: TraineePlan
    items: list[GoalItem]
    today: dt.date
    # Goals due before today come before the "today" marker on the timeline.
    past: list[GoalItem] = field(default_factory=list)
    upcoming: list[GoalItem] = field(default_factory=list)

    @property
    def late_count(self) -> int:
        return sum(item.late for item in self.items)

    @property
    def reached_count(self) -> int:
        return sum(item.reached for item in self.items)


@dataclass(frozen=True)
class Overview:
    person: object
    roles: list[CXRole]
    sections: list[AreaSection]
    cards: list[CardProgress]
    timeline: PlanTimeline | None
    today: dt.date

    @property
    def rows(self) -> list[ActivityRow]:
        return [row for section in self.sections for row in section.rows]

    @property
    def waiting_count(self) -> int:
        return sum(row.awaits_sign_off for row in self.rows)


def person_records(person) -> dict[int, Record]:
    records = Record.objects.filter(person=person).select_related("signed_off_by", "rejected_by")
    return {record.activity_id: record for record in records}


def person_roles(person) -> list[CXRole]:
    profile = getattr(person, "profile", None)
    return list(profile.cx_roles.all()) if profile else []


def person_overview(person, today: dt.date) -> Overview:
    roles = person_roles(person)
    wanted = requirements_by_role(roles)
    records = person_records(person)
    activities = CompetenceActivity.objects.select_related("area")
    return Overview(
        person=person,
        roles=roles,
        sections=area_sections(activities, records, wanted[None], today),
        cards=card_rows(person, roles, wanted, records, today),
        timeline=trainee_timeline(person, records, today),
        today=today,
    )


def area_sections(
    activities, records: dict[int, Record], required: dict[int, int], today: dt.date
) -> list[AreaSection]:
    """Activities grouped by area in catalogue order; areas without activities drop out
    because they never appear."""
    sections: dict[int, AreaSection] = {}
    for activity in activities:
        section = sections.setdefault(activity.area_id, AreaSection(activity.area, []))
        section.rows.append(
            ActivityRow(activity, records.get(activity.pk), required.get(activity.pk), today)
        )
    return list(sections.values())


def activity_row(person, activity: CompetenceActivity, today: dt.date) -> ActivityRow:
    """One row afresh (the answer to a one-click raise)."""
    wanted = requirements_by_role(person_roles(person))[None]
    record = (
        Record.objects.filter(person=person, activity=activity)
        .select_related("signed_off_by", "rejected_by")
        .first()
    )
    return ActivityRow(activity, record, wanted.get(activity.pk), today)


def card_rows(
    person,
    roles: list[CXRole],
    wanted: dict[int | None, dict[int, int]],
    records: dict[int, Record],
    today: dt.date,
) -> list[CardProgress]:
    """Progress per CX role. The card for the concept as a whole is listed too when it
    differs from a single role's (more than one role) or when the person holds one."""
    cards = latest_cards(GreenCard.objects.filter(person=person).select_related("issued_by"))
    keys: list[CXRole | None] = list(roles)
    if len(roles) > 1 or None in cards:
        keys.append(None)
    progress = []
    for role in keys:
        key = role.pk if role else None
        progress.append(
            card_progress(
                role=role,
                requirements=wanted.get(key, {}),
                records=records,
                card=cards.get(key),
                today=today,
            )
        )
    return progress


def trainee_timeline(person, records: dict[int, Record], today: dt.date) -> PlanTimeline | None:
    plan = (
        TraineePlan.objects.filter(person=person)
        .select_related("mentor")
        .prefetch_related(Prefetch("goals", Goal.objects.select_related("activity")))
        .first()
    )
    if plan is None:
        return None
    items = [goal_item(goal, records.get(goal.activity_id), today) for goal in plan.goals.all()]
    return PlanTimeline(
        plan=plan,
        items=items,
        today=today,
        past=[item for item in items if item.goal.due_date < today],
        upcoming=[item for item in items if item.goal.due_date >= today],
    )


def goal_item(goal: Goal, record: Record | None, today: dt.date) -> GoalItem:
    return GoalItem(
        goal=goal,
        record=record,
        reached=goal.is_reached(record, today),
        late=goal.is_late(record, today),
        current_level=record.effective_level(today) if record else Level.NOT_STARTED,
    )


def issuable(progress: CardProgress) -> bool:
    """A coordinator can issue (or renew) the card: everything is signed off. An expired
    or expiring card whose requirements still hold can be renewed as well."""
    if progress.status == CardStatus.READY:
        return True
    return progress.status in (CardStatus.EXPIRING, CardStatus.EXPIRED) and (
        progress.required > 0 and progress.done == progress.required
    )
