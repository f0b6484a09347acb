"""Checklist templates, their items, assignments, ticks and progress rows over the API.

The rules stay in `cxlean.checklists.models`: `Assignment.clean` (a person or a CX role
in a unit), `due_date_errors`, `tick` (only items of the checklist; evidence where the
item asks for it; file type and size). These serializers parse the request and present
the result: ids for joining, `*_name` fields for people, in the request language.
"""

from __future__ import annotations

from django.contrib.auth.models import User
from django.core.exceptions import ValidationError as DjangoValidationError
from django.utils.translation import gettext_lazy as _
from rest_framework import serializers

from cxlean.checklists.models import (
    Assignment,
    ChecklistTemplate,
    Completion,
    TemplateItem,
    due_date_errors,
    tick,
)
from cxlean.core.api import (
    DownloadField,
    ModelValidatedSerializer,
    ScopedPrimaryKeyField,
    api_errors,
    name_field,
    name_of,
    requesting_user,
    translated,
    translated_fields,
)
from cxlean.core.names import display_name
from cxlean.org.models import Unit
from cxlean.org.roles import coordinates_unit

TRANSLATED_HELP = _("In the request language (Accept-Language); the _sv and _en fields hold both.")


# --- templates ---------------------------------------------------------------------------


class TemplateItemSerializer(ModelValidatedSerializer):
    text = translated(TRANSLATED_HELP)
    help = translated(TRANSLATED_HELP)

    class Meta:
        model = TemplateItem
        fields = [
            "id",
            "template",
            "order",
            *translated_fields("text", "help"),
            "needs_evidence",
        ]


class NestedItemSerializer(serializers.ModelSerializer):
    text = translated(TRANSLATED_HELP)
    help = translated(TRANSLATED_HELP)

    class Meta:
        model = TemplateItem
        fields = ["id", "order", "text", "help", "needs_evidence"]
        read_only_fields = fields


class TemplateSerializer(ModelValidatedSerializer):
    title = translated(TRANSLATED_HELP)
    description = translated(TRANSLATED_HELP)
    role_name = serializers.CharField(source="role.name", read_only=True)
    step_number = serializers.IntegerField(source="step.number", read_only=True, default=None)
    items = NestedItemSerializer(
        many=True, read_only=True, help_text=_("The items in order (change them at /items/).")
    )

    class Meta:
        model = ChecklistTemplate
        fields = [
            "id",
            "code",
            "role",
            "role_name",
            "step",
            "step_number",
            *translated_fields("title", "description"),
            "order",
            "items",
        ]


# --- assignments -------------------------------------------------------------------------


class AssignmentSerializer(ModelValidatedSerializer):
    """Create: `template`, `due_date` and either `person` (the unit is theirs) or `unit`
    with an optional `role` (the template's role when left out)."""

    template_title = serializers.CharField(source="template.title", read_only=True)
    unit = serializers.PrimaryKeyRelatedField(
        queryset=Unit.objects.all(),
        required=False,
        help_text=_(
            "For a CX role: the unit whose people (sub-units included) get the checklist. "
            "For a person: left out, their unit."
        ),
    )
    unit_name = serializers.CharField(source="unit.name", read_only=True)
    person = serializers.PrimaryKeyRelatedField(
        queryset=User.objects.filter(is_active=True).select_related("profile__unit"),
        required=False,
        allow_null=True,
    )
    person_name = serializers.SerializerMethodField()
    role_name = serializers.CharField(source="role.name", read_only=True, default=None)
    for_role = serializers.BooleanField(source="is_for_role", read_only=True)
    assigned_by_name = name_field("assigned_by")

    class Meta:
        model = Assignment
        fields = [
            "id",
            "template",
            "template_title",
            "unit",
            "unit_name",
            "person",
            "person_name",
            "role",
            "role_name",
            "for_role",
            "due_date",
            "assigned_by",
            "assigned_by_name",
            "created_at",
        ]
        read_only_fields = ["assigned_by", "created_at"]

    def get_person_name(self, assignment: Assignment) -> str | None:
        return name_of(assignment.person)

    def validate_due_date(self, due_date):
        previous = self.instance.due_date if self.instance else None
        if errors := due_date_errors(due_date, previous):
            raise serializers.ValidationError(errors)
        return due_date

    def validate_unit(self, unit: Unit) -> Unit:
        if not coordinates_unit(requesting_user(self), unit):
            raise serializers.ValidationError(
                _("You can only assign checklists in the units you coordinate.")
            )
        return unit

    def validate_person(self, person: User | None) -> User | None:
        profile = getattr(person, "profile", None)
        if person is not None and not (
            profile and coordinates_unit(requesting_user(self), profile.unit)
        ):
            raise serializers.ValidationError(
                _("You can only assign checklists to people in the units you coordinate.")
            )
        return person

    def validate(self, attrs):
        person = attrs.get("person")
        if person is not None:
            attrs.setdefault("unit", person.profile.unit)
        elif attrs.get("template") is not None and attrs.get("role") is None:
            attrs["role"] = attrs["template"].role
        if attrs.get("unit") is None:
            raise serializers.ValidationError({"unit": [_("Choose a unit or a person.")]})
        return super().validate(attrs)

    def create(self, validated_data: dict) -> Assignment:
        validated_data["assigned_by"] = requesting_user(self)
        return super().create(validated_data)


