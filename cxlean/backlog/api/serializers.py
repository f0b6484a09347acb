"""Improvement items, their moves through PDCA, comments and attachments over the API.

The rules stay in `cxlean.backlog.models`: a move goes through `Item.move`, the scores
through `Item.save` (priority and quadrant are computed there and read-only here), the
classification through `Item.clean`. These serializers parse the request and present
the result: codes for filtering and joining, `*_label` fields for people, in the request
language (Accept-Language).
"""

from __future__ import annotations

from django.contrib.auth.models import User
from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from cxlean.backlog.api.permissions import PLAN_FIELDS
from cxlean.backlog.forms import refused_mentions_error
from cxlean.backlog.models import (
    Attachment,
    Comment,
    Item,
    Quadrant,
    Status,
    StatusChange,
    may_submit,
)
from cxlean.core.api import (
    BlankAsNullChoiceField,
    DownloadField,
    ModelValidatedSerializer,
    ScopedPrimaryKeyField,
    enum_field,
    label,
    name_field,
    name_of,
    requesting_user,
)
from cxlean.core.mentions import resolve_mentions
from cxlean.core.schema import own_enum
from cxlean.journeys.models import Touchpoint, Transition
from cxlean.org.models import Unit
from cxlean.org.roles import coordinates_unit


def status_field(enum_id: str, **kwargs) -> serializers.ChoiceField:
    return enum_field(Status.choices, enum_id, **kwargs)


def visible_items(items, user):
    return items.visible_to(user)


def journey_of(item: Item):
    """The journey of the item's touchpoint or transition (selected with the item)."""
    if item.touchpoint is not None:
        return item.touchpoint.stage.journey
    if item.transition is not None:
        return item.transition.source.stage.journey
    return None


class OwnerField(serializers.PrimaryKeyRelatedField):
    """An owner among `Item.owner_choices` of the requesting user (the web form's and the
    admin's choices too); anyone else is "does not exist"."""

    def __init__(self, **kwargs):
        super().__init__(queryset=User.objects.all(), **kwargs)

    def get_queryset(self):
        item = self.context.get("item") or getattr(self.parent, "instance", None)
        item = item if isinstance(item, Item) else None
        return Item.owner_choices(self.context["request"].user, item)


# The related rows every item representation reads: select them with the item.
ITEM_RELATED = [
    "unit",
    "owner",
    "submitted_by",
    "touchpoint__stage__journey",
    "transition__source__stage__journey",
    "transition__target",
]


