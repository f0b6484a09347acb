"""Rollout plans, phases and activities over the API.

Every write runs the model layer's validation (`full_clean`, `Activity.clean`,
`validate_dependencies`) before anything is saved, so a bad request is a 400 with
field errors and changes nothing. Related objects can only be chosen from what the
requesting user may use: phases of plans they edit, predecessors they can see.
"""

from __future__ import annotations

from collections.abc import Callable
from decimal import Decimal
from typing import TypedDict

from django.contrib.auth.models import User
from django.core.exceptions import ValidationError as DjangoValidationError
from django.db.models import QuerySet
from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from cxlean.core.api import (
    ModelValidatedSerializer,
    ScopedPrimaryKeyField,
    name_field,
    requesting_user,
)
from cxlean.core.names import display_name
from cxlean.org.roles import coordinates_unit
from cxlean.plans.models import (
    Activity,
    ActivityQuerySet,
    Phase,
    Plan,
    PlanQuerySet,
    progress_percent,
    validate_dependencies,
)
from cxlean.plans.services import plan_create_from_guide


class DecimalFormat(TypedDict):
    max_digits: int
    decimal_places: int


MONEY: DecimalFormat = {"max_digits": 14, "decimal_places": 2}


def editable_plans(plans: PlanQuerySet, user) -> QuerySet:
    return plans.editable_by(user)


def phases_of_editable_plans(phases: QuerySet, user) -> QuerySet:
    return phases.filter(plan__in=Plan.objects.editable_by(user))


def visible_activities(activities: ActivityQuerySet, user) -> QuerySet:
    return activities.visible_to(user)


def money(amount: Decimal) -> str:
    return serializers.DecimalField(**MONEY).to_representation(amount)


def run_all_checks(*checks: Callable[[], None]) -> None:
    """Run every check and raise all their errors together, so one answer lists every
    problem with the request."""
    errors: dict = {}
    for check in checks:
        try:
            check()
        except DjangoValidationError as error:
            errors = error.update_error_dict(errors)
    if errors:
        raise DjangoValidationError(errors)


class ActivitySerializer(ModelValidatedSerializer):
    plan = serializers.IntegerField(source="phase.plan_id", read_only=True)
    phase = ScopedPrimaryKeyField(
        queryset=Phase.objects.select_related("plan"), scope=phases_of_editable_plans
    )
    owner = serializers.PrimaryKeyRelatedField(
        queryset=User.objects.filter(is_active=True), allow_null=True, required=False
    )
    owner_name = name_field("owner")
    depends_on = ScopedPrimaryKeyField(
        many=True,
        required=False,
        queryset=Activity.objects.select_related("phase"),
        scope=visible_activities,
        help_text=_(
            "Finish-to-start predecessors: activities of the same plan that end "
            "on or before this one's start."
        ),
    )
    is_late = serializers.BooleanField(read_only=True)

    class Meta:
        model = Activity
        fields = [
            "id",
            "plan",
            "phase",
            "guide_activity",
            "order",
            "title",
            "description",
            "owner",
            "owner_name",
            "start_date",
            "due_date",
            "status",
            "planned_cost",
            "actual_cost",
            "depends_on",
            "is_late",
        ]

    def validate_phase(self, phase: Phase) -> Phase:
        if self.instance is not None and phase.plan_id != self.instance.phase.plan_id:
            raise serializers.ValidationError(
                _("An activity can only move to another phase of the same plan.")
            )
        return phase

    def validate_model(self, activity: Activity, attrs) -> None:
        if "depends_on" in attrs:
            predecessors = attrs["depends_on"]
        else:  # new dates must still fit the existing predecessors
            predecessors = list(activity.depends_on.select_related("phase")) if activity.pk else []
        run_all_checks(
            lambda: super(ActivitySerializer, self).validate_model(activity, attrs),
            lambda: validate_dependencies(activity, predecessors),
        )


class ActivityStatusSerializer(serializers.ModelSerializer):
    """What an activity's owner may change: its status."""

    class Meta:
        model = Activity
        fields = ["status"]

    def update(self, activity: Activity, validated_data: dict) -> Activity:
        if "status" in validated_data:
            activity.status = validated_data["status"]
            activity.save(update_fields=["status"])
        return activity


