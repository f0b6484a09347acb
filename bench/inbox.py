"""The start page's inbox for a Lean coordinator of 100 and of 1,000 people, side by
side: server time and SQL queries of `inbox_for` and of the whole start page.

Builds throw-away SQLite databases: a company, the coordinator's department with 10
teams, and for its people (bulk-inserted) something in every area: late and blocked
rollout activities, a role checklist past its due date and a checklist per person,
Gemba walks not reported, a maturity assessment with everyone as assessor, levels
waiting for sign-off, Green Cards expiring, ideas to triage, finished exports. A sister
department has the same, which the coordinator must not see.

    make bench            # or: .venv/bin/python bench/inbox.py
"""

import datetime as dt
import os
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "cxlean.settings")
SIZES = tuple(int(arg) for arg in sys.argv[1:]) or (100, 1_000)
TEAMS = 10
REPEAT = 5  # timings are the best of this many runs


def configure_database(directory: str, size: int) -> None:
    from django.conf import settings
    from django.db import connections

    path = Path(directory) / f"bench-inbox-{size}.sqlite3"
    settings.DATABASES["default"]["NAME"] = str(path)
    connections["default"].close()
    connections["default"].settings_dict["NAME"] = str(path)


def days(today: dt.date, n: int) -> dt.date:
    return today + dt.timedelta(days=n)


def build(size: int, now: dt.datetime):
    """The coordinator of a department of `size` people, with a sister department."""
    from django.core.management import call_command

    from cxlean.org.models import Unit

    call_command("migrate", verbosity=0)
    company = Unit.objects.create(name="Bench AB", code="bench")
    coordinator = None
    for d, name in enumerate(("Kundservice", "Försäljning")):
        department = Unit.objects.create(name=name, code=f"bench-d{d}", parent=company)
        teams = [
            Unit.objects.create(
                name=f"{name} team {n + 1}", code=f"bench-{d}-{n}", parent=department
            )
            for n in range(TEAMS)
        ]
        boss = build_department(f"d{d}", department, teams, size, now)
        coordinator = coordinator or boss
    return coordinator


def build_department(prefix: str, department, teams, size: int, now: dt.datetime):
    from django.contrib.auth.models import Group, User
    from django.utils import timezone

    from cxlean.backlog.models import Item
    from cxlean.checklists.models import Assignment, ChecklistTemplate, TemplateItem
    from cxlean.competence.models import Area, CompetenceActivity, GreenCard, Level, Record
    from cxlean.exports.models import ExportJob, JobStatus, Kind
    from cxlean.gemba.models import Walk
    from cxlean.maturity.models import Assessment, Dimension, Question
    from cxlean.org.models import CXRole, Profile
    from cxlean.org.roles import COORDINATOR, EMPLOYEE
    from cxlean.plans.models import Activity, Phase, Plan

    today = timezone.localdate(now)
    groups = {name: Group.objects.get_or_create(name=name)[0] for name in (COORDINATOR, EMPLOYEE)}
    coordinator = User.objects.create(username=f"{prefix}-coordinator", first_name="Sara")
    Profile.objects.create(user=coordinator, unit=department)
    coordinator.groups.add(groups[COORDINATOR])
    staff = User.objects.bulk_create(
        User(username=f"{prefix}-person{n}", first_name=f"Person {n}", password="!")
        for n in range(size)
    )
    Profile.objects.bulk_create(
        Profile(user=user, unit=teams[n % len(teams)]) for n, user in enumerate(staff)
    )
    User.groups.through.objects.bulk_create(
        User.groups.through(user_id=user.pk, group_id=groups[EMPLOYEE].pk) for user in staff
    )
    unit_of = {user.pk: teams[n % len(teams)] for n, user in enumerate(staff)}
    # rollout plans: per person one late, one blocked and one later activity
    plan = Plan.objects.create(
        name=f"Utrullning {department.name}",
        unit=department,
        coordinator=coordinator,
        start_date=days(today, -90),
        end_date=days(today, 200),
    )
    phase = Phase.objects.create(plan=plan, title="Steg 1", order=1)
    Activity.objects.bulk_create(
        Activity(
            phase=phase,
            title=f"Aktivitet {n}",
            owner=person,
            start_date=days(today, -30),
            due_date=days(today, offset),
            status=status,
        )
        for n, person in enumerate(staff)
        for offset, status in ((-3, "planned"), (20, "blocked"), (40, "in_progress"))
    )
    # checklists: a role assignment past due, and one checklist per person
    role = CXRole.objects.get_or_create(
        slug="customer-service", defaults={"name_sv": "Kundservice", "name_en": "Service"}
    )[0]
    Profile.cx_roles.through.objects.bulk_create(
        Profile.cx_roles.through(profile_id=pk, cxrole_id=role.pk)
        for pk in Profile.objects.filter(user__in=staff).values_list("pk", flat=True)
    )
    template = ChecklistTemplate.objects.create(
        code=f"cs-{prefix}", role=role, title_sv="Checklista", title_en="Checklist"
    )
    TemplateItem.objects.bulk_create(
        TemplateItem(template=template, order=n, text_sv=f"Punkt {n}", text_en=f"Item {n}")
        for n in range(6)
    )
    Assignment.objects.create(
        template=template, unit=department, role=role, due_date=days(today, -1)
    )
    Assignment.objects.bulk_create(
        Assignment(template=template, unit=unit_of[p.pk], person=p, due_date=days(today, 12))
        for p in staff
    )
    # Gemba walks: one per team not reported, and the coordinator leads one
    Walk.objects.bulk_create(
        Walk(unit=team, leader=staff[n], place="Golvet", planned_start=now - dt.timedelta(days=3))
        for n, team in enumerate(teams)
    )
    Walk.objects.create(
        unit=department,
        leader=coordinator,
        place="Disken",
        planned_start=now + dt.timedelta(days=2),
    )
    # maturity: everyone assesses the department
    dimension, _ = Dimension.objects.get_or_create(
        code="strategy", defaults={"name_sv": "Strategi", "name_en": "Strategy", "order": 1}
    )
    for n in range(18 - Question.objects.count()):
        Question.objects.create(
            dimension=dimension, code=f"q{n}", order=n, text_sv="?", text_en="?"
        )
    assessment = Assessment.objects.create(
        unit=department, assessed_on=today, title=f"Självskattning {department.name}"
    )
    assessment.assessors.set([coordinator, *staff])
    # competence: a level waiting per person, a Green Card expiring per fifth
    area = Area.objects.create(name_sv=f"Område {prefix}", name_en=f"Area {prefix}")
    activity = CompetenceActivity.objects.create(
        area=area, code=f"journey-{prefix}", title_sv="Kartlägga", title_en="Map"
    )
    Record.objects.bulk_create(
        Record(person=p, activity=activity, level=Level.I, self_level=Level.L) for p in staff
    )
    GreenCard.objects.bulk_create(
        GreenCard(
            person=p,
            number=f"GC-{prefix}-{n}",
            issued_on=days(today, -700),
            expires_on=days(today, 10),
        )
        for n, p in enumerate(staff[::5])
    )
    # improvements: an idea per person to triage
    Item.objects.bulk_create(
        Item(title=f"Idé {n}", unit=unit_of[p.pk], submitted_by=p) for n, p in enumerate(staff)
    )
    ExportJob.objects.create(
        kind=Kind.BACKLOG, requested_by=coordinator, status=JobStatus.DONE, finished_at=now
    )
    return coordinator


