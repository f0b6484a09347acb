"""Query-string filters for the checklists API. As everywhere in cxlean, `unit` means
the unit and all its sub-units, and a malformed or unknown value is a 400, never "no
filter"."""

from __future__ import annotations

import django_filters
from django.db.models import Q, QuerySet
from django.utils.translation import gettext_lazy as _

from cxlean.checklists.models import Assignment, ChecklistTemplate, Completion, TemplateItem
from cxlean.core.filters import IsoDateTimeFilter
from cxlean.org.api.filters import (
    IdFilter,
    PersonRowsFilter,
    StrictBooleanFilter,
    WithinUnitFilter,
)


class TemplateFilter(django_filters.FilterSet):
    code = django_filters.CharFilter()
    role = IdFilter(field_name="role_id")
    role_slug = django_filters.CharFilter(field_name="role__slug")
    step = IdFilter(field_name="step_id")
    step_number = django_filters.NumberFilter(field_name="step__number")
    title = django_filters.CharFilter(
        method="filter_title", help_text=_("Part of the title, in Swedish or English.")
    )

    class Meta:
        model = ChecklistTemplate
        fields = ["code", "role", "role_slug", "step", "step_number", "title"]

    def filter_title(self, queryset: QuerySet, name: str, value: str) -> QuerySet:
        return queryset.filter(Q(title_sv__icontains=value) | Q(title_en__icontains=value))


class TemplateItemFilter(django_filters.FilterSet):
    template = IdFilter(field_name="template_id")
    template_code = django_filters.CharFilter(field_name="template__code")
    role = IdFilter(field_name="template__role_id")
    needs_evidence = StrictBooleanFilter()

    class Meta:
        model = TemplateItem
        fields = ["template", "template_code", "role", "needs_evidence"]


class AssignmentFilter(django_filters.FilterSet):
    template = IdFilter(field_name="template_id")
    template_code = django_filters.CharFilter(field_name="template__code")
    unit = WithinUnitFilter(unit_path="unit__path")
    person = IdFilter(field_name="person_id")
    role = IdFilter(field_name="role_id")
    for_role = StrictBooleanFilter(
        field_name="person",
        lookup_expr="isnull",
        help_text=_("true: assigned to a CX role in a unit; false: to a named person."),
    )
    due_date = django_filters.DateFilter()
    due_after = django_filters.DateFilter(
        field_name="due_date", lookup_expr="gte", help_text=_("Due on or after this date.")
    )
    due_before = django_filters.DateFilter(
        field_name="due_date", lookup_expr="lte", help_text=_("Due on or before this date.")
    )
    assigned_by = IdFilter(field_name="assigned_by_id")
    assigned_after = IsoDateTimeFilter(field_name="created_at", lookup_expr="gte")
    assigned_before = IsoDateTimeFilter(field_name="created_at", lookup_expr="lte")
    mine = StrictBooleanFilter(
        method="filter_mine", help_text=_("true: the assignments that reach you now.")
    )

    class Meta:
        model = Assignment
        fields = [
            "template",
            "template_code",
            "unit",
            "person",
            "role",
            "for_role",
            "due_date",
            "due_after",
            "due_before",
            "assigned_by",
            "assigned_after",
            "assigned_before",
            "mine",
        ]

    def filter_mine(self, queryset: QuerySet, name: str, value: bool) -> QuerySet:
        reaching = Assignment.objects.for_person(self.request.user).values("pk")
        return queryset.filter(pk__in=reaching) if value else queryset.exclude(pk__in=reaching)


class CompletionFilter(PersonRowsFilter):
    assignment = IdFilter(field_name="assignment_id")
    item = IdFilter(field_name="item_id")
    template = IdFilter(field_name="item__template_id")
    done = StrictBooleanFilter()
    has_evidence = StrictBooleanFilter(
        method="filter_has_evidence", help_text=_("true: an evidence file is attached.")
    )
    done_after = IsoDateTimeFilter(field_name="done_at", lookup_expr="gte")
    done_before = IsoDateTimeFilter(field_name="done_at", lookup_expr="lte")

    class Meta:
        model = Completion
        fields = [
            "assignment",
            "item",
            "template",
            "person",
            "unit",
            "done",
            "has_evidence",
            "done_after",
            "done_before",
        ]

    def filter_has_evidence(self, queryset: QuerySet, name: str, value: bool) -> QuerySet:
        empty = Q(evidence="") | Q(evidence__isnull=True)
        return queryset.exclude(empty) if value else queryset.filter(empty)


def no_filter(queryset: QuerySet, name: str, value) -> QuerySet:
    """Row-level filters: applied to the computed rows, not to the assignments."""
    return queryset


class ProgressFilter(django_filters.FilterSet):
    """The progress rows' filters. Those on the assignment narrow the assignments; the
    person, unit, overdue and complete filters pick rows (see ProgressViewSet)."""

    assignment = IdFilter(field_name="pk")
    template = IdFilter(field_name="template_id")
    template_code = django_filters.CharFilter(field_name="template__code")
    role = IdFilter(
        method="filter_role",
        help_text=_("A CX role id: checklists for that role (assigned to it, or its template's)."),
    )
    due_after = django_filters.DateFilter(field_name="due_date", lookup_expr="gte")
    due_before = django_filters.DateFilter(field_name="due_date", lookup_expr="lte")
    person = IdFilter(method=no_filter, help_text=_("A person id: that person's rows."))
    unit = WithinUnitFilter(
        unit_path="unit__path",
        method=no_filter,
        help_text=_("A unit id: the rows of people working in that unit and its sub-units."),
    )
    overdue = StrictBooleanFilter(
        method=no_filter, help_text=_("true: past the due date and not complete (as of today).")
    )
    complete = StrictBooleanFilter(method=no_filter, help_text=_("true: every item ticked off."))

    class Meta:
        model = Assignment
        fields = [
            "assignment",
            "template",
            "template_code",
            "role",
            "due_after",
            "due_before",
            "person",
            "unit",
            "overdue",
            "complete",
        ]

    def filter_role(self, queryset: QuerySet, name: str, value: int) -> QuerySet:
        return queryset.filter(Q(role=value) | Q(role__isnull=True, template__role=value))
