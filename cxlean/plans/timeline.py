"""The geometry of a plan's timeline (a Gantt chart drawn as inline SVG).

Plain Python on purpose: `layout()` turns dates into x/y/width in pixels and the
template only draws what it gets, so every position can be unit-tested without a
browser. Days are whole cells: an activity from Monday to Friday covers five cells,
and "today" is the middle of today's cell.

The chart covers the plan's dates, widened to take in any activity that starts before
or ends after them (by at most MAX_WIDENING_DAYS on each side: an activity further out,
from before activities had to lie within their plan, is cut at the chart's edge); the
plan's own period is drawn as a band so such activities stand out.

Any span from date.min to date.max can be drawn: the chart is at most MAX_CHART_WIDTH
wide, and its header has at most MAX_MONTH_COLUMNS months, or years (several to a
column when there are many) for longer spans, so the work does not grow with the span.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field

from django.utils.text import Truncator

# Sizes in px. The label column holds activity titles; the chart area is at least
# CHART_WIDTH wide and grows with long plans (the page scrolls it sideways).
LABEL_WIDTH = 190
CHART_WIDTH = 860
MIN_DAY_WIDTH = 2.0
HEADER_HEIGHT = 40
ROW_HEIGHT = 26
BAR_HEIGHT = 14
PHASE_BAR_HEIGHT = 6
BOTTOM_PADDING = 8
RIGHT_PADDING = 24  # room for the status symbol after a bar that ends on the last day
ARROW_GAP = 6  # how far an arrow leaves a bar before turning
LABEL_CHARS = 27
MIN_MONTH_LABEL_WIDTH = 32  # "Sep" in 12 px bold, with its offset
MIN_YEAR_LABEL_WIDTH = 60  # "Sep 2026"
MIN_WEEK_SPACING = 22
MAX_CHART_WIDTH = 8000  # beyond this, days get narrower than MIN_DAY_WIDTH
MAX_WIDENING_DAYS = 366
MAX_MONTH_COLUMNS = 120  # ten years of months; longer spans are drawn in years
MAX_YEAR_COLUMNS = 100

# A symbol per status, so the chart does not rely on colour (same as the badges' CSS).
STATUS_SYMBOLS = {"planned": "○", "in_progress": "◐", "done": "✓", "blocked": "⊘", "cancelled": "✕"}
LATE_SYMBOL = "⚠\ufe0e"


@dataclass(frozen=True)
class Scale:
    """Maps days to x: day cells of `day_width` px from `first` to `last`, after the
    label column."""

    first: dt.date
    last: dt.date
    day_width: float

    @property
    def days(self) -> int:
        return (self.last - self.first).days + 1

    @property
    def chart_width(self) -> float:
        return self.days * self.day_width

    def x(self, day: dt.date) -> float:
        """Left edge of a day's cell."""
        return LABEL_WIDTH + (day - self.first).days * self.day_width

    def x_after(self, day: dt.date) -> float:
        """Right edge of a day's cell (where something due that day ends)."""
        return self.x(day) + self.day_width


@dataclass(frozen=True)
class MonthSpan:
    """The part of a month inside the chart; `x` is where its grid line goes. On long
    charts a column is `years` whole years instead (labelled with its first year)."""

    first_day: dt.date
    x: float
    width: float
    show_label: bool
    show_year: bool
    years: int = 0


@dataclass(frozen=True)
class WeekTick:
    day: dt.date
    x: float


@dataclass(frozen=True)
class Bar:
    """One activity's row: its label on the left and its bar in the chart."""

    activity: object
    row: int
    y: float  # top of the row
    x: float
    width: float
    status: str
    late: bool
    outside_plan: bool
    label: str

    height: float = BAR_HEIGHT

    @property
    def bar_y(self) -> float:
        return self.y + (ROW_HEIGHT - BAR_HEIGHT) / 2

    @property
    def row_height(self) -> float:
        return ROW_HEIGHT

    @property
    def middle_y(self) -> float:
        return self.y + ROW_HEIGHT / 2

    @property
    def end_x(self) -> float:
        return self.x + self.width

    @property
    def symbol(self) -> str:
        return STATUS_SYMBOLS.get(self.status, "") + (LATE_SYMBOL if self.late else "")

    @property
    def text_y(self) -> float:
        return self.middle_y + 4  # baseline that centres 12 px text on the row


