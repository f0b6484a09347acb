"""Fixtures of the Gemba page tests (test_views.py, test_views_walk.py).

`walk` is a planned walk on Kundservice's floor led by Bob with Alice taking part, two
days from now, with a question set of two questions; Dave works in Team Chatt but does not
take part; `sales_walk` is Carol's, in Sales. Model, API and admin tests define their own.
"""

import datetime as dt

import pytest
from django.utils import timezone

from cxlean.org.roles import EMPLOYEE
from tests.factories import UserFactory
from tests.gemba.factories import QuestionFactory, QuestionSetFactory, WalkFactory


def local(day: dt.date, hour: int = 9, minute: int = 0) -> dt.datetime:
    return timezone.make_aware(dt.datetime.combine(day, dt.time(hour, minute)))


def days(n: int) -> dt.date:
    return timezone.localdate() + dt.timedelta(days=n)


@pytest.fixture
def questions():
    question_set = QuestionSetFactory(name_en="Customer service floor", name_sv="Kundtjänstgolvet")
    QuestionFactory(question_set=question_set, order=1, text_en="Where does the customer wait?")
    QuestionFactory(question_set=question_set, order=2, text_en="Where is work done twice?")
    return question_set


@pytest.fixture
def walk(service_unit, bob, alice, questions):
    return WalkFactory(
        unit=service_unit,
        leader=bob,
        participants=[alice],
        place="Kundtjänstgolvet",
        question_set=questions,
        planned_start=local(days(2)),
    )


@pytest.fixture
def dave(service_team):
    return UserFactory(username="dave", first_name="Dave", role=EMPLOYEE, unit=service_team)


@pytest.fixture
def sales_walk(sales_unit, carol):
    return WalkFactory(
        unit=sales_unit, leader=carol, place="Säljgolvet", planned_start=local(days(3))
    )
