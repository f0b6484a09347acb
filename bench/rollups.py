"""The pages that read survey answers, at 10,000 answers and at many more, side by side,
on PostgreSQL: they read the monthly roll-ups (`AnswerRollup`), so their time should not
grow with the number of answers (the aim: at most 1.2× the time at 10,000).

Builds the same organisation twice in a PostgreSQL database of its own (`cx_rollups`
unless BENCH_DATABASE_URL says otherwise; emptied first): 200 units, twelve months of
answers, targets, churn, 20 maturity assessments and some evidence, as bench/review.py
builds them, with 10,000 answers, then with BENCH_ANSWERS (500,000 by default)
bulk-inserted. Times as management (median of 5 requests, queries of one): the
metrics overview, the company's NPS trend, the admin dashboard, the company's
drill-down and the API's flat metric results. Also times `rebuild_rollups` and
`rebuild_rollups --check` at each size, and the bulk ingestion API's throughput (10
requests of 10,000 answers with an ingestion token; then one of them again, which
creates nothing), checking the roll-ups afterwards.

    .venv/bin/python bench/rollups.py
"""

import datetime as dt
import io
import os
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench"))
os.environ["DATABASE_URL"] = os.environ.get(
    "BENCH_DATABASE_URL", "postgres://postgres@127.0.0.1:5432/cx_rollups"
)
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "cxlean.settings")

import review  # noqa: E402  (bench/review.py: the organisation and the timing)

LARGE = int(os.environ.get("BENCH_ANSWERS", "500000"))
SIZES = (
    review.Size("10k", units=200, departments=9, answers=10_000, assessments=20),
    review.Size("large", units=200, departments=9, answers=LARGE, assessments=20),
)
PAGES = [
    ("metrics overview", "/metrics/"),
    ("NPS trend, company", "/metrics/nps/?unit={root}"),
    ("admin dashboard", "/admin/"),
    ("admin unit drill-down", "/admin/insights/unit/{root}/"),
    ("API metric results", "/api/v1/metric-results/"),
]
LIMIT = 1.2


def create_database() -> None:
    """An empty `cx_rollups` (dropped and created again)."""
    import psycopg
    from django.conf import settings

    database = settings.DATABASES["default"]
    name = database["NAME"]
    with psycopg.connect(
        host=database["HOST"] or "127.0.0.1",
        port=database["PORT"] or 5432,
        user=database["USER"],
        password=database["PASSWORD"] or None,
        dbname="postgres",
        autocommit=True,
    ) as connection:
        connection.execute(f'DROP DATABASE IF EXISTS "{name}"')
        connection.execute(f'CREATE DATABASE "{name}"')


def measure(size: review.Size, today: dt.date) -> dict[str, tuple]:
    from django.core.management import call_command
    from django.db import connections
    from django.test import Client

    from cxlean.metrics.models import AnswerRollup, SurveyAnswer

    connections.close_all()
    create_database()
    began = time.perf_counter()
    manager, company = review.build(size, today)
    built = time.perf_counter() - began
    answers, rollups = SurveyAnswer.objects.count(), AnswerRollup.objects.count()
    with connections["default"].cursor() as cursor:
        cursor.execute("ANALYZE")
    print(f"  {size.name}: {answers:,} answers, {rollups:,} roll-ups, built in {built:.0f} s")
    client = Client()
    client.force_login(manager)
    figures: dict[str, tuple] = {}
    for label, address in PAGES:
        url = address.format(root=company.pk)
        problem = review.page_problem(client, url)
        figures[label] = (None, problem) if problem else review.timed(lambda u=url: client.get(u))
    out = io.StringIO()
    began = time.perf_counter()
    call_command("rebuild_rollups", stdout=out)
    figures["rebuild_rollups"] = ((time.perf_counter() - began) * 1000, None)
    began = time.perf_counter()
    call_command("rebuild_rollups", "--check", stdout=out)
    figures["rebuild_rollups --check"] = ((time.perf_counter() - began) * 1000, None)
    figures["bulk ingestion (answers/s)"] = ingestion(company)
    return figures