class PhaseSerializer(ModelValidatedSerializer):
    plan = ScopedPrimaryKeyField(queryset=Plan.objects.all(), scope=editable_plans)

    class Meta:
        model = Phase
        fields = ["id", "plan", "step", "order", "title"]

    def validate_plan(self, plan: Plan) -> Plan:
        if self.instance is not None and plan.pk != self.instance.plan_id:
            raise serializers.ValidationError(_("A phase cannot move to another plan."))
        return plan


class PhaseWithActivitiesSerializer(serializers.ModelSerializer):
    activities = ActivitySerializer(many=True, read_only=True)

    class Meta:
        model = Phase
        fields = ["id", "step", "order", "title", "activities"]
        read_only_fields = fields


class PlanSerializer(serializers.ModelSerializer):
    """A plan with the figures `Plan.objects.with_figures()` computes in the same query."""

    unit_name = serializers.CharField(source="unit.name", read_only=True)
    coordinator_name = serializers.SerializerMethodField()
    activity_count = serializers.IntegerField(
        read_only=True, help_text=_("Activities that are not cancelled.")
    )
    done_count = serializers.IntegerField(read_only=True)
    late_count = serializers.IntegerField(
        read_only=True, help_text=_("Open activities whose due date has passed.")
    )
    blocked_count = serializers.IntegerField(read_only=True)
    progress_percent = serializers.SerializerMethodField(
        help_text=_("Done activities as a share of those not cancelled, in whole percent.")
    )
    planned_total = serializers.DecimalField(
        **MONEY, read_only=True, help_text=_("Planned cost of the activities not cancelled.")
    )
    actual_total = serializers.DecimalField(**MONEY, read_only=True)
    budget_remaining = serializers.SerializerMethodField(
        help_text=_("Budget minus actual cost: what is left to spend.")
    )

    class Meta:
        model = Plan
        fields = [
            "id",
            "name",
            "unit",
            "unit_name",
            "description",
            "coordinator",
            "coordinator_name",
            "start_date",
            "end_date",
            "budget",
            "activity_count",
            "done_count",
            "late_count",
            "blocked_count",
            "progress_percent",
            "planned_total",
            "actual_total",
            "budget_remaining",
            "created_at",
            "updated_at",
        ]
        read_only_fields = fields

    def get_coordinator_name(self, plan: Plan) -> str:
        return display_name(plan.coordinator)

    def get_progress_percent(self, plan: Plan) -> int:
        return progress_percent(plan.done_count, plan.activity_count)

    @extend_schema_field(serializers.DecimalField(**MONEY))
    def get_budget_remaining(self, plan: Plan) -> str:
        return money(plan.budget - plan.actual_total)


class PlanDetailSerializer(PlanSerializer):
    phases = PhaseWithActivitiesSerializer(many=True, read_only=True)

    class Meta(PlanSerializer.Meta):
        fields = [*PlanSerializer.Meta.fields, "phases"]
        read_only_fields = fields


class PlanWriteSerializer(ModelValidatedSerializer):
    coordinator = serializers.PrimaryKeyRelatedField(
        queryset=User.objects.filter(is_active=True),
        required=False,
        help_text=_("The person responsible; the requesting user when left out."),
    )

    class Meta:
        model = Plan
        fields = ["name", "unit", "description", "coordinator", "start_date", "end_date", "budget"]

    def validate_unit(self, unit):
        if not coordinates_unit(requesting_user(self), unit):
            raise serializers.ValidationError(_("You can only plan for the units you coordinate."))
        return unit

    def validate(self, attrs):
        if self.instance is None:
            attrs.setdefault("coordinator", requesting_user(self))
        return super().validate(attrs)


class PlanCreateSerializer(PlanWriteSerializer):
    prefill_from_guide = serializers.BooleanField(
        default=True,
        write_only=True,
        help_text=_(
            "Create a phase per guide step with the guide's recommended activities, "
            "spread over the plan's dates and budget."
        ),
    )

    class Meta(PlanWriteSerializer.Meta):
        fields = [*PlanWriteSerializer.Meta.fields, "prefill_from_guide"]

    def validate(self, attrs):
        prefill = attrs.pop("prefill_from_guide", True)
        attrs = super().validate(attrs)
        attrs["prefill_from_guide"] = prefill
        return attrs

    def create(self, validated_data: dict) -> Plan:
        if validated_data.pop("prefill_from_guide"):
            return plan_create_from_guide(**validated_data)
        return Plan.objects.create(**validated_data)
