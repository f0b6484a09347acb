"""The maturity model and assessments in the admin: who reads and changes what, the
computed scores in the list (a constant number of queries), level bounds, answers of 6
refused, and the complete/reopen actions.

People from tests/conftest.py: Alice (employee) and Bob (coordinator of Kundservice)
assess Kundservice; Carol coordinates Sales; Maria is management; Root is superuser.
"""

import datetime as dt

import pytest
from django.urls import reverse

from cxlean.maturity.models import AssessmentAnswer, MaturityLevel, Status
from tests.factories import UnitFactory, UserFactory
from tests.maturity.factories import AnswerFactory, AssessmentFactory

pytestmark = pytest.mark.django_db
MODELS = ["maturitylevel", "dimension", "question", "assessment", "assessmentanswer"]


def changelist(model: str) -> str:
    return reverse(f"admin:maturity_{model}_changelist")


def change(obj) -> str:
    return reverse(f"admin:maturity_{obj._meta.model_name}_change", args=[obj.pk])


def listed(response) -> set[int]:
    assert response.status_code == 200
    return {obj.pk for obj in response.context["cl"].result_list}


def test_employees_do_not_use_the_admin(as_user, alice, assessment):
    for model in MODELS:
        assert as_user(alice).get(changelist(model)).status_code == 302


@pytest.mark.parametrize("who", ["bob", "maria", "root"])
def test_coordinators_management_and_superusers_read_every_list(request, as_user, assessment, who):
    client = as_user(request.getfixturevalue(who))
    for model in MODELS:
        assert client.get(changelist(model)).status_code == 200, model


def test_assessments_are_scoped_by_unit(as_user, bob, carol, maria, assessment, sales_assessment):
    assert listed(as_user(bob).get(changelist("assessment"))) == {assessment.pk}
    assert listed(as_user(carol).get(changelist("assessment"))) == {sales_assessment.pk}
    assert listed(as_user(maria).get(changelist("assessment"))) == {
        assessment.pk,
        sales_assessment.pk,
    }
    assert as_user(bob).get(change(sales_assessment)).status_code == 302  # not in scope
    answer = sales_assessment.answers.first()
    assert listed(as_user(bob).get(changelist("assessmentanswer"))) == set()
    assert as_user(bob).get(change(answer)).status_code == 302


def test_the_list_shows_overall_score_and_level(as_user, maria, sales_assessment):
    page = as_user(maria).get(changelist("assessment"), language="en").content.decode()
    assert "3.25" in page and "3 Defined" in page and "3/3" in page


def fill(unit, count: int, questions) -> None:
    person = UserFactory(unit=unit)
    for index in range(count):
        assessment = AssessmentFactory(
            unit=unit,
            assessors=[person],
            status=Status.COMPLETED,
            assessed_on=dt.date(2025, 1, 1) + dt.timedelta(days=index),
        )
        for question in questions:
            AnswerFactory(assessment=assessment, question=question, assessor=person)


@pytest.mark.parametrize("model", ["assessment", "assessmentanswer", "question", "dimension"])
def test_lists_run_a_constant_number_of_queries(
    as_user, maria, levels, questions, model, count_queries
):
    client = as_user(maria)
    fill(UnitFactory(), 2, questions)
    small = count_queries(client, changelist(model))
    for _ in range(3):
        fill(UnitFactory(), 4, questions)
    assert count_queries(client, changelist(model)) == small


def test_management_changes_nothing(as_user, maria, assessment, levels):
    client = as_user(maria)
    page = client.get(change(assessment))
    assert page.status_code == 200 and not page.context["has_change_permission"]
    response = client.post(change(levels[0]), {"number": 1, "lower_bound": "1.00"})
    assert response.status_code == 403
    response = client.post(
        changelist("assessment"),
        {"action": "complete_assessments", "_selected_action": [assessment.pk]},
    )
    assessment.refresh_from_db()
    assert assessment.status == Status.IN_PROGRESS
    assert client.get(reverse("admin:maturity_assessment_add")).status_code == 403


def level_data(level: MaturityLevel, **changes) -> dict:
    return {
        "number": level.number,
        "name_sv": level.name_sv,
        "name_en": level.name_en,
        "lower_bound": str(level.lower_bound),
        "description_sv": "",
        "description_en": "",
        **changes,
    }


