"""The trend chart of one metric and unit as geometry for a server-rendered SVG.

Time runs left to right, one equal slot per period (month or quarter); a figure sits in
the middle of its slot, joined to its neighbours by a line that breaks where a period
has no figure. Figures from a small sample are drawn hollow. The target is a stepped
line (it may change from one period to the next). Improvements expected to move the
metric are vertical markers at the day they entered Do (or were submitted, if they never
did), numbered so that the list under the chart names them. The table on the page holds
the same data in words and figures.
"""

from __future__ import annotations

import datetime as dt
import math
from collections.abc import Sequence
from dataclasses import dataclass
from decimal import Decimal

from cxlean.metrics.models import Kind, Metric
from cxlean.metrics.reports import Period, Result

WIDTH, HEIGHT = 720, 300
LEFT, RIGHT, TOP, BOTTOM = 64, 18, 40, 50
PLOT_WIDTH, PLOT_HEIGHT = WIDTH - LEFT - RIGHT, HEIGHT - TOP - BOTTOM

# Where the axis goes when there is nothing to draw, and the bounds it never passes.
DEFAULT_RANGE: dict[str, tuple[int, int]] = {
    Kind.NPS: (-20, 60),
    Kind.CSAT: (50, 100),
    Kind.CHURN: (0, 10),
    Kind.CLV: (0, 10_000),
}
BOUNDS: dict[str, tuple[int, int | None]] = {
    Kind.NPS: (-100, 100),
    Kind.CSAT: (0, 100),
    Kind.CHURN: (0, 100),
    Kind.CLV: (0, None),
}


@dataclass(frozen=True)
class Point:
    x: float
    y: float
    value: Decimal
    period: str
    small_sample: bool
    anchor: str = ""  # the id of the period's row in the table of figures: the point links there


@dataclass(frozen=True)
class Tick:
    y: float
    label: str


@dataclass(frozen=True)
class XLabel:
    x: float
    label: str


@dataclass(frozen=True)
class Marker:
    number: int
    x: float
    title: str
    day: dt.date
    url: str
    row: int = 0  # badges of improvements close in time are stacked, not drawn on each other

    @property
    def badge_y(self) -> int:
        return TOP - 18 + self.row * BADGE_GAP


@dataclass(frozen=True)
class Chart:
    width: int
    height: int
    left: int
    top: int
    right_line: int
    bottom_line: int
    points: list[Point]
    lines: list[str]  # polyline points, one per unbroken run of figures
    target_path: str  # an SVG path, "" without a target
    y_ticks: list[Tick]
    x_labels: list[XLabel]
    markers: list[Marker]

    @property
    def empty(self) -> bool:
        return not self.points


@dataclass(frozen=True)
class Improvement:
    """An improvement to mark: its number on the chart, title, day and address."""

    title: str
    day: dt.date
    url: str


def nice_step(span: float, ticks: int = 5) -> float:
    raw = span / max(ticks, 1)
    magnitude = 10 ** math.floor(math.log10(raw)) if raw > 0 else 1
    for factor in (1, 2, 2.5, 5, 10):
        if raw <= factor * magnitude:
            return factor * magnitude
    return 10 * magnitude


def y_range(metric: Metric, values: list[float]) -> tuple[float, float, float]:
    """(low, high, step) of the y axis: the figures and targets with some room, on
    round numbers, within the metric's natural bounds."""
    low_bound: int | None
    high_bound: int | None
    if metric.kind == Kind.CES:
        low_bound, high_bound = metric.scale_min or 1, metric.scale_max or 7
        default = (low_bound, high_bound)
    else:
        low_bound, high_bound = BOUNDS.get(metric.kind, (None, None))
        default = DEFAULT_RANGE.get(metric.kind, (0, 100))
    low, high = (min(values), max(values)) if values else default
    pad = max((high - low) * 0.15, abs(high) * 0.05, 0.5 if metric.kind == Kind.CES else 2)
    low, high = low - pad, high + pad
    if low_bound is not None:
        low = max(low, low_bound)
    if high_bound is not None:
        high = min(high, high_bound)
    step = nice_step(high - low)
    low, high = math.floor(low / step) * step, math.ceil(high / step) * step
    return low, high, step


