"""How metric figures read on the pages: NPS with its sign and one decimal ("+31,4"),
CSAT and churn as percentages, CES with two decimals, CLV in whole money, all in the
page's language (decimal comma in Swedish)."""

from __future__ import annotations

from decimal import Decimal

from django import template
from django.utils.formats import number_format

from cxlean.metrics.models import Kind, Metric

register = template.Library()

DECIMALS: dict[str, int] = {Kind.NPS: 1, Kind.CSAT: 1, Kind.CES: 2, Kind.CHURN: 2, Kind.CLV: 0}


def formatted(value: Decimal, kind: str, signed: bool = False) -> str:
    text = number_format(value, DECIMALS.get(kind, 2), use_l10n=True, force_grouping=True)
    text = text.replace("-", "−")
    if signed and value > 0:
        text = f"+{text}"
    return text


@register.filter
def figure(value, metric: Metric) -> str:
    """A figure of `metric`, with its unit; "–" when there is none."""
    if value is None or metric is None:
        return "–"
    text = formatted(Decimal(value), metric.kind, signed=metric.kind == Kind.NPS)
    return f"{text} %" if metric.kind in (Kind.CSAT, Kind.CHURN) else text


@register.filter
def change(value, metric: Metric) -> str:
    """A change between two figures, always signed (percentage points for %)."""
    if value is None or metric is None:
        return "–"
    text = formatted(Decimal(value), metric.kind, signed=True)
    return "±0" if Decimal(value) == 0 else text
