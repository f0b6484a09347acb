"""Template filters every area's pages share."""

from django import template
from django.http import QueryDict

register = template.Library()


@register.filter
def active_filters(query: QueryDict) -> int:
    """How many filters the address sets (`request.GET|active_filters`): the parameters
    with a value, not counting the page number."""
    return sum(1 for name, value in query.items() if value and name != "page")
