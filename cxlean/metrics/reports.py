"""CX metric figures per unit, metric and period, with targets and trends.

Where a figure comes from (`results`):
- **answers**: the survey answers (NPS, CSAT, CES) recorded in the period for the unit
  and for its sub-units among the units asked for, read from their monthly roll-ups
  (`AnswerRollup`, kept exact by `cxlean.metrics.rollups`). Months roll up into
  quarters by adding up the months' answer counts score by score, never by averaging
  monthly percentages;
- **entered**: a measurement entered for the unit itself and that very period (a
  month's figure for a month, a quarter's for a quarter). Entered figures are not
  rolled up to parent units: they are already aggregates. An entered figure **wins**
  over one computed from answers for the same unit and period: it is what the unit
  reported (e.g. from the full survey tool) rather than what was recorded here.

A figure resting on fewer answers (or customers) than the metric's `small_sample` is
flagged (`small_sample`), never hidden.

**Targets**: the target of a unit for a period is its own latest target whose
`valid_from` is on or before the period's last day; without one, its nearest parent
unit's, up to the top of the organisation.

Each function reads a constant number of queries whatever the number of units,
metrics, periods or answers (the roll-up along the tree happens here, in Python).
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import dataclass
from decimal import Decimal
from typing import NamedTuple

from django.db.models import QuerySet
from django.utils.translation import gettext as _

from cxlean.metrics import formulas
from cxlean.metrics.models import (
    AnswerRollup,
    Kind,
    Measurement,
    Metric,
    PeriodKind,
    Target,
    period_start,
)
from cxlean.org.models import Unit

ANSWERS = "answers"
ENTERED = "entered"


# --- periods -----------------------------------------------------------------------------


def add_months(day: dt.date, months: int) -> dt.date:
    year, month = divmod(day.year * 12 + day.month - 1 + months, 12)
    return dt.date(year, month + 1, 1)


@dataclass(frozen=True, order=True)
class Period:
    """A calendar month or quarter: `start` is its first day."""

    kind: str  # PeriodKind value
    start: dt.date

    @classmethod
    def of(cls, kind: str, day: dt.date) -> Period:
        return cls(kind, period_start(kind, day))

    @property
    def months(self) -> int:
        return 3 if self.kind == PeriodKind.QUARTER else 1

    @property
    def end(self) -> dt.date:
        return add_months(self.start, self.months) - dt.timedelta(days=1)

    @property
    def quarter(self) -> int:
        return (self.start.month - 1) // 3 + 1

    @property
    def label(self) -> str:
        """ "2026-11" for a month; "2026 Q4" for a quarter ("2026 K4" in Swedish)."""
        if self.kind == PeriodKind.QUARTER:
            return _("%(year)s Q%(quarter)s") % {"year": self.start.year, "quarter": self.quarter}
        return f"{self.start:%Y-%m}"

    def next(self) -> Period:
        return Period(self.kind, add_months(self.start, self.months))

    def previous(self) -> Period:
        return Period(self.kind, add_months(self.start, -self.months))

    def contains(self, day: dt.date) -> bool:
        return self.start <= day <= self.end

    def __str__(self) -> str:
        return self.label


def periods_back(kind: str, today: dt.date, count: int) -> list[Period]:
    """`count` periods, oldest first, ending with the one holding `today`."""
    period = Period.of(kind, today)
    periods = [period]
    for _index in range(max(count, 1) - 1):
        period = period.previous()
        periods.append(period)
    return periods[::-1]


# --- results -----------------------------------------------------------------------------


@dataclass
class Result:
    unit: Unit
    metric: Metric
    period: Period
    value: Decimal | None = None
    sample_size: int | None = None
    small_sample: bool = False
    source: str = ""  # "answers", "entered" or "" (no figure)
    target: Decimal | None = None

    @property
    def meets_target(self) -> bool | None:
        if self.value is None or self.target is None:
            return None
        if self.metric.higher_is_better:
            return self.value >= self.target
        return self.value <= self.target

    @property
    def has_value(self) -> bool:
        return self.value is not None


def value_from_counts(metric: Metric, counts: dict[int, int]) -> Decimal | None:
    if metric.kind == Kind.NPS:
        return formulas.nps_of(counts)
    if metric.kind == Kind.CSAT:
        return formulas.csat_of(counts, metric.scale_max or 5)
    if metric.kind == Kind.CES:
        return formulas.ces_of(counts)
    return None


def results(
    units: QuerySet[Unit] | Sequence[Unit],
    metrics: Sequence[Metric],
    periods: Sequence[Period],
    touchpoint=None,
) -> list[Result]:
    """One Result per unit × metric × period (units in tree order, then the metrics
    and periods in the order given); see the module's documentation. With a
    `touchpoint`, only its answers and the figures entered for it. Four queries: the
    units, the answer counts, the entered figures and the targets."""
    unit_list = sorted(units, key=lambda unit: unit.path)
    metrics, periods = list(metrics), list(periods)
    if not unit_list or not metrics or not periods:
        return []
    first = min(period.start for period in periods)
    last = max(period.end for period in periods)

    answers = answer_counts(unit_list, metrics, periods, first, last, touchpoint)
    entered = entered_figures(unit_list, metrics, periods, touchpoint)
    targets = TargetBook(unit_list, metrics, last)

    rows = []
    for unit in unit_list:
        for metric in metrics:
            for period in periods:
                result = Result(unit, metric, period, target=targets.target(unit, metric, period))
                figure = entered.get((unit.pk, metric.pk, period.kind, period.start))
                if figure is not None:
                    result.value, result.sample_size = figure
                    result.source = ENTERED
                elif metric.is_survey:
                    counts = sum_counts(answers, unit.pk, metric.pk, period)
                    if counts:
                        result.value = value_from_counts(metric, counts)
                        result.sample_size = sum(counts.values())
                        result.source = ANSWERS
                result.small_sample = (
                    result.sample_size is not None and result.sample_size < metric.small_sample
                )
                rows.append(result)
    return rows


AnswerCounts = dict[tuple[int, int, dt.date], dict[int, int]]


_shared_counts: ContextVar[dict | None] = ContextVar("shared_answer_counts", default=None)


@contextmanager
def shared_answer_counts() -> Iterator[None]:
    """Within the block, `results` calls over the same units, metrics and touchpoint read
    the answers once: a call whose months lie within an earlier call's reuses its counts
    (the admin dashboard asks for the evidence's months, then for the metric table's)."""
    if _shared_counts.get() is not None:  # an enclosing block shares already
        yield
        return
    token = _shared_counts.set({})
    try:
        yield
    finally:
        _shared_counts.reset(token)


def answer_counts(units, metrics, periods, first, last, touchpoint) -> AnswerCounts:
    """(unit, metric, month) -> {score: number of answers}, one query of the monthly
    roll-ups (`AnswerRollup`), never of the raw answers (none when a
    `shared_answer_counts` block already read them). A unit's counts hold its own answers
    and those of its sub-units among `units`."""
    survey = [metric.pk for metric in metrics if metric.is_survey]
    counts: AnswerCounts = defaultdict(dict)
    if not survey:
        return counts
    shared = _shared_counts.get()
    key = (
        tuple(sorted(unit.pk for unit in units)),
        tuple(sorted(survey)),
        getattr(touchpoint, "pk", touchpoint),
    )
    if shared is not None and key in shared:
        read_first, read_last, read = shared[key]
        if read_first <= first and last <= read_last:
            return read  # months outside the periods asked for are never summed
    rollups = AnswerRollup.objects.filter(
        unit__in=[unit.pk for unit in units],
        metric__in=survey,
        month__gte=first.replace(day=1),
        month__lte=last,
    )
    if touchpoint is not None:
        rollups = rollups.filter(touchpoint=touchpoint)
    rows = rollups.order_by().values_list("unit", "metric", "month", "scores")
    by_pk = {unit.pk: unit for unit in units}
    above = {pk: [a for a in unit.line if a in by_pk] for pk, unit in by_pk.items()}
    for unit, metric, month, scores in rows:
        for counted in above[unit]:
            cell = counts[(counted, metric, month)]
            for score, n in scores.items():
                cell[int(score)] = cell.get(int(score), 0) + n
    if shared is not None:
        shared[key] = (first, last, counts)
    return counts


def sum_counts(answers: AnswerCounts, unit: int, metric: int, period: Period) -> dict:
    """The unit's answers in the months of `period`, added up score by score."""
    total: dict[int, int] = defaultdict(int)
    month = period.start
    for _index in range(period.months):
        for score, n in answers.get((unit, metric, month), {}).items():
            total[score] += n
        month = add_months(month, 1)
    return dict(total)