def number(value: float) -> str:
    text = f"{value:.2f}".rstrip("0").rstrip(".")
    return text.replace("-", "−")


def build_chart(
    metric: Metric,
    results: Sequence[Result],
    periods: Sequence[Period],
    improvements: Sequence[Improvement] = (),
) -> Chart:
    """`results` of one unit, one per period of `periods` (oldest first)."""
    slot = PLOT_WIDTH / max(len(periods), 1)
    values = [float(r.value) for r in results if r.value is not None]
    values += [float(r.target) for r in results if r.target is not None]
    low, high, step = y_range(metric, values)

    def y_of(value: float) -> float:
        return round(TOP + PLOT_HEIGHT * (high - value) / (high - low or 1), 1)

    def x_of(index: float) -> float:
        return round(LEFT + slot * index, 1)

    points: list = []
    lines: list = []
    run: list = []
    for index, result in enumerate(results):
        if result.value is None:
            if run:
                lines.append(" ".join(run))
            run = []
            continue
        point = Point(
            x_of(index + 0.5),
            y_of(float(result.value)),
            result.value,
            result.period.label,
            result.small_sample,
            period_anchor(result.period),
        )
        points.append(point)
        run.append(f"{point.x},{point.y}")
    if run:
        lines.append(" ".join(run))

    ticks, tick = [], low
    while tick <= high + step / 1000:
        ticks.append(Tick(y_of(tick), number(tick)))
        tick += step
    every = 1 if len(periods) <= 4 else 2 if len(periods) <= 8 else 3
    x_labels = [
        XLabel(x_of(index + 0.5), period.label)
        for index, period in enumerate(periods)
        if (len(periods) - 1 - index) % every == 0
    ]
    return Chart(
        width=WIDTH,
        height=HEIGHT,
        left=LEFT,
        top=TOP,
        right_line=LEFT + PLOT_WIDTH,
        bottom_line=TOP + PLOT_HEIGHT,
        points=points,
        lines=lines,
        target_path=target_path(results, x_of, y_of),
        y_ticks=ticks,
        x_labels=x_labels,
        markers=markers(improvements, periods, x_of),
    )


def period_anchor(period: Period) -> str:
    """The id of a period's row in the trend page's table ("figure-2026-11")."""
    return f"figure-{period.start:%Y-%m}"


def target_path(results: Sequence[Result], x_of, y_of) -> str:
    """A stepped line: flat across each period's slot, up or down where it changes."""
    parts, previous = [], None
    for index, result in enumerate(results):
        if result.target is None:
            previous = None
            continue
        y = y_of(float(result.target))
        if previous is None:
            parts.append(f"M{x_of(index)} {y}")
        elif previous != y:
            parts.append(f"V{y}")
        parts.append(f"H{x_of(index + 1)}")
        previous = y
    return " ".join(parts)


BADGE_GAP = 32  # px between the centres of two badges on one row (each is 30 px wide)


def markers(improvements: Sequence[Improvement], periods: Sequence[Period], x_of) -> list:
    """Numbered in date order; only those whose day falls within the periods shown."""
    placed = []
    for improvement in sorted(improvements, key=lambda item: (item.day, item.title)):
        for index, period in enumerate(periods):
            if period.contains(improvement.day):
                days = (period.end - period.start).days + 1
                offset = (improvement.day - period.start).days / days
                placed.append((x_of(index + offset), improvement))
                break
    marks: list = []
    row_ends: list[float] = []  # row_ends[r]: the x of the last badge on badge row r
    for number, (x, improvement) in enumerate(placed, 1):
        row = next((r for r, end in enumerate(row_ends) if x - end >= BADGE_GAP), len(row_ends))
        if row == len(row_ends):
            row_ends.append(x)
        row_ends[row] = x
        marks.append(Marker(number, x, improvement.title, improvement.day, improvement.url, row))
    return marks
