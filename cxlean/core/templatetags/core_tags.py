"""Template filters every area's pages share."""

from django import template
from django.http import QueryDict

register = template.Library()


# Query parameters that are not filters: the page, and a list's view (grid or per person).
NOT_FILTERS = frozenset({"page", "view"})


@register.filter
def active_filters(query: QueryDict) -> int:
    """How many filters the address sets (`request.GET|active_filters`): the parameters
    with a value, not counting the page number or the way the list is shown."""
    return sum(1 for name, value in query.items() if value and name not in NOT_FILTERS)
