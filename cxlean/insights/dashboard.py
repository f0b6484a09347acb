"""Management's maturity dashboard: per unit, what a management team looks at before a
meeting, led by the answer.

For every unit in the viewer's scope (management and superusers: all; coordinators:
their units), in tree order:
- maturity: the overall level and score of the latest completed assessment, the
  per-dimension levels, and the move against the assessment before it;
- the evidence indicators of the last twelve months (`cxlean.insights.evidence`);
- rollouts: the unit's own plans running in those twelve months, with their progress,
  late and blocked activities and budget against planned and actual cost;
- Green Card coverage, the backlog by status and quadrant, and the CX metrics against
  target (latest month with a figure, with its trend), each counting the unit with its
  sub-units, as on the pages these come from.

The headlines on top answer "what moved, and what is off": the units whose maturity
level moved, the metrics off target and the indicators that need attention.

A large tree is shown by its top levels: as many levels as fit in `ROW_LIMIT` rows (every
level in most organisations), each row still counting all the units below it; the
headlines speak of those rows, and a unit's page shows the levels below it the same way.

Everything is read in a fixed number of queries whatever the number of units.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from dataclasses import dataclass, field
from decimal import Decimal
from functools import cached_property

from django.db.models import QuerySet
from django.utils.formats import date_format
from django.utils.translation import gettext as _

from cxlean.backlog.admin import UnitBacklog, backlog_by_unit
from cxlean.competence.coverage import UnitCoverage, coverage_by_unit
from cxlean.core.links import address, admin_address
from cxlean.insights.charts import Spark, sparkline
from cxlean.insights.charts import figure as chart_figure
from cxlean.insights.evidence import BAD, Indicator, evidence_by_unit
from cxlean.maturity.models import Assessment, Dimension, MaturityLevel
from cxlean.maturity.scoring import Scores, latest_by_unit, load_model, scores_for
from cxlean.metrics.models import Metric, PeriodKind
from cxlean.metrics.reports import (
    Period,
    Result,
    Trend,
    latest_vs_target,
    periods_back,
    results,
    shared_answer_counts,
)
from cxlean.org.models import Unit
from cxlean.org.roles import coordinated_units, sees_everything
from cxlean.plans.models import Activity, Plan, PlanFigures

EVIDENCE_MONTHS = 12


def dashboard_units(viewer) -> QuerySet[Unit]:
    """Management and superusers see every unit; a coordinator the units they coordinate."""
    units = Unit.objects.all() if sees_everything(viewer) else coordinated_units(viewer)
    return units.order_by("path")


def twelve_months_before(day: dt.date) -> dt.date:
    """The first day of the twelve months that end with `day`."""
    try:
        return day.replace(year=day.year - 1) + dt.timedelta(days=1)
    except ValueError:  # 29 February
        return dt.date(day.year - 1, 3, 1)


# --- maturity ------------------------------------------------------------------------------


@dataclass
class DimensionCell:
    dimension: Dimension
    score: Decimal | None
    level: MaturityLevel | None
    previous_score: Decimal | None = None

    @property
    def change(self) -> Decimal | None:
        if self.score is None or self.previous_score is None:
            return None
        return self.score - self.previous_score


@dataclass
class Maturity:
    """A unit's latest completed assessment against the one before."""

    latest: Assessment | None = None
    scores: Scores | None = None
    previous: Assessment | None = None
    previous_scores: Scores | None = None
    cells: list[DimensionCell] = field(default_factory=list)

    @property
    def level(self) -> MaturityLevel | None:
        return self.scores.level if self.scores else None

    @property
    def overall(self) -> Decimal | None:
        return self.scores.overall if self.scores else None

    @property
    def change(self) -> Decimal | None:
        if self.overall is None or self.previous_scores is None:
            return None
        if self.previous_scores.overall is None:
            return None
        return self.overall - self.previous_scores.overall

    @property
    def level_change(self) -> int | None:
        """Levels moved since the previous assessment (None without two levels)."""
        before = self.previous_scores.level if self.previous_scores else None
        if self.level is None or before is None:
            return None
        return self.level.number - before.number

    @property
    def direction(self) -> str:
        """ "up", "down", "same" or "" (nothing to compare with)."""
        change = self.change
        if change is None:
            return ""
        return "up" if change > 0 else "down" if change < 0 else "same"

    @property
    def trend_words(self) -> str:
        change = self.change
        if change is None:
            return _("first assessment") if self.latest else ""
        moved = self.level_change
        before = self.previous_scores.level if self.previous_scores else None
        if moved and before is not None:
            return (
                _("up from level %(number)s %(name)s")
                if moved > 0
                else _("down from level %(number)s %(name)s")
            ) % {"number": before.number, "name": before.name}
        if change > 0:
            return _("up %(change)s since the previous assessment") % {"change": change}
        if change < 0:
            return _("down %(change)s since the previous assessment") % {"change": -change}
        return _("unchanged since the previous assessment")


