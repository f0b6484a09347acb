"""The maturity API against every role: the model (levels with rising bounds, questions
with nested descriptors), assessments with computed scores and complete/reopen, the
assessors' answers (a score of 6 is a 400 on `score`), the flat score rows for Power
BI with their filters, and constant query counts.

People from tests/conftest.py: Alice (employee) and Bob (coordinator) assess Kundservice;
Carol coordinates Sales (her own completed assessment); Maria is management; Root is
superuser.
"""

import datetime as dt
from decimal import Decimal

import pytest
from django.urls import reverse

from cxlean.maturity.models import (
    Assessment,
    AssessmentAnswer,
    LevelDescriptor,
    MaturityLevel,
    Question,
    Status,
)
from tests.api.conftest import api_client
from tests.factories import UnitFactory, UserFactory
from tests.maturity.factories import AnswerFactory, AssessmentFactory

pytestmark = pytest.mark.django_db
EN = {"HTTP_ACCEPT_LANGUAGE": "en"}


@pytest.fixture
def api():
    return api_client


def detail(route: str, pk: int) -> str:
    return reverse(f"{route}-detail", args=[pk])


# --- the maturity model --------------------------------------------------------------------


def test_everyone_signed_in_reads_the_model(api, alice, levels, questions):
    assert api().get(reverse("maturity-level-list")).status_code == 403
    levels_data = api(alice).get(reverse("maturity-level-list"), **EN).json()
    assert [(row["number"], row["name"], row["lower_bound"]) for row in levels_data][:2] == [
        (1, "Reactive", "1.00"),
        (2, "Aware", "1.80"),
    ]
    question = api(alice).get(detail("maturity-question", questions[0].pk), **EN).json()
    assert [d["level"] for d in question["descriptors"]] == [1, 2, 3, 4, 5]
    assert question["descriptors"][2]["text"] == f"Level 3 for {questions[0].code}"
    dimensions = api(alice).get(reverse("maturity-dimension-list")).json()["results"]
    assert [d["code"] for d in dimensions] == ["strategy", "culture"]


@pytest.mark.parametrize("who", ["alice", "maria"])
def test_only_coordinators_change_the_model(request, api, levels, who):
    client = api(request.getfixturevalue(who))
    response = client.patch(
        detail("maturity-level", levels[1].pk), {"name_en": "Awake"}, format="json"
    )
    assert response.status_code == 403
    assert MaturityLevel.objects.get(number=2).name_en == "Aware"


def test_lower_bounds_must_rise(api, olivia, levels):
    response = api(olivia).patch(
        detail("maturity-level", levels[2].pk), {"lower_bound": "1.50"}, format="json", **EN
    )
    assert response.status_code == 400
    assert response.json()["lower_bound"] == ["The lower bound must be above level 2's (1.80)."]
    response = api(olivia).patch(
        detail("maturity-level", levels[2].pk), {"lower_bound": "2.80"}, format="json"
    )
    assert response.status_code == 200
    assert MaturityLevel.objects.get(number=3).lower_bound == Decimal("2.80")


def test_a_question_with_its_descriptors(api, olivia, strategy, levels):
    descriptors = [
        {"level": level, "text_sv": f"Nivå {level}", "text_en": f"Level {level}"}
        for level in range(1, 6)
    ]
    data = {
        "dimension": strategy.pk,
        "code": "new-question",
        "text_sv": "Ny fråga?",
        "text_en": "New question?",
        "descriptors": descriptors,
    }
    response = api(olivia).post(reverse("maturity-question-list"), data, format="json")
    assert response.status_code == 201, response.json()
    question = Question.objects.get(code="new-question")
    assert question.descriptors.count() == 5
    response = api(olivia).patch(
        detail("maturity-question", question.pk),
        {"descriptors": [{"level": 3, "text_sv": "Tre", "text_en": "Three"}]},
        format="json",
    )
    assert response.status_code == 200
    assert list(question.descriptors.values_list("level", "text_en")) == [(3, "Three")]


