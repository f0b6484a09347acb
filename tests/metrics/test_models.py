"""The rules of answers, entered figures, targets and the catalogue
(cxlean/metrics/models.py), with the messages people read."""

import datetime as dt
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone, translation

from cxlean.metrics.models import Measurement, PeriodKind, SurveyAnswer, Target
from tests.metrics.factories import MeasurementFactory, SurveyAnswerFactory, TargetFactory


def errors(obj) -> dict:
    """The validation messages, in English (they are lazy: read them inside the override)."""
    with translation.override("en"):
        with pytest.raises(ValidationError) as refused:
            obj.full_clean()
        return {
            field: [str(m) for m in messages]
            for field, messages in refused.value.message_dict.items()
        }


def answer(metric, unit, score, **fields) -> SurveyAnswer:
    return SurveyAnswer(
        metric=metric, unit=unit, score=score, answered_on=dt.date(2026, 3, 1), **fields
    )


# --- survey answers ----------------------------------------------------------------------


@pytest.mark.parametrize(
    ("kind", "score", "message"),
    [
        ("nps", 11, "NPS answers run from 0 to 10."),
        ("nps", -1, "NPS answers run from 0 to 10."),
        ("csat", 0, "CSAT answers run from 1 to 5."),
        ("csat", 6, "CSAT answers run from 1 to 5."),
        ("ces", 8, "CES answers run from 1 to 7."),
        ("ces", 0, "CES answers run from 1 to 7."),
    ],
)
def test_an_answer_outside_its_scale_is_refused_naming_the_scale(
    metrics, service_unit, kind, score, message
):
    assert errors(answer(metrics[kind], service_unit, score)) == {"score": [message]}


@pytest.mark.parametrize(("kind", "score"), [("nps", 0), ("nps", 10), ("csat", 1), ("ces", 7)])
def test_answers_at_the_ends_of_the_scale_are_fine(metrics, service_unit, kind, score):
    answer(metrics[kind], service_unit, score).full_clean()


@pytest.mark.parametrize("kind", ["churn", "clv"])
def test_churn_and_clv_are_not_survey_answers(metrics, service_unit, kind):
    assert "metric" in errors(answer(metrics[kind], service_unit, 3))


def test_an_answer_cannot_be_from_the_future(nps, service_unit):
    tomorrow = timezone.localdate() + dt.timedelta(days=1)
    refused = errors(SurveyAnswer(metric=nps, unit=service_unit, score=9, answered_on=tomorrow))
    assert refused == {"answered_on": ["An answer cannot be from the future."]}


def test_an_answer_keeps_its_history(nps, service_unit):
    saved = SurveyAnswerFactory(metric=nps, unit=service_unit, score=7)
    saved.score = 8
    saved.save()
    assert [h.score for h in saved.history.order_by("history_id")] == [7, 8]


# --- entered figures ---------------------------------------------------------------------


@pytest.mark.parametrize(
    ("kind", "day", "start"),
    [
        (PeriodKind.MONTH, dt.date(2026, 2, 17), dt.date(2026, 2, 1)),
        (PeriodKind.QUARTER, dt.date(2026, 5, 31), dt.date(2026, 4, 1)),
        (PeriodKind.QUARTER, dt.date(2026, 10, 1), dt.date(2026, 10, 1)),
    ],
)
def test_the_period_start_becomes_the_first_day_of_its_period(nps, company, kind, day, start):
    figure = Measurement(
        metric=nps, unit=company, period_kind=kind, period_start=day, value=10, sample_size=50
    )
    figure.full_clean()
    assert figure.period_start == start


def test_a_figure_for_a_period_not_begun_is_refused(nps, company):
    next_month = timezone.localdate().replace(day=28) + dt.timedelta(days=5)
    figure = Measurement(
        metric=nps, unit=company, period_start=next_month, value=10, sample_size=50
    )
    assert "period_start" in errors(figure)


def test_churn_is_computed_from_the_customers(metrics, company):
    figure = Measurement(
        metric=metrics["churn"],
        unit=company,
        period_start=dt.date(2026, 1, 1),
        customers_at_start=2000,
        customers_lost=90,
    )
    figure.full_clean()
    assert figure.value == Decimal("4.50")


