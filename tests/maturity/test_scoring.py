"""The maturity arithmetic (cxlean/maturity/scoring.py), worked out by hand: question
means over assessors, dimension means over answered questions, the overall mean over
dimensions with answers, two decimals half up, the level thresholds at their
boundaries, and the constant number of queries."""

import datetime as dt
from decimal import Decimal

import pytest

from cxlean.maturity.models import MaturityLevel, Status
from cxlean.maturity.scoring import latest_by_unit, level_for, scores_for
from cxlean.org.models import Unit
from tests.factories import UnitFactory, UserFactory
from tests.maturity.factories import (
    AnswerFactory,
    AssessmentFactory,
    DimensionFactory,
)

pytestmark = pytest.mark.django_db
D = Decimal


def answer(assessment, question, assessor, score, comment=""):
    return AnswerFactory(
        assessment=assessment, question=question, assessor=assessor, score=score, comment=comment
    )


@pytest.mark.parametrize(
    ("score", "level"),
    [
        ("1.00", 1),
        ("1.79", 1),
        ("1.80", 2),
        ("2.59", 2),
        ("2.60", 3),
        ("3.39", 3),
        ("3.40", 4),
        ("4.19", 4),
        ("4.20", 5),
        ("5.00", 5),
    ],
)
def test_the_level_is_the_highest_whose_lower_bound_the_score_reaches(levels, score, level):
    assert level_for(D(score), levels).number == level


def test_no_score_has_no_level(levels):
    assert level_for(None, levels) is None
    assert level_for(D("3.00"), []) is None


def test_the_levels_follow_edited_thresholds(levels):
    MaturityLevel.objects.filter(number=3).update(lower_bound=D("3.00"))
    edited = list(MaturityLevel.objects.order_by("number"))
    assert level_for(D("2.99"), edited).number == 2
    assert level_for(D("3.00"), edited).number == 3


def test_without_answers_there_is_no_score(assessment, strategy, culture):
    scores = scores_for([assessment])[assessment.pk]
    assert scores.overall is None and scores.level is None
    assert scores.dimensions == {strategy.pk: None, culture.pk: None}
    assert scores.dimension_levels == {strategy.pk: None, culture.pk: None}
    assert (scores.answered, scores.questions) == (0, 3)


def test_one_assessor_one_answer(assessment, questions, alice, strategy, culture):
    answer(assessment, questions[0], alice, 4)
    scores = scores_for([assessment])[assessment.pk]
    # Strategy: only s1 answered, 4; culture not answered: left out of the overall.
    assert scores.dimensions == {strategy.pk: D("4.00"), culture.pk: None}
    assert scores.overall == D("4.00")
    assert scores.level.number == 4
    assert (scores.answered, scores.questions) == (1, 3)
    assert scores.dimension_answered == {strategy.pk: 1, culture.pk: 0}
    assert scores.dimension_questions == {strategy.pk: 2, culture.pk: 1}


def test_several_assessors_worked_by_hand(assessment, questions, alice, bob, strategy, culture):
    s1, s2, c1 = questions
    answer(assessment, s1, alice, 2)
    answer(assessment, s1, bob, 3)  # s1 = 2.50
    answer(assessment, s2, alice, 4)  # s2 = 4.00 (Bob has not answered it)
    answer(assessment, c1, alice, 1)
    answer(assessment, c1, bob, 2)  # c1 = 1.50
    scores = scores_for([assessment])[assessment.pk]
    # Strategy (2.50 + 4.00) / 2 = 3.25; culture 1.50; overall (3.25 + 1.50) / 2 = 2.375 -> 2.38
    assert scores.dimensions == {strategy.pk: D("3.25"), culture.pk: D("1.50")}
    assert scores.overall == D("2.38")
    assert scores.level.number == 2
    assert scores.dimension_levels[strategy.pk].number == 3
    assert scores.dimension_levels[culture.pk].number == 1
    assert (scores.answered, scores.questions) == (3, 3)
    first = scores.by_question[s1.pk]
    assert (first.score, first.low, first.high, first.count, first.spread) == (
        D("2.50"),
        2,
        3,
        2,
        1,
    )


