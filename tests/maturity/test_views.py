"""The maturity pages against every role: the list, starting and editing an assessment,
the questionnaire (partial answers, bad input saves nothing), the assessment page with
its radar chart, scores and evidence, completing and reopening, the comparisons, and
constant query counts.

People from tests/conftest.py: Alice (employee, Team Chatt under Kundservice) and Bob
(coordinator of Kundservice) assess Kundservice; Carol coordinates Sales (her own
completed assessment); Maria is management; Root is superuser.
"""

import datetime as dt

import pytest
from django.urls import reverse
from django.utils import timezone

from cxlean.maturity.models import Assessment, AssessmentAnswer, Status
from tests.factories import UnitFactory, UserFactory
from tests.maturity.factories import AnswerFactory, AssessmentFactory, DimensionFactory
from tests.maturity.factories import QuestionFactory as MaturityQuestionFactory

pytestmark = pytest.mark.django_db


def url(name: str, *args) -> str:
    return reverse(f"maturity:{name}", args=args)


def answers_data(questions, *levels, comments=()) -> dict:
    data = {}
    for index, question in enumerate(questions):
        level = levels[index] if index < len(levels) else ""
        data[f"q{question.pk}"] = "" if level is None else str(level)
        data[f"c{question.pk}"] = comments[index] if index < len(comments) else ""
    return data


@pytest.fixture
def third_dimension(questions):
    """A third dimension, so the radar chart has a plane to draw on."""
    dimension = DimensionFactory(code="data", order=3, name_en="Data")
    return MaturityQuestionFactory(dimension=dimension, code="d1", text_en="Is data used?")


# --- access --------------------------------------------------------------------------------


def test_anonymous_people_are_sent_to_log_in(client, assessment):
    for name, args in [("list", ()), ("detail", (assessment.pk,)), ("compare", ())]:
        response = client.get(url(name, *args))
        assert response.status_code == 302 and "/accounts/login/" in response["Location"]


@pytest.mark.parametrize("who", ["alice", "bob", "maria", "root"])
def test_those_who_see_it_open_the_assessment(request, as_user, assessment, who):
    response = as_user(request.getfixturevalue(who)).get(url("detail", assessment.pk))
    assert response.status_code == 200
    assert response.context["assessment"] == assessment


def test_another_units_assessment_is_not_found(as_user, carol, assessment):
    assert as_user(carol).get(url("detail", assessment.pk)).status_code == 404
    assert as_user(carol).get(url("answer", assessment.pk)).status_code == 404
    assert as_user(carol).post(url("complete", assessment.pk)).status_code == 404


def test_the_list_shows_what_each_role_sees(
    as_user, assessment, sales_assessment, alice, carol, maria
):
    def listed(user):
        response = as_user(user).get(url("list"))
        assert response.status_code == 200
        return {a.pk for a in response.context["assessments"]}

    assert listed(alice) == {assessment.pk}
    assert listed(carol) == {sales_assessment.pk}
    assert listed(maria) == {assessment.pk, sales_assessment.pk}


def test_the_list_shows_scores_levels_and_the_assessors_part(
    as_user, assessment, sales_assessment, questions, alice, maria
):
    AnswerFactory(assessment=assessment, question=questions[0], assessor=alice, score=4)
    page = as_user(alice).get(url("list"), language="en").content.decode()
    assert "Your answers: 1 of 3" in page
    assert url("answer", assessment.pk) in page
    management = as_user(maria).get(url("list"), language="en").content.decode()
    assert "3.25" in management and "Defined" in management  # Carol's, completed
    assert url("answer", assessment.pk) not in management
    assert url("new") not in management


def test_the_list_filters_by_unit(as_user, maria, assessment, sales_assessment, sales_unit):
    response = as_user(maria).get(url("list"), {"unit": sales_unit.pk})
    assert [a.pk for a in response.context["assessments"]] == [sales_assessment.pk]
    response = as_user(maria).get(url("list"), {"unit": "nonsense"})
    assert response.status_code == 200 and response.context["filters"].errors


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


@pytest.mark.parametrize("page", ["list", "compare"])
def test_pages_run_a_constant_number_of_queries(
    as_user, maria, levels, questions, page, count_queries
):
    client = as_user(maria)
    fill(UnitFactory(), 2, questions)
    small = count_queries(client, url(page))
    for _ in range(3):
        fill(UnitFactory(), 4, questions)
    assert count_queries(client, url(page)) == small


