"""The evidence beside a maturity self-assessment: what the system measures itself.

For a unit and a period [start, end], counting the unit and its sub-units among the
units asked for (the roll-up of the competence coverage, the backlog by unit and the
Gemba cadence):

- green_card_coverage: the people with CX roles who hold a valid Green Card, as of the
  end of the period (or today when the period runs on), and the share of the
  activity-person pairs their roles require that are met (`coverage_by_unit`).
- rollout_progress: the rollout plans running in the period, their live (not
  cancelled) activities done against those due by the end of the period. Ahead, on
  track or behind plan, in words. Statuses are read as they are now.
- backlog_throughput: the improvements that reached Act (standardised) in the period,
  read from the status changes; available once the unit has a backlog at all.
- backlog_lead_time: the median days from an improvement being submitted to reaching
  Act, for those.
- gemba_cadence: the Gemba walks planned to start in the period, except the cancelled
  ones, against those of them done (the rule of the cadence report).
- metrics_on_target: of the unit's CX metrics with a figure in the period and a target,
  how many meet it (latest month with a figure), and how many improve or worsen against
  the month with a figure before it.

An indicator without data is "not available", never 0. Every figure is computed for
all units and periods at once in a fixed number of queries (the tree roll-up happens
here), so a dashboard or a report costs the same whatever the number of units.
"""

from __future__ import annotations

import datetime as dt
import statistics
from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass
from decimal import Decimal

from django.db.models import Count, Min, Q, QuerySet
from django.db.models.functions import TruncDate
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from cxlean.backlog.models import Item, Status, StatusChange
from cxlean.competence.coverage import UnitCoverage, coverage_by_unit
from cxlean.core.links import admin_address
from cxlean.gemba.models import Walk, WalkStatus, local_zone
from cxlean.gemba.reports import local_midnight
from cxlean.metrics.models import Metric, PeriodKind
from cxlean.metrics.reports import Period, Result, Trend, results
from cxlean.org.models import Unit
from cxlean.plans.models import Activity

KEYS = (
    "green_card_coverage",
    "rollout_progress",
    "backlog_throughput",
    "backlog_lead_time",
    "gemba_cadence",
    "metrics_on_target",
)
GOOD, WARN, BAD = "good", "warn", "bad"
DAY = dt.timedelta(days=1)


@dataclass
class Indicator:
    key: str
    label: str
    value: Decimal | int | None  # None: not available
    display: str
    detail: str
    available: bool
    tone: str  # GOOD, WARN, BAD or "" (no judgement); always shown with words
    url: str = ""

    @property
    def tone_label(self) -> str:
        return {
            GOOD: _("good"),
            WARN: _("keep an eye on it"),
            BAD: _("needs attention"),
        }.get(self.tone, "")


Span = tuple[dt.date, dt.date]


def unit_evidence(unit: Unit, start: dt.date, end: dt.date, today: dt.date) -> list[Indicator]:
    """The indicators of one unit with all its sub-units."""
    return evidence_by_unit(unit.subtree(), start, end, today)[unit.pk]


def evidence_by_unit(
    units: QuerySet[Unit],
    start: dt.date,
    end: dt.date,
    today: dt.date,
    shown: Sequence[Unit] | None = None,
    coverage: Sequence[UnitCoverage] | None = None,
) -> dict[int, list[Indicator]]:
    """unit id -> its indicators for [start, end]; see the module's documentation.
    With `shown`, only those units' indicators (all of `units` still count in them);
    `coverage`: `coverage_by_unit` of the units on `today`, when the caller has it."""
    known = {today: coverage} if coverage is not None else None
    by_span = evidence_by_span(units, [(start, end)], today, shown, known)
    return {unit_id: spans[0] for unit_id, spans in by_span.items()}


