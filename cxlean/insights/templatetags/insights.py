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


DIRECTION_TONES = {"up": "good", "down": "bad"}


@register.simple_tag
def trend(direction, words, tone=None) -> SafeString:
    """A move up or down: an arrow (hidden from screen readers) and the words; the arrow's
    colour says whether that is good (by default up is, as for maturity; a metric where
    lower is better says so with `tone`)."""
    if not words:
        return mark_safe("")
    if tone is None:
        tone = DIRECTION_TONES.get(direction, "")
    return format_html(
        '<span class="trend trend--{} trend--{}"><span class="arrow" aria-hidden="true">{}</span>'
        " {}</span>",
        direction or "none",
        tone or "neutral",
        ARROWS.get(direction, ""),
        words,
    )


TONE_MARKS = {"good": "✓", "warn": "⚠︎"}


@register.simple_tag
def evidence_cell(indicator, unit_name: str) -> SafeString:
    """An evidence indicator's cell in the per-unit table: its figure (a link when it has
    one, named for screen readers) and its tone in words."""
    if not indicator.available:
        shown = format_html('<span class="quiet-text">{}</span>', indicator.display)
    elif indicator.url:
        shown = format_html(
            '<a href="{}">{}<span class="visually-hidden"> – {}, {}</span></a>',
            indicator.url,
            indicator.display,
            unit_name,
            indicator.label,
        )
    else:
        shown = conditional_escape(indicator.display)
    tone = ""
    if indicator.tone:
        tone = format_html(
            '<br><span class="tone tone--{}"><span aria-hidden="true">{}</span> {}</span>',
            indicator.tone,
            TONE_MARKS.get(indicator.tone, "✕"),
            indicator.tone_label,
        )
    return format_html(
        '<td title="{}">\n          {}\n          {}\n        </td>', indicator.detail, shown, tone
    )


AGAINST_TARGET = {
    True: '<span class="tone tone--good"><span aria-hidden="true">✓</span> {}</span>',
    False: '<span class="tone tone--bad"><span aria-hidden="true">✕</span> {}</span>',
    None: '<span class="quiet-text">{}</span>',
}


@register.simple_tag
def metric_rows(rows) -> SafeString:
    """The rows of the CX metrics table: each unit's metrics (`MetricLine`) with their
    latest figure against target, trend and sample (a tag: a thousand rows for 200 units)."""
    built = []
    for row in rows:
        if not row.metrics:
            continue
        head = format_html('<th scope="row"><a href="{}">{}</a></th>', row.url, row.unit.name)
        for line in row.metrics:
            name = line.metric.name
            if row.metrics_url:
                name = format_html('<a href="{}">{}</a>', row.metrics_url, name)
            against = AGAINST_TARGET[line.on_target]
            latest = line.latest
            small = latest.small_sample
            sample = "–" if latest.sample_size is None else localize(latest.sample_size)
            built.append(
                format_html(
                    "<tr>\n{}\n<td>{}</td>\n"
                    '<td class="nowrap">{}</td>\n'
                    '<td class="number">{}</td>\n'
                    '<td class="number">{}</td>\n'
                    "<td>{}</td>\n"
                    "<td>{}</td>\n"
                    '<td class="number"{}>{}{}</td>\n</tr>',
                    head,
                    name,
                    latest.period.label,
                    line.value_text,
                    line.target_text,
                    format_html(against, line.target_words),
                    trend(line.direction, line.trend_words, line.tone),
                    mark_safe(' aria-describedby="metrics-small-sample"') if small else "",
                    sample,
                    mark_safe('<span class="tone--warn" aria-hidden="true">&nbsp;*</span>')
                    if small
                    else "",
                )
            )
    return mark_safe("\n".join(built))  # noqa: S308  (every part is built by format_html)
