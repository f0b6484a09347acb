"""The monthly roll-ups of the survey answers (`AnswerRollup`), kept exact.

Every write of answers, whatever its path (the web form, several answers at once, the
Excel import, the API, the demo, the admin, edits and deletes), ends in `touched`
with the (unit, metric, month, touchpoint) keys it changed: a single `save` or `delete`
through the signals connected in `cxlean.metrics.signals`, `bulk_create`, `update`,
`bulk_update` and a queryset's `delete` through `SurveyAnswerQuerySet`. Within a
`batch` the keys are collected and refreshed once, at its end, in the same
transaction; outside one, at once. A refresh recomputes each key from the raw answers,
so a roll-up is always what `rebuild` would make of it. New answers (`added`: a save
that creates, `bulk_create`) are cheaper: their counts are added to the roll-ups they
fall in, read with `select_for_update` (so two transactions adding to the same roll-up
wait for each other), unless the key is recomputed anyway.

Deleting a touchpoint moves its answers to "no touchpoint" by a plain SQL update: its
roll-ups go with it (cascade) and the "no touchpoint" roll-ups of the same units,
metrics and months are refreshed (`cxlean.metrics.signals`).
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
from collections import defaultdict
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from contextvars import ContextVar

from django.db import connection, transaction
from django.db.models import Count, QuerySet
from django.db.models.functions import TruncMonth

from cxlean.metrics.formulas import DETRACTOR_MAX, PROMOTER_MIN
from cxlean.metrics.models import AnswerRollup, SurveyAnswer

Key = tuple[int, int, dt.date, int | None]  # unit, metric, first of the month, touchpoint


class Pending:
    def __init__(self) -> None:
        self.keys: set[Key] = set()  # recomputed from the raw answers
        self.added: dict[Key, dict[int, int]] = defaultdict(dict)  # counts to add


_pending: ContextVar[Pending | None] = ContextVar("pending_rollups", default=None)


class MonthStart(TruncMonth):
    """The first day of a date's month. On SQLite, its own `date(x, 'start of month')`
    rather than Django's TruncMonth, which SQLite runs as a Python function for every row
    (about 0.9 s for 200,000 answers against under 0.1 s; see bench/review.py)."""

    def as_sqlite(self, compiler, connection, **extra_context):
        sql, params = compiler.compile(self.lhs)
        return f"date({sql}, 'start of month')", params


def month_of(day: dt.date) -> dt.date:
    return day.replace(day=1)


def key_of(answer: SurveyAnswer) -> Key:
    return (answer.unit_id, answer.metric_id, month_of(answer.answered_on), answer.touchpoint_id)


def keys_of(answers: QuerySet[SurveyAnswer]) -> set[Key]:
    """The keys of the answers in `answers`, one query."""
    rows = answers.order_by().values_list("unit", "metric", "answered_on", "touchpoint")
    return {(unit, metric, month_of(day), tp) for unit, metric, day, tp in rows.distinct()}


@contextmanager
def batch() -> Iterator[None]:
    """A transaction whose touched keys are refreshed once, at its end (nested blocks
    join the outer one)."""
    if _pending.get() is not None:
        yield
        return
    pending = Pending()
    token = _pending.set(pending)
    try:
        with transaction.atomic():
            yield
            lock(pending.keys, adding=pending.added.keys())
            refresh(pending.keys)
            add({k: c for k, c in pending.added.items() if k not in pending.keys})
    finally:
        _pending.reset(token)


def touched(keys: Iterable[Key]) -> None:
    pending = _pending.get()
    if pending is None:
        refresh(keys)
    else:
        pending.keys.update(keys)


def added(answers: Iterable[SurveyAnswer]) -> None:
    """New answers: their counts go into their roll-ups."""
    added_scores((key_of(answer), answer.score) for answer in answers)


def added_scores(scores: Iterable[tuple[Key, int]]) -> None:
    """New answers as (key, score): their counts go into their roll-ups."""
    with batch():
        pending = _pending.get()
        assert pending is not None  # noqa: S101  (set by batch)
        for key, score in scores:
            cell = pending.added[key]
            cell[score] = cell.get(score, 0) + 1


LOCK_SPACE = 0x524F4C4C  # the first number of every roll-up advisory lock ("ROLL")
BUCKETS = 256  # the second: a key's bucket (a transaction holds at most this many locks)


def lock_id(key: Key) -> int:
    """The bucket of `key`, the same in every process."""
    digest = hashlib.blake2b(repr(key).encode(), digest_size=8, person=b"rollup").digest()
    return int.from_bytes(digest, "big") % BUCKETS


def lock(keys: Iterable[Key], adding: Iterable[Key] = ()) -> None:
    """On PostgreSQL, wait for and hold until the end of the transaction the advisory
    locks of the buckets of `keys` (recomputed from the answers: exclusive) and of
    `adding` (only added to: shared, so two transactions adding answers do not wait for
    each other; their upserts are atomic). One query, in bucket order; nothing elsewhere."""
    if connection.vendor != "postgresql":
        return
    exclusive = {lock_id(key) for key in keys}
    lock_buckets(exclusive, {lock_id(key) for key in adding} - exclusive)


def lock_buckets(exclusive: set[int], shared: set[int]) -> None:
    if not exclusive and not shared:
        return
    buckets = sorted([(bucket, True) for bucket in exclusive] + [(b, False) for b in shared])
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT count(CASE WHEN alone THEN pg_advisory_xact_lock(%s, bucket)"
            " ELSE pg_advisory_xact_lock_shared(%s, bucket) END)"
            " FROM (SELECT * FROM unnest(%s::integer[], %s::boolean[]) AS b(bucket, alone)"
            " ORDER BY bucket) AS buckets",
            [LOCK_SPACE, LOCK_SPACE, [b for b, _ in buckets], [alone for _, alone in buckets]],
        )


def add(counts: dict[Key, dict[int, int]]) -> None:
    """Add `counts` to the stored roll-ups of their keys: on PostgreSQL one upsert per
    2,000 roll-ups with and without a touchpoint; elsewhere three queries and more."""
    if not counts:
        return
    if connection.vendor == "postgresql":
        upsert(counts)
        return
    units = {key[0] for key in counts}
    metrics = {key[1] for key in counts}
    months = {key[2] for key in counts}
    rows = AnswerRollup.objects.select_for_update().filter(
        unit__in=units, metric__in=metrics, month__range=(min(months), max(months))
    )
    changed = []
    for row in rows:
        key = (row.unit_id, row.metric_id, row.month, row.touchpoint_id)
        if key in counts:
            merged = row.counts()
            for score, n in counts.pop(key).items():
                merged[score] = merged.get(score, 0) + n
            for field, value in summary(merged).items():
                setattr(row, field, value)
            changed.append(row)
    # Written again rather than by bulk_update, whose CASE per row is slow for thousands.
    AnswerRollup.objects.filter(pk__in=[row.pk for row in changed]).delete()
    for row in changed:
        row.pk = None
    fresh = [
        AnswerRollup(
            unit_id=unit, metric_id=metric, month=month, touchpoint_id=tp, **summary(scores)
        )
        for (unit, metric, month, tp), scores in counts.items()
    ]
    AnswerRollup.objects.bulk_create([*changed, *fresh], batch_size=2000)


UPSERT = """
INSERT INTO {table} AS r (unit_id, metric_id, month, touchpoint_id, count, promoters,
    passives, detractors, score_sum, scores)
