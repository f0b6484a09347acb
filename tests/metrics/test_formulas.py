"""The metric formulas, worked out by hand (cxlean/metrics/formulas.py)."""

from decimal import Decimal

import pytest

from cxlean.metrics import formulas


@pytest.mark.parametrize(
    ("promoters", "passives", "detractors", "expected"),
    [
        (5, 3, 2, "30.0"),  # 50 % − 20 %
        (0, 0, 5, "-100.0"),  # all detractors
        (1, 0, 0, "100.0"),  # a single promoter
        (0, 4, 0, "0.0"),  # only passives
        (1, 2, 0, "33.3"),  # 33.33… rounds down
        (2, 0, 1, "33.3"),  # 66.67 − 33.33
        (1, 4, 1, "0.0"),
        (1, 5, 0, "16.7"),  # 16.67 rounds up
        (2, 1, 5, "-37.5"),  # 25 % − 62.5 %
    ],
)
def test_nps_is_percent_promoters_minus_percent_detractors(
    promoters, passives, detractors, expected
):
    assert formulas.nps(promoters, passives, detractors) == Decimal(expected)


def test_nps_without_answers_is_none_not_zero():
    assert formulas.nps(0, 0, 0) is None
    assert formulas.nps_of({}) is None


def test_nps_of_answers_puts_6_with_detractors_7_8_passive_and_9_10_promoters():
    assert formulas.nps_of({10: 1}) == Decimal("100.0")  # a single 10
    assert formulas.nps_of({6: 1, 7: 1, 9: 1}) == Decimal("0.0")
    assert formulas.nps_of({8: 3}) == Decimal("0.0")
    assert formulas.nps_of({0: 2, 8: 1, 10: 1}) == Decimal("-25.0")  # (1 − 2) / 4
    assert formulas.nps_of({0: 1, 3: 1, 6: 2}) == Decimal("-100.0")


def test_csat_is_the_share_of_4_and_5():
    assert formulas.csat_of({5: 1, 4: 3, 3: 1}) == Decimal("80.0")
    assert formulas.csat_of({5: 1}) == Decimal("100.0")  # a single answer
    assert formulas.csat_of({3: 2, 1: 1}) == Decimal("0.0")
    assert formulas.csat_of({4: 2, 2: 1}) == Decimal("66.7")
    assert formulas.csat(0, 0) is None


def test_csat_counts_the_top_two_answers_of_its_scale():
    assert formulas.csat_of({6: 1, 7: 1, 5: 2}, scale_max=7) == Decimal("50.0")


def test_ces_is_the_mean_with_two_decimals():
    assert formulas.ces_of({7: 1, 4: 2}) == Decimal("5.00")
    assert formulas.ces_of({5: 1, 6: 2}) == Decimal("5.67")  # 17 / 3
    assert formulas.ces_of({1: 1}) == Decimal("1.00")
    assert formulas.ces_of({}) is None


@pytest.mark.parametrize(
    ("lost", "at_start", "expected"),
    [(50, 1000, "5.00"), (0, 100, "0.00"), (1, 3, "33.33"), (2_130, 53_100, "4.01")],
)
def test_churn_rate_is_lost_over_customers_at_start(lost, at_start, expected):
    assert formulas.churn_rate(lost, at_start) == Decimal(expected)


def test_churn_rate_needs_customers_at_the_start():
    assert formulas.churn_rate(3, 0) is None
    assert formulas.churn_rate(None, 100) is None
    assert formulas.churn_rate(1, None) is None


def test_clv_is_revenue_times_margin_over_churn():
    assert formulas.clv(Decimal(100), Decimal(50), Decimal(10)) == Decimal("500.00")
    # 2 450 kr a quarter × 12 % ÷ 4.6 % churn a quarter = 6 391.30 kr
    assert formulas.clv(Decimal(2450), Decimal(12), Decimal("4.6")) == Decimal("6391.30")


def test_clv_without_churn_or_a_part_is_none():
    assert formulas.clv(Decimal(100), Decimal(50), Decimal(0)) is None
    assert formulas.clv(Decimal(100), Decimal(50), None) is None
    assert formulas.clv(None, Decimal(50), Decimal(5)) is None
    assert formulas.clv(Decimal(100), None, Decimal(5)) is None
