"""The competence matrix: people down (grouped by unit), activities across (grouped by
area), one ILUO level per cell, a Green Card column and a coverage row per activity.

One builder, `MatrixSource` (`matrix_source`), serves every surface that shows the
matrix: the web page (a page of people, every activity), its Excel export (chunks of
people) and the API's flat table for reporting (competence/api/matrix.py: the cells
that are required or recorded, one row each, paged by row). Whose rows are in it is
`people_visible_to` (through `people_in_view`), the filters narrow it the same way,
the order is `in_matrix_order`, and every cell and Green Card comes from `build_rows`.

It reads in a fixed number of queries whatever its size: a page of people (with unit
and CX roles), the activities, the requirements of their roles, the records of those
people as plain tuples (`values_list`), their Green Cards, and one aggregate for the
coverage of everyone matching the filters (not only the page shown). The grid is then
joined in Python with dicts.

The cells' HTML is written here too (`CellWriter`), not in the template: a page has
thousands of cells, and a template loop per cell took several times longer than the
database work it shows (see bench/competence_matrix.py).
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from typing import NamedTuple

from django.contrib.auth.models import User
from django.core.paginator import Page, Paginator
from django.db.models import Count, QuerySet
from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import gettext as _

from cxlean.competence.models import (
    INDEPENDENT,
    LEVEL_LETTERS,
    LEVEL_SYMBOLS,
    SINGLE_POINT_OF_KNOWLEDGE,
    Area,
    CardProgress,
    CardStatus,
    CompetenceActivity,
    GreenCard,
    Level,
    Record,
    card_progress,
    latest_cards,
    people_visible_to,
    requirements_by_role,
    trained_activities,
)
from cxlean.core.names import display_name
from cxlean.org.models import CXRole, Unit
from cxlean.org.roles import coordinates_unit, is_coordinator, is_read_only, sees_everything

PEOPLE_PER_PAGE = 100

# Which Green Card status shows when a person has several roles: the best one.
CARD_RANK = {
    CardStatus.CERTIFIED: 6,
    CardStatus.EXPIRING: 5,
    CardStatus.READY: 4,
    CardStatus.IN_PROGRESS: 3,
    CardStatus.EXPIRED: 2,
    CardStatus.NOT_STARTED: 1,
    CardStatus.NO_REQUIREMENTS: 0,
}


# --- who is in the matrix ----------------------------------------------------------------


def may_view_matrix(viewer) -> bool:
    """Coordinators (for their units), management and superusers. Employees have
    "My competence" instead."""
    return is_coordinator(viewer) or sees_everything(viewer)


def may_act_in_matrix(viewer) -> bool:
    """Coordinators sign off from the matrix; management only reads it (`is_read_only`),
    also when in a coordinator group."""
    return is_coordinator(viewer) and not is_read_only(viewer)


def people_in_view(user) -> QuerySet[User]:
    """Whose competence a user follows (`people_visible_to`), people in a unit only: the
    rows of the API's flat matrix and Green Card progress (an employee's own)."""
    return people_visible_to(user).filter(profile__isnull=False)


def matrix_people(viewer) -> QuerySet[User]:
    """Everyone whose row the viewer may see on the web matrix and in its export: the
    active people in view (`people_in_view`), for those who may view the matrix at
    all."""
    if not may_view_matrix(viewer):
        return User.objects.none()
    return people_in_view(viewer).filter(is_active=True)


def narrowed(
    people: QuerySet[User], *, unit: Unit | None = None, role: CXRole | None = None
) -> QuerySet[User]:
    """The people in `unit` or below it, holding `role` (the matrix's filters, on the
    web, in its export and in the API)."""
    if unit is not None:
        people = people.filter(profile__unit__path__startswith=unit.path)
    if role is not None:
        people = people.filter(profile__cx_roles=role)
    return people


def in_matrix_order(people: QuerySet[User]) -> QuerySet[User]:
    """By unit (tree order), then by name."""
    return people.order_by("profile__unit__path", "first_name", "last_name", "username", "pk")


def filtered_people(
    viewer, *, unit: Unit | None = None, role: CXRole | None = None
) -> QuerySet[User]:
    """The web matrix's people in order."""
    return in_matrix_order(narrowed(matrix_people(viewer), unit=unit, role=role))


