"""Importing competence records: a person's ILUO level in an activity.

The competence rules say only a trainer or a coordinator of the person's unit signs a
level off, never on their own record (`cxlean.competence.models.may_sign_off`). An
import is made by a coordinator of each person's unit (checked per row), so an
imported level counts as signed off by the importing coordinator on `signed_off_on`
(today when empty), exactly as `Record.sign_off` does: the level becomes the signed-off
level, the self-assessment rises to it if lower, the sign-off expires after the
activity's validity and an earlier rejection is cleared. A coordinator's own records
are refused: someone else signs those off.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from simple_history.utils import bulk_create_with_history, bulk_update_with_history

from cxlean.competence.models import LEVEL_LETTERS, CompetenceActivity, Record
from cxlean.imports.kinds.base import Importer, Units, people_by_username, unit_of
from cxlean.imports.rows import CellError, Column, Row, as_date, as_text, in_chunks, suggestion

LEVELS = {letter: level for level, letter in LEVEL_LETTERS.items() if level}
BATCH = 500


def as_level(value) -> int:
    text = as_text(value).upper()
    if text in LEVELS:
        return LEVELS[text]
    if text in {"1", "2", "3", "4"}:
        return int(text)
    raise CellError(
        _("'%(value)s' is not a level: write I, L, U or O (or 1 to 4).") % {"value": text}
    )


@dataclass
class RecordRow:
    row: int
    person_id: int
    activity: CompetenceActivity
    level: int
    signed_off_on: dt.date
    evidence: str
    record: Record | None


class RecordImporter(Importer):
    columns = (
        Column(
            "username",
            True,
            gettext_lazy("The person's username (sign-in name)."),
            example="anna.berg",
        ),
        Column(
            "activity",
            True,
            gettext_lazy("The code of the competence activity (see the list below)."),
            example="voc-basics",
        ),
        Column(
            "level",
            True,
            gettext_lazy(
                "The level reached: I (in training), L (with support), U (independently), O (can "
                "train others), or 1 to 4. It counts as signed off by you."
            ),
            "I / L / U / O / 1–4",
            "U",
        ),
        Column(
            "signed_off_on",
            False,
            gettext_lazy(
                "The date of the sign-off, year-month-day; not in the future. Empty: today."
            ),
            "2024-03-31",
            "2024-03-31",
        ),
        Column(
            "evidence_note",
            False,
            gettext_lazy(
                "What shows the level: a note kept with the record. Empty: an existing note is "
                "kept."
            ),
            example="",
        ),
    )

    def prepare(self, rows: list[Row]) -> None:
        self.units = Units(self.user)
        self.activities = {a.code: a for a in CompetenceActivity.objects.all()}
        self.people = people_by_username(row.text("username") for row in rows)
        self.records: dict[tuple[int, int], Record] = {}
        for chunk in in_chunks(sorted(user.pk for user in self.people.values())):
            for record in Record.objects.filter(person_id__in=chunk):
                self.records[record.person_id, record.activity_id] = record
        self.seen: dict[tuple[int, int], int] = {}

    def check(self, row: Row) -> RecordRow | None:
        errors_before = len(self.errors)
        person = self.person(row)
        activity = self.activity(row)
        level = self.parsed(row, "level", as_level, required=True)
        signed_off_on = self.parsed(row, "signed_off_on", as_date)
        if signed_off_on and signed_off_on > self.today:
            self.error(row, "signed_off_on", _("A sign-off cannot be in the future."))
        if person and activity:
            key = (person.pk, activity.pk)
            if key in self.seen:
                self.error(
                    row,
                    "activity",
                    _("This person's record of '%(code)s' appears already in row %(row)s.")
                    % {"code": activity.code, "row": self.seen[key]},
                )
            else:
                self.seen[key] = row.number
        if len(self.errors) > errors_before or not (person and activity and level):
            return None
        return RecordRow(
            row.number,
            person.pk,
            activity,
            level,
            signed_off_on or self.today,
            row.text("evidence_note"),
            self.records.get((person.pk, activity.pk)),
        )

    def person(self, row: Row):
        username = self.required(row, "username")
        if username is None:
            return None
        person = self.people.get(username)
        if person is None:
            message = _("There is no person with the username '%(value)s'.")
            self.error(row, "username", message % {"value": username})
            return None
        unit = unit_of(person)
        if not self.user.is_superuser and not self.units.may_import_into(unit):
            self.error(
                row,
                "username",
                _("'%(value)s' belongs to %(unit)s, a unit you do not coordinate.")
                % {"value": username, "unit": unit.name if unit else _("no unit")},
            )
            return None
        if person.pk == self.user.pk:
            self.error(
                row, "username", _("Nobody signs off their own record: ask another coordinator.")
            )
            return None
        return person

    def activity(self, row: Row) -> CompetenceActivity | None:
        code = self.required(row, "activity")
        if code is None:
            return None
        activity = self.activities.get(code.lower())
        if activity is None:
            message = _("There is no competence activity with the code '%(code)s'.") % {
                "code": code
            }
            self.error(row, "activity", message + suggestion(code.lower(), self.activities))
        return activity

    # --- writing -------------------------------------------------------------------------

    def write(self, planned: list[RecordRow]) -> tuple[int, int]:
        new, changed = [], []
        now = timezone.now()
        for line in planned:
            record = line.record or Record(person_id=line.person_id, activity=line.activity)
            signed_off(record, line, self.user)
            if line.record is None:
                new.append(record)
            else:
                record.updated_at = now  # bulk_update does not touch auto_now fields
                changed.append(record)
        if new:
            bulk_create_with_history(new, Record, batch_size=BATCH, default_user=self.user)
        if changed:
            bulk_update_with_history(
                changed, Record, SIGN_OFF_FIELDS, batch_size=BATCH, default_user=self.user
            )
        return len(new), len(changed)


SIGN_OFF_FIELDS = [
    "level",
    "self_level",
    "signed_off_by",
    "signed_off_on",
    "expires_on",
    "rejected_level",
    "rejection_comment",
    "rejected_by",
    "evidence_text",
    "updated_at",
]


def signed_off(record: Record, line: RecordRow, by) -> None:
    """What `Record.sign_off` does, on a record that is saved in bulk afterwards."""
    record.level = line.level
    record.self_level = max(record.self_level, line.level)
    record.signed_off_by = by
    record.signed_off_on = line.signed_off_on
    record.expires_on = line.activity.expiry_from(line.signed_off_on)
    record.rejected_level = None
    record.rejection_comment = ""
    record.rejected_by = None
    if line.evidence:
        record.evidence_text = line.evidence
