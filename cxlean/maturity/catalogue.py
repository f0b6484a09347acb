"""The maturity model shipped in fixtures/maturity.json, loaded ADD-only.

Levels are matched by their number, dimensions by their code. A missing level is
created; a missing dimension is created with its questions and their level
descriptors; an existing one is left exactly as the organisation has edited it (its
questions too, so a question the organisation deleted does not come back). A question
whose code is already taken (moved to another dimension by the organisation) is not
created twice. Ids are left to the database; the file is in Django's fixture format, so
`loaddata` reads it as well.
"""

from __future__ import annotations

from pathlib import Path

from django.db import transaction

from cxlean.core.catalogue import FIXTURES, fixture_rows
from cxlean.maturity.models import Dimension, LevelDescriptor, MaturityLevel, Question

MATURITY_FIXTURE = FIXTURES / "maturity.json"


def without(row: dict, *names: str) -> dict:
    return {key: value for key, value in row.items() if key not in ("pk", *names)}


@transaction.atomic
def create_missing_maturity_model(path: Path = MATURITY_FIXTURE) -> tuple[int, int]:
    """Create the levels and dimensions (with questions and descriptors) that are not in
    the database. Returns (created dimensions, dimensions already there)."""
    levels = fixture_rows(path, "maturity.maturitylevel")
    existing_levels = set(MaturityLevel.objects.values_list("number", flat=True))
    MaturityLevel.objects.bulk_create(
        MaturityLevel(**without(row)) for row in levels if row["number"] not in existing_levels
    )
    dimensions = fixture_rows(path, "maturity.dimension")
    questions = fixture_rows(path, "maturity.question")
    descriptors = fixture_rows(path, "maturity.leveldescriptor")
    existing = set(Dimension.objects.values_list("code", flat=True))
    taken_questions = set(Question.objects.values_list("code", flat=True))
    missing = [row for row in dimensions if row["code"] not in existing]
    for row in missing:
        dimension = Dimension.objects.create(**without(row))
        for question_row in (q for q in questions if q["dimension"] == row["pk"]):
            if question_row["code"] in taken_questions:
                continue
            question = Question.objects.create(
                dimension=dimension, **without(question_row, "dimension")
            )
            LevelDescriptor.objects.bulk_create(
                LevelDescriptor(question=question, **without(d, "question"))
                for d in descriptors
                if d["question"] == question_row["pk"]
            )
    return len(missing), len(dimensions) - len(missing)
