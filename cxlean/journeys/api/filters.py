"""Query-string filters for journeys and customer feedback. `unit` means the unit and
its sub-units; a malformed or unknown value is a 400, never "no filter"."""

from __future__ import annotations

import django_filters
from django.db.models import Q, QuerySet
from django.utils.translation import gettext_lazy as _

from cxlean.journeys.models import (
    Channel,
    Emotion,
    Feedback,
    FeedbackSource,
    Journey,
    Sentiment,
    Stage,
    Touchpoint,
    Transition,
)
from cxlean.org.api.filters import StrictBooleanFilter, WithinUnitFilter


class IntChoiceFilter(django_filters.TypedChoiceFilter):
    def __init__(self, *args, **kwargs):
        kwargs.setdefault("coerce", int)
        super().__init__(*args, **kwargs)


def journey_filter(**kwargs) -> django_filters.ModelChoiceFilter:
    return django_filters.ModelChoiceFilter(queryset=Journey.objects.all(), **kwargs)


def touchpoint_filter(**kwargs) -> django_filters.ModelChoiceFilter:
    return django_filters.ModelChoiceFilter(queryset=Touchpoint.objects.all(), **kwargs)


class JourneyFilter(django_filters.FilterSet):
    unit = WithinUnitFilter(unit_path="unit__path")

    class Meta:
        model = Journey
        fields = ["unit"]


class StageFilter(django_filters.FilterSet):
    journey = journey_filter()

    class Meta:
        model = Stage
        fields = ["journey"]


class TouchpointFilter(django_filters.FilterSet):
    journey = journey_filter(field_name="stage__journey")
    stage = django_filters.ModelChoiceFilter(queryset=Stage.objects.all())
    channel = django_filters.ChoiceFilter(choices=Channel.choices)
    partner_controlled = StrictBooleanFilter()
    emotion = IntChoiceFilter(choices=Emotion.choices, help_text=_("-2 to +2."))

    class Meta:
        model = Touchpoint
        fields = ["journey", "stage", "channel", "partner_controlled", "emotion"]


class TransitionFilter(django_filters.FilterSet):
    journey = journey_filter(field_name="source__stage__journey")
    source = touchpoint_filter()
    target = touchpoint_filter()
    touchpoint = touchpoint_filter(
        method="filter_touchpoint", help_text=_("A touchpoint id: transitions from or to it.")
    )

    class Meta:
        model = Transition
        fields = ["journey", "source", "target", "touchpoint"]

    def filter_touchpoint(self, queryset: QuerySet, name: str, value: Touchpoint) -> QuerySet:
        return queryset.filter(Q(source=value) | Q(target=value))


class FeedbackFilter(django_filters.FilterSet):
    unit = WithinUnitFilter(unit_path="unit__path")
    source = django_filters.ChoiceFilter(choices=FeedbackSource.choices)
    channel = django_filters.ChoiceFilter(choices=Channel.choices)
    touchpoint = touchpoint_filter()
    journey = journey_filter(field_name="touchpoint__stage__journey")
    sentiment = IntChoiceFilter(choices=Sentiment.choices, help_text=_("-1, 0 or 1."))
    received_on = django_filters.DateFromToRangeFilter(
        help_text=_("Received between received_on_after and received_on_before (inclusive).")
    )
    has_improvement = StrictBooleanFilter(
        field_name="improvement",
        lookup_expr="isnull",
        exclude=True,
        help_text=_("true: already turned into an improvement; false: not yet."),
    )

    class Meta:
        model = Feedback
        fields = [
            "unit",
            "source",
            "channel",
            "touchpoint",
            "journey",
            "sentiment",
            "received_on",
            "has_improvement",
        ]