def test_the_assessment_page_runs_a_constant_number_of_queries(
    as_user, maria, levels, questions, service_unit, count_queries
):
    client = as_user(maria)
    fill(service_unit, 2, questions)
    latest = Assessment.objects.filter(unit=service_unit).order_by("-assessed_on").first()
    small = count_queries(client, url("detail", latest.pk))
    fill(service_unit, 5, questions)
    latest = Assessment.objects.filter(unit=service_unit).order_by("-assessed_on").first()
    assert count_queries(client, url("detail", latest.pk)) == small


# --- starting and editing ------------------------------------------------------------------


def test_employees_and_management_cannot_start_assessments(as_user, alice, maria, levels):
    for user in (alice, maria):
        assert as_user(user).get(url("new")).status_code == 403
        assert as_user(user).post(url("new"), {}).status_code == 403


def new_data(unit, *people, **changes) -> dict:
    data = {
        "unit": unit.pk,
        "assessed_on": timezone.localdate().isoformat(),
        "title": "Vårens skattning",
        "note": "",
        "assessors": [person.pk for person in people],
    }
    return {**data, **changes}


def test_a_coordinator_starts_an_assessment(as_user, bob, alice, service_unit, levels):
    response = as_user(bob).post(url("new"), new_data(service_unit, alice, bob))
    assessment = Assessment.objects.get(title="Vårens skattning")
    assert response.status_code == 302 and response["Location"] == url("detail", assessment.pk)
    assert set(assessment.assessors.all()) == {alice, bob}
    assert assessment.created_by == bob and assessment.status == Status.IN_PROGRESS


def test_a_coordinator_cannot_start_one_for_another_unit(as_user, bob, sales_unit, levels):
    response = as_user(bob).post(url("new"), new_data(sales_unit, bob))
    assert response.status_code == 200 and "unit" in response.context["form"].errors
    assert not Assessment.objects.exists()


@pytest.mark.parametrize(
    ("changes", "field"),
    [
        ({"assessed_on": "2999-01-01"}, "assessed_on"),
        ({"assessed_on": "not a date"}, "assessed_on"),
        ({"title": ""}, "title"),
        ({"assessors": []}, "assessors"),
    ],
)
def test_bad_input_saves_nothing(as_user, bob, service_unit, levels, changes, field):
    response = as_user(bob).post(url("new"), new_data(service_unit, bob, **changes))
    assert response.status_code == 200
    assert field in response.context["form"].errors
    assert not Assessment.objects.exists()


def test_assessors_work_in_the_units_part_of_the_tree(
    as_user, bob, carol, maria, service_unit, levels
):
    far_away = UserFactory(unit=UnitFactory())
    for person in (far_away, maria):
        response = as_user(bob).post(url("new"), new_data(service_unit, bob, person))
        assert response.status_code == 200 and "assessors" in response.context["form"].errors
    # Carol works in a sister department: not a choice, and refused if forged.
    response = as_user(bob).post(url("new"), new_data(service_unit, carol))
    assert "assessors" in response.context["form"].errors
    assert not Assessment.objects.exists()


def test_a_coordinator_edits_an_assessment_in_progress(as_user, bob, alice, assessment):
    data = new_data(assessment.unit, bob, title="Nytt namn", assessed_on="2026-01-10")
    response = as_user(bob).post(url("edit", assessment.pk), data)
    assert response.status_code == 302
    assessment.refresh_from_db()
    assert assessment.title == "Nytt namn" and list(assessment.assessors.all()) == [bob]


def test_an_assessor_who_answered_stays(as_user, bob, alice, assessment, questions):
    AnswerFactory(assessment=assessment, question=questions[0], assessor=alice)
    response = as_user(bob).post(url("edit", assessment.pk), new_data(assessment.unit, bob))
    assert response.status_code == 200 and "assessors" in response.context["form"].errors
    assert assessment.assessors.filter(pk=alice.pk).exists()


@pytest.mark.parametrize("who", ["alice", "carol", "maria"])
def test_others_cannot_edit(request, as_user, assessment, who):
    response = as_user(request.getfixturevalue(who)).get(url("edit", assessment.pk))
    assert response.status_code in (403, 404)


def test_a_completed_assessment_cannot_be_edited(as_user, carol, sales_assessment):
    assert as_user(carol).get(url("edit", sales_assessment.pk)).status_code == 403


# --- the questionnaire ---------------------------------------------------------------------


