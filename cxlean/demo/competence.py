"""Competence content for the demo organisation: where the people of Nordljus Energi AB
stand about two months into the rollout.

`cxlean.demo.org` builds the people and calls `build_competence`. Everything is
deterministic: a seeded random generator gives most people their levels (people
with more experience further along), and a short script sets up what the demo logins
should find:

- `employee` (Jonas): half-way to the customer-service Green Card, three levels
  waiting for a sign-off with evidence, one rejected with the coordinator's comment;
- `coordinator` (Sara): those three and two more in the sign-off queue;
- trainers holding O (team leaders in Kundservice, the CX strategist, the UX designer);
- Ahmed certified with a card that expires within 30 days (its listening sign-off
  runs out), Elin certified as data analyst, Fatima ready for certification;
- Erik's listening sign-off expired last month;
- Oskar, the newest hire, on a trainee plan with Fatima as mentor, one goal late.

Benchmarks grow the organisation with `add_generated_records`: a record for every
activity each generated person's roles require, bulk-inserted without history.
"""

from __future__ import annotations

import datetime as dt
import random
from collections import defaultdict
from dataclasses import dataclass

from django.contrib.auth.models import User
from django.core.exceptions import ValidationError
from django.db import connection
from django.db.models import QuerySet
from django.utils import timezone
from simple_history.utils import bulk_create_with_history

from cxlean.competence.models import (
    CompetenceActivity,
    Goal,
    GreenCard,
    Level,
    Record,
    Requirement,
    TraineePlan,
    green_card_issue,
)
from cxlean.org.models import CXRole, Profile

I, L, U, O = Level.I, Level.L, Level.U, Level.O  # noqa: E741 - the levels are called so
SEED = 3141


@dataclass(frozen=True)
class Scripted:
    """A record as the demo wants it. `self_level` above `level` waits for a sign-off;
    with `rejection` the sign-off of `self_level` was turned down."""

    level: int
    self_level: int | None = None
    days_ago: int = 30  # when the level was signed off (or asked for)
    evidence: str = ""
    rejection: str = ""


# fmt: off
SCRIPT: dict[str, dict[str, Scripted]] = {
    "employee": {
        "cx-promise": Scripted(L, days_ago=62),
        "lean-basics": Scripted(L, days_ago=62),
        "journey-mapping": Scripted(I, days_ago=45),
        "touchpoints": Scripted(U, days_ago=33),
        "standard-work": Scripted(U, days_ago=26),
        "cx-metrics": Scripted(L, days_ago=19),
        "huddle": Scripted(U, days_ago=9),
        "waste-spotting": Scripted(I, days_ago=40),
        "plain-language": Scripted(I, days_ago=24),
        "active-listening": Scripted(
            L, U, days_ago=3,
            evidence="Medlyssning med Fatima Ali på tre chattar den här veckan. Jag lät "
                     "kunden berätta klart, ställde följdfrågor och sammanfattade behovet "
                     "innan jag föreslog en lösning. Fatimas anteckningar finns i teamets mapp."),
        "escalation": Scripted(
            L, U, days_ago=2,
            evidence="Tre ärenden om flytt av elavtal eskalerade till fakturering med "
                     "sammanfattning, vad kunden blivit lovad och när kunden hör av oss. "
                     "Mottagaren har bekräftat att inget saknades."),
        "voc-capture": Scripted(
            L, U, days_ago=1,
            evidence="Kontaktorsak och kundens egna ord ifyllda i alla mina ärenden sedan "
                     "den 1:a, enligt de tre frågorna."),
        "root-cause": Scripted(
            I, L, days_ago=6,
            evidence="5 varför på exemplet från utbildningen om sena fakturor.",
            rejection="Bra början! Ta ett eget ärende från chatten i stället för "
                      "utbildningsexemplet och visa med siffror att orsaken stämmer, "
                      "till exempel hur många kontakter som hade samma orsak."),
    },
    # Team leaders and specialists who train others (they hold O).
    "ahmed.hassan": {
        # Signed off almost a year ago: the sign-off, and the card resting on it,
        # run out within a month.
        "active-listening": Scripted(O, days_ago=350),
        "escalation": Scripted(O, days_ago=120),
        "standard-work": Scripted(O, days_ago=120),
    },
    "fatima.ali": {
        "plain-language": Scripted(O, days_ago=150),
        "voc-capture": Scripted(O, days_ago=150),
    },
    "elin.wikstrom": {
        "cx-metrics": Scripted(O, days_ago=200),
        "cx-dashboard": Scripted(O, days_ago=200),
        "root-cause": Scripted(O, days_ago=90),
    },
    "johanna.sandberg": {
        "cx-promise": Scripted(O, days_ago=180),
        "lean-basics": Scripted(O, days_ago=180),
        "journey-mapping": Scripted(O, days_ago=180),
        "customer-interview": Scripted(O, days_ago=180),
        "waste-spotting": Scripted(O, days_ago=180),
        "pdca": Scripted(O, days_ago=180),
        "gemba": Scripted(O, days_ago=180),
    },
    "daniel.oberg": {
        "accessibility": Scripted(O, days_ago=210),
    },
    # Waiting in the coordinator's queue.
    "linnea.forsberg": {
        "escalation": Scripted(
            L, U, days_ago=4,
            evidence="Eskalerade fyra ärenden om avbrottsersättning till nätavdelningen; "
                     "alla med komplett överlämning enligt mallen."),
    },
    # Signed off at U thirteen months ago; the 12-month sign-off has run out.
    "erik.johansson": {
        "active-listening": Scripted(U, days_ago=400),
    },
    # The newest hire: six weeks in, on a trainee plan.
    "oskar.lund": {
        "cx-promise": Scripted(L, days_ago=31),
        "lean-basics": Scripted(I, days_ago=31),
        "touchpoints": Scripted(L, days_ago=20),
        "standard-work": Scripted(I, days_ago=12),
        "active-listening": Scripted(
            I, L, days_ago=2,
            evidence="Har lyssnat med Fatima på fem samtal och tagit egna chattar med "
                     "stöd i två veckor."),
    },
}
# fmt: on

