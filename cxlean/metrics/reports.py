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

from django.db import connection
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


@dataclass(slots=True)
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


class Tally(NamedTuple):
    """Survey answers summed up: what every formula needs (the monthly roll-ups'
    totals, and for CSAT the answers in the top two of the metric's scale)."""

    total: int = 0  # answers
    promoters: int = 0
    detractors: int = 0
    score_sum: int = 0
    satisfied: int = 0

    def __add__(self, other) -> Tally:  # a sum, not a concatenation
        return Tally(
            self[0] + other[0],
            self[1] + other[1],
            self[2] + other[2],
            self[3] + other[3],
            self[4] + other[4],
        )


def value_from_counts(metric: Metric, counts: Tally) -> Decimal | None:
    if metric.kind == Kind.NPS:
        passives = counts.total - counts.promoters - counts.detractors
        return formulas.nps(counts.promoters, passives, counts.detractors)
    if metric.kind == Kind.CSAT:
        return formulas.csat(counts.satisfied, counts.total)
    if metric.kind == Kind.CES:
        return formulas.ces(counts.score_sum, counts.total)
    return None


def results(
    units: QuerySet[Unit] | Sequence[Unit],
    metrics: Sequence[Metric],
    periods: Sequence[Period],
    touchpoint=None,
    counting: Sequence[Unit] | None = None,
) -> list[Result]:
    """One Result per unit × metric × period (units in tree order, then the metrics
    and periods in the order given); see the module's documentation. With a
    `touchpoint`, only its answers and the figures entered for it. Four queries: the
    units, the answer counts, the entered figures and the targets.

    A unit's answers count in its own figures and in those of the units above it among
    `counting` (by default the units asked for): a page can ask for a few units' figures
    while the answers of all the units below them count in."""
    unit_list = sorted(units, key=lambda unit: unit.path)
    metrics, periods = list(metrics), list(periods)
    if not unit_list or not metrics or not periods:
        return []
    below = unit_list if counting is None else sorted({*unit_list, *counting}, key=path_of)
    shared = _shared_counts.get()
    if shared is None:
        return work_out(unit_list, metrics, periods, touchpoint, below)
    # In a shared block, each unit × metric × period is worked out once.
    key = (
        "results",
        tuple(unit.pk for unit in unit_list),
        tuple(unit.pk for unit in below),
        tuple(metric.pk for metric in metrics),
        getattr(touchpoint, "pk", touchpoint),
    )
    known: dict = shared.setdefault(key, {})
    missing = [period for period in dict.fromkeys(periods) if period not in known]
    if missing:
        rows = work_out(unit_list, metrics, missing, touchpoint, below)
        for index, period in enumerate(missing):
            known[period] = rows[index :: len(missing)]
    # Each period's rows run unit by unit, metric by metric: interleave them again.
    by_period = [known[period] for period in periods]
    return [row for cells in zip(*by_period, strict=True) for row in cells]


def path_of(unit: Unit) -> str:
    return unit.path


