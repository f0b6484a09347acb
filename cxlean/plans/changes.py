"""Who changed what and when in a plan, read from django-simple-history.

simple_history keeps a full copy of a row at each save; a change is the difference
between a copy and the one before it. Comparing each record with its predecessor one
by one (`prev_record`, `diff_against`) costs queries per record, so here the latest
records, their predecessors, the dependency snapshots and the names they point at are
each fetched in one query, and compared in memory: the history page costs the same
whatever the number of changes. The comparison, and how values are shown, is the
core's (cxlean/core/history.py), with amounts in kronor.
"""

from __future__ import annotations

from collections import defaultdict

from django.db import models
from django.db.models import OuterRef, Subquery
from django.utils.translation import gettext_lazy as _

from cxlean.core.history import NOTHING, Change, FieldChange, RelatedNames, version_changes
from cxlean.plans.models import Activity, Phase, Plan
from cxlean.plans.templatetags.plan_tags import money

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
    predecessor by the core's comparison (`RelatedNames`, `version_changes`). A
    constant number of queries: records (with their predecessor's id), predecessors,
    dependency snapshots, and one per kind of name shown."""

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
        names = RelatedNames(
            self.model,
            self.field_names,
            every_record,
            decimal=money,
            removed_person=_("a removed person"),
        )
        more = Dependencies(self.history_model, every_record) if self.with_dependencies else None
        pairs = [(previous.get(record.previous_id), record) for record in records]
        return version_changes(self.model, pairs, names, subject_of, more)

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


def subject_of(record) -> str:
    return str(getattr(record, "title", None) or getattr(record, "name", ""))


class Dependencies:
    """The "Depends on" of an activity's historical records: each record's snapshot of
    `depends_on` (predecessor ids by history_id, one query) and their titles (one more),
    compared as one more field."""

    def __init__(self, history_model, records: list):
        through = history_model._meta.get_field("historicalactivity_depends_on")
        snapshot: dict[int, set[int]] = defaultdict(set)
        rows = through.related_model.objects.filter(
            history_id__in=[record.history_id for record in records]
        ).values_list("history_id", "to_activity_id")
        for history_id, predecessor_id in rows:
            snapshot[history_id].add(predecessor_id)
        self.of = {history_id: frozenset(ids) for history_id, ids in snapshot.items()}
        ids = {pk for ids in snapshot.values() for pk in ids}
        self.activities = Activity.objects.only("pk", "title").in_bulk(ids) if ids else {}

    def __call__(self, before, after) -> list[FieldChange]:
        old = self.of.get(before.history_id, frozenset())
        new = self.of.get(after.history_id, frozenset())
        if old == new:
            return []
        return [FieldChange(str(_("Depends on")), self.titles(old), self.titles(new))]

    def titles(self, ids: frozenset[int]) -> str:
        if not ids:
            return NOTHING
        titles = [
            self.activities[pk].title if pk in self.activities else str(_("(removed)"))
            for pk in sorted(ids)
        ]
        return ", ".join(titles)