def evidence_by_span(
    units: QuerySet[Unit],
    spans: Sequence[Span],
    today: dt.date,
    shown: Sequence[Unit] | None = None,
    coverage: dict[dt.date, Sequence[UnitCoverage]] | None = None,
) -> dict[int, list[list[Indicator]]]:
    """unit id -> for each span (in the order given) the unit's indicators (the units
    `shown`, by default all). The queries do not grow with the number of units, and
    grow with the spans only for the Green Card coverage (five a distinct end date)."""
    listed = list(units.order_by("path"))
    if not listed or not spans:
        return {unit.pk: [[] for _span in spans] for unit in listed}
    tree = Tree(listed, shown)
    columns = [
        green_card_coverage(tree, spans, today, coverage or {}),
        rollout_progress(tree, spans),
        *backlog_throughput(tree, spans),
        gemba_cadence(tree, spans),
        metrics_on_target(tree, spans),
    ]
    return {
        unit.pk: [[column[unit.pk][index] for column in columns] for index in range(len(spans))]
        for unit in tree.shown
    }


class Tree:
    """The units whose figures count (`units`), the units to show (`shown`, by default
    all) and, for each unit, the shown units its figures count in."""

    def __init__(self, units: list[Unit], shown: Sequence[Unit] | None = None) -> None:
        self.units = units
        chosen = set(units if shown is None else shown)
        self.shown = [unit for unit in units if unit in chosen]
        rows = {unit.pk for unit in self.shown}
        self.lines = {unit.pk: [a for a in unit.line if a in rows] for unit in units}

    def roll_up(self, pairs) -> dict[int, list]:
        """(unit id, value) pairs -> unit id -> the values of it and its sub-units."""
        rolled: dict[int, list] = defaultdict(list)
        for unit_id, value in pairs:
            for row in self.lines.get(unit_id, ()):
                rolled[row].append(value)
        return rolled


def period_words(start: dt.date, end: dt.date) -> str:
    return _("%(start)s to %(end)s") % {"start": date_format(start), "end": date_format(end)}


def not_available(key: str, label: str, detail: str, url: str = "") -> Indicator:
    return Indicator(key, label, None, _("not available"), detail, False, "", url)


def percent(part: int, whole: int) -> int:
    return round(100 * part / whole)


def percent_text(value: int) -> str:
    return _("%(percent)d %%") % {"percent": value}


def admin_list(name: str, **filters) -> str:
    return admin_address(f"{name}_changelist", **filters)


# --- Green Card coverage -------------------------------------------------------------------


def green_card_coverage(
    tree: Tree, spans: Sequence[Span], today: dt.date, known: dict[dt.date, Sequence]
) -> dict:
    label = _("Green Card coverage")
    url = admin_address("competence_coverage")
    as_of = {min(end, today) for _start, end in spans}
    coverage = {
        day: {row.unit.pk: row for row in known.get(day) or coverage_by_unit(tree.units, day)}
        for day in as_of
    }
    column: dict[int, list[Indicator]] = {}
    for unit in tree.shown:
        column[unit.pk] = []
        for _start, end in spans:
            row = coverage[min(end, today)][unit.pk]
            if not row.people_with_roles:
                column[unit.pk].append(
                    not_available(
                        "green_card_coverage", label, _("No one here holds a CX role."), url
                    )
                )
                continue
            certified = min(row.certified, row.people_with_roles)
            value = percent(certified, row.people_with_roles)
            detail = ngettext(
                "%(certified)d of %(people)d person with CX roles holds a valid Green Card",
                "%(certified)d of %(people)d people with CX roles hold a valid Green Card",
                row.people_with_roles,
            ) % {"certified": certified, "people": row.people_with_roles}
            if row.percent is not None:
                detail += "; " + _(
                    "%(percent)d %% of the activities their roles require are met"
                ) % {"percent": row.percent}
            tone = GOOD if value >= 80 else WARN if value >= 50 else BAD
            column[unit.pk].append(
                Indicator(
                    "green_card_coverage",
                    label,
                    value,
                    percent_text(value),
                    detail + ".",
                    True,
                    tone,
                    url,
                )
            )
    return column