def maturity_by_unit(units: list[Unit]) -> tuple[dict[int, Maturity], list[Dimension]]:
    """Four queries: the latest two completed assessments of every unit, the levels, the
    questions with their dimensions and the answers."""
    latest = latest_by_unit(Unit.objects.filter(pk__in=[unit.pk for unit in units]), count=2)
    model = load_model()
    assessments = [a for pair in latest.values() for a in pair]
    scores = scores_for(assessments, model) if assessments else {}
    dimensions = [d for d in model.dimensions if d.active]
    found: dict[int, Maturity] = {}
    for unit in units:
        pair = latest.get(unit.pk, [])
        maturity = Maturity()
        if pair:
            maturity.latest, maturity.scores = pair[0], scores[pair[0].pk]
        if len(pair) > 1:
            maturity.previous, maturity.previous_scores = pair[1], scores[pair[1].pk]
        maturity.cells = dimension_cells(maturity.scores, maturity.previous_scores, dimensions)
        found[unit.pk] = maturity
    return found, dimensions


def dimension_cells(
    scores: Scores | None, previous: Scores | None, dimensions: list[Dimension]
) -> list[DimensionCell]:
    return [
        DimensionCell(
            dimension,
            scores.dimensions.get(dimension.pk) if scores else None,
            scores.dimension_levels.get(dimension.pk) if scores else None,
            previous.dimensions.get(dimension.pk) if previous else None,
        )
        for dimension in dimensions
    ]


# --- rollouts ------------------------------------------------------------------------------


@dataclass
class PlanRow:
    plan: Plan
    figures: PlanFigures
    today: dt.date

    @property
    def url(self) -> str:
        return admin_address("plans_plan_change", self.plan.pk)

    @property
    def late_url(self) -> str:
        return admin_address(
            "plans_activity_changelist",
            phase__plan__id__exact=self.plan.pk,
            status__in=",".join(Activity.OPEN_STATUSES),
            due_date__lt=self.today.isoformat(),
        )

    @property
    def over_budget(self) -> bool:
        return (
            self.figures.actual > self.figures.budget or self.figures.planned > self.figures.budget
        )


def plans_by_unit(units: list[Unit], start: dt.date, today: dt.date) -> dict[int, list[PlanRow]]:
    """The plans of each unit (its own) running since `start`: one query."""
    plans = (
        Plan.objects.filter(unit__in=[unit.pk for unit in units], end_date__gte=start)
        .with_figures()
        .order_by("unit__path", "start_date", "name")
    )
    rows: dict[int, list[PlanRow]] = defaultdict(list)
    for plan in plans:
        rows[plan.unit_id].append(PlanRow(plan, PlanFigures.of(plan), today))
    return rows


# --- metrics -------------------------------------------------------------------------------


@dataclass
class MetricLine:
    """A metric of a unit: its latest figure against its target, and its trend."""

    trend: Trend

    @property
    def metric(self):
        return self.trend.metric

    @property
    def latest(self):
        return self.trend.latest

    @property
    def on_target(self) -> bool | None:
        return self.latest.meets_target if self.latest else None

    @property
    def value_text(self) -> str:
        return figure(self.latest.value if self.latest else None)

    @property
    def target_text(self) -> str:
        return figure(self.latest.target if self.latest else None)

    @property
    def target_words(self) -> str:
        if self.latest is None:
            return _("no figure")
        if self.on_target is None:
            return _("no target")
        return _("on target") if self.on_target else _("off target")

    @property
    def trend_words(self) -> str:
        improving = self.trend.improving
        if improving is None:
            return _("no change") if self.trend.change == 0 else ""
        return _("improving") if improving else _("worsening")

    @property
    def direction(self) -> str:
        change = self.trend.change
        if change is None:
            return ""
        return "up" if change > 0 else "down" if change < 0 else "same"

    @property
    def tone(self) -> str:
        """Whether the move is good or bad news (down is good for churn or effort)."""
        improving = self.trend.improving
        return "" if improving is None else "good" if improving else "bad"