def test_bad_descriptors_are_refused(api, olivia, strategy, questions):
    bad = [
        [{"level": 6, "text_sv": "x", "text_en": "x"}],
        [
            {"level": 2, "text_sv": "x", "text_en": "x"},
            {"level": 2, "text_sv": "y", "text_en": "y"},
        ],
    ]
    for descriptors in bad:
        response = api(olivia).patch(
            detail("maturity-question", questions[0].pk),
            {"descriptors": descriptors},
            format="json",
        )
        assert response.status_code == 400 and "descriptors" in response.json()
    assert LevelDescriptor.objects.filter(question=questions[0]).count() == 5


def test_an_answered_question_cannot_be_deleted(api, olivia, sales_assessment, questions):
    response = api(olivia).delete(detail("maturity-question", questions[0].pk))
    assert response.status_code == 400
    assert Question.objects.filter(pk=questions[0].pk).exists()


# --- assessments ---------------------------------------------------------------------------


def listed(client, route="assessment-list", **params) -> list[int]:
    response = client.get(reverse(route), params)
    assert response.status_code == 200, response.json()
    return [row["id"] for row in response.json()["results"]]


def test_who_sees_which_assessments(api, assessment, sales_assessment, alice, bob, carol, maria):
    assert listed(api(alice)) == [assessment.pk]
    assert listed(api(bob)) == [assessment.pk]
    assert listed(api(carol)) == [sales_assessment.pk]
    assert set(listed(api(maria))) == {assessment.pk, sales_assessment.pk}
    assert api(carol).get(detail("assessment", assessment.pk)).status_code == 404


def test_an_assessment_carries_its_scores(api, maria, sales_assessment, strategy):
    data = api(maria).get(detail("assessment", sales_assessment.pk), **EN).json()
    scores = data["scores"]
    assert (scores["overall"], scores["level"], scores["level_name"]) == ("3.25", 3, "Defined")
    assert scores["dimensions"][0] == {
        "dimension": strategy.pk,
        "code": "strategy",
        "name": "Strategy",
        "score": "2.50",
        "level": 2,
        "level_name": "Aware",
        "answered": 2,
        "questions": 2,
    }
    assert data["status"] == "completed"


def new_assessment(unit, *people, **changes) -> dict:
    return {
        "unit": unit.pk,
        "assessed_on": "2026-01-10",
        "title": "API-skattning",
        "assessors": [p.pk for p in people],
        **changes,
    }


def test_a_coordinator_starts_one_for_their_unit(api, bob, alice, service_unit, sales_unit, levels):
    response = api(bob).post(
        reverse("assessment-list"), new_assessment(service_unit, alice), format="json"
    )
    assert response.status_code == 201, response.json()
    assert response.json()["status"] == "in_progress"
    assert response.json()["scores"]["overall"] is None
    response = api(bob).post(
        reverse("assessment-list"), new_assessment(sales_unit, bob), format="json"
    )
    assert response.status_code == 400 and "unit" in response.json()


@pytest.mark.parametrize(
    ("changes", "field"),
    [
        ({"assessed_on": "2999-01-01"}, "assessed_on"),
        ({"assessors": []}, "assessors"),
        ({"title": ""}, "title"),
    ],
)
def test_bad_assessments_are_refused(api, bob, service_unit, levels, changes, field):
    response = api(bob).post(
        reverse("assessment-list"), new_assessment(service_unit, bob, **changes), format="json"
    )
    assert response.status_code == 400 and field in response.json()
    assert not Assessment.objects.exists()


def test_an_assessor_far_away_is_refused(api, bob, maria, service_unit, levels):
    stranger = UserFactory(unit=UnitFactory())
    for person in (stranger, maria):
        response = api(bob).post(
            reverse("assessment-list"), new_assessment(service_unit, person), format="json"
        )
        assert response.status_code == 400 and "assessors" in response.json()