# --- rollout progress ----------------------------------------------------------------------


def rollout_progress(tree: Tree, spans: Sequence[Span]) -> dict:
    """Done against due for the live activities of the plans running in each span: one
    query of counts per unit, plan dates, due date and status."""
    label = _("Rollout progress against plan")
    first = min(start for start, _end in spans)
    last = max(end for _start, end in spans)
    counts = (
        Activity.objects.filter(
            phase__plan__unit__in=[unit.pk for unit in tree.units],
            phase__plan__start_date__lte=last,
            phase__plan__end_date__gte=first,
        )
        .exclude(status=Activity.Status.CANCELLED)
        .order_by()
        .values_list(
            "phase__plan__unit", "phase__plan__start_date", "phase__plan__end_date", "due_date"
        )
        .annotate(
            live=Count("pk"),
            done=Count("pk", filter=Q(status=Activity.Status.DONE)),
        )
    )
    rolled = tree.roll_up((unit_id, rest) for unit_id, *rest in counts)
    column: dict[int, list[Indicator]] = {}
    for unit in tree.shown:
        url = admin_list("plans_plan", unit__id__exact=unit.pk)
        column[unit.pk] = [
            rollout_indicator(label, url, rolled.get(unit.pk, []), start, end)
            for start, end in spans
        ]
    return column


def rollout_indicator(label: str, url: str, rows: list, start: dt.date, end: dt.date) -> Indicator:
    live = done = due = 0
    for plan_start, plan_end, due_date, row_live, row_done in rows:
        if plan_start > end or plan_end < start:
            continue
        live += row_live
        done += row_done
        if due_date <= end:
            due += row_live
    if not live:
        return not_available(
            "rollout_progress", label, _("No rollout plan with activities runs in the period."), url
        )
    progress, expected = percent(done, live), percent(due, live)
    if done > due:
        state, tone = _("ahead of plan"), GOOD
    elif done == due:
        state, tone = _("on track"), GOOD
    else:
        state, tone = _("behind plan"), WARN if expected - progress <= 10 else BAD
    detail = _(
        "%(done)d of %(live)d activities done (%(progress)d %%); %(due)d were due by "
        "%(end)s (%(expected)d %%): %(state)s."
    ) % {
        "done": done,
        "live": live,
        "progress": progress,
        "due": due,
        "end": date_format(end),
        "expected": expected,
        "state": state,
    }
    display = _("%(percent)s done, %(state)s") % {"percent": percent_text(progress), "state": state}
    return Indicator("rollout_progress", label, progress, display, detail, True, tone, url)


# --- backlog throughput and lead time ------------------------------------------------------


def backlog_throughput(tree: Tree, spans: Sequence[Span]) -> tuple[dict, dict]:
    """Improvements reaching Act in each span and their median lead time: two queries,
    the first submission per unit (whether it has a backlog yet) and the moves to Act."""
    first = min(start for start, _end in spans)
    last = max(end for _start, end in spans)
    unit_ids = [unit.pk for unit in tree.units]
    began = tree.roll_up(
        Item.objects.filter(unit__in=unit_ids)
        .order_by()
        .values("unit")
        .annotate(first=Min("created_at"))
        .values_list("unit", "first")
    )
    finished = tree.roll_up(
        (unit_id, (timezone.localtime(at, local_zone()).date(), (at - created) / DAY))
        for unit_id, created, at in StatusChange.objects.filter(
            to_status=Status.ACT,
            item__unit__in=unit_ids,
            at__gte=local_midnight(first),
            at__lt=local_midnight(last + dt.timedelta(days=1)),
        )
        .order_by()
        .values_list("item__unit", "item__created_at", "at")
    )
    throughput: dict[int, list[Indicator]] = {}
    lead_time: dict[int, list[Indicator]] = {}
    for unit in tree.shown:
        throughput[unit.pk], lead_time[unit.pk] = [], []
        since = min(began[unit.pk]) if began.get(unit.pk) else None
        for start, end in spans:
            url = admin_list(
                "backlog_item",
                in_unit=unit.pk,
                status__exact=Status.ACT,
                status_changed_at__date__gte=start.isoformat(),
                status_changed_at__date__lte=end.isoformat(),
            )
            days = [d for day, d in finished.get(unit.pk, []) if start <= day <= end]
            has_backlog = since is not None and timezone.localtime(since).date() <= end
            throughput[unit.pk].append(throughput_indicator(days, has_backlog, start, end, url))
            lead_time[unit.pk].append(lead_time_indicator(days, url))
    return throughput, lead_time