def figure(value: Decimal | None) -> str:
    """A figure without trailing zeros, in the active language's format ("30", "28,3")."""
    return "–" if value is None else chart_figure(value)


def metrics_by_unit(
    units: list[Unit], today: dt.date, counting: list[Unit] | None = None
) -> dict[int, list[MetricLine]]:
    """Five queries: the metrics and `results` over the last twelve months (the answers
    of `counting` count in the units above them, as there)."""
    lines: dict[int, list[MetricLine]] = defaultdict(list)
    for trend in latest_vs_target(units, today, counting=counting):
        if trend.latest is not None:
            lines[trend.unit.pk].append(MetricLine(trend))
    return lines


# --- the dashboard -------------------------------------------------------------------------


@dataclass
class UnitOverview:
    unit: Unit
    depth: int
    maturity: Maturity
    evidence: list[Indicator]
    plans: list[PlanRow]
    coverage: UnitCoverage
    backlog: UnitBacklog
    metrics: list[MetricLine]

    @cached_property
    def indented_name(self) -> str:
        return f"{'— ' * self.depth}{self.unit.name}"

    @cached_property
    def url(self) -> str:
        return address("admin:insights_unit", self.unit.pk)

    @cached_property
    def assessments_url(self) -> str:
        return admin_address("maturity_assessment_changelist", unit__id__exact=self.unit.pk)

    @cached_property
    def latest_url(self) -> str:
        latest = self.maturity.latest
        return admin_address("maturity_assessment_change", latest.pk) if latest else ""

    @cached_property
    def plans_url(self) -> str:
        return admin_address("plans_plan_changelist", unit__id__exact=self.unit.pk)

    @cached_property
    def metrics_url(self) -> str:
        return admin_address("metrics_measurement_changelist", unit__id__exact=self.unit.pk)

    @property
    def attention(self) -> list[Indicator]:
        return [indicator for indicator in self.evidence if indicator.tone == BAD]

    @property
    def off_target(self) -> list[MetricLine]:
        return [line for line in self.metrics if line.on_target is False]


class Sections:
    """Whether the per-unit rows have anything to show in the optional sections."""

    rows: list[UnitOverview]
    in_scope: int

    @property
    def top_levels_only(self) -> bool:
        """Whether the rows keep to the top levels of the units (see `ROW_LIMIT`)."""
        return len(self.rows) < self.in_scope

    @property
    def has_plans(self) -> bool:
        return any(row.plans for row in self.rows)

    @property
    def has_metrics(self) -> bool:
        return any(row.metrics for row in self.rows)

    @property
    def has_small_samples(self) -> bool:
        """Whether a latest figure in the metrics table rests on a small sample (the
        table then explains its marks once, below it)."""
        return any(line.latest.small_sample for row in self.rows for line in row.metrics)

    @property
    def coverage_url(self) -> str:
        return admin_address("competence_coverage")

    @property
    def backlog_url(self) -> str:
        return admin_address("backlog_by_unit")

    @property
    def cadence_url(self) -> str:
        return admin_address("gemba_cadence")


