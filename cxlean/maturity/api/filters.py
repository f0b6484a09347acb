"""Query-string filters for the maturity API. As everywhere in cxlean, `unit` means the
unit and all its sub-units, and a malformed or unknown value is a 400, never "no
filter"."""

from __future__ import annotations

import django_filters
from django.contrib.auth.models import User
from django.db.models import QuerySet
from django.utils.translation import gettext_lazy as _

from cxlean.maturity.models import Assessment, AssessmentAnswer, Dimension, Question, Status
from cxlean.org.api.filters import IdFilter, StrictBooleanFilter, WithinUnitFilter

OVERALL = "overall"


class MaturityDimensionFilter(django_filters.FilterSet):
    code = django_filters.CharFilter()
    active = StrictBooleanFilter()

    class Meta:
        model = Dimension
        fields = ["code", "active"]


class MaturityQuestionFilter(django_filters.FilterSet):
    dimension = IdFilter(field_name="dimension_id")
    code = django_filters.CharFilter()
    active = StrictBooleanFilter()

    class Meta:
        model = Question
        fields = ["dimension", "code", "active"]


class AssessmentFilter(django_filters.FilterSet):
    unit = WithinUnitFilter(unit_path="unit__path")
    status = django_filters.ChoiceFilter(choices=Status.choices)
    assessor = django_filters.ModelChoiceFilter(
        field_name="assessors", queryset=User.objects.all(), distinct=True
    )
    assessed_from = django_filters.DateFilter(
        field_name="assessed_on", lookup_expr="gte", help_text=_("On or after this day.")
    )
    assessed_to = django_filters.DateFilter(
        field_name="assessed_on", lookup_expr="lte", help_text=_("On or before this day.")
    )

    class Meta:
        model = Assessment
        fields = ["unit", "status", "assessor", "assessed_from", "assessed_to"]


class AssessmentAnswerFilter(django_filters.FilterSet):
    assessment = IdFilter(field_name="assessment_id")
    question = IdFilter(field_name="question_id")
    assessor = django_filters.ModelChoiceFilter(queryset=User.objects.all())
    unit = WithinUnitFilter(unit_path="assessment__unit__path")

    class Meta:
        model = AssessmentAnswer
        fields = ["assessment", "question", "assessor", "unit"]


def figure_choices() -> list[tuple[str, str]]:
    return [
        (OVERALL, OVERALL),
        *((code, code) for code in Dimension.objects.values_list("code", flat=True)),
    ]


class ScoreRowFilter(django_filters.FilterSet):
    """Filters of the flat score rows: the assessments' unit (with sub-units) and dates,
    and the figure (`overall` or a dimension code; the rows are made by the view)."""

    unit = WithinUnitFilter(unit_path="unit__path")
    figure = django_filters.ChoiceFilter(
        choices=figure_choices,
        method="keep_all",
        help_text=_("`overall` or a dimension code: only that figure's rows."),
    )
    from_ = django_filters.DateFilter(
        field_name="assessed_on",
        lookup_expr="gte",
        help_text=_("Assessments on or after this day (YYYY-MM-DD)."),
    )
    to = django_filters.DateFilter(
        field_name="assessed_on",
        lookup_expr="lte",
        help_text=_("Assessments on or before this day (YYYY-MM-DD)."),
    )

    class Meta:
        model = Assessment
        fields = ["unit", "figure", "from_", "to"]

    def keep_all(self, queryset: QuerySet, name: str, value: str) -> QuerySet:
        return queryset  # the view keeps only the chosen figure's rows


# `from` is a Python keyword: the filter is declared as `from_` and published as `from`.
ScoreRowFilter.base_filters["from"] = ScoreRowFilter.base_filters.pop("from_")
