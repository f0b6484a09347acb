"""The Gemba question sets shipped in fixtures/gemba.json, loaded ADD-only.

A question set is matched by its code: a missing one is created with its questions, an
existing one is left exactly as the organisation has edited it (its questions too, so a
question the organisation deleted does not come back). Ids are left to the database.
The file is in Django's fixture format, so `loaddata` reads it as well.
"""

from __future__ import annotations

from pathlib import Path

from django.db import transaction

from cxlean.core.catalogue import FIXTURES, fixture_rows
from cxlean.gemba.models import Question, QuestionSet

GEMBA_FIXTURE = FIXTURES / "gemba.json"


@transaction.atomic
def create_missing_question_sets(path: Path = GEMBA_FIXTURE) -> tuple[int, int]:
    """Create the question sets (with their questions) whose code is not in the
    database. Returns (created, already there)."""
    sets = fixture_rows(path, "gemba.questionset")
    questions = fixture_rows(path, "gemba.question")
    existing = set(QuestionSet.objects.values_list("code", flat=True))
    missing = [row for row in sets if row["code"] not in existing]
    for row in missing:
        fields = {key: value for key, value in row.items() if key != "pk"}
        question_set = QuestionSet.objects.create(**fields)
        for question in (q for q in questions if q["question_set"] == row["pk"]):
            Question.objects.create(
                question_set=question_set,
                **{k: v for k, v in question.items() if k not in ("pk", "question_set")},
            )
    return len(missing), len(sets) - len(missing)
