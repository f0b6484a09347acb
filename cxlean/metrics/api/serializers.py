"""CX metrics over the API: the metric catalogue, targets, survey answers, entered figures
and the flat results table.

The rules stay in `cxlean.metrics.models` (`SurveyAnswer.clean`: the answer within the
metric's scale, not a churn or CLV answer, not from the future; `Measurement.clean`: the
period's first day, churn and CLV computed, percentages; `Target.clean`). A metric is
named by its kind (`nps`, `csat`, `ces`, `churn`, `clv`) in every request and answer.
"""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _
from rest_framework import serializers
from rest_framework.validators import UniqueTogetherValidator

from cxlean.core.api import (
    TRANSLATED_HELP,
    ModelValidatedSerializer,
    TranslatedCatalogueSerializer,
    enum_field,
    label,
    requesting_user,
    translated_fields,
)
from cxlean.journeys.models import Channel, Touchpoint
from cxlean.metrics.models import (
    ALREADY_ENTERED,
    MAPPING_FIELDS,
    Kind,
    Measurement,
    Metric,
    PeriodKind,
    SurveyAnswer,
    SurveySource,
    Target,
)
from cxlean.metrics.reports import Period
from cxlean.org.api.serializers import unit_check
from cxlean.org.roles import coordinates_unit

UNIT_MESSAGE = _("You can record metrics only for the units you coordinate.")


def metric_field(**kwargs) -> serializers.SlugRelatedField:
    return serializers.SlugRelatedField(
        slug_field="kind",
        queryset=Metric.objects.all(),
        help_text=_("The metric's kind: nps, csat, ces, churn or clv."),
        **kwargs,
    )


def touchpoint_field() -> serializers.PrimaryKeyRelatedField:
    return serializers.PrimaryKeyRelatedField(
        queryset=Touchpoint.objects.all(), allow_null=True, required=False
    )


class MetricSerializer(TranslatedCatalogueSerializer):
    kind = enum_field(Kind.choices, "metric-kind")
    kind_label = label("kind")

    class Meta:
        model = Metric
        fields = [
            "id",
            "kind",
            "kind_label",
            *translated_fields("name", "description"),
            "scale_min",
            "scale_max",
            "higher_is_better",
            "small_sample",
            "order",
            "active",
        ]


class ScopedSerializer(ModelValidatedSerializer):
    unit_name = serializers.CharField(source="unit.name", read_only=True)

    def validate_unit(self, unit):
        return unit_check(self, unit, str(UNIT_MESSAGE))


class TargetSerializer(ScopedSerializer):
    metric = metric_field()

    class Meta:
        model = Target
        fields = ["id", "metric", "unit", "unit_name", "value", "valid_from", "set_by", "set_at"]
        read_only_fields = ["set_by", "set_at"]
        validators: list[UniqueTogetherValidator]  # set below


class SurveyAnswerSerializer(ScopedSerializer):
    metric = metric_field()
    touchpoint = touchpoint_field()
    touchpoint_name = serializers.CharField(source="touchpoint.name", read_only=True, default=None)

    class Meta:
        model = SurveyAnswer
        fields = [
            "id",
            "metric",
            "unit",
            "unit_name",
            "touchpoint",
            "touchpoint_name",
            "answered_on",
            "score",
            "comment",
            "respondent",
            "created_by",
            "created_at",
        ]
        read_only_fields = ["created_by", "created_at"]


class MeasurementSerializer(ScopedSerializer):
    metric = metric_field()
    touchpoint = touchpoint_field()
    touchpoint_name = serializers.CharField(source="touchpoint.name", read_only=True, default=None)
    period_kind = enum_field(PeriodKind.choices, "metric-period-kind", required=False)
    period_end = serializers.DateField(read_only=True)
    period_label = serializers.SerializerMethodField()

    class Meta:
        model = Measurement
        fields = [
            "id",
            "metric",
            "unit",
            "unit_name",
            "touchpoint",
            "touchpoint_name",
            "period_kind",
            "period_start",
            "period_end",
            "period_label",
            "value",
            "sample_size",
            "customers_at_start",
            "customers_lost",
            "average_revenue",
            "margin_percent",
            "note",
            "entered_by",
            "entered_at",
        ]
        read_only_fields = ["entered_by", "entered_at"]
        validators: list = []  # `validate_model` checks the figure is not entered twice
        extra_kwargs = {
            "period_start": {
                "help_text": _("Any day of the month or quarter: saved as its first day.")
            },
            "value": {
                "help_text": _(
                    "Leave out for churn (computed from customers_at_start and "
                    "customers_lost) and CLV (from average_revenue, margin_percent and the "
                    "churn of the same period)."
                )
            },
        }

    def get_period_label(self, figure: Measurement) -> str:
        return Period(figure.period_kind, figure.period_start).label

    def validate_model(self, figure: Measurement, attrs) -> None:
        """`clean` normalises the period start and computes churn and CLV; keep what it
        worked out, then check the figure is not entered twice."""
        figure.full_clean(exclude=["entered_by"], validate_unique=False, validate_constraints=False)
        attrs["period_start"] = figure.period_start
        attrs["value"] = figure.value
        twins = Measurement.objects.filter(
            metric=figure.metric,
            unit=figure.unit,
            touchpoint=figure.touchpoint,
            period_kind=figure.period_kind,
            period_start=figure.period_start,
        )
        if self.instance is not None:
            twins = twins.exclude(pk=self.instance.pk)
        if twins.exists():
            raise serializers.ValidationError({"period_start": [ALREADY_ENTERED]})