def throughput_indicator(
    days: list[int], has_backlog: bool, start: dt.date, end: dt.date, url: str
) -> Indicator:
    label = _("Improvements standardised")
    if not has_backlog:
        return not_available(
            "backlog_throughput", label, _("No improvement had been submitted here."), url
        )
    count = len(days)
    detail = ngettext(
        "%(count)d improvement reached Act (standardised) from %(period)s.",
        "%(count)d improvements reached Act (standardised) from %(period)s.",
        count,
    ) % {"count": count, "period": period_words(start, end)}
    return Indicator(
        "backlog_throughput", label, count, str(count), detail, True, GOOD if count else WARN, url
    )


def lead_time_indicator(days: list[int], url: str) -> Indicator:
    label = _("Lead time from idea to act")
    if not days:
        return not_available(
            "backlog_lead_time", label, _("No improvement reached Act in the period."), url
        )
    median = round(statistics.median(days))
    display = ngettext("%(days)d day", "%(days)d days", median) % {"days": median}
    detail = ngettext(
        "The median time from submission to Act of %(count)d improvement.",
        "The median time from submission to Act of %(count)d improvements.",
        len(days),
    ) % {"count": len(days)}
    return Indicator("backlog_lead_time", label, median, display, detail, True, "", url)


# --- Gemba cadence ---------------------------------------------------------------------------


def gemba_cadence(tree: Tree, spans: Sequence[Span]) -> dict:
    """Walks planned (not cancelled) and done per unit and local day: one query."""
    label = _("Gemba walks done vs planned")
    first = min(start for start, _end in spans)
    last = max(end for _start, end in spans)
    counts = (
        Walk.objects.filter(
            unit__in=[unit.pk for unit in tree.units],
            planned_start__gte=local_midnight(first),
            planned_start__lt=local_midnight(last + dt.timedelta(days=1)),
        )
        .exclude(status=WalkStatus.CANCELLED)
        .annotate(day=TruncDate("planned_start", tzinfo=local_zone()))
        .order_by()
        .values_list("unit", "day")
        .annotate(planned=Count("pk"), done=Count("pk", filter=Q(status=WalkStatus.DONE)))
    )
    rolled = tree.roll_up((unit_id, rest) for unit_id, *rest in counts)
    column: dict[int, list[Indicator]] = {}
    for unit in tree.shown:
        column[unit.pk] = []
        for start, end in spans:
            url = admin_list(
                "gemba_walk",
                in_unit=unit.pk,
                status__in=f"{WalkStatus.PLANNED},{WalkStatus.DONE}",
                planned_start__date__gte=start.isoformat(),
                planned_start__date__lte=end.isoformat(),
            )
            planned = done = 0
            for day, day_planned, day_done in rolled.get(unit.pk, []):
                if start <= day <= end:
                    planned += day_planned
                    done += day_done
            column[unit.pk].append(cadence_indicator(label, url, planned, done, start, end))
    return column


def cadence_indicator(
    label: str, url: str, planned: int, done: int, start: dt.date, end: dt.date
) -> Indicator:
    if not planned:
        return not_available(
            "gemba_cadence", label, _("No Gemba walk was planned in the period."), url
        )
    value = percent(done, planned)
    display = _("%(done)d of %(planned)d") % {"done": done, "planned": planned}
    detail = ngettext(
        "%(done)d of %(planned)d walk planned from %(period)s was done (%(percent)d %%).",
        "%(done)d of %(planned)d walks planned from %(period)s were done (%(percent)d %%).",
        planned,
    ) % {"done": done, "planned": planned, "period": period_words(start, end), "percent": value}
    tone = GOOD if value >= 90 else WARN if value >= 70 else BAD
    return Indicator("gemba_cadence", label, value, display, detail, True, tone, url)