def best_of(step):
    """(best seconds, queries, result) of REPEAT calls."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    times = []
    for _ in range(REPEAT):
        with CaptureQueriesContext(connection) as queries:
            began = time.perf_counter()
            result = step()
            times.append(time.perf_counter() - began)
    return min(times), len(queries), result


def last_queries(step) -> list[dict]:
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as queries:
        step()
    return list(queries.captured_queries)


def main() -> None:
    import django

    django.setup()
    from django.contrib.auth.models import User
    from django.test import Client
    from django.test.utils import setup_test_environment
    from django.utils import timezone

    from cxlean.inbox.rows import inbox_for

    setup_test_environment()
    now = timezone.now()
    rows: dict[int, dict] = {}
    with tempfile.TemporaryDirectory() as directory:
        for size in SIZES:
            configure_database(directory, size)
            coordinator = build(size, now)
            client = Client()
            client.force_login(coordinator)
            client.get("/")  # the first visit is noted

            def builder(pk=coordinator.pk):
                return inbox_for(User.objects.get(pk=pk))

            def page(client=client):
                response = client.get("/")
                assert response.status_code == 200
                return response

            rows[size] = {"inbox": best_of(builder), "page": best_of(page)}
            rows[size]["queries"] = last_queries(builder)

    print("Inbox of a Lean coordinator: server time (best of 5) and SQL queries.\n")
    print(f"{'':30}" + "".join(f"{f'{size:,} people':>24}" for size in SIZES))
    for label, key in (("inbox_for(coordinator)", "inbox"), ("start page GET /", "page")):
        line = f"{label:30}"
        for size in SIZES:
            seconds, queries, _ = rows[size][key]
            line += f"{f'{seconds * 1000:8.1f} ms {queries:5} q':>24}"
        print(line)
    line = f"{'  rows in the inbox':30}"
    for size in SIZES:
        line += f"{rows[size]['inbox'][2].count:>24,}"
    print(line)
    queries = {rows[size]["inbox"][1] for size in SIZES}
    print("\nSame number of queries at every size:", "yes" if len(queries) == 1 else "NO")
    if os.environ.get("BENCH_SLOWEST"):
        print("\nSlowest queries of the last inbox_for:")
        for query in sorted(rows[SIZES[-1]]["queries"], key=lambda q: -float(q["time"]))[:6]:
            print(f"  {float(query['time']) * 1000:7.1f} ms  {query['sql'][:150]}")


if __name__ == "__main__":
    main()