@dataclass(frozen=True)
class PhaseRow:
    """A phase's heading row, with a thin bar over the span of its activities."""

    title: str
    row: int
    y: float
    x: float | None = None
    width: float = 0
    bar_height: float = PHASE_BAR_HEIGHT
    height: float = ROW_HEIGHT

    @property
    def bar_y(self) -> float:
        return self.y + ROW_HEIGHT - PHASE_BAR_HEIGHT - 3

    @property
    def text_y(self) -> float:
        return self.y + ROW_HEIGHT / 2 + 2


@dataclass(frozen=True)
class Arrow:
    """A finish-to-start dependency: from the end of the predecessor's bar to the start
    of the successor's, as a path of straight segments."""

    predecessor: Bar
    successor: Bar
    points: tuple[tuple[float, float], ...]

    @property
    def start(self) -> tuple[float, float]:
        return self.points[0]

    @property
    def end(self) -> tuple[float, float]:
        return self.points[-1]

    @property
    def d(self) -> str:
        first, *rest = self.points
        return f"M{svg_number(first[0])} {svg_number(first[1])}" + "".join(
            f" L{svg_number(x)} {svg_number(y)}" for x, y in rest
        )


@dataclass
class Timeline:
    scale: Scale
    plan_x: float
    plan_width: float
    months: list[MonthSpan]
    weeks: list[WeekTick]
    phases: list[PhaseRow]
    bars: list[Bar]
    arrows: list[Arrow]
    today: dt.date
    today_x: float | None
    rows: list[PhaseRow | Bar] = field(default_factory=list)

    @property
    def width(self) -> float:
        return LABEL_WIDTH + self.scale.chart_width + RIGHT_PADDING

    @property
    def height(self) -> float:
        return HEADER_HEIGHT + len(self.rows) * ROW_HEIGHT + BOTTOM_PADDING

    @property
    def chart_x(self) -> float:
        return LABEL_WIDTH

    @property
    def chart_right(self) -> float:
        return LABEL_WIDTH + self.scale.chart_width

    @property
    def grid_top(self) -> float:
        return HEADER_HEIGHT

    @property
    def grid_bottom(self) -> float:
        return self.height - BOTTOM_PADDING

    @property
    def grid_height(self) -> float:
        return self.grid_bottom - self.grid_top

    @property
    def month_label_y(self) -> float:
        return 16

    @property
    def week_label_y(self) -> float:
        return HEADER_HEIGHT - 6

    @property
    def first_day(self) -> dt.date:
        return self.scale.first

    @property
    def last_day(self) -> dt.date:
        return self.scale.last


def layout(
    *,
    start: dt.date,
    end: dt.date,
    phases: Sequence[tuple[str, Sequence]],
    predecessors: Mapping[int, Iterable[int]],
    today: dt.date,
) -> Timeline:
    """Place a plan on the chart.

    `phases` is [(title, activities)] in display order; an activity needs `pk`, `title`,
    `start_date`, `due_date`, `status` and `is_late_on(day)`. `predecessors` maps an
    activity's pk to the pks it depends on; a dependency on an activity not in the
    chart is left out.
    """
    activities = [activity for _title, group in phases for activity in group]
    scale = scale_for(start, end, activities)
    rows: list[PhaseRow | Bar] = []
    bars_by_pk: dict[int, Bar] = {}
    phase_rows: list[PhaseRow] = []
    for title, group in phases:
        phase_row = phase_row_for(title, len(rows), group, scale)
        rows.append(phase_row)
        phase_rows.append(phase_row)
        for activity in group:
            bar = bar_for(activity, len(rows), scale, start, end, today)
            rows.append(bar)
            bars_by_pk[activity.pk] = bar
    return Timeline(
        scale=scale,
        plan_x=scale.x(start),
        plan_width=scale.x_after(end) - scale.x(start),
        months=month_spans(scale),
        weeks=week_ticks(scale),
        phases=phase_rows,
        bars=[row for row in rows if isinstance(row, Bar)],
        arrows=arrows_for(bars_by_pk, predecessors),
        today=today,
        today_x=today_x(scale, today),
        rows=rows,
    )


