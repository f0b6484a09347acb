"""The competence catalogue, records, Green Cards, trainee plans and the flat matrix
over the API.

The rules stay in `cxlean.competence.models`: a self-assessment goes through
`Record.assess`, a sign-off through `Record.sign_off`, a Green Card through
`green_card_issue`; these serializers parse the request and present the result.
Levels are numbers 0-4 (not started, I, L, U, O) with the letter alongside.
"""

from __future__ import annotations

from django.contrib.auth.models import User
from django.core.exceptions import ValidationError as DjangoValidationError
from django.db import transaction
from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers
from rest_framework.validators import UniqueValidator

from cxlean.competence.models import (
    CARD_DATE_STATUSES,
    LEVEL_LETTERS,
    Area,
    CardStatus,
    CompetenceActivity,
    Goal,
    GreenCard,
    Level,
    Record,
    Requirement,
    TraineePlan,
    green_card_issue,
    may_sign_off,
    unit_of,
)
from cxlean.core.api import (
    TRANSLATED_HELP,
    DownloadField,
    ModelValidatedSerializer,
    NestedItemSerializer,
    ScopedPrimaryKeyField,
    TranslatedCatalogueSerializer,
    api_errors,
    name_field,
    requesting_user,
    translated,
)
from cxlean.core.names import display_name
from cxlean.org.models import CXRole, Unit
from cxlean.org.roles import coordinated_units, coordinates_unit

LETTER_HELP = _("The level as a letter: – (not started), I, L, U or O.")
LEVELS_HELP = _("0 not started, 1 I, 2 L, 3 U, 4 O.")
ILUO = [(value, label) for value, label in Level.choices if value != Level.NOT_STARTED]


# Described as a bounded integer rather than an enum: the same scale appears under many
# field names (level, self_level, target_level...), which enums would name apart.
@extend_schema_field({"type": "integer", "minimum": 0, "maximum": 4})
class LevelField(serializers.ChoiceField):
    """A level on the ILUO scale, 0 (not started) to 4 (O)."""

    def __init__(self, **kwargs):
        kwargs.setdefault("choices", Level.choices)
        kwargs.setdefault("help_text", LEVELS_HELP)
        super().__init__(**kwargs)


@extend_schema_field({"type": "integer", "minimum": 1, "maximum": 4})
class ILUOField(LevelField):
    """A level a person can be asked for or signed off at: 1 (I) to 4 (O)."""

    def __init__(self, **kwargs):
        kwargs.setdefault("choices", ILUO)
        kwargs.setdefault("help_text", _("1 I, 2 L, 3 U, 4 O."))
        super().__init__(**kwargs)


class LevelLetterField(serializers.CharField):
    """A level shown as its letter (– I L U O), read from the level's own field."""

    def __init__(self, **kwargs):
        kwargs.setdefault("read_only", True)
        kwargs.setdefault("help_text", LETTER_HELP)
        super().__init__(**kwargs)

    def to_representation(self, value) -> str:
        return LEVEL_LETTERS[value]


# --- catalogue ---------------------------------------------------------------------------


class AreaSerializer(TranslatedCatalogueSerializer):
    class Meta:
        model = Area
        fields = [
            "id",
            "name",
            "description",
            "name_sv",
            "name_en",
            "description_sv",
            "description_en",
            "step",
            "order",
        ]


class RequirementSerializer(ModelValidatedSerializer):
    level = ILUOField(default=Level.U)
    level_letter = LevelLetterField(source="level")

    class Meta:
        model = Requirement
        fields = ["id", "activity", "role", "level", "level_letter"]


class ActivityRequirementSerializer(NestedItemSerializer):
    """A requirement as part of its activity: which CX role, at least which level."""

    level = ILUOField(default=Level.U)
    level_letter = LevelLetterField(source="level")

    class Meta(NestedItemSerializer.Meta):
        model = Requirement
        fields = ["role", "level", "level_letter"]
        validators: list = []  # the activity is not known yet; see CompetenceActivitySerializer


