"""What the maturity pages read: the assessments a person sees (with what a list row
shows, in a constant number of queries), an assessment with its previous one, its
answers by question, and the comparisons over time and side by side.

The rules are the model layer's (`Assessment.objects.visible_to`, `can_manage`,
`may_answer`); the arithmetic is `cxlean.maturity.scoring`'s.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from dataclasses import dataclass, field
from decimal import Decimal
from typing import TYPE_CHECKING, TypedDict

from django.contrib.auth.models import User
from django.db.models import Count, Exists, IntegerField, OuterRef, Q, QuerySet, Subquery, Value
from django.db.models.functions import Coalesce

from cxlean.maturity.models import (
    Assessment,
    AssessmentAnswer,
    Dimension,
    MaturityLevel,
    Question,
    Status,
)
from cxlean.maturity.scoring import Model, QuestionScore, Scores, latest_by_unit, scores_for
from cxlean.org.models import Unit
from cxlean.org.roles import is_coordinator, is_read_only

if TYPE_CHECKING:
    from django_stubs_ext import WithAnnotations

OVER_TIME = 8  # assessments of a unit shown over time
SIDE_BY_SIDE_CHART = 8  # units drawn side by side; more are in the table only


def may_create(user) -> bool:
    """Coordinators (of some unit) and superusers create assessments."""
    return is_coordinator(user) and not is_read_only(user)


def visible_assessments(user) -> QuerySet[Assessment]:
    return Assessment.objects.visible_to(user)


class ListedFields(TypedDict):
    mine: bool  # the viewer is one of the assessors
    my_answers: int  # questions the viewer has answered


def listed_assessments(user) -> QuerySet[WithAnnotations[Assessment, ListedFields]]:
    """Visible assessments with what a list row shows: whether the viewer assesses
    (`mine`) and how many questions they have answered, each a subquery."""
    assessing = Assessment.assessors.through.objects.filter(assessment=OuterRef("pk"), user=user.pk)
    my_answers = (
        AssessmentAnswer.objects.filter(assessment=OuterRef("pk"), assessor=user.pk)
        .order_by()
        .values("assessment")
        .annotate(n=Count("pk"))
        .values("n")
    )
    return (
        visible_assessments(user)
        .select_related("unit")
        .prefetch_related("assessors")
        .annotate(
            mine=Exists(assessing),
            my_answers=Coalesce(Subquery(my_answers, output_field=IntegerField()), Value(0)),
        )
        .order_by("-assessed_on", "-pk")
    )


def asked_questions(answered_in: Assessment | None = None, by=None) -> list[Question]:
    """The questions an assessment asks now (and any others `by` has answered in it),
    in order, with their dimension and level descriptors (two queries)."""
    asked = Q(active=True, dimension__active=True)
    if answered_in is not None:
        asked |= Q(pk__in=answered_in.answers.filter(assessor=by).values("question_id"))
    return list(
        Question.objects.filter(asked)
        .select_related("dimension")
        .prefetch_related("descriptors")
        .order_by("dimension__order", "dimension_id", "order", "pk")
    )


def previous_assessment(assessment: Assessment, user) -> Assessment | None:
    """The unit's completed assessment before this one that the viewer sees."""
    return (
        visible_assessments(user)
        .filter(unit_id=assessment.unit_id, status=Status.COMPLETED)
        .filter(
            Q(assessed_on__lt=assessment.assessed_on)
            | Q(assessed_on=assessment.assessed_on, pk__lt=assessment.pk)
        )
        .order_by("-assessed_on", "-pk")
        .first()
    )


def twelve_months_before(day: dt.date) -> dt.date:
    """The first day of the twelve months that end on `day`."""
    try:
        return day.replace(year=day.year - 1) + dt.timedelta(days=1)
    except ValueError:  # 29 February
        return day.replace(year=day.year - 1, day=28) + dt.timedelta(days=1)


# --- the assessment page -----------------------------------------------------------------


@dataclass
class AnswerRow:
    assessor: User
    score: int
    comment: str


@dataclass
class QuestionRow:
    question: Question
    result: QuestionScore
    answers: list[AnswerRow] = field(default_factory=list)


@dataclass
class DimensionRow:
    dimension: Dimension
    score: Decimal | None
    level: MaturityLevel | None
    answered: int
    questions: int
    previous: Decimal | None = None
    questions_rows: list[QuestionRow] = field(default_factory=list)

    @property
    def change(self) -> Decimal | None:
        if self.score is None or self.previous is None:
            return None
        return self.score - self.previous


def dimension_rows(
    scores: Scores, model: Model, previous: Scores | None, answers: list[AssessmentAnswer]
) -> list[DimensionRow]:
    """Per dimension its score, level and questions (with every assessor's answer)."""
    by_question: dict[int, list[AnswerRow]] = defaultdict(list)
    for answer in answers:
        by_question[answer.question_id].append(
            AnswerRow(answer.assessor, answer.score, answer.comment)
        )
    questions = {q.pk: q for q in model.questions}
    rows = []
    for dimension in model.dimensions:
        if dimension.pk not in scores.dimensions:
            continue
        row = DimensionRow(
            dimension,
            scores.dimensions[dimension.pk],
            scores.dimension_levels[dimension.pk],
            scores.dimension_answered.get(dimension.pk, 0),
            scores.dimension_questions.get(dimension.pk, 0),
            previous.dimensions.get(dimension.pk) if previous else None,
        )
        row.questions_rows = [
            QuestionRow(questions[pk], result, by_question.get(pk, []))
            for pk, result in scores.by_question.items()
            if questions[pk].dimension_id == dimension.pk
        ]
        rows.append(row)
    return rows


def answers_of(assessment: Assessment) -> list[AssessmentAnswer]:
    return list(
        assessment.answers.select_related("assessor").order_by(
            "question_id", "assessor__first_name", "assessor__username"
        )
    )


def assessor_progress(assessment: Assessment) -> list[tuple[User, int]]:
    """Each assessor with the number of questions they have answered (two queries)."""
    counts = dict(
        assessment.answers.order_by()
        .values("assessor")
        .annotate(n=Count("pk"))
        .values_list("assessor", "n")
    )
    people = assessment.assessors.order_by("first_name", "last_name", "username")
    return [(person, counts.get(person.pk, 0)) for person in people]


# --- comparisons -------------------------------------------------------------------------


def compared_units(user) -> QuerySet[Unit]:
    """The units with a completed assessment the viewer sees."""
    completed = visible_assessments(user).filter(status=Status.COMPLETED)
    return Unit.objects.filter(pk__in=completed.values("unit_id")).order_by("path")


def over_time(unit: Unit, user) -> list[Assessment]:
    """The unit's latest completed assessments the viewer sees, oldest first."""
    newest = list(
        visible_assessments(user)
        .filter(unit=unit, status=Status.COMPLETED)
        .select_related("unit")
        .order_by("-assessed_on", "-pk")[:OVER_TIME]
    )
    return newest[::-1]


def side_by_side(user, within: Unit | None) -> list[Assessment]:
    """The latest completed assessment of each unit in scope (and within `within`)."""
    units = compared_units(user)
    if within is not None:
        units = units.filter(path__startswith=within.path)
    latest = latest_by_unit(units, 1, among=visible_assessments(user))
    return [assessments[0] for assessments in latest.values()]


def scores_of(assessments: list[Assessment], model: Model) -> dict[int, Scores]:
    return scores_for(assessments, model) if assessments else {}