SELECT * FROM jsonb_to_recordset(%s::jsonb) AS row_(unit_id bigint, metric_id bigint,
    month date, touchpoint_id bigint, count integer, promoters integer, passives integer,
    detractors integer, score_sum bigint, scores jsonb)
ON CONFLICT ({columns}) WHERE {where} DO UPDATE SET
    count = r.count + excluded.count,
    promoters = r.promoters + excluded.promoters,
    passives = r.passives + excluded.passives,
    detractors = r.detractors + excluded.detractors,
    score_sum = r.score_sum + excluded.score_sum,
    scores = r.scores || (
        SELECT jsonb_object_agg(score, n::integer + COALESCE((r.scores ->> score)::integer, 0))
        FROM jsonb_each_text(excluded.scores) AS added(score, n)
    )
"""


def upsert(counts: dict[Key, dict[int, int]]) -> None:
    """`add` on PostgreSQL: INSERT ... ON CONFLICT DO UPDATE adds to the roll-up there is
    (one statement for each of the two partial unique constraints, with and without a
    touchpoint), the roll-ups sent as one JSON document."""
    table = AnswerRollup._meta.db_table
    for has_touchpoint in (True, False):
        keys = [key for key in counts if (key[3] is not None) == has_touchpoint]
        if not keys:
            continue
        columns = "unit_id, metric_id, month" + (", touchpoint_id" if has_touchpoint else "")
        where = f"touchpoint_id IS {'NOT ' if has_touchpoint else ''}NULL"
        rows = [
            {
                "unit_id": unit,
                "metric_id": metric,
                "month": month.isoformat(),
                "touchpoint_id": touchpoint,
                **summary(counts[(unit, metric, month, touchpoint)]),
            }
            for unit, metric, month, touchpoint in sorted(keys, key=str)
        ]
        with connection.cursor() as cursor:
            cursor.execute(
                UPSERT.format(table=table, columns=columns, where=where), [json.dumps(rows)]
            )


def summary(counts: dict[int, int]) -> dict:
    return {
        "count": sum(counts.values()),
        "promoters": sum(n for score, n in counts.items() if score >= PROMOTER_MIN),
        "passives": sum(n for score, n in counts.items() if DETRACTOR_MAX < score < PROMOTER_MIN),
        "detractors": sum(n for score, n in counts.items() if score <= DETRACTOR_MAX),
        "score_sum": sum(score * n for score, n in counts.items()),
        "scores": {str(score): n for score, n in sorted(counts.items())},
    }


def computed(answers: QuerySet[SurveyAnswer]) -> dict[Key, dict[int, int]]:
    """Key -> {score: number of answers} of `answers`, one query."""
    rows = (
        answers.order_by()
        .annotate(month=MonthStart("answered_on"))
        .values_list("unit", "metric", "month", "touchpoint", "score")
        .annotate(n=Count("pk"))
    )
    counts: dict[Key, dict[int, int]] = defaultdict(dict)
    for unit, metric, month, touchpoint, score, n in rows:
        if isinstance(month, dt.datetime):
            month = month.date()
        counts[(unit, metric, month, touchpoint)][score] = n
    return counts


def refresh(keys: Iterable[Key]) -> None:
    """Recompute the roll-ups of `keys` from the raw answers (three queries)."""
    keys = set(keys)
    if not keys:
        return
    lock(keys)
    units = {key[0] for key in keys}
    metrics = {key[1] for key in keys}
    first = min(key[2] for key in keys)
    last = max(key[2] for key in keys)
    last_day = (last + dt.timedelta(days=32)).replace(day=1) - dt.timedelta(days=1)
    with transaction.atomic():
        answers = SurveyAnswer.objects.filter(
            unit__in=units, metric__in=metrics, answered_on__range=(first, last_day)
        )
        fresh = {key: counts for key, counts in computed(answers).items() if key in keys}
        old = AnswerRollup.objects.filter(
            unit__in=units, metric__in=metrics, month__range=(first, last)
        ).values_list("pk", "unit", "metric", "month", "touchpoint")
        stale = [pk for pk, *key in old if tuple(key) in keys]
        if stale:
            AnswerRollup.objects.filter(pk__in=stale).delete()
        AnswerRollup.objects.bulk_create(
            AnswerRollup(
                unit_id=unit, metric_id=metric, month=month, touchpoint_id=tp, **summary(counts)
            )
            for (unit, metric, month, tp), counts in fresh.items()
        )


def stored() -> dict[Key, dict]:
    rows = AnswerRollup.objects.values("unit", "metric", "month", "touchpoint", *summary({}).keys())
    return {
        (row.pop("unit"), row.pop("metric"), row.pop("month"), row.pop("touchpoint")): row
        for row in rows
    }


def differences() -> list[str]:
    """What the stored roll-ups get wrong against the raw answers, one line a key."""
    expected = {
        key: summary(counts) for key, counts in computed(SurveyAnswer.objects.all()).items()
    }
    actual = stored()
    lines = []
    for key in sorted(expected.keys() | actual.keys(), key=str):
        if expected.get(key) != actual.get(key):
            lines.append(f"{key}: stored {actual.get(key)}, from the answers {expected.get(key)}")
    return lines


def rebuild() -> int:
    """Every roll-up again from the raw answers; the number of roll-ups."""
    with transaction.atomic():
        if connection.vendor == "postgresql":  # every writer of answers waits, or is waited for
            lock_buckets(set(range(BUCKETS)), set())
        AnswerRollup.objects.all().delete()
        rows = [
            AnswerRollup(
                unit_id=unit, metric_id=metric, month=month, touchpoint_id=tp, **summary(counts)
            )
            for (unit, metric, month, tp), counts in computed(SurveyAnswer.objects.all()).items()
        ]
        AnswerRollup.objects.bulk_create(rows, batch_size=1000)
    return len(rows)