class CompetenceActivitySerializer(ModelValidatedSerializer):
    title = translated()
    description = translated()
    evidence = translated()
    requirements = ActivityRequirementSerializer(
        many=True,
        required=False,
        help_text=_(
            "The CX roles that require the activity and at which level. When sent, the "
            "list replaces the activity's requirements."
        ),
    )

    class Meta:
        model = CompetenceActivity
        fields = [
            "id",
            "area",
            "code",
            "title",
            "description",
            "evidence",
            "title_sv",
            "title_en",
            "description_sv",
            "description_en",
            "evidence_sv",
            "evidence_en",
            "validity_months",
            "order",
            "requirements",
        ]

    def validate_requirements(self, requirements: list[dict]) -> list[dict]:
        roles = [requirement["role"] for requirement in requirements]
        if len(set(roles)) < len(roles):
            raise serializers.ValidationError(_("List each CX role once."))
        return requirements

    def validate(self, attrs):
        requirements = attrs.pop("requirements", None)
        attrs = super().validate(attrs)
        if requirements is not None:
            attrs["requirements"] = requirements
        return attrs

    @transaction.atomic
    def create(self, validated_data: dict) -> CompetenceActivity:
        requirements = validated_data.pop("requirements", [])
        activity = super().create(validated_data)
        self.save_requirements(activity, requirements)
        return activity

    @transaction.atomic
    def update(self, activity: CompetenceActivity, validated_data: dict) -> CompetenceActivity:
        requirements = validated_data.pop("requirements", None)
        activity = super().update(activity, validated_data)
        if requirements is not None:
            self.save_requirements(activity, requirements)
        return activity

    def save_requirements(self, activity: CompetenceActivity, wanted: list[dict]) -> None:
        """Replace the requirements one by one, so each change is in their history."""
        levels = {item["role"].pk: item["level"] for item in wanted}
        for requirement in Requirement.objects.filter(activity=activity):
            if requirement.role_id not in levels:
                requirement.delete()
            elif requirement.level != levels[requirement.role_id]:
                requirement.level = levels[requirement.role_id]
                requirement.save(update_fields=["level"])
            levels.pop(requirement.role_id, None)
        for role_id, level in levels.items():
            Requirement.objects.create(activity=activity, role_id=role_id, level=level)
        # The response lists the requirements as saved, not a stale prefetch.
        getattr(activity, "_prefetched_objects_cache", {}).pop("requirements", None)


# --- records -----------------------------------------------------------------------------


class RecordSerializer(serializers.ModelSerializer):
    """A person's standing in one activity, as `Record.objects.visible_to` shows it."""

    evidence_file = DownloadField(
        "competence:evidence_file",
        read_only=True,
        help_text=_("Link to download the evidence file (for those who may see the record)."),
    )

    person_name = serializers.SerializerMethodField()
    unit = serializers.SerializerMethodField()
    unit_name = serializers.SerializerMethodField()
    activity_code = serializers.CharField(source="activity.code", read_only=True)
    activity_title = serializers.CharField(
        source="activity.title", read_only=True, help_text=TRANSLATED_HELP
    )
    area = serializers.IntegerField(source="activity.area_id", read_only=True)
    effective_level = serializers.SerializerMethodField(
        help_text=_("The signed-off level while it is valid; 0 once it has expired.")
    )
    expired = serializers.SerializerMethodField()
    awaits_sign_off = serializers.BooleanField(
        read_only=True,
        help_text=_("Self-assessed above the signed-off level, and not rejected at that level."),
    )
    is_rejected = serializers.BooleanField(read_only=True)
    signed_off_by_name = name_field("signed_off_by")
    rejected_by_name = name_field("rejected_by")
    level = LevelField(
        read_only=True, help_text=_("The signed-off level: 0 not started, 1 I, 2 L, 3 U, 4 O.")
    )
    level_letter = LevelLetterField(source="level")
    self_level = LevelField(read_only=True)
    self_level_letter = LevelLetterField(source="self_level")
    rejected_level = LevelField(
        read_only=True, allow_null=True, help_text=_("The self-assessed level last rejected.")
    )
    rejected_level_letter = LevelLetterField(source="rejected_level", allow_null=True)

    class Meta:
        model = Record
        fields = [
            "id",
            "person",
            "person_name",
            "unit",
            "unit_name",
            "activity",
            "activity_code",
            "activity_title",
            "area",
            "level",
            "level_letter",
            "self_level",
            "self_level_letter",
            "effective_level",
            "expired",
            "awaits_sign_off",
            "is_rejected",
            "evidence_text",
            "evidence_link",
            "evidence_file",
            "signed_off_by",
            "signed_off_by_name",
            "signed_off_on",
            "expires_on",
            "rejected_level",
            "rejected_level_letter",
            "rejection_comment",
            "rejected_by",
            "rejected_by_name",
            "updated_at",
        ]
        read_only_fields = fields

    def get_person_name(self, record: Record) -> str:
        return display_name(record.person)

    def get_unit(self, record: Record) -> int | None:
        unit = unit_of(record.person)
        return unit.pk if unit else None

    def get_unit_name(self, record: Record) -> str | None:
        unit = unit_of(record.person)
        return unit.name if unit else None

    def get_effective_level(self, record: Record) -> int:
        return record.effective_level()

    def get_expired(self, record: Record) -> bool:
        return record.is_expired()


