"""The maturity model, assessments and answers over the API, and the flat score rows.

The rules stay in `cxlean.maturity.models` (`MaturityLevel.clean`: lower bounds rising
from 1.00; `Assessment.clean`: not in the future; `AssessmentAnswer.clean`: only
assessors, only while in progress; the 1–5 score validators) and in
`cxlean.maturity.forms.assessor_errors` (who may assess a unit). Catalogue text comes
in both languages and, as `name`/`text`, in the request language (Accept-Language).
"""

from __future__ import annotations

from typing import TypedDict

from django.contrib.auth.models import User
from django.db import transaction
from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from cxlean.core.api import (
    TRANSLATED_HELP,
    ModelValidatedSerializer,
    NestedItemSerializer,
    ScopedPrimaryKeyField,
    TranslatedCatalogueSerializer,
    name_field,
    requesting_user,
    translated,
    translated_fields,
)
from cxlean.core.names import display_name
from cxlean.core.schema import own_enum
from cxlean.maturity.forms import assessor_errors
from cxlean.maturity.models import (
    SCORE_MESSAGE,
    Assessment,
    AssessmentAnswer,
    Dimension,
    LevelDescriptor,
    MaturityLevel,
    Question,
    Status,
)
from cxlean.maturity.scoring import Model, Scores, load_model, scores_for
from cxlean.org.models import Unit
from cxlean.org.roles import coordinates_unit


class ScoreFormat(TypedDict):
    max_digits: int
    decimal_places: int
    allow_null: bool


SCORE: ScoreFormat = {"max_digits": 3, "decimal_places": 2, "allow_null": True}


def visible_assessments(assessments, user):
    return assessments.visible_to(user)


# --- the maturity model ------------------------------------------------------------------


class MaturityLevelSerializer(TranslatedCatalogueSerializer):
    class Meta:
        model = MaturityLevel
        fields = [
            "id",
            "number",
            *translated_fields("name", "description"),
            "lower_bound",
        ]


class MaturityDimensionSerializer(TranslatedCatalogueSerializer):
    questions: serializers.PrimaryKeyRelatedField[Question] = serializers.PrimaryKeyRelatedField(
        many=True, read_only=True, help_text=_("The ids of the dimension's questions.")
    )

    class Meta:
        model = Dimension
        fields = [
            "id",
            "code",
            "order",
            *translated_fields("name", "description"),
            "active",
            "questions",
        ]


class LevelDescriptorSerializer(NestedItemSerializer):
    level = serializers.IntegerField(
        min_value=1,
        max_value=5,
        error_messages={"min_value": SCORE_MESSAGE, "max_value": SCORE_MESSAGE},
    )
    text = translated()

    class Meta(NestedItemSerializer.Meta):
        model = LevelDescriptor
        fields = ["level", "text", "text_sv", "text_en"]


class MaturityQuestionSerializer(ModelValidatedSerializer):
    """A question with its level descriptors. Sending `descriptors` replaces them:
    at most one per level 1–5."""

    text = translated()
    help = translated()
    descriptors = LevelDescriptorSerializer(many=True, required=False)

    class Meta:
        model = Question
        fields = [
            "id",
            "dimension",
            "code",
            "order",
            *translated_fields("text", "help"),
            "active",
            "descriptors",
        ]

    def validate_descriptors(self, descriptors: list[dict]) -> list[dict]:
        levels = [descriptor["level"] for descriptor in descriptors]
        if len(levels) != len(set(levels)):
            raise serializers.ValidationError(_("Give each level at most one descriptor."))
        return descriptors

    def would_be_instance(self, attrs):
        return super().would_be_instance(
            {name: value for name, value in attrs.items() if name != "descriptors"}
        )

    @transaction.atomic
    def create(self, validated_data):
        descriptors = validated_data.pop("descriptors", [])
        question = super().create(validated_data)
        self.write_descriptors(question, descriptors)
        return question

    @transaction.atomic
    def update(self, instance, validated_data):
        descriptors = validated_data.pop("descriptors", None)
        question = super().update(instance, validated_data)
        if descriptors is not None:
            question.descriptors.exclude(level__in=[d["level"] for d in descriptors]).delete()
            self.write_descriptors(question, descriptors)
        return question

    def write_descriptors(self, question: Question, descriptors: list[dict]) -> None:
        for descriptor in descriptors:
            LevelDescriptor.objects.update_or_create(
                question=question,
                level=descriptor["level"],
                defaults={"text_sv": descriptor["text_sv"], "text_en": descriptor["text_en"]},
            )


