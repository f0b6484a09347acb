"""Excel exports through cxlean's writers against bare openpyxl, side by side: rows per
second and peak memory for 100,000 backlog items and a 1,000 × 60 competence matrix.

Builds one throw-away SQLite database (an organisation of 1,000 people in 4 departments
and 20 teams, 5 CX roles with requirements, 60 competence activities in 6 areas with
~70 % of the cells recorded, Green Cards, and 100,000 improvements), then runs each case
in a fresh Python process of its own, so that each peak memory is that case's alone:

- backlog, cxlean: `write_export("backlog")` — the list's query and order, labels in
  words, owner names, the formula-injection rules on every text, progress;
- backlog, bare: the same query's values appended as they come (timestamps made naive),
  nothing else — what the least an export could do costs;
- matrix, cxlean: `write_export("competence_matrix")` — the web matrix's rules (expired
  sign-offs, requirements, best Green Card), symbols, fills per level, coverage, legend;
- matrix, bare: people, activities and records read with three queries, the same
  symbols appended as plain text, no styles.

Both sides use openpyxl's write-only mode. Memory is the process's peak resident size
(VmHWM) and how much above the process's size before writing (Django set up) it went.
Run time is about a minute and a half.

    .venv/bin/python bench/exports.py
"""

import datetime as dt
import json
import os
import random
import resource
import subprocess
import sys
import tempfile
import time
from decimal import Decimal
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "cxlean.settings")
ITEMS = 100_000
PEOPLE = 1_000
ACTIVITIES = 60
AREAS = 6
ROLES = 5
TEAMS = 20
SEED = 7
CASES = ("backlog-cxlean", "backlog-bare", "matrix-cxlean", "matrix-bare")


def use_database(path: str) -> None:
    os.environ["DATABASE_URL"] = f"sqlite:///{path}"


def setup_django() -> None:
    import django

    django.setup()


def memory_mb(field: str) -> float:
    """VmHWM (peak resident size) or VmRSS (now) of this process, in MB. Not ru_maxrss:
    a child started by fork and exec keeps its parent's peak there."""
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith(f"{field}:"):
            return int(line.split()[1]) / 1024
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024  # not Linux


# --- the data ----------------------------------------------------------------------------


