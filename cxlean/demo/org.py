"""The demo organisation: Nordljus Energi AB, with a Lean CX rollout in progress.

Everything here is deterministic: fixed names, a seeded random generator, and dates
counted from the day the demo is built, so the rollout is always ten weeks in with
the early phases done, work under way, something blocked and a couple of activities
late. `manage.py demo` calls `build_demo`; benchmarks pass `people=` to grow the
organisation to thousands of people with bulk inserts. Where people stand in the
competence catalogue (records, Green Cards, a trainee plan) comes from
`cxlean.demo.competence`.

Plan changes are recorded in history as made by the coordinator, so the plan's
history reads like a real rollout.
"""

from __future__ import annotations

import datetime as dt
import math
import random
from dataclasses import dataclass, replace
from decimal import Decimal

from django.conf import settings
from django.contrib.auth.hashers import make_password
from django.contrib.auth.models import Group, User
from django.db import transaction
from django.db.models import Q
from django.utils import translation

from cxlean.core.branding import Branding
from cxlean.demo import backlog as backlog_demo
from cxlean.demo import checklists as checklists_demo
from cxlean.demo import competence as competence_demo
from cxlean.demo import games as games_demo
from cxlean.demo import gemba as gemba_demo
from cxlean.demo import journeys as journeys_demo
from cxlean.demo import maturity as maturity_demo
from cxlean.demo import metrics as metrics_demo
from cxlean.demo.history import changes_recorded_as
from cxlean.notifications.sweep import run_sweep
from cxlean.org.models import (
    Catalogue,
    CatalogueProposal,
    CXRole,
    Profile,
    ProposalStatus,
    Unit,
)
from cxlean.org.roles import COORDINATOR, CX_OWNER, EMPLOYEE, MANAGEMENT
from cxlean.plans.models import Activity, Plan
from cxlean.plans.services import plan_create_from_guide

DEMO_PASSWORD = "cxlean-demo"
ROOT_CODE = "nordljus"
SEED = 20240607
# Benchmark organisations get one team for about this many people.
TEAM_SIZE = 15
TEAM_CODE_PREFIX = "nordljus-team-"


class DemoError(Exception):
    """The demo cannot be built as asked (the message says why)."""


@dataclass(frozen=True)
class UnitSpec:
    code: str
    name: str
    parent: str | None
    description: str = ""


@dataclass(frozen=True)
class PersonSpec:
    username: str
    first_name: str
    last_name: str
    unit: str
    job_title: str
    roles: tuple[str, ...]
    group: str | None = EMPLOYEE


UNITS = (
    UnitSpec(
        ROOT_CODE,
        "Nordljus Energi AB",
        None,
        "Energibolag med el- och fjärrvärmekunder i Norrland.",
    ),
    UnitSpec(
        "nordljus-kundservice",
        "Kundservice",
        ROOT_CODE,
        "Telefon, chatt och e-post för privat- och företagskunder.",
    ),
    UnitSpec("nordljus-telefoni", "Team Telefoni", "nordljus-kundservice"),
    UnitSpec("nordljus-chatt", "Team Chatt & e-post", "nordljus-kundservice"),
    UnitSpec(
        "nordljus-digitala-kanaler",
        "Digitala kanaler",
        ROOT_CODE,
        "Webbplatsen, Mina sidor och appen.",
    ),
    UnitSpec("nordljus-webb-app", "Team Webb & app", "nordljus-digitala-kanaler"),
    UnitSpec("nordljus-marknad", "Marknad & försäljning", ROOT_CODE),
    UnitSpec("nordljus-foretag", "Team Företagskunder", "nordljus-marknad"),
    UnitSpec("nordljus-it", "IT", ROOT_CODE, "Kundsystem, integrationer och drift."),
)
# Where the large benchmark organisation hangs its extra teams.
DEPARTMENTS = (
    "nordljus-kundservice",
    "nordljus-digitala-kanaler",
    "nordljus-marknad",
    "nordljus-it",
)
# The coordinator's unit: Kundservice, so the rollout is theirs to edit while the
# other departments show what a coordinator may only read.
PLAN_UNIT = "nordljus-kundservice"