# --- assessments -------------------------------------------------------------------------


class AssessmentDimensionScoreSerializer(serializers.Serializer):
    dimension = serializers.IntegerField(help_text=_("The dimension id."))
    code = serializers.CharField()
    name = serializers.CharField(help_text=TRANSLATED_HELP)
    score = serializers.DecimalField(**SCORE, help_text=_("Empty when nothing is answered."))
    level = serializers.IntegerField(allow_null=True, help_text=_("The level number, 1–5."))
    level_name = serializers.CharField(allow_null=True)
    answered = serializers.IntegerField(help_text=_("Questions with at least one answer."))
    questions = serializers.IntegerField()


class AssessmentScoresSerializer(serializers.Serializer):
    overall = serializers.DecimalField(
        **SCORE, help_text=_("The mean of the dimensions with answers; empty without answers.")
    )
    level = serializers.IntegerField(allow_null=True, help_text=_("The level number, 1–5."))
    level_name = serializers.CharField(allow_null=True)
    answered = serializers.IntegerField()
    questions = serializers.IntegerField()
    dimensions = AssessmentDimensionScoreSerializer(many=True)


def scores_data(scores: Scores, model: Model) -> dict:
    dimensions = [
        {
            "dimension": dimension.pk,
            "code": dimension.code,
            "name": dimension.name,
            "score": scores.dimensions[dimension.pk],
            "level": level.number if (level := scores.dimension_levels[dimension.pk]) else None,
            "level_name": level.name if level else None,
            "answered": scores.dimension_answered[dimension.pk],
            "questions": scores.dimension_questions[dimension.pk],
        }
        for dimension in model.dimensions
        if dimension.pk in scores.dimensions
    ]
    return {
        "overall": scores.overall,
        "level": scores.level.number if scores.level else None,
        "level_name": scores.level.name if scores.level else None,
        "answered": scores.answered,
        "questions": scores.questions,
        "dimensions": dimensions,
    }


class AssessmentStatusField(serializers.ChoiceField):
    pass


extend_schema_field(own_enum(Status.choices, "maturity-assessment-status"))(AssessmentStatusField)


class AssessmentSerializer(ModelValidatedSerializer):
    """An assessment with its computed scores (see cxlean/maturity/scoring.py)."""

    unit_name = serializers.CharField(source="unit.name", read_only=True)
    assessors = serializers.PrimaryKeyRelatedField(
        queryset=User.objects.filter(is_active=True),
        many=True,
        allow_empty=False,
        help_text=_(
            "The ids of the people who answer: people of the unit, the units above and "
            "below it (not management), or the coordinator themself."
        ),
    )
    assessor_names = serializers.SerializerMethodField()
    status = AssessmentStatusField(choices=Status.choices, read_only=True)
    status_label = serializers.CharField(source="get_status_display", read_only=True)
    scores = serializers.SerializerMethodField()

    class Meta:
        model = Assessment
        fields = [
            "id",
            "unit",
            "unit_name",
            "assessed_on",
            "title",
            "note",
            "assessors",
            "assessor_names",
            "status",
            "status_label",
            "scores",
            "created_by",
            "created_at",
            "completed_at",
        ]
        read_only_fields = ["created_by", "created_at", "completed_at"]

    def get_assessor_names(self, assessment: Assessment) -> list[str]:
        return [display_name(person) for person in assessment.assessors.all()]

    @extend_schema_field(AssessmentScoresSerializer)
    def get_scores(self, assessment: Assessment) -> dict:
        scores = self.context.get("scores", {}).get(assessment.pk)
        model = self.context.get("model")
        if scores is None or model is None:
            model = load_model()
            scores = scores_for([assessment], model)[assessment.pk]
        return AssessmentScoresSerializer(scores_data(scores, model)).data

    def validate_unit(self, unit: Unit) -> Unit:
        instance = self.instance
        user = requesting_user(self)
        if (instance is None or unit != instance.unit) and not coordinates_unit(user, unit):
            raise serializers.ValidationError(
                _("You can start assessments only for the units you coordinate.")
            )
        return unit

    def validate(self, attrs):
        attrs = super().validate(attrs)
        unit = attrs.get("unit", self.instance.unit if self.instance else None)
        assessors = attrs.get("assessors")
        if assessors is None and self.instance is not None:
            assessors = list(self.instance.assessors.all())
        if unit is not None and assessors is not None:
            errors = assessor_errors(
                self.instance or Assessment(), unit, list(assessors), requesting_user(self)
            )
            if errors:
                raise serializers.ValidationError({"assessors": errors})
        return attrs

    def validate_model(self, assessment: Assessment, attrs) -> None:
        assessment.full_clean(exclude=["created_by"], validate_unique=False)