def build() -> None:
    from django.contrib.auth.models import Group, User
    from django.core.management import call_command

    from cxlean.backlog.models import Item, MudaKind, ScoringSettings, Status, Waste
    from cxlean.competence.models import (
        Area,
        CompetenceActivity,
        GreenCard,
        Level,
        Record,
        Requirement,
    )
    from cxlean.org.models import CXRole, Profile, Unit
    from cxlean.org.roles import EMPLOYEE

    call_command("migrate", verbosity=0)
    rng = random.Random(SEED)
    today = dt.date.today()
    company = Unit.objects.create(name="Bench AB", code="bench")
    departments = [
        Unit.objects.create(name=f"Avdelning {n + 1}", code=f"d{n}", parent=company)
        for n in range(4)
    ]
    teams = [
        Unit.objects.create(name=f"Team {n + 1}", code=f"t{n}", parent=departments[n % 4])
        for n in range(TEAMS)
    ]
    people = User.objects.bulk_create(
        User(username=f"p{n}", first_name=f"Person {n:04d}", last_name="Bench", password="!")
        for n in range(PEOPLE)
    )
    profiles = Profile.objects.bulk_create(
        Profile(user=person, unit=teams[n % TEAMS]) for n, person in enumerate(people)
    )
    employee = Group.objects.get_or_create(name=EMPLOYEE)[0]
    User.groups.through.objects.bulk_create(
        User.groups.through(user_id=person.pk, group_id=employee.pk) for person in people
    )
    roles = CXRole.objects.bulk_create(
        CXRole(slug=f"role-{n}", name_sv=f"Roll {n}", name_en=f"Role {n}") for n in range(ROLES)
    )
    Profile.cx_roles.through.objects.bulk_create(
        Profile.cx_roles.through(profile_id=profile.pk, cxrole_id=roles[n % ROLES].pk)
        for n, profile in enumerate(profiles)
    )
    areas = Area.objects.bulk_create(
        Area(name_sv=f"Område {n}", name_en=f"Area {n}", order=n) for n in range(AREAS)
    )
    activities = CompetenceActivity.objects.bulk_create(
        CompetenceActivity(
            area=areas[n % AREAS],
            code=f"a{n}",
            title_sv=f"Aktivitet {n}",
            title_en=f"Activity {n}",
            order=n,
        )
        for n in range(ACTIVITIES)
    )
    Requirement.objects.bulk_create(
        Requirement(role=role, activity=activity, level=rng.choice((Level.L, Level.U)))
        for role in roles
        for activity in rng.sample(activities, 12)
    )
    records = []
    for person in people:
        for activity in activities:
            if rng.random() < 0.7:
                level = rng.randint(1, 4)
                expired = rng.random() < 0.05
                records.append(
                    Record(
                        person=person,
                        activity=activity,
                        level=level,
                        self_level=min(4, level + (rng.random() < 0.1)),
                        expires_on=today - dt.timedelta(days=3) if expired else None,
                    )
                )
    Record.objects.bulk_create(records, batch_size=5_000)
    GreenCard.objects.bulk_create(
        GreenCard(
            person=person,
            role=roles[n % ROLES],
            number=f"GC-{n:05d}",
            issued_on=today - dt.timedelta(days=30),
            expires_on=today + dt.timedelta(days=700),
        )
        for n, person in enumerate(people[::4])
    )
    now = dt.datetime.now(dt.UTC)
    units = [*departments, *teams]
    Item.objects.bulk_create(
        (
            Item(
                title=f"Förbättring {n + 1}: kortare väntan i kanal {n % 7 + 1}",
                unit=units[n % len(units)],
                owner=people[n % PEOPLE] if n % 3 else None,
                waste=Waste.MUDA if n % 2 else Waste.MURA,
                muda_kind=MudaKind.WAITING if n % 2 else "",
                impact=rng.randint(1, 5),
                feasibility=rng.randint(1, 5),
                customer_value=rng.randint(1, 5),
                status=rng.choice(Status.values),
                due_date=today + dt.timedelta(days=n % 90) if n % 3 else None,
                created_at=now - dt.timedelta(minutes=n),
                expected_metric="nps",
                expected_change=Decimal(n % 8),
                expected_effect="=NPS+3" if n % 1000 == 0 else "Kortare kö",
            )
            for n in range(ITEMS)
        ),
        batch_size=5_000,
    )
    ScoringSettings.current().save()  # priority and quadrant of every item


# --- one case, in a process of its own ---------------------------------------------------


def run_case(case: str, out: str) -> dict:
    setup_django()
    from cxlean.exports.management.commands.export import everything_scope

    scope = everything_scope()
    baseline = memory_mb("VmRSS")
    began = time.perf_counter()
    rows = CASE_FUNCTIONS[case](scope, out)
    seconds = time.perf_counter() - began
    peak = memory_mb("VmHWM")
    return {
        "case": case,
        "rows": rows,
        "seconds": seconds,
        "peak_mb": peak,
        "grew_mb": peak - baseline,
        "bytes": os.path.getsize(out),
    }


def backlog_cxlean(scope, out: str) -> int:
    from django.utils import translation

    from cxlean.exports.services import write_export

    with translation.override("sv"):
        return write_export("backlog", scope, {}, out).rows


def backlog_bare(scope, out: str) -> int:
    from openpyxl import Workbook

    from cxlean.backlog.forms import SORTS
    from cxlean.backlog.models import Item
    from cxlean.exports.writers.backlog import COLUMNS

    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet("Items")
    sheet.append(list(COLUMNS))
    rows = 0
    query = Item.objects.order_by(*SORTS["priority"]).values_list(*COLUMNS)
    created = COLUMNS.index("created_at")
    for row in query.iterator(chunk_size=2_000):
        row = list(row)
        row[created] = row[created].replace(tzinfo=None)
        sheet.append(row)
        rows += 1
    workbook.save(out)
    return rows


