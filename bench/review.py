"""The management review (CX metrics, maturity and the evidence beside it) at a small and
a large organisation, side by side: server time and SQL queries of its pages in the
admin, the app and the API.

Builds throw-away SQLite databases (everything is bulk-inserted):
- small: 10 units (a company, 3 departments, 6 teams), 5,000 survey answers and 10
  completed maturity assessments;
- large: 200 units (a company, 9 departments, 190 teams), 200,000 survey answers and
  400 completed maturity assessments.

Both have twelve months of NPS, CSAT and CES answers spread over the teams, targets for
the company and its departments, churn entered per month for the company and its
departments, 2 or 3 assessors per assessment answering every question, and some
evidence: people with CX roles (a few Green Cards), a rollout plan per department,
improvements standardised in the past year and Gemba walks planned and done.

Then it times each page as management (reads everything, the heaviest scope), median of
5 requests, with the number of queries of one request: the admin's first page (the
maturity dashboard) and a unit's drill-down for the company, the metrics overview and
the company's NPS trend, the maturity list and comparison, and the API's flat
metric-results, maturity-scores and evidence-rows. It also times the two computations
under them over everything: `latest_vs_target` for every unit and `scores_for` for
every completed assessment.

A page that does not exist yet (or fails) is reported, not timed.

    make bench            # or: .venv/bin/python bench/review.py
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
from typing import NamedTuple

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "cxlean.settings")


class Size(NamedTuple):
    name: str
    units: int
    departments: int
    answers: int
    assessments: int


SIZES = (
    Size("small", units=10, departments=3, answers=5_000, assessments=10),
    Size("large", units=200, departments=9, answers=200_000, assessments=400),
)
ROUNDS = 5
SEED = 5
PEOPLE_PER_UNIT = 3
ITEMS_PER_UNIT = 4
WALKS_PER_UNIT = 4
ACTIVITIES_PER_PLAN = 12
# "{root}" is the company's unit id.
PAGES = [
    ("admin dashboard", "/admin/"),
    ("admin unit drill-down", "/admin/insights/unit/{root}/"),
    ("metrics overview", "/metrics/"),
    ("NPS trend, company", "/metrics/nps/?unit={root}"),
    ("maturity list", "/maturity/"),
    ("maturity compare", "/maturity/compare/"),
    ("API metric results", "/api/v1/metric-results/"),
    ("API maturity scores", "/api/v1/maturity-scores/"),
    ("API evidence rows", "/api/v1/evidence-rows/"),
]


def configure_database(directory: str, size: Size) -> None:
    from django.conf import settings
    from django.db import connections

    path = Path(directory) / f"bench-review-{size.name}.sqlite3"
    settings.DATABASES["default"]["NAME"] = str(path)
    connections["default"].close()
    connections["default"].settings_dict["NAME"] = str(path)


def build(size: Size, today: dt.date):
    """The organisation, its metrics, assessments and evidence; returns the viewing
    manager and the company unit."""
    from django.contrib.auth.models import Group, User
    from django.core.management import call_command

    from cxlean.org.models import Profile, Unit
    from cxlean.org.roles import EMPLOYEE, MANAGEMENT

    call_command("migrate", verbosity=0)
    call_command("load_catalogue", verbosity=0)  # metrics and the maturity model among them
    rng = random.Random(SEED)
    company = Unit.objects.create(name="Bench AB", code="bench")
    departments = [
        Unit.objects.create(name=f"Avdelning {n + 1}", code=f"bench-d{n}", parent=company)
        for n in range(size.departments)
    ]
    teams = [
        Unit.objects.create(
            name=f"Team {n + 1}", code=f"bench-t{n}", parent=departments[n % size.departments]
        )
        for n in range(size.units - 1 - size.departments)
    ]
    units = [company, *departments, *teams]
    manager = User.objects.create_user("bench-manager", first_name="Maria", is_staff=True)
    Profile.objects.create(user=manager, unit=company)
    manager.groups.add(Group.objects.get_or_create(name=MANAGEMENT)[0])
    people = User.objects.bulk_create(
        User(username=f"person{n}", first_name=f"Person {n:04d}", password="!")
        for n in range(PEOPLE_PER_UNIT * len(units))
    )
    profiles = Profile.objects.bulk_create(
        Profile(user=person, unit=units[n % len(units)]) for n, person in enumerate(people)
    )
    employee = Group.objects.get_or_create(name=EMPLOYEE)[0]
    User.groups.through.objects.bulk_create(
        User.groups.through(user_id=person.pk, group_id=employee.pk) for person in people
    )
    build_roles(people, profiles, today)
    build_metrics(rng, size, company, departments, teams, today)
    build_assessments(rng, size, units, people, today)
    build_evidence(rng, units, departments, people, manager, today)
    return manager, company


def build_roles(people, profiles, today: dt.date) -> None:
    """A CX role for everyone and a valid Green Card for every fourth person."""
    from cxlean.competence.models import GreenCard
    from cxlean.org.models import CXRole, Profile

    roles = list(CXRole.objects.all())
    Profile.cx_roles.through.objects.bulk_create(
        Profile.cx_roles.through(profile=profile, cxrole=roles[n % len(roles)])
        for n, profile in enumerate(profiles)
    )
    GreenCard.objects.bulk_create(
        GreenCard(
            person=person,
            role=roles[n % len(roles)],
            number=f"GC-{today.year}-{n:05d}",
            issued_on=today - dt.timedelta(days=200),
            expires_on=today + dt.timedelta(days=500),
        )
        for n, person in enumerate(people)
        if n % 4 == 0
    )


def build_metrics(rng, size: Size, company, departments, teams, today: dt.date) -> None:
    """Twelve months of survey answers over the teams, targets, and churn entered per
    month for the company and its departments."""
    from cxlean.metrics import formulas
    from cxlean.metrics.models import Kind, Measurement, Metric, PeriodKind, SurveyAnswer, Target
    from cxlean.metrics.reports import periods_back

    metrics = {metric.kind: metric for metric in Metric.objects.all()}
    surveys = [metrics[kind] for kind in (Kind.NPS, Kind.CSAT, Kind.CES)]
    SurveyAnswer.objects.bulk_create(
        (
            SurveyAnswer(
                metric=metric,
                unit=rng.choice(teams),
                answered_on=today - dt.timedelta(days=rng.randrange(365)),
                score=rng.randint(metric.scale_min, metric.scale_max),
                respondent=f"svar-{n}",
            )
            for n in range(size.answers)
            for metric in (rng.choice(surveys),)
        ),
        batch_size=5_000,
    )
    year_ago = today - dt.timedelta(days=365)
    targets = [
        Target(metric=metrics[kind], unit=company, value=Decimal(value), valid_from=year_ago)
        for kind, value in (
            (Kind.NPS, "30"),
            (Kind.CSAT, "80"),
            (Kind.CES, "5.5"),
            (Kind.CHURN, "4.5"),
        )
    ]
    targets += [
        Target(
            metric=metrics[Kind.NPS],
            unit=department,
            value=Decimal(20 + n % 15),
            valid_from=year_ago + dt.timedelta(days=30 * (n % 6)),
        )
        for n, department in enumerate(departments)
    ]
    Target.objects.bulk_create(targets)
    churn = []
    for unit in (company, *departments):
        for period in periods_back(PeriodKind.MONTH, today, 12):
            customers = rng.randint(2_000, 20_000)
            lost = customers * rng.randint(2, 7) // 100
            churn.append(
                Measurement(
                    metric=metrics[Kind.CHURN],
                    unit=unit,
                    period_kind=PeriodKind.MONTH,
                    period_start=period.start,
                    customers_at_start=customers,
                    customers_lost=lost,
                    value=formulas.churn_rate(lost, customers),
                )
            )
    Measurement.objects.bulk_create(churn)


def build_assessments(rng, size: Size, units, people, today: dt.date) -> None:
    """Completed assessments over the last two years, every unit in turn (the company
    first), each answered by 2 or 3 assessors on every question."""
    from django.utils import timezone

    from cxlean.maturity.models import Assessment, AssessmentAnswer, Question, Status

    questions = list(Question.objects.asked())
    days = [rng.randrange(730) for _ in range(size.assessments)]
    assessments = Assessment.objects.bulk_create(
        Assessment(
            unit=units[n % len(units)],
            assessed_on=today - dt.timedelta(days=ago),
            title=f"Mognadsskattning {n + 1}",
            status=Status.COMPLETED,
            completed_at=timezone.now() - dt.timedelta(days=ago),
        )
        for n, ago in enumerate(days)
    )
    through, answers = [], []
    for n, assessment in enumerate(assessments):
        level = 1 + n % 4
        for assessor in rng.sample(people, rng.randint(2, 3)):
            through.append(
                Assessment.assessors.through(assessment_id=assessment.pk, user_id=assessor.pk)
            )
            answers.extend(
                AssessmentAnswer(
                    assessment=assessment,
                    question=question,
                    assessor=assessor,
                    score=min(5, level + rng.randint(0, 1)),
                )
                for question in questions
            )
    Assessment.assessors.through.objects.bulk_create(through)
    AssessmentAnswer.objects.bulk_create(answers, batch_size=5_000)


def build_evidence(rng, units, departments, people, manager, today: dt.date) -> None:
    """A rollout plan per department, improvements standardised over the past year and
    Gemba walks planned and done, for every unit."""
    from cxlean.backlog.models import Item, Status, StatusChange
    from cxlean.gemba.models import Walk, WalkStatus
    from cxlean.plans.models import Activity, Phase, Plan

    start = today - dt.timedelta(days=300)
    plans = Plan.objects.bulk_create(
        Plan(
            name=f"Införande {department.name}",
            unit=department,
            coordinator=manager,
            start_date=start,
            end_date=today + dt.timedelta(days=120),
            budget=Decimal("250000"),
        )
        for department in departments
    )
    phases = Phase.objects.bulk_create(Phase(plan=plan, title="Fas 1", order=1) for plan in plans)
    Activity.objects.bulk_create(
        Activity(
            phase=phase,
            title=f"Aktivitet {n + 1}",
            owner=rng.choice(people),
            start_date=start + dt.timedelta(days=30 * n),
            due_date=start + dt.timedelta(days=30 * n + 20),
            status=Activity.Status.DONE if rng.random() < 0.6 else Activity.Status.IN_PROGRESS,
        )
        for phase in phases
        for n in range(ACTIVITIES_PER_PLAN)
    )
    now = dt.datetime.combine(today, dt.time(12), tzinfo=dt.UTC)
    items = Item.objects.bulk_create(
        Item(
            title=f"Förbättring {n + 1} i {unit.name}",
            unit=unit,
            submitted_by=rng.choice(people),
            status=Status.ACT if n % 2 == 0 else Status.IDEA,
            created_at=now - dt.timedelta(days=rng.randint(60, 360)),
            status_changed_at=now - dt.timedelta(days=rng.randint(1, 50)),
        )
        for unit in units
        for n in range(ITEMS_PER_UNIT)
    )
    StatusChange.objects.bulk_create(
        StatusChange(
            item=item,
            from_status=Status.CHECK,
            to_status=Status.ACT,
            by=item.submitted_by,
            at=item.status_changed_at,
        )
        for item in items
        if item.status == Status.ACT
    )
    Walk.objects.bulk_create(
        Walk(
            unit=unit,
            planned_start=now - dt.timedelta(days=rng.randint(1, 360), hours=3),
            leader=rng.choice(people),
            status=rng.choice((WalkStatus.DONE, WalkStatus.DONE, WalkStatus.PLANNED)),
        )
        for unit in units
        for _ in range(WALKS_PER_UNIT)
    )


def timed(action) -> tuple[float, int]:
    """(median ms of ROUNDS runs, queries of one run) of a computation."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    action()  # warm up
    timings = []
    for _ in range(ROUNDS):
        with CaptureQueriesContext(connection) as queries:
            began = time.perf_counter()
            action()
            timings.append((time.perf_counter() - began) * 1000)
    return statistics.median(timings), len(queries)