@dataclass
class Dashboard(Sections):
    today: dt.date
    start: dt.date
    dimensions: list[Dimension]
    rows: list[UnitOverview]
    in_scope: int = 0  # the units whose figures count in the rows
    levels: int = 0  # the levels of the tree in the rows
    fits: bool = True  # every unit fits in the tables (ROW_LIMIT)

    @property
    def moved(self) -> list[UnitOverview]:
        """Units whose overall score moved since their previous assessment."""
        return [row for row in self.rows if row.maturity.direction in ("up", "down")]

    @property
    def off_target(self) -> list[tuple[UnitOverview, MetricLine]]:
        return [(row, line) for row in self.rows for line in row.off_target]

    @property
    def off_target_by_unit(self) -> list[tuple[UnitOverview, list[MetricLine]]]:
        return [(row, row.off_target) for row in self.rows if row.off_target]

    @property
    def off_target_small_samples(self) -> bool:
        return any(line.latest.small_sample for _row, line in self.off_target)

    @property
    def attention(self) -> list[tuple[UnitOverview, Indicator]]:
        return [(row, indicator) for row in self.rows for indicator in row.attention]

    @property
    def attention_by_unit(self) -> list[tuple[UnitOverview, list[Indicator]]]:
        return [(row, row.attention) for row in self.rows if row.attention]

    @property
    def assessed(self) -> int:
        return sum(1 for row in self.rows if row.maturity.latest)


# A per-unit table lists at most this many units: beyond it, the top levels of the tree
# that fit (at least one). Each row counts all the units below it and leads to the
# unit's page, which shows the next levels; `everything` lists every unit.
ROW_LIMIT = 50


def levels_of(units: list[Unit]) -> dict[int, int]:
    """unit id -> its level among `units`: how many of them are above it (0: a top)."""
    ids = {unit.pk for unit in units}
    return {unit.pk: sum(1 for above in unit.line[:-1] if above in ids) for unit in units}


def top_levels(units: list[Unit], limit: int | None) -> tuple[list[Unit], int, int]:
    """The units of the top levels that together fit within `limit` rows (at least the
    top level; all with no limit), how many levels that is, and of how many."""
    if not units:
        return [], 0, 0
    level = levels_of(units)
    deepest = max(level.values()) + 1
    shown = deepest
    if limit is not None:
        per_level = [0] * deepest
        for value in level.values():
            per_level[value] += 1
        shown, rows = 1, per_level[0]
        while shown < deepest and rows + per_level[shown] <= limit:
            rows += per_level[shown]
            shown += 1
    return [unit for unit in units if level[unit.pk] < shown], shown, deepest


def build_dashboard(units: QuerySet[Unit], today: dt.date, everything: bool = False) -> Dashboard:
    """The dashboard of `units`: the top levels that fit within `ROW_LIMIT` rows, or
    every unit with `everything`."""
    with shared_answer_counts():  # the evidence and the metric table read them once
        return dashboard_of(list(units.order_by("path")), today, everything)


def dashboard_of(units: list[Unit], today: dt.date, everything: bool) -> Dashboard:
    start = twelve_months_before(today)
    if not units:
        return Dashboard(today, start, [], [])
    shown, levels, deepest = top_levels(units, ROW_LIMIT)
    fits = len(shown) == len(units)
    if everything:
        shown, levels = units, deepest
    unit_qs = Unit.objects.filter(pk__in=[unit.pk for unit in units])
    maturity, dimensions = maturity_by_unit(shown)
    every_coverage = coverage_by_unit(units, today)
    evidence = evidence_by_unit(unit_qs, start, today, today, shown, every_coverage)
    plans = plans_by_unit(shown, start, today)
    coverage = {row.unit.pk: row for row in every_coverage}
    backlog = {row.unit.pk: row for row in backlog_by_unit(unit_qs, today)}
    metrics = metrics_by_unit(shown, today, counting=units)
    top = min(unit.depth for unit in units)
    rows = [
        UnitOverview(
            unit=unit,
            depth=unit.depth - top,
            maturity=maturity[unit.pk],
            evidence=evidence[unit.pk],
            plans=plans.get(unit.pk, []),
            coverage=coverage[unit.pk],
            backlog=backlog[unit.pk],
            metrics=metrics.get(unit.pk, []),
        )
        for unit in shown
    ]
    return Dashboard(today, start, dimensions, rows, len(units), levels, fits)


# --- a unit's page -------------------------------------------------------------------------


@dataclass
class DimensionHistory:
    """One line of the maturity-over-time table: a dimension (or the overall score) in
    each of the unit's assessments, oldest first."""

    name: str
    cells: list[tuple[Decimal | None, MaturityLevel | None]]
    spark: Spark
    overall: bool = False


