"""The timeline's geometry (cxlean.plans.timeline), tested without a browser."""

import datetime as dt
import re

import pytest
from django.urls import reverse
from hypothesis import given, settings
from hypothesis import strategies as st

from cxlean.plans.models import Activity
from cxlean.plans.timeline import (
    ARROW_GAP,
    BAR_HEIGHT,
    CHART_WIDTH,
    HEADER_HEIGHT,
    LABEL_WIDTH,
    MAX_CHART_WIDTH,
    MAX_MONTH_COLUMNS,
    MAX_WIDENING_DAYS,
    MIN_DAY_WIDTH,
    ROW_HEIGHT,
    layout,
    timeline_for,
)
from tests.factories import ActivityFactory, PhaseFactory
from tests.plans.conftest import days

JAN_1 = dt.date(2027, 1, 1)


def activity(
    pk: int, start: dt.date, due: dt.date, status: str = "planned", title: str = ""
) -> Activity:
    return Activity(
        pk=pk, title=title or f"Activity {pk}", start_date=start, due_date=due, status=status
    )


def on(day: int, month: int = 1) -> dt.date:
    return dt.date(2027, month, day)


def plan_of_100_days(*groups, predecessors=None, today=None):
    """A plan from 1 January over 100 days: 8.6 px a day; today is 15 January."""
    return layout(
        start=JAN_1,
        end=JAN_1 + dt.timedelta(days=99),
        phases=list(groups),
        predecessors=predecessors or {},
        today=today or on(15),
    )


def test_bars_start_at_their_first_day_and_cover_every_day_up_to_the_due_date():
    timeline = plan_of_100_days(("Phase", [activity(1, on(1), on(1)), activity(2, on(11), on(20))]))
    day = CHART_WIDTH / 100
    first, second = timeline.bars
    assert timeline.scale.day_width == pytest.approx(day)
    assert first.x == LABEL_WIDTH
    assert first.width == pytest.approx(day)
    assert second.x == pytest.approx(LABEL_WIDTH + 10 * day)
    assert second.width == pytest.approx(10 * day)
    assert timeline.chart_right == pytest.approx(LABEL_WIDTH + CHART_WIDTH)


def test_rows_follow_phases_each_with_a_heading_row():
    timeline = plan_of_100_days(
        ("One", [activity(1, on(1), on(5))]),
        ("Two", [activity(2, on(6), on(9)), activity(3, on(6), on(9))]),
    )
    assert [phase.row for phase in timeline.phases] == [0, 2]
    assert [bar.row for bar in timeline.bars] == [1, 3, 4]
    bar = timeline.bars[2]
    assert bar.y == HEADER_HEIGHT + 4 * ROW_HEIGHT
    assert bar.bar_y == bar.y + (ROW_HEIGHT - BAR_HEIGHT) / 2
    assert timeline.height == HEADER_HEIGHT + 5 * ROW_HEIGHT + 8


def test_a_phase_bar_spans_its_activities_and_an_empty_phase_has_none():
    timeline = plan_of_100_days(
        ("One", [activity(1, on(3), on(5)), activity(2, on(10), on(12))]), ("Empty", [])
    )
    one, empty = timeline.phases
    assert one.x == timeline.bars[0].x
    assert one.x + one.width == pytest.approx(timeline.bars[1].end_x)
    assert empty.x is None


def test_dependency_arrow_runs_from_the_predecessors_end_to_the_successors_start():
    before, after = activity(1, on(1), on(5)), activity(2, on(20), on(25))
    timeline = plan_of_100_days(("Phase", [before, after]), predecessors={2: [1]})
    [arrow] = timeline.arrows
    first, second = timeline.bars
    assert arrow.start == (first.end_x, first.middle_y)
    assert arrow.end == (second.x, second.middle_y)
    assert len(arrow.points) == 4  # out, down, in: room enough between the bars
    assert arrow.d.startswith("M") and arrow.d.count("L") == 3


def test_arrow_to_a_successor_starting_right_away_turns_back_between_the_rows():
    before, after = activity(1, on(1), on(5)), activity(2, on(6), on(9))
    timeline = plan_of_100_days(("Phase", [before, after]), predecessors={2: [1]})
    [arrow] = timeline.arrows
    first, second = timeline.bars
    assert second.x - first.end_x < 2 * ARROW_GAP
    assert arrow.start == (first.end_x, first.middle_y)
    assert arrow.end == (second.x, second.middle_y)
    assert len(arrow.points) == 6
    turn_y = arrow.points[2][1]
    assert turn_y == second.y  # along the edge between the two rows, not across a bar


def test_dependencies_on_activities_outside_the_chart_are_left_out():
    timeline = plan_of_100_days(("Phase", [activity(1, on(1), on(5))]), predecessors={1: [999]})
    assert timeline.arrows == []