EVIDENCE_FIELDS = ["evidence_text", "evidence_link", "evidence_file"]


class RecordSelfAssessmentSerializer(ModelValidatedSerializer):
    """What the person changes on their own record: where they stand, and evidence.
    Send `evidence_file` as multipart/form-data."""

    self_level = LevelField(
        required=False,
        help_text=_("Where you stand: 0 (not started) to 4 (O). Raising it asks for a sign-off."),
    )

    class Meta:
        model = Record
        fields = ["self_level", *EVIDENCE_FIELDS]

    def would_be_instance(self, attrs):
        record = super().would_be_instance({k: v for k, v in attrs.items() if k != "self_level"})
        if "self_level" in attrs:
            record.assess(attrs["self_level"])
        return record

    def update(self, record: Record, validated_data: dict) -> Record:
        if "self_level" in validated_data:
            record.assess(validated_data.pop("self_level"))
        for name, value in validated_data.items():
            setattr(record, name, value)
        record.save(
            update_fields=[
                "self_level",
                "rejected_level",
                "rejection_comment",
                "rejected_by",
                *EVIDENCE_FIELDS,
                "updated_at",
            ]
        )
        return record


class RecordCreateSerializer(RecordSelfAssessmentSerializer):
    person = serializers.PrimaryKeyRelatedField(
        queryset=User.objects.filter(is_active=True),
        default=serializers.CurrentUserDefault(),
        help_text=_(
            "You, when left out. Someone else only if you may sign off their record (a "
            "coordinator of their unit, a trainer of the activity); their record then starts "
            "empty, as self-assessment and evidence are theirs to give."
        ),
    )

    class Meta(RecordSelfAssessmentSerializer.Meta):
        fields = ["person", "activity", "self_level", *EVIDENCE_FIELDS]

    def validate(self, attrs):
        user, person = requesting_user(self), attrs["person"]
        if person.pk != user.pk:
            if not may_sign_off(user, person, attrs["activity"]):
                raise serializers.ValidationError(
                    {
                        "person": _(
                            "You can add competence records for yourself, or for someone "
                            "whose record you may sign off."
                        )
                    }
                )
            theirs = [name for name in ["self_level", *EVIDENCE_FIELDS] if attrs.get(name)]
            if theirs:
                message = _("Only the person gives their self-assessment and evidence.")
                raise serializers.ValidationError({name: [message] for name in theirs})
        return super().validate(attrs)

    def create(self, validated_data: dict) -> Record:
        record = Record(
            person=validated_data.pop("person"), activity=validated_data.pop("activity")
        )
        record.assess(validated_data.pop("self_level", Level.NOT_STARTED))
        for name, value in validated_data.items():
            setattr(record, name, value)
        record.save()
        return record


class SignOffSerializer(serializers.Serializer):
    level = ILUOField(
        required=False,
        allow_null=True,
        help_text=_("The level to confirm, 1 (I) to 4 (O); by default the self-assessed one."),
    )


class RejectSerializer(serializers.Serializer):
    comment = serializers.CharField(
        allow_blank=True,
        default="",
        help_text=_("Why, so the person knows what to do next. Required."),
    )


# --- Green Cards -------------------------------------------------------------------------


class GreenCardSerializer(serializers.ModelSerializer):
    person_name = serializers.SerializerMethodField()
    role_name = serializers.SerializerMethodField(
        help_text=_("Empty for the card of the Lean CX concept as a whole.")
    )
    issued_by_name = name_field("issued_by")
    status = serializers.SerializerMethodField()
    status_label = serializers.SerializerMethodField()

    class Meta:
        model = GreenCard
        fields = [
            "id",
            "number",
            "person",
            "person_name",
            "role",
            "role_name",
            "issued_on",
            "issued_by",
            "issued_by_name",
            "expires_on",
            "status",
            "status_label",
        ]
        read_only_fields = fields

    def get_person_name(self, card: GreenCard) -> str:
        return display_name(card.person)

    def get_role_name(self, card: GreenCard) -> str | None:
        return card.role.name if card.role else None

    @extend_schema_field(serializers.ChoiceField(choices=CARD_DATE_STATUSES))
    def get_status(self, card: GreenCard) -> str:
        return str(card.status())

    def get_status_label(self, card: GreenCard) -> str:
        return str(card.status().label)


