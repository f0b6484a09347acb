"""Template tags for competence levels and Green Card progress.

    {% load competence_tags %}
    {% level_badge record.level %}                  the ILUO circle, coloured, with its name
    {% level_badge record.level expired=True %}     the same, struck through, "(expired)"
    {% card_status_badge progress %}                a CardProgress as a status badge
    {{ level|level_symbol }}  {{ level|level_letter }}  {{ level|level_label }}

The badges are built with format_html rather than an included template: the matrix
draws tens of thousands of them and an inclusion tag per cell would dominate its time.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from django import template
from django.utils.html import format_html
from django.utils.safestring import SafeString
from django.utils.translation import gettext as _

from cxlean.competence.models import LEVEL_LETTERS, LEVEL_SYMBOLS, CardProgress, CardStatus, Level

if TYPE_CHECKING:
    from django_stubs_ext import StrPromise

register = template.Library()


def _level(value) -> int:
    try:
        level = int(value)
    except (TypeError, ValueError):
        return Level.NOT_STARTED
    return level if level in LEVEL_SYMBOLS else Level.NOT_STARTED


@register.filter
def level_symbol(value) -> str:
    """○ ◔ ◑ ◕ ● for 0..4."""
    return LEVEL_SYMBOLS[_level(value)]


@register.filter
def level_letter(value) -> str:
    """– I L U O for 0..4."""
    return LEVEL_LETTERS[_level(value)]


@register.filter
def level_label(value) -> str:
    """The translated name of a level, e.g. "U – does it independently to standard"."""
    return str(Level(_level(value)).label)


@register.simple_tag
def level_badge(value, expired: bool = False) -> SafeString:
    """The level's circle in its colour, its name as tooltip and for screen readers."""
    level = _level(value)
    label = str(Level(level).label)
    if expired:
        label = _("%(level)s (expired)") % {"level": label}
        return format_html(
            '<span class="level level--{} level--expired" title="{}">'
            '<span aria-hidden="true">{}</span><span class="visually-hidden">{}</span></span>',
            level,
            label,
            LEVEL_SYMBOLS[level],
            label,
        )
    return format_html(
        '<span class="level level--{}" title="{}">'
        '<span aria-hidden="true">{}</span><span class="visually-hidden">{}</span></span>',
        level,
        label,
        LEVEL_SYMBOLS[level],
        label,
    )


CARD_SYMBOLS = {
    CardStatus.NOT_STARTED: "○",
    CardStatus.IN_PROGRESS: "◑",
    CardStatus.READY: "★",
    CardStatus.CERTIFIED: "✓",
    CardStatus.EXPIRING: "⚠\ufe0e",
    CardStatus.EXPIRED: "✕",
    CardStatus.NO_REQUIREMENTS: "–",
}


@register.simple_tag
def card_status_badge(progress: CardProgress) -> SafeString:
    """A CardProgress as a badge: symbol + label, "(x of y)" while in progress."""
    status = CardStatus(progress.status)
    text = str(status.label)
    if status == CardStatus.IN_PROGRESS:
        text = _("%(label)s (%(done)s of %(required)s)") % {
            "label": text,
            "done": progress.done,
            "required": progress.required,
        }
    return format_html(
        '<span class="badge card-status card-status--{}">'
        '<span aria-hidden="true">{}</span> {}</span>',
        status.value,
        CARD_SYMBOLS[status],
        text,
    )


@register.simple_tag
def level_scale() -> list[tuple[int, StrPromise]]:
    """Every level with its name, for legends: {% level_scale as levels %}."""
    return Level.choices


@register.filter
def basename(path) -> str:
    """The file name of an uploaded file's path: "evidence/2026/11/log.pdf" -> "log.pdf"."""
    return str(path or "").rsplit("/", 1)[-1]
