"""The maturity rules in the model layer: level thresholds, the assessment date, who
answers, completed assessments read-only until reopened, and who sees what."""

import datetime as dt
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone, translation

from cxlean.maturity.models import (
    Assessment,
    AssessmentAnswer,
    LevelDescriptor,
    MaturityLevel,
    Status,
)
from tests.factories import UnitFactory
from tests.maturity.factories import AnswerFactory, AssessmentFactory

pytestmark = pytest.mark.django_db


def test_level_one_starts_at_one(levels):
    level = MaturityLevel.objects.get(number=1)
    level.lower_bound = Decimal("1.20")
    with translation.override("en"):
        with pytest.raises(ValidationError) as error:
            level.full_clean()
        assert error.value.message_dict["lower_bound"] == ["Level 1 starts at 1.00."]


@pytest.mark.parametrize(("bound", "ok"), [("1.79", False), ("1.80", False), ("2.00", True)])
def test_lower_bounds_rise_strictly(levels, bound, ok):
    level = MaturityLevel.objects.get(number=3)
    level.lower_bound = Decimal(bound)
    if ok:
        level.full_clean()
    else:
        with pytest.raises(ValidationError) as error:
            level.full_clean()
        assert "lower_bound" in error.value.message_dict


def test_a_lower_bound_below_the_next_level(levels):
    level = MaturityLevel.objects.get(number=3)
    level.lower_bound = Decimal("3.40")  # level 4's
    with pytest.raises(ValidationError):
        level.full_clean()


def test_a_bound_outside_one_to_five_is_refused(levels):
    level = MaturityLevel.objects.get(number=5)
    level.lower_bound = Decimal("5.50")
    with pytest.raises(ValidationError) as error:
        level.full_clean()
    assert "lower_bound" in error.value.message_dict


def test_a_descriptor_per_level_once(questions):
    question = questions[0]
    with pytest.raises(IntegrityError), transaction.atomic():
        LevelDescriptor.objects.create(question=question, level=1, text_sv="x", text_en="x")
    descriptor = LevelDescriptor(question=question, level=6, text_sv="x", text_en="x")
    with pytest.raises(ValidationError) as error:
        descriptor.full_clean()
    assert "level" in error.value.message_dict


def test_an_assessment_is_not_in_the_future(service_unit):
    assessment = Assessment(
        unit=service_unit,
        title="Imorgon",
        assessed_on=timezone.localdate() + dt.timedelta(days=1),
    )
    with pytest.raises(ValidationError) as error:
        assessment.full_clean()
    assert "assessed_on" in error.value.message_dict
    assessment.assessed_on = timezone.localdate()
    assessment.full_clean()


def test_a_score_of_six_is_refused_with_a_clear_message(assessment, questions, alice):
    answer = AssessmentAnswer(assessment=assessment, question=questions[0], assessor=alice, score=6)
    with translation.override("en"):
        with pytest.raises(ValidationError) as error:
            answer.full_clean()
        assert error.value.message_dict["score"] == ["Answer with a level from 1 to 5."]
    with pytest.raises(IntegrityError), transaction.atomic():
        AssessmentAnswer.objects.create(
            assessment=assessment, question=questions[0], assessor=alice, score=6
        )


def test_only_assessors_answer(assessment, questions, carol):
    answer = AssessmentAnswer(assessment=assessment, question=questions[0], assessor=carol, score=3)
    with pytest.raises(ValidationError) as error:
        answer.full_clean()
    assert "assessor" in error.value.message_dict


def test_one_answer_per_assessor_and_question(assessment, questions, alice, bob):
    AnswerFactory(assessment=assessment, question=questions[0], assessor=alice)
    AnswerFactory(assessment=assessment, question=questions[0], assessor=bob)
    with pytest.raises(IntegrityError), transaction.atomic():
        AnswerFactory(assessment=assessment, question=questions[0], assessor=alice)


def test_complete_needs_an_answer_and_then_is_read_only(assessment, questions, alice, bob):
    with pytest.raises(ValidationError):
        assessment.complete()
    AnswerFactory(assessment=assessment, question=questions[0], assessor=alice)
    assessment.complete()
    assessment.refresh_from_db()
    assert assessment.status == Status.COMPLETED and assessment.completed_at
    assert not assessment.may_answer(alice)
    assert not assessment.can_edit(bob) and assessment.can_manage(bob)
    late = AssessmentAnswer(assessment=assessment, question=questions[1], assessor=alice, score=3)
    with pytest.raises(ValidationError):
        late.full_clean()
    with pytest.raises(ValidationError):
        assessment.complete()
    assessment.reopen()
    assert assessment.status == Status.IN_PROGRESS and assessment.completed_at is None
    assert assessment.may_answer(alice)
    with pytest.raises(ValidationError):
        assessment.reopen()


def test_who_may_do_what(assessment, alice, bob, carol, maria, root):
    assert assessment.may_answer(alice) and assessment.may_answer(bob)
    assert not assessment.may_answer(carol) and not assessment.may_answer(maria)
    assert assessment.can_manage(bob) and assessment.can_manage(root)
    assert not assessment.can_manage(alice)
    assert not assessment.can_manage(carol)
    assert not assessment.can_manage(maria)


def test_who_sees_which_assessments(
    assessment, sales_assessment, alice, bob, carol, maria, root, service_team
):
    team_assessment = AssessmentFactory(unit=service_team)
    elsewhere = AssessmentFactory(unit=UnitFactory(), assessors=[alice])
    visible = {
        user.username: set(Assessment.objects.visible_to(user).values_list("pk", flat=True))
        for user in (alice, bob, carol, maria, root)
    }
    everything = {assessment.pk, sales_assessment.pk, team_assessment.pk, elsewhere.pk}
    # Alice: her part of the tree (Kundservice above her team, her team) and what she assesses.
    assert visible["alice"] == {assessment.pk, team_assessment.pk, elsewhere.pk}
    assert visible["bob"] == {assessment.pk, team_assessment.pk}
    assert visible["carol"] == {sales_assessment.pk}
    assert visible["maria"] == everything
    assert visible["root"] == everything
