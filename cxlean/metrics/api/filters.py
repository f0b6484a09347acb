"""Query-string filters of the metrics API. As everywhere in cxlean, `unit` means the unit
and all its sub-units, a metric is named by its kind, and a malformed or unknown value is
a 400, never "no filter"."""

from __future__ import annotations

import django_filters
from django.utils.translation import gettext_lazy as _

from cxlean.journeys.models import Touchpoint
from cxlean.metrics.models import Kind, Measurement, Metric, PeriodKind, SurveyAnswer, Target
from cxlean.org.api.filters import StrictBooleanFilter, WithinUnitFilter


def kind_filter(field_name: str = "metric__kind") -> django_filters.ChoiceFilter:
    return django_filters.ChoiceFilter(
        field_name=field_name, choices=Kind.choices, help_text=_("nps, csat, ces, churn or clv.")
    )


def date_filter(field_name: str, lookup_expr: str, help_text) -> django_filters.DateFilter:
    return django_filters.DateFilter(
        field_name=field_name, lookup_expr=lookup_expr, help_text=help_text
    )


class MetricFilter(django_filters.FilterSet):
    kind = kind_filter("kind")
    active = StrictBooleanFilter()

    class Meta:
        model = Metric
        fields = ["kind", "active"]


class TargetFilter(django_filters.FilterSet):
    metric = kind_filter()
    unit = WithinUnitFilter(unit_path="unit__path")

    class Meta:
        model = Target
        fields = ["metric", "unit"]


class SurveyAnswerFilter(django_filters.FilterSet):
    metric = kind_filter()
    unit = WithinUnitFilter(unit_path="unit__path")
    touchpoint = django_filters.ModelChoiceFilter(queryset=Touchpoint.objects.all())
    score = django_filters.NumberFilter()

    class Meta:
        model = SurveyAnswer
        fields = ["metric", "unit", "touchpoint", "score"]


class MeasurementFilter(django_filters.FilterSet):
    metric = kind_filter()
    unit = WithinUnitFilter(unit_path="unit__path")
    touchpoint = django_filters.ModelChoiceFilter(queryset=Touchpoint.objects.all())
    period_kind = django_filters.ChoiceFilter(choices=PeriodKind.choices)

    class Meta:
        model = Measurement
        fields = ["metric", "unit", "touchpoint", "period_kind"]


# `from` and `to` are Python keywords, so they are added by name.
SurveyAnswerFilter.base_filters["from"] = date_filter(
    "answered_on", "gte", _("Answers given on or after this day (YYYY-MM-DD).")
)
SurveyAnswerFilter.base_filters["to"] = date_filter(
    "answered_on", "lte", _("Answers given on or before this day.")
)
MeasurementFilter.base_filters["from"] = date_filter(
    "period_start", "gte", _("Periods starting on or after this day (YYYY-MM-DD).")
)
MeasurementFilter.base_filters["to"] = date_filter(
    "period_start", "lte", _("Periods starting on or before this day.")
)