def test_the_questionnaire_labels_each_level_with_its_descriptor(
    as_user, alice, assessment, questions
):
    response = as_user(alice).get(url("answer", assessment.pk), language="en")
    assert response.status_code == 200
    page = response.content.decode()
    first = questions[0]
    assert f'<label class="maturity-option" for="id_q{first.pk}_3">' in page
    assert f"Level 3 for {first.code}" in page
    assert f'name="q{first.pk}" value="3"' in page
    assert "<legend>Is there a strategy?</legend>" in page


def test_an_assessor_saves_part_of_the_answers(as_user, alice, assessment, questions):
    client = as_user(alice)
    data = answers_data(questions, 4, None, None, comments=["Strategin finns på papper."])
    response = client.post(url("answer", assessment.pk), data)
    assert response.status_code == 302
    saved = AssessmentAnswer.objects.get(assessment=assessment, assessor=alice)
    assert (saved.question, saved.score, saved.comment) == (
        questions[0],
        4,
        "Strategin finns på papper.",
    )
    # Later: the rest, and the first one changed.
    client.post(url("answer", assessment.pk), answers_data(questions, 3, 2, 5))
    assert sorted(
        AssessmentAnswer.objects.filter(assessor=alice).values_list("score", flat=True)
    ) == [2, 3, 5]
    # Taking an answer back.
    client.post(url("answer", assessment.pk), answers_data(questions, 3, None, 5))
    assert AssessmentAnswer.objects.filter(assessor=alice).count() == 2


def test_finish_goes_to_the_assessment(as_user, alice, assessment, questions):
    data = {**answers_data(questions, 4), "finish": ""}
    response = as_user(alice).post(url("answer", assessment.pk), data)
    assert response["Location"] == url("detail", assessment.pk)


def test_an_answer_of_six_is_refused_and_nothing_is_saved(as_user, alice, assessment, questions):
    data = answers_data(questions, 4, 6, 2)
    response = as_user(alice).post(url("answer", assessment.pk), data, language="en")
    assert response.status_code == 200
    errors = response.context["form"].errors
    assert errors[f"q{questions[1].pk}"] == ["Answer with a level from 1 to 5."]
    assert "Nothing was saved" in response.content.decode()
    assert not AssessmentAnswer.objects.exists()


def test_a_comment_needs_a_level(as_user, alice, assessment, questions):
    data = answers_data(questions, None, comments=["Vet inte."])
    response = as_user(alice).post(url("answer", assessment.pk), data)
    assert f"q{questions[0].pk}" in response.context["form"].errors
    assert not AssessmentAnswer.objects.exists()


@pytest.mark.parametrize("who", ["maria", "root"])
def test_only_assessors_answer(request, as_user, assessment, questions, who):
    client = as_user(request.getfixturevalue(who))
    assert client.get(url("answer", assessment.pk)).status_code == 403
    assert client.post(url("answer", assessment.pk), answers_data(questions, 3)).status_code == 403
    assert not AssessmentAnswer.objects.exists()


def test_a_completed_assessment_takes_no_answers(as_user, carol, sales_assessment, questions):
    response = as_user(carol).post(url("answer", sales_assessment.pk), answers_data(questions, 5))
    assert response.status_code == 403
    assert sorted(sales_assessment.answers.values_list("score", flat=True)) == [2, 3, 4]


# --- the assessment page -------------------------------------------------------------------


def test_the_page_shows_scores_levels_spread_comments_and_the_radar(
    as_user, bob, alice, assessment, questions, third_dimension
):
    AnswerFactory(assessment=assessment, question=questions[0], assessor=alice, score=2)
    AnswerFactory(
        assessment=assessment,
        question=questions[0],
        assessor=bob,
        score=5,
        comment="Vi har en plan.",
    )
    AnswerFactory(assessment=assessment, question=questions[2], assessor=bob, score=3)
    response = as_user(bob).get(url("detail", assessment.pk), language="en")
    page = response.content.decode()
    scores = response.context["scores"]
    assert str(scores.overall) == "3.25"  # strategy 3.50, culture 3.00; data not answered
    assert "3 Defined" in page
    assert "Mean 3.50 from 2 answers (lowest 2, highest 5)" in page
    assert "Assessors disagree" in page
    assert "Vi har en plan." in page
    assert 'class="maturity-radar"' in page and "<polygon" in page
    assert "How the level is worked out" in page
    assert 'data-indicator="gemba_cadence"' in page  # the evidence panel
    assert url("complete", assessment.pk) in page