# People whose every record is in the script.
FULLY_SCRIPTED = ("employee", "oskar.lund")
# How far along each person is, for the levels the script leaves open (0 to 1).
EXPERIENCE = {
    "coordinator": 0.8,
    "karin.sjoberg": 0.7,
    "elin.wikstrom": 0.8,
    "ahmed.hassan": 0.8,
    "fatima.ali": 0.8,
    "johanna.sandberg": 0.8,
    "daniel.oberg": 0.7,
    "linnea.forsberg": 0.6,
    "manager": 0.4,
    "admin": 0.3,
    "hanna.lindberg": 0.3,
    "peter.gustafsson": 0.3,
    "nils.eriksson": 0.2,
}
DEFAULT_EXPERIENCE = 0.5
# People whose records meet everything this role requires.
COMPLETE = {
    "ahmed.hassan": "customer-service",
    "elin.wikstrom": "data-analyst",
    "fatima.ali": "customer-service",
}
# Green Cards issued by the coordinator: (person, role, days ago).
CARDS = (
    ("ahmed.hassan", "customer-service", 20),
    ("elin.wikstrom", "data-analyst", 12),
)
TRAINEE = "oskar.lund"
MENTOR = "fatima.ali"
TRAINEE_START_DAYS_AGO = 42
# (activity, target level, due days after the start): reached, reached, late (waiting
# for a sign-off), then three still ahead.
GOALS = (
    ("cx-promise", L, 14),
    ("touchpoints", L, 21),
    ("active-listening", L, 28),
    ("standard-work", L, 56),
    ("escalation", L, 70),
    ("voc-capture", U, 90),
)
COORDINATOR = "coordinator"
SUPERUSER = "admin"


@dataclass(frozen=True)
class CompetenceSummary:
    records: int
    waiting: int
    cards: int
    trainee_plans: int