# --- CX metrics against target ---------------------------------------------------------------


def metrics_on_target(tree: Tree, spans: Sequence[Span]) -> dict:
    """Per span, each active metric's latest period with a figure against its target and
    against the period with a figure before it: one `results` call for the months and
    quarters of every span. Months when the metric has monthly figures in the span,
    else quarters (a unit may enter churn or CLV quarterly)."""
    label = _("CX metrics on target")
    metrics = list(Metric.objects.active())
    periods = sorted(
        {
            period
            for start, end in spans
            for kind in (PeriodKind.MONTH, PeriodKind.QUARTER)
            for period in periods_within(kind, start, end)
        }
    )
    found: dict[tuple[int, int], list[Result]] = defaultdict(list)
    for result in results(tree.shown, metrics, periods, counting=tree.units) if metrics else []:
        if result.value is not None:
            found[(result.unit.pk, result.metric.pk)].append(result)
    column: dict[int, list[Indicator]] = {}
    for unit in tree.shown:
        url = metric_list_url(unit)
        column[unit.pk] = []
        for start, end in spans:
            trends = []
            for metric in metrics:
                figures = [
                    r for r in found.get((unit.pk, metric.pk), []) if start <= r.period.start <= end
                ]
                monthly = [r for r in figures if r.period.kind == PeriodKind.MONTH]
                figures = monthly or figures  # periods come sorted, oldest first
                if figures:
                    previous = figures[-2] if len(figures) > 1 else None
                    trends.append(Trend(unit, metric, figures[-1], previous))
            column[unit.pk].append(metric_indicator(label, url, trends))
    return column


def periods_within(kind: str, start: dt.date, end: dt.date) -> list[Period]:
    """The periods of `kind` that begin within [start, end]."""
    period = Period.of(kind, start)
    if period.start < start:
        period = period.next()
    periods = []
    while period.start <= end:
        periods.append(period)
        period = period.next()
    return periods


def metric_list_url(unit: Unit) -> str:
    """The unit's measurements in the admin (nothing while the metrics admin is missing)."""
    return admin_list("metrics_measurement", unit__id__exact=unit.pk)


def metric_indicator(label: str, url: str, trends: list[Trend]) -> Indicator:
    if not trends:
        return not_available(
            "metrics_on_target", label, _("No CX metric has a figure in the period."), url
        )
    targeted = [trend for trend in trends if trend.target is not None]
    if not targeted:
        detail = ngettext(
            "%(count)d metric has figures but no target.",
            "%(count)d metrics have figures but none has a target.",
            len(trends),
        ) % {"count": len(trends)}
        return not_available("metrics_on_target", label, detail, url)
    meeting = len([trend for trend in targeted if trend.latest and trend.latest.meets_target])
    improving = sum(1 for trend in trends if trend.improving is True)
    worsening = sum(1 for trend in trends if trend.improving is False)
    display = _("%(meeting)d of %(count)d on target") % {
        "meeting": meeting,
        "count": len(targeted),
    }
    detail = (
        ngettext(
            "%(meeting)d of %(count)d metric with a target meets it in its latest period",
            "%(meeting)d of %(count)d metrics with a target meet it in their latest period",
            len(targeted),
        )
        % {"meeting": meeting, "count": len(targeted)}
        + "; "
        + _("%(improving)d improving and %(worsening)d worsening against the period before.")
        % {"improving": improving, "worsening": worsening}
    )
    tone = GOOD if meeting == len(targeted) else BAD if meeting * 2 < len(targeted) else WARN
    return Indicator("metrics_on_target", label, meeting, display, detail, True, tone, url)
