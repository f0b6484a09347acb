"""Figures per unit, metric and period (cxlean/metrics/reports.py): periods, the roll-up
of answers along the tree and from months into quarters, entered figures, targets and
trends, in a constant number of queries."""

import datetime as dt
from decimal import Decimal

import pytest
from django.utils import translation

from cxlean.metrics.models import PeriodKind
from cxlean.metrics.reports import (
    Period,
    latest_vs_target,
    moved_since,
    periods_back,
    results,
    shared_answer_counts,
    target_for,
)
from cxlean.org.models import Unit
from tests.factories import UnitFactory
from tests.metrics.conftest import answers
from tests.metrics.factories import MeasurementFactory, TargetFactory

MONTH, QUARTER = PeriodKind.MONTH, PeriodKind.QUARTER
MARCH = Period(MONTH, dt.date(2026, 3, 1))
Q1 = Period(QUARTER, dt.date(2026, 1, 1))


def one(units, metric, period, **kwargs):
    [result] = results(Unit.objects.filter(pk__in=[u.pk for u in units]), [metric], [period])
    return result


def by_unit(rows) -> dict:
    return {row.unit.code: row for row in rows}


# --- periods -----------------------------------------------------------------------------


def test_a_period_knows_its_first_and_last_day():
    assert Period.of(MONTH, dt.date(2028, 2, 17)) == Period(MONTH, dt.date(2028, 2, 1))
    assert Period.of(MONTH, dt.date(2028, 2, 17)).end == dt.date(2028, 2, 29)
    assert Period.of(QUARTER, dt.date(2026, 11, 5)).start == dt.date(2026, 10, 1)
    assert Period.of(QUARTER, dt.date(2026, 11, 5)).end == dt.date(2026, 12, 31)


def test_period_labels():
    assert Period(MONTH, dt.date(2026, 11, 1)).label == "2026-11"
    with translation.override("en"):
        assert Period(QUARTER, dt.date(2026, 10, 1)).label == "2026 Q4"


def test_next_and_previous_cross_the_year():
    assert Period(MONTH, dt.date(2026, 12, 1)).next() == Period(MONTH, dt.date(2027, 1, 1))
    assert Period(QUARTER, dt.date(2026, 1, 1)).previous() == Period(QUARTER, dt.date(2025, 10, 1))


def test_periods_back_end_with_todays_period_oldest_first():
    assert [p.start for p in periods_back(MONTH, dt.date(2026, 1, 15), 3)] == [
        dt.date(2025, 11, 1),
        dt.date(2025, 12, 1),
        dt.date(2026, 1, 1),
    ]
    quarters = periods_back(QUARTER, dt.date(2026, 5, 31), 2)
    assert [p.start for p in quarters] == [dt.date(2026, 1, 1), dt.date(2026, 4, 1)]


# --- from answers ------------------------------------------------------------------------


def test_a_month_counts_its_answers(nps, service_unit):
    answers(nps, service_unit, dt.date(2026, 3, 2), 10, 9, 8, 3)
    answers(nps, service_unit, dt.date(2026, 4, 1), 0)  # the next month
    result = one([service_unit], nps, MARCH)
    assert (result.value, result.sample_size, result.source) == (Decimal("25.0"), 4, "answers")


def test_a_quarter_counts_the_raw_answers_of_its_months_not_their_average(nps, service_unit):
    answers(nps, service_unit, dt.date(2026, 1, 20), 10)  # January NPS +100
    answers(nps, service_unit, dt.date(2026, 2, 3), 0, 2, 5)  # February NPS −100
    units = Unit.objects.filter(pk=service_unit.pk)
    months = results(units, [nps], periods_back(MONTH, dt.date(2026, 3, 31), 3))
    assert [m.value for m in months] == [Decimal("100.0"), Decimal("-100.0"), None]
    quarter = one([service_unit], nps, Q1)
    # The average of the months would be 0; the quarter's four answers give (1 − 3) / 4.
    assert quarter.value == Decimal("-50.0")
    assert quarter.sample_size == 4


def test_a_unit_counts_its_sub_units_answers_among_the_units_given(
    csat, company, service_unit, service_team, sales_unit
):
    answers(csat, service_team, dt.date(2026, 3, 5), 5, 4)
    answers(csat, service_unit, dt.date(2026, 3, 5), 1, 2)
    answers(csat, sales_unit, dt.date(2026, 3, 5), 5)
    rows = by_unit(results(Unit.objects.all(), [csat], [MARCH]))
    assert rows["chat"].value == Decimal("100.0")
    assert rows["service"].value == Decimal("50.0")  # its own two and the team's two
    assert rows["company"].value == Decimal("60.0")  # all five
    assert rows["company"].sample_size == 5
    # A unit left out is not counted in its parent.
    only_service = one([service_unit], csat, MARCH)
    assert only_service.value == Decimal("0.0")


