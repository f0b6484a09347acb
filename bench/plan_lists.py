"""Server time and query count of the plan lists at two data sizes, side by side.

Builds throw-away SQLite databases with 100 and with
10,000 activities (50 per plan) and times each list as the management user sees it:
the web list of plans, the API lists of plans and activities, and the admin list.

    make bench            # or: .venv/bin/python bench/plan_lists.py
"""

import datetime as dt
import os
import statistics
import sys
import tempfile
import time
from decimal import Decimal
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "cxlean.settings")
SIZES = (100, 10_000)
PER_PLAN = 50
ROUNDS = 5
PAGES = ["/plans/", "/api/v1/plans/", "/api/v1/activities/", "/admin/plans/plan/"]


def configure_database(directory: str, size: int) -> None:
    from django.conf import settings
    from django.db import connections

    path = Path(directory) / f"bench-{size}.sqlite3"
    settings.DATABASES["default"]["NAME"] = str(path)
    connections["default"].close()
    connections["default"].settings_dict["NAME"] = str(path)


def build(size: int):
    from django.contrib.auth.models import Group, User
    from django.core.management import call_command

    from cxlean.org.models import Profile, Unit
    from cxlean.org.roles import MANAGEMENT
    from cxlean.plans.models import Activity, Phase, Plan

    call_command("migrate", verbosity=0)
    call_command("load_catalogue", verbosity=0)
    unit = Unit.objects.create(name="Bench", code="bench")
    manager = User.objects.create_user("bench-manager", is_staff=True)
    Profile.objects.create(user=manager, unit=unit)
    manager.groups.add(Group.objects.get_or_create(name=MANAGEMENT)[0])
    start = dt.date(2026, 1, 5)
    plans = Plan.objects.bulk_create(
        Plan(
            name=f"Plan {n}",
            unit=unit,
            coordinator=manager,
            start_date=start,
            end_date=start + dt.timedelta(days=300),
            budget=Decimal("100000"),
        )
        for n in range(size // PER_PLAN)
    )
    phases = Phase.objects.bulk_create(Phase(plan=plan, title="Fas", order=1) for plan in plans)
    Activity.objects.bulk_create(
        Activity(
            phase=phase,
            title=f"Aktivitet {n}",
            owner=manager,
            start_date=start + dt.timedelta(days=n),
            due_date=start + dt.timedelta(days=n + 5),
            planned_cost=Decimal("1000"),
            status=Activity.Status.IN_PROGRESS,
        )
        for phase in phases
        for n in range(PER_PLAN)
    )
    return manager


def measure(manager) -> dict[str, tuple[float, int]]:
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext

    client = Client()
    client.force_login(manager)
    results = {}
    for url in PAGES:
        timings = []
        for _ in range(ROUNDS):
            with CaptureQueriesContext(connection) as queries:
                began = time.perf_counter()
                response = client.get(url)
                timings.append((time.perf_counter() - began) * 1000)
            assert response.status_code == 200, (url, response.status_code)
        results[url] = (statistics.median(timings), len(queries))
    return results


def main() -> None:
    import django

    django.setup()
    from django.test.utils import setup_test_environment

    setup_test_environment()
    measured = {}
    with tempfile.TemporaryDirectory() as directory:
        for size in SIZES:
            configure_database(directory, size)
            measured[size] = measure(build(size))
    small, large = SIZES
    print(f"Median server time of {ROUNDS} requests (ms) and SQL queries per request;")
    print(f"{PER_PLAN} activities per plan.\n")
    print(f"{'list':28} {f'{small} activities':>22} {f'{large} activities':>22}")
    for url in PAGES:
        (t1, q1), (t2, q2) = measured[small][url], measured[large][url]
        print(f"{url:28} {t1:>10.1f} ms {q1:>3} q    {t2:>10.1f} ms {q2:>3} q")


if __name__ == "__main__":
    main()