def coverage_by_activity(
    people: QuerySet[User], activity_ids: Iterable[int], today: dt.date
) -> dict[int, int]:
    """activity id -> how many of `people` hold a valid U or O in it (one query).

    The activities are picked in Python: with them in the WHERE clause SQLite walks the
    records activity by activity instead of person by person, twenty times slower for
    a team."""
    rows = (
        Record.objects.filter(person__in=people.order_by().values("pk"), level__gte=INDEPENDENT)
        .valid_on(today)
        .order_by()
        .values("activity_id")
        .annotate(people=Count("pk"))
        .values_list("activity_id", "people")
    )
    wanted = set(activity_ids)
    return {activity_id: count for activity_id, count in rows if activity_id in wanted}


# --- the grid ----------------------------------------------------------------------------


class Entry(NamedTuple):
    """The fields of a Record the matrix needs, read as a tuple. It answers the same
    questions as a Record by running Record's own methods on itself, so the rules stay
    in one place; `card_progress` accepts it in place of a Record."""

    level: int
    self_level: int
    expires_on: dt.date | None
    rejected_level: int | None
    signed_off_on: dt.date | None = None

    # Record's methods read only the fields an Entry has; mypy checks `self` by type
    # and does not see a property's getter on the class.
    def is_expired(self, today: dt.date | None = None) -> bool:
        return Record.is_expired(self, today)  # type: ignore[arg-type]

    def effective_level(self, today: dt.date | None = None) -> int:
        return Record.effective_level(self, today)  # type: ignore[arg-type]

    @property
    def awaits_sign_off(self) -> bool:
        return Record.awaits_sign_off.fget(self)  # type: ignore[attr-defined]

    @property
    def is_rejected(self) -> bool:
        return Record.is_rejected.fget(self)  # type: ignore[attr-defined]


NO_ENTRY = Entry(Level.NOT_STARTED, Level.NOT_STARTED, None, None)


class Cell(NamedTuple):
    """One person in one activity, as the matrix shows it. (A tuple: a page has
    thousands of them.)"""

    person_id: int
    activity_id: int
    level: int  # signed off, valid or not
    effective: int  # what counts today: an expired sign-off counts as not started
    expired: bool
    self_level: int
    waiting: bool  # self-assessed above the signed-off level, not rejected
    rejected: bool
    required: int | None  # the highest level any of the person's CX roles requires
    entry: Entry  # the record as read (NO_ENTRY without one): its dates

    @property
    def below(self) -> bool:
        return self.required is not None and self.effective < self.required


def make_cell(person_id: int, activity_id: int, entry: Entry, required, today) -> Cell:
    return Cell(
        person_id,
        activity_id,
        entry.level,
        entry.effective_level(today),
        entry.is_expired(today),
        entry.self_level,
        entry.awaits_sign_off,
        entry.is_rejected,
        required,
        entry,
    )


@dataclass(frozen=True)
class Column:
    activity: CompetenceActivity
    coverage: int  # people at U or O among everyone filtered, all pages

    @property
    def single_point(self) -> bool:
        return self.coverage <= SINGLE_POINT_OF_KNOWLEDGE


@dataclass(frozen=True)
class AreaSpan:
    area: Area
    span: int


@dataclass
class Row:
    person: User
    name: str
    cells: list[Cell]
    card: CardProgress | None  # the best of the person's roles; None without a role
    roles: int
    may_sign_off: Callable[[int], bool]  # activity id -> whether the viewer may
    html: SafeString = SafeString("")


@dataclass
class UnitGroup:
    unit: Unit
    rows: list[Row] = field(default_factory=list)


@dataclass
class Matrix:
    areas: list[AreaSpan]
    columns: list[Column]
    groups: list[UnitGroup]
    page: Page
    today: dt.date

    @property
    def people_count(self) -> int:
        return self.page.paginator.count

    @property
    def single_points(self) -> list[Column]:
        return [column for column in self.columns if column.single_point]

    @property
    def rows(self) -> list[Row]:
        return [row for group in self.groups for row in group.rows]

    @property
    def width(self) -> int:
        """Columns in the table: name, Green Card, one per activity."""
        return len(self.columns) + 2