# fmt: off
PEOPLE = (
    # The four demo logins.
    PersonSpec("coordinator", "Sara", "Lindqvist", "nordljus-kundservice", "Lean-koordinator",
               ("cx-strategist", "customer-service"), COORDINATOR),
    PersonSpec("employee", "Jonas", "Berg", "nordljus-chatt", "Kundrådgivare",
               ("customer-service",)),
    PersonSpec("manager", "Eva", "Holmström", ROOT_CODE, "Vd", ("management",), MANAGEMENT),
    PersonSpec("admin", "Johan", "Ek", "nordljus-it", "Systemförvaltare", ("it-tech",), None),
    PersonSpec("cxowner", "Maja", "Lund", ROOT_CODE, "CX-ägare", ("cx-strategist",), CX_OWNER),
    # Everyone else is an employee.
    PersonSpec("karin.sjoberg", "Karin", "Sjöberg", "nordljus-kundservice", "Kundservicechef",
               ("management", "customer-service")),
    PersonSpec("elin.wikstrom", "Elin", "Wikström", "nordljus-kundservice",
               "Kvalitets- och analysansvarig", ("data-analyst", "cx-strategist")),
    PersonSpec("ahmed.hassan", "Ahmed", "Hassan", "nordljus-telefoni", "Teamledare telefoni",
               ("customer-service",)),
    PersonSpec("linnea.forsberg", "Linnea", "Forsberg", "nordljus-telefoni", "Kundrådgivare",
               ("customer-service", "inclusion-accessibility")),
    PersonSpec("erik.johansson", "Erik", "Johansson", "nordljus-telefoni", "Kundrådgivare",
               ("customer-service",)),
    PersonSpec("fatima.ali", "Fatima", "Ali", "nordljus-chatt", "Teamledare chatt och e-post",
               ("customer-service", "content-strategist")),
    PersonSpec("oskar.lund", "Oskar", "Lund", "nordljus-chatt", "Kundrådgivare",
               ("customer-service",)),
    PersonSpec("mikael.andersson", "Mikael", "Andersson", "nordljus-digitala-kanaler",
               "Chef digitala kanaler", ("growth-digital-strategist", "management")),
    PersonSpec("tobias.axelsson", "Tobias", "Axelsson", "nordljus-digitala-kanaler",
               "Dataanalytiker", ("data-analyst",)),
    PersonSpec("sofia.bergstrom", "Sofia", "Bergström", "nordljus-webb-app",
               "Produktägare Mina sidor", ("product-owner",)),
    PersonSpec("daniel.oberg", "Daniel", "Öberg", "nordljus-webb-app", "UX-designer",
               ("ux-designer", "inclusion-accessibility")),
    PersonSpec("maja.karlsson", "Maja", "Karlsson", "nordljus-webb-app", "Innehållsstrateg",
               ("content-strategist",)),
    PersonSpec("nils.eriksson", "Nils", "Eriksson", "nordljus-webb-app", "Utvecklare",
               ("it-tech",)),
    PersonSpec("hanna.lindberg", "Hanna", "Lindberg", "nordljus-marknad", "Marknadschef",
               ("marketer", "management")),
    PersonSpec("viktor.persson", "Viktor", "Persson", "nordljus-marknad",
               "Digital marknadsförare", ("marketer", "growth-digital-strategist")),
    PersonSpec("amanda.nystrom", "Amanda", "Nyström", "nordljus-marknad", "Copywriter",
               ("content-strategist", "marketer")),
    PersonSpec("peter.gustafsson", "Peter", "Gustafsson", "nordljus-foretag",
               "Key account manager", ("sales-account-manager",)),
    PersonSpec("emma.svensson", "Emma", "Svensson", "nordljus-foretag", "Kundansvarig företag",
               ("sales-account-manager", "customer-service")),
    PersonSpec("lars.magnusson", "Lars", "Magnusson", "nordljus-it", "IT-chef",
               ("it-tech", "management")),
    PersonSpec("ida.hedlund", "Ida", "Hedlund", "nordljus-it", "Systemutvecklare CRM",
               ("it-tech", "data-analyst")),
    PersonSpec("rebecka.engstrom", "Rebecka", "Engström", ROOT_CODE, "HR-partner",
               ("hr-recruitment",)),
    PersonSpec("johanna.sandberg", "Johanna", "Sandberg", ROOT_CODE, "CX-strateg",
               ("cx-strategist",)),
)
# fmt: on

