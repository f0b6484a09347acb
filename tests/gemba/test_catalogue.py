"""The Gemba question sets of fixtures/gemba.json, loaded ADD-only by code."""

import json
from pathlib import Path

import pytest
from django.conf import settings
from django.core.management import call_command
from django.utils import translation

from cxlean.gemba.catalogue import GEMBA_FIXTURE, create_missing_question_sets
from cxlean.gemba.models import Question, QuestionSet

pytestmark = pytest.mark.django_db


def test_the_fixture_has_three_bilingual_sets_of_five_to_seven_questions():
    assert Path(settings.BASE_DIR) / "fixtures" / "gemba.json" == GEMBA_FIXTURE
    assert create_missing_question_sets() == (3, 0)
    assert set(QuestionSet.objects.values_list("code", flat=True)) == {
        "gemba-standard",
        "gemba-kundresa",
        "gemba-flode",
    }
    for question_set in QuestionSet.objects.all():
        assert question_set.active
        assert question_set.name_sv and question_set.name_en and question_set.description_sv
        questions = list(question_set.questions.all())
        assert 5 <= len(questions) <= 7
        assert [q.order for q in questions] == list(range(1, len(questions) + 1))
        for question in questions:
            assert question.text_sv.endswith("?") and question.text_en.endswith("?")
            assert question.help_sv and question.help_en
            question.full_clean()
        assert question_set.history.exists() and questions[0].history.exists()


def test_the_standard_set_asks_what_the_issue_asks():
    create_missing_question_sets()
    with translation.override("en"):
        texts = " ".join(
            q.text for q in Question.objects.filter(question_set__code="gemba-standard")
        )
    for words in ("customer experience", "wait", "redone", "handed over", "need", "standard"):
        assert words in texts


def test_loading_again_adds_only_what_is_missing_and_keeps_edits():
    create_missing_question_sets()
    edited = QuestionSet.objects.get(code="gemba-standard")
    edited.name_sv = "Vår egen vandring"
    edited.save()
    edited.questions.first().delete()
    QuestionSet.objects.get(code="gemba-flode").delete()
    assert create_missing_question_sets() == (1, 2)
    edited.refresh_from_db()
    assert edited.name_sv == "Vår egen vandring"
    assert edited.questions.count() == 5  # the deleted question does not come back
    assert QuestionSet.objects.get(code="gemba-flode").questions.count() == 6
    assert create_missing_question_sets() == (0, 3)


def test_the_fixture_is_in_djangos_format():
    rows = json.loads(GEMBA_FIXTURE.read_text(encoding="utf-8"))
    assert {row["model"] for row in rows} == {"gemba.questionset", "gemba.question"}
    call_command("loaddata", str(GEMBA_FIXTURE), verbosity=0)
    assert QuestionSet.objects.count() == 3 and Question.objects.count() == 17