@dataclass
class MatrixSource:
    """What one matrix holds before any cell is read: the people in view and filtered,
    in order (a query not run yet, to page or to read in chunks), and the activities
    across. Its rows are `build_rows`, whichever surface reads them."""

    viewer: User
    people: QuerySet[User]
    activities: list[CompetenceActivity]
    today: dt.date

    @property
    def activity_ids(self) -> list[int]:
        return [activity.pk for activity in self.activities]

    def people_with_roles(self) -> QuerySet[User]:
        """The people as the rows need them: with unit and CX roles."""
        return self.people.select_related("profile__unit").prefetch_related("profile__cx_roles")

    def rows(
        self,
        persons: list[User],
        activity_ids: list[int] | None = None,
        *,
        cells_only: bool = False,
        requirements: RoleRequirements | None = None,
    ) -> list[Row]:
        """The rows of these people (of `people_with_roles`), in all the activities or
        in those given (see `build_rows`)."""
        ids = self.activity_ids if activity_ids is None else activity_ids
        return build_rows(
            self.viewer,
            persons,
            ids,
            self.today,
            cells_only=cells_only,
            requirements=requirements,
        )

    def coverage(self) -> dict[int, int]:
        """activity id -> people at U or O among everyone in the matrix (all pages)."""
        ids = self.activity_ids
        return coverage_by_activity(self.people, ids, self.today) if ids else {}

    def present_cells(
        self, persons: list[User], requirements: RoleRequirements
    ) -> list[tuple[int, int]]:
        """(person id, activity id) of the cells that the person's CX roles require
        (`requirements`, of these people) or that hold a record, people in this order
        and activities in the matrix's order: the cells of the flat matrix. One query
        for any number of people: the pairs with a record, as ids."""
        position = {activity_id: index for index, activity_id in enumerate(self.activity_ids)}
        activities_of: dict[int, set[int]] = defaultdict(set)
        # order_by(): no sorting (nor the joins Meta.ordering brings) for id lists.
        for person_id, activity_id in (
            Record.objects.filter(person__in=self.people.order_by().values("pk"))
            .filter(activity_id__in=position)
            .order_by()
            .values_list("person_id", "activity_id")
        ):
            activities_of[person_id].add(activity_id)
        keys = []
        for person in persons:
            present = activities_of[person.pk].union(requirements.of(person.pk))
            ordered = sorted(position[a] for a in present if a in position)
            keys += [(person.pk, self.activity_ids[index]) for index in ordered]
        return keys


def matrix_source(
    viewer,
    people: QuerySet[User],
    *,
    today: dt.date,
    unit: Unit | None = None,
    role: CXRole | None = None,
    area: Area | None = None,
    activity: CompetenceActivity | None = None,
    person: User | None = None,
    role_activities: bool = False,
) -> MatrixSource:
    """The matrix of `people` (`matrix_people` on the web, `people_in_view` in the API)
    narrowed by the filters, in matrix order, and the activities in catalogue order.
    `role_activities`: the role filter keeps only the activities the role requires too
    (the API's), not only the people holding it."""
    people = narrowed(people, unit=unit, role=role)
    if person is not None:
        people = people.filter(pk=person.pk)
    activities = CompetenceActivity.objects.select_related("area")
    if role is not None and role_activities:
        activities = activities.filter(requirements__role=role)
    if area is not None:
        activities = activities.filter(area=area)
    if activity is not None:
        activities = activities.filter(pk=activity.pk)
    return MatrixSource(viewer, in_matrix_order(people), list(activities), today)