def test_a_unit_without_answers_has_no_figure(nps, service_unit):
    result = one([service_unit], nps, MARCH)
    assert (result.value, result.sample_size, result.source) == (None, None, "")
    assert result.small_sample is False
    assert result.meets_target is None


def test_a_small_sample_is_flagged_not_hidden(nps, service_unit):
    answers(nps, service_unit, dt.date(2026, 3, 5), 10, 10, 4)
    result = one([service_unit], nps, MARCH)
    assert result.value == Decimal("33.3")
    assert result.small_sample is True
    nps.small_sample = 3
    assert one([service_unit], nps, MARCH).small_sample is False


def test_a_touchpoint_narrows_to_its_answers(nps, service_unit, phone_queue, web_form):
    answers(nps, service_unit, dt.date(2026, 3, 5), 10, touchpoint=phone_queue)
    answers(nps, service_unit, dt.date(2026, 3, 5), 0, touchpoint=web_form)
    answers(nps, service_unit, dt.date(2026, 3, 5), 8)
    units = Unit.objects.filter(pk=service_unit.pk)
    assert results(units, [nps], [MARCH])[0].sample_size == 3
    [at_queue] = results(units, [nps], [MARCH], touchpoint=phone_queue)
    assert (at_queue.value, at_queue.sample_size) == (Decimal("100.0"), 1)


# --- entered figures ---------------------------------------------------------------------


def test_an_entered_figure_wins_over_the_answers_of_the_same_unit_and_period(nps, service_unit):
    answers(nps, service_unit, dt.date(2026, 3, 5), 10, 10)
    MeasurementFactory(metric=nps, unit=service_unit, value=12, sample_size=400)
    result = one([service_unit], nps, MARCH)
    assert (result.value, result.sample_size, result.source) == (Decimal(12), 400, "entered")
    assert result.small_sample is False


def test_entered_figures_are_not_rolled_up(nps, service_unit, service_team):
    MeasurementFactory(metric=nps, unit=service_team, value=12, sample_size=10)
    answers(nps, service_team, dt.date(2026, 3, 5), 10)
    rows = by_unit(results(Unit.objects.filter(code__in=["service", "chat"]), [nps], [MARCH]))
    assert rows["chat"].source == "entered"
    assert rows["chat"].small_sample is True  # 10 answers
    assert (rows["service"].value, rows["service"].source) == (Decimal("100.0"), "answers")


def test_an_entered_figure_counts_for_its_own_period_kind_only(metrics, company):
    churn = metrics["churn"]
    MeasurementFactory(
        metric=churn, unit=company, period_kind=QUARTER, period_start=Q1.start, value=4
    )
    assert one([company], churn, Q1).value == Decimal(4)
    assert one([company], churn, Period(MONTH, Q1.start)).value is None


def test_a_figure_for_a_touchpoint_is_not_the_units_figure(nps, service_unit, phone_queue):
    MeasurementFactory(metric=nps, unit=service_unit, touchpoint=phone_queue, value=5)
    assert one([service_unit], nps, MARCH).value is None
    units = Unit.objects.filter(pk=service_unit.pk)
    assert results(units, [nps], [MARCH], touchpoint=phone_queue)[0].value == Decimal(5)


# --- targets -----------------------------------------------------------------------------


def test_a_unit_without_a_target_follows_the_nearest_unit_above(
    nps, company, service_unit, service_team
):
    TargetFactory(metric=nps, unit=company, value=30, valid_from=dt.date(2025, 1, 1))
    TargetFactory(metric=nps, unit=service_unit, value=40, valid_from=dt.date(2026, 3, 15))
    february = Period(MONTH, dt.date(2026, 2, 1))
    assert target_for(service_team, nps, february) == Decimal(30)  # Kundservice's starts later
    assert target_for(service_team, nps, MARCH) == Decimal(40)  # valid before March ends
    assert target_for(company, nps, MARCH) == Decimal(30)


