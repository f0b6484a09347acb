"""Importing survey answers (NPS, CSAT, CES) for the units the importer coordinates.

Each row becomes a `SurveyAnswer` validated by the model itself (`full_clean`: the
answer scale of the metric, no answers from the future, field lengths), recorded as
by the importer. A row with a respondent that is already in the file or already
recorded (same metric, unit, day and respondent) is refused, so importing the same
file twice does not count its answers twice.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from simple_history.utils import bulk_create_with_history

from cxlean.imports.kinds.base import Importer, Units
from cxlean.imports.rows import Column, Row, as_date, as_int, in_chunks
from cxlean.journeys.models import Touchpoint
from cxlean.metrics.models import SURVEY_KINDS, Metric, SurveyAnswer

BATCH = 500
# Checked when the row is read (the lookups are bulk); the model checks the rest.
LOOKED_UP = ["metric", "unit", "touchpoint", "created_by"]


@dataclass
class AnswerRow:
    row: int
    answer: SurveyAnswer


class AnswerImporter(Importer):
    columns = (
        Column("metric", True, gettext_lazy("nps, csat or ces."), "nps / csat / ces", "nps"),
        Column(
            "unit",
            True,
            gettext_lazy("The code of the unit the answer is about (see the list of units below)."),
            example="kundservice",
        ),
        Column(
            "touchpoint",
            False,
            gettext_lazy(
                "The number of the touchpoint the answer is about (see the list below). Empty: the"
                " unit as a whole."
            ),
            example="",
        ),
        Column(
            "answered_on",
            True,
            gettext_lazy("The day the customer answered, year-month-day; not in the future."),
            "2024-03-31",
            "2024-03-31",
        ),
        Column(
            "score",
            True,
            gettext_lazy(
                "The answer: NPS 0–10, CSAT 1–5, CES on its scale (see the list of metrics below)."
            ),
            example="9",
        ),
        Column("comment", False, gettext_lazy("What the customer wrote."), example=""),
        Column(
            "respondent",
            False,
            gettext_lazy(
                "A reference to the customer or the survey response, not a name (at most 120 "
                "characters)."
            ),
            example="R-1042",
        ),
    )

    def prepare(self, rows: list[Row]) -> None:
        self.units = Units(self.user)
        self.metrics = {metric.kind: metric for metric in Metric.objects.all()}
        numbers = {row.text("touchpoint") for row in rows} - {""}
        ids = sorted(int(n) for n in numbers if n.isdigit())
        self.touchpoints: dict[int, Touchpoint] = {}
        for chunk in in_chunks(ids):
            self.touchpoints |= Touchpoint.objects.in_bulk(chunk)
        self.recorded = set()
        respondents = {row.text("respondent") for row in rows} - {""}
        for chunk in in_chunks(sorted(respondents)):
            self.recorded |= set(
                SurveyAnswer.objects.filter(respondent__in=chunk).values_list(
                    "metric_id", "unit_id", "answered_on", "respondent"
                )
            )
        self.seen: dict[tuple, int] = {}

    def check(self, row: Row) -> AnswerRow | None:
        errors_before = len(self.errors)
        metric = self.metric(row)
        unit = self.units.find(self, row, "unit")
        touchpoint = self.touchpoint(row)
        answered_on = self.parsed(row, "answered_on", as_date, required=True)
        score = self.parsed(row, "score", as_int, required=True)
        answer = SurveyAnswer(
            metric=metric,
            unit=unit,
            touchpoint=touchpoint,
            answered_on=answered_on,
            score=score,
            comment=row.text("comment"),
            respondent=row.text("respondent"),
            created_by=self.user,
        )
        if metric is not None:
            self.validate(row, answer)
        if len(self.errors) > errors_before or not (metric and unit and answered_on):
            return None
        if answer.respondent and self.repeated(row, answer):
            return None
        return AnswerRow(row.number, answer)

    def metric(self, row: Row) -> Metric | None:
        kind = self.required(row, "metric")
        if kind is None:
            return None
        metric = self.metrics.get(kind.lower())
        if metric is None or metric.kind not in SURVEY_KINDS:
            message = _("'%(value)s' is not a survey metric: write nps, csat or ces.")
            self.error(row, "metric", message % {"value": kind})
            return None
        if not metric.active:
            self.error(row, "metric", _("%(metric)s is not in use.") % {"metric": metric.name})
            return None
        return metric

    def touchpoint(self, row: Row) -> Touchpoint | None:
        number = row.text("touchpoint")
        if not number:
            return None
        touchpoint = self.touchpoints.get(int(number)) if number.isdigit() else None
        if touchpoint is None:
            message = _(
                "There is no touchpoint number %(value)s: the Instructions sheet of the "
                "template lists them."
            )
            self.error(row, "touchpoint", message % {"value": number})
        return touchpoint

    def validate(self, row: Row, answer: SurveyAnswer) -> None:
        """The model's own rules (scale, no future answers, lengths), as a form would."""
        try:
            answer.full_clean(exclude=LOOKED_UP, validate_unique=False, validate_constraints=False)
        except ValidationError as error:
            for field, messages in error.message_dict.items():
                column = "" if field == "__all__" else field
                for message in messages:
                    if column in ("answered_on", "score") and self.has_error(row, column):
                        continue  # the cell's own message says it already
                    self.error(row, column, message)

    def has_error(self, row: Row, column: str) -> bool:
        return any(e.row == row.number and e.column == column for e in self.errors)

    def repeated(self, row: Row, answer: SurveyAnswer) -> bool:
        key = (answer.metric.pk, answer.unit.pk, answer.answered_on, answer.respondent)
        if key in self.recorded:
            message = _(
                "This respondent's %(metric)s answer of that day is already recorded for "
                "this unit (imported before?)."
            )
        elif key in self.seen:
            message = _(
                "This respondent's %(metric)s answer of that day appears already in row %(row)s."
            )
        else:
            self.seen[key] = row.number
            return False
        values = {"metric": answer.metric.get_kind_display(), "row": self.seen.get(key)}
        self.error(row, "respondent", message % values)
        return True

    # --- writing -------------------------------------------------------------------------

    def write(self, planned: list[AnswerRow]) -> tuple[int, int]:
        answers = [line.answer for line in planned]
        bulk_create_with_history(answers, SurveyAnswer, batch_size=BATCH, default_user=self.user)
        return len(answers), 0