@pytest.mark.parametrize("who", ["alice", "maria"])
def test_employees_and_management_cannot_start_or_change(
    request, api, assessment, service_unit, who
):
    client = api(request.getfixturevalue(who))
    assert (
        client.post(
            reverse("assessment-list"), new_assessment(service_unit), format="json"
        ).status_code
        == 403
    )
    assert (
        client.patch(detail("assessment", assessment.pk), {"title": "x"}, format="json").status_code
        == 403
    )
    assert client.post(reverse("assessment-complete", args=[assessment.pk])).status_code == 403


def test_complete_and_reopen(api, bob, alice, assessment, questions):
    client = api(bob)
    response = client.post(reverse("assessment-complete", args=[assessment.pk]))
    assert response.status_code == 400 and "status" in response.json()
    AnswerFactory(assessment=assessment, question=questions[0], assessor=alice, score=4)
    response = client.post(reverse("assessment-complete", args=[assessment.pk]))
    assert response.status_code == 200
    assert (
        response.json()["status"] == "completed" and response.json()["scores"]["overall"] == "4.00"
    )
    response = client.patch(detail("assessment", assessment.pk), {"title": "x"}, format="json")
    assert response.status_code == 403  # completed: read-only until reopened
    response = client.post(reverse("assessment-reopen", args=[assessment.pk]))
    assert response.status_code == 200 and response.json()["status"] == "in_progress"


# --- answers -------------------------------------------------------------------------------


def answer_data(assessment, question, score=3, **changes) -> dict:
    return {"assessment": assessment.pk, "question": question.pk, "score": score, **changes}


def test_an_assessor_answers_as_themself(api, alice, bob, assessment, questions):
    response = api(alice).post(
        reverse("assessment-answer-list"),
        answer_data(assessment, questions[0], 4, comment="Ja", assessor=bob.pk),
        format="json",
    )
    assert response.status_code == 201, response.json()
    answer = AssessmentAnswer.objects.get()
    assert (answer.assessor, answer.score, answer.comment) == (alice, 4, "Ja")
    again = api(alice).post(
        reverse("assessment-answer-list"), answer_data(assessment, questions[0]), format="json"
    )
    assert again.status_code == 400 and "question" in again.json()
    response = api(alice).patch(detail("assessment-answer", answer.pk), {"score": 2}, format="json")
    assert response.status_code == 200
    assert (
        api(bob)
        .patch(detail("assessment-answer", answer.pk), {"score": 5}, format="json")
        .status_code
        == 403
    )
    answer.refresh_from_db()
    assert answer.score == 2


@pytest.mark.parametrize("score", [6, 0, "three"])
def test_a_bad_score_is_a_400_naming_the_field(api, alice, assessment, questions, score):
    response = api(alice).post(
        reverse("assessment-answer-list"),
        answer_data(assessment, questions[0], score),
        format="json",
        **EN,
    )
    assert response.status_code == 400
    assert "score" in response.json()
    if score in (6, 0):
        assert response.json()["score"] == ["Answer with a level from 1 to 5."]
    assert not AssessmentAnswer.objects.exists()


@pytest.mark.parametrize("who", ["carol", "maria", "root"])
def test_only_assessors_answer(request, api, assessment, questions, who):
    response = api(request.getfixturevalue(who)).post(
        reverse("assessment-answer-list"), answer_data(assessment, questions[0]), format="json"
    )
    assert response.status_code in (400, 403)  # Carol does not see it: "does not exist"
    assert not AssessmentAnswer.objects.exists()


def test_no_answers_to_a_completed_assessment(api, carol, sales_assessment, questions):
    answer = sales_assessment.answers.first()
    response = api(carol).patch(detail("assessment-answer", answer.pk), {"score": 5}, format="json")
    assert response.status_code == 403
    response = api(carol).delete(detail("assessment-answer", answer.pk))
    assert response.status_code == 403
    assert sales_assessment.answers.count() == 3


