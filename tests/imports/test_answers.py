"""Importing survey answers, validated by SurveyAnswer's own rules (full_clean)."""

import datetime as dt

import pytest

from cxlean.imports.models import Status
from cxlean.metrics.models import AnswerRollup, SurveyAnswer
from cxlean.metrics.rollups import differences
from tests.imports.conftest import ANSWERS, errors_of, rows_of

pytestmark = pytest.mark.django_db

DAY = dt.date(2024, 5, 2)


def snapshot():
    return SurveyAnswer.objects.count(), SurveyAnswer.history.count()


def test_answers_are_imported_with_history_as_the_importer(
    run_import, bob, service_team, metrics, phone_queue
):
    content = rows_of(
        ANSWERS,
        {"metric": "nps", "unit": "service", "answered_on": DAY, "score": 10, "respondent": "R-1"},
        {
            "metric": "CSAT",
            "unit": "chat",
            "touchpoint": phone_queue.pk,
            "answered_on": "2024-05-03",
            "score": 4,
            "comment": "Snabbt",
        },  # noqa: E501
        {"metric": "ces", "unit": "service", "answered_on": DAY, "score": 7.0},
    )
    job = run_import(bob, ANSWERS, content)

    assert job.status == Status.DONE, job.errors
    assert (job.created_count, job.updated_count, job.rows_written) == (3, 0, 3)
    answers = list(SurveyAnswer.objects.order_by("pk"))
    assert [(a.metric.kind, a.unit.code, a.score) for a in answers] == [
        ("nps", "service", 10),
        ("csat", "chat", 4),
        ("ces", "service", 7),
    ]
    assert answers[1].touchpoint == phone_queue and answers[1].comment == "Snabbt"
    assert answers[0].respondent == "R-1" and answers[0].created_by == bob
    assert {h.history_user for h in SurveyAnswer.history.all()} == {bob}


FUTURE = dt.date.today() + dt.timedelta(days=3)


@pytest.mark.parametrize(
    ("values", "column", "words"),
    [
        ({"metric": "nps", "score": 11}, "score", "NPS answers run from 0 to 10."),
        ({"metric": "csat", "score": 0}, "score", "CSAT answers run from 1 to 5."),
        ({"metric": "churn"}, "metric", "not a survey metric"),
        ({"metric": "wow"}, "metric", "not a survey metric"),
        ({"unit": "kundservic"}, "unit", "no unit with the code"),
        ({"unit": "sales"}, "unit", "not one of the units you coordinate"),
        ({"answered_on": "yesterday"}, "answered_on", "not a date"),
        ({"answered_on": FUTURE}, "answered_on", "An answer cannot be from the future."),
        ({"score": None}, "score", "required"),
        ({"score": "ten"}, "score", "not a whole number"),
        ({"touchpoint": 999999}, "touchpoint", "no touchpoint number 999999"),
        ({"respondent": "x" * 121}, "respondent", "at most 120 characters"),
    ],
)
def test_a_bad_row_fails_the_job_and_changes_nothing(
    run_import, bob, sales_unit, metrics, values, column, words
):
    good = {"metric": "nps", "unit": "service", "answered_on": DAY, "score": 9}
    before = snapshot()
    job = run_import(bob, ANSWERS, rows_of(ANSWERS, good, good | values))
    assert job.status == Status.FAILED
    assert [(row, col) for row, col, _ in errors_of(job)] == [(3, column)]
    assert words in errors_of(job)[0][2]
    assert snapshot() == before


def test_a_respondent_twice_or_already_recorded_is_an_error(run_import, bob, metrics):
    row = {"metric": "nps", "unit": "service", "answered_on": DAY, "score": 9, "respondent": "R"}
    job = run_import(bob, ANSWERS, rows_of(ANSWERS, row, row))
    assert errors_of(job)[0][:2] == (3, "respondent")
    assert run_import(bob, ANSWERS, rows_of(ANSWERS, row)).status == Status.DONE
    again = run_import(bob, ANSWERS, rows_of(ANSWERS, row))
    assert "already recorded" in errors_of(again)[0][2]
    assert SurveyAnswer.objects.count() == 1


def test_imported_answers_are_in_the_roll_ups(run_import, bob, service_team, metrics):
    content = rows_of(
        ANSWERS,
        {"metric": "nps", "unit": "service", "answered_on": DAY, "score": 10},
        {"metric": "nps", "unit": "chat", "answered_on": DAY, "score": 3},
    )
    assert run_import(bob, ANSWERS, content).status == Status.DONE
    assert differences() == []
    assert AnswerRollup.objects.filter(month=DAY.replace(day=1)).count() == 2