@pytest.mark.parametrize(
    ("at_start", "lost", "field", "message"),
    [
        (100, 101, "customers_lost", "More customers cannot be lost than there were at the start."),
        (0, 0, "customers_at_start", "The period must start with at least one customer."),
        (
            100,
            None,
            "customers_lost",
            "Give both the customers at the start and the customers lost.",
        ),
    ],
)
def test_churn_needs_a_sensible_count_of_customers(
    metrics, company, at_start, lost, field, message
):
    figure = Measurement(
        metric=metrics["churn"],
        unit=company,
        period_start=dt.date(2026, 1, 1),
        customers_at_start=at_start,
        customers_lost=lost,
    )
    assert errors(figure)[field] == [message]


def test_a_negative_sample_and_a_margin_above_100_are_refused(metrics, company):
    figure = Measurement(
        metric=metrics["clv"],
        unit=company,
        period_start=dt.date(2026, 1, 1),
        value=5000,
        sample_size=-1,
        margin_percent=Decimal(120),
    )
    assert {"sample_size", "margin_percent"} <= set(errors(figure))


@pytest.mark.parametrize(
    ("kind", "value"), [("nps", 101), ("nps", -101), ("csat", 120), ("churn", -1), ("ces", 8)]
)
def test_impossible_figures_are_refused(metrics, company, kind, value):
    figure = Measurement(
        metric=metrics[kind],
        unit=company,
        period_start=dt.date(2026, 1, 1),
        value=value,
        sample_size=100,
    )
    assert "value" in errors(figure)


def test_a_survey_figure_needs_its_value_and_sample_size(nps, company):
    refused = errors(Measurement(metric=nps, unit=company, period_start=dt.date(2026, 1, 1)))
    assert {"value", "sample_size"} <= set(refused)


def test_clv_is_computed_from_revenue_margin_and_its_own_churn(metrics, company):
    figure = Measurement(
        metric=metrics["clv"],
        unit=company,
        period_start=dt.date(2026, 1, 1),
        average_revenue=Decimal(100),
        margin_percent=Decimal(50),
        customers_at_start=1000,
        customers_lost=100,
    )
    figure.full_clean()
    assert figure.value == Decimal("500.00")


def test_clv_uses_the_churn_entered_for_the_same_unit_and_period(metrics, company, sales_unit):
    MeasurementFactory(
        metric=metrics["churn"], unit=company, period_start=dt.date(2026, 1, 1), value=5
    )
    figure = Measurement(
        metric=metrics["clv"],
        unit=company,
        period_start=dt.date(2026, 1, 1),
        average_revenue=Decimal(100),
        margin_percent=Decimal(50),
    )
    figure.full_clean()
    assert figure.value == Decimal("1000.00")
    elsewhere = Measurement(
        metric=metrics["clv"],
        unit=sales_unit,
        period_start=dt.date(2026, 1, 1),
        average_revenue=Decimal(100),
        margin_percent=Decimal(50),
    )
    assert "value" in errors(elsewhere)  # no churn known for Sales


def test_a_figure_is_entered_once_per_unit_and_period(nps, company, phone_queue):
    MeasurementFactory(metric=nps, unit=company)
    twin = Measurement(
        metric=nps, unit=company, period_start=dt.date(2026, 3, 9), value=1, sample_size=40
    )
    with translation.override("en"), pytest.raises(ValidationError) as refused:
        twin.full_clean()
    assert "already entered" in str(refused.value)
    # The same period for one touchpoint is another figure.
    Measurement(
        metric=nps,
        unit=company,
        touchpoint=phone_queue,
        period_start=dt.date(2026, 3, 1),
        value=1,
        sample_size=40,
    ).full_clean()


# --- targets and the catalogue -----------------------------------------------------------


def test_an_impossible_target_is_refused(metrics, company):
    target = Target(metric=metrics["csat"], unit=company, value=120, valid_from=dt.date(2026, 1, 1))
    assert errors(target) == {"value": ["A percentage runs from 0 to 100."]}


def test_a_target_keeps_its_history(nps, company):
    target = TargetFactory(metric=nps, unit=company, value=20)
    target.value = 25
    target.save()
    assert target.history.count() == 2


def test_nps_is_defined_on_0_to_10(nps):
    nps.scale_min, nps.scale_max = 1, 5
    assert errors(nps) == {"scale_max": ["NPS is defined on answers from 0 to 10."]}


def test_churn_has_no_answer_scale(metrics):
    churn = metrics["churn"]
    churn.scale_min, churn.scale_max = 1, 5
    assert "scale_max" in errors(churn)