def work_out(
    unit_list: list[Unit],
    metrics: list[Metric],
    periods: list[Period],
    touchpoint,
    below: list[Unit],
) -> list[Result]:
    """`results` for units in tree order: the four queries and the figures."""
    first = min(period.start for period in periods)
    last = max(period.end for period in periods)

    answers = answer_counts(unit_list, metrics, periods, first, last, touchpoint, below)
    entered = entered_figures(unit_list, metrics, periods, touchpoint)
    targets = TargetBook(unit_list, metrics, last)

    # Worked out once rather than per cell: each period's end and months; each unit's
    # targets period by period (a unit without targets of its own for a metric has its
    # parent's, already worked out: the units come in tree order).
    spans = [(period, period.kind, period.start, months_of(period)) for period in periods]
    ends = [period.end for period in periods]
    goals: dict[tuple[int, int], list[Decimal | None]] = {}
    rows = []
    for unit in unit_list:
        unit_pk, line = unit.pk, unit.line
        parent = line[-2] if len(line) > 1 else None
        for metric in metrics:
            metric_pk, survey, small = metric.pk, metric.is_survey, metric.small_sample
            inherited = goals.get((parent, metric_pk)) if parent is not None else None
            if inherited is None or targets.has_own(unit_pk, metric_pk):
                inherited = [targets.value_on_line(line, metric_pk, end) for end in ends]
            goals[(unit_pk, metric_pk)] = inherited
            for (period, kind, start, months), target in zip(spans, inherited, strict=True):
                value, sample, source = None, None, ""
                figure = entered.get((unit_pk, metric_pk, kind, start)) if entered else None
                if figure is not None:
                    (value, sample), source = figure, ENTERED
                elif survey:
                    counts = sum_months(answers, unit_pk, metric_pk, months)
                    if counts is not None and counts.total:
                        value, sample = value_from_counts(metric, counts), counts.total
                        source = ANSWERS
                rows.append(
                    Result(
                        unit,
                        metric,
                        period,
                        value,
                        sample,
                        sample is not None and sample < small,
                        source,
                        target,
                    )
                )
    return rows


def months_of(period: Period) -> list[dt.date]:
    return [add_months(period.start, n) for n in range(period.months)]


AnswerCounts = dict[tuple[int, int, dt.date], Tally]


_shared_counts: ContextVar[dict | None] = ContextVar("shared_answer_counts", default=None)


@contextmanager
def shared_answer_counts() -> Iterator[None]:
    """Within the block, `results` calls over the same units, metrics and touchpoint read
    the answers once: a call whose months lie within an earlier call's reuses its counts
    (the admin dashboard asks for the evidence's months, then for the metric table's),
    and a period already worked out for them is not worked out again (no query)."""
    if _shared_counts.get() is not None:  # an enclosing block shares already
        yield
        return
    token = _shared_counts.set({})
    try:
        yield
    finally:
        _shared_counts.reset(token)


def answer_counts(units, metrics, periods, first, last, touchpoint, below=None) -> AnswerCounts:
    """(unit, metric, month) -> `Tally`, one query of the monthly roll-ups
    (`AnswerRollup`), never of the raw answers (none when a `shared_answer_counts` block
    already read them). A unit's tally holds its own answers and those of its sub-units
    among `units`, added up by the database: one row per unit, metric and month, however
    many answers and scores there are. With `below`, the answers of those units count
    in the units above them among `units` too."""
    survey = [metric for metric in metrics if metric.is_survey]
    counts: AnswerCounts = {}
    if not survey:
        return counts
    shared = _shared_counts.get()
    below = units if below is None else below
    key = (
        tuple(sorted(unit.pk for unit in units)),
        tuple(sorted(unit.pk for unit in below)),
        tuple(sorted(metric.pk for metric in survey)),
        getattr(touchpoint, "pk", touchpoint),
    )
    if shared is not None and key in shared:
        read_first, read_last, read = shared[key]
        if read_first <= first and last <= read_last:
            return read  # months outside the periods asked for are never summed
    with connection.cursor() as cursor:
        cursor.execute(*tally_query(units, survey, first, last, touchpoint, below))
        for unit, metric, month, *tally in cursor.fetchall():
            if isinstance(month, str):  # SQLite
                month = dt.date.fromisoformat(month)
            counts[(unit, metric, month)] = Tally(*map(int, tally))
    if shared is not None:
        shared[key] = (first, last, counts)
    return counts


