"""CX metrics of the demo organisation, Nordljus Energi AB, three months into its Lean CX
work.

`cxlean.demo.org` calls `build_metrics` after the journeys and the backlog (whose
improvements the trend pages mark). Deterministic (a seeded random generator):

- the metric catalogue of fixtures/metrics.json (`create_missing_metrics`);
- targets: for the whole company NPS +30, CSAT 80 %, CES 5.5 and churn 4.5 % a quarter;
  Kundservice started at NPS +20 and raised its own target to +30 when the Lean work
  began; Digitala kanaler aims for CES 5.8;
- twelve months of survey answers (NPS, CSAT, CES) from Team Telefoni, Team Chatt &
  e-post and Team Webb & app, many of them at a journey touchpoint. The figures are flat
  until the improvements began three months ago and rise since (most in Team Telefoni,
  where the call-back replaced the queue); one month of Team Chatt had few answers, a
  small sample; the current month holds the answers so far;
- Team Företagskunder's NPS from its own B2B survey, entered per quarter with its
  sample size (the last one small);
- the company's churn entered per quarter as customers at the start and lost, and its
  CLV computed from the average revenue, the margin and that churn;
- Kundservice's survey tool connected as a survey source: Team Telefoni's NPS answers
  since the Lean work began came through its webhook (they carry its slug and ids).
"""

from __future__ import annotations

import calendar
import datetime as dt
import random
from dataclasses import dataclass
from decimal import Decimal
from statistics import NormalDist

from django.contrib.auth.models import User
from django.db.models import Q
from django.utils import timezone
from simple_history.utils import bulk_create_with_history

from cxlean.metrics.catalogue import create_missing_metrics
from cxlean.metrics.models import (
    Kind,
    Measurement,
    Metric,
    PeriodKind,
    SurveyAnswer,
    SurveySource,
    Target,
)
from cxlean.metrics.reports import Period, add_months, periods_back
from cxlean.org.models import Unit

SEED = 20261106
MONTHS = 12
ROOT = "nordljus"


@dataclass(frozen=True)
class Stream:
    """The answers of one unit to one metric: `before` until the Lean work began,
    `after` in the current month (the figures rise month by month in between), about
    `per_month` answers a month, at the touchpoint `touchpoint` (a DemoJourneys key)
    for `at_touchpoint` of them."""

    unit: str
    kind: str
    per_month: int
    before: float  # NPS, CSAT % or CES mean aimed at
    after: float
    touchpoint: str | None = None
    at_touchpoint: float = 0.0


# fmt: off
STREAMS = (
    Stream("nordljus-telefoni", Kind.NPS, 38, 14, 33, "phone-queue", 0.7),
    Stream("nordljus-telefoni", Kind.CSAT, 42, 71, 82, "advisor-call", 0.6),
    Stream("nordljus-telefoni", Kind.CES, 34, 4.5, 5.3, "phone-queue", 0.5),
    Stream("nordljus-chatt", Kind.NPS, 32, 19, 27, "invoice-chat", 0.8),
    Stream("nordljus-chatt", Kind.CSAT, 36, 74, 81, "invoice-chat", 0.8),
    Stream("nordljus-chatt", Kind.CES, 33, 4.9, 5.4, "invoice-chat", 0.6),
    Stream("nordljus-webb-app", Kind.NPS, 36, 22, 25, "app-invoice", 0.5),
    Stream("nordljus-webb-app", Kind.CSAT, 34, 78, 80, "app-invoice", 0.5),
    Stream("nordljus-webb-app", Kind.CES, 34, 5.0, 5.4, "moving-form", 0.4),
)
# (unit, metric, value, valid from the first day of this of the twelve months, 0 = first)
TARGETS = (
    (ROOT, Kind.NPS, "30", 0),
    (ROOT, Kind.CSAT, "80", 0),
    (ROOT, Kind.CES, "5.5", 0),
    (ROOT, Kind.CHURN, "4.5", 0),
    ("nordljus-kundservice", Kind.NPS, "20", 0),
    ("nordljus-kundservice", Kind.NPS, "30", 9),  # raised when the Lean work began
    ("nordljus-digitala-kanaler", Kind.CES, "5.8", 0),
)
# Team Företagskunder's B2B survey, the last four quarters: (NPS, answers).
B2B_NPS = ((24, 58), (27, 61), (26, 44), (31, 21))
# The company's churn, the last four finished quarters: (customers at start, lost).
CHURN = ((51_800, 2_490), (52_300, 2_400), (52_650, 2_270), (53_100, 2_130))
AVERAGE_REVENUE = Decimal("2450")  # per customer and quarter, SEK
MARGIN = Decimal("12")  # %
SURVEY_TOOL = "nordljus-enkat"
LEAN_START = 10  # the first improvements took effect in the eleventh of the twelve months
COORDINATED = ("nordljus-telefoni", "nordljus-chatt")  # Sara records their answers
SMALL_MONTH = ("nordljus-chatt", 6)  # a holiday month with few answers
# fmt: on