def test_the_latest_target_on_or_before_the_period_end_counts(nps, service_unit):
    TargetFactory(metric=nps, unit=service_unit, value=20, valid_from=dt.date(2025, 6, 1))
    TargetFactory(metric=nps, unit=service_unit, value=25, valid_from=dt.date(2026, 1, 1))
    TargetFactory(metric=nps, unit=service_unit, value=35, valid_from=dt.date(2026, 4, 1))
    assert target_for(service_unit, nps, MARCH) == Decimal(25)
    assert target_for(service_unit, nps, Period(MONTH, dt.date(2025, 12, 1))) == Decimal(20)
    assert target_for(service_unit, nps, Period(MONTH, dt.date(2025, 1, 1))) is None


def test_meets_target_respects_higher_is_better(metrics, nps, company):
    churn = metrics["churn"]
    TargetFactory(metric=churn, unit=company, value=5)
    TargetFactory(metric=nps, unit=company, value=30)
    MeasurementFactory(metric=churn, unit=company, value=Decimal("4.2"))
    MeasurementFactory(metric=nps, unit=company, value=Decimal("29.9"))
    assert one([company], churn, MARCH).meets_target is True  # lower is better
    assert one([company], nps, MARCH).meets_target is False
    MeasurementFactory(metric=churn, unit=company, value=6, period_start=dt.date(2026, 2, 1))
    assert one([company], churn, Period(MONTH, dt.date(2026, 2, 1))).meets_target is False


# --- trends ------------------------------------------------------------------------------


def test_latest_vs_target_gives_the_latest_figure_and_the_one_before(
    metrics, nps, company, service_unit
):
    TargetFactory(metric=nps, unit=company, value=30, valid_from=dt.date(2025, 1, 1))
    answers(nps, service_unit, dt.date(2026, 1, 10), 10, 0)  # 0
    answers(nps, service_unit, dt.date(2026, 3, 10), 10, 10, 8)  # 66.7; February: none
    trends = latest_vs_target(Unit.objects.filter(pk=service_unit.pk), dt.date(2026, 4, 2))
    trend = next(t for t in trends if t.metric == nps)
    assert trend.latest.period == MARCH
    assert trend.previous.period == Period(MONTH, dt.date(2026, 1, 1))
    assert trend.change == Decimal("66.7")
    assert trend.improving is True
    assert trend.target == Decimal(30)
    assert trend.latest.meets_target is True
    assert len(trends) == len(metrics)  # every active metric, with or without figures
    csat = next(t for t in trends if t.metric.kind == "csat")
    assert (csat.latest, csat.previous, csat.change, csat.improving) == (None, None, None, None)


def test_a_falling_churn_is_an_improvement(metrics, company):
    churn = metrics["churn"]
    MeasurementFactory(metric=churn, unit=company, value=5, period_start=dt.date(2026, 2, 1))
    MeasurementFactory(metric=churn, unit=company, value=4, period_start=dt.date(2026, 3, 1))
    [trend] = [
        t
        for t in latest_vs_target(Unit.objects.filter(pk=company.pk), dt.date(2026, 3, 9))
        if t.metric == churn
    ]
    assert (trend.change, trend.improving) == (Decimal(-1), True)


def test_moved_since_gives_the_figure_of_then_and_the_newer_one_of_now(metrics, nps, company):
    TargetFactory(metric=nps, unit=company, value=40, valid_from=dt.date(2025, 1, 1))
    MeasurementFactory(metric=nps, unit=company, value=32, period_start=dt.date(2026, 1, 1))
    MeasurementFactory(metric=nps, unit=company, value=41, period_start=dt.date(2026, 3, 1))
    units = Unit.objects.filter(pk=company.pk)
    [move] = moved_since(units, dt.date(2026, 2, 14), dt.date(2026, 3, 20))
    assert (move.unit, move.metric) == (company, nps)
    assert (move.before.value, move.now.value, move.now.target) == (32, 41, 40)
    # seen in March already: March's figure is not news
    assert moved_since(units, dt.date(2026, 3, 2), dt.date(2026, 3, 20)) == []
    [new] = moved_since(units, dt.date(2025, 12, 1), dt.date(2026, 3, 20))
    assert new.before is None and new.now.value == 41


def test_inactive_metrics_are_left_out_of_the_trends(metrics, company):
    metrics["clv"].active = False
    metrics["clv"].save()
    trends = latest_vs_target(Unit.objects.filter(pk=company.pk), dt.date(2026, 3, 9))
    assert {t.metric.kind for t in trends} == {"nps", "csat", "ces", "churn"}


# --- constant queries --------------------------------------------------------------------


