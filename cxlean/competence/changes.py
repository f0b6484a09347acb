"""Who changed what and when in a competence record, read from django-simple-history.

The same approach as cxlean/plans/changes.py (and its Change / FieldChange, so the
plans' change list template draws it): each historical copy is compared with the one
before it. A record has few versions, so they are fetched in one query, compared in
memory, and the people they name fetched in one more.
"""

from __future__ import annotations

import datetime as dt
import posixpath

from django.contrib.auth.models import User
from django.db import models
from django.utils.formats import date_format
from django.utils.text import Truncator
from django.utils.translation import gettext as _

from cxlean.competence.models import Record
from cxlean.org.models import display_name
from cxlean.plans.changes import NOTHING, TEXT_PREVIEW, Change, FieldChange

RECORD_FIELDS = [
    "self_level",
    "level",
    "evidence_text",
    "evidence_link",
    "evidence_file",
    "signed_off_by",
    "signed_off_on",
    "expires_on",
    "rejected_level",
    "rejection_comment",
    "rejected_by",
]
PEOPLE_FIELDS = ["signed_off_by_id", "rejected_by_id"]


def record_changes(record: Record, limit: int = 100) -> list[Change]:
    """The record's changes, newest first (the first version counts as "created")."""
    versions = list(
        Record.history.filter(id=record.pk)
        .select_related("history_user")
        .order_by("history_date", "history_id")
    )
    people = named_people(versions)
    changes = []
    for before, after in zip([None, *versions], versions, strict=False):
        fields = compare(before, after, people) if before else []
        if after.history_type == "~" and not fields:
            continue  # saved without a change anyone would see
        changes.append(
            Change(
                when=after.history_date,
                who=after.history_user,
                kind=after.history_type,
                subject_type=str(Record._meta.verbose_name),
                subject=str(record.activity),
                fields=fields,
            )
        )
    changes.reverse()
    return changes[:limit]


def named_people(versions: list) -> dict[int, User]:
    ids = {getattr(version, name) for version in versions for name in PEOPLE_FIELDS}
    ids.discard(None)
    return User.objects.in_bulk(ids) if ids else {}


def compare(before, after, people: dict[int, User]) -> list[FieldChange]:
    changes = []
    for name in RECORD_FIELDS:
        field = Record._meta.get_field(name)
        old, new = getattr(before, field.attname), getattr(after, field.attname)
        if old != new:
            label = str(field.verbose_name)
            changes.append(
                FieldChange(
                    label[:1].upper() + label[1:],
                    show(field, old, people),
                    show(field, new, people),
                )
            )
    return changes


def show(field: models.Field, value, people: dict[int, User]) -> str:
    if value is None or value == "":
        return NOTHING
    if field.choices:
        return str(dict(field.flatchoices).get(value, value))
    if isinstance(field, models.ForeignKey):
        person = people.get(value)
        return display_name(person) if person else _("a removed person")
    if isinstance(field, models.FileField):
        return posixpath.basename(str(value))
    if isinstance(value, dt.date):
        return date_format(value)
    return Truncator(str(value)).chars(TEXT_PREVIEW)
