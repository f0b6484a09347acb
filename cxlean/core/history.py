"""Who changed what and when in one object, read from django-simple-history.

Each historical copy is compared with the one before it, field by field, into `Change`
and `FieldChange` records that one change list template draws. The comparison and the
way values are shown are here only (`RelatedNames`, `version_changes`); the plans read
their copies in their own way (the latest ones of a plan, its phases and activities,
with their predecessors) and add their dependencies, cxlean/plans/changes.py, but
compare and show them here.
An object has few versions: they come in one query, and the names their foreign keys
point at in one more query per kind of name.
"""

from __future__ import annotations

import datetime as dt
import posixpath
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from decimal import Decimal
from typing import TYPE_CHECKING

from django.contrib.auth import get_user_model
from django.contrib.auth.models import User
from django.db import models
from django.utils.formats import date_format, number_format
from django.utils.text import Truncator
from django.utils.translation import gettext as _
from django.utils.translation import pgettext_lazy
from simple_history.utils import get_history_manager_for_model

from cxlean.core.names import display_name

if TYPE_CHECKING:
    from django_stubs_ext import StrOrPromise

TEXT_PREVIEW = 60
NOTHING = "–"

ACTIONS = {
    "+": pgettext_lazy("history action", "created"),
    "~": pgettext_lazy("history action", "changed"),
    "-": pgettext_lazy("history action", "deleted"),
}


@dataclass(frozen=True)
class FieldChange:
    field: str
    old: str
    new: str


@dataclass(frozen=True)
class Change:
    when: dt.datetime
    who: User | None
    kind: str  # simple_history's history_type: + created, ~ changed, - deleted
    subject_type: str
    subject: str
    fields: list[FieldChange]

    @property
    def action(self) -> StrOrPromise:
        return ACTIONS[self.kind]

    @property
    def who_name(self) -> str:
        return display_name(self.who) if self.who else ""


def object_changes(
    obj: models.Model, fields: list[str], subject: str, limit: int = 100
) -> list[Change]:
    """The changes to `obj` in `fields`, newest first (the first version is "created")."""
    model = type(obj)
    versions = list(
        get_history_manager_for_model(model)
        .filter(id=obj.pk)
        .select_related("history_user")
        .order_by("history_date", "history_id")
    )
    names = RelatedNames(model, fields, versions)
    pairs = zip([None, *versions], versions, strict=False)
    changes = version_changes(model, pairs, names, lambda version: subject)
    changes.reverse()
    return changes[:limit]


def version_changes(
    model: type[models.Model],
    pairs: Iterable[tuple],
    names: RelatedNames,
    subject: Callable[[object], str],
    more: Callable[[object, object], list[FieldChange]] | None = None,
) -> list[Change]:
    """Each (copy before, copy after) pair of historical copies of `model` as a Change,
    in the order given. A first version (no copy before) is its creation; a save that
    changed nothing `names` shows (nor `more`, other differences) is left out."""
    changes = []
    for before, after in pairs:
        fields = []
        if before is not None:
            fields = names.compare(before, after) + (more(before, after) if more else [])
        if after.history_type == "~" and not fields:
            continue  # saved without a change anyone would see
        changes.append(
            Change(
                when=after.history_date,
                who=after.history_user,
                kind=after.history_type,
                subject_type=str(model._meta.verbose_name),
                subject=subject(after),
                fields=fields,
            )
        )
    return changes


def model_field(model: type[models.Model], name: str) -> models.Field:
    """The model's own field `name` (not a relation from another model: those have no
    value in the model's history)."""
    field = model._meta.get_field(name)
    if not isinstance(field, models.Field):
        raise TypeError(f"{model.__name__}.{name} is a relation from another model")
    return field


def two_decimals(value: Decimal) -> str:
    return number_format(value, decimal_pos=2)


class RelatedNames:
    """Compares historical copies field by field and shows their values: choices by
    label, foreign keys by the name of what they point at (each related model fetched
    in one query, from all the copies given), dates and numbers the language's way,
    files by name, long text shortened. `decimal` shows amounts (two decimals unless
    given, e.g. kronor); `removed_person` stands for a person no longer there (else
    "(removed)", as for anything else removed)."""

    def __init__(
        self,
        model: type[models.Model],
        fields: list[str],
        versions: list,
        *,
        decimal: Callable[[Decimal], str] = two_decimals,
        removed_person: StrOrPromise | None = None,
    ):
        self.decimal = decimal
        self.removed_person = removed_person
        self.fields = [model_field(model, name) for name in fields]
        self.names: dict[str, dict] = {}
        for field in self.fields:
            if isinstance(field, models.ForeignKey):
                ids = {getattr(version, field.attname) for version in versions} - {None}
                related = field.related_model
                self.names[field.name] = related._default_manager.in_bulk(ids) if ids else {}

    def compare(self, before, after) -> list[FieldChange]:
        changes = []
        for field in self.fields:
            old, new = getattr(before, field.attname), getattr(after, field.attname)
            if old != new:
                label = str(field.verbose_name)
                changes.append(
                    FieldChange(
                        label[:1].upper() + label[1:], self.show(field, old), self.show(field, new)
                    )
                )
        return changes

    def show(self, field: models.Field, value) -> str:
        if value is None or value == "":
            return NOTHING
        if field.choices:
            return str(dict(field.flatchoices).get(value, value))
        if isinstance(field, models.ForeignKey):
            found = self.names.get(field.name, {}).get(value)
            person = issubclass(field.related_model, get_user_model())
            if found is None:
                removed = self.removed_person if person else None
                return str(removed) if removed else _("(removed)")
            return display_name(found) if person else str(found)
        if isinstance(field, models.FileField):
            return posixpath.basename(str(value))
        if isinstance(value, bool):
            return _("Yes") if value else _("No")
        if isinstance(value, dt.date):
            return date_format(value)
        if isinstance(value, Decimal):
            return self.decimal(value)
        return Truncator(str(value)).chars(TEXT_PREVIEW)
