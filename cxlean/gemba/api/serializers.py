"""Gemba walks over the API: question sets and questions, schedules, walks, answers,
observations and the cadence.

The rules stay in `cxlean.gemba.models`: `Walk.clean` (a walk says where it goes),
`Observation.clean` (kinds of Muda only with Muda), `Answer.clean` (the question is the
walk's), the photo validators (`cxlean.gemba.photos`). Codes for filtering and joining,
`*_label` fields for people, in the request language (Accept-Language).
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.contrib.auth.models import User
from django.utils.translation import gettext_lazy as _
from rest_framework import serializers

from cxlean.core.api import (
    DownloadField,
    ModelValidatedSerializer,
    ScopedPrimaryKeyField,
    enum_field,
    label,
    name_field,
    name_of,
    translated_fields,
)
from cxlean.gemba.models import (
    Answer,
    Frequency,
    Observation,
    Question,
    QuestionSet,
    Schedule,
    Severity,
    Walk,
    WalkStatus,
)
from cxlean.journeys.models import Touchpoint
from cxlean.org.api.serializers import unit_check
from cxlean.org.models import Unit

if TYPE_CHECKING:
    pass


def visible_walks(walks, user):
    return walks.visible_to(user)


def observable_walks(walks, user):
    """Walks the user sees; whether they may observe on the one chosen is checked by
    the viewset (403), as with every "visible but not yours" answer."""
    return walks.visible_to(user)


# --- question sets -----------------------------------------------------------------------


class QuestionSerializer(ModelValidatedSerializer):
    text = serializers.CharField(read_only=True, help_text=_("In the request language."))
    help = serializers.CharField(read_only=True, help_text=_("In the request language."))

    class Meta:
        model = Question
        fields = [
            "id",
            "question_set",
            "order",
            *translated_fields("text", "help"),
        ]


class NestedQuestionSerializer(QuestionSerializer):
    class Meta(QuestionSerializer.Meta):
        fields = [name for name in QuestionSerializer.Meta.fields if name != "question_set"]
        read_only_fields = fields


class QuestionSetSerializer(ModelValidatedSerializer):
    name = serializers.CharField(read_only=True, help_text=_("In the request language."))
    description = serializers.CharField(read_only=True, help_text=_("In the request language."))
    questions = NestedQuestionSerializer(many=True, read_only=True)

    class Meta:
        model = QuestionSet
        fields = [
            "id",
            "code",
            *translated_fields("name", "description"),
            "active",
            "questions",
        ]


# --- schedules ---------------------------------------------------------------------------

SCHEDULE_RELATED = ["unit", "leader", "touchpoint", "question_set"]


class ScheduleSerializer(ModelValidatedSerializer):
    unit_name = serializers.CharField(source="unit.name", read_only=True)
    frequency = enum_field(Frequency.choices, "gemba-frequency", required=False)
    frequency_label = label("frequency")
    weekday_label = label("weekday")
    leader = serializers.PrimaryKeyRelatedField(
        queryset=User.objects.filter(is_active=True), allow_null=True, required=False
    )
    leader_name = serializers.SerializerMethodField()
    touchpoint = serializers.PrimaryKeyRelatedField(
        queryset=Touchpoint.objects.all(), allow_null=True, required=False
    )
    touchpoint_name = serializers.CharField(source="touchpoint.name", read_only=True, default=None)
    question_set_name = serializers.CharField(
        source="question_set.name", read_only=True, default=None
    )

    class Meta:
        model = Schedule
        fields = [
            "id",
            "unit",
            "unit_name",
            "title",
            "place",
            "process",
            "touchpoint",
            "touchpoint_name",
            "question_set",
            "question_set_name",
            "leader",
            "leader_name",
            "frequency",
            "frequency_label",
            "interval",
            "weekday",
            "weekday_label",
            "day_of_month",
            "start_time",
            "duration_minutes",
            "starts_on",
            "ends_on",
            "active",
            "created_by",
        ]
        read_only_fields = ["created_by"]

    def get_leader_name(self, schedule: Schedule) -> str | None:
        return name_of(schedule.leader)

    def validate_unit(self, unit: Unit) -> Unit:
        return unit_check(
            self, unit, _("You can plan schedules only for the units you coordinate.")
        )

    def validate_model(self, schedule: Schedule, attrs) -> None:
        schedule.full_clean(exclude=["created_by"], validate_unique=False)


# --- walks -------------------------------------------------------------------------------

WALK_RELATED = ["unit", "leader", "touchpoint", "question_set", "schedule"]


class WalkSerializer(ModelValidatedSerializer):
    unit_name = serializers.CharField(source="unit.name", read_only=True)
    leader = serializers.PrimaryKeyRelatedField(queryset=User.objects.filter(is_active=True))
    leader_name = serializers.SerializerMethodField()
    participants = serializers.PrimaryKeyRelatedField(
        queryset=User.objects.filter(is_active=True),
        many=True,
        required=False,
        help_text=_("The ids of the people taking part (besides the leader)."),
    )
    touchpoint = serializers.PrimaryKeyRelatedField(
        queryset=Touchpoint.objects.all(), allow_null=True, required=False
    )
    touchpoint_name = serializers.CharField(source="touchpoint.name", read_only=True, default=None)
    question_set_name = serializers.CharField(
        source="question_set.name", read_only=True, default=None
    )
    where = serializers.CharField(
        read_only=True, help_text=_("The touchpoint, else the place, else the process.")
    )
    status = enum_field(WalkStatus.choices, "gemba-walk-status", read_only=True)
    status_label = label("status")
    overdue = serializers.BooleanField(
        source="is_overdue",
        read_only=True,
        help_text=_("Still planned more than a day after it should have started."),
    )

    class Meta:
        model = Walk
        fields = [
            "id",
            "unit",
            "unit_name",
            "schedule",
            "planned_start",
            "duration_minutes",
            "actual_minutes",
            "leader",
            "leader_name",
            "participants",
            "place",
            "process",
            "touchpoint",
            "touchpoint_name",
            "where",
            "question_set",
            "question_set_name",
            "status",
            "status_label",
            "overdue",
            "summary",
            "created_by",
            "created_at",
            "updated_at",
        ]
        read_only_fields = [
            "schedule",
            "actual_minutes",
            "status",
            "created_by",
            "created_at",
            "updated_at",
        ]

    def get_leader_name(self, walk: Walk) -> str | None:
        return name_of(walk.leader)

    def validate_unit(self, unit: Unit) -> Unit:
        return unit_check(self, unit, _("You can plan walks only for the units you coordinate."))

    def validate_model(self, walk: Walk, attrs) -> None:
        walk.full_clean(exclude=["created_by", "schedule"], validate_unique=False)


class CompleteSerializer(serializers.Serializer):
    actual_minutes = serializers.IntegerField(
        min_value=1, max_value=720, help_text=_("How long the walk took, in minutes.")
    )
    summary = serializers.CharField(required=False, allow_blank=True, default="")


# --- answers -----------------------------------------------------------------------------


class AnswerSerializer(ModelValidatedSerializer):
    walk = ScopedPrimaryKeyField(
        queryset=Walk.objects.select_related("unit"), scope=observable_walks
    )
    question_text = serializers.CharField(source="question.text", read_only=True)
    answered_by_name = name_field("answered_by")

    class Meta:
        model = Answer
        fields = [
            "id",
            "walk",
            "question",
            "question_text",
            "text",
            "answered_by",
            "answered_by_name",
            "updated_at",
        ]
        read_only_fields = ["answered_by", "updated_at"]

    def validate(self, attrs):
        if self.instance is not None:
            # An answer stays with its walk and question; only the text changes.
            for name in ("walk", "question"):
                if name in attrs and attrs[name] != getattr(self.instance, name):
                    raise serializers.ValidationError(
                        {name: [_("An answer cannot move to another walk or question.")]}
                    )
        return super().validate(attrs)

    def validate_model(self, answer: Answer, attrs) -> None:
        answer.full_clean(exclude=["answered_by"], validate_unique=False)


# --- observations ------------------------------------------------------------------------

PHOTO_HELP = _(
    "Upload: a JPEG, PNG or WebP image of at most 8 MB and 40 megapixels (multipart). "
    "Read: the link that downloads it for those who see the walk."
)


class ObservationSerializer(ModelValidatedSerializer):
    """Send as JSON, or as multipart/form-data with a photo."""

    walk = ScopedPrimaryKeyField(
        queryset=Walk.objects.select_related("unit", "touchpoint"), scope=observable_walks
    )
    unit = serializers.IntegerField(source="walk.unit_id", read_only=True)
    severity = enum_field(
        Severity.choices, "gemba-severity", required=False, help_text=_("1 low, 2 medium, 3 high.")
    )
    severity_label = label("severity")
    waste_label = label("waste")
    muda_kind_label = label("muda_kind")
    touchpoint = serializers.PrimaryKeyRelatedField(
        queryset=Touchpoint.objects.all(), allow_null=True, required=False
    )
    touchpoint_name = serializers.CharField(source="touchpoint.name", read_only=True, default=None)
    photo = DownloadField(
        "gemba-observation-photo",
        required=False,
        allow_null=True,
        validators=Observation._meta.get_field("photo").validators,
        help_text=PHOTO_HELP,
    )
    photo_display = DownloadField(
        "gemba-observation-display",
        read_only=True,
        help_text=_("The link to the display copy (JPEG, at most 1600 px), made on upload."),
    )
    client_token = serializers.UUIDField(
        required=False,
        allow_null=True,
        help_text=_(
            "Optional one-time token: sending the same token again returns the "
            "observation it created instead of a second one."
        ),
    )
    created_by_name = name_field("created_by")
    improvement_title = serializers.CharField(
        source="improvement.title", read_only=True, default=None
    )

    class Meta:
        model = Observation
        fields = [
            "id",
            "walk",
            "unit",
            "text",
            "waste",
            "waste_label",
            "muda_kind",
            "muda_kind_label",
            "severity",
            "severity_label",
            "touchpoint",
            "touchpoint_name",
            "photo",
            "photo_display",
            "client_token",
            "improvement",
            "improvement_title",
            "created_by",
            "created_by_name",
            "created_at",
        ]
        read_only_fields = ["improvement", "created_by", "created_at"]

    def get_fields(self) -> dict:
        fields = super().get_fields()
        if self.instance is not None and not isinstance(self.instance, list):
            fields["walk"].read_only = True  # an observation stays with its walk
            fields["client_token"].read_only = True
        return fields

    def validate_model(self, observation: Observation, attrs) -> None:
        observation.full_clean(
            exclude=["created_by", "photo", "improvement", "client_token"],
            validate_unique=False,
            validate_constraints=False,
        )


# --- cadence -----------------------------------------------------------------------------


class CadenceRowSerializer(serializers.Serializer):
    unit = serializers.IntegerField(help_text=_("The unit id (its walks and its sub-units')."))
    unit_name = serializers.CharField()
    month = serializers.DateField(help_text=_("The first day of the month."))
    planned = serializers.IntegerField(help_text=_("Walks of the month, not cancelled."))
    done = serializers.IntegerField()
    cancelled = serializers.IntegerField()
    ratio = serializers.FloatField(
        allow_null=True, help_text=_("done / planned; empty when nothing was planned.")
    )