def ingestion(company, batches: int = 10, size: int = 10_000) -> tuple:
    """Answers per second through `POST /api/v1/survey-answers/bulk/` with an ingestion
    token (`batches` requests of `size` answers, the second half of them sent twice, as
    a retry), and whether the roll-ups are still exact."""
    import json
    import random

    from django.contrib.auth.models import User
    from django.test import Client

    from cxlean.metrics.models import IngestToken
    from cxlean.metrics.rollups import differences
    from cxlean.org.models import Unit

    rng = random.Random(7)
    user = User.objects.create_superuser("bench-ingest", password=None)
    token = IngestToken.objects.create(source="bench", user=user)
    teams = list(Unit.objects.filter(code__startswith="bench-t").values_list("pk", flat=True))
    scales = {"nps": (0, 10), "csat": (1, 5), "ces": (1, 7)}
    today = dt.date.today()
    bodies = []
    for batch in range(batches):
        answers = []
        for n in range(size):
            kind = rng.choice(list(scales))
            answers.append(
                {
                    "id": f"b{batch}-{n}",
                    "metric": kind,
                    "unit": rng.choice(teams),
                    "answered_on": (today - dt.timedelta(days=rng.randrange(365))).isoformat(),
                    "score": rng.randint(*scales[kind]),
                }
            )
        bodies.append(json.dumps({"answers": answers}))
    client = Client(HTTP_AUTHORIZATION=f"Ingest {token.key}")
    began = time.perf_counter()
    for body in bodies:
        response = client.post("/api/v1/survey-answers/bulk/", body, "application/json")
        assert response.status_code == 201, response.content[:500]
    seconds = time.perf_counter() - began
    retried = time.perf_counter()
    response = client.post("/api/v1/survey-answers/bulk/", bodies[0], "application/json")
    assert response.json() == {"created": 0, "existing": size}, response.content[:200]
    retry = time.perf_counter() - retried
    exact = differences() == []
    print(
        f"    bulk ingestion: {batches * size:,} answers in {seconds:.1f} s"
        f" ({batches * size / seconds:,.0f} answers/s); a retried batch of {size:,}:"
        f" {retry:.2f} s, nothing created; roll-ups exact: {exact}"
    )
    return batches * size / seconds, None


def cell(value: tuple) -> str:
    figure, queries = value
    if figure is None:
        return f"{'—':>10} {str(queries)[:12]:>12}"
    return f"{figure:>10,.0f} {'' if queries is None else f'{queries} q':>12}"


def main() -> None:
    import django

    django.setup()
    from django.conf import settings

    settings.ALLOWED_HOSTS = ["*"]
    today = dt.date.today()
    import psycopg

    try:
        create_database()
    except psycopg.OperationalError as error:  # `make bench` without PostgreSQL
        print(f"Skipped: PostgreSQL is not reachable ({str(error).strip()[:120]}).")
        return
    print(f"Building on {settings.DATABASES['default']['NAME']} (PostgreSQL)…")
    measured = [measure(size, today) for size in SIZES]
    small, large = SIZES
    print(
        "\nServer time as management, median of 5 runs (ms), and SQL queries per run;"
        f" the aim is at most {LIMIT}× the time at 10,000 answers.\n"
    )
    header = f"{'':28}{f'{small.answers:,} answers':>24}{f'{large.answers:,} answers':>24}"
    print(header + "   ratio")
    failed = []
    for label in measured[0]:
        first, second = measured[0][label], measured[1].get(label, (None, "—"))
        ratio = ""
        if first[0] and second[0]:
            ratio = f"{second[0] / first[0]:6.2f}×"
            if label in dict(PAGES) and second[0] / first[0] > LIMIT:
                failed.append(label)
        print(f"{label:28}{cell(first):>24}{cell(second):>24}   {ratio}")
    if failed:
        print(f"\nAbove {LIMIT}×: {', '.join(failed)}.")


if __name__ == "__main__":
    main()