class AssessmentAnswerSerializer(ModelValidatedSerializer):
    """One assessor's answer; the assessor is whoever sends it."""

    assessment = ScopedPrimaryKeyField(
        queryset=Assessment.objects.select_related("unit"), scope=visible_assessments
    )
    question_text = serializers.CharField(source="question.text", read_only=True)
    assessor_name = name_field("assessor")
    score = serializers.IntegerField(
        min_value=1,
        max_value=5,
        help_text=_("The level from 1 to 5."),
        error_messages={"min_value": SCORE_MESSAGE, "max_value": SCORE_MESSAGE},
    )

    class Meta:
        model = AssessmentAnswer
        fields = [
            "id",
            "assessment",
            "question",
            "question_text",
            "assessor",
            "assessor_name",
            "score",
            "comment",
            "answered_at",
        ]
        read_only_fields = ["assessor", "answered_at"]

    def validate(self, attrs):
        user = requesting_user(self)
        if self.instance is not None:
            for name in ("assessment", "question"):
                if name in attrs and attrs[name] != getattr(self.instance, name):
                    raise serializers.ValidationError(
                        {name: [_("An answer cannot move to another assessment or question.")]}
                    )
        elif AssessmentAnswer.objects.filter(
            assessment=attrs["assessment"], question=attrs["question"], assessor=user
        ).exists():
            raise serializers.ValidationError(
                {
                    "question": [
                        _("You have answered this question already: change that answer instead.")
                    ]
                }
            )
        return super().validate(attrs)

    def validate_model(self, answer: AssessmentAnswer, attrs) -> None:
        answer.full_clean(exclude=["assessor"], validate_unique=False, validate_constraints=False)


# --- flat score rows ---------------------------------------------------------------------


class MaturityScoreRowSerializer(serializers.Serializer):
    unit = serializers.IntegerField(help_text=_("The unit id."))
    unit_name = serializers.CharField()
    assessment = serializers.IntegerField(help_text=_("The assessment id."))
    assessed_on = serializers.DateField()
    period_kind = serializers.CharField(help_text=_("Always `quarter`."))
    period_start = serializers.DateField(help_text=_("The first day of the assessment's quarter."))
    figure = serializers.CharField(help_text=_("`overall` or the dimension's code."))
    figure_name = serializers.CharField(help_text=TRANSLATED_HELP)
    score = serializers.DecimalField(**SCORE, help_text=_("1.00–5.00; empty without answers."))
    level = serializers.IntegerField(allow_null=True, help_text=_("The level number, 1–5."))
    level_name = serializers.CharField(allow_null=True, help_text=TRANSLATED_HELP)
    answered = serializers.IntegerField(help_text=_("Questions with at least one answer."))
    questions = serializers.IntegerField(help_text=_("Questions asked."))