class GreenCardIssueSerializer(serializers.Serializer):
    person = serializers.PrimaryKeyRelatedField(queryset=User.objects.filter(is_active=True))
    role = serializers.PrimaryKeyRelatedField(
        queryset=CXRole.objects.all(),
        allow_null=True,
        default=None,
        help_text=_("The CX role certified; empty for the Lean CX concept as a whole."),
    )

    def create(self, validated_data: dict) -> GreenCard:
        try:
            return green_card_issue(**validated_data, by=requesting_user(self))
        except DjangoValidationError as error:
            raise api_errors(error) from error


# --- Green Card progress -----------------------------------------------------------------


class CardProgressSerializer(serializers.Serializer):
    role = serializers.IntegerField(source="role.pk", allow_null=True)
    role_name = serializers.CharField(source="role.name", allow_null=True)
    status = serializers.ChoiceField(choices=CardStatus.choices)
    status_label = serializers.CharField(source="label")
    done = serializers.IntegerField(help_text=_("Required activities signed off and valid."))
    # A declared field named `required` does not shadow `Field.required`: the
    # serializer's metaclass takes declared fields off the class; the stubs do not know.
    required = serializers.IntegerField()  # type: ignore[assignment]
    card = serializers.IntegerField(source="card.pk", allow_null=True)
    card_number = serializers.CharField(source="card.number", allow_null=True)
    issued_on = serializers.DateField(source="card.issued_on", allow_null=True)
    expires_on = serializers.DateField(
        allow_null=True,
        help_text=_("When the current card expires, or the earliest sign-off it would stand on."),
    )


class PersonProgressSerializer(serializers.Serializer):
    person = serializers.IntegerField(source="person.pk")
    person_name = serializers.CharField()
    unit = serializers.IntegerField(allow_null=True)
    unit_name = serializers.CharField(allow_null=True)
    cards = CardProgressSerializer(
        many=True, help_text=_("One entry per CX role the person holds.")
    )


# --- trainee plans -----------------------------------------------------------------------


def plans_in_scope(plans, user):
    return plans.filter(person__profile__unit__in=coordinated_units(user))


def record_for_goal(goal: Goal) -> Record | None:
    """The trainee's record in the goal's activity, from the prefetched records."""
    for record in goal.plan.person.competence_records.all():
        if record.activity_id == goal.activity_id:
            return record
    return None


class GoalSerializer(ModelValidatedSerializer):
    plan = ScopedPrimaryKeyField(
        queryset=TraineePlan.objects.select_related("person"), scope=plans_in_scope
    )
    person = serializers.IntegerField(source="plan.person_id", read_only=True)
    activity_code = serializers.CharField(source="activity.code", read_only=True)
    activity_title = serializers.CharField(
        source="activity.title", read_only=True, help_text=TRANSLATED_HELP
    )
    target_level = ILUOField(default=Level.L)
    level = serializers.SerializerMethodField(
        help_text=_("The trainee's valid signed-off level in the activity today.")
    )
    reached = serializers.SerializerMethodField()
    late = serializers.SerializerMethodField(help_text=_("Past its due date and not reached."))
    target_level_letter = LevelLetterField(source="target_level")
    level_letter = serializers.SerializerMethodField(help_text=LETTER_HELP)

    class Meta:
        model = Goal
        fields = [
            "id",
            "plan",
            "person",
            "activity",
            "activity_code",
            "activity_title",
            "target_level",
            "target_level_letter",
            "due_date",
            "level",
            "level_letter",
            "reached",
            "late",
        ]

    def validate_plan(self, plan: TraineePlan) -> TraineePlan:
        if self.instance is not None and plan.pk != self.instance.plan_id:
            raise serializers.ValidationError(_("A goal cannot move to another trainee plan."))
        return plan

    def get_level(self, goal: Goal) -> int:
        record = record_for_goal(goal)
        return record.effective_level() if record else Level.NOT_STARTED

    def get_level_letter(self, goal: Goal) -> str:
        return LEVEL_LETTERS[self.get_level(goal)]

    def get_reached(self, goal: Goal) -> bool:
        return goal.is_reached(record_for_goal(goal))

    def get_late(self, goal: Goal) -> bool:
        return goal.is_late(record_for_goal(goal))