class AssignmentChangeSerializer(AssignmentSerializer):
    """Changing an assignment: its due date only (who gets it is decided when assigning)."""

    def get_fields(self) -> dict:
        fields = super().get_fields()
        for name, field in fields.items():
            if name != "due_date":
                field.read_only = True
        return fields

    def validate(self, attrs):
        return serializers.ModelSerializer.validate(self, attrs)


# --- ticks -------------------------------------------------------------------------------


def visible_assignments(assignments, user):
    return assignments.visible_to(user)


class CompletionSerializer(serializers.ModelSerializer):
    """One person's standing on one item. POST (JSON or multipart/form-data) records
    what you did on an item of your own checklist: creates your row or changes it."""

    assignment = ScopedPrimaryKeyField(
        queryset=Assignment.objects.select_related("unit", "template"), scope=visible_assignments
    )
    item = serializers.PrimaryKeyRelatedField(queryset=TemplateItem.objects.all())
    person_name = serializers.SerializerMethodField()
    item_text = serializers.CharField(source="item.text", read_only=True)
    evidence = DownloadField(
        "checklists:evidence",
        required=False,
        allow_null=True,
        validators=Completion._meta.get_field("evidence").validators,
        help_text=_(
            "Upload: the file (multipart; pdf, png, jpg, jpeg, gif, webp, docx, xlsx, pptx, "
            "txt, csv; at most 10 MB). Read: the link that downloads it."
        ),
    )

    class Meta:
        model = Completion
        fields = [
            "id",
            "assignment",
            "item",
            "item_text",
            "person",
            "person_name",
            "done",
            "done_at",
            "note",
            "evidence",
            "updated_at",
        ]
        read_only_fields = ["person", "done_at", "updated_at"]

    def get_person_name(self, completion: Completion) -> str | None:
        return name_of(completion.person)

    def get_fields(self) -> dict:
        fields = super().get_fields()
        if self.instance is not None and not isinstance(self.instance, list | tuple):
            fields["assignment"].read_only = True  # a row stays on its item
            fields["item"].read_only = True
        return fields

    def validate(self, attrs):
        assignment, item = attrs.get("assignment"), attrs.get("item")
        if self.instance is not None:  # a change: what is not sent stays
            assignment = assignment or self.instance.assignment
            item = item or self.instance.item
        if item.template_id != assignment.template_id:
            raise serializers.ValidationError({"item": [_("The item is not on this checklist.")]})
        return attrs

    def save_tick(self, assignment: Assignment, item: TemplateItem) -> Completion:
        data = self.validated_data
        evidence = data.get("evidence", None)
        try:
            return tick(
                assignment,
                item,
                requesting_user(self),
                done=data.get("done"),
                note=data.get("note"),
                evidence="" if "evidence" in data and evidence is None else evidence,
            )
        except DjangoValidationError as error:
            raise api_errors(error) from error


# --- progress ----------------------------------------------------------------------------


class ProgressRowSerializer(serializers.Serializer):
    """One person on one assignment, as a flat row for Power BI and the like."""

    assignment = serializers.IntegerField(source="assignment.pk")
    template = serializers.IntegerField(source="assignment.template_id")
    template_code = serializers.CharField(source="assignment.template.code")
    template_title = serializers.CharField(source="assignment.template.title")
    role = serializers.IntegerField(source="role.pk")
    role_slug = serializers.CharField(source="role.slug")
    role_name = serializers.CharField(source="role.name")
    assigned_to_role = serializers.BooleanField(source="assignment.is_for_role")
    assignment_unit = serializers.IntegerField(source="assignment.unit_id")
    assignment_unit_code = serializers.CharField(source="assignment.unit.code")
    person = serializers.IntegerField(source="person.pk")
    username = serializers.CharField(source="person.username")
    person_name = serializers.SerializerMethodField()
    unit = serializers.IntegerField(
        source="unit.pk", allow_null=True, help_text=_("The person's unit.")
    )
    unit_code = serializers.CharField(source="unit.code", allow_null=True)
    unit_name = serializers.CharField(source="unit.name", allow_null=True)
    due_date = serializers.DateField(source="assignment.due_date")
    done = serializers.IntegerField(source="progress.done", help_text=_("Items ticked off."))
    total = serializers.IntegerField(
        source="progress.total", help_text=_("Items on the checklist.")
    )
    percent = serializers.IntegerField(source="progress.percent")
    complete = serializers.BooleanField(source="progress.complete")
    overdue = serializers.BooleanField(
        source="progress.overdue",
        help_text=_("Past the due date and not complete, as of today."),
    )
    days_overdue = serializers.IntegerField(source="progress.days_overdue")

    def get_person_name(self, row) -> str:
        return display_name(row.person)