def page_problem(client, url: str) -> str | None:
    """Why a page cannot be timed (not written yet, or failing), or None."""
    from django.urls import Resolver404, resolve

    try:
        resolve(url.split("?")[0])
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


def measure(manager, company, today: dt.date) -> dict[str, tuple]:
    """label -> (median ms, queries) or (None, problem)."""
    from django.test import Client

    from cxlean.maturity.models import Assessment
    from cxlean.maturity.scoring import scores_for
    from cxlean.metrics.reports import latest_vs_target
    from cxlean.org.models import Unit

    client = Client()
    client.force_login(manager)
    results = {}
    for label, template in PAGES:
        url = template.format(root=company.pk)
        problem = page_problem(client, url)  # also warms the page up
        results[label] = (None, problem) if problem else timed(lambda url=url: client.get(url))
    results["latest_vs_target"] = timed(lambda: latest_vs_target(Unit.objects.all(), today))
    results["scores_for"] = timed(lambda: scores_for(Assessment.objects.completed()))
    return results


def cell(value: tuple) -> str:
    ms, queries = value
    if ms is None:
        return f"{queries:>22}"
    return f"{f'{ms:.1f} ms {queries:>4} q':>22}"


FUNCTIONS = [
    ("latest_vs_target", "metrics.reports, every unit"),
    ("scores_for", "maturity.scoring, every completed"),
]


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
            measured[size] = measure(*build(size, today), today)
    small, large = SIZES
    print("Management review (CX metrics, maturity, evidence): median server time of")
    print(f"{ROUNDS} runs (ms) and SQL queries per run (savepoints included), as management.\n")
    print(f"{'':24} {'':34}" + "".join(f"{f'{s.units:,} units':>24}" for s in SIZES))
    print(f"{'':24} {'':34}" + "".join(f"{f'{s.answers:,} answers':>24}" for s in SIZES))
    print(
        f"{'page':24} {'url (root = the company)':34}"
        + "".join(f"{f'{s.assessments:,} assessments':>24}" for s in SIZES)
        + "  queries"
    )
    rows = [(label, url) for label, url in PAGES] + FUNCTIONS
    for label, where in rows:
        first, second = measured[small][label], measured[large][label]
        same = "" if first[0] is None or second[0] is None else "constant"
        if same and first[1] != second[1]:
            same = f"GROW {first[1]} -> {second[1]}"
        print(f"{label:24} {where:34}  {cell(first)}  {cell(second)}  {same}")
    skipped = [label for label, _url in PAGES if measured[large][label][0] is None]
    if skipped:
        print(f"\nNot timed: {', '.join(skipped)} (see the reason in the table).")


if __name__ == "__main__":
    main()
