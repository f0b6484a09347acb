"""Filters shared by every API FilterSet.

`IsoDateTimeFilter` reads an ISO 8601 date-time like django-filter's, then states it in
UTC. The database is then never handed an offset it cannot store (PostgreSQL takes at
most ±15:59) and an instant that falls outside years 1–9999 once moved to UTC is a 400
with a message, not a 500.

`StrictOrderingFilter` answers `?ordering=` with a field the endpoint does not sort by
with a 400 that lists those it does; `FILTER_BACKENDS` is the pair every list endpoint
that filters and sorts uses.
"""

from __future__ import annotations

import datetime as dt

import django_filters
from django import forms
from django.db.models import F
from django.utils.translation import gettext_lazy as _
from django_filters import fields as filter_fields
from django_filters.rest_framework import DjangoFilterBackend
from rest_framework import serializers
from rest_framework.filters import OrderingFilter, SearchFilter

OUT_OF_RANGE = _("Enter a date and time between the years 1 and 9999.")


class IsoDateTimeField(filter_fields.IsoDateTimeField):
    default_error_messages = {"out_of_range": OUT_OF_RANGE}

    def strptime(self, value, format):
        try:
            return super().strptime(value, format)
        except OverflowError as error:
            raise forms.ValidationError(self.error_messages["out_of_range"]) from error

    def to_python(self, value):
        value = super().to_python(value)
        if value is None:
            return None
        try:
            return value.astimezone(dt.UTC)
        except (OverflowError, ValueError) as error:
            raise forms.ValidationError(
                self.error_messages["out_of_range"], code="out_of_range"
            ) from error


class IsoDateTimeFilter(django_filters.IsoDateTimeFilter):
    field_class = IsoDateTimeField


class StrictOrderingFilter(OrderingFilter):
    """`?ordering=` with a field the endpoint does not sort by is a 400 that lists the
    fields it does, instead of being ignored."""

    def get_ordering(self, request, queryset, view):
        params = request.query_params.get(self.ordering_param)
        if params:
            fields = [param.strip() for param in params.split(",") if param.strip()]
            allowed = {name for name, _label in self.get_valid_fields(queryset, view, {})}
            unknown = [field for field in fields if field.lstrip("-") not in allowed]
            if unknown:
                raise serializers.ValidationError(
                    {
                        self.ordering_param: [
                            _("Cannot sort by %(fields)s. Sort by: %(allowed)s.")
                            % {"fields": ", ".join(unknown), "allowed": ", ".join(sorted(allowed))}
                        ]
                    }
                )
        return super().get_ordering(request, queryset, view)

    def filter_queryset(self, request, queryset, view):
        """Empty values (no due date, not yet scored) sort last either way, on every
        database (PostgreSQL would put them first when descending)."""
        ordering = self.get_ordering(request, queryset, view)
        if not ordering:
            return queryset
        return queryset.order_by(
            *(
                F(name[1:]).desc(nulls_last=True)
                if name.startswith("-")
                else F(name).asc(nulls_last=True)
                for name in ordering
            )
        )


# The filter backends of every list endpoint that filters and sorts.
FILTER_BACKENDS = [DjangoFilterBackend, StrictOrderingFilter]
SEARCH_BACKENDS = [*FILTER_BACKENDS, SearchFilter]