def entered_figures(units, metrics, periods, touchpoint) -> dict:
    """(unit, metric, period kind, period start) -> (value, sample size), one query."""
    figures = Measurement.objects.filter(
        unit__in=[unit.pk for unit in units],
        metric__in=[metric.pk for metric in metrics],
        period_kind__in={period.kind for period in periods},
        period_start__in={period.start for period in periods},
        value__isnull=False,
    )
    if touchpoint is None:
        figures = figures.filter(touchpoint__isnull=True)
    else:
        figures = figures.filter(touchpoint=touchpoint)
    rows = figures.values_list(
        "unit", "metric", "period_kind", "period_start", "value", "sample_size"
    )
    return {(u, m, kind, start): (value, sample) for u, m, kind, start, value, sample in rows}


class FoundTarget(NamedTuple):
    value: Decimal
    unit_id: int  # the unit that set it: the unit itself or one above it
    valid_from: dt.date


class TargetBook:
    """The targets of the units asked for and of every unit above them, one query."""

    def __init__(self, units: Sequence[Unit], metrics: Sequence[Metric], until: dt.date):
        lines = {pk for unit in units for pk in unit.line}
        self.targets: dict[tuple[int, int], list[tuple[dt.date, Decimal]]] = defaultdict(list)
        rows = (
            Target.objects.filter(
                unit__in=lines,
                metric__in=[metric.pk for metric in metrics],
                valid_from__lte=until,
            )
            .order_by("valid_from")
            .values_list("unit", "metric", "valid_from", "value")
        )
        for unit, metric, valid_from, value in rows:
            self.targets[(unit, metric)].append((valid_from, value))

    def find(self, unit: Unit, metric: Metric, day: dt.date) -> FoundTarget | None:
        """The target valid on `day`: the unit's own latest from on or before it, else
        its nearest parent's."""
        for pk in reversed(unit.line):
            found = None
            for valid_from, value in self.targets.get((pk, metric.pk), ()):
                if valid_from > day:
                    break
                found = FoundTarget(value, pk, valid_from)
            if found is not None:
                return found
        return None

    def target(self, unit: Unit, metric: Metric, period: Period) -> Decimal | None:
        found = self.find(unit, metric, period.end)
        return found.value if found else None


