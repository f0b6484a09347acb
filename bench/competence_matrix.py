"""The competence matrix at 50 and at 1,000 people x 60 activities, side by side with
the time it takes just to fetch its cells from the database.

Builds throw-away SQLite databases (people, units, the catalogue and the records are
bulk-inserted: 60 activities in 7 areas, requirements for 4 CX roles, a record for
about 85% of the cells with expired, waiting and rejected ones among them) and times,
as a coordinator of the whole organisation (the heaviest view: every cell is a
sign-off link):
- fetching the cells: the records values_list query alone, for everyone and for one
  page of people;
- the matrix page's server time (test client, median of 5) and its SQL queries: the
  first page (100 people), every page one after the other, and one team of 25 people
  (?unit=); the coverage row always counts everyone filtered.

    make bench            # or: .venv/bin/python bench/competence_matrix.py
"""

import datetime as dt
import os
import random
import statistics
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "cxlean.settings")
SIZES = (50, 1_000)
ACTIVITIES = 60
AREAS = 7
ROLES = 4
TEAM_SIZE = 25
DEPARTMENTS = 4
ROUNDS = 5
SEED = 3
FIELDS = ("person_id", "activity_id", "level", "self_level", "expires_on", "rejected_level")


def configure_database(directory: str, size: int) -> None:
    from django.conf import settings
    from django.db import connections

    path = Path(directory) / f"bench-matrix-{size}.sqlite3"
    settings.DATABASES["default"]["NAME"] = str(path)
    connections["default"].close()
    connections["default"].settings_dict["NAME"] = str(path)