def build_matrix(
    *,
    viewer,
    unit: Unit | None = None,
    role: CXRole | None = None,
    area: Area | None = None,
    today: dt.date,
    page: int | str | None = 1,
    per_page: int | None = None,
) -> Matrix:
    """The web matrix for one page of people. Queries: count, people (with profile and
    unit), their CX roles, activities, requirements, records, Green Cards, coverage, and
    the viewer's trainer activities when the viewer signs off."""
    source = matrix_source(
        viewer, matrix_people(viewer), unit=unit, role=role, area=area, today=today
    )
    paginator = Paginator(source.people_with_roles(), per_page or PEOPLE_PER_PAGE)
    people_page = paginator.get_page(page)
    coverage = source.coverage()
    columns = [Column(activity, coverage.get(activity.pk, 0)) for activity in source.activities]
    rows = source.rows(list(people_page.object_list))
    return Matrix(area_spans(source.activities), columns, group_by_unit(rows), people_page, today)


def area_spans(activities: list[CompetenceActivity]) -> list[AreaSpan]:
    """Consecutive activities of one area (they come ordered by area)."""
    spans: list[AreaSpan] = []
    for activity in activities:
        if spans and spans[-1].area.pk == activity.area_id:
            spans[-1] = AreaSpan(spans[-1].area, spans[-1].span + 1)
        else:
            spans.append(AreaSpan(activity.area, 1))
    return spans


def group_by_unit(rows: list[Row]) -> list[UnitGroup]:
    groups: list[UnitGroup] = []
    for row in rows:
        unit = row.person.profile.unit
        if not groups or groups[-1].unit.pk != unit.pk:
            groups.append(UnitGroup(unit))
        groups[-1].rows.append(row)
    return groups


class RoleRequirements:
    """What the CX roles of some people require: their roles (prefetched with them),
    the requirements of those roles (one query) and, per person, the highest level any
    of their roles requires in each activity (merged once per combination of roles:
    people share a handful)."""

    def __init__(self, persons: Iterable[User]):
        self.roles_of = {person.pk: list(person.profile.cx_roles.all()) for person in persons}
        roles = {role.pk: role for held in self.roles_of.values() for role in held}
        self.wanted = requirements_by_role(list(roles.values()))
        self.merged = memoised_requirements(self.wanted)

    def of(self, person_id: int) -> dict[int, int]:
        """activity id -> the highest level the person's roles require in it."""
        return self.merged(tuple(role.pk for role in self.roles_of[person_id]))


def build_rows(
    viewer,
    persons: list[User],
    activity_ids: list[int],
    today,
    *,
    cells_only: bool = False,
    requirements: RoleRequirements | None = None,
) -> list[Row]:
    """The matrix's rows: each person's cells in these activities, their best Green Card
    and which cells the viewer may sign off. `cells_only` leaves out the Green Card and
    the sign-off (and their queries), and reads the records of these activities only.
    `requirements` (of these people or more) may be given when already read."""
    if not persons:
        return []
    person_ids = [person.pk for person in persons]
    requirements = requirements or RoleRequirements(persons)
    entries = records_of(person_ids, activity_ids if cells_only else None)
    cards = {} if cells_only else cards_of(person_ids)
    signs_off = (lambda person: never) if cells_only else sign_off_rule(viewer, today)
    rows = []
    for person in persons:
        held = requirements.roles_of[person.pk]
        mine = entries[person.pk]
        required = requirements.of(person.pk)
        cells = [
            make_cell(person.pk, a, mine.get(a, NO_ENTRY), required.get(a), today)
            for a in activity_ids
        ]
        card = (
            None
            if cells_only
            else best_card(held, requirements.wanted, mine, latest_cards(cards[person.pk]), today)
        )
        rows.append(Row(person, display_name(person), cells, card, len(held), signs_off(person)))
    return rows


def records_of(
    person_ids: Iterable[int], activity_ids: Iterable[int] | None = None
) -> dict[int, dict[int, Entry]]:
    """person id -> activity id -> Entry, from one values_list query (of these
    activities only, when given). The web matrix, its export and the API's flat matrix
    read records through it."""
    entries: dict[int, dict[int, Entry]] = defaultdict(dict)
    records = Record.objects.filter(person_id__in=set(person_ids))
    if activity_ids is not None:
        records = records.filter(activity_id__in=set(activity_ids))
    rows = records.order_by().values_list(
        "person_id",
        "activity_id",
        "level",
        "self_level",
        "expires_on",
        "rejected_level",
        "signed_off_on",
    )
    for person_id, activity_id, level, self_level, expires_on, rejected_level, signed in rows:
        entries[person_id][activity_id] = Entry(
            level, self_level, expires_on, rejected_level, signed
        )
    return entries


