"""How an assessment's answers become scores and a maturity level.

The levels (the catalogue's defaults; the organisation can rename them and move the
thresholds in the admin, as long as they rise strictly from 1.00):

    1 Reactive        1.00 – 1.79   problems are fixed as they come, by whoever is near
    2 Aware           1.80 – 2.59   the need is seen, first things are tried in places
    3 Defined         2.60 – 3.39   ways of working are agreed, written down and used
    4 Managed         3.40 – 4.19   work is measured and steered by customer figures
    5 Proactive       4.20 – 5.00   needs are anticipated, problems prevented, journeys designed

The averaging, each step rounded to two decimals (half up) before the next uses it, so
anyone can redo the sums from what the pages show:

1. a question's score is the mean of its assessors' answers (1–5);
2. a dimension's score is the mean of its answered questions' scores; a question no one
   has answered is left out, not counted as zero;
3. the overall score is the mean of the dimensions that have answers, so every
   dimension weighs the same whatever its number of questions;
4. a level is the highest one whose lower bound the score reaches (`level_for`); a
   dimension's level the same way from its own score.

No answers at all gives no score and no level (None), never a zero. The spread of a
question (its lowest and highest answer) shows where the assessors disagree.

Every function runs a constant number of queries, whatever the number of assessments.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal

from django.db.models import F, Q, QuerySet, Window
from django.db.models.functions import RowNumber

from cxlean.core.typed import default_ordering
from cxlean.maturity.models import (
    Assessment,
    AssessmentAnswer,
    Dimension,
    MaturityLevel,
    Question,
    Status,
)
from cxlean.org.models import Unit

TWO_PLACES = Decimal("0.01")


def rounded(value: Decimal) -> Decimal:
    return value.quantize(TWO_PLACES, rounding=ROUND_HALF_UP)


def mean(values: Sequence[Decimal | int]) -> Decimal | None:
    if not values:
        return None
    return rounded(Decimal(sum(Decimal(v) for v in values)) / len(values))


def level_for(score: Decimal | None, levels: Sequence[MaturityLevel]) -> MaturityLevel | None:
    """The highest level whose lower bound `score` reaches; None without a score."""
    if score is None:
        return None
    reached = [level for level in levels if level.lower_bound <= score]
    return max(reached, key=lambda level: level.lower_bound, default=None)


@dataclass
class QuestionScore:
    """A question's answers in one assessment: the mean, and the lowest and highest
    answer (where they differ, the assessors disagree)."""

    question_id: int
    score: Decimal | None = None
    low: int | None = None
    high: int | None = None
    count: int = 0

    @property
    def spread(self) -> int | None:
        return None if self.low is None or self.high is None else self.high - self.low


@dataclass
class Scores:
    overall: Decimal | None
    level: MaturityLevel | None
    dimensions: dict[int, Decimal | None]  # dimension id -> score
    dimension_levels: dict[int, MaturityLevel | None]
    answered: int  # questions with at least one answer
    questions: int  # questions asked (active ones, and any answered)
    by_question: dict[int, QuestionScore] = field(default_factory=dict)
    dimension_answered: dict[int, int] = field(default_factory=dict)
    dimension_questions: dict[int, int] = field(default_factory=dict)


@dataclass(frozen=True)
class Model:
    """The catalogue the scores are computed against, read once."""

    levels: list[MaturityLevel]
    dimensions: list[Dimension]
    questions: list[Question]  # every question, in order, with its dimension


def load_model() -> Model:
    """Two queries: the levels, and the questions with their dimensions (a dimension
    without questions has nothing to score)."""
    levels = list(MaturityLevel.objects.order_by("number"))
    questions = list(
        Question.objects.select_related("dimension").order_by(*default_ordering(Question))
    )
    dimensions = {question.dimension_id: question.dimension for question in questions}
    ordered = sorted(dimensions.values(), key=lambda d: (d.order, d.pk))
    return Model(levels, ordered, questions)


def scores_for(assessments: Iterable[Assessment], model: Model | None = None) -> dict[int, Scores]:
    """The scores of each assessment, by assessment id (see the module docstring).
    Three queries (one less when `model` is given), whatever the number of assessments."""
    ids = [assessment.pk for assessment in assessments]
    if not ids:
        return {}
    model = model or load_model()
    answers: dict[int, dict[int, list[int]]] = defaultdict(lambda: defaultdict(list))
    rows = AssessmentAnswer.objects.filter(assessment_id__in=ids).values_list(
        "assessment_id", "question_id", "score"
    )
    for assessment_id, question_id, score in rows:
        answers[assessment_id][question_id].append(score)
    return {pk: score_answers(answers.get(pk, {}), model) for pk in ids}


def score_answers(answers: dict[int, list[int]], model: Model) -> Scores:
    """Scores from one assessment's answers: question id -> the assessors' scores."""
    by_question: dict[int, QuestionScore] = {}
    per_dimension: dict[int, list[Decimal]] = defaultdict(list)
    asked: dict[int, int] = defaultdict(int)
    answered: dict[int, int] = defaultdict(int)
    for question in model.questions:
        given = answers.get(question.pk, [])
        if not given and not (question.active and question.dimension.active):
            continue
        dimension_id = question.dimension_id
        asked[dimension_id] += 1
        result = QuestionScore(question.pk)
        if given:
            result = QuestionScore(question.pk, mean(given), min(given), max(given), len(given))
            assert result.score is not None  # the mean of answers given
            per_dimension[dimension_id].append(result.score)
            answered[dimension_id] += 1
        by_question[question.pk] = result
    dimensions = {
        dimension.pk: mean(per_dimension.get(dimension.pk, []))
        for dimension in model.dimensions
        if dimension.pk in asked
    }
    overall = mean([score for score in dimensions.values() if score is not None])
    return Scores(
        overall=overall,
        level=level_for(overall, model.levels),
        dimensions=dimensions,
        dimension_levels={pk: level_for(score, model.levels) for pk, score in dimensions.items()},
        answered=sum(answered.values()),
        questions=sum(asked.values()),
        by_question=by_question,
        dimension_answered={pk: answered.get(pk, 0) for pk in dimensions},
        dimension_questions={pk: asked[pk] for pk in dimensions},
    )


def latest_by_unit(
    units: QuerySet[Unit], count: int = 2, *, among: QuerySet[Assessment] | None = None
) -> dict[int, list[Assessment]]:
    """The completed assessments of each unit (its own, not its sub-units'), newest
    first, at most `count` per unit. One query. `among` narrows the assessments (e.g. to
    those a viewer may see)."""
    assessments = (among if among is not None else Assessment.objects.all()).filter(
        Q(status=Status.COMPLETED), unit__in=units
    )
    ranked = (
        assessments.select_related("unit")
        .annotate(
            rank=Window(
                RowNumber(),
                partition_by=[F("unit_id")],
                order_by=[F("assessed_on").desc(), F("completed_at").desc(), F("pk").desc()],
            )
        )
        .filter(rank__lte=count)
        .order_by("unit__path", "rank")
    )
    latest: dict[int, list[Assessment]] = defaultdict(list)
    for assessment in ranked:
        latest[assessment.unit_id].append(assessment)
    return dict(latest)