class Catalogue:
    """The loaded catalogue, read once: activities by code and what each role needs."""

    def __init__(self) -> None:
        self.activities = {a.code: a for a in CompetenceActivity.objects.order_by("pk")}
        by_id = {a.pk: a for a in self.activities.values()}
        self.by_role: dict[str, dict[str, int]] = defaultdict(dict)
        requirements = Requirement.objects.values_list("role__slug", "activity_id", "level")
        for slug, activity_id, level in requirements.order_by("activity_id", "role_id"):
            self.by_role[slug][by_id[activity_id].code] = level
        self._combined: dict[tuple[str, ...], dict[str, int]] = {}

    def required(self, roles: tuple[str, ...]) -> dict[str, int]:
        """code -> the highest level any of the roles requires, in catalogue order."""
        key = tuple(sorted(roles))
        if key not in self._combined:
            wanted: dict[str, int] = {}
            for slug in key:
                for code, level in self.by_role.get(slug, {}).items():
                    wanted[code] = max(level, wanted.get(code, 0))
            order = list(self.activities)
            self._combined[key] = dict(sorted(wanted.items(), key=lambda i: order.index(i[0])))
        return self._combined[key]


# --- the named cast ------------------------------------------------------------------


def build_competence(users: dict[str, User], today: dt.date) -> CompetenceSummary:
    """Records, Green Cards and a trainee plan for the named people in `users`."""
    catalogue = Catalogue()
    if not catalogue.activities:
        return CompetenceSummary(0, 0, 0, 0)
    rng = random.Random(SEED)
    levels = {
        username: planned_levels(username, roles_of(user), catalogue, rng)
        for username, user in users.items()
    }
    trainers = trainers_by_activity(levels)
    records = [
        record
        for username, planned in levels.items()
        for record in make_records(username, planned, users, trainers, catalogue, today, rng)
    ]
    bulk_create_with_history(records, Record, batch_size=500)
    cards = issue_cards(users, today)
    plans = create_trainee_plan(users, catalogue, today)
    waiting = sum(1 for record in records if record.awaits_sign_off)
    return CompetenceSummary(len(records), waiting, cards, plans)


def roles_of(user: User) -> tuple[str, ...]:
    return tuple(role.slug for role in user.profile.cx_roles.all())


def planned_levels(
    username: str, roles: tuple[str, ...], catalogue: Catalogue, rng: random.Random
) -> dict[str, Scripted]:
    """The level of each activity the person's roles require (and any scripted one):
    scripted where the demo needs something particular, drawn by experience elsewhere."""
    experience = EXPERIENCE.get(username, DEFAULT_EXPERIENCE)
    complete = catalogue.required((COMPLETE[username],)) if username in COMPLETE else {}
    script = {
        code: scripted
        for code, scripted in SCRIPT.get(username, {}).items()
        if code in catalogue.activities  # the organisation may have edited the catalogue
    }
    planned: dict[str, Scripted] = {}
    for code, wanted in catalogue.required(roles).items():
        level = drawn_level(wanted, experience, rng)
        if code in complete:
            level = max(level, complete[code])
        if level and username not in FULLY_SCRIPTED:
            planned[code] = Scripted(level, days_ago=signed_days_ago(level, experience, rng))
    planned |= script
    fixed = complete.keys() | script.keys()
    for slug in roles:
        if slug != COMPLETE.get(username):
            leave_one_open(planned, catalogue.required((slug,)), fixed)
    return {code: planned[code] for code in catalogue.activities if code in planned}


def drawn_level(required: int, experience: float, rng: random.Random) -> int:
    """Mostly at or just below what is required, further along with experience;
    experienced people sometimes already teach it."""
    roll = rng.random()
    if roll < experience * 0.75:
        return O if required >= U and rng.random() < experience * 0.2 else required
    if roll < experience * 0.75 + 0.3:
        return max(required - 1, I)
    if roll < 0.9:
        return I
    return Level.NOT_STARTED


def signed_days_ago(level: int, experience: float, rng: random.Random) -> int:
    """Inside the ten weeks of the rollout, except for what experienced people could
    already do before it (never so long ago that a 12-month sign-off has run out)."""
    if level >= U and experience >= 0.7:
        return rng.randint(20, 300)
    return rng.randint(2, 68)


