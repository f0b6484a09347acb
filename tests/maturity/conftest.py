"""Fixtures of the maturity tests: the five default levels, a small model of two
dimensions (strategy with two questions, culture with one), an assessment of
Kundservice in progress with Alice and Bob as assessors, and a completed one of Sales
by Carol.
"""

import datetime as dt

import pytest

from cxlean.maturity.models import Status
from tests.maturity.factories import (
    AnswerFactory,
    AssessmentFactory,
    DimensionFactory,
    QuestionFactory,
    make_levels,
)


@pytest.fixture
def levels(db):
    return make_levels()


@pytest.fixture
def strategy(db):
    return DimensionFactory(code="strategy", order=1, name_sv="Strategi", name_en="Strategy")


@pytest.fixture
def culture(db):
    return DimensionFactory(code="culture", order=2, name_sv="Kultur", name_en="Culture")


@pytest.fixture
def questions(strategy, culture):
    """[strategy 1, strategy 2, culture 1]"""
    return [
        QuestionFactory(dimension=strategy, code="s1", order=1, text_en="Is there a strategy?"),
        QuestionFactory(dimension=strategy, code="s2", order=2, text_en="Does management lead?"),
        QuestionFactory(dimension=culture, code="c1", order=1, text_en="Do people improve?"),
    ]


@pytest.fixture
def assessment(levels, questions, service_unit, alice, bob):
    return AssessmentFactory(
        unit=service_unit,
        assessed_on=dt.date(2026, 1, 15),
        title="Kundservice våren",
        assessors=[alice, bob],
        created_by=bob,
    )


@pytest.fixture
def sales_assessment(levels, questions, sales_unit, carol):
    assessment = AssessmentFactory(
        unit=sales_unit,
        assessed_on=dt.date(2026, 1, 20),
        title="Försäljning vintern",
        assessors=[carol],
        created_by=carol,
    )
    for question, score in zip(questions, [2, 3, 4], strict=True):
        AnswerFactory(assessment=assessment, question=question, assessor=carol, score=score)
    assessment.status = Status.COMPLETED
    assessment.save()
    return assessment