def grow(metrics, size: int) -> None:
    """`size` departments with two teams each, answers and figures in each."""
    root = UnitFactory(code=f"root-{size}")
    for n in range(size):
        department = UnitFactory(parent=root)
        for _team in range(2):
            team = UnitFactory(parent=department)
            for day in (dt.date(2026, 1, 5), dt.date(2026, 2, 5), dt.date(2026, 3, 5)):
                answers(metrics["nps"], team, day, *range(n % 5, 11, 2))
                answers(metrics["ces"], team, day, 5, 6)
        TargetFactory(metric=metrics["nps"], unit=department, value=n)
        MeasurementFactory(metric=metrics["churn"], unit=department, value=3)


@pytest.mark.parametrize("size", [1, 6])
def test_results_run_four_queries_whatever_the_size(metrics, size, django_assert_num_queries):
    grow(metrics, size)
    units = Unit.objects.all()
    periods = periods_back(MONTH, dt.date(2026, 3, 31), 3 * size)
    with django_assert_num_queries(4):
        rows = results(units, list(metrics.values()), periods)
    assert len(rows) == (1 + 3 * size) * len(metrics) * len(periods)


@pytest.mark.parametrize("size", [1, 6])
def test_latest_vs_target_runs_five_queries_whatever_the_size(
    metrics, size, django_assert_num_queries
):
    grow(metrics, size)
    with django_assert_num_queries(5):
        trends = latest_vs_target(Unit.objects.all(), dt.date(2026, 3, 31))
    assert len(trends) == (1 + 3 * size) * len(metrics)
    assert all(t.latest for t in trends if t.metric.kind == "nps")


def test_moved_since_takes_the_same_queries_at_two_sizes(metrics, count_queries):
    grow(metrics, 1)
    day, since = dt.date(2026, 3, 31), dt.date(2026, 1, 20)
    small = count_queries(moved_since, Unit.objects.all(), since, day)
    grow(metrics, 6)
    assert count_queries(moved_since, Unit.objects.all(), since, day) == small
    assert len(moved_since(Unit.objects.all(), since, day)) > 6


def test_a_shared_block_reads_the_answers_once_for_months_within_those_read(
    metrics, django_assert_num_queries
):
    grow(metrics, 2)
    units = list(Unit.objects.all())
    metric_list = list(metrics.values())
    wide = periods_back(MONTH, dt.date(2026, 3, 31), 6) + periods_back(
        PeriodKind.QUARTER, dt.date(2026, 3, 31), 2
    )
    narrow = periods_back(MONTH, dt.date(2026, 3, 31), 2)
    expected = [
        (r.unit.pk, r.metric.pk, r.period, r.value) for r in results(units, metric_list, narrow)
    ]
    with shared_answer_counts():
        results(units, metric_list, wide)
        with django_assert_num_queries(0):  # those periods are worked out already
            rows = results(units, metric_list, narrow)
        with django_assert_num_queries(3):  # other units are other sums: read
            fewer = results(units[1:], metric_list, narrow)
        with django_assert_num_queries(3):  # a range not read yet is read
            results(units, metric_list, periods_back(MONTH, dt.date(2026, 6, 30), 1))
    assert [(r.unit.pk, r.metric.pk, r.period, r.value) for r in rows] == expected
    assert [(r.unit.pk, r.metric.pk, r.period) for r in fewer] == [
        (unit, metric, period) for unit, metric, period, _value in expected if unit != units[0].pk
    ]
    with django_assert_num_queries(3):  # outside the block, nothing is kept
        results(units, metric_list, narrow)


def test_a_few_units_can_be_asked_for_while_the_units_below_them_count(metrics):
    """`counting`: the department's figures with its teams' answers, without asking
    for the teams' own figures: the same as asking for everyone."""
    grow(metrics, 3)
    everyone = list(Unit.objects.all())
    departments = [unit for unit in everyone if unit.depth == 1]
    periods = [MARCH, Q1]
    every_row = {
        (r.unit.pk, r.metric.pk, r.period): (r.value, r.sample_size, r.target)
        for r in results(everyone, list(metrics.values()), periods)
    }
    rows = results(departments, list(metrics.values()), periods, counting=everyone)
    assert len(rows) == len(departments) * len(metrics) * len(periods)
    assert {r.unit.pk for r in rows} == {unit.pk for unit in departments}
    for r in rows:
        assert (r.value, r.sample_size, r.target) == every_row[(r.unit.pk, r.metric.pk, r.period)]
    assert any(r.value is not None for r in rows)
    alone = results(departments, list(metrics.values()), periods)  # the teams do not count
    assert all(r.value is None for r in alone if r.metric.is_survey)
