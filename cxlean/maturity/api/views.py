"""The CX maturity assessment over the API: the maturity model (levels, dimensions,
questions with their level descriptors), assessments with their computed scores and
`complete` / `reopen`, the assessors' answers, and the flat score rows for Power BI.

Who sees what is `visible_to` (anything else is a 404); who changes what is the model
layer's `can_manage`, `can_edit` and `may_answer` (403). Management reads everything and
gets 403 on every write.
"""

from __future__ import annotations

import datetime as dt
import math
from collections.abc import Sequence
from typing import cast

from django.db.models import Q, QuerySet
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from rest_framework import filters, viewsets
from rest_framework.exceptions import PermissionDenied
from rest_framework.response import Response

from cxlean.core.api import (
    AdvisedDeletion,
    FlatRowsViewSet,
    SavesUser,
    documented,
    transition_action,
)
from cxlean.core.filters import FILTER_BACKENDS, StrictOrderingFilter
from cxlean.maturity.api.filters import (
    OVERALL,
    AssessmentAnswerFilter,
    AssessmentFilter,
    MaturityDimensionFilter,
    MaturityQuestionFilter,
    ScoreRowFilter,
)
from cxlean.maturity.api.permissions import AnswerPermission, AssessmentPermission
from cxlean.maturity.api.serializers import (
    AssessmentAnswerSerializer,
    AssessmentSerializer,
    MaturityDimensionSerializer,
    MaturityLevelSerializer,
    MaturityQuestionSerializer,
    MaturityScoreRowSerializer,
)
from cxlean.maturity.models import (
    Assessment,
    AssessmentAnswer,
    Dimension,
    MaturityLevel,
    Question,
    Status,
    completed_message,
)
from cxlean.maturity.scoring import Model, load_model, scores_for
from cxlean.org.api_permissions import CatalogueOwnersWrite

TAGS = ["maturity"]
SEARCH_BACKENDS = [*FILTER_BACKENDS, filters.SearchFilter]
INACTIVE_ADVICE = gettext_lazy("Make it inactive instead.")


# --- the maturity model ------------------------------------------------------------------


@documented(
    TAGS,
    list=(
        "The maturity levels",
        "From 1 reactive to 5 proactive and strategic. A score at or above a "
        "level's `lower_bound` (and below the next one's) reaches it; the bounds rise "
        "strictly from 1.00 (400 otherwise). Everyone signed in reads them; Lean "
        "coordinators change them.",
    ),
    retrieve="A maturity level",
    create="Add a maturity level (coordinators)",
    changes=("a maturity level", "coordinators"),
)
class MaturityLevelViewSet(viewsets.ModelViewSet):
    queryset = MaturityLevel.objects.all()
    serializer_class = MaturityLevelSerializer
    permission_classes = [CatalogueOwnersWrite]
    filter_backends = [StrictOrderingFilter]
    ordering_fields = ["number"]
    ordering = ["number"]
    pagination_class = None


@documented(
    TAGS,
    list=(
        "The maturity dimensions",
        "The sides of how CX is built, in order, each with the ids of its "
        "questions. Everyone signed in reads them; the CX owner curates them.",
    ),
    retrieve="A maturity dimension",
    create="Add a dimension (coordinators)",
    changes=("a dimension", "coordinators"),
    destroy=(
        "Delete a dimension (coordinators)",
        "A dimension with questions cannot be deleted (400): make it inactive.",
    ),
)
class MaturityDimensionViewSet(AdvisedDeletion, viewsets.ModelViewSet):
    queryset = Dimension.objects.prefetch_related("questions")
    serializer_class = MaturityDimensionSerializer
    permission_classes = [CatalogueOwnersWrite]
    filter_backends = SEARCH_BACKENDS
    filterset_class = MaturityDimensionFilter
    search_fields = ["name_sv", "name_en", "code"]
    ordering_fields = ["order", "code", "id"]
    ordering = ["order", "id"]
    deletion_advice = INACTIVE_ADVICE


