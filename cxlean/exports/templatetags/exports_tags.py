"""`{% export_filter_fields kind %}`: the page's filters as hidden fields of its export
button — those of the query string that the export's filter form knows and reads as
valid (the page ignores the others, and so does the export)."""

from django import template
from django.utils.html import format_html_join

from cxlean.exports.kinds import IGNORED, KINDS

register = template.Library()


@register.simple_tag(takes_context=True)
def export_filter_fields(context, kind: str) -> str:
    request = context.get("request")
    spec = KINDS.get(kind)
    if request is None or spec is None:
        return ""
    given = {
        name: value
        for name, value in request.GET.items()
        if value and name not in IGNORED and name != "plan"
    }
    if not given:
        return ""
    form = spec.form(given, request.user)
    form.is_valid()
    kept = [
        (name, value)
        for name, value in given.items()
        if name in form.fields and name not in form.errors
    ]
    return format_html_join("", '<input type="hidden" name="{}" value="{}">', kept)