def scale_for(start: dt.date, end: dt.date, activities: Sequence) -> Scale:
    first = min([start, *(a.start_date for a in activities)])
    last = max([end, *(a.due_date for a in activities)])
    first = max(first, shifted(start, -MAX_WIDENING_DAYS) or dt.date.min)
    last = min(last, shifted(end, MAX_WIDENING_DAYS) or dt.date.max)
    days = (last - first).days + 1
    day_width = min(max(CHART_WIDTH / days, MIN_DAY_WIDTH), MAX_CHART_WIDTH / days)
    return Scale(first=first, last=last, day_width=max(day_width, 0.0))


def within(scale: Scale, day: dt.date) -> dt.date:
    """The day, or the chart's edge for a day beyond it."""
    return min(max(day, scale.first), scale.last)


def shifted(day: dt.date, days: int) -> dt.date | None:
    """`day` moved by `days`, or None past the calendar's ends (year 1 and 9999)."""
    try:
        return day + dt.timedelta(days=days)
    except OverflowError:
        return None


def row_y(row: int) -> float:
    return HEADER_HEIGHT + row * ROW_HEIGHT


def bar_for(activity, row: int, scale: Scale, start: dt.date, end: dt.date, today: dt.date) -> Bar:
    x = scale.x(within(scale, activity.start_date))
    return Bar(
        activity=activity,
        row=row,
        y=row_y(row),
        x=x,
        width=scale.x_after(within(scale, activity.due_date)) - x,
        status=activity.status,
        late=activity.is_late_on(today),
        outside_plan=activity.start_date < start or activity.due_date > end,
        label=Truncator(activity.title).chars(LABEL_CHARS),
    )


def phase_row_for(title: str, row: int, activities: Sequence, scale: Scale) -> PhaseRow:
    label = Truncator(title).chars(LABEL_CHARS)
    if not activities:
        return PhaseRow(title=label, row=row, y=row_y(row))
    x = scale.x(within(scale, min(a.start_date for a in activities)))
    width = scale.x_after(within(scale, max(a.due_date for a in activities))) - x
    return PhaseRow(title=label, row=row, y=row_y(row), x=x, width=width)


def month_spans(scale: Scale) -> list[MonthSpan]:
    """Each month the chart touches, clipped to the chart. A month is labelled when its
    visible part is wide enough for the label; the first label and January's carry the
    year (the year waits for the next month when the first is too narrow for it).
    Charts over MAX_MONTH_COLUMNS months get year columns instead (`year_spans`)."""
    first_index, last_index = month_index(scale.first), month_index(scale.last)
    if last_index - first_index + 1 > MAX_MONTH_COLUMNS:
        return year_spans(scale)
    spans: list[MonthSpan] = []
    year_pending = True
    for index in range(first_index, last_index + 1):
        month = month_of(index)
        assert month is not None  # a month inside the chart, so inside the calendar
        x, width = column_geometry(scale, month, month_of(index + 1))
        show_year = (year_pending or month.month == 1) and width >= MIN_YEAR_LABEL_WIDTH
        year_pending = year_pending and not show_year
        spans.append(
            MonthSpan(
                first_day=month,
                x=x,
                width=width,
                show_label=width >= MIN_MONTH_LABEL_WIDTH,
                show_year=show_year,
            )
        )
    return spans


def year_spans(scale: Scale) -> list[MonthSpan]:
    """Columns of whole years (1, 2, 5, 10 … years each, at most MAX_YEAR_COLUMNS of
    them), starting on a multiple of the step, clipped to the chart."""
    years = scale.last.year - scale.first.year + 1
    step = next(n for n in YEAR_STEPS if years / n <= MAX_YEAR_COLUMNS)
    spans = []
    for year in range(scale.first.year - scale.first.year % step, scale.last.year + 1, step):
        column = dt.date(max(year, 1), 1, 1)
        following = dt.date(year + step, 1, 1) if year + step <= dt.MAXYEAR else None
        x, width = column_geometry(scale, column, following)
        spans.append(
            MonthSpan(
                first_day=column,
                x=x,
                width=width,
                show_label=width >= MIN_MONTH_LABEL_WIDTH,
                show_year=True,
                years=step,
            )
        )
    return spans


