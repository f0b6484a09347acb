"""The evidence rows' query parameters and columns."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _
from rest_framework import serializers

from cxlean.insights.evidence import BAD, GOOD, KEYS, WARN
from cxlean.metrics.models import PeriodKind

MAX_PERIODS = 36


class EvidenceParams(serializers.Serializer):
    period_kind = serializers.ChoiceField(
        choices=PeriodKind.choices,
        default=PeriodKind.QUARTER,
        help_text=_("month or quarter (default)."),
    )
    # "from" and "to" are the parameters' names; `from` is a Python keyword.
    locals()["from"] = serializers.DateField(
        required=False,
        help_text=_(
            "A day in the first period, YYYY-MM-DD; by default the fourth quarter or the "
            "twelfth month before the current one."
        ),
    )
    locals()["to"] = serializers.DateField(
        required=False,
        help_text=_("A day in the last period, YYYY-MM-DD; by default today."),
    )
    unit = serializers.IntegerField(
        required=False, min_value=1, help_text=_("A unit id: it and its sub-units.")
    )
    indicator = serializers.ChoiceField(
        choices=KEYS, required=False, help_text=_("Only this indicator.")
    )

    def validate(self, attrs: dict) -> dict:
        first, last = attrs.get("from"), attrs.get("to")
        if first and last and first > last:
            raise serializers.ValidationError(
                {"to": [_("The last period cannot be before the first.")]}
            )
        return attrs


class EvidenceRowSerializer(serializers.Serializer):
    unit = serializers.IntegerField(help_text=_("The unit id (the unit with its sub-units)."))
    unit_code = serializers.CharField()
    unit_name = serializers.CharField()
    period_kind = serializers.ChoiceField(choices=PeriodKind.choices)
    period_start = serializers.DateField(help_text=_("The period's first day."))
    period_end = serializers.DateField(help_text=_("The period's last day."))
    period_label = serializers.CharField(help_text=_("2026-11 or 2026 Q4 (2026 K4 in Swedish)."))
    indicator = serializers.ChoiceField(choices=KEYS, help_text=_("The indicator's code."))
    label = serializers.CharField(  # type: ignore[assignment]  # the API field is named label
        help_text=_("The indicator's name in the request language.")
    )
    value = serializers.DecimalField(
        max_digits=14,
        decimal_places=2,
        allow_null=True,
        coerce_to_string=False,
        help_text=_("Empty when not available (no data), never 0 for missing data."),
    )
    available = serializers.BooleanField()
    display = serializers.CharField(help_text=_("The figure as shown, in words when missing."))
    tone = serializers.ChoiceField(
        choices=[GOOD, WARN, BAD, ""], help_text=_("good, warn, bad or empty (no judgement).")
    )
    detail = serializers.CharField(help_text=_("What was counted, in one sentence."))
