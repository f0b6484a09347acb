"""The API's JSON parser: a document nested too deeply is a 400, not a crash.

Python's JSON decoder recurses once per array or object level and raises RecursionError
on a few thousand `[`; the serializers would recurse again on what it returns. So the
parser refuses nesting deeper than `MAX_DEPTH`, which no request of this API needs.
"""

from __future__ import annotations

from collections.abc import Iterable

from django.utils.translation import gettext_lazy as _
from rest_framework import parsers
from rest_framework.exceptions import ParseError

MAX_DEPTH = 32

TOO_DEEP = _("JSON parse error: the document is nested too deeply.")


def depth_of(value) -> int:
    """How many arrays or objects deep `value` goes, counted without recursion."""
    deepest = 0
    stack = [(value, 1)]
    while stack:
        item, depth = stack.pop()
        children: Iterable
        if isinstance(item, dict):
            children = item.values()
        elif isinstance(item, list):
            children = item
        else:
            continue
        deepest = max(deepest, depth)
        if deepest > MAX_DEPTH:
            return deepest
        stack.extend((child, depth + 1) for child in children)
    return deepest


class JSONParser(parsers.JSONParser):
    """DRF's JSON parser, with a bound on nesting."""

    def parse(self, stream, media_type=None, parser_context=None):
        try:
            data = super().parse(stream, media_type, parser_context)
        except RecursionError as error:
            raise ParseError(TOO_DEEP) from error
        if depth_of(data) > MAX_DEPTH:
            raise ParseError(TOO_DEEP)
        return data