def build_metrics(units: dict[str, Unit], users: dict[str, User], journeys, today: dt.date) -> int:
    """The demo's metrics (see the module docstring). Returns the number of survey
    answers."""
    create_missing_metrics()
    metrics = {metric.kind: metric for metric in Metric.objects.all()}
    months = periods_back(PeriodKind.MONTH, today, MONTHS)
    rng = random.Random(SEED)
    coordinator, admin = users["coordinator"], users["admin"]
    set_targets(units, metrics, months[0].start, coordinator)
    answers = []
    for stream in STREAMS:
        by = coordinator if stream.unit in COORDINATED else admin
        answers += stream_answers(stream, units, metrics, journeys, months, today, rng, by)
    connect_survey_tool(units, metrics[Kind.NPS], answers, since=months[LEAN_START].start)
    bulk_create_with_history(answers, SurveyAnswer, batch_size=500, default_user=coordinator)
    enter_b2b_nps(units["nordljus-foretag"], metrics[Kind.NPS], today, admin)
    enter_churn_and_clv(units[ROOT], metrics, today, admin)
    return len(answers)


def set_targets(units, metrics, first: dt.date, by: User) -> None:
    for code, kind, value, month in TARGETS:
        Target.objects.create(
            metric=metrics[kind],
            unit=units[code],
            value=Decimal(value),
            valid_from=add_months(first, month),
            set_by=by,
        )


def stream_answers(stream, units, metrics, journeys, months, today, rng, by) -> list:
    metric = metrics[stream.kind]
    touchpoint = journeys.touchpoints.get(stream.touchpoint) if stream.touchpoint else None
    answers = []
    for index, month in enumerate(months):
        days = days_answered(month, today)
        count = round(stream.per_month * len(days) / month_length(month))
        if (stream.unit, index) == SMALL_MONTH:
            count = 11
        for answer in month_scores(stream.kind, aimed_at(stream, index, rng), count, rng):
            answers.append(
                SurveyAnswer(
                    metric=metric,
                    unit=units[stream.unit],
                    touchpoint=touchpoint if rng.random() < stream.at_touchpoint else None,
                    answered_on=rng.choice(days),
                    score=answer,
                    created_by=by,
                )
            )
    return answers


def connect_survey_tool(units, nps: Metric, answers: list, since: dt.date) -> None:
    """Kundservice's survey tool, which has sent Team Telefoni's NPS answers since the
    Lean work began (`since`): those answers are marked as its own."""
    phone = units["nordljus-telefoni"]
    pushed = [a for a in answers if a.unit == phone and a.metric == nps and a.answered_on >= since]
    for number, answer in enumerate(pushed, 1):
        answer.source, answer.source_id = SURVEY_TOOL, f"r-{number}"
    SurveySource.objects.create(
        name="Enkätverktyget (NPS efter samtal)",
        slug=SURVEY_TOOL,
        unit=units["nordljus-kundservice"],
        default_unit=units["nordljus-telefoni"],
        answers_path="data.responses",
        id_path="id",
        metric=nps,
        score_path="answer.value",
        answered_at_path="submitted",
        comment_path="text",
        answers_received=len(pushed),
        last_delivery_at=timezone.now() if pushed else None,
    )


def month_length(month: Period) -> int:
    return calendar.monthrange(month.start.year, month.start.month)[1]


def days_answered(month: Period, today: dt.date) -> list[dt.date]:
    last = min(month.end, today)
    return [month.start + dt.timedelta(days=n) for n in range((last - month.start).days + 1)]


