"""Customer journeys (stages, touchpoints, transitions) and customer feedback over the
API. The rules stay in `cxlean.journeys.models`: `Transition.clean` keeps a transition
inside one journey, `may_change_journey` and `may_log_feedback` say who writes. Labels
(`*_label`) are in the request language (Accept-Language).
"""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from cxlean.core.api import (
    ModelValidatedSerializer,
    label,
    name_field,
    requesting_user,
)
from cxlean.journeys.models import (
    Feedback,
    Journey,
    Stage,
    Touchpoint,
    Transition,
    may_change_journey,
)
from cxlean.org.models import Unit
from cxlean.org.roles import coordinates_unit

NOT_YOURS = _("Only a Lean coordinator of the journey's unit can change it.")
OPEN_HELP = _("How many open improvements (idea to check) concern it, across the organisation.")


class ChangeableJourneyField(serializers.PrimaryKeyRelatedField):
    """A journey the requesting user may change (coordinator of its unit); another is a
    400 that says so."""

    default_error_messages = {"not_yours": NOT_YOURS}

    def to_internal_value(self, data) -> Journey:
        journey = super().to_internal_value(data)
        if not may_change_journey(self.context["request"].user, journey):
            self.fail("not_yours")
        return journey


# --- journeys ----------------------------------------------------------------------------


class JourneySerializer(ModelValidatedSerializer):
    unit_name = serializers.CharField(source="unit.name", read_only=True)
    stage_count = serializers.IntegerField(read_only=True)
    touchpoint_count = serializers.IntegerField(read_only=True)
    open_improvements = serializers.IntegerField(read_only=True, help_text=OPEN_HELP)

    class Meta:
        model = Journey
        fields = [
            "id",
            "name",
            "unit",
            "unit_name",
            "persona",
            "description",
            "created_at",
            "stage_count",
            "touchpoint_count",
            "open_improvements",
        ]
        read_only_fields = ["created_at"]

    def validate_unit(self, unit: Unit) -> Unit:
        if not coordinates_unit(requesting_user(self), unit):
            raise serializers.ValidationError(_("Choose a unit you coordinate."))
        return unit


# What a touchpoint shows on the map and in its own endpoint: its labels and open
# improvements, and the fields after its place (`TOUCHPOINT_FIELDS`). (No docstring: the
# schema would show it.)
class TouchpointFields(serializers.Serializer):
    channel_label = label("channel")
    emotion_label = label("emotion")
    open_improvements = serializers.IntegerField(read_only=True, help_text=OPEN_HELP)


TOUCHPOINT_FIELDS = [
    "order",
    "name",
    "channel",
    "channel_label",
    "owner_role",
    "partner_controlled",
    "emotion",
    "emotion_label",
    "description",
    "open_improvements",
]


class MapTouchpointSerializer(TouchpointFields, serializers.ModelSerializer):
    class Meta:
        model = Touchpoint
        fields = ["id", *TOUCHPOINT_FIELDS]
        read_only_fields = fields


class MapStageSerializer(serializers.ModelSerializer):
    touchpoints = MapTouchpointSerializer(many=True, read_only=True)

    class Meta:
        model = Stage
        fields = ["id", "order", "name", "description", "touchpoints"]
        read_only_fields = fields


class MapTransitionSerializer(serializers.ModelSerializer):
    open_improvements = serializers.IntegerField(read_only=True, help_text=OPEN_HELP)

    class Meta:
        model = Transition
        fields = ["id", "source", "target", "friction", "open_improvements"]
        read_only_fields = fields


class JourneyMapSerializer(JourneySerializer):
    """A journey with its map: stages in order, each with its touchpoints (channel,
    emotion, open improvements), and the transitions between touchpoints."""

    stages = MapStageSerializer(many=True, read_only=True)
    transitions = serializers.SerializerMethodField()

    class Meta(JourneySerializer.Meta):
        fields = [*JourneySerializer.Meta.fields, "stages", "transitions"]

    @extend_schema_field(MapTransitionSerializer(many=True))
    def get_transitions(self, journey: Journey) -> list[dict]:
        transitions = [
            transition
            for stage in journey.stages.all()
            for touchpoint in stage.touchpoints.all()
            for transition in touchpoint.transitions_out.all()
        ]
        # many=True makes a ListSerializer, whose data is a list; the stubs do not know.
        return MapTransitionSerializer(transitions, many=True).data  # type: ignore[return-value]