def test_answers_are_listed_by_assessment(
    api, alice, maria, assessment, sales_assessment, questions
):
    AnswerFactory(assessment=assessment, question=questions[0], assessor=alice)
    assert len(listed(api(alice), "assessment-answer-list")) == 1
    assert len(listed(api(maria), "assessment-answer-list", assessment=sales_assessment.pk)) == 3
    response = api(maria).get(reverse("assessment-answer-list"), {"assessment": "x"})
    assert response.status_code == 400


# --- flat score rows -----------------------------------------------------------------------


def test_score_rows_one_per_completed_assessment_and_figure(
    api, maria, assessment, sales_assessment
):
    response = api(maria).get(reverse("maturity-score-list"), **EN)
    assert response.status_code == 200
    rows = response.json()["results"]
    assert response.json()["count"] == 3  # only Carol's is completed: overall + two dimensions
    assert [row["figure"] for row in rows] == ["overall", "strategy", "culture"]
    overall = rows[0]
    assert overall == {
        "unit": sales_assessment.unit_id,
        "unit_name": "Försäljning",
        "assessment": sales_assessment.pk,
        "assessed_on": "2026-01-20",
        "period_kind": "quarter",
        "period_start": "2026-01-01",
        "figure": "overall",
        "figure_name": "Overall",
        "score": "3.25",
        "level": 3,
        "level_name": "Defined",
        "answered": 3,
        "questions": 3,
    }
    assert rows[2]["score"] == "4.00" and rows[2]["figure_name"] == "Culture"


def test_score_rows_filter(api, maria, sales_assessment, sales_unit, service_unit):
    url = reverse("maturity-score-list")
    client = api(maria)
    assert client.get(url, {"figure": "culture"}).json()["count"] == 1
    assert client.get(url, {"unit": service_unit.pk}).json()["count"] == 0
    assert client.get(url, {"unit": sales_unit.pk, "from": "2026-01-20"}).json()["count"] == 3
    assert client.get(url, {"to": "2026-01-19"}).json()["count"] == 0
    for bad in ({"figure": "nonsense"}, {"from": "yesterday"}, {"unit": "x"}):
        response = client.get(url, bad)
        assert response.status_code == 400 and set(bad) <= set(response.json())


def test_score_rows_page(api, maria, levels, questions):
    unit = UnitFactory()
    fill(unit, 4, questions)
    response = api(maria).get(reverse("maturity-score-list"), {"page_size": 5, "page": 2})
    data = response.json()
    assert data["count"] == 12
    assert [row["figure"] for row in data["results"]] == [
        "culture",
        "overall",
        "strategy",
        "culture",
        "overall",
    ]


def test_score_rows_show_what_the_viewer_sees(api, bob, carol, sales_assessment):
    assert api(bob).get(reverse("maturity-score-list")).json()["count"] == 0
    assert api(carol).get(reverse("maturity-score-list")).json()["count"] == 3


# --- query counts --------------------------------------------------------------------------


def fill(unit, count: int, questions) -> None:
    people = UserFactory.create_batch(2, unit=unit)
    for index in range(count):
        assessment = AssessmentFactory(
            unit=unit,
            assessors=people,
            status=Status.COMPLETED,
            assessed_on=dt.date(2025, 1, 1) + dt.timedelta(days=index),
        )
        for question in questions:
            for person in people:
                AnswerFactory(assessment=assessment, question=question, assessor=person)


@pytest.mark.parametrize(
    "route",
    [
        "maturity-level-list",
        "maturity-dimension-list",
        "maturity-question-list",
        "assessment-list",
        "assessment-answer-list",
        "maturity-score-list",
    ],
)
def test_lists_run_a_constant_number_of_queries(
    api, maria, levels, questions, route, count_queries
):
    client = api(maria)
    url = reverse(route)
    fill(UnitFactory(), 2, questions)
    small = count_queries(client, url)
    for _ in range(3):
        fill(UnitFactory(), 3, questions)
    assert count_queries(client, url) == small
