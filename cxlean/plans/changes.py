"""Who changed what and when in a plan, read from django-simple-history.

simple_history keeps a full copy of a row at each save; a change is the difference
between a copy and the one before it. Comparing each record with its predecessor one
by one (`prev_record`, `diff_against`) costs queries per record, so here the latest
records, their predecessors, the dependency snapshots and the names they point at are
each fetched in one query, and compared in memory: the history page costs the same
whatever the number of changes.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Iterable
from decimal import Decimal
from typing import TYPE_CHECKING

from django.contrib.auth.models import User
from django.db import models
from django.db.models import OuterRef, Subquery
from django.utils.formats import date_format
from django.utils.text import Truncator
from django.utils.translation import gettext_lazy as _

from cxlean.core.history import NOTHING, TEXT_PREVIEW, Change, FieldChange
from cxlean.core.names import display_name
from cxlean.org.models import Unit
from cxlean.plans.models import Activity, Phase, Plan
from cxlean.plans.templatetags.plan_tags import money

if TYPE_CHECKING:
    pass

# The fields a person changes; ids, timestamps and guide links are left out.
PLAN_FIELDS = ["name", "unit", "coordinator", "start_date", "end_date", "budget", "description"]
PHASE_FIELDS = ["title", "order"]
ACTIVITY_FIELDS = [
    "phase",
    "title",
    "description",
    "owner",
    "start_date",
    "due_date",
    "status",
    "planned_cost",
    "actual_cost",
]


def plan_changes(plan: Plan, limit: int = 100) -> list[Change]:
    """The latest changes to the plan, its phases and its activities, newest first."""
    phase_ids = Phase.history.filter(plan_id=plan.pk).values("id")  # deleted phases too
    logs = [
        ChangeLog(Plan.history.filter(id=plan.pk), PLAN_FIELDS, limit),
        ChangeLog(Phase.history.filter(plan_id=plan.pk), PHASE_FIELDS, limit),
        ChangeLog(
            Activity.history.filter(phase_id__in=phase_ids),
            ACTIVITY_FIELDS,
            limit,
            with_dependencies=True,
        ),
    ]
    changes = [change for log in logs for change in log.changes()]
    changes.sort(key=lambda change: change.when, reverse=True)
    return changes[:limit]


def activity_changes(activity: Activity, limit: int = 50) -> list[Change]:
    return ChangeLog(
        Activity.history.filter(id=activity.pk), ACTIVITY_FIELDS, limit, with_dependencies=True
    ).changes()


class ChangeLog:
    """The latest `limit` historical records of one model, each compared with its
    predecessor. A constant number of queries: records (with their predecessor's id),
    predecessors, dependency snapshots, and one per kind of name shown."""

    def __init__(
        self,
        records: models.QuerySet,
        field_names: list[str],
        limit: int,
        *,
        with_dependencies: bool = False,
    ):
        self.records = records
        self.history_model = records.model
        self.model = self.history_model.instance_type
        self.field_names = field_names
        self.limit = limit
        self.with_dependencies = with_dependencies

    def changes(self) -> list[Change]:
        records = self.latest_records()
        previous = self.previous_records(records)
        every_record = [*records, *previous.values()]
        names = NameBook(every_record)
        dependencies = self.dependencies(every_record, names)
        changes = []
        for record in records:
            before = previous.get(record.previous_id)
            fields = self.compare(before, record, names, dependencies) if before else []
            if record.history_type == "~" and not fields:
                continue  # saved without a change anyone would see
            changes.append(
                Change(
                    when=record.history_date,
                    who=record.history_user,
                    kind=record.history_type,
                    subject_type=self.model._meta.verbose_name,
                    subject=subject_of(record),
                    fields=fields,
                )
            )
        return changes

    def latest_records(self) -> list:
        previous = (
            self.history_model.objects.filter(
                id=OuterRef("id"), history_id__lt=OuterRef("history_id")
            )
            .order_by("-history_id")
            .values("history_id")[:1]
        )
        return list(
            self.records.select_related("history_user")
            .annotate(previous_id=Subquery(previous))
            .order_by("-history_date", "-history_id")[: self.limit]
        )

    def previous_records(self, records: list) -> dict[int, object]:
        ids = [record.previous_id for record in records if record.previous_id]
        if not ids:
            return {}
        return {r.history_id: r for r in self.history_model.objects.filter(history_id__in=ids)}

    def dependencies(self, records: list, names: NameBook) -> dict[int, frozenset[int]]:
        """Each record's snapshot of `depends_on`: predecessor ids by history_id."""
        if not self.with_dependencies:
            return {}
        through = self.history_model._meta.get_field("historicalactivity_depends_on")
        snapshot: dict[int, set[int]] = defaultdict(set)
        rows = through.related_model.objects.filter(
            history_id__in=[record.history_id for record in records]
        ).values_list("history_id", "to_activity_id")
        for history_id, predecessor_id in rows:
            snapshot[history_id].add(predecessor_id)
        names.load_activities(pk for ids in snapshot.values() for pk in ids)
        return {history_id: frozenset(ids) for history_id, ids in snapshot.items()}

    def compare(
        self, before, after, names: NameBook, dependencies: dict[int, frozenset[int]]
    ) -> list[FieldChange]:
        changes = []
        for name in self.field_names:
            field = self.model._meta.get_field(name)
            old, new = getattr(before, field.attname), getattr(after, field.attname)
            if old != new:
                changes.append(
                    FieldChange(
                        str(field.verbose_name).capitalize(),
                        names.show(field, old),
                        names.show(field, new),
                    )
                )
        if self.with_dependencies:
            old = dependencies.get(before.history_id, frozenset())
            new = dependencies.get(after.history_id, frozenset())
            if old != new:
                changes.append(
                    FieldChange(
                        str(_("Depends on")), names.activities_text(old), names.activities_text(new)
                    )
                )
        return changes


def subject_of(record) -> str:
    return str(getattr(record, "title", None) or getattr(record, "name", ""))


class NameBook:
    """Names for the ids that historical records hold: people, units, phases and
    activities, each kind fetched in one query."""

    def __init__(self, records: list):
        self.people = self.load(User, records, ["coordinator_id", "owner_id"])
        self.units = self.load(Unit, records, ["unit_id"])
        self.phases = self.load(Phase, records, ["phase_id"])
        self.activities: dict[int, Activity] = {}

    @staticmethod
    def load(model, records: list, attributes: list[str]) -> dict[int, object]:
        ids = {getattr(record, attribute, None) for record in records for attribute in attributes}
        ids.discard(None)
        return model.objects.in_bulk(ids) if ids else {}

    def load_activities(self, ids: Iterable[int]) -> None:
        ids = set(ids)
        if ids:
            self.activities = Activity.objects.only("pk", "title").in_bulk(ids)

    def show(self, field: models.Field, value) -> str:
        if value is None or value == "":
            return NOTHING
        if field.choices:
            return str(dict(field.flatchoices).get(value, value))
        if isinstance(field, models.ForeignKey):
            return self.name_of(field.name, value)
        if isinstance(value, dt.date):
            return date_format(value)
        if isinstance(value, Decimal):
            return money(value)
        return Truncator(str(value)).chars(TEXT_PREVIEW)

    def name_of(self, field_name: str, pk: int) -> str:
        if field_name in ("coordinator", "owner"):
            person = self.people.get(pk)
            return display_name(person) if person else str(_("a removed person"))
        found = {"unit": self.units, "phase": self.phases}.get(field_name, {}).get(pk)
        return str(found) if found else str(_("(removed)"))

    def activities_text(self, ids: frozenset[int]) -> str:
        if not ids:
            return NOTHING
        titles = [
            self.activities[pk].title if pk in self.activities else str(_("(removed)"))
            for pk in sorted(ids)
        ]
        return ", ".join(titles)