@dataclass
class MetricHistory:
    """A metric of the unit month by month, with its target."""

    metric: Metric
    results: list[Result]
    spark: Spark

    @property
    def latest(self) -> Result | None:
        return next((r for r in reversed(self.results) if r.value is not None), None)


@dataclass
class UnitPage(Sections):
    overview: UnitOverview
    subunits: list[UnitOverview]
    dimensions: list[Dimension]
    assessments: list[Assessment]
    history: list[DimensionHistory]
    months: list[Period]
    metrics: list[MetricHistory]
    start: dt.date
    today: dt.date
    in_scope: int = 0
    levels: int = 0
    fits: bool = True

    @property
    def rows(self) -> list[UnitOverview]:  # type: ignore[override]  # Sections only reads it
        return [self.overview, *self.subunits]


def build_unit_page(
    unit: Unit, scope: QuerySet[Unit], today: dt.date, everything: bool = False
) -> UnitPage:
    """The unit with its sub-units within `scope` (the levels below it that fit, as on
    the dashboard): the dashboard's figures, every completed assessment of the unit,
    and its metrics over the last twelve months."""
    with shared_answer_counts():  # read once for the evidence and both metric tables
        return unit_page_of(unit, scope, today, everything)


def unit_page_of(unit: Unit, scope: QuerySet[Unit], today: dt.date, everything: bool) -> UnitPage:
    units = list(scope.filter(path__startswith=unit.path))
    dashboard = build_dashboard(
        Unit.objects.filter(pk__in=[u.pk for u in units]), today, everything
    )
    assessments = list(
        Assessment.objects.filter(unit=unit).completed().order_by("assessed_on", "pk")
    )
    model = load_model()
    scores = scores_for(assessments, model) if assessments else {}
    months = periods_back(PeriodKind.MONTH, today, EVIDENCE_MONTHS)
    return UnitPage(
        overview=dashboard.rows[0],
        subunits=dashboard.rows[1:],
        dimensions=dashboard.dimensions,
        assessments=assessments,
        history=maturity_history(assessments, scores, model),
        months=months,
        metrics=metric_history(unit, [row.unit for row in dashboard.rows], months, units),
        start=dashboard.start,
        today=today,
        in_scope=dashboard.in_scope,
        levels=dashboard.levels,
        fits=dashboard.fits,
    )


def maturity_history(assessments, scores: dict[int, Scores], model) -> list[DimensionHistory]:
    if not assessments:
        return []
    labels = [date_format(a.assessed_on, "SHORT_DATE_FORMAT") for a in assessments]
    ordered = [scores[a.pk] for a in assessments]
    history = [
        DimensionHistory(
            _("Overall"),
            [(s.overall, s.level) for s in ordered],
            sparkline([s.overall for s in ordered], labels, low=1, high=5),
            overall=True,
        )
    ]
    for dimension in model.dimensions:
        values = [s.dimensions.get(dimension.pk) for s in ordered]
        levels = [s.dimension_levels.get(dimension.pk) for s in ordered]
        if not dimension.active and all(v is None for v in values):
            continue
        history.append(
            DimensionHistory(
                dimension.name,
                list(zip(values, levels, strict=True)),
                sparkline(values, labels, low=1, high=5),
            )
        )
    return history


def metric_history(
    unit: Unit, units: list[Unit], months: list[Period], counting: list[Unit]
) -> list[MetricHistory]:
    """Five queries: the active metrics and `results` for the unit with its sub-units
    (the answers of `counting` count in the unit's figures; `units`: those of the
    dashboard's rows, whose results the evidence worked out already)."""
    metrics = list(Metric.objects.active())
    if not metrics:
        return []
    mine = [r for r in results(units, metrics, months, counting=counting) if r.unit.pk == unit.pk]
    history = []
    for metric in metrics:
        row = [r for r in mine if r.metric.pk == metric.pk]
        if all(r.value is None for r in row):
            continue
        target = next((r.target for r in reversed(row) if r.target is not None), None)
        spark = sparkline([r.value for r in row], [r.period.label for r in row], target=target)
        history.append(MetricHistory(metric, row, spark))
    return history
