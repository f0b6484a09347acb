"""Query-string filters for the competence API. As everywhere in cxlean, `unit` means
the unit and all its sub-units, and a malformed value is a 400, never "no filter"."""

from __future__ import annotations

import django_filters
from django.contrib.auth.models import User
from django.db.models import QuerySet
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from cxlean.competence.models import (
    CARD_DATE_STATUSES,
    Area,
    CompetenceActivity,
    Goal,
    GreenCard,
    GreenCardQuerySet,
    Level,
    Record,
    Requirement,
    TraineePlan,
)
from cxlean.org.api.filters import (
    IdFilter,
    PersonRowsFilter,
    StrictBooleanFilter,
    WithinUnitFilter,
)


class LevelFilter(django_filters.TypedChoiceFilter):
    def __init__(self, *args, **kwargs):
        kwargs.setdefault("choices", Level.choices)
        kwargs.setdefault("coerce", int)
        super().__init__(*args, **kwargs)


class AreaFilter(django_filters.FilterSet):
    step = IdFilter(field_name="step_id")

    class Meta:
        model = Area
        fields = ["step"]


class CompetenceActivityFilter(django_filters.FilterSet):
    area = IdFilter(field_name="area_id")
    role = IdFilter(
        field_name="requirements__role_id",
        help_text=_("A CX role id: the activities that role requires."),
    )
    code = django_filters.CharFilter()

    class Meta:
        model = CompetenceActivity
        fields = ["area", "role", "code"]


class RequirementFilter(django_filters.FilterSet):
    role = IdFilter(field_name="role_id")
    activity = IdFilter(field_name="activity_id")
    area = IdFilter(field_name="activity__area_id")

    class Meta:
        model = Requirement
        fields = ["role", "activity", "area"]


class RecordFilter(PersonRowsFilter):
    activity = IdFilter(field_name="activity_id")
    area = IdFilter(field_name="activity__area_id")
    level = LevelFilter(help_text=_("The signed-off level, 0 (not started) to 4 (O)."))
    awaits_sign_off = StrictBooleanFilter(
        method="filter_awaits_sign_off",
        help_text=_("true: self-assessed above the signed-off level and not rejected."),
    )
    expired = StrictBooleanFilter(
        method="filter_expired", help_text=_("true: the sign-off's validity has run out.")
    )

    class Meta:
        model = Record
        fields = ["person", "unit", "activity", "area", "level", "awaits_sign_off", "expired"]

    def filter_awaits_sign_off(self, queryset: QuerySet, name: str, value: bool) -> QuerySet:
        waiting = Record.objects.awaiting_sign_off().values("pk")
        return queryset.filter(pk__in=waiting) if value else queryset.exclude(pk__in=waiting)

    def filter_expired(self, queryset: QuerySet, name: str, value: bool) -> QuerySet:
        valid = Record.objects.valid_on(timezone.localdate()).values("pk")
        return queryset.exclude(pk__in=valid) if value else queryset.filter(pk__in=valid)


class GreenCardFilter(PersonRowsFilter):
    STATUSES = CARD_DATE_STATUSES

    role = IdFilter(field_name="role_id")
    concept = StrictBooleanFilter(
        field_name="role",
        lookup_expr="isnull",
        help_text=_("true: only cards for the Lean CX concept as a whole (no role)."),
    )
    status = django_filters.ChoiceFilter(
        choices=STATUSES, method="filter_status", help_text=_("The card's status today.")
    )

    class Meta:
        model = GreenCard
        fields = ["person", "role", "concept", "unit", "status"]

    def filter_status(self, queryset: GreenCardQuerySet, name: str, value: str) -> QuerySet:
        return queryset.with_date_status(value, timezone.localdate())


class TraineePlanFilter(PersonRowsFilter):
    mentor = IdFilter(field_name="mentor_id")

    class Meta:
        model = TraineePlan
        fields = ["person", "mentor", "unit"]


class GoalFilter(django_filters.FilterSet):
    plan = IdFilter(field_name="plan_id")
    person = IdFilter(field_name="plan__person_id")
    activity = IdFilter(field_name="activity_id")
    due_date = django_filters.DateFromToRangeFilter(
        help_text=_("Due between due_date_after and due_date_before (inclusive).")
    )

    class Meta:
        model = Goal
        fields = ["plan", "person", "activity", "due_date"]


class ProgressFilter(django_filters.FilterSet):
    person = IdFilter(field_name="pk")
    unit = WithinUnitFilter(unit_path="profile__unit__path")
    role = IdFilter(field_name="profile__cx_roles", help_text=_("People holding this CX role."))

    class Meta:
        model = User
        fields = ["person", "unit", "role"]
