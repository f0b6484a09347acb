"""Telling people that something was made from another thing, or already had been.

Customer feedback (Voice of the Customer) and Gemba observations become improvements
the same way: the first time a new idea in the backlog, later the same one again.
"""

from django.contrib import messages
from django.http import HttpRequest


def announce_made(
    request: HttpRequest, title: str, created: bool, *, made: str, already: str
) -> None:
    """`made` or `already` (each with a %(title)s placeholder) as a message."""
    if created:
        messages.success(request, made % {"title": title})
    else:
        messages.info(request, already % {"title": title})
