"""Query-string filters for plans, phases and activities. `unit` always means the
unit and all its sub-units, as everywhere in cxlean."""

from __future__ import annotations

import django_filters
from django.db.models import QuerySet
from django.utils.translation import gettext_lazy as _

from cxlean.org.api.filters import IdFilter, StrictBooleanFilter, WithinUnitFilter
from cxlean.plans.models import Activity, Phase, Plan


class PlanFilter(django_filters.FilterSet):
    unit = WithinUnitFilter(unit_path="unit__path")
    coordinator = IdFilter(field_name="coordinator_id")
    start_date = django_filters.DateFromToRangeFilter()
    end_date = django_filters.DateFromToRangeFilter()

    class Meta:
        model = Plan
        fields = ["unit", "coordinator", "start_date", "end_date"]


class PhaseFilter(django_filters.FilterSet):
    plan = IdFilter(field_name="plan_id")
    step = IdFilter(field_name="step_id")

    class Meta:
        model = Phase
        fields = ["plan", "step"]


class ActivityFilter(django_filters.FilterSet):
    plan = IdFilter(field_name="phase__plan_id")
    phase = IdFilter(field_name="phase_id")
    owner = IdFilter(field_name="owner_id")
    status = django_filters.ChoiceFilter(choices=Activity.Status.choices)
    late = StrictBooleanFilter(
        method="filter_late",
        help_text=_("true: open activities past their due date; false: all others."),
    )
    due_date = django_filters.DateFromToRangeFilter(
        help_text=_("Due between due_date_after and due_date_before (inclusive).")
    )
    unit = WithinUnitFilter(unit_path="phase__plan__unit__path")

    class Meta:
        model = Activity
        fields = ["plan", "phase", "owner", "status", "late", "due_date", "unit"]

    def filter_late(self, queryset: QuerySet, name: str, value: bool) -> QuerySet:
        late = Activity.objects.late().values("pk")
        return queryset.filter(pk__in=late) if value else queryset.exclude(pk__in=late)
