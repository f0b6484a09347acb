"""Query-string filters for the backlog API. As everywhere in cxlean, `unit` means the
unit and all its sub-units, and a malformed or unknown value is a 400, never "no
filter". `StrictOrderingFilter` does the same for `?ordering=`."""

from __future__ import annotations

import django_filters
from django import forms
from django.contrib.auth.models import User
from django.db.models import Q, QuerySet
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import extend_schema_field

from cxlean.backlog.models import (
    OPEN_STATUSES,
    Attachment,
    Comment,
    Item,
    MudaKind,
    Quadrant,
    Source,
    Status,
    Waste,
)
from cxlean.journeys.models import Journey, Touchpoint, Transition
from cxlean.org.api.filters import IdFilter, StrictBooleanFilter, WithinUnitFilter


@extend_schema_field(OpenApiTypes.INT)
class ScoreFilter(django_filters.NumberFilter):
    field_class = forms.IntegerField


class ItemFilter(django_filters.FilterSet):
    waste = django_filters.ChoiceFilter(choices=Waste.choices)
    muda_kind = django_filters.ChoiceFilter(choices=MudaKind.choices)
    status = django_filters.MultipleChoiceFilter(
        choices=Status.choices,
        help_text=_("One or more statuses: repeat the parameter (?status=plan&status=do)."),
    )
    open = StrictBooleanFilter(
        method="filter_open",
        help_text=_("true: idea, triaged, plan, do or check; false: act or rejected."),
    )
    quadrant = django_filters.ChoiceFilter(choices=Quadrant.choices)
    unit = WithinUnitFilter(unit_path="unit__path")
    touchpoint = django_filters.ModelChoiceFilter(queryset=Touchpoint.objects.all())
    transition = django_filters.ModelChoiceFilter(queryset=Transition.objects.all())
    journey = django_filters.ModelChoiceFilter(
        queryset=Journey.objects.all(),
        method="filter_journey",
        help_text=_("A journey id: items on its touchpoints or its transitions."),
    )
    owner = django_filters.ModelChoiceFilter(queryset=User.objects.all())
    submitted_by = django_filters.ModelChoiceFilter(queryset=User.objects.all())
    source = django_filters.ChoiceFilter(choices=Source.choices)
    source_feedback = IdFilter(field_name="source_feedback_id")
    overdue = StrictBooleanFilter(
        method="filter_overdue",
        help_text=_("true: still open and past its due date (as of today)."),
    )
    min_priority = ScoreFilter(
        field_name="priority",
        lookup_expr="gte",
        help_text=_("Priority at least this (0–100); unscored items are left out."),
    )

    class Meta:
        model = Item
        fields = [
            "waste",
            "muda_kind",
            "status",
            "open",
            "quadrant",
            "unit",
            "touchpoint",
            "transition",
            "journey",
            "owner",
            "submitted_by",
            "source",
            "source_feedback",
            "overdue",
            "min_priority",
        ]

    def filter_open(self, queryset: QuerySet, name: str, value: bool) -> QuerySet:
        if value:
            return queryset.filter(status__in=OPEN_STATUSES)
        return queryset.exclude(status__in=OPEN_STATUSES)

    def filter_journey(self, queryset: QuerySet, name: str, value: Journey) -> QuerySet:
        return queryset.filter(
            Q(touchpoint__stage__journey=value) | Q(transition__source__stage__journey=value)
        )

    def filter_overdue(self, queryset: QuerySet, name: str, value: bool) -> QuerySet:
        late = Q(status__in=OPEN_STATUSES, due_date__lt=timezone.localdate())
        return queryset.filter(late) if value else queryset.exclude(late)


class CommentFilter(django_filters.FilterSet):
    item = IdFilter(field_name="item_id")

    class Meta:
        model = Comment
        fields = ["item"]


class AttachmentFilter(django_filters.FilterSet):
    item = IdFilter(field_name="item_id")

    class Meta:
        model = Attachment
        fields = ["item"]