def test_each_step_is_rounded_half_up_before_the_next(assessment, questions, alice, bob, root):
    s1, s2, c1 = questions
    assessment.assessors.add(root)
    for person, score in ((alice, 1), (bob, 2), (root, 2)):
        answer(assessment, s1, person, score)  # 5/3 = 1.666… -> 1.67
    answer(assessment, s2, alice, 2)  # 2.00
    answer(assessment, c1, alice, 3)
    scores = scores_for([assessment])[assessment.pk]
    assert scores.by_question[s1.pk].score == D("1.67")
    # (1.67 + 2.00) / 2 = 1.835 -> 1.84; overall (1.84 + 3.00) / 2 = 2.42
    assert scores.dimensions[s1.dimension_id] == D("1.84")
    assert scores.overall == D("2.42")


def test_every_dimension_weighs_the_same(assessment, questions, alice):
    s1, s2, c1 = questions
    answer(assessment, s1, alice, 5)
    answer(assessment, s2, alice, 5)
    answer(assessment, c1, alice, 1)
    # Not (5 + 5 + 1) / 3 = 3.67: the two dimensions count once each.
    assert scores_for([assessment])[assessment.pk].overall == D("3.00")


def test_an_inactive_question_counts_only_where_it_was_answered(
    assessment, sales_assessment, questions, alice
):
    s1, s2, c1 = questions
    s2.active = False
    s2.save()
    answer(assessment, s1, alice, 3)
    scores = scores_for([assessment, sales_assessment])
    assert scores[assessment.pk].questions == 2  # s2 is no longer asked
    assert scores[sales_assessment.pk].questions == 3  # Carol answered it back then
    assert scores[sales_assessment.pk].by_question[s2.pk].score == D("3.00")


def test_an_inactive_dimension_is_not_asked(assessment, questions, culture, alice):
    culture.active = False
    culture.save()
    answer(assessment, questions[0], alice, 3)
    scores = scores_for([assessment])[assessment.pk]
    assert list(scores.dimensions) == [questions[0].dimension_id]
    assert scores.questions == 2


def test_scores_of_several_assessments_at_once(assessment, sales_assessment):
    scores = scores_for([assessment, sales_assessment])
    assert scores[assessment.pk].overall is None
    # Carol: strategy (2 + 3) / 2 = 2.50, culture 4; overall 3.25.
    assert scores[sales_assessment.pk].overall == D("3.25")
    assert scores_for([]) == {}


def fill(unit: Unit, count: int, questions) -> None:
    assessor = UserFactory(unit=unit)
    for index in range(count):
        assessment = AssessmentFactory(
            unit=unit,
            assessors=[assessor],
            status=Status.COMPLETED,
            assessed_on=dt.date(2025, 1, 1) + dt.timedelta(days=index),
        )
        for question in questions:
            answer(assessment, question, assessor, 1 + index % 5)


def test_scores_run_three_queries_whatever_the_number_of_assessments(
    levels, questions, django_assert_num_queries
):
    unit = UnitFactory()
    fill(unit, 2, questions)
    assessments = list(unit.maturity_assessments.all())
    with django_assert_num_queries(3):  # levels, questions with dimensions, answers
        assert len(scores_for(assessments)) == 2
    fill(unit, 12, questions)
    DimensionFactory.create_batch(2)
    assessments = list(unit.maturity_assessments.all())
    with django_assert_num_queries(3):
        assert len(scores_for(assessments)) == 14


def test_latest_by_unit_keeps_the_newest_completed_ones(levels, questions, service_unit):
    other = UnitFactory(parent=service_unit)
    fill(service_unit, 3, questions)
    fill(other, 1, questions)
    AssessmentFactory(unit=service_unit, assessed_on=dt.date(2026, 1, 1))  # in progress
    latest = latest_by_unit(Unit.objects.filter(pk__in=[service_unit.pk, other.pk]))
    assert list(latest) == [service_unit.pk, other.pk]
    assert [a.assessed_on for a in latest[service_unit.pk]] == [
        dt.date(2025, 1, 3),
        dt.date(2025, 1, 2),
    ]
    assert len(latest[other.pk]) == 1
    assert len(latest_by_unit(Unit.objects.filter(pk=service_unit.pk), 1)[service_unit.pk]) == 1


def test_latest_by_unit_is_one_query(levels, questions, django_assert_num_queries):
    units = UnitFactory.create_batch(2)
    for unit in units:
        fill(unit, 2, questions)
    with django_assert_num_queries(1):
        assert len(latest_by_unit(Unit.objects.all())) == 2
    units = UnitFactory.create_batch(6)
    for unit in units:
        fill(unit, 3, questions)
    with django_assert_num_queries(1):
        latest = latest_by_unit(Unit.objects.all())
        assert len(latest) == 8 and all(len(found) == 2 for found in latest.values())
        assert all(found[0].unit.pk for found in latest.values())
