"""Progress on assigned checklists, per person and assignment, in a constant number of
queries whatever the number of people, assignments and items.

A role assignment's people are worked out here rather than stored (see
`cxlean.checklists.models`): one query finds everyone holding the assignments' roles,
and each assignment keeps those working in its unit or below it. Done counts come in
one grouped query, item totals in another.

Who sees whose progress: everyone their own; coordinators the people working in the
units they coordinate (whichever unit the assignment was made in); management and
superusers everyone.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from dataclasses import dataclass, field

from django.contrib.auth.models import User
from django.db.models import Count, F, Q, QuerySet

from cxlean.checklists.models import (
    Assignment,
    ChecklistTemplate,
    Completion,
    TemplateItem,
    own_unit,
)
from cxlean.core.names import display_name
from cxlean.org.models import CXRole, Profile, Unit
from cxlean.org.roles import is_coordinator, sees_everything

ASSIGNMENT_RELATED = ["template__role", "template__step", "unit", "role", "person__profile__unit"]


@dataclass(frozen=True)
class Progress:
    """Done items out of the checklist's items, against the due date."""

    done: int
    total: int
    due_date: dt.date
    today: dt.date

    @property
    def complete(self) -> bool:
        return self.done >= self.total

    @property
    def overdue(self) -> bool:
        """The due date has passed and not every item is ticked off."""
        return not self.complete and self.due_date < self.today

    @property
    def days_overdue(self) -> int:
        return (self.today - self.due_date).days if self.overdue else 0

    @property
    def percent(self) -> int:
        """Whole per cent, rounded down: 100 only when everything is done."""
        return 100 if self.complete else 100 * self.done // self.total


@dataclass(frozen=True)
class ProgressRow:
    """One person on one assignment."""

    assignment: Assignment
    person: User
    unit: Unit | None  # the person's unit
    progress: Progress

    @property
    def role(self) -> CXRole:
        """The role the checklist is for: the one assigned to, else the template's."""
        return self.assignment.role or self.assignment.template.role


# --- who sees whose progress -------------------------------------------------------------


def followed_assignments(user) -> QuerySet[Assignment]:
    """The assignments whose progress `user` may follow (some of their rows at least):
    everything for management; a coordinator's units' assignments and role assignments
    made above them (they reach into their units); the assignments reaching the user."""
    assignments = Assignment.objects.all()
    if not user.is_authenticated:
        return assignments.none()
    if sees_everything(user):
        return assignments
    return assignments.visible_to(user)


def row_filter(user):
    """A test on (person, unit) telling whether `user` may see that person's progress."""
    if sees_everything(user):
        return lambda person, unit: True
    home = own_unit(user) if is_coordinator(user) else None

    def may_see(person: User, unit: Unit | None) -> bool:
        if person.pk == user.pk:
            return True
        return home is not None and unit is not None and unit.is_within(home)

    return may_see


# --- rows --------------------------------------------------------------------------------


def item_totals(template_ids: set[int]) -> dict[int, int]:
    return dict(
        TemplateItem.objects.filter(template__in=template_ids)
        .order_by()
        .values_list("template")
        .annotate(n=Count("pk"))
    )


def done_counts(assignment_ids: list[int], people: set[int] | None = None) -> dict[tuple, int]:
    """(assignment id, person id) → items ticked off, for items still on the template."""
    completions = Completion.objects.filter(
        assignment__in=assignment_ids, done=True, item__template=F("assignment__template")
    )
    if people is not None:
        completions = completions.filter(person__in=people)
    rows = completions.order_by().values_list("assignment", "person").annotate(n=Count("pk"))
    return {(assignment, person): n for assignment, person, n in rows}


def role_holders(role_ids: set[int], units: set[Unit]) -> dict[int, list[Profile]]:
    """Active people holding each role and working in one of `units` or below, with
    their units: one query."""
    within = Q()
    for path in {unit.path for unit in units}:
        within |= Q(profile__unit__path__startswith=path)
    through = Profile.cx_roles.through
    holdings = (
        through.objects.filter(within, cxrole__in=role_ids, profile__user__is_active=True)
        .select_related("profile__user", "profile__unit")
        .order_by("profile__user__first_name", "profile__user__last_name", "profile__user_id")
    )
    holders: dict[int, list[Profile]] = defaultdict(list)
    for holding in holdings:
        holders[holding.cxrole_id].append(holding.profile)
    return holders


def people_of(assignment: Assignment, holders: dict[int, list[Profile]]) -> list[Profile]:
    person = assignment.person
    if person is not None:
        profile = getattr(person, "profile", None)
        if not person.is_active or profile is None:
            return []
        return [profile]
    if assignment.role_id is None:
        return []
    return [
        profile
        for profile in holders.get(assignment.role_id, [])
        if profile.unit.is_within(assignment.unit)
    ]


