"""Telling people that something became an improvement idea, or already was one.

Customer feedback (Voice of the Customer) and Gemba observations become improvements
the same way: the first time a new idea in the backlog, later the same one again.
"""

from django.contrib import messages
from django.http import HttpRequest

from cxlean.backlog.models import Item


def announce_improvement(
    request: HttpRequest, item: Item, created: bool, *, made: str, already: str
) -> None:
    """`made` or `already` (each with a %(title)s placeholder) as a message."""
    if created:
        messages.success(request, made % {"title": item.title})
    else:
        messages.info(request, already % {"title": item.title})
