"""Competence data for reporting: the flat matrix (one row per person and activity,
made for Power BI) and Green Card progress for a page of people.

Both read in a fixed number of queries whatever the number of people or activities.
The matrix works in two passes: first the row keys of everyone in view, from ids only
(people, their CX roles, the requirements, which (person, activity) pairs have a
record), so the rows can be counted and paged; then the details of the rows on the
requested page only.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field

from django.contrib.auth.models import User
from django.db.models import Q, QuerySet
from django.utils import timezone

from cxlean.competence.models import (
    LEVEL_LETTERS,
    CompetenceActivity,
    GreenCard,
    Level,
    Record,
    Requirement,
    card_progress,
    latest_cards,
    requirements_by_role,
    unit_of,
)
from cxlean.core.names import display_name
from cxlean.org.models import CXRole, Profile, Unit
from cxlean.org.roles import coordinated_units, sees_everything


def people_in_view(user) -> QuerySet[User]:
    """Whose competence a user follows: their own; a coordinator's units; management
    and superusers everyone. (Trainers see single records, not whole people.)"""
    if not user.is_authenticated:
        return User.objects.none()
    people = User.objects.filter(profile__isnull=False)
    if sees_everything(user):
        return people
    return people.filter(Q(pk=user.pk) | Q(profile__unit__in=coordinated_units(user)))


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
        """The rows of these keys, with one query for their records."""
        keys = list(keys)
        today = today or timezone.localdate()
        records = {
            (record.person_id, record.activity_id): record
            for record in Record.objects.filter(
                person_id__in={person for person, _ in keys},
                activity_id__in={activity for _, activity in keys},
            ).order_by()
        }
        return [self.row(key, records.get(key), today) for key in keys]

    def row(self, key: tuple[int, int], record: Record | None, today: dt.date) -> dict:
        person, activity = self.people[key[0]], self.activities[key[1]]
        unit = person.profile.unit
        level = record.level if record else Level.NOT_STARTED
        effective = record.effective_level(today) if record else Level.NOT_STARTED
        self_level = record.self_level if record else Level.NOT_STARTED
        required = self.required.get(key)
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
            "level": level,
            "level_letter": LEVEL_LETTERS[level],
            "effective_level": effective,
            "required_level": required,
            "required_level_letter": LEVEL_LETTERS[required] if required else None,
            "meets_requirement": effective >= required if required else None,
            "self_level": self_level,
            "self_level_letter": LEVEL_LETTERS[self_level],
            "awaits_sign_off": record.awaits_sign_off if record else False,
            "signed_off_on": record.signed_off_on if record else None,
            "expires_on": record.expires_on if record else None,
            "expired": record.is_expired(today) if record else False,
        }


def build_matrix(
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
    people = people_in_view(user).filter(is_active=True)
    activities = CompetenceActivity.objects.select_related("area")
    if unit is not None:
        people = people.filter(profile__unit__path__startswith=unit.path)
    if role is not None:
        people = people.filter(profile__cx_roles=role)
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