class PlanGoalSerializer(GoalSerializer):
    """A goal as part of its plan (read-only; change goals at /trainee-goals/)."""

    # None removes an inherited field (DRF); the stubs expect a field.
    plan = None  # type: ignore[assignment]
    person = None  # type: ignore[assignment]

    class Meta(GoalSerializer.Meta):
        fields = [name for name in GoalSerializer.Meta.fields if name not in ("plan", "person")]
        read_only_fields = fields


class TraineePlanSerializer(ModelValidatedSerializer):
    person = serializers.PrimaryKeyRelatedField(
        queryset=User.objects.filter(is_active=True),
        validators=[
            UniqueValidator(
                TraineePlan.objects.all(), message=_("This person already has a trainee plan.")
            )
        ],
    )
    person_name = serializers.SerializerMethodField()
    mentor = serializers.PrimaryKeyRelatedField(
        queryset=User.objects.filter(is_active=True), allow_null=True, required=False
    )
    mentor_name = name_field("mentor")
    goals = PlanGoalSerializer(many=True, read_only=True)
    late_count = serializers.SerializerMethodField()

    class Meta:
        model = TraineePlan
        fields = [
            "id",
            "person",
            "person_name",
            "mentor",
            "mentor_name",
            "start_date",
            "notes",
            "goals",
            "late_count",
        ]

    def validate_person(self, person: User) -> User:
        if self.instance is not None and person.pk != self.instance.person_id:
            raise serializers.ValidationError(_("A trainee plan cannot move to another person."))
        if not coordinates_unit(requesting_user(self), unit_of(person)):
            raise serializers.ValidationError(
                _("You can only make trainee plans for people in the units you coordinate.")
            )
        return person

    def get_person_name(self, plan: TraineePlan) -> str:
        return display_name(plan.person)

    def get_late_count(self, plan: TraineePlan) -> int:
        return sum(goal.is_late(record_for_goal(goal)) for goal in plan.goals.all())


# --- the flat matrix ---------------------------------------------------------------------


def id_filter(queryset, help_text=None) -> serializers.PrimaryKeyRelatedField:
    """An optional id query parameter: empty means no filter, an unknown id is a 400."""
    return serializers.PrimaryKeyRelatedField(
        queryset=queryset, required=False, allow_null=True, help_text=help_text
    )


class MatrixQuerySerializer(serializers.Serializer):
    """The matrix's filters."""

    unit = id_filter(
        Unit.objects.all(), _("A unit id: the people of that unit and all its sub-units.")
    )
    role = id_filter(
        CXRole.objects.all(),
        _("A CX role id: the people holding it, and the activities it requires."),
    )
    area = id_filter(Area.objects.all())
    activity = id_filter(CompetenceActivity.objects.all())
    person = id_filter(User.objects.all())


class MatrixRowSerializer(serializers.Serializer):
    """One row of the flat matrix, for the schema. The view returns the rows as plain
    dicts (see `cxlean.competence.api.matrix`): serializing thousands of rows field by
    field would cost more than reading them."""

    person = serializers.IntegerField()
    person_name = serializers.CharField()
    unit = serializers.IntegerField()
    unit_name = serializers.CharField()
    activity = serializers.IntegerField()
    activity_code = serializers.CharField()
    activity_title = serializers.CharField(help_text=TRANSLATED_HELP)
    area = serializers.IntegerField()
    area_name = serializers.CharField(help_text=TRANSLATED_HELP)
    level = serializers.IntegerField(help_text=_("The signed-off level, 0 (not started) to 4."))
    level_letter = serializers.CharField(help_text=LETTER_HELP)
    effective_level = serializers.IntegerField(
        help_text=_("The signed-off level while it is valid; 0 once it has expired.")
    )
    required_level = serializers.IntegerField(
        allow_null=True,
        help_text=_("The highest level any of the person's CX roles requires; null if none."),
    )
    required_level_letter = serializers.CharField(allow_null=True)
    meets_requirement = serializers.BooleanField(
        allow_null=True, help_text=_("Valid level at or above the required one; null if none.")
    )
    self_level = serializers.IntegerField()
    self_level_letter = serializers.CharField()
    awaits_sign_off = serializers.BooleanField()
    signed_off_on = serializers.DateField(allow_null=True)
    expires_on = serializers.DateField(allow_null=True)
    expired = serializers.BooleanField()
