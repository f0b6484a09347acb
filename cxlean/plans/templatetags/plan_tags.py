"""Template filters for the plan pages: money and SVG coordinates."""

from __future__ import annotations

from decimal import Decimal

from django import template
from django.utils.formats import number_format

from cxlean.plans.timeline import svg_number

register = template.Library()

NBSP = "\u00a0"


@register.filter
def money(amount: Decimal | int | None) -> str:
    """Kronor with the language's grouping: "12 500 kr"; öre only when there are any."""
    if amount is None or amount == "":
        return "–"
    amount = Decimal(amount)
    decimals = 0 if amount == amount.to_integral_value() else 2
    grouped = number_format(amount, decimal_pos=decimals, use_l10n=True, force_grouping=True)
    return f"{grouped}{NBSP}kr"


@register.filter
def px(value: float) -> str:
    """A coordinate for SVG: a dot as decimal separator whatever the language (the
    template engine would localise a float to "12,5" in Swedish)."""
    return svg_number(float(value))