def leave_one_open(planned: dict[str, Scripted], role: dict[str, int], fixed) -> None:
    """Nobody but the scripted few is ready for a Green Card: if every requirement of
    the role is met, take the last one the script does not fix back a level."""
    if any(planned.get(code, Scripted(0)).level < level for code, level in role.items()):
        return
    for code, level in reversed(role.items()):
        if code not in fixed:
            lower = level - 1
            if lower:
                planned[code] = Scripted(lower, days_ago=planned[code].days_ago)
            else:
                del planned[code]
            return


def trainers_by_activity(levels: dict[str, dict[str, Scripted]]) -> dict[str, list[str]]:
    trainers: dict[str, list[str]] = defaultdict(list)
    for username, planned in levels.items():
        for code, scripted in planned.items():
            if scripted.level == O:
                trainers[code].append(username)
    return trainers


def signer_of(username: str, code: str, users: dict[str, User], trainers) -> User | None:
    """Who signed it off, as the rules allow: the coordinator for people in Kundservice,
    else a trainer of the activity, else the superuser (whose own records only a
    trainer can sign off)."""
    coordinator = users[COORDINATOR]
    unit = users[username].profile.unit
    if username != COORDINATOR and unit.is_within(coordinator.profile.unit):
        return coordinator
    others = [name for name in trainers.get(code, []) if name != username]
    if others:
        return users[others[0]]
    return users[SUPERUSER] if username != SUPERUSER else None


def make_records(
    username: str,
    planned: dict[str, Scripted],
    users: dict[str, User],
    trainers,
    catalogue: Catalogue,
    today: dt.date,
    rng: random.Random,
) -> list[Record]:
    person, coordinator = users[username], users[COORDINATOR]
    records = []
    for code, scripted in planned.items():
        activity = catalogue.activities[code]
        day = today - dt.timedelta(days=scripted.days_ago)
        record = Record(
            person=person,
            activity=activity,
            level=scripted.level,
            self_level=max(scripted.self_level or 0, scripted.level),
            evidence_text=scripted.evidence,
        )
        if scripted.level:
            record.signed_off_by = signer_of(username, code, users, trainers)
            if record.signed_off_by is None:
                continue  # nobody could have signed it off
            record.signed_off_on = day
            record.expires_on = activity.expiry_from(day)
        if scripted.rejection:
            record.rejected_level = record.self_level
            record.rejection_comment = scripted.rejection
            record.rejected_by = coordinator
        # The history shows who last touched it and when, as if it happened that day.
        # simple_history reads these attributes when the rows are bulk-created; its models
        # have no type information, so mypy does not know them.
        record._history_user = coordinator if scripted.rejection else record.signed_off_by or person  # type: ignore[attr-defined]
        record._history_date = timezone.make_aware(  # type: ignore[attr-defined]
            dt.datetime.combine(day, dt.time(9 + rng.randint(0, 7), rng.randint(0, 59)))
        )
        records.append(record)
    return records


def issue_cards(users: dict[str, User], today: dt.date) -> int:
    """Through the same service a coordinator uses, as on the day they were issued.
    A card the organisation's edited catalogue no longer allows is left out."""
    roles = {role.slug: role for role in CXRole.objects.all()}
    issued = 0
    for username, slug, days_ago in CARDS:
        if slug not in roles:
            continue
        try:
            green_card_issue(
                person=users[username],
                role=roles[slug],
                by=users[COORDINATOR],
                today=today - dt.timedelta(days=days_ago),
            )
        except ValidationError:
            continue
        issued += 1
    return issued


def create_trainee_plan(users: dict[str, User], catalogue: Catalogue, today: dt.date) -> int:
    start = today - dt.timedelta(days=TRAINEE_START_DAYS_AGO)
    plan = TraineePlan.objects.create(
        person=users[TRAINEE],
        mentor=users[MENTOR],
        start_date=start,
        notes=(
            "Oskar började i Team Chatt & e-post och går bredvid Fatima de första veckorna. "
            "Fokus: lyssna, följa standarden och lämna över ärenden rätt innan han tar "
            "egna kunder fullt ut."
        ),
    )
    for code, level, due in GOALS:
        if code not in catalogue.activities:
            continue
        Goal.objects.create(
            plan=plan,
            activity=catalogue.activities[code],
            target_level=level,
            due_date=start + dt.timedelta(days=due),
        )
    return 1


