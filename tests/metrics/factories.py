"""Factories of the metrics app (base factories in tests/factories.py)."""

import datetime as dt

import factory

from cxlean.metrics.models import Measurement, Metric, PeriodKind, SurveyAnswer, Target
from tests.factories import UnitFactory


class MetricFactory(factory.django.DjangoModelFactory):
    """NPS unless told otherwise; use `metrics` from conftest for the whole catalogue."""

    class Meta:
        model = Metric
        django_get_or_create = ["kind"]

    kind = "nps"
    name_sv = factory.LazyAttribute(lambda o: f"{o.kind.upper()} (sv)")
    name_en = factory.LazyAttribute(lambda o: o.kind.upper())
    scale_min = 0
    scale_max = 10


class TargetFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Target

    metric = factory.SubFactory(MetricFactory)
    unit = factory.SubFactory(UnitFactory)
    value = 30
    valid_from = dt.date(2026, 1, 1)


class SurveyAnswerFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = SurveyAnswer

    metric = factory.SubFactory(MetricFactory)
    unit = factory.SubFactory(UnitFactory)
    answered_on = dt.date(2026, 3, 10)
    score = 9


class MeasurementFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Measurement

    metric = factory.SubFactory(MetricFactory)
    unit = factory.SubFactory(UnitFactory)
    period_kind = PeriodKind.MONTH
    period_start = dt.date(2026, 3, 1)
    value = 40
    sample_size = 120