LOGINS = (
    ("coordinator", "Lean coordinator for Kundservice and its teams: sign-offs, ideas to triage"),
    ("employee", "employee in Team Chatt & e-post: rollout work, competence, improvement ideas"),
    ("manager", "management: reads everything, changes nothing"),
    ("admin", "superuser"),
    ("cxowner", "CX owner: keeps the catalogues, decides on coordinators' proposals"),
)

# Which CX roles usually own the work of each guide step in the demo rollout.
STEP_OWNER_ROLES = {
    1: ("management", "cx-strategist"),
    2: ("cx-strategist", "ux-designer", "customer-service"),
    3: ("data-analyst", "cx-strategist", "customer-service"),
    4: ("data-analyst", "cx-strategist", "product-owner"),
    5: ("ux-designer", "inclusion-accessibility", "content-strategist", "product-owner"),
    6: ("hr-recruitment", "content-strategist", "it-tech", "marketer"),
    7: ("data-analyst", "management", "cx-strategist"),
}
# Management reads and changes nothing, and owning an activity would let them change
# its status; the admin is there to administer.
NOT_OWNERS = ("manager", "admin")


@dataclass(frozen=True)
class DemoSummary:
    people: int
    units: int
    plan: Plan
    competence: competence_demo.CompetenceSummary
    backlog: backlog_demo.BacklogSummary
    checklists: int
    walks: int
    survey_answers: int
    assessments: int
    notifications: int
    games: int = 0


# --- finding and removing the demo ---------------------------------------------------


def demo_exists() -> bool:
    return Unit.objects.filter(code=ROOT_CODE).exists()


def delete_demo() -> None:
    """Remove the demo organisation: its competence records, plans, people and units
    (history stays)."""
    root = Unit.objects.filter(code=ROOT_CODE).first()
    if root is None:
        return
    units = root.subtree()
    people = User.objects.filter(profile__unit__in=units)
    games_demo.delete_games_of(units, people)
    competence_demo.delete_competence_of(people)
    checklists_demo.delete_checklists_of(units)
    gemba_demo.delete_gemba_of(units, people)
    metrics_demo.delete_metrics_of(units)
    maturity_demo.delete_maturity_of(units)
    backlog_demo.delete_backlog_of(units)
    journeys_demo.delete_journeys_of(units)
    Plan.objects.filter(Q(unit__in=units) | Q(coordinator__in=people)).delete()
    CatalogueProposal.objects.filter(unit__in=units).delete()
    people.delete()
    for branding in Branding.objects.filter(name=root.name):  # one by one: clears the cache
        branding.delete()
    # A parent is protected while it has children, so remove the deepest level first.
    for depth in sorted({unit.depth for unit in units}, reverse=True):
        Unit.objects.filter(pk__in=[unit.pk for unit in units if unit.depth == depth]).delete()


# --- building it ---------------------------------------------------------------------


def build_demo(*, today: dt.date, people: int = 0) -> DemoSummary:
    """Build the demo organisation and its rollout; with `people` above the named
    cast, add generated people in extra teams until there are that many."""
    taken = User.objects.filter(username__in=[p.username for p in PEOPLE])
    if taken.exists():
        names = ", ".join(taken.values_list("username", flat=True))
        raise DemoError(f"Users outside the demo organisation already have demo logins ({names}).")
    # Catalogue titles are copied into the plan; make them the organisation's language.
    with translation.override(settings.LANGUAGE_CODE), transaction.atomic():
        password = make_password(DEMO_PASSWORD)  # hashed once: hashing is the slow part
        units = create_units()
        brand_demo(units[ROOT_CODE])
        users = create_people(units, password)
        plan = create_rollout(users, units[PLAN_UNIT], today)
        create_proposals(users, units[PLAN_UNIT])
        with changes_recorded_as(users["coordinator"]):
            competence = competence_demo.build_competence(users, today)
        journeys = journeys_demo.build_journeys(units, users, today)
        backlog = backlog_demo.build_backlog(units, users, journeys, today)
        checklists = checklists_demo.build_checklists(units, users, today)
        walks = gemba_demo.build_gemba(units, users, journeys, today)
        survey_answers = metrics_demo.build_metrics(units, users, journeys, today)
        assessments = maturity_demo.build_maturity(units, users, today)
        games = len(games_demo.build_games(units, users, today))
        extra = max(people - len(PEOPLE), 0)
        teams = add_generated_people(extra, [units[code] for code in DEPARTMENTS], password)
        if extra:
            generated = competence_demo.add_generated_records(
                Profile.objects.filter(unit__code__startswith=TEAM_CODE_PREFIX),
                coordinator=users["coordinator"],
                superuser=users["admin"],
                today=today,
            )
            competence = replace(competence, records=competence.records + generated)
        # The reminders due now, in-app, as beat's first sweep would make them (e-mail, for
        # those who want it right away, goes out with the worker's next sweep).
        notifications = run_sweep().total
    return DemoSummary(
        people=len(PEOPLE) + extra,
        units=len(units) + teams,
        plan=plan,
        competence=competence,
        backlog=backlog,
        checklists=checklists,
        walks=walks,
        survey_answers=survey_answers,
        assessments=assessments,
        notifications=notifications,
        games=games,
    )