def target_for(unit: Unit, metric: Metric, period: Period) -> Decimal | None:
    """The target of one unit for one period (see the module's documentation)."""
    return TargetBook([unit], [metric], period.end).target(unit, metric, period)


# --- trends ------------------------------------------------------------------------------


@dataclass
class Trend:
    unit: Unit
    metric: Metric
    latest: Result | None = None
    previous: Result | None = None

    @property
    def change(self) -> Decimal | None:
        if self.latest is None or self.previous is None:
            return None
        if self.latest.value is None or self.previous.value is None:
            return None
        return self.latest.value - self.previous.value

    @property
    def improving(self) -> bool | None:
        change = self.change
        if change is None or change == 0:
            return None
        return change > 0 if self.metric.higher_is_better else change < 0

    @property
    def target(self) -> Decimal | None:
        return self.latest.target if self.latest else None


def latest_vs_target(
    units: QuerySet[Unit] | Sequence[Unit],
    today: dt.date,
    kind: str = PeriodKind.MONTH,
    lookback: int = 12,
) -> list[Trend]:
    """Per unit (tree order) and active metric: the latest of the last `lookback`
    periods that has a figure, and the one with a figure before it (None when there is
    none). Five queries: the metrics, then `results`."""
    metrics = list(Metric.objects.active())
    periods = periods_back(kind, today, lookback)
    trends: dict[tuple[int, int], Trend] = {}
    for result in results(units, metrics, periods):
        trend = trends.setdefault(
            (result.unit.pk, result.metric.pk), Trend(result.unit, result.metric)
        )
        if result.value is not None:  # periods come oldest first
            trend.previous, trend.latest = trend.latest, result
    return list(trends.values())


@dataclass
class Move:
    """A unit's metric with a newer figure than it had on a day: the latest figure as it
    stood then (None: none yet) and the latest now."""

    before: Result | None
    now: Result

    @property
    def unit(self) -> Unit:
        return self.now.unit

    @property
    def metric(self) -> Metric:
        return self.now.metric


def moved_since(
    units: QuerySet[Unit] | Sequence[Unit],
    since: dt.date,
    today: dt.date,
    kind: str = PeriodKind.MONTH,
    lookback: int = 12,
) -> list[Move]:
    """Per unit (tree order) and active metric whose latest figure of the last
    `lookback` periods is for a later period than the latest one on `since` (a period
    that had begun by then): both figures. Five queries, as `latest_vs_target`."""
    metrics = list(Metric.objects.active())
    periods = periods_back(kind, today, lookback)
    latest: dict[tuple[int, int], Result] = {}
    before: dict[tuple[int, int], Result] = {}
    for result in results(units, metrics, periods):
        if result.value is None:
            continue
        key = (result.unit.pk, result.metric.pk)
        latest[key] = result  # periods come oldest first
        if result.period.start <= since:
            before[key] = result
    return [Move(before.get(key), now) for key, now in latest.items() if before.get(key) is not now]