# Unique (metric, unit, valid_from) with a clear message instead of DRF's generic one.
TargetSerializer.Meta.validators = [
    UniqueTogetherValidator(
        queryset=Target.objects.all(),
        fields=["metric", "unit", "valid_from"],
        message=_("The unit already has a target for this metric from this day: change it."),
    )
]


class ResultRowSerializer(serializers.Serializer):
    unit = serializers.IntegerField(help_text=_("The unit id (its figure counts its sub-units)."))
    unit_name = serializers.CharField()
    metric = serializers.CharField(help_text=_("The metric's kind: nps, csat, ces, churn or clv."))
    metric_name = serializers.CharField(help_text=TRANSLATED_HELP)
    period_kind = serializers.CharField(help_text=_("month or quarter"))
    period_start = serializers.DateField()
    period_end = serializers.DateField()
    period_label = serializers.CharField(help_text=_("2026-11 or 2026 Q4 (2026 K4 in Swedish)."))
    value = serializers.DecimalField(
        max_digits=12, decimal_places=2, allow_null=True, help_text=_("Empty: no figure.")
    )
    sample_size = serializers.IntegerField(allow_null=True)
    small_sample = serializers.BooleanField(
        help_text=_("The sample is below the metric's small-sample limit: read with care.")
    )
    source = serializers.CharField(  # type: ignore[assignment]  # a field named "source"
        help_text=_("answers (computed from survey answers), entered, or empty (no figure).")
    )
    target = serializers.DecimalField(max_digits=12, decimal_places=2, allow_null=True)
    meets_target = serializers.BooleanField(
        allow_null=True, help_text=_("Empty when there is no figure or no target.")
    )


SOURCE_FIELDS = [
    "id",
    "name",
    "slug",
    "unit",
    "unit_name",
    "default_unit",
    "active",
    "webhook_url",
    *MAPPING_FIELDS,
    "comments_to_feedback",
    "feedback_channel",
    "answers_received",
    "last_delivery_at",
    "secret_rotated_at",
    "created_at",
]


class SurveySourceSerializer(ScopedSerializer):
    """A survey tool's webhook settings. The secret is never read back: it is in the
    answer to the request that creates the source (`secret`) and to `rotate-secret`."""

    metric = metric_field(required=False, allow_null=True)
    webhook_url = serializers.CharField(read_only=True)
    feedback_channel = enum_field(Channel.choices, "feedback-channel", required=False)

    class Meta:
        model = SurveySource
        fields = SOURCE_FIELDS
        read_only_fields = [
            "answers_received",
            "last_delivery_at",
            "secret_rotated_at",
            "created_at",
        ]

    def validate_slug(self, slug: str) -> str:
        if self.instance is not None and slug != self.instance.slug:
            raise serializers.ValidationError(
                _("The slug cannot be changed: the tool's answer ids are remembered under it.")
            )
        return slug

    def validate_default_unit(self, unit):
        if unit is not None and not coordinates_unit(requesting_user(self), unit):
            raise serializers.ValidationError(UNIT_MESSAGE)
        return unit


class SurveySourceSecretSerializer(SurveySourceSerializer):
    secret = serializers.CharField(
        read_only=True, help_text=_("Shown this once: keep it in the survey tool.")
    )

    class Meta(SurveySourceSerializer.Meta):
        fields = [*SOURCE_FIELDS, "secret"]


class SecretSerializer(serializers.Serializer):
    secret = serializers.CharField(help_text=_("The new secret, shown this once."))
    secret_rotated_at = serializers.DateTimeField()


class PreviewSerializer(serializers.Serializer):
    """A sample payload mapped by a source's settings, nothing recorded: the rows as bulk
    ingestion would read them and the mapping's errors by index and field."""

    answers = serializers.ListField(child=serializers.DictField(allow_null=True))
    errors = serializers.ListField(child=serializers.DictField())  # type: ignore[assignment]  # a field named "errors"