def brand_demo(root: Unit) -> None:
    """The demo organisation's name in the headers, e-mails and exports (cxlean's own
    colours), unless an organisation has set its branding already."""
    if not Branding.objects.exists():
        Branding(name=root.name).save()


def create_units() -> dict[str, Unit]:
    units: dict[str, Unit] = {}
    for spec in UNITS:
        units[spec.code] = Unit.objects.create(
            code=spec.code,
            name=spec.name,
            description=spec.description,
            parent=units[spec.parent] if spec.parent else None,
        )
    return units


def create_people(units: dict[str, Unit], password: str) -> dict[str, User]:
    groups = {
        name: Group.objects.get_or_create(name=name)[0]
        for name in (COORDINATOR, EMPLOYEE, MANAGEMENT, CX_OWNER)
    }
    roles = {role.slug: role for role in CXRole.objects.all()}
    users: dict[str, User] = {}
    for spec in PEOPLE:
        user = create_person(spec, units[spec.unit], password, roles)
        if spec.group:
            user.groups.add(groups[spec.group])
        users[spec.username] = user
    return users


def create_person(spec: PersonSpec, unit: Unit, password: str, roles: dict[str, CXRole]) -> User:
    is_admin = spec.username == "admin"
    user = User.objects.create(
        username=spec.username,
        first_name=spec.first_name,
        last_name=spec.last_name,
        email=f"{spec.username}@nordljus.example",
        password=password,
        is_staff=is_admin or spec.group in (COORDINATOR, MANAGEMENT, CX_OWNER),
        is_superuser=is_admin,
    )
    profile = Profile.objects.create(user=user, unit=unit, job_title=spec.job_title)
    profile.cx_roles.set([roles[slug] for slug in spec.roles if slug in roles])
    return user


def create_proposals(users: dict[str, User], unit: Unit) -> None:
    """The coordinator has proposed two catalogue changes: one the CX owner accepted,
    one still open."""
    coordinator, owner = users["coordinator"], users["cxowner"]
    accepted = CatalogueProposal.objects.create(
        catalogue=Catalogue.CHECKLISTS,
        entry="Kundrådgivare",
        title="Lägg till genomgång av chattmallarna",
        change="En punkt i kundrådgivarnas checklista: gå igenom chattens standardsvar.",
        reason="Nya medarbetare i Team Chatt använder gamla svar som inte stämmer längre.",
        unit=unit,
        proposed_by=coordinator,
    )
    accepted.decide(by=owner, status=ProposalStatus.ACCEPTED, note="Bra, jag lägger in den.")
    CatalogueProposal.objects.create(
        catalogue=Catalogue.COMPETENCE,
        entry="Aktivt lyssnande",
        title="Kräv nivå U i aktivt lyssnande för Green Card",
        change="Höj kravet för kundrådgivare från L till U.",
        reason="Samtalen där kunden får upprepa sig är den vanligaste klagomålsorsaken.",
        unit=unit,
        proposed_by=coordinator,
    )


# --- the rollout ---------------------------------------------------------------------


def create_rollout(users: dict[str, User], unit: Unit, today: dt.date) -> Plan:
    coordinator = users["coordinator"]
    with changes_recorded_as(coordinator):
        plan = plan_create_from_guide(
            name="Lean CX i Kundservice",
            unit=unit,
            coordinator=coordinator,
            start_date=today - dt.timedelta(weeks=10),
            end_date=today + dt.timedelta(days=273),
            budget=Decimal("450000"),
            description=(
                "Införande av Lean CX i Kundservice: färre upprepade kontakter, kortare "
                "väntetider och en kundresa utan onödiga överlämningar."
            ),
        )
        activities = list(
            plan.activities().select_related("phase__step").order_by("start_date", "order")
        )
        assign_owners(activities, users)
        record_progress(activities, users, today)
        for activity in activities:
            activity.save(update_fields=["owner", "status", "actual_cost"])
    return plan


