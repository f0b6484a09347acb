"""Context help: `{% help_link "improvements" "priority" %}` in a page's header links to
the manual section that explains the page."""

from django import template
from django.urls import reverse
from django.utils.html import format_html
from django.utils.safestring import SafeString
from django.utils.translation import gettext as _

register = template.Library()


@register.simple_tag
def help_link(chapter: str, anchor: str = "") -> SafeString:
    url = reverse("help:chapter", args=[chapter]) + (f"#{anchor}" if anchor else "")
    return format_html(
        '<a class="help-link" href="{}" title="{}"><span aria-hidden="true">?</span>'
        '<span class="visually-hidden">{}</span></a>',
        url,
        _("Help for this page"),
        _("Help for this page"),
    )