class ItemSerializer(ModelValidatedSerializer):
    """An improvement as coordinators of its unit read and write it."""

    unit_name = serializers.CharField(source="unit.name", read_only=True)
    submitted_by_name = name_field("submitted_by")
    owner = OwnerField(allow_null=True, required=False)
    owner_name = serializers.SerializerMethodField()
    overdue = serializers.SerializerMethodField(
        help_text=_("Still open and past its due date, as of today.")
    )
    source_label = label("source")
    touchpoint = serializers.PrimaryKeyRelatedField(
        queryset=Touchpoint.objects.all(), allow_null=True, required=False
    )
    touchpoint_name = serializers.CharField(source="touchpoint.name", read_only=True, default=None)
    transition = serializers.PrimaryKeyRelatedField(
        queryset=Transition.objects.select_related("source", "target"),
        allow_null=True,
        required=False,
    )
    transition_name = serializers.SerializerMethodField()
    journey = serializers.SerializerMethodField(
        help_text=_("The journey of the item's touchpoint or transition.")
    )
    journey_name = serializers.SerializerMethodField()
    waste_label = label("waste")
    muda_kind_label = label("muda_kind")
    quadrant = BlankAsNullChoiceField(
        choices=Quadrant.choices,
        help_text=_("From impact and feasibility; null until both are scored."),
    )
    quadrant_label = label("quadrant")
    status_label = label("status")
    expected_metric_label = label("expected_metric")
    allowed_moves = serializers.SerializerMethodField(
        help_text=_(
            "The statuses you may move the item to now (POST .../move/); the move's own "
            "requirements still apply."
        )
    )

    class Meta:
        model = Item
        fields = [
            "id",
            "title",
            "description",
            "unit",
            "unit_name",
            "submitted_by",
            "submitted_by_name",
            "owner",
            "owner_name",
            "due_date",
            "overdue",
            "source",
            "source_label",
            "source_feedback",
            "touchpoint",
            "touchpoint_name",
            "transition",
            "transition_name",
            "journey",
            "journey_name",
            "waste",
            "waste_label",
            "muda_kind",
            "muda_kind_label",
            "impact",
            "feasibility",
            "customer_value",
            "priority",
            "quadrant",
            "quadrant_label",
            "status",
            "status_label",
            "status_changed_at",
            "allowed_moves",
            "rejection_reason",
            "expected_metric",
            "expected_metric_label",
            "expected_change",
            "expected_effect",
            "measured_change",
            "measured_effect",
            "spread",
            "spread_note",
            "created_at",
        ]
        read_only_fields = [
            "submitted_by",
            "source_feedback",
            "priority",
            "quadrant",
            "status",
            "status_changed_at",
            "created_at",
        ]

    def get_owner_name(self, item: Item) -> str | None:
        return name_of(item.owner)

    def get_overdue(self, item: Item) -> bool:
        return item.is_overdue()

    def get_transition_name(self, item: Item) -> str | None:
        return str(item.transition) if item.transition else None

    def get_journey(self, item: Item) -> int | None:
        journey = journey_of(item)
        return journey.pk if journey else None

    def get_journey_name(self, item: Item) -> str | None:
        journey = journey_of(item)
        return journey.name if journey else None

    @extend_schema_field({"type": "array", "items": own_enum(Status.choices, "allowed-moves")})
    def get_allowed_moves(self, item: Item) -> list[str]:
        return [str(target) for target in item.allowed_moves(requesting_user(self))]

    def validate_unit(self, unit: Unit) -> Unit:
        user = requesting_user(self)
        if self.instance is None and not may_submit(user, unit):
            raise serializers.ValidationError(
                _("You can submit improvements for your own part of the organisation only.")
            )
        moved = self.instance is not None and unit != self.instance.unit
        if moved and not coordinates_unit(user, unit):
            raise serializers.ValidationError(_("An item can only move to a unit you coordinate."))
        return unit

    def validate_model(self, item: Item, attrs) -> None:
        # The submitter is set on save; the unit was checked above.
        item.full_clean(exclude=["submitted_by"], validate_unique=False, validate_constraints=False)

    def create(self, validated_data: dict) -> Item:
        validated_data["submitted_by"] = requesting_user(self)
        return super().create(validated_data)


class ItemPlanSerializer(ItemSerializer):
    """What an item's owner may change: the plan and the effect fields."""

    def get_fields(self) -> dict:
        fields = super().get_fields()
        for name, field in fields.items():
            if name not in PLAN_FIELDS:
                field.read_only = True
        return fields


class MoveSerializer(serializers.Serializer):
    """A move through the workflow, with the fields the target status needs."""

    to = status_field("move-to", help_text=_("The status to move to."))
    note = serializers.CharField(required=False, allow_blank=True, default="")
    owner = OwnerField(
        required=False,
        allow_null=True,
        help_text=_("To plan: who owns it (coordinators only)."),
    )
    due_date = serializers.DateField(
        required=False, allow_null=True, help_text=_("To plan: the due date.")
    )
    measured_effect = serializers.CharField(
        required=False, allow_blank=True, help_text=_("To check: what changed, in words.")
    )
    measured_change = serializers.DecimalField(
        max_digits=9,
        decimal_places=2,
        required=False,
        allow_null=True,
        help_text=_("To check: what changed, in the metric's unit."),
    )
    spread = serializers.BooleanField(
        required=False,
        allow_null=True,
        help_text=_("To act: should the new standard be spread to other units?"),
    )
    spread_note = serializers.CharField(required=False, allow_blank=True)
    rejection_reason = serializers.CharField(
        required=False, allow_blank=True, help_text=_("To rejected: why (coordinators only).")
    )

    def fields_to_set(self) -> dict:
        return {
            name: value for name, value in self.validated_data.items() if name not in ("to", "note")
        }


class StatusChangeSerializer(serializers.ModelSerializer):
    from_status = status_field("from-status", read_only=True)
    to_status = status_field("to-status", read_only=True)
    from_status_label = label("from_status")
    to_status_label = label("to_status")
    by_name = name_field("by")

    class Meta:
        model = StatusChange
        fields = [
            "id",
            "from_status",
            "from_status_label",
            "to_status",
            "to_status_label",
            "by",
            "by_name",
            "at",
            "note",
        ]
        read_only_fields = fields