def test_today_line_is_in_the_middle_of_todays_cell():
    timeline = plan_of_100_days(("Phase", [activity(1, on(1), on(5))]), today=on(11))
    day = timeline.scale.day_width
    assert timeline.today_x == pytest.approx(LABEL_WIDTH + 10.5 * day)


def test_no_today_line_when_today_is_outside_the_chart():
    timeline = plan_of_100_days(("Phase", [activity(1, on(1), on(5))]), today=dt.date(2030, 1, 1))
    assert timeline.today_x is None


def test_a_narrow_first_month_gets_its_label_only_when_it_fits():
    timeline = layout(
        start=on(31), end=on(31, 12), phases=[("Phase", [])], predecessors={}, today=on(31)
    )
    january, february = timeline.months[:2]
    assert not january.show_label  # a single day of a year-long chart
    assert february.show_label and february.show_year


def test_a_plan_of_one_day_fills_the_chart():
    timeline = layout(
        start=JAN_1,
        end=JAN_1,
        phases=[("Phase", [activity(1, JAN_1, JAN_1)])],
        predecessors={},
        today=JAN_1,
    )
    [bar] = timeline.bars
    assert timeline.scale.days == 1
    assert bar.x == LABEL_WIDTH
    assert bar.width == pytest.approx(CHART_WIDTH)
    assert timeline.today_x == pytest.approx(LABEL_WIDTH + CHART_WIDTH / 2)
    [month] = timeline.months
    assert month.show_label and month.show_year


def test_activities_outside_the_plans_dates_widen_the_chart_and_are_marked():
    early, inside = activity(1, on(22, 12).replace(year=2026), on(3)), activity(2, on(5), on(9))
    timeline = layout(
        start=JAN_1, end=on(31), phases=[("Phase", [early, inside])], predecessors={}, today=on(2)
    )
    first, second = timeline.bars
    assert timeline.first_day == dt.date(2026, 12, 22)
    assert first.x == LABEL_WIDTH  # nothing is cut off
    assert first.outside_plan and not second.outside_plan
    assert timeline.plan_x == pytest.approx(LABEL_WIDTH + 10 * timeline.scale.day_width)
    assert timeline.plan_width == pytest.approx(31 * timeline.scale.day_width)


def test_long_plans_get_a_minimum_day_width_and_a_wider_chart():
    start = dt.date(2027, 1, 1)
    end = dt.date(2031, 12, 31)
    timeline = layout(
        start=start,
        end=end,
        phases=[("Phase", [activity(1, start, end)])],
        predecessors={},
        today=start,
    )
    assert timeline.scale.day_width == MIN_DAY_WIDTH
    assert timeline.width > LABEL_WIDTH + CHART_WIDTH


def test_months_are_clipped_to_the_chart_and_labelled_when_there_is_room():
    timeline = layout(
        start=on(29), end=on(31, 3), phases=[("Phase", [])], predecessors={}, today=on(29)
    )
    january, february, march = timeline.months
    assert january.x == LABEL_WIDTH
    assert january.width == pytest.approx(3 * timeline.scale.day_width)
    assert february.x == pytest.approx(LABEL_WIDTH + 3 * timeline.scale.day_width)
    assert january.show_label and not january.show_year  # "Jan" fits, "Jan 2027" does not
    assert february.show_label and february.show_year  # so February carries the year
    assert march.show_label and not march.show_year


def test_week_ticks_fall_on_mondays_for_short_plans_only():
    short = layout(start=on(1), end=on(31), phases=[("Phase", [])], predecessors={}, today=on(1))
    assert short.weeks and all(tick.day.weekday() == 0 for tick in short.weeks)
    assert short.weeks[0].day == on(4)  # the first Monday of January 2027
    long = layout(start=on(1), end=on(31, 12), phases=[("Phase", [])], predecessors={}, today=on(1))
    assert long.weeks == []


def test_late_and_status_give_the_bar_a_symbol_as_well_as_a_colour():
    late = activity(1, on(1), on(5), status="in_progress")
    done = activity(2, on(1), on(5), status="done")
    timeline = plan_of_100_days(("Phase", [late, done]), today=on(20))
    late_bar, done_bar = timeline.bars
    assert late_bar.late and late_bar.symbol.startswith("◐") and "⚠" in late_bar.symbol
    assert not done_bar.late and done_bar.symbol == "✓"


def test_long_titles_are_shortened_in_the_label_column_only():
    long_title = "Hold a workshop with every team that touches the customer journey"
    timeline = plan_of_100_days(("Phase", [activity(1, on(1), on(5), title=long_title)]))
    [bar] = timeline.bars
    assert bar.label.endswith("…") and len(bar.label) < len(long_title)
    assert bar.activity.title == long_title