def assign_owners(activities: list[Activity], users: dict[str, User]) -> None:
    """Give each activity to someone holding a CX role suited to its guide step,
    taking turns among them."""
    turn: dict[int, int] = {}
    for activity in activities:
        number = activity.phase.step.number if activity.phase.step else 0
        candidates = role_holders(STEP_OWNER_ROLES.get(number, ("cx-strategist",)))
        index = turn.get(number, 0)
        turn[number] = index + 1
        activity.owner = users[candidates[index % len(candidates)]]


def role_holders(slugs: tuple[str, ...]) -> list[str]:
    """Usernames of the demo people holding any of `slugs`, in the order of `slugs`."""
    holders: list[str] = []
    for slug in slugs:
        holders += [
            person.username
            for person in PEOPLE
            if slug in person.roles and person.username not in (*NOT_OWNERS, *holders)
        ]
    return holders


def record_progress(activities: list[Activity], users: dict[str, User], today: dt.date) -> None:
    """Statuses as they would be ten weeks in: what ended is done (with its real cost)
    except the two latest, which are late and the employee's; the current activity is
    under way, the next one is blocked, and the employee has more work coming."""
    rng = random.Random(SEED)
    ended = sum(1 for activity in activities if activity.due_date < today)
    for finished in activities[: max(ended - 2, 0)]:
        finished.status = Activity.Status.DONE
        finished.actual_cost = rounded(finished.planned_cost * Decimal(rng.uniform(0.85, 1.25)))

    def at(index: int) -> Activity | None:
        return activities[index] if 0 <= index < len(activities) else None

    employee = users["employee"]
    changes = [
        (ended - 2, Activity.Status.IN_PROGRESS, employee, Decimal("0.4")),  # late
        (ended - 1, Activity.Status.PLANNED, employee, None),  # late, not started
        (ended, Activity.Status.IN_PROGRESS, None, Decimal("0.3")),
        (ended + 1, Activity.Status.BLOCKED, None, None),
        (ended + 2, Activity.Status.PLANNED, employee, None),
        (ended + 6, Activity.Status.PLANNED, employee, None),
    ]
    for index, status, owner, spent in changes:
        activity = at(index)
        if activity is None:
            continue
        activity.status = status
        activity.owner = owner or activity.owner
        if spent is not None:
            activity.actual_cost = rounded(activity.planned_cost * spent)


def rounded(amount: Decimal) -> Decimal:
    """Whole hundreds of kronor, as people report costs."""
    return (amount / 100).quantize(Decimal("1")) * 100


# --- large organisations for benchmarks ----------------------------------------------

# fmt: off
FIRST_NAMES = (
    "Anna", "Eva", "Maria", "Karin", "Sara", "Lena", "Emma", "Kerstin", "Malin", "Ingrid",
    "Linnea", "Elsa", "Maja", "Ida", "Julia", "Hanna", "Sofia", "Amira", "Leila", "Aino",
    "Lars", "Anders", "Johan", "Per", "Erik", "Karl", "Mikael", "Nils", "Olof", "Jonas",
    "Oskar", "Viktor", "Elias", "Hugo", "Lukas", "Ali", "Omar", "Mattias", "Niklas", "Jukka",
)
LAST_NAMES = (
    "Andersson", "Johansson", "Karlsson", "Nilsson", "Eriksson", "Larsson", "Olsson",
    "Persson", "Svensson", "Gustafsson", "Pettersson", "Jonsson", "Lindberg", "Lindqvist",
    "Holmström", "Sjöberg", "Wikström", "Öberg", "Engström", "Forsberg", "Nyström", "Hedlund",
    "Lundgren", "Berglund", "Sandberg", "Isaksson", "Strand", "Nordin", "Hassan", "Lindholm",
    "Åberg", "Björk", "Ek", "Marklund", "Burman", "Lantto", "Henriksson", "Backman",
)
TOWNS = ("Luleå", "Umeå", "Sundsvall", "Östersund", "Skellefteå", "Piteå", "Kiruna",
         "Härnösand", "Örnsköldsvik", "Boden", "Gällivare", "Sollefteå")