def test_the_previous_assessment_is_drawn_as_a_second_outline(
    as_user, bob, alice, assessment, questions, third_dimension, service_unit
):
    earlier = AssessmentFactory(
        unit=service_unit, assessed_on=dt.date(2025, 6, 1), assessors=[bob], status=Status.COMPLETED
    )
    AnswerFactory(assessment=earlier, question=questions[0], assessor=bob, score=2)
    AnswerFactory(assessment=assessment, question=questions[0], assessor=bob, score=4)
    response = as_user(bob).get(url("detail", assessment.pk), language="en")
    assert response.context["previous"] == earlier
    page = response.content.decode()
    assert 'class="maturity-radar__previous"' in page
    assert "+2.00" in page  # strategy went from 2 to 4


def test_the_evidence_covers_the_twelve_months_up_to_the_assessment(as_user, maria, assessment):
    response = as_user(maria).get(url("detail", assessment.pk))
    assert response.context["evidence_start"] == dt.date(2025, 1, 16)
    assert {i.key for i in response.context["evidence"]} >= {"green_card_coverage", "gemba_cadence"}


def test_management_sees_no_buttons(as_user, maria, assessment):
    page = as_user(maria).get(url("detail", assessment.pk)).content.decode()
    assert url("complete", assessment.pk) not in page
    assert url("edit", assessment.pk) not in page
    assert url("answer", assessment.pk) not in page


# --- complete and reopen -------------------------------------------------------------------


def test_a_coordinator_completes_and_reopens(as_user, bob, alice, assessment, questions):
    AnswerFactory(assessment=assessment, question=questions[0], assessor=alice)
    client = as_user(bob)
    assert client.post(url("complete", assessment.pk)).status_code == 302
    assessment.refresh_from_db()
    assert assessment.status == Status.COMPLETED
    assert client.post(url("reopen", assessment.pk)).status_code == 302
    assessment.refresh_from_db()
    assert assessment.status == Status.IN_PROGRESS


def test_completing_without_answers_says_why(as_user, bob, assessment):
    response = as_user(bob).post(url("complete", assessment.pk), follow=True, language="en")
    assert "Answer at least one question" in response.content.decode()
    assessment.refresh_from_db()
    assert assessment.status == Status.IN_PROGRESS


@pytest.mark.parametrize("who", ["alice", "maria"])
def test_others_cannot_complete_or_reopen(request, as_user, assessment, questions, alice, who):
    AnswerFactory(assessment=assessment, question=questions[0], assessor=alice)
    client = as_user(request.getfixturevalue(who))
    assert client.post(url("complete", assessment.pk)).status_code == 403
    assert client.post(url("reopen", assessment.pk)).status_code == 403
    assessment.refresh_from_db()
    assert assessment.status == Status.IN_PROGRESS


def test_complete_is_a_post(as_user, bob, assessment):
    assert as_user(bob).get(url("complete", assessment.pk)).status_code == 405


# --- comparisons ---------------------------------------------------------------------------


def test_a_unit_over_time_and_units_side_by_side(
    as_user, maria, assessment, sales_assessment, questions, third_dimension, service_unit, bob
):
    earlier = AssessmentFactory(
        unit=service_unit, assessed_on=dt.date(2025, 6, 1), assessors=[bob], status=Status.COMPLETED
    )
    AnswerFactory(assessment=earlier, question=questions[0], assessor=bob, score=2)
    response = as_user(maria).get(url("compare"), {"over-unit": service_unit.pk}, language="en")
    assert response.status_code == 200
    assert response.context["history"] == [earlier]  # completed ones only
    assert {a.pk for a in response.context["latest"]} == {earlier.pk, sales_assessment.pk}
    page = response.content.decode()
    assert page.count('class="maturity-bars"') == 2
    overall = response.context["latest_rows"][-1]
    assert overall["code"] == "overall"
    # Each bar links to the assessment it shows: the dimension's questions, or its result.
    detail = reverse("maturity:detail", args=[earlier.pk])
    assert f'href="{detail}#result-heading"' in page
    assert f'href="{detail}#questions-{third_dimension.dimension.code}"' in page
    assert 'class="maturity-bars" viewBox' in page and 'role="group"' in page


def test_compare_narrows_to_a_unit(as_user, maria, sales_assessment, sales_unit, assessment):
    response = as_user(maria).get(url("compare"), {"within-unit": sales_unit.pk})
    assert [a.pk for a in response.context["latest"]] == [sales_assessment.pk]


def test_compare_shows_only_what_the_viewer_sees(as_user, bob, sales_assessment, sales_unit):
    response = as_user(bob).get(url("compare"), {"over-unit": sales_unit.pk})
    assert response.status_code == 200
    assert response.context["history"] == [] and response.context["latest"] == []