def aimed_at(stream: Stream, index: int, rng: random.Random) -> float:
    """Flat before the Lean work, then rising to `after` in the last month; a little
    month-to-month wobble on top."""
    level = stream.before
    if index >= LEAN_START:
        share = (index - LEAN_START + 1) / (MONTHS - LEAN_START)
        level += (stream.after - stream.before) * share
    wobble = 0.08 if stream.kind == Kind.CES else 2.5
    return level + rng.uniform(-wobble, wobble)


def month_scores(kind: str, level: float, count: int, rng: random.Random) -> list[int]:
    """`count` answers whose figure comes out at about `level`: the shares are laid out
    exactly and only the order and the exact scores within a group are random."""
    if kind == Kind.NPS:
        # NPS = % promoters − % detractors, with a third of the answers passive.
        promoters = round(count * (2 / 3 + level / 100) / 2)
        detractors = max(round(count * 2 / 3) - promoters, 0)
        passives = max(count - promoters - detractors, 0)
        scores = (
            [rng.choice((9, 10, 10)) for _n in range(promoters)]
            + [rng.choice((7, 8)) for _n in range(passives)]
            + [rng.choice((2, 4, 5, 6, 6)) for _n in range(detractors)]
        )
    elif kind == Kind.CSAT:
        satisfied = round(count * level / 100)
        scores = [rng.choice((4, 5, 5)) for _n in range(satisfied)] + [
            rng.choice((1, 2, 3, 3)) for _n in range(count - satisfied)
        ]
    else:  # CES on 1–7: spread around the mean as a bell curve would
        bell = NormalDist(level, 1.1)
        scores = [min(7, max(1, round(bell.inv_cdf((n + 0.5) / count)))) for n in range(count)]
    rng.shuffle(scores)
    return scores


def finished_quarters(today: dt.date, count: int) -> list[Period]:
    return periods_back(PeriodKind.QUARTER, today, count + 1)[:-1]


def enter_b2b_nps(unit: Unit, metric: Metric, today: dt.date, by: User) -> None:
    for quarter, (value, sample) in zip(finished_quarters(today, 4), B2B_NPS, strict=True):
        save_measurement(
            Measurement(
                metric=metric,
                unit=unit,
                period_kind=PeriodKind.QUARTER,
                period_start=quarter.start,
                value=Decimal(value),
                sample_size=sample,
                note="Kvartalsenkät till företagskunder (webbenkät).",
                entered_by=by,
            )
        )


def enter_churn_and_clv(unit: Unit, metrics, today: dt.date, by: User) -> None:
    for quarter, (at_start, lost) in zip(finished_quarters(today, 4), CHURN, strict=True):
        common = {
            "unit": unit,
            "period_kind": PeriodKind.QUARTER,
            "period_start": quarter.start,
            "entered_by": by,
        }
        save_measurement(
            Measurement(
                metric=metrics[Kind.CHURN],
                customers_at_start=at_start,
                customers_lost=lost,
                sample_size=at_start,
                note="Ur kundregistret: avslutade avtal under kvartalet.",
                **common,
            )
        )
        save_measurement(
            Measurement(
                metric=metrics[Kind.CLV],
                average_revenue=AVERAGE_REVENUE,
                margin_percent=MARGIN,
                note="Räknat på kvartalets churn.",
                **common,
            )
        )


def save_measurement(measurement: Measurement) -> None:
    """Validated like any entered figure (churn and CLV are computed by `clean`)."""
    measurement.full_clean()
    measurement.save()


def delete_metrics_of(units) -> None:
    """Remove the answers, figures, targets and survey sources of `units`, before the units go (they
    protect their unit). The metric catalogue stays.

    Survey answers go with one DELETE, as competence records do (see
    `cxlean.demo.competence.delete_competence_of`): through the ORM, simple_history
    would load each of the demo's thousands of answers and write a history row for its
    deletion, most of the time of a reset. Nothing refers to an answer, so there is no
    cascade to miss."""
    answers = SurveyAnswer.objects.filter(unit__in=units)
    answers._raw_delete(answers.db)
    SurveySource.objects.filter(Q(unit__in=units) | Q(default_unit__in=units)).delete()
    Measurement.objects.filter(unit__in=units).delete()
    Target.objects.filter(unit__in=units).delete()
