"""Template filters and tags of the maturity review pages."""

from django import template
from django.utils.formats import localize
from django.utils.html import conditional_escape, format_html
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import gettext as _

from cxlean.insights.dashboard import figure as figure_text

register = template.Library()


@register.filter
def figure(value) -> str:
    """A metric figure without trailing zeros, localised: 30.00 -> "30", 28.30 -> "28,3"."""
    return figure_text(value)


ARROWS = {"up": "▲", "down": "▼", "same": "▶"}


@register.simple_tag
def level(level, score=None) -> SafeString:
    """A maturity level in words, with its score, or "not assessed" (a tag rather than an
    include: the tables call it for each of 200 units)."""
    if not level:
        return format_html('<span class="quiet-text">{}</span>', _("not assessed"))
    words = _("Level %(number)s %(name)s") % {
        "number": conditional_escape(localize(level.number)),
        "name": conditional_escape(level.name),
    }
    scored = format_html(' <span class="nowrap">({})</span>', localize(score))
    return format_html(
        '<span class="level">{}</span>{}',
        mark_safe(words),  # noqa: S308  (the values are escaped, the words are ours)
        scored if score is not None else "",
    )


@register.simple_tag
def trend(direction, words) -> SafeString:
    """A move up or down: an arrow (hidden from screen readers) and the words."""
    if not words:
        return mark_safe("")
    return format_html(
        '<span class="trend trend--{}"><span class="arrow" aria-hidden="true">{}</span> {}</span>',
        direction or "none",
        ARROWS.get(direction, ""),
        words,
    )
