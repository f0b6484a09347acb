"""Template filters of the maturity review pages."""

from django import template

from cxlean.insights.dashboard import figure as figure_text

register = template.Library()


@register.filter
def figure(value) -> str:
    """A metric figure without trailing zeros, localised: 30.00 -> "30", 28.30 -> "28,3"."""
    return figure_text(value)
