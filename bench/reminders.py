"""The reminder sweep for 1,000 and for 10,000 people, side by side: time, SQL queries and
notifications created by a first sweep, then by a second one (which must create none),
and the e-mail step that follows (in-memory mail backend).

Builds throw-away SQLite databases: a company with 10 departments and 100 teams, a Lean
coordinator per department, management, some inactive people, and for the people
(bulk-inserted) things due in every way a rule looks for: rollout activities due within
three days and late, competence records awaiting a sign-off, Green Cards expiring and
expired, a role checklist per department past its due date, Gemba walks starting within
the day with participants, and improvements past due with and without an owner.

    make bench            # or: .venv/bin/python bench/reminders.py
"""

import datetime as dt
import os
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "cxlean.settings")
SIZES = (1_000, 10_000)
DEPARTMENTS = 10
TEAMS = 100


def configure_database(directory: str, size: int) -> None:
    from django.conf import settings
    from django.db import connections

    path = Path(directory) / f"bench-reminders-{size}.sqlite3"
    settings.DATABASES["default"]["NAME"] = str(path)
    connections["default"].close()
    connections["default"].settings_dict["NAME"] = str(path)


def build(size: int, now: dt.datetime) -> None:
    from django.contrib.auth.models import Group, User
    from django.core.management import call_command
    from django.utils import timezone

    from cxlean.org.models import CXRole, Profile, Unit
    from cxlean.org.roles import COORDINATOR, EMPLOYEE, MANAGEMENT

    call_command("migrate", verbosity=0)
    today = timezone.localdate(now)
    company = Unit.objects.create(name="Bench AB", code="bench")
    departments = [
        Unit.objects.create(name=f"Avdelning {n + 1}", code=f"bench-d{n}", parent=company)
        for n in range(DEPARTMENTS)
    ]
    teams = [
        Unit.objects.create(name=f"Team {n + 1}", code=f"bench-t{n}", parent=departments[n % 10])
        for n in range(TEAMS)
    ]
    groups = {
        name: Group.objects.get_or_create(name=name)[0]
        for name in (COORDINATOR, EMPLOYEE, MANAGEMENT)
    }

    def people(prefix: str, count: int, units, group: str, **fields) -> list:
        users = User.objects.bulk_create(
            User(
                username=f"{prefix}{n}",
                first_name=f"{prefix} {n}",
                email=f"{prefix}{n}@example.org",
                password="!",
                **fields,
            )
            for n in range(count)
        )
        Profile.objects.bulk_create(
            Profile(user=user, unit=units[n % len(units)]) for n, user in enumerate(users)
        )
        User.groups.through.objects.bulk_create(
            User.groups.through(user_id=user.pk, group_id=groups[group].pk) for user in users
        )
        return users

    coordinators = people("coordinator", DEPARTMENTS, departments, COORDINATOR, is_staff=True)
    people("manager", 10, [company], MANAGEMENT, is_staff=True)
    people("inactive", size // 100, teams, EMPLOYEE, is_active=False)
    staff = people("person", size, teams, EMPLOYEE)
    unit_of = {user.pk: teams[n % len(teams)] for n, user in enumerate(staff)}
    role = CXRole.objects.create(
        slug="customer-service", name_sv="Kundservice", name_en="Customer service"
    )
    Profile.cx_roles.through.objects.bulk_create(
        Profile.cx_roles.through(profile_id=profile_id, cxrole_id=role.pk)
        for profile_id in Profile.objects.filter(user__in=staff[::2]).values_list("pk", flat=True)
    )
    build_plans(staff, departments, coordinators, today)
    build_competence(staff, today)
    build_checklists(role, departments, today)
    build_walks(staff, teams, unit_of, now)
    build_items(staff, teams, unit_of, today)


def days(today: dt.date, n: int) -> dt.date:
    return today + dt.timedelta(days=n)


def build_plans(staff, departments, coordinators, today) -> None:
    from cxlean.plans.models import Activity, Phase, Plan

    phases = []
    for department, coordinator in zip(departments, coordinators, strict=True):
        plan = Plan.objects.create(
            name=f"Utrullning {department.name}",
            unit=department,
            coordinator=coordinator,
            start_date=days(today, -90),
            end_date=days(today, 200),
        )
        phases.append(Phase.objects.create(plan=plan, title="Steg 1", order=1))
    # A quarter due within three days, a quarter late, half due later.
    offsets = [2, -3, 20, 40]
    Activity.objects.bulk_create(
        Activity(
            phase=phases[n % len(phases)],
            title=f"Aktivitet {n}",
            owner=person,
            start_date=days(today, -30),
            due_date=days(today, offsets[n % 4]),
        )
        for n, person in enumerate(staff)
    )


def build_competence(staff, today) -> None:
    from cxlean.competence.models import Area, CompetenceActivity, GreenCard, Level, Record

    area = Area.objects.create(name_sv="Kundresan", name_en="Customer journey")
    activity = CompetenceActivity.objects.create(
        area=area, code="journey", title_sv="Kartlägga", title_en="Map"
    )
    Record.objects.bulk_create(
        Record(person=person, activity=activity, self_level=Level.L) for person in staff[::3]
    )
    GreenCard.objects.bulk_create(
        [
            *(
                GreenCard(
                    person=p,
                    number=f"GC-S-{n}",
                    issued_on=days(today, -700),
                    expires_on=days(today, 10),
                )
                for n, p in enumerate(staff[::5])
            ),
            *(
                GreenCard(
                    person=p,
                    number=f"GC-X-{n}",
                    issued_on=days(today, -700),
                    expires_on=days(today, -3),
                )
                for n, p in enumerate(staff[1::7])
            ),
        ]
    )


def build_checklists(role, departments, today) -> None:
    from cxlean.checklists.models import Assignment, ChecklistTemplate, TemplateItem

    template = ChecklistTemplate.objects.create(
        code="cs", role=role, title_sv="Checklista", title_en="Checklist"
    )
    TemplateItem.objects.bulk_create(
        TemplateItem(template=template, order=n, text_sv=f"Punkt {n}", text_en=f"Item {n}")
        for n in range(3)
    )
    Assignment.objects.bulk_create(
        Assignment(template=template, unit=department, role=role, due_date=days(today, -1))
        for department in departments
    )


def build_walks(staff, teams, unit_of, now) -> None:
    from cxlean.gemba.models import Walk

    leaders = staff[: len(teams)]
    walks = Walk.objects.bulk_create(
        Walk(
            unit=unit_of[leader.pk],
            leader=leader,
            place="Golvet",
            planned_start=now + dt.timedelta(hours=5),
        )
        for leader in leaders
    )
    Walk.participants.through.objects.bulk_create(
        Walk.participants.through(walk_id=walks[n % len(walks)].pk, user_id=person.pk)
        for n, person in enumerate(staff[len(teams) : len(teams) + 10 * len(teams)])
    )


def build_items(staff, teams, unit_of, today) -> None:
    from cxlean.backlog.models import Item, Status

    Item.objects.bulk_create(
        [
            *(
                Item(
                    title=f"Förbättring {n}",
                    unit=unit_of[p.pk],
                    owner=p,
                    status=Status.DO,
                    due_date=days(today, -2),
                )
                for n, p in enumerate(staff[::4])
            ),
            *(
                Item(
                    title=f"Utan ägare {n}",
                    unit=teams[n % len(teams)],
                    status=Status.TRIAGED,
                    due_date=days(today, -2),
                )
                for n in range(200)
            ),
        ]
    )


def measure(step):
    """(seconds, queries, result) of one call."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as queries:
        began = time.perf_counter()
        result = step()
        took = time.perf_counter() - began
    return took, len(queries), result


def main() -> None:
    import django

    django.setup()
    from django.core import mail
    from django.test.utils import setup_test_environment
    from django.utils import timezone

    from cxlean.notifications.mail import send_immediate
    from cxlean.notifications.models import Kind
    from cxlean.notifications.sweep import run_sweep

    setup_test_environment()  # e-mail goes to an in-memory outbox
    now = timezone.now()
    rows: dict[int, dict] = {}
    with tempfile.TemporaryDirectory() as directory:
        for size in SIZES:
            configure_database(directory, size)
            began = time.perf_counter()
            build(size, now)
            built = time.perf_counter() - began
            first = measure(lambda: run_sweep(now))
            second = measure(lambda: run_sweep(now))
            mail.outbox = []
            emails = measure(lambda: send_immediate(now))
            rows[size] = {
                "built": built,
                "first": first,
                "second": second,
                "mail": emails,
                "outbox": len(mail.outbox),
            }

    def cell(seconds: float, queries: int, count: int) -> str:
        return f"{seconds:7.2f} s {queries:6} q {count:7,}"

    print("Reminder sweep: wall time, SQL queries, and notifications created (or e-mailed).\n")
    print(f"{'':34}" + "".join(f"{f'{size:,} people':>28}" for size in SIZES))
    for label, key in (("first sweep", "first"), ("second sweep (nothing new)", "second")):
        line = f"{label:34}"
        for size in SIZES:
            seconds, queries, result = rows[size][key]
            line += f"  {cell(seconds, queries, result.total):>26}"
        print(line)
    line = f"{'e-mail right away (notifications)':34}"
    for size in SIZES:
        seconds, queries, emailed = rows[size]["mail"]
        line += f"  {cell(seconds, queries, emailed):>26}"
    print(line)
    print(
        f"{'  e-mails sent (one per person)':34}"
        + "".join(f"{rows[s]['outbox']:>28,}" for s in SIZES)
    )
    print(
        f"{'  (building the data took)':34}"
        + "".join(f"{rows[s]['built']:>26.1f} s" for s in SIZES)
    )
    print("\nNotifications by rule (first sweep):")
    for kind in Kind:
        print(
            f"  {kind.value:22}"
            + "".join(f"{rows[s]['first'][2].created[kind]:>28,}" for s in SIZES)
        )
    second_created = [rows[s]["second"][2].total for s in SIZES]
    print("\nSecond sweep created", ", ".join(map(str, second_created)), "(must be 0).")


if __name__ == "__main__":
    main()