class ItemRowSerializer(serializers.Serializer):
    """One improvement as a flat row of plain columns, for Power BI and the like.
    Numbers are JSON numbers; labels are in the request language."""

    id = serializers.IntegerField()
    title = serializers.CharField()
    unit_id = serializers.IntegerField()
    unit_name = serializers.CharField(source="unit.name")
    unit_code = serializers.CharField(source="unit.code")
    status = status_field("row-status")
    status_label = label("status")
    waste = serializers.CharField()
    waste_label = label("waste")
    muda_kind = serializers.CharField()
    muda_kind_label = label("muda_kind")
    source = serializers.CharField()  # type: ignore[assignment]  # a declared field, not Field.source
    source_label = label("source")
    impact = serializers.IntegerField(allow_null=True)
    feasibility = serializers.IntegerField(allow_null=True)
    customer_value = serializers.IntegerField(allow_null=True)
    priority = serializers.IntegerField(allow_null=True)
    quadrant = serializers.CharField()
    quadrant_label = label("quadrant")
    owner_username = serializers.CharField(source="owner.username", default=None)
    owner_name = serializers.SerializerMethodField()
    due_date = serializers.DateField(allow_null=True)
    overdue = serializers.SerializerMethodField()
    touchpoint_id = serializers.IntegerField(allow_null=True)
    touchpoint_name = serializers.CharField(source="touchpoint.name", default=None)
    transition_id = serializers.IntegerField(allow_null=True)
    journey_id = serializers.SerializerMethodField()
    journey_name = serializers.SerializerMethodField()
    expected_metric = serializers.CharField()
    expected_change = serializers.DecimalField(
        max_digits=9, decimal_places=2, coerce_to_string=False, allow_null=True
    )
    measured_change = serializers.DecimalField(
        max_digits=9, decimal_places=2, coerce_to_string=False, allow_null=True
    )
    spread = serializers.BooleanField(allow_null=True)
    created_at = serializers.DateTimeField()
    status_changed_at = serializers.DateTimeField()
    lead_time_days = serializers.SerializerMethodField(
        help_text=_("Days from submission to Act (standardised); empty until then.")
    )

    def get_owner_name(self, item: Item) -> str | None:
        return name_of(item.owner)

    def get_overdue(self, item: Item) -> bool:
        return item.is_overdue()

    def get_journey_id(self, item: Item) -> int | None:
        journey = journey_of(item)
        return journey.pk if journey else None

    def get_journey_name(self, item: Item) -> str | None:
        journey = journey_of(item)
        return journey.name if journey else None

    def get_lead_time_days(self, item: Item) -> float | None:
        if item.status != Status.ACT:
            return None
        return round((item.status_changed_at - item.created_at).total_seconds() / 86400, 1)


class CommentSerializer(serializers.ModelSerializer):
    item = ScopedPrimaryKeyField(queryset=Item.objects.select_related("unit"), scope=visible_items)
    author_name = name_field("author")

    class Meta:
        model = Comment
        fields = ["id", "item", "author", "author_name", "text", "created_at"]
        read_only_fields = ["author", "created_at"]
        extra_kwargs = {
            "text": {"help_text": _("@username mentions a person you may mention; they are told.")}
        }

    def validate(self, attrs: dict) -> dict:
        """@mentions of people the author may not mention are a 400 on `text`."""
        request = self.context.get("request")
        item = attrs.get("item") or getattr(self.instance, "item", None)
        if request is not None and item is not None and "text" in attrs:
            refused = resolve_mentions(attrs["text"], item.mention_choices(request.user))[1]
            if refused:
                raise serializers.ValidationError({"text": refused_mentions_error(refused)})
        return attrs


class AttachmentSerializer(serializers.ModelSerializer):
    """Send as multipart/form-data. Allowed: pdf, png, jpg, jpeg, gif, webp, docx, xlsx,
    pptx, txt, csv; at most 10 MB."""

    item = ScopedPrimaryKeyField(queryset=Item.objects.select_related("unit"), scope=visible_items)
    file = DownloadField(
        "backlog:attachment_file",
        validators=Attachment._meta.get_field("file").validators,
        help_text=_(
            "Upload: the file (multipart). Read: the link that downloads it for those who "
            "may see the improvement."
        ),
    )
    name = serializers.SerializerMethodField()
    uploaded_by_name = name_field("uploaded_by")

    class Meta:
        model = Attachment
        fields = [
            "id",
            "item",
            "file",
            "name",
            "description",
            "uploaded_by",
            "uploaded_by_name",
            "created_at",
        ]
        read_only_fields = ["uploaded_by", "created_at"]

    def get_name(self, attachment: Attachment) -> str:
        return str(attachment)