# --- large organisations for benchmarks ----------------------------------------------

# Levels of generated people: none, I, L, U, O.
GENERATED_WEIGHTS = (12, 22, 32, 27, 7)
WAITING_SHARE = 0.05
EXPIRED_SHARE = 0.03
# The columns `add_generated_records` fills; the others keep their empty defaults.
GENERATED_FIELDS = (
    "person",
    "activity",
    "level",
    "self_level",
    "signed_off_by",
    "signed_off_on",
    "expires_on",
    "evidence_text",
    "evidence_link",
    "evidence_file",
    "rejection_comment",
    "updated_at",
)


def add_generated_records(
    profiles: QuerySet[Profile], *, coordinator: User, superuser: User, today: dt.date
) -> int:
    """A record for every activity the roles of these people require, with seeded
    random levels; a few wait for a sign-off and a few have expired. Returns the number
    of records.

    Benchmark volume (over 100,000 rows for 10,000 people), so the rows are built as
    plain tuples and written with one `executemany`, without history: `bulk_create`
    spent some 20 seconds building model instances and preparing each value."""
    catalogue = Catalogue()
    rng = random.Random(SEED)
    people: dict[int, tuple[str, list[str]]] = {}
    rows = profiles.order_by("user_id").values_list("user_id", "unit__path", "cx_roles__slug")
    for user_id, path, slug in rows:
        people.setdefault(user_id, (path, []))[1].append(slug)
    coordinated = coordinator.profile.unit.path
    ops = connection.ops
    now = ops.adapt_datetimefield_value(timezone.now())
    records = []
    for user_id, (path, slugs) in people.items():
        signer = coordinator.pk if path.startswith(coordinated) else superuser.pk
        for code in catalogue.required(tuple(slug for slug in slugs if slug)):
            activity = catalogue.activities[code]
            drawn = generated_levels(activity, rng, today)
            if drawn is not None:
                level, self_level, signed_on, expires_on = drawn
                records.append(
                    (user_id, activity.pk, level, self_level, signer)
                    + (ops.adapt_datefield_value(signed_on), ops.adapt_datefield_value(expires_on))
                    + ("", "", "", "", now)
                )
    insert_rows(Record, GENERATED_FIELDS, records)
    return len(records)


def generated_levels(
    activity: CompetenceActivity, rng: random.Random, today: dt.date
) -> tuple[int, int, dt.date, dt.date | None] | None:
    """(level, self-assessed level, signed off on, valid until), or None: not started."""
    level = rng.choices(range(5), GENERATED_WEIGHTS)[0]
    if level == Level.NOT_STARTED:
        return None
    days_ago = rng.randint(2, 300)
    if activity.validity_months and rng.random() < EXPIRED_SHARE:
        days_ago = activity.validity_months * 31 + rng.randint(1, 90)
    day = today - dt.timedelta(days=days_ago)
    waiting = level < O and rng.random() < WAITING_SHARE
    return level, level + 1 if waiting else level, day, activity.expiry_from(day)


def insert_rows(model, field_names: tuple[str, ...], rows: list[tuple]) -> None:
    fields = [model._meta.get_field(name) for name in field_names]
    quote = connection.ops.quote_name
    columns = ", ".join(quote(field.column) for field in fields)
    values = ", ".join(["%s"] * len(fields))
    with connection.cursor() as cursor:
        cursor.executemany(
            f"INSERT INTO {quote(model._meta.db_table)} ({columns}) VALUES ({values})", rows
        )


def delete_competence_of(people: QuerySet[User]) -> None:
    """Remove the competence rows of these people before the people themselves.

    Records go with one DELETE: through the ORM, simple_history would load each one
    and write a history row for its deletion, which for a benchmark organisation of
    10,000 people is over 100,000 rows and most of the time of a reset. Nothing
    refers to a record, so there is no cascade to miss."""
    TraineePlan.objects.filter(person__in=people).delete()
    GreenCard.objects.filter(person__in=people).delete()
    records = Record.objects.filter(person__in=people)
    records._raw_delete(records.db)