@documented(
    TAGS,
    list=(
        "The maturity questions with their level descriptors",
        "Each question with a descriptor per level 1–5: what one sees in the "
        "organisation at that level. Filter by dimension.",
    ),
    retrieve="A maturity question",
    create=(
        "Add a question (coordinators)",
        "`descriptors`: a list of {level, text_sv, text_en}, one per level.",
    ),
    update="Change a question (coordinators)",
    partial_update=(
        "Change some fields of a question",
        "Sending `descriptors` replaces the question's descriptors.",
    ),
    destroy=(
        "Delete a question (coordinators)",
        "A question that has answers cannot be deleted (400): make it inactive.",
    ),
)
class MaturityQuestionViewSet(AdvisedDeletion, viewsets.ModelViewSet):
    queryset = Question.objects.select_related("dimension").prefetch_related("descriptors")
    serializer_class = MaturityQuestionSerializer
    permission_classes = [CatalogueOwnersWrite]
    filter_backends = SEARCH_BACKENDS
    filterset_class = MaturityQuestionFilter
    search_fields = ["text_sv", "text_en", "code"]
    ordering_fields = ["order", "code", "id"]
    ordering = ["dimension__order", "dimension_id", "order", "id"]
    deletion_advice = INACTIVE_ADVICE


# --- assessments -------------------------------------------------------------------------


def assessments_for(user) -> QuerySet[Assessment]:
    return Assessment.objects.visible_to(user).select_related("unit").prefetch_related("assessors")


@documented(
    TAGS,
    list=(
        "The maturity assessments you can see",
        "Management sees every assessment; others those of their part of the "
        "organisation tree and those they assess. Each with its computed `scores`: a "
        "question's score is the mean of its assessors' answers, a dimension's the mean "
        "of its answered questions, the overall score the mean of the dimensions with "
        "answers (each rounded to two decimals); the level is the highest whose lower "
        "bound the score reaches. Newest first.",
    ),
    retrieve="A maturity assessment with its scores",
    create=(
        "Start an assessment (coordinators of the unit)",
        "`assessors`: user ids of people of the unit, the units above and "
        "below it (not management), or yourself. `assessed_on` not in the future. It "
        "starts in progress.",
    ),
    changes=("an assessment in progress", "its coordinators"),
)
class AssessmentViewSet(SavesUser, viewsets.ModelViewSet):
    queryset = Assessment.objects.all()
    serializer_class = AssessmentSerializer
    permission_classes = [AssessmentPermission]
    filter_backends = SEARCH_BACKENDS
    filterset_class = AssessmentFilter
    search_fields = ["title", "note"]
    ordering_fields = ["assessed_on", "id"]
    ordering = ["-assessed_on", "-id"]
    created_by_field = "created_by"

    def get_queryset(self) -> QuerySet[Assessment]:
        return assessments_for(self.request.user)

    def list(self, request, *args, **kwargs) -> Response:
        queryset = self.filter_queryset(self.get_queryset())
        page = self.paginate_queryset(queryset)
        rows = list(page if page is not None else queryset)
        serializer = self.scored_serializer(rows, many=True)
        return (
            self.get_paginated_response(serializer.data)
            if page is not None
            else Response(serializer.data)
        )

    def scored_serializer(self, instance, **kwargs) -> AssessmentSerializer:
        rows = instance if kwargs.get("many") else [instance]
        model = load_model()
        context = {**self.get_serializer_context(), "model": model}
        context["scores"] = scores_for(rows, model)
        return AssessmentSerializer(instance, context=context, **kwargs)

    def output(self, assessment: Assessment) -> Response:
        assessment = self.get_queryset().get(pk=assessment.pk)
        return Response(self.scored_serializer(assessment).data)

    complete = transition_action(
        "complete",
        summary="Complete an assessment",
        description="A coordinator of the unit. It needs at least one answer (400 "
        "otherwise); a completed assessment is read-only until reopened.",
        responses=AssessmentSerializer,
    )

    reopen = transition_action(
        "reopen",
        summary="Reopen a completed assessment",
        description="A coordinator of the unit; the assessors can answer again.",
        responses=AssessmentSerializer,
    )


# --- answers -----------------------------------------------------------------------------


@documented(
    TAGS,
    list="Answers of the assessments you can see (`?assessment=`)",
    retrieve="An answer",
    create=(
        "Answer a question of an assessment (its assessors)",
        "You answer as yourself, once per question (a second answer is a "
        "400: change the first). `score` is the level 1–5 (anything else is a 400 on "
        "`score`). Only while the assessment is in progress.",
    ),
    update="Change your answer",
    partial_update="Change your answer's score or comment",
    destroy="Take your answer back",
)
class AssessmentAnswerViewSet(SavesUser, viewsets.ModelViewSet):
    queryset = AssessmentAnswer.objects.all()
    serializer_class = AssessmentAnswerSerializer
    permission_classes = [AnswerPermission]
    filter_backends = FILTER_BACKENDS
    filterset_class = AssessmentAnswerFilter
    ordering_fields = ["answered_at", "id"]
    ordering = ["assessment", "question__dimension__order", "question__order", "id"]
    created_by_field = "assessor"

    def get_queryset(self) -> QuerySet[AssessmentAnswer]:
        visible = Assessment.objects.visible_to(self.request.user).values("pk")
        return AssessmentAnswer.objects.filter(assessment__in=visible).select_related(
            "question", "assessor", "assessment__unit"
        )

    def perform_create(self, serializer) -> None:
        assessment = serializer.validated_data["assessment"]
        if not assessment.may_answer(self.request.user):
            raise PermissionDenied(
                completed_message() if assessment.is_completed else AnswerPermission.message
            )
        super().perform_create(serializer)