# fmt: on
# Primary CX role of a generated person (weight) and the job title that goes with it.
GENERATED_ROLES = (
    ("customer-service", 40, "Kundrådgivare"),
    ("sales-account-manager", 12, "Kundansvarig"),
    ("it-tech", 10, "Utvecklare"),
    ("marketer", 6, "Marknadsförare"),
    ("data-analyst", 5, "Dataanalytiker"),
    ("management", 5, "Chef"),
    ("ux-designer", 4, "UX-designer"),
    ("content-strategist", 4, "Innehållsstrateg"),
    ("product-owner", 3, "Produktägare"),
    ("growth-digital-strategist", 3, "Digital strateg"),
    ("hr-recruitment", 3, "HR-specialist"),
    ("cx-strategist", 3, "CX-strateg"),
    ("inclusion-accessibility", 2, "Tillgänglighetsspecialist"),
)


def add_generated_people(count: int, departments: list[Unit], password: str) -> int:
    """Add `count` generated people in new teams of about TEAM_SIZE under the
    departments, with bulk inserts (no per-row history: this is benchmark volume).
    Returns the number of teams created."""
    if count <= 0:
        return 0
    rng = random.Random(SEED)
    teams = create_teams(math.ceil(count / TEAM_SIZE), departments)
    roles = dict(CXRole.objects.values_list("slug", "pk"))
    people = [generated_person(number, rng) for number in range(1, count + 1)]
    # bulk_create fills in primary keys on SQLite and PostgreSQL, which the rows
    # below rely on.
    users = User.objects.bulk_create(
        [
            User(
                username=username,
                first_name=first,
                last_name=last,
                password=password,
                email=f"{username}@nordljus.example",
            )
            for username, first, last, _r in people
        ],
        batch_size=1000,
    )
    profiles = Profile.objects.bulk_create(
        [
            Profile(user=user, unit=teams[index // TEAM_SIZE], job_title=job_title(person[3][0]))
            for index, (user, person) in enumerate(zip(users, people, strict=True))
        ],
        batch_size=1000,
    )
    Profile.cx_roles.through.objects.bulk_create(
        [
            Profile.cx_roles.through(profile_id=profile.pk, cxrole_id=roles[slug])
            for profile, person in zip(profiles, people, strict=True)
            for slug in person[3]
            if slug in roles
        ],
        batch_size=2000,
    )
    employee = Group.objects.get_or_create(name=EMPLOYEE)[0]
    User.groups.through.objects.bulk_create(
        [User.groups.through(user_id=user.pk, group_id=employee.pk) for user in users],
        batch_size=2000,
    )
    return len(teams)


def create_teams(count: int, departments: list[Unit]) -> list[Unit]:
    """Teams named after towns, spread over the departments. The path needs the new
    ids, so it is filled in with one bulk update after the insert."""
    parents = [departments[n % len(departments)] for n in range(count)]
    teams = Unit.objects.bulk_create(
        [
            Unit(
                code=f"{TEAM_CODE_PREFIX}{n:04d}",
                parent=parents[n],
                name=f"Team {TOWNS[n % len(TOWNS)]} {n // len(TOWNS) + 1}",
            )
            for n in range(count)
        ],
        batch_size=1000,
    )
    for team, department in zip(teams, parents, strict=True):
        team.path = f"{department.path}{team.pk}/"
    Unit.objects.bulk_update(teams, ["path"], batch_size=1000)
    return teams


def generated_person(number: int, rng: random.Random) -> tuple[str, str, str, tuple[str, ...]]:
    first, last = rng.choice(FIRST_NAMES), rng.choice(LAST_NAMES)
    slugs = [slug for slug, _weight, _title in GENERATED_ROLES]
    weights = [weight for _slug, weight, _title in GENERATED_ROLES]
    primary = rng.choices(slugs, weights)[0]
    roles: tuple[str, ...] = (primary,)
    if rng.random() < 0.25:  # a quarter hold a second role, as in the named cast
        second = rng.choice(slugs)
        roles = (primary, second) if second != primary else roles
    return f"{ascii_name(first)}.{ascii_name(last)}.{number}", first, last, roles


def job_title(slug: str) -> str:
    return next(title for s, _weight, title in GENERATED_ROLES if s == slug)


def ascii_name(name: str) -> str:
    return name.lower().translate(str.maketrans("åäöé", "aaoe"))
