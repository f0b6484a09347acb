"""The evidence indicators as flat rows for reporting tools (Power BI): one row per
unit, period (month or quarter) and indicator.

A period's indicators are those of `cxlean.insights.evidence` for the period's days up to
today (so the current month or quarter counts what has happened so far, not walks or
activities still ahead in it). All units and periods are computed together: the queries
do not grow with the number of units.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence

from django.db.models import QuerySet

from cxlean.insights.evidence import evidence_by_span
from cxlean.metrics.reports import Period
from cxlean.org.models import Unit
from cxlean.org.roles import coordinated_units, is_coordinator, sees_everything


def report_units(user) -> QuerySet[Unit]:
    """Management and superusers: every unit; coordinators: the units they coordinate;
    others: their own unit and its sub-units (as the Gemba cadence rows)."""
    if sees_everything(user):
        return Unit.objects.all()
    if is_coordinator(user):
        return coordinated_units(user)
    home = Unit.objects.filter(profiles__user=user).first()
    return home.subtree() if home else Unit.objects.none()


def periods_between(kind: str, first: dt.date, last: dt.date) -> list[Period]:
    """The periods of `kind` from the one holding `first` to the one holding `last`."""
    period, end = Period.of(kind, first), Period.of(kind, last)
    periods = []
    while period <= end:
        periods.append(period)
        period = period.next()
    return periods


def evidence_rows(
    units: QuerySet[Unit], periods: Sequence[Period], today: dt.date, indicator: str = ""
) -> list[dict]:
    """Rows in unit (tree), period and indicator order; only `indicator` when given."""
    periods = [period for period in periods if period.start <= today]
    spans = [(period.start, min(period.end, today)) for period in periods]
    listed = list(units.order_by("path"))
    by_unit = evidence_by_span(Unit.objects.filter(pk__in=[u.pk for u in listed]), spans, today)
    return [
        {
            "unit": unit.pk,
            "unit_code": unit.code,
            "unit_name": unit.name,
            "period_kind": period.kind,
            "period_start": period.start,
            "period_end": period.end,
            "period_label": period.label,
            "indicator": found.key,
            "label": found.label,
            "value": found.value,
            "available": found.available,
            "display": found.display,
            "tone": found.tone,
            "detail": found.detail,
        }
        for unit in listed
        for period, indicators in zip(periods, by_unit[unit.pk], strict=True)
        for found in indicators
        if not indicator or found.key == indicator
    ]