# --- flat score rows ---------------------------------------------------------------------


def quarter_start(day: dt.date) -> dt.date:
    return dt.date(day.year, 3 * ((day.month - 1) // 3) + 1, 1)


class ScoreRows:
    """The rows of a queryset of assessments, one per assessment and figure, made a
    page at a time: the paginator asks for `count()` and a slice, and only the
    assessments of that slice are scored (a fixed number of queries a page)."""

    def __init__(self, assessments: QuerySet[Assessment], figures: list, model: Model):
        self.assessments = assessments
        self.figures = figures  # (code, Dimension or None for overall)
        self.model = model

    def count(self) -> int:
        return self.assessments.count() * len(self.figures)

    def __len__(self) -> int:
        return self.count()

    def __getitem__(self, index):
        if not isinstance(index, slice):
            return self[index : index + 1][0]
        per = len(self.figures) or 1
        start, stop = index.start or 0, index.stop
        first = start // per
        last = math.ceil(stop / per) if stop is not None else None
        chunk = list(self.assessments[first:last])
        scores = scores_for(chunk, self.model)
        rows = [self.row(a, scores[a.pk], code, d) for a in chunk for code, d in self.figures]
        offset = first * per
        return rows[start - offset : (stop - offset) if stop is not None else None]

    def row(self, assessment: Assessment, scores, code: str, dimension) -> dict:
        if dimension is None:
            score, level = scores.overall, scores.level
            answered, questions, name = scores.answered, scores.questions, _("Overall")
        else:
            score = scores.dimensions.get(dimension.pk)
            level = scores.dimension_levels.get(dimension.pk)
            answered = scores.dimension_answered.get(dimension.pk, 0)
            questions = scores.dimension_questions.get(dimension.pk, 0)
            name = dimension.name
        return {
            "unit": assessment.unit_id,
            "unit_name": assessment.unit.name,
            "assessment": assessment.pk,
            "assessed_on": assessment.assessed_on,
            "period_kind": "quarter",
            "period_start": quarter_start(assessment.assessed_on),
            "figure": code,
            "figure_name": name,
            "score": score,
            "level": level.number if level else None,
            "level_name": level.name if level else None,
            "answered": answered,
            "questions": questions,
        }


@documented(
    TAGS,
    list=(
        "Maturity scores as a flat table",
        "One row per completed assessment you can see and figure: `overall` "
        "and each dimension (by code), with the unit, the assessment's date and quarter "
        "(`period_kind` quarter, `period_start`), the score (1.00–5.00, empty without "
        "answers), the level and how many questions were answered. Made for Power BI: "
        "filter by `unit` (with sub-units), `figure`, `from` and `to` (the assessment "
        "date); 500 rows a page (`page_size` up to 5000), by date and assessment.",
    ),
)
class MaturityScoreViewSet(FlatRowsViewSet):
    queryset = Assessment.objects.none()
    serializer_class = MaturityScoreRowSerializer
    filterset_class = ScoreRowFilter

    def get_queryset(self) -> QuerySet[Assessment]:
        return (
            Assessment.objects.visible_to(self.request.user)
            .filter(status=Status.COMPLETED)
            .select_related("unit")
            .order_by("assessed_on", "pk")
        )

    def list(self, request, *args, **kwargs) -> Response:
        assessments = self.filter_queryset(self.get_queryset())
        model = load_model()
        figure = request.query_params.get("figure")
        answered_dimensions = set(
            Dimension.objects.filter(
                Q(active=True) | Q(questions__answers__isnull=False)
            ).values_list("pk", flat=True)
        )
        figures: list[tuple[str, Dimension | None]] = [(OVERALL, None)] + [
            (d.code, d) for d in model.dimensions if d.pk in answered_dimensions
        ]
        if figure:
            figures = [(code, d) for code, d in figures if code == figure]
        rows = ScoreRows(assessments, figures, model)
        page = self.paginate_queryset(cast(Sequence[dict], rows))  # pages like a sequence
        return self.get_paginated_response(MaturityScoreRowSerializer(page, many=True).data)