def test_timeline_for_a_plan_reads_prefetched_rows_without_queries(
    service_plan, django_assert_num_queries
):
    phase = PhaseFactory(plan=service_plan)
    first = ActivityFactory(phase=phase, start_date=days(-5), due_date=days(0))
    second = ActivityFactory(phase=phase, start_date=days(1), due_date=days(9))
    second.depends_on.add(first)
    phases = list(service_plan.phases_with_activities())
    with django_assert_num_queries(0):
        timeline = timeline_for(service_plan, phases, days(0))
    assert [bar.activity for bar in timeline.bars] == [first, second]
    [arrow] = timeline.arrows
    assert arrow.predecessor.activity == first and arrow.successor.activity == second


def test_detail_page_draws_an_accessible_svg(alices_activity, other_activity, bob, as_user):
    plan = alices_activity.phase.plan
    html = as_user(bob).get(reverse("plans:detail", args=[plan.pk]), language="en").content.decode()
    assert '<svg class="timeline"' in html
    # A group, not an image: its bars are links a screen reader can reach.
    assert 'role="group"' in html and 'aria-labelledby="timeline-title timeline-desc"' in html
    assert '<title id="timeline-title">' in html and '<desc id="timeline-desc">' in html
    assert "<title>Interview customers —" in html  # every bar has a tooltip
    assert 'class="arrow"' in html
    assert 'class="today-line"' in html
    assert "Timeline as text" in html


def test_svg_numbers_use_a_dot_even_in_swedish(alices_activity, bob, as_user):
    plan = alices_activity.phase.plan
    html = as_user(bob).get(reverse("plans:detail", args=[plan.pk])).content.decode()
    start = html.index('<svg class="timeline"')
    svg = html[start : html.index("</svg>", start)]
    coordinates = re.findall(r' (?:x|y|width|height|x1|x2)="([^"]*)"', svg)
    assert coordinates and all("," not in value for value in coordinates)


# --- any span, drawn in bounded time ------------------------------------------------------


@st.composite
def spans(draw) -> tuple[dt.date, dt.date]:
    first, second = draw(st.dates()), draw(st.dates())
    return min(first, second), max(first, second)


@settings(max_examples=80, deadline=None)
@given(plan=spans(), activity_spans=st.lists(spans(), max_size=4), today=st.dates())
def test_any_span_is_drawn_with_a_bounded_number_of_columns(plan, activity_spans, today):
    start, end = plan
    activities = [activity(pk, first, last) for pk, (first, last) in enumerate(activity_spans, 1)]
    predecessors = {pk: [pk - 1] for pk in range(2, len(activities) + 1)}
    timeline = layout(
        start=start,
        end=end,
        phases=[("Phase", activities)],
        predecessors=predecessors,
        today=today,
    )
    assert 1 <= len(timeline.months) <= MAX_MONTH_COLUMNS + 2
    assert len(timeline.weeks) <= 60
    assert timeline.scale.chart_width <= MAX_CHART_WIDTH + 1e-6
    assert timeline.first_day <= start <= end <= timeline.last_day
    left, right = timeline.chart_x, timeline.chart_right + 1e-6
    for bar in timeline.bars:
        assert left <= bar.x <= bar.end_x <= right
    for column in timeline.months:
        assert left <= column.x and column.width >= 0 and column.x + column.width <= right
    assert left <= timeline.plan_x and timeline.plan_x + timeline.plan_width <= right


def test_a_plan_to_the_year_9999_gets_columns_of_years():
    timeline = layout(
        start=dt.date(2026, 1, 1),
        end=dt.date(9999, 12, 31),
        phases=[("Phase", [activity(1, dt.date(2026, 1, 1), dt.date(2026, 3, 1))])],
        predecessors={},
        today=dt.date(2026, 1, 1),
    )
    assert all(column.years == 100 for column in timeline.months)
    assert timeline.months[0].first_day == dt.date(2000, 1, 1)
    assert timeline.months[-1].first_day == dt.date(9900, 1, 1)
    assert timeline.scale.chart_width == pytest.approx(MAX_CHART_WIDTH)


def test_an_activity_far_outside_its_plan_is_cut_at_the_charts_edge():
    early = activity(1, dt.date(1990, 1, 1), dt.date(1990, 2, 1))
    timeline = layout(
        start=JAN_1, end=on(31, 12), phases=[("Phase", [early])], predecessors={}, today=JAN_1
    )
    [bar] = timeline.bars
    assert timeline.first_day == JAN_1 - dt.timedelta(days=MAX_WIDENING_DAYS)
    assert bar.outside_plan and bar.x == LABEL_WIDTH
    assert len(timeline.months) <= 26  # two years of months, not 38 years


def test_the_page_of_a_plan_to_the_year_9999_opens(service_plan, alices_activity, bob, as_user):
    type(service_plan).objects.filter(pk=service_plan.pk).update(end_date=dt.date(9999, 12, 31))
    response = as_user(bob).get(reverse("plans:detail", args=[service_plan.pk]))
    assert response.status_code == 200
    assert "9900" in response.content.decode()
