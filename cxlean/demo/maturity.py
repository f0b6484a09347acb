"""Maturity assessments of the demo organisation, Nordljus Energi AB.

`build_maturity` is called by `cxlean.demo.org` with the demo's units and people.
Everything is written out (no randomness), dated back from the day the demo is built:

- the maturity model of fixtures/maturity.json (`create_missing_maturity_model`);
- Kundservice, the coordinator's unit: three completed self-assessments over the past
  year by Sara (`coordinator`) and Karin, the head of customer service, growing from
  about 2 (aware) to about 3 (defined), with a few comments; and one in progress this
  week where Jonas (`employee`) is an assessor who has answered only the first
  dimension, so he has questions left;
- Digitala kanaler and Marknad & försäljning: one completed assessment each, so the
  comparison side by side has content.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal

from django.contrib.auth.models import User
from django.utils import timezone
from simple_history.utils import bulk_create_with_history

from cxlean.demo.content import demo_content
from cxlean.demo.history import changes_recorded_as
from cxlean.maturity.catalogue import create_missing_maturity_model
from cxlean.maturity.models import Assessment, AssessmentAnswer, Question, Status
from cxlean.org.models import Unit

MONTHS_SV = (
    "januari",
    "februari",
    "mars",
    "april",
    "maj",
    "juni",
    "juli",
    "augusti",
    "september",
    "oktober",
    "november",
    "december",
)
# How far the assessors' answers lie around the dimension's level, by question and
# assessor, so the assessors sometimes disagree.
SPREAD = (Decimal("-0.5"), Decimal("0"), Decimal("0.5"))


@dataclass(frozen=True)
class AssessmentSpec:
    unit: str
    days_ago: int
    title: str
    assessors: tuple[str, ...]
    # the level each dimension sits at, in the order of the dimensions
    levels: tuple[str, ...]
    note: str = ""
    completed: bool = True
    # assessors who answered only some questions: login -> how many (in order)
    partial: dict[str, int] = field(default_factory=dict)
    comments: dict[tuple[str, str], str] = field(default_factory=dict)  # (login, code)

    @classmethod
    def from_content(cls, row: dict) -> AssessmentSpec:
        """One assessment of the JSON file, where a comment names its assessor and question."""
        comments = {(c["assessor"], c["question"]): c["text"] for c in row["comments"]}
        sequences = {"assessors": tuple(row["assessors"]), "levels": tuple(row["levels"])}
        return cls(**row | sequences | {"comments": comments})


KUNDSERVICE = "nordljus-kundservice"
# The assessments (titles, levels, comments in Swedish) are content:
# fixtures/demo/maturity_assessments.json.
ASSESSMENTS = tuple(
    AssessmentSpec.from_content(row) for row in demo_content("maturity_assessments.json")
)


def title_for(spec: AssessmentSpec, day: dt.date) -> str:
    return f"{spec.title}, {MONTHS_SV[day.month - 1]} {day.year}"


def answer_score(level: Decimal, question_index: int, assessor_index: int) -> int:
    value = level + SPREAD[(question_index + assessor_index) % len(SPREAD)]
    return int(min(Decimal(5), max(Decimal(1), value.quantize(Decimal(1), ROUND_HALF_UP))))


def build_maturity(units: dict[str, Unit], users: dict[str, User], today: dt.date) -> int:
    """The demo's maturity assessments (see the module docstring). Returns how many
    assessments there are. `users` must hold the named cast."""

    create_missing_maturity_model()
    questions = list(
        Question.objects.asked()
        .select_related("dimension")
        .order_by("dimension__order", "dimension_id", "order", "pk")
    )
    dimension_ids = list(dict.fromkeys(question.dimension_id for question in questions))
    for spec in ASSESSMENTS:
        coordinator = users["coordinator"] if spec.unit == KUNDSERVICE else users["admin"]
        with changes_recorded_as(coordinator):
            build_assessment(spec, units, users, questions, dimension_ids, coordinator, today)
    return len(ASSESSMENTS)


def build_assessment(spec, units, users, questions, dimension_ids, coordinator, today) -> None:
    day = today - dt.timedelta(days=spec.days_ago)
    assessment = Assessment.objects.create(
        unit=units[spec.unit],
        assessed_on=day,
        title=title_for(spec, day),
        note=spec.note,
        created_by=coordinator,
    )
    assessment.assessors.set([users[login] for login in spec.assessors])
    answers = []
    for assessor_index, login in enumerate(spec.assessors):
        for number, question in enumerate(questions[: spec.partial.get(login)]):
            level = Decimal(spec.levels[dimension_ids.index(question.dimension_id)])
            answers.append(
                AssessmentAnswer(
                    assessment=assessment,
                    question=question,
                    assessor=users[login],
                    score=answer_score(level, number, assessor_index),
                    comment=spec.comments.get((login, question.code), ""),
                )
            )
    bulk_create_with_history(answers, AssessmentAnswer)
    local = timezone.get_current_timezone()
    started = dt.datetime.combine(day - dt.timedelta(days=7), dt.time(9), tzinfo=local)
    answered = dt.datetime.combine(day, dt.time(14), tzinfo=local)
    Assessment.objects.filter(pk=assessment.pk).update(created_at=started)
    AssessmentAnswer.objects.filter(assessment=assessment).update(answered_at=answered)
    if spec.completed:
        Assessment.objects.filter(pk=assessment.pk).update(
            status=Status.COMPLETED, completed_at=answered + dt.timedelta(days=2)
        )


def delete_maturity_of(units) -> None:
    """Remove the assessments (and their answers) of `units`, before the units and
    people go: assessments protect their unit, answers their assessor. The maturity
    model stays: it is the organisation's catalogue."""
    Assessment.objects.filter(unit__in=units).delete()
