"""Competence data for reporting: the flat matrix (one row per person and activity,
made for Power BI) and Green Card progress for a page of people.

Both read in a fixed number of queries whatever the number of people or activities.
The flat matrix is the web matrix's (`matrix.MatrixSource`) flattened, in two passes:
first the keys of the cells that are required or recorded, for everyone in view and
from ids only (`MatrixSource.present_cells`), so the rows can be counted and paged;
then the matrix's rows (`build_rows`) of the people and activities on the requested
page only, one flat row per cell asked for.

Nothing here has rules of its own: whose rows are in view is `people_visible_to`
(`matrix.people_in_view`), the filters narrow people as the web matrix does, and each
row is the web matrix's cell.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from django.contrib.auth.models import User
from django.utils import timezone

from cxlean.competence.matrix import (
    Cell,
    MatrixSource,
    RoleRequirements,
    matrix_source,
    people_in_view,
)
from cxlean.competence.models import (
    LEVEL_LETTERS,
    CompetenceActivity,
    GreenCard,
    Record,
    card_progress,
    latest_cards,
    requirements_by_role,
    unit_of,
)
from cxlean.core.names import display_name
from cxlean.org.models import CXRole, Unit

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
class FlatMatrix:
    """The matrix (`MatrixSource`) flattened: one row per cell that is required or
    recorded. `keys` are the cells of everyone in view, in order, to count and page;
    `rows` reads the cells of one page."""

    source: MatrixSource
    people: dict[int, User]
    requirements: RoleRequirements
    keys: list[tuple[int, int]]

    def rows(self, keys: Iterable[tuple[int, int]]) -> list[dict]:
        """The rows of these keys: the matrix's rows of their people in their
        activities (`build_rows`: the web's cells, with the same levels, expiry,
        waiting and requirement), one per cell asked for. One query: the records."""
        keys = list(keys)
        wanted = set(keys)
        persons = [self.people[pk] for pk in dict.fromkeys(person for person, _ in keys)]
        activities = {activity for _, activity in keys}
        activity_ids = [pk for pk in self.source.activity_ids if pk in activities]
        by_id = {activity.pk: activity for activity in self.source.activities}
        rows = self.source.rows(
            persons, activity_ids, cells_only=True, requirements=self.requirements
        )
        return [
            flat_row(row.person, by_id[cell.activity_id], cell)
            for row in rows
            for cell in row.cells
            if (cell.person_id, cell.activity_id) in wanted
        ]


def flat_row(person: User, activity: CompetenceActivity, cell: Cell) -> dict:
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
        "signed_off_on": cell.entry.signed_off_on,
        "expires_on": cell.entry.expires_on,
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
    today: dt.date | None = None,
) -> FlatMatrix:
    """Every (person, activity) pair in view that the person's CX roles require or that
    has a record, people in the matrix's order, activities in catalogue order.

    `role` narrows to the people holding it and the activities it requires; the
    required level stays the highest across all of a person's roles."""
    source = matrix_source(
        user,
        people_in_view(user).filter(is_active=True),
        today=today or timezone.localdate(),
        unit=unit,
        role=role,
        area=area,
        activity=activity,
        person=person,
        role_activities=True,
    )
    persons = list(
        source.people_with_roles().only(
            "first_name", "last_name", "username", "profile__unit__name"
        )
    )
    requirements = RoleRequirements(persons)
    return FlatMatrix(
        source,
        {person.pk: person for person in persons},
        requirements,
        source.present_cells(persons, requirements),
    )
