"""The improvement backlog at 100 and at 10,000 items, side by side: server time and
SQL queries of its lists in the app, the API and the admin.

Builds throw-away SQLite databases (units, people, a customer journey and the items are
bulk-inserted; items spread over 4 departments and their teams, every PDCA status,
waste kind and score, some overdue, some finished in the last 90 days) and computes
priority and quadrant for all items with one UPDATE (`ScoringSettings.save`), timed on
its own. Then it times each page as a coordinator of the whole organisation (the
heaviest view: every item may be moved, so the board offers every move), median of 5
requests, with the number of queries of one request:

- the backlog list, board and impact-versus-feasibility chart (/improvements/...);
- the API's items and flat rows for Power BI (/api/v1/...);
- the admin's item list and its backlog by unit.

A page that does not exist yet (or fails) is reported, not timed.

    make bench            # or: .venv/bin/python bench/backlog.py
"""

import datetime as dt
import os
import random
import statistics
import sys
import tempfile
import time
from decimal import Decimal
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "cxlean.settings")
SIZES = (100, 10_000)
ROUNDS = 5
SEED = 4
DEPARTMENTS = 4
ITEMS_PER_TEAM = 250
PEOPLE = 60
PAGES = [
    ("backlog list", "/improvements/"),
    ("board", "/improvements/board/"),
    ("chart", "/improvements/chart/"),
    ("API items", "/api/v1/improvements/"),
    ("API rows (Power BI)", "/api/v1/improvement-rows/"),
    ("admin item list", "/admin/backlog/item/"),
    ("admin backlog by unit", "/admin/backlog/item/by-unit/"),
]
# How the items spread over the workflow (weights).
STATUS_WEIGHTS = {
    "idea": 25,
    "triaged": 15,
    "plan": 12,
    "do": 12,
    "check": 6,
    "act": 20,
    "rejected": 10,
}


def configure_database(directory: str, size: int) -> None:
    from django.conf import settings
    from django.db import connections

    path = Path(directory) / f"bench-backlog-{size}.sqlite3"
    settings.DATABASES["default"]["NAME"] = str(path)
    connections["default"].close()
    connections["default"].settings_dict["NAME"] = str(path)


