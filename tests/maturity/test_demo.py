"""The demo organisation's maturity assessments (cxlean/demo/maturity.py), built once for
the module on the demo's units and people."""

import datetime as dt
from collections.abc import Iterator

import pytest
from django.contrib.auth.hashers import make_password
from django.core.management import call_command
from django.test import override_settings
from django.utils import timezone

from cxlean.demo import maturity as maturity_demo
from cxlean.demo import org as org_demo
from cxlean.maturity.models import Assessment, AssessmentAnswer, Dimension, Question, Status
from cxlean.maturity.scoring import latest_by_unit, scores_for
from cxlean.org.models import Unit

pytestmark = pytest.mark.django_db

KUNDSERVICE = "nordljus-kundservice"


@pytest.fixture(scope="module")
def built(django_db_setup, django_db_blocker) -> Iterator[tuple]:
    """Units, people and assessments, built outside the tests' transactions once for
    the module (as tests/demo_once.py does for the whole demo), emptied afterwards."""
    today = timezone.localdate()
    with django_db_blocker.unblock(), override_settings(LANGUAGE_CODE="sv"):
        units = org_demo.create_units()
        users = org_demo.create_people(units, make_password(None))
        count = maturity_demo.build_maturity(units, users, today)
    try:
        yield units, users, count, today
    finally:
        with django_db_blocker.unblock():
            call_command("flush", interactive=False, verbosity=0)


def test_the_catalogue_is_there(built):
    assert Dimension.objects.count() == 6
    assert Question.objects.count() == 18


def test_kundservice_grows_from_about_two_to_about_three(built):
    units, _users, count, today = built
    assert Assessment.objects.count() == count == 6
    completed = list(
        Assessment.objects.filter(unit=units[KUNDSERVICE], status=Status.COMPLETED).order_by(
            "assessed_on"
        )
    )
    assert len(completed) == 3
    assert completed[0].assessed_on >= today - dt.timedelta(days=366)
    scores = scores_for(completed)
    overall = [scores[a.pk].overall for a in completed]
    assert overall == sorted(overall) and len(set(overall)) == 3
    assert 1.8 <= overall[0] <= 2.4 and 2.6 <= overall[-1] <= 3.4
    assert [scores[a.pk].level.number for a in completed] == [2, 2, 3]
    for assessment in completed:
        assert assessment.assessors.count() == 2
        assert scores[assessment.pk].answered == scores[assessment.pk].questions == 18
        assert assessment.completed_at is not None
        assert assessment.answers.exclude(comment="").exists()


def test_the_employee_has_questions_left_in_the_assessment_in_progress(built):
    units, users, _count, _today = built
    current = Assessment.objects.get(status=Status.IN_PROGRESS)
    assert current.unit == units[KUNDSERVICE]
    assert current.may_answer(users["employee"])
    mine = AssessmentAnswer.objects.filter(assessment=current, assessor=users["employee"])
    assert 0 < mine.count() < 18
    assert current.assessed_on <= timezone.localdate()


def test_other_departments_are_there_side_by_side(built):
    latest = latest_by_unit(Unit.objects.all(), 1)
    codes = {Unit.objects.get(pk=pk).code for pk in latest}
    assert codes == {KUNDSERVICE, "nordljus-digitala-kanaler", "nordljus-marknad"}


def test_everything_is_valid_and_in_swedish(built):
    for assessment in Assessment.objects.all():
        assessment.full_clean()
        assert any(month in assessment.title for month in maturity_demo.MONTHS_SV)
    for answer in AssessmentAnswer.objects.select_related("assessment")[:50]:
        assert 1 <= answer.score <= 5


def test_delete_removes_the_assessments(built):
    units, _users, _count, _today = built
    maturity_demo.delete_maturity_of(list(units.values()))
    assert not Assessment.objects.exists() and not AssessmentAnswer.objects.exists()
    assert Dimension.objects.count() == 6  # the catalogue stays