def test_the_cx_owner_edits_the_levels_with_rising_bounds(as_user, bob, olivia, levels):
    # A coordinator reads the model and proposes changes; the CX owner changes it.
    assert as_user(bob).post(change(levels[3]), level_data(levels[3])).status_code == 403
    client = as_user(olivia)
    response = client.post(change(levels[3]), level_data(levels[3], lower_bound="2.50"))
    assert response.status_code == 200
    assert "lower_bound" in response.context["adminform"].form.errors
    response = client.post(change(levels[3]), level_data(levels[3], lower_bound="3.60"))
    assert response.status_code == 302
    assert str(MaturityLevel.objects.get(number=4).lower_bound) == "3.60"


def test_an_assessor_answers_in_the_admin_and_six_is_refused(as_user, bob, assessment, questions):
    client = as_user(bob)
    data = {
        "assessment": assessment.pk,
        "question": questions[0].pk,
        "assessor": bob.pk,
        "score": 6,
        "comment": "",
    }
    response = client.post(reverse("admin:maturity_assessmentanswer_add"), data, language="en")
    assert response.status_code == 200
    assert response.context["adminform"].form.errors["score"] == [
        "Answer with a level from 1 to 5."
    ]
    assert not AssessmentAnswer.objects.exists()
    response = client.post(reverse("admin:maturity_assessmentanswer_add"), {**data, "score": 4})
    assert response.status_code == 302
    assert AssessmentAnswer.objects.get().assessor == bob


def test_a_coordinator_cannot_answer_for_someone_else(as_user, bob, alice, assessment, questions):
    data = {
        "assessment": assessment.pk,
        "question": questions[0].pk,
        "assessor": alice.pk,
        "score": 3,
        "comment": "",
    }
    response = as_user(bob).post(reverse("admin:maturity_assessmentanswer_add"), data)
    assert response.status_code == 200 and "assessor" in response.context["adminform"].form.errors
    answer = AnswerFactory(assessment=assessment, question=questions[1], assessor=alice)
    page = as_user(bob).get(change(answer))
    assert not page.context["has_change_permission"]


def test_answers_are_read_only_on_the_assessment(as_user, bob, alice, assessment, questions):
    AnswerFactory(assessment=assessment, question=questions[0], assessor=alice, score=2)
    page = as_user(bob).get(change(assessment), language="en")
    assert page.status_code == 200
    inline = page.context["inline_admin_formsets"][0]
    assert not inline.has_change_permission and not inline.has_add_permission


def test_complete_and_reopen_actions(as_user, bob, carol, alice, assessment, questions):
    AnswerFactory(assessment=assessment, question=questions[0], assessor=alice)
    client = as_user(bob)
    client.post(
        changelist("assessment"),
        {"action": "complete_assessments", "_selected_action": [assessment.pk]},
    )
    assessment.refresh_from_db()
    assert assessment.status == Status.COMPLETED
    client.post(
        changelist("assessment"),
        {"action": "reopen_assessments", "_selected_action": [assessment.pk]},
    )
    assessment.refresh_from_db()
    assert assessment.status == Status.IN_PROGRESS


def test_the_assessment_change_page_shows_the_scores(as_user, carol, sales_assessment):
    page = as_user(carol).get(change(sales_assessment), language="en").content.decode()
    assert "Overall: 3.25" in page


def test_assessors_follow_the_same_rules_as_the_web(as_user, bob, service_unit, levels):
    stranger = UserFactory(unit=UnitFactory())
    data = {
        "unit": service_unit.pk,
        "assessed_on": "2026-01-10",
        "title": "Från admin",
        "note": "",
        "assessors": [stranger.pk],
        "answers-TOTAL_FORMS": 0,
        "answers-INITIAL_FORMS": 0,
    }
    response = as_user(bob).post(reverse("admin:maturity_assessment_add"), data)
    assert response.status_code == 200
    assert "assessors" in response.context["adminform"].form.errors
    response = as_user(bob).post(
        reverse("admin:maturity_assessment_add"), {**data, "assessors": [bob.pk]}
    )
    assert response.status_code == 302, response.context["adminform"].form.errors


def test_history_is_kept(as_user, bob, assessment):
    assessment.title = "Nytt namn"
    assessment.save()
    assert assessment.history.first().title == "Nytt namn"
    response = as_user(bob).get(reverse("admin:maturity_assessment_history", args=[assessment.pk]))
    assert response.status_code == 200


def test_the_dashboard_links_to_a_units_assessments(as_user, maria, assessment, sales_assessment):
    url = changelist("assessment")
    response = as_user(maria).get(url, {"unit__id__exact": assessment.unit_id})
    assert listed(response) == {assessment.pk}
    response = as_user(maria).get(url, {"in_unit": assessment.unit.parent_id})
    assert listed(response) == {assessment.pk, sales_assessment.pk}
