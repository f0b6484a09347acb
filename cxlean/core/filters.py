"""Filters shared by every API FilterSet.

`IsoDateTimeFilter` reads an ISO 8601 date-time like django-filter's, then states it in
UTC. The database is then never handed an offset it cannot store (PostgreSQL takes at
most ±15:59) and an instant that falls outside years 1–9999 once moved to UTC is a 400
with a message, not a 500.
"""

from __future__ import annotations

import datetime as dt

import django_filters
from django import forms
from django.utils.translation import gettext_lazy as _
from django_filters import fields as filter_fields

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
