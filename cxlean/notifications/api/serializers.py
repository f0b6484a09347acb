"""Notifications and notification preferences over the API: a person's own only."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _
from rest_framework import serializers

from cxlean.core.api import enum_field
from cxlean.notifications.models import Delivery, Kind, Language, Notification, Preference


class NotificationSerializer(serializers.ModelSerializer):
    kind = enum_field(Kind.choices, "notification-kind", read_only=True)
    kind_label = serializers.CharField(
        source="get_kind_display", read_only=True, help_text=_("The label in the request language.")
    )
    title = serializers.CharField(
        read_only=True, help_text=_("Rendered in the request language from kind and params.")
    )
    body = serializers.CharField(
        read_only=True, help_text=_("Rendered in the request language from kind and params.")
    )
    params = serializers.JSONField(
        read_only=True,
        help_text=_("The facts of the notification, language-independent (ids, names, dates)."),
    )
    is_read = serializers.BooleanField(read_only=True)
    subject_type = serializers.SerializerMethodField(
        help_text=_("What the notification is about, as app_label.model (e.g. plans.activity).")
    )

    class Meta:
        model = Notification
        fields = [
            "id",
            "kind",
            "kind_label",
            "title",
            "body",
            "params",
            "url",
            "subject_type",
            "subject_id",
            "created_at",
            "is_read",
            "read_at",
            "emailed_at",
        ]
        read_only_fields = fields

    def get_subject_type(self, obj: Notification) -> str | None:
        if obj.subject_type_id is None:
            return None
        from django.contrib.contenttypes.models import ContentType

        content_type = ContentType.objects.get_for_id(obj.subject_type_id)
        return f"{content_type.app_label}.{content_type.model}"


class MarkedSerializer(serializers.Serializer):
    marked = serializers.IntegerField(help_text=_("How many notifications were marked as read."))


class PreferenceSerializer(serializers.ModelSerializer):
    delivery = enum_field(Delivery.choices, "notification-delivery", required=False)
    language = enum_field(Language.choices, "notification-language", required=False)
    digest_hour = serializers.IntegerField(
        min_value=0,
        max_value=23,
        required=False,
        help_text=_("The hour of the day (0–23, local time) after which the daily digest is sent."),
    )

    class Meta:
        model = Preference
        fields = ["email", "delivery", "digest_hour", "language"]


class CalendarFeedSerializer(serializers.Serializer):
    enabled = serializers.BooleanField(
        read_only=True, help_text=_("Whether the private calendar feed is on.")
    )
    url = serializers.CharField(
        read_only=True,
        allow_null=True,
        help_text=_(
            "The private iCalendar address (no login needed: keep it secret), or null when "
            "the feed is off."
        ),
    )