def build(size: int, today: dt.date):
    """The organisation, a journey and `size` items; returns the viewing coordinator
    and the time (ms) it took to compute every item's priority and quadrant."""
    from django.contrib.auth.models import Group, User
    from django.core.management import call_command

    from cxlean.org.models import Profile, Unit
    from cxlean.org.roles import COORDINATOR, EMPLOYEE

    call_command("migrate", verbosity=0)
    call_command("load_catalogue", verbosity=0)
    rng = random.Random(SEED)
    company = Unit.objects.create(name="Bench AB", code="bench")
    departments = [
        Unit.objects.create(name=f"Avdelning {n + 1}", code=f"bench-d{n}", parent=company)
        for n in range(DEPARTMENTS)
    ]
    teams = [
        Unit.objects.create(
            name=f"Team {n + 1}", code=f"bench-t{n}", parent=departments[n % DEPARTMENTS]
        )
        for n in range(max(DEPARTMENTS, size // ITEMS_PER_TEAM))
    ]
    coordinator = User.objects.create_user("bench-coordinator", first_name="Sara", is_staff=True)
    Profile.objects.create(user=coordinator, unit=company)
    coordinator.groups.add(Group.objects.get_or_create(name=COORDINATOR)[0])
    people = User.objects.bulk_create(
        User(username=f"person{n}", first_name=f"Person {n:03d}", password="!")
        for n in range(PEOPLE)
    )
    Profile.objects.bulk_create(
        Profile(user=person, unit=teams[n % len(teams)]) for n, person in enumerate(people)
    )
    employee = Group.objects.get_or_create(name=EMPLOYEE)[0]
    User.groups.through.objects.bulk_create(
        User.groups.through(user_id=person.pk, group_id=employee.pk) for person in people
    )
    touchpoints, transitions = build_journey(departments[0])
    build_items(rng, size, [*departments, *teams], people, touchpoints, transitions, today)
    return coordinator, recompute_ms()


def build_journey(unit):
    from cxlean.journeys.models import Journey, Stage, Touchpoint, Transition

    journey = Journey.objects.create(name="Flytta och teckna elavtal", unit=unit)
    stages = Stage.objects.bulk_create(
        Stage(journey=journey, order=n, name=f"Steg {n + 1}") for n in range(5)
    )
    touchpoints = Touchpoint.objects.bulk_create(
        Touchpoint(
            stage=stage,
            order=n,
            name=f"Kontaktpunkt {stage.order + 1}.{n + 1}",
            channel=("web", "phone", "chat")[n],
            emotion=(stage.order + n) % 5 - 2,
        )
        for stage in stages
        for n in range(3)
    )
    transitions = Transition.objects.bulk_create(
        Transition(source=a, target=b, friction="Kunden får börja om.")
        for a, b in zip(touchpoints, touchpoints[1:], strict=False)
    )
    return touchpoints, transitions


def build_items(rng, size, units, people, touchpoints, transitions, today) -> None:
    from cxlean.backlog.models import Item, MudaKind, Source, Status, Waste

    now = dt.datetime.combine(today, dt.time(12), tzinfo=dt.UTC)
    statuses = rng.choices(list(STATUS_WEIGHTS), list(STATUS_WEIGHTS.values()), k=size)
    items = []
    for n, status in enumerate(statuses):
        scored = status != Status.IDEA or rng.random() < 0.3
        waste = rng.choice(Waste.values) if scored else ""
        planned = status in (Status.PLAN, Status.DO, Status.CHECK, Status.ACT)
        created = now - dt.timedelta(days=rng.randint(1, 365), minutes=n)
        changed = created + (now - created) * rng.random()
        place = rng.random()
        items.append(
            Item(
                title=f"Förbättring {n + 1}: kortare väntan i kanal {n % 7 + 1}",
                description="Kunden väntar för länge och ringer igen.",
                unit=rng.choice(units),
                submitted_by=rng.choice(people),
                owner=rng.choice(people) if planned else None,
                due_date=today + dt.timedelta(days=rng.randint(-40, 120)) if planned else None,
                source=rng.choice(Source.values),
                touchpoint=rng.choice(touchpoints) if place < 0.5 else None,
                transition=rng.choice(transitions) if 0.5 <= place < 0.6 else None,
                waste=waste,
                muda_kind=rng.choice(MudaKind.values) if waste == Waste.MUDA else "",
                impact=rng.randint(1, 5) if scored else None,
                feasibility=rng.randint(1, 5) if scored else None,
                customer_value=rng.randint(1, 5) if scored else None,
                status=status,
                status_changed_at=changed,
                created_at=created,
                rejection_reason="Dubblett." if status == Status.REJECTED else "",
                expected_metric=rng.choice(("nps", "csat", "ces", "churn")) if scored else "",
                expected_change=Decimal(rng.randint(1, 8)) if scored else None,
                measured_effect="NPS +3" if status in (Status.CHECK, Status.ACT) else "",
                spread=rng.random() < 0.4 if status == Status.ACT else None,
            )
        )
    Item.objects.bulk_create(items, batch_size=2_000)


def recompute_ms() -> tuple[float, int]:
    """Priority and quadrant of every item, as when the organisation changes its weights:
    (milliseconds, queries)."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from cxlean.backlog.models import ScoringSettings

    with CaptureQueriesContext(connection) as queries:
        began = time.perf_counter()
        ScoringSettings.current().save()
        took = (time.perf_counter() - began) * 1000
    return took, len(queries)


def page_problem(client, url: str) -> str | None:
    """Why a page cannot be timed (not written yet, or failing), or None."""
    from django.urls import Resolver404, resolve

    try:
        resolve(url)
    except Resolver404:
        return "no such page yet"
    except Exception as error:  # the URL configuration itself may be half-written
        return f"URLs do not load ({type(error).__name__})"
    try:
        response = client.get(url)
    except Exception as error:
        return f"fails: {type(error).__name__}"
    if response.status_code != 200:
        return f"HTTP {response.status_code}"
    return None


def measure(coordinator) -> dict[str, tuple]:
    """url -> (median ms, queries) or (None, problem)."""
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext

    client = Client()
    client.force_login(coordinator)
    results = {}
    for _label, url in PAGES:
        problem = page_problem(client, url)  # also warms the page up
        if problem:
            results[url] = (None, problem)
            continue
        timings = []
        for _ in range(ROUNDS):
            with CaptureQueriesContext(connection) as queries:
                began = time.perf_counter()
                client.get(url)
                timings.append((time.perf_counter() - began) * 1000)
        results[url] = (statistics.median(timings), len(queries))
    return results


def cell(value: tuple) -> str:
    ms, queries = value
    if ms is None:
        return f"{queries:>22}"
    return f"{f'{ms:.1f} ms {queries:>4} q':>22}"


def main() -> None:
    import django

    django.setup()
    from django.test.utils import setup_test_environment
    from django.utils import timezone

    setup_test_environment()
    today = timezone.localdate()
    measured, recompute = {}, {}
    with tempfile.TemporaryDirectory() as directory:
        for size in SIZES:
            configure_database(directory, size)
            coordinator, recompute[size] = build(size, today)
            measured[size] = measure(coordinator)
    small, large = SIZES
    print(f"Improvement backlog: median server time of {ROUNDS} requests (ms) and SQL queries")
    print("per request (savepoints included), as a coordinator of the whole organisation.\n")
    header = f"{'page':24} {'url':30}"
    print(header + "".join(f"{f'{size:,} items':>24}" for size in SIZES) + "  queries")
    for label, url in PAGES:
        first, second = measured[small][url], measured[large][url]
        same = "" if first[0] is None or second[0] is None else "constant"
        if same and first[1] != second[1]:
            same = f"GROW {first[1]} -> {second[1]}"
        print(f"{label:24} {url:30}  {cell(first)}  {cell(second)}  {same}")
    print(
        f"{'recompute priorities':24} {'(ScoringSettings.save)':30}  "
        f"{cell(recompute[small])}  {cell(recompute[large])}"
    )
    skipped = [url for _label, url in PAGES if measured[large][url][0] is None]
    if skipped:
        print(f"\nNot timed: {', '.join(skipped)} (see the reason in the table).")


if __name__ == "__main__":
    main()