def cards_of(person_ids: list[int]) -> dict[int, list[GreenCard]]:
    """person id -> their Green Cards, newest first (GreenCard's ordering)."""
    cards: dict[int, list[GreenCard]] = defaultdict(list)
    for card in GreenCard.objects.filter(person_id__in=person_ids):
        cards[card.person_id].append(card)
    return cards


def memoised_requirements(
    wanted: dict[int | None, dict[int, int]],
) -> Callable[[tuple[int, ...]], dict[int, int]]:
    """role ids -> {activity id: highest required level}; people share a handful of
    role combinations, so each is merged once."""
    merged: dict[tuple[int, ...], dict[int, int]] = {}

    def required_for(role_ids: tuple[int, ...]) -> dict[int, int]:
        if role_ids not in merged:
            levels: dict[int, int] = {}
            for role_id in role_ids:
                for activity_id, level in wanted[role_id].items():
                    levels[activity_id] = max(level, levels.get(activity_id, 0))
            merged[role_ids] = levels
        return merged[role_ids]

    return required_for


def best_card(roles, wanted, entries, cards, today) -> CardProgress | None:
    """The best Green Card standing among the person's roles (a certified card first,
    then ready, then furthest along)."""
    progress = [
        card_progress(
            role=role,
            requirements=wanted[role.pk],
            records=entries,
            card=cards.get(role.pk),
            today=today,
        )
        for role in roles
    ]
    return max(progress, key=card_rank, default=None)


def card_rank(progress: CardProgress) -> tuple[int, float]:
    share = progress.done / progress.required if progress.required else 0.0
    return CARD_RANK[CardStatus(progress.status)], share


def sign_off_rule(viewer, today: dt.date) -> Callable[[User], Callable[[int], bool]]:
    """`may_sign_off` for a whole page at once: a coordinator of the person's unit, or a
    trainer in the activity; never on one's own record; management never (read-only).
    Costs one query (the viewer's trainer activities) instead of one per cell."""
    if not may_act_in_matrix(viewer):
        return lambda person: never
    trained = set(trained_activities(viewer, today).values_list("activity", flat=True))

    def for_person(person: User) -> Callable[[int], bool]:
        if person.pk == viewer.pk:
            return never
        if coordinates_unit(viewer, person.profile.unit):
            return always
        return trained.__contains__

    return for_person


def never(activity_id: int) -> bool:
    return False


def always(activity_id: int) -> bool:
    return True


# --- HTML of the cells -------------------------------------------------------------------