def progress_rows(
    assignments: QuerySet[Assignment],
    *,
    viewer,
    today: dt.date,
    people: set[int] | None = None,
) -> list[ProgressRow]:
    """One row per person the assignments reach now and `viewer` may follow (only
    `people` when given), ordered by due date, checklist and name."""
    loaded = list(assignments.select_related(*ASSIGNMENT_RELATED).order_by("due_date", "pk"))
    if not loaded:
        return []
    totals = item_totals({assignment.template_id for assignment in loaded})
    for_roles = [assignment for assignment in loaded if assignment.role_id]
    holders = role_holders(
        {assignment.role_id for assignment in for_roles if assignment.role_id},
        {assignment.unit for assignment in for_roles},
    )
    done = done_counts([assignment.pk for assignment in loaded], people)
    may_see = row_filter(viewer)
    rows = []
    for assignment in loaded:
        for profile in people_of(assignment, holders):
            person = profile.user
            if people is not None and person.pk not in people:
                continue
            if not may_see(person, profile.unit):
                continue
            progress = Progress(
                done=done.get((assignment.pk, person.pk), 0),
                total=totals.get(assignment.template_id, 0),
                due_date=assignment.due_date,
                today=today,
            )
            rows.append(ProgressRow(assignment, person, profile.unit, progress))
    return rows


def progress_for(user, today: dt.date) -> list[ProgressRow]:
    return progress_rows(followed_assignments(user), viewer=user, today=today)


# --- summaries per person, role and unit -------------------------------------------------


@dataclass
class Summary:
    """Checklists of a group (a person, a role, a unit): how far along, how many late."""

    key: object
    label: str
    sort: tuple = ()
    people: set = field(default_factory=set)
    checklists: int = 0
    complete: int = 0
    overdue: int = 0
    done: int = 0
    total: int = 0
    depth: int = 0

    def add(self, row: ProgressRow) -> None:
        self.people.add(row.person.pk)
        self.checklists += 1
        self.complete += row.progress.complete
        self.overdue += row.progress.overdue
        self.done += min(row.progress.done, row.progress.total)
        self.total += row.progress.total

    @property
    def percent(self) -> int:
        if self.total == 0 or self.done >= self.total:
            return 100
        return 100 * self.done // self.total

    @property
    def people_count(self) -> int:
        return len(self.people)


def overall(rows: list[ProgressRow]) -> Summary:
    summary = Summary(key=None, label="")
    for row in rows:
        summary.add(row)
    return summary


def summarise(rows: list[ProgressRow], by: str) -> list[Summary]:
    """Totals per "person", "role" or "unit" (the person's unit)."""
    groups: dict[object, Summary] = {}
    key: object
    sort: tuple
    for row in rows:
        if by == "person":
            key, label = row.person.pk, display_name(row.person)
            sort, depth = (label.casefold(),), 0
        elif by == "role":
            role = row.role
            key, label, sort, depth = role.pk, str(role), (role.order, role.slug), 0
        else:
            unit = row.unit
            key, label = (unit.pk, unit.name) if unit else (None, "–")
            sort, depth = ((unit.path,) if unit else ("",)), (unit.depth if unit else 0)
        summary = groups.get(key)
        if summary is None:
            summary = groups[key] = Summary(key=key, label=label, sort=sort, depth=depth)
        summary.add(row)
    return sorted(groups.values(), key=lambda summary: summary.sort)


# --- one person's checklists -------------------------------------------------------------


@dataclass(frozen=True)
class ItemState:
    item: TemplateItem
    completion: Completion | None

    @property
    def done(self) -> bool:
        return bool(self.completion and self.completion.done)

    @property
    def has_evidence(self) -> bool:
        return bool(self.completion and self.completion.evidence)

    @property
    def blocked(self) -> bool:
        """Needs evidence that is not there yet: ticking it off is refused."""
        return self.item.needs_evidence and not self.has_evidence


@dataclass(frozen=True)
class Checklist:
    """An assignment as its assignee works through it."""

    assignment: Assignment
    items: list[ItemState]
    progress: Progress


def checklist_of(
    assignment: Assignment, items: list[TemplateItem], completions: dict, today: dt.date
) -> Checklist:
    states = [ItemState(item, completions.get((assignment.pk, item.pk))) for item in items]
    done = sum(state.done for state in states)
    return Checklist(assignment, states, Progress(done, len(states), assignment.due_date, today))


def checklists_of(
    person, today: dt.date, assignments: QuerySet[Assignment] | None = None
) -> list[Checklist]:
    """The person's checklists with each item's state: open ones first, by due date."""
    if assignments is None:
        assignments = Assignment.objects.for_person(person)
    loaded = list(
        assignments.select_related("template__role", "template__step", "unit", "role", "person")
        .prefetch_related("template__items")
        .order_by("due_date", "pk")
    )
    completions = {
        (completion.assignment_id, completion.item_id): completion
        for completion in Completion.objects.filter(
            person=person, assignment__in=[assignment.pk for assignment in loaded]
        )
    }
    checklists = [
        checklist_of(assignment, list(assignment.template.items.all()), completions, today)
        for assignment in loaded
    ]
    return sorted(checklists, key=lambda checklist: checklist.progress.complete)


def templates_with_items() -> QuerySet[ChecklistTemplate]:
    return ChecklistTemplate.objects.select_related("role", "step").prefetch_related("items")


def in_units(assignments: QuerySet[Assignment], unit: Unit) -> QuerySet[Assignment]:
    """Assignments that may reach people in `unit` and below: made there or below, or
    role assignments made in a unit above it."""
    return assignments.filter(
        Q(unit__path__startswith=unit.path) | Q(role__isnull=False, unit__in=unit.line)
    )
