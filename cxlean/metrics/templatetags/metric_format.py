"""How metric figures read on the pages: NPS with its sign and one decimal ("+31,4"),
CSAT and churn as percentages, CES with two decimals, CLV in whole money, all in the
page's language (decimal comma in Swedish)."""

from __future__ import annotations

from decimal import Decimal

from django import template
from django.urls import reverse
from django.utils.formats import number_format
from django.utils.html import conditional_escape, format_html
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import gettext as _
from django.utils.translation import pgettext

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


# --- the overview's cells, built in Python: 200 units × the metrics make thousands of
# cells, too many for includes (the include templates call these tags too) -------------


@register.simple_tag
def on_target(result) -> SafeString:
    """Whether `result` meets its target, in words and a symbol."""
    meets = result.meets_target
    if meets is None:
        return mark_safe('<span class="muted">–</span>')
    if meets:
        return format_html(
            '<span class="metrics-flag metrics-flag--good"><span aria-hidden="true">✓</span>'
            " {}</span>",
            _("on target"),
        )
    return format_html(
        '<span class="metrics-flag metrics-flag--bad"><span aria-hidden="true">✗</span> {}</span>',
        _("off target"),
    )


@register.simple_tag
def trend_change(trend) -> SafeString:
    """A trend's change since the figure before, in words."""
    difference = trend.change
    if difference is None:
        return mark_safe('<span class="muted">–</span>')
    improving = trend.improving
    if improving is None:
        flag = format_html('<span class="metrics-flag">{}</span>', _("unchanged"))
    elif improving:
        flag = format_html(
            '<span class="metrics-flag metrics-flag--good"><span aria-hidden="true">▲</span>'
            " {}</span>",
            _("better"),
        )
    else:
        flag = format_html(
            '<span class="metrics-flag metrics-flag--bad"><span aria-hidden="true">▼</span>'
            " {}</span>",
            _("worse"),
        )
    since = _("since %(period)s") % {"period": conditional_escape(trend.previous.period.label)}
    return format_html(
        '<span class="metrics-change">{} {} <span class="muted">{}</span></span>',
        change(difference, trend.metric),
        flag,
        mark_safe(since),  # noqa: S308  (the period is escaped, the words are ours)
    )


@register.simple_tag
def sample(result) -> SafeString:
    """A figure's sample size, with the small-sample flag in words."""
    if result.sample_size is None:
        return mark_safe('<span class="muted">–</span>')
    flag = ""
    if result.small_sample:
        flag = format_html(
            ' <span class="metrics-flag metrics-flag--small"><span aria-hidden="true">◌</span>'
            " {}</span>",
            _("small sample"),
        )
    return format_html("<span>{}{}</span>", result.sample_size, flag)


@register.simple_tag
def overview_rows(section, period: str) -> SafeString:
    """The rows of a metric's table on the overview (`cxlean.metrics.views.Section`): a
    unit per row, its latest figure against target, its change and its sample."""
    metric = section.metric
    url = reverse("metrics:trend", args=[metric.kind])
    labels = {
        "latest": _("Latest"),
        "period": _("Period"),
        "target": _("Target"),
        "on_target": _("On target"),
        "change": pgettext("difference between figures", "Change"),
        "sample": _("Sample"),
    }
    entered = format_html(' <span class="muted">({})</span>', _("entered"))
    empty = format_html(
        '<td colspan="6" data-label="{}"><span class="muted">{}</span></td>',
        labels["latest"],
        _("No figure in the last twelve periods."),
    )
    rows = []
    for row in section.rows:
        trend, result = row.trend, row.trend.latest
        head = format_html(
            '<th scope="row" class="metrics-unit" style="--depth: {}"><a href="{}?unit={}'
            '&amp;period={}">{}</a></th>',
            row.depth,
            url,
            row.unit.pk,
            period,
            row.unit.name,
        )
        if result is None:
            rows.append(format_html("<tr>\n{}\n{}\n</tr>", head, empty))
            continue
        cells = format_html(
            '<td class="num metrics-value" data-label="{}">{}</td>\n'
            '<td data-label="{}"><span>{}{}</span></td>\n'
            '<td class="num" data-label="{}">{}</td>\n'
            '<td data-label="{}">{}</td>\n'
            '<td data-label="{}">{}</td>\n'
            '<td data-label="{}">{}</td>',
            labels["latest"],
            figure(result.value, metric),
            labels["period"],
            result.period.label,
            entered if result.source == "entered" else "",
            labels["target"],
            figure(result.target, metric),
            labels["on_target"],
            on_target(result),
            labels["change"],
            trend_change(trend),
            labels["sample"],
            sample(result),
        )
        rows.append(format_html("<tr>\n{}\n{}\n</tr>", head, cells))
    return mark_safe("\n".join(rows))  # noqa: S308  (every part is built by format_html)