class CellWriter:
    """Writes the HTML of the cells. Made once per page, so the translated texts, the
    escaped activity titles and the cell URL are prepared once and not per cell."""

    def __init__(
        self,
        columns: list[Column],
        url_of: Callable[[int, int], str] | None = None,
        query: str = "",
    ):
        self.titles = {column.activity.pk: escape(column.activity.title) for column in columns}
        self.areas = {column.activity.pk: escape(column.activity.area.name) for column in columns}
        self.url = escape(url_pattern(url_of) + query) if url_of else ""
        self.levels = {value: escape(str(label)) for value, label in Level.choices}
        self.expired = escape(_("%(level)s (expired)"))
        self.required = escape(_("Required: %(level)s."))
        self.below = escape(_("Below the requirement."))
        self.waiting = escape(_("Waiting for sign-off at %(level)s."))
        self.rejected = escape(_("Self-assessment at %(level)s rejected."))

    def row(self, row: Row) -> SafeString:
        """The <td>s of one row; the cells the viewer may sign off link to their form
        (when the writer has a URL)."""
        name = escape(row.name)
        linked = row.may_sign_off if self.url else never
        return mark_safe(  # every text in it is escaped
            "".join(self.cell(cell, name, linked(cell.activity_id)) for cell in row.cells)
        )

    def listing(self, row: Row) -> SafeString:
        """The person's levels as lists, one per area (the matrix per person, for narrow
        screens): each activity's title, then the same cell as in the grid."""
        name = escape(row.name)
        linked = row.may_sign_off if self.url else never
        parts: list[str] = []
        area = None
        for cell in row.cells:
            if self.areas[cell.activity_id] != area:
                area = self.areas[cell.activity_id]
                parts.append(("</ul>" if parts else "") + f'<h4 class="mp__area">{area}</h4>')
                parts.append('<ul class="mp__list">')
            classes, inner = self.content(cell, name)
            inside = self.linked(cell, inner) if linked(cell.activity_id) else self.plain(inner)
            title = self.titles[cell.activity_id]
            parts.append(
                f'<li class="mp__item"><span class="mp__activity" aria-hidden="true">{title}'
                f'</span><span class="{classes}">{inside}</span></li>'
            )
        return mark_safe("".join(parts) + ("</ul>" if parts else ""))  # all escaped

    def cell(self, cell: Cell, name: str, link: bool = False) -> str:
        """One cell of the grid (see `content`); linked to its sign-off form when the
        viewer may sign it off."""
        classes, inner = self.content(cell, name)
        if not link:
            return f'<td class="{classes}">{self.plain(inner)}</td>'
        person, activity = cell.person_id, cell.activity_id
        return f'<td class="{classes}" id="c-{person}-{activity}">{self.linked(cell, inner)}</td>'

    @staticmethod
    def plain(inner: str) -> str:
        return f'<span class="mc__in">{inner}</span>'

    def linked(self, cell: Cell, inner: str) -> str:
        href = self.url.format(person=cell.person_id, activity=cell.activity_id)
        return f'<a class="mc__in" href="{href}">{inner}</a>'

    def content(self, cell: Cell, name: str) -> tuple[str, str]:
        """A cell's classes and content: the level's circle (struck through when
        expired), the required level's letter in the corner ("!" from CSS when below
        it), "↑" and the requested level while a sign-off waits, and all of it as text
        for screen readers."""
        shown = cell.level if cell.expired else cell.effective
        level: str = self.levels[shown]
        if cell.expired:
            level = self.expired % {"level": level}
        label = f"{name}, {self.titles[cell.activity_id]}: {level}."
        classes = "mc"
        marks = ""
        if cell.required is not None:
            letter = LEVEL_LETTERS[cell.required]
            label += " " + self.required % {"level": letter}
            marks += f'<span class="mc__req" aria-hidden="true">{letter}</span>'
            if cell.below:
                classes += " mc--below"
                label += " " + self.below
        if cell.waiting:
            letter = LEVEL_LETTERS[cell.self_level]
            classes += " mc--waiting"
            label += " " + self.waiting % {"level": letter}
            marks += f'<span class="mc__wait" aria-hidden="true">↑{letter}</span>'
        elif cell.rejected:
            label += " " + self.rejected % {"level": LEVEL_LETTERS[cell.self_level]}
        expired = " level--expired" if cell.expired else ""
        inner = (
            f'<span class="level level--{shown}{expired}" aria-hidden="true">'
            f"{LEVEL_SYMBOLS[shown]}</span>{marks}"
            f'<span class="visually-hidden">{label}</span>'
        )
        return classes, inner


def url_pattern(url_of: Callable[[int, int], str]) -> str:
    """A cell URL with {person} and {activity} placeholders, reversed once: reversing
    per cell would cost more than writing the cell."""
    sample = url_of(987654321, 123456789)
    return sample.replace("987654321", "{person}").replace("123456789", "{activity}")


# --- one cell, for the sign-off dialog ---------------------------------------------------


def single_cell(person: User, activity: CompetenceActivity, today: dt.date) -> Cell:
    """The matrix cell of one person and activity (a few queries)."""
    entry = records_of([person.pk])[person.pk].get(activity.pk, NO_ENTRY)
    required = RoleRequirements([person]).of(person.pk).get(activity.pk)
    return make_cell(person.pk, activity.pk, entry, required, today)


def person_best_card(person: User, today: dt.date) -> CardProgress | None:
    requirements = RoleRequirements([person])
    entries = records_of([person.pk])[person.pk]
    cards = latest_cards(GreenCard.objects.filter(person=person))
    return best_card(requirements.roles_of[person.pk], requirements.wanted, entries, cards, today)