def build(size: int, today: dt.date):
    """The organisation, catalogue and records; returns the coordinator, a team and a
    unit without people."""
    from django.contrib.auth.models import Group, User
    from django.core.management import call_command

    from cxlean.org.models import Profile, Unit
    from cxlean.org.roles import COORDINATOR

    call_command("migrate", verbosity=0)
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
        for n in range(-(-size // TEAM_SIZE))
    ]
    coordinator = User.objects.create_user("bench-coordinator", first_name="Coordinator")
    Profile.objects.create(user=coordinator, unit=company)
    coordinator.groups.add(Group.objects.get_or_create(name=COORDINATOR)[0])
    people = User.objects.bulk_create(
        User(username=f"person{n}", first_name=f"Person {n:04d}", password="!") for n in range(size)
    )
    profiles = Profile.objects.bulk_create(
        Profile(user=person, unit=teams[n // TEAM_SIZE]) for n, person in enumerate(people)
    )
    roles, activities = build_catalogue(rng)
    Profile.cx_roles.through.objects.bulk_create(
        Profile.cx_roles.through(profile=profile, cxrole=roles[n % ROLES])
        for n, profile in enumerate(profiles)
    )
    build_records(rng, people, activities, today)
    build_cards(people, roles, today)
    empty = Unit.objects.create(name="Nobody yet", code="bench-empty", parent=company)
    return coordinator, teams[0], empty


def build_catalogue(rng: random.Random):
    from cxlean.competence.models import Area, CompetenceActivity, Level, Requirement
    from cxlean.org.models import CXRole

    roles = CXRole.objects.bulk_create(
        CXRole(slug=f"bench-role-{n}", name_sv=f"Roll {n}", name_en=f"Role {n}", order=n)
        for n in range(ROLES)
    )
    areas = Area.objects.bulk_create(
        Area(name_sv=f"Område {n + 1}", name_en=f"Area {n + 1}", order=n) for n in range(AREAS)
    )
    activities = CompetenceActivity.objects.bulk_create(
        CompetenceActivity(
            area=areas[n * AREAS // ACTIVITIES],
            code=f"bench-{n}",
            title_sv=f"Aktivitet {n + 1}: hantera ärendetyp {n + 1}",
            title_en=f"Activity {n + 1}: handle case type {n + 1}",
            validity_months=(12, 24, None)[n % 3],
            order=n,
        )
        for n in range(ACTIVITIES)
    )
    Requirement.objects.bulk_create(
        Requirement(activity=activity, role=role, level=rng.choice((Level.L, Level.U, Level.U)))
        for role in roles
        for activity in rng.sample(activities, 15)
    )
    return roles, activities


def build_records(rng: random.Random, people, activities, today: dt.date) -> None:
    from cxlean.competence.models import Record

    records = []
    for person in people:
        for activity in activities:
            if rng.random() > 0.85:
                continue
            level = rng.choice((0, 1, 2, 2, 3, 3, 3, 4))
            waiting = rng.random() < 0.1 and level < 4
            self_level = level + 1 if waiting else level
            expires = None
            if activity.validity_months and level:
                expires = today + dt.timedelta(days=rng.randint(-60, 700))
            records.append(
                Record(
                    person=person,
                    activity=activity,
                    level=level,
                    self_level=self_level,
                    signed_off_on=today - dt.timedelta(days=30) if level else None,
                    expires_on=expires,
                    rejected_level=self_level if waiting and rng.random() < 0.2 else None,
                )
            )
    Record.objects.bulk_create(records, batch_size=5_000)


def build_cards(people, roles, today: dt.date) -> None:
    from cxlean.competence.models import GreenCard

    GreenCard.objects.bulk_create(
        GreenCard(
            person=person,
            role=roles[n % ROLES],
            number=f"GC-{today.year}-{n:04d}",
            issued_on=today - dt.timedelta(days=100),
            expires_on=today + dt.timedelta(days=600 if n % 10 else 10),
        )
        for n, person in enumerate(people)
        if n % 5 == 0
    )


def median_ms(action, rounds: int = ROUNDS) -> float:
    timings = []
    for _ in range(rounds):
        began = time.perf_counter()
        action()
        timings.append((time.perf_counter() - began) * 1000)
    return statistics.median(timings)


def fetch_cells(person_ids=None) -> int:
    from cxlean.competence.models import Record

    records = Record.objects.order_by()
    if person_ids is not None:
        records = records.filter(person_id__in=person_ids)
    return len(list(records.values_list(*FIELDS)))


def get_page(client, url: str):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as queries:
        response = client.get(url)
    assert response.status_code == 200, (url, response.status_code)
    return response, len(queries)


def measure(coordinator, team, empty) -> dict[str, tuple]:
    """label -> (milliseconds, queries, kilobytes); the cell count under "cells"."""
    from django.test import Client
    from django.urls import reverse

    from cxlean.competence.matrix import PEOPLE_PER_PAGE, filtered_people

    url = reverse("competence:matrix")
    client = Client()
    client.force_login(coordinator)
    client.get(url)  # warm up
    first_page = list(filtered_people(coordinator).values_list("pk", flat=True))[:PEOPLE_PER_PAGE]
    results = {
        "cells": (fetch_cells(), None, None),
        "fetch all": (median_ms(fetch_cells), 1, None),
        "fetch page": (median_ms(lambda: fetch_cells(first_page)), 1, None),
    }
    response, queries = get_page(client, url)
    results["first page"] = (median_ms(lambda: client.get(url)), queries, len(response.content))
    pages = response.context["page"].paginator.num_pages
    began = time.perf_counter()
    counts = {get_page(client, f"{url}?page={n}")[1] for n in range(1, pages + 1)}
    assert len(counts) == 1, counts  # the same number of queries on every page
    results["all pages"] = ((time.perf_counter() - began) * 1000, counts.pop(), pages)
    empty_url = f"{url}?unit={empty.pk}"
    get_page(client, empty_url)
    results["empty"] = (median_ms(lambda: client.get(empty_url)), get_page(client, empty_url)[1], 0)
    team_url = f"{url}?unit={team.pk}"
    response, queries = get_page(client, team_url)
    results["team"] = (median_ms(lambda: client.get(team_url)), queries, len(response.content))
    return results


ROWS = [
    ("empty", "matrix: nobody matches"),
    ("fetch all", "fetch all cells (values_list)"),
    ("fetch page", "fetch one page's cells"),
    ("first page", "matrix: first page (up to 100)"),
    ("all pages", "matrix: every page in turn"),
    ("team", "matrix: one team (25 people)"),
]


def figures(key: str, values: tuple) -> str:
    ms, queries, extra = values
    if key == "all pages":
        return f"{ms:9.1f} ms {queries:3} q {extra:2} pages"
    size = f"{extra // 1024:5} KB" if extra else " " * 8
    return f"{ms:9.1f} ms {queries:3} q {size}"


def main() -> None:
    import django

    django.setup()
    from django.test.utils import setup_test_environment
    from django.utils import timezone

    setup_test_environment()
    today = timezone.localdate()
    measured = {}
    with tempfile.TemporaryDirectory() as directory:
        for size in SIZES:
            configure_database(directory, size)
            measured[size] = measure(*build(size, today))
    print(f"Competence matrix, {ACTIVITIES} activities in {AREAS} areas: median server time of")
    print(f"{ROUNDS} requests, SQL queries per request (savepoints included) and page size.")
    print("The viewer coordinates everyone, so every cell is a sign-off link; the coverage")
    print("row counts everyone filtered, on every page.\n")
    titles = [f"{size:,} people, {measured[size]['cells'][0]:,} cells" for size in SIZES]
    print(" " * 34 + "".join(f"{title:>34}" for title in titles))
    for key, label in ROWS:
        print(f"{label:34}" + "".join(f"{figures(key, measured[size][key]):>34}" for size in SIZES))
    large = measured[SIZES[-1]]
    ratio = large["first page"][0] / large["fetch all"][0]
    cells = large["cells"][0]
    print(f"\nAt {SIZES[-1]:,} people a page takes {ratio:.1f}x the time of fetching all {cells:,}")
    print("cells; the empty matrix shows the page's fixed cost (login, layout, filters).")


if __name__ == "__main__":
    main()