class StageSerializer(ModelValidatedSerializer):
    journey = ChangeableJourneyField(queryset=Journey.objects.select_related("unit"))

    class Meta:
        model = Stage
        fields = ["id", "journey", "order", "name", "description"]

    def validate_journey(self, journey: Journey) -> Journey:
        if self.instance is not None and journey.pk != self.instance.journey_id:
            raise serializers.ValidationError(_("A stage cannot move to another journey."))
        return journey


class TouchpointSerializer(TouchpointFields, ModelValidatedSerializer):
    stage = serializers.PrimaryKeyRelatedField(
        queryset=Stage.objects.select_related("journey__unit")
    )
    journey = serializers.IntegerField(source="stage.journey_id", read_only=True)
    journey_name = serializers.CharField(source="stage.journey.name", read_only=True)
    stage_name = serializers.CharField(source="stage.name", read_only=True)

    class Meta:
        model = Touchpoint
        fields = ["id", "journey", "journey_name", "stage", "stage_name", *TOUCHPOINT_FIELDS]

    def validate_stage(self, stage: Stage) -> Stage:
        if self.instance is not None and stage.journey_id != self.instance.stage.journey_id:
            raise serializers.ValidationError(
                _("A touchpoint can only move to another stage of the same journey.")
            )
        if not may_change_journey(requesting_user(self), stage.journey):
            raise serializers.ValidationError(NOT_YOURS)
        return stage


class TransitionSerializer(ModelValidatedSerializer):
    # A declared field named `source` does not shadow `Field.source`: the serializer's
    # metaclass takes declared fields off the class; the stubs do not know.
    source = serializers.PrimaryKeyRelatedField(  # type: ignore[assignment]
        queryset=Touchpoint.objects.select_related("stage__journey__unit")
    )
    target = serializers.PrimaryKeyRelatedField(
        queryset=Touchpoint.objects.select_related("stage__journey")
    )
    journey = serializers.IntegerField(source="source.stage.journey_id", read_only=True)
    source_name = serializers.CharField(source="source.name", read_only=True)
    target_name = serializers.CharField(source="target.name", read_only=True)
    open_improvements = serializers.IntegerField(read_only=True, help_text=OPEN_HELP)

    class Meta:
        model = Transition
        fields = [
            "id",
            "journey",
            "source",
            "source_name",
            "target",
            "target_name",
            "friction",
            "open_improvements",
        ]

    def validate_source(self, source: Touchpoint) -> Touchpoint:
        if self.instance is not None and source.journey.pk != self.instance.journey.pk:
            raise serializers.ValidationError(
                _("A transition can only join touchpoints of its own journey.")
            )
        if not may_change_journey(requesting_user(self), source.journey):
            raise serializers.ValidationError(NOT_YOURS)
        return source


# --- customer feedback -------------------------------------------------------------------


class FeedbackSerializer(ModelValidatedSerializer):
    unit_name = serializers.CharField(source="unit.name", read_only=True)
    source_label = label("source")
    channel_label = label("channel")
    sentiment_label = label("sentiment")
    touchpoint = serializers.PrimaryKeyRelatedField(
        queryset=Touchpoint.objects.all(), allow_null=True, required=False
    )
    touchpoint_name = serializers.CharField(source="touchpoint.name", read_only=True, default=None)
    created_by_name = name_field("created_by")
    improvement = serializers.SerializerMethodField(
        help_text=_("The improvement made from it, if any (POST .../make-improvement/).")
    )

    class Meta:
        model = Feedback
        fields = [
            "id",
            "unit",
            "unit_name",
            "source",
            "source_label",
            "channel",
            "channel_label",
            "touchpoint",
            "touchpoint_name",
            "received_on",
            "what_happened",
            "how_it_felt",
            "what_to_improve",
            "sentiment",
            "sentiment_label",
            "customer_reference",
            "created_by",
            "created_by_name",
            "created_at",
            "improvement",
        ]
        read_only_fields = ["created_by", "created_at"]

    def get_improvement(self, feedback: Feedback) -> int | None:
        # `improvement` is selected with the feedback (a reverse one-to-one).
        try:
            return feedback.improvement.pk
        except Feedback.improvement.RelatedObjectDoesNotExist:
            return None

    def validate_unit(self, unit: Unit) -> Unit:
        user = requesting_user(self)
        feedback = self.instance if self.instance is not None else Feedback(created_by=user)
        if not feedback.may_place(user, unit):
            raise serializers.ValidationError(
                _("You can log feedback for your own part of the organisation only.")
            )
        return unit

    def validate_model(self, feedback: Feedback, attrs) -> None:
        feedback.full_clean(
            exclude=["created_by"], validate_unique=False, validate_constraints=False
        )

    def create(self, validated_data: dict) -> Feedback:
        validated_data["created_by"] = requesting_user(self)
        return super().create(validated_data)