def matrix_cxlean(scope, out: str) -> int:
    from django.utils import translation

    from cxlean.exports.services import write_export

    with translation.override("sv"):
        return write_export("competence_matrix", scope, {}, out).rows


def matrix_bare(scope, out: str) -> int:
    from django.contrib.auth.models import User
    from openpyxl import Workbook

    from cxlean.competence.models import LEVEL_LETTERS, LEVEL_SYMBOLS, CompetenceActivity, Record

    activities = list(CompetenceActivity.objects.values_list("pk", "title_sv"))
    people = list(
        User.objects.filter(profile__isnull=False)
        .order_by("profile__unit__path", "first_name", "last_name", "username", "pk")
        .values_list("pk", "first_name", "last_name", "profile__unit__name")
    )
    levels: dict[int, dict[int, int]] = {}
    for person, activity, level in Record.objects.values_list("person", "activity", "level"):
        levels.setdefault(person, {})[activity] = level
    symbols = {level: f"{LEVEL_SYMBOLS[level]} {LEVEL_LETTERS[level]}" for level in LEVEL_SYMBOLS}
    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet("Matrix")
    sheet.append(["Person", "Unit", *[title for _pk, title in activities]])
    for pk, first, last, unit in people:
        mine = levels.get(pk, {})
        sheet.append([f"{first} {last}", unit, *[symbols[mine.get(a, 0)] for a, _t in activities]])
    workbook.save(out)
    return len(people)


CASE_FUNCTIONS = {
    "backlog-cxlean": backlog_cxlean,
    "backlog-bare": backlog_bare,
    "matrix-cxlean": matrix_cxlean,
    "matrix-bare": matrix_bare,
}


# --- the run -----------------------------------------------------------------------------


def child(case: str, database: str, out: str) -> dict:
    env = {**os.environ, "DATABASE_URL": f"sqlite:///{database}", "LOG_LEVEL": "WARNING"}
    answer = subprocess.run(
        [sys.executable, __file__, "--case", case, "--out", out],
        env=env,
        capture_output=True,
        text=True,
        check=False,
    )
    if answer.returncode != 0:
        raise SystemExit(f"{case} failed:\n{answer.stderr}")
    return json.loads(answer.stdout.strip().splitlines()[-1])


def main() -> None:
    with tempfile.TemporaryDirectory() as directory:
        database = str(Path(directory) / "bench-exports.sqlite3")
        use_database(database)
        began = time.perf_counter()
        setup_django()
        build()
        print(
            f"Built {ITEMS:,} improvements and a {PEOPLE:,} × {ACTIVITIES} matrix "
            f"in {time.perf_counter() - began:.0f} s (SQLite, throw-away)."
        )
        results = [child(case, database, str(Path(directory) / f"{case}.xlsx")) for case in CASES]
    print()
    print(
        f"{'export':<22}{'rows':>9}{'seconds':>9}{'rows/s':>10}"
        f"{'peak MB':>9}{'grew MB':>9}{'file MB':>9}"
    )
    for result in results:
        print(
            f"{result['case']:<22}{result['rows']:>9,}{result['seconds']:>9.1f}"
            f"{result['rows'] / result['seconds']:>10,.0f}{result['peak_mb']:>9.0f}"
            f"{result['grew_mb']:>9.0f}{result['bytes'] / 2**20:>9.1f}"
        )
    print()
    print(
        "rows: data rows written (matrix: people). cxlean adds labels in words, names,\n"
        "the formula-injection rules, styles and progress; bare appends the raw values."
    )


if __name__ == "__main__":
    if "--case" in sys.argv:
        case = sys.argv[sys.argv.index("--case") + 1]
        out = sys.argv[sys.argv.index("--out") + 1]
        print(json.dumps(run_case(case, out)))
    else:
        main()