def tally_query(
    units, survey: list[Metric], first, last, touchpoint, below=None
) -> tuple[str, list]:
    """The SQL of `answer_counts`: the roll-ups of `units` and the units below them
    among `below` (joined to the pairs unit -> each unit it counts in), summed by
    counting unit, metric and month."""
    asked = {unit.pk for unit in units}
    pairs = ", ".join(
        f"({int(unit.pk)}, {int(above)})"
        for unit in (units if below is None else below)
        for above in unit.line
        if above in asked
    )
    params: list = []
    satisfied = []
    for metric in survey:
        top = metric.scale_max or 5
        keys = " + ".join(f"COALESCE({score_of('r.scores')}, 0)" for _ in (top, top - 1))
        satisfied.append(f"WHEN {int(metric.pk)} THEN {keys}")
        params += [str(top), str(top - 1)]
    sql = f"""
        SELECT up.column2, r.metric_id, r.month, SUM(r.count), SUM(r.promoters),
            SUM(r.detractors), SUM(r.score_sum),
            SUM(CASE r.metric_id {" ".join(satisfied)} ELSE 0 END)
        FROM {AnswerRollup._meta.db_table} r
        JOIN (VALUES {pairs}) AS up ON up.column1 = r.unit_id
        WHERE r.metric_id IN ({", ".join(["%s"] * len(survey))})
            AND r.month >= %s AND r.month <= %s
            {"AND r.touchpoint_id = %s" if touchpoint is not None else ""}
        GROUP BY up.column2, r.metric_id, r.month
    """
    params += [metric.pk for metric in survey] + [first.replace(day=1), last]
    if touchpoint is not None:
        params.append(getattr(touchpoint, "pk", touchpoint))
    return sql, params


def score_of(column: str) -> str:
    """SQL: the number of answers with the score given as the next parameter (a
    string) in the JSON object `column`, or NULL."""
    if connection.vendor == "postgresql":
        return f"({column} ->> %s)::integer"
    return f"json_extract({column}, '$.\"' || %s || '\"')"


def sum_counts(answers: AnswerCounts, unit: int, metric: int, period: Period) -> Tally:
    """The unit's answers in the months of `period`, added up."""
    return sum_months(answers, unit, metric, months_of(period)) or Tally()


def sum_months(answers: AnswerCounts, unit: int, metric: int, months) -> Tally | None:
    """The unit's answers in `months`, added up; None without any."""
    total = None
    for month in months:
        found = answers.get((unit, metric, month))
        if found is not None:
            total = found if total is None else total + found
    return total


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
        return self.find_on_line(unit.line, metric, day)

    def find_on_line(self, line: list[int], metric: Metric, day: dt.date) -> FoundTarget | None:
        """`find` for the unit whose `Unit.line` is `line`."""
        for pk in reversed(line):
            found = None
            for target in self.targets.get((pk, metric.pk), ()):
                if target[0] > day:
                    break
                found = target
            if found is not None:
                return FoundTarget(found[1], pk, found[0])
        return None

    def has_own(self, unit: int, metric: int) -> bool:
        """Whether the unit has a target of its own for the metric (any date)."""
        return (unit, metric) in self.targets

    def value_on_line(self, line: list[int], metric: int, day: dt.date) -> Decimal | None:
        """The value of `find_on_line` for a metric's id, None without a target."""
        for pk in reversed(line):
            found = None
            for valid_from, value in self.targets.get((pk, metric), ()):
                if valid_from > day:
                    break
                found = value
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
    counting: Sequence[Unit] | None = None,
) -> list[Trend]:
    """Per unit (tree order) and active metric: the latest of the last `lookback`
    periods that has a figure, and the one with a figure before it (None when there is
    none). Five queries: the metrics, then `results` (`counting` as there)."""
    metrics = list(Metric.objects.active())
    periods = periods_back(kind, today, lookback)
    rows = results(units, metrics, periods, counting=counting)
    step = len(periods)  # a unit's metric comes as a block of its periods, oldest first
    trends = []
    for index in range(0, len(rows), step):
        block = rows[index : index + step]
        trend = Trend(block[0].unit, block[0].metric)
        figures = [result for result in block if result.value is not None]
        if figures:
            trend.latest = figures[-1]
            trend.previous = figures[-2] if len(figures) > 1 else None
        trends.append(trend)
    return trends


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
