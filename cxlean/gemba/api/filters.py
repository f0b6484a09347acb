"""Query-string filters for the Gemba API. As everywhere in cxlean, `unit` means the unit
and all its sub-units, and a malformed or unknown value is a 400, never "no filter"."""

from __future__ import annotations

import django_filters
from django.contrib.auth.models import User
from django.db.models import QuerySet
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from cxlean.backlog.models import MudaKind, Waste
from cxlean.core.filters import IsoDateTimeFilter
from cxlean.gemba.models import (
    Answer,
    Frequency,
    Observation,
    Question,
    QuestionSet,
    Schedule,
    Severity,
    Walk,
    WalkStatus,
    Weekday,
)
from cxlean.journeys.models import Touchpoint
from cxlean.org.api.filters import IdFilter, StrictBooleanFilter, WithinUnitFilter


class QuestionSetFilter(django_filters.FilterSet):
    code = django_filters.CharFilter()
    active = StrictBooleanFilter()

    class Meta:
        model = QuestionSet
        fields = ["code", "active"]


class QuestionFilter(django_filters.FilterSet):
    question_set = IdFilter(field_name="question_set_id")

    class Meta:
        model = Question
        fields = ["question_set"]


class ScheduleFilter(django_filters.FilterSet):
    unit = WithinUnitFilter(unit_path="unit__path")
    frequency = django_filters.ChoiceFilter(choices=Frequency.choices)
    weekday = django_filters.TypedChoiceFilter(choices=Weekday.choices, coerce=int)
    day_of_month = django_filters.NumberFilter(min_value=1, max_value=31)
    active = StrictBooleanFilter()
    leader = django_filters.ModelChoiceFilter(queryset=User.objects.all())
    touchpoint = django_filters.ModelChoiceFilter(queryset=Touchpoint.objects.all())
    question_set = django_filters.ModelChoiceFilter(queryset=QuestionSet.objects.all())
    title = django_filters.CharFilter(lookup_expr="icontains")
    place = django_filters.CharFilter(lookup_expr="icontains")
    process = django_filters.CharFilter(lookup_expr="icontains")
    created_by = django_filters.ModelChoiceFilter(queryset=User.objects.all())

    class Meta:
        model = Schedule
        fields = [
            "unit",
            "frequency",
            "weekday",
            "day_of_month",
            "active",
            "leader",
            "touchpoint",
            "question_set",
            "title",
            "place",
            "process",
            "created_by",
        ]


class WalkFilter(django_filters.FilterSet):
    unit = WithinUnitFilter(unit_path="unit__path")
    schedule = IdFilter(field_name="schedule_id")
    status = django_filters.MultipleChoiceFilter(
        choices=WalkStatus.choices,
        help_text=_("One or more statuses: repeat the parameter (?status=planned&status=done)."),
    )
    leader = django_filters.ModelChoiceFilter(queryset=User.objects.all())
    participant = django_filters.ModelChoiceFilter(
        field_name="participants", queryset=User.objects.all(), distinct=True
    )
    touchpoint = django_filters.ModelChoiceFilter(queryset=Touchpoint.objects.all())
    question_set = django_filters.ModelChoiceFilter(queryset=QuestionSet.objects.all())
    place = django_filters.CharFilter(lookup_expr="icontains")
    process = django_filters.CharFilter(lookup_expr="icontains")
    planned_from = IsoDateTimeFilter(
        field_name="planned_start",
        lookup_expr="gte",
        help_text=_("Walks planned to start at or after this moment (ISO 8601)."),
    )
    planned_before = IsoDateTimeFilter(
        field_name="planned_start",
        lookup_expr="lt",
        help_text=_("Walks planned to start before this moment (ISO 8601)."),
    )
    duration_minutes = django_filters.NumberFilter()
    actual_minutes = django_filters.NumberFilter()
    overdue = StrictBooleanFilter(
        method="filter_overdue",
        help_text=_("true: still planned more than a day after it should have started."),
    )
    created_by = django_filters.ModelChoiceFilter(queryset=User.objects.all())

    class Meta:
        model = Walk
        fields = [
            "unit",
            "schedule",
            "status",
            "leader",
            "participant",
            "touchpoint",
            "question_set",
            "place",
            "process",
            "planned_from",
            "planned_before",
            "duration_minutes",
            "actual_minutes",
            "overdue",
            "created_by",
        ]

    def filter_overdue(self, queryset: QuerySet, name: str, value: bool) -> QuerySet:
        late = Walk.objects.overdue(timezone.now()).values("pk")
        return queryset.filter(pk__in=late) if value else queryset.exclude(pk__in=late)


class AnswerFilter(django_filters.FilterSet):
    walk = IdFilter(field_name="walk_id")
    question = IdFilter(field_name="question_id")
    answered_by = django_filters.ModelChoiceFilter(queryset=User.objects.all())
    unit = WithinUnitFilter(unit_path="walk__unit__path")

    class Meta:
        model = Answer
        fields = ["walk", "question", "answered_by", "unit"]


class ObservationFilter(django_filters.FilterSet):
    walk = IdFilter(field_name="walk_id")
    unit = WithinUnitFilter(unit_path="walk__unit__path")
    waste = django_filters.ChoiceFilter(choices=Waste.choices)
    muda_kind = django_filters.ChoiceFilter(choices=MudaKind.choices)
    severity = django_filters.TypedMultipleChoiceFilter(
        choices=Severity.choices,
        coerce=int,
        help_text=_("1 low, 2 medium, 3 high; repeat the parameter for several."),
    )
    touchpoint = django_filters.ModelChoiceFilter(queryset=Touchpoint.objects.all())
    has_photo = StrictBooleanFilter(method="filter_has_photo")
    improvement = IdFilter(field_name="improvement_id")
    has_improvement = StrictBooleanFilter(
        field_name="improvement", lookup_expr="isnull", exclude=True
    )
    created_by = django_filters.ModelChoiceFilter(queryset=User.objects.all())
    created_from = IsoDateTimeFilter(field_name="created_at", lookup_expr="gte")
    created_before = IsoDateTimeFilter(field_name="created_at", lookup_expr="lt")
    text = django_filters.CharFilter(lookup_expr="icontains")

    class Meta:
        model = Observation
        fields = [
            "walk",
            "unit",
            "waste",
            "muda_kind",
            "severity",
            "touchpoint",
            "has_photo",
            "improvement",
            "has_improvement",
            "created_by",
            "created_from",
            "created_before",
            "text",
        ]

    def filter_has_photo(self, queryset: QuerySet, name: str, value: bool) -> QuerySet:
        return queryset.exclude(photo="") if value else queryset.filter(photo="")
