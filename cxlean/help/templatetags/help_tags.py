"""Context help: `{% help_link "improvements" "priority" %}` in a page's header links to
the manual section that explains the page ("index" is the manual's start). A template
builtin (settings.TEMPLATES), so a page needs no `load` for it."""

from django import template
from django.urls import reverse
from django.utils.html import format_html
from django.utils.safestring import SafeString
from django.utils.translation import gettext as _

register = template.Library()


@register.simple_tag
def help_link(chapter: str, anchor: str = "") -> SafeString:
    url = reverse("help:index") if chapter == "index" else reverse("help:chapter", args=[chapter])
    return format_html(
        '<a class="button button--quiet button--small help-link" href="{}">'
        '<span aria-hidden="true">?</span> {}<span class="visually-hidden"> — {}</span></a>',
        url + (f"#{anchor}" if anchor else ""),
        _("Help"),
        _("how this page works"),
    )
