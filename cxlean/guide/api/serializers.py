"""The seven-step guide over the API: texts in both languages plus `title` and
`description` in the request language."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _
from rest_framework import serializers

from cxlean.core.api import translated
from cxlean.guide.models import GuideActivity, GuideStep


class GuideActivitySerializer(serializers.ModelSerializer):
    title = translated()
    description = translated()

    class Meta:
        model = GuideActivity
        fields = [
            "id",
            "step",
            "order",
            "title",
            "description",
            "title_sv",
            "title_en",
            "description_sv",
            "description_en",
        ]


class RecommendedActivitySerializer(GuideActivitySerializer):
    """A step's recommended activity as shown inside the step (read-only)."""

    class Meta(GuideActivitySerializer.Meta):
        read_only_fields = GuideActivitySerializer.Meta.fields


class GuideStepSerializer(serializers.ModelSerializer):
    title = translated()
    description = translated()
    activities = RecommendedActivitySerializer(
        many=True,
        read_only=True,
        help_text=_("The step's recommended activities; change them at /guide-activities/."),
    )

    class Meta:
        model = GuideStep
        fields = [
            "id",
            "number",
            "title",
            "description",
            "title_sv",
            "title_en",
            "description_sv",
            "description_en",
            "weight",
            "activities",
        ]
