"""Query-string filters for units and people, and the strict filter types every
cxlean filter set uses, so a malformed value (`?unit=abc`, `?late=maybe`) is a 400
with a message instead of being silently ignored or reaching the database."""

from __future__ import annotations

import django_filters
from django import forms
from django.contrib.auth.models import User
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import extend_schema_field

from cxlean.org.models import CXRole, Unit
from cxlean.org.roles import ROLE_GROUPS


class StrictBooleanField(forms.Field):
    """true/false (or 1/0); anything else is an error, not "no filter"."""

    VALUES = {"true": True, "1": True, "false": False, "0": False}
    default_error_messages = {"invalid": _("Use true or false.")}

    def to_python(self, value):
        if value in self.empty_values:
            return None
        try:
            return self.VALUES[str(value).lower()]
        except KeyError:
            raise ValidationError(self.error_messages["invalid"], code="invalid") from None


@extend_schema_field(OpenApiTypes.BOOL)
class StrictBooleanFilter(django_filters.Filter):
    field_class = StrictBooleanField


@extend_schema_field(OpenApiTypes.INT)
class IdFilter(django_filters.NumberFilter):
    """A primary key: whole numbers only (NumberFilter alone would accept 1.5)."""

    field_class = forms.IntegerField


@extend_schema_field(OpenApiTypes.INT)
class WithinUnitFilter(django_filters.ModelChoiceFilter):
    """Everything in a unit and its sub-units: `unit_path` is the lookup to the unit's
    materialized path (e.g. "phase__plan__unit__path")."""

    def __init__(self, *args, unit_path: str, **kwargs):
        kwargs.setdefault("queryset", Unit.objects.all())
        kwargs.setdefault("help_text", _("A unit id: matches that unit and all its sub-units."))
        super().__init__(*args, **kwargs)
        self.unit_path = unit_path

    def filter(self, qs, value):
        if not value:
            return qs
        return qs.filter(**{f"{self.unit_path}__startswith": value.path})


# The base of filters on rows about a person (competence records, Green Cards, ticks):
# `person` is their id, `unit` their unit with its sub-units. (No docstring: the schema
# would show it.)
class PersonRowsFilter(django_filters.FilterSet):
    person = IdFilter(field_name="person_id")
    unit = WithinUnitFilter(unit_path="person__profile__unit__path")


class UnitFilter(django_filters.FilterSet):
    within = WithinUnitFilter(unit_path="path")
    parent = IdFilter(field_name="parent_id")
    code = django_filters.CharFilter()

    class Meta:
        model = Unit
        fields = ["within", "parent", "code"]


class PersonFilter(django_filters.FilterSet):
    unit = WithinUnitFilter(unit_path="profile__unit__path")
    cx_role = django_filters.ModelChoiceFilter(
        field_name="profile__cx_roles", queryset=CXRole.objects.all()
    )
    role = django_filters.ChoiceFilter(
        field_name="groups__name",
        choices=[(name, name) for name in ROLE_GROUPS],
        help_text=_("The person's cxlean role (group name)."),
    )
    is_active = StrictBooleanFilter()

    class Meta:
        model = User
        fields = ["unit", "cx_role", "role", "is_active"]