YEAR_STEPS = (1, 2, 5, 10, 20, 50, 100, 200, 500, 1000, 10000)


def column_geometry(scale: Scale, first: dt.date, following: dt.date | None) -> tuple[float, float]:
    """x and width of the part of [first, following) inside the chart; `following` is
    None after the calendar's last day."""
    x = scale.x(max(first, scale.first))
    if following is None or following > scale.last:
        return x, scale.x_after(scale.last) - x
    return x, scale.x(following) - x


def month_index(day: dt.date) -> int:
    return day.year * 12 + day.month - 1


def month_of(index: int) -> dt.date | None:
    """The first day of the month `index` counts from year 0, None past year 9999."""
    year, month = divmod(index, 12)
    return dt.date(year, month + 1, 1) if dt.MINYEAR <= year <= dt.MAXYEAR else None


def week_ticks(scale: Scale) -> list[WeekTick]:
    """Mondays, when weeks are wide enough to label; month lines suffice otherwise."""
    if scale.day_width * 7 < MIN_WEEK_SPACING:
        return []
    monday = shifted(scale.first, -scale.first.weekday() % 7)
    ticks = []
    while monday is not None and monday <= scale.last:
        ticks.append(WeekTick(day=monday, x=scale.x(monday)))
        monday = shifted(monday, 7)
    return ticks


def today_x(scale: Scale, today: dt.date) -> float | None:
    if not scale.first <= today <= scale.last:
        return None
    return scale.x(today) + scale.day_width / 2


def arrows_for(bars: dict[int, Bar], predecessors: Mapping[int, Iterable[int]]) -> list[Arrow]:
    arrows = []
    for successor_pk, predecessor_pks in predecessors.items():
        successor = bars.get(successor_pk)
        for predecessor_pk in predecessor_pks:
            predecessor = bars.get(predecessor_pk)
            if successor and predecessor:
                arrows.append(Arrow(predecessor, successor, arrow_points(predecessor, successor)))
    return arrows


def arrow_points(predecessor: Bar, successor: Bar) -> tuple[tuple[float, float], ...]:
    """Leave the predecessor to the right, go down (or up) to the successor's row, enter
    its bar from the left. When the successor starts too close to (or before) the
    predecessor's end, the path turns back along the edge between their rows."""
    x1, y1 = predecessor.end_x, predecessor.middle_y
    x2, y2 = successor.x, successor.middle_y
    if x2 - x1 >= 2 * ARROW_GAP:
        return (x1, y1), (x1 + ARROW_GAP, y1), (x1 + ARROW_GAP, y2), (x2, y2)
    between = successor.y if successor.y > predecessor.y else successor.y + ROW_HEIGHT
    return (
        (x1, y1),
        (x1 + ARROW_GAP, y1),
        (x1 + ARROW_GAP, between),
        (x2 - ARROW_GAP, between),
        (x2 - ARROW_GAP, y2),
        (x2, y2),
    )


def timeline_for(plan, phases: Sequence, today: dt.date) -> Timeline:
    """The timeline of a plan from phases fetched by `Plan.phases_with_activities()`
    (every activity and predecessor already in memory: no query here)."""
    groups = [(phase.title, list(phase.activities.all())) for phase in phases]
    predecessors = {
        activity.pk: [p.pk for p in activity.depends_on.all()]
        for _title, activities in groups
        for activity in activities
    }
    return layout(
        start=plan.start_date,
        end=plan.end_date,
        phases=groups,
        predecessors=predecessors,
        today=today,
    )


def svg_number(value: float) -> str:
    """Compact SVG numbers: 12, 12.5, 12.33."""
    return f"{value:.2f}".rstrip("0").rstrip(".")
