"""Competence data for reporting: the flat matrix (one row per person and activity,
made for Power BI) and Green Card progress for a page of people.

Both read in a fixed number of queries whatever the number of people or activities.
The matrix works in two passes: first the row keys of everyone in view, from ids only
(people, their CX roles, the requirements, which (person, activity) pairs have a
record), so the rows can be counted and paged; then the details of the rows on the
requested page only.

Nothing here has rules of its own: whose rows are in view is `people_visible_to`, the
filters narrow people as the web matrix does (`matrix.narrowed`), and each row is the
web matrix's cell (`matrix.records_of`, `matrix.make_cell`).
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field

from django.contrib.auth.models import User
from django.db.models import QuerySet
from django.utils import timezone

from cxlean.competence.matrix import NO_ENTRY, Cell, Entry, make_cell, narrowed, records_of
from cxlean.competence.models import (
    LEVEL_LETTERS,
    CompetenceActivity,
    GreenCard,
    Record,
    Requirement,
    card_progress,
    latest_cards,
    people_visible_to,
    requirements_by_role,
    unit_of,
)
from cxlean.core.names import display_name
from cxlean.org.models import CXRole, Profile, Unit


def people_in_view(user) -> QuerySet[User]:
    """Whose competence a user follows (`people_visible_to`), people in a unit only."""
    return people_visible_to(user).filter(profile__isnull=False)


# --- Green Card progress -----------------------------------------------------------------


def progress_of(people: Sequence[User], today: dt.date | None = None) -> list[dict]:
    """Green Card progress per CX role for each person, in four queries for the lot.

    The people must come with `profile__unit` selected and `profile__cx_roles`
    prefetched."""
    today = today or timezone.localdate()
    roles_of = {person.pk: list(person.profile.cx_roles.all()) for person in people}
    roles = {role.pk: role for held in roles_of.values() for role in held}
    wanted = requirements_by_role(list(roles.values()))
    records: dict[int, dict[int, Record]] = defaultdict(dict)
    for record in Record.objects.filter(person__in=people):
        records[record.person_id][record.activity_id] = record
    cards: dict[int, list[GreenCard]] = defaultdict(list)
    for card in GreenCard.objects.filter(person__in=people).select_related("role"):
        cards[card.person_id].append(card)  # newest first: GreenCard's ordering
    progress = []
    for person in people:
        latest = latest_cards(cards[person.pk])
        unit = unit_of(person)
        progress.append(
            {
                "person": person,
                "person_name": display_name(person),
                "unit": unit.pk if unit else None,
                "unit_name": unit.name if unit else None,
                "cards": [
                    card_progress(
                        role=role,
                        requirements=wanted[role.pk],
                        records=records[person.pk],
                        card=latest.get(role.pk),
                        today=today,
                    )
                    for role in roles_of[person.pk]
                ],
            }
        )
    return progress


# --- the flat matrix ---------------------------------------------------------------------


@dataclass
class Matrix:
    """Row keys (person id, activity id) in order, and what is needed to fill a row."""

    keys: list[tuple[int, int]] = field(default_factory=list)
    people: dict[int, User] = field(default_factory=dict)
    activities: dict[int, CompetenceActivity] = field(default_factory=dict)
    required: dict[tuple[int, int], int] = field(default_factory=dict)

    def rows(self, keys: Iterable[tuple[int, int]], today: dt.date | None = None) -> list[dict]:
        """The rows of these keys, with one query for their records. Each row's values
        are the web matrix's cell (`make_cell`): the same levels, expiry, waiting and
        requirement."""
        keys = list(keys)
        today = today or timezone.localdate()
        entries = records_of(
            [person for person, _ in keys], activity_ids=[activity for _, activity in keys]
        )
        return [
            self.row(
                make_cell(
                    person,
                    activity,
                    entries[person].get(activity, NO_ENTRY),
                    self.required.get((person, activity)),
                    today,
                ),
                entries[person].get(activity),
            )
            for person, activity in keys
        ]

    def row(self, cell: Cell, entry: Entry | None) -> dict:
        person, activity = self.people[cell.person_id], self.activities[cell.activity_id]
        unit = person.profile.unit
        required = cell.required
        return {
            "person": person.pk,
            "person_name": display_name(person),
            "unit": unit.pk,
            "unit_name": unit.name,
            "activity": activity.pk,
            "activity_code": activity.code,
            "activity_title": activity.title,
            "area": activity.area_id,
            "area_name": activity.area.name,
            "level": cell.level,
            "level_letter": LEVEL_LETTERS[cell.level],
            "effective_level": cell.effective,
            "required_level": required,
            "required_level_letter": LEVEL_LETTERS[required] if required else None,
            "meets_requirement": not cell.below if required else None,
            "self_level": cell.self_level,
            "self_level_letter": LEVEL_LETTERS[cell.self_level],
            "awaits_sign_off": cell.waiting,
            "signed_off_on": entry.signed_off_on if entry else None,
            "expires_on": entry.expires_on if entry else None,
            "expired": cell.expired,
        }


def flat_matrix(
    user,
    *,
    unit: Unit | None = None,
    role: CXRole | None = None,
    area=None,
    activity: CompetenceActivity | None = None,
    person: User | None = None,
) -> Matrix:
    """Every (person, activity) pair in view that the person's CX roles require or that
    has a record, people by unit then name, activities in catalogue order.

    `role` narrows to the people holding it and the activities it requires; the
    required level stays the highest across all of a person's roles."""
    people = narrowed(people_in_view(user).filter(is_active=True), unit=unit, role=role)
    activities = CompetenceActivity.objects.select_related("area")
    if role is not None:
        activities = activities.filter(requirements__role=role)
    if person is not None:
        people = people.filter(pk=person.pk)
    if area is not None:
        activities = activities.filter(area=area)
    if activity is not None:
        activities = activities.filter(pk=activity.pk)
    in_view = people.values("pk")

    matrix = Matrix()
    matrix.activities = {a.pk: a for a in activities}
    position = {activity_id: index for index, activity_id in enumerate(matrix.activities)}
    matrix.people = {
        p.pk: p
        for p in User.objects.filter(pk__in=in_view)
        .select_related("profile__unit")
        .only("first_name", "last_name", "username", "profile__unit__name")
        .order_by("profile__unit__path", "first_name", "last_name", "pk")
    }
    required_by_role: dict[int, dict[int, int]] = defaultdict(dict)
    # order_by(): no sorting (nor the joins Meta.ordering brings) for id lists.
    for role_id, activity_id, level in (
        Requirement.objects.filter(activity_id__in=position)
        .order_by()
        .values_list("role_id", "activity_id", "level")
    ):
        required_by_role[role_id][activity_id] = level
    for person_id, role_id in (
        Profile.cx_roles.through.objects.filter(profile__user__in=in_view)
        .order_by()
        .values_list("profile__user_id", "cxrole_id")
    ):
        for activity_id, level in required_by_role[role_id].items():
            key = (person_id, activity_id)
            matrix.required[key] = max(level, matrix.required.get(key, 0))
    recorded = set(
        Record.objects.filter(person__in=in_view, activity_id__in=position)
        .order_by()
        .values_list("person_id", "activity_id")
    )
    activities_of: dict[int, set[int]] = defaultdict(set)
    for person_id, activity_id in recorded.union(matrix.required):
        activities_of[person_id].add(activity_id)
    matrix.keys = [
        (person_id, activity_id)
        for person_id in matrix.people
        for activity_id in sorted(activities_of[person_id], key=position.__getitem__)
    ]
    return matrix
