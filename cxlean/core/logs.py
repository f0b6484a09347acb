"""Log filters named in LOGGING (cxlean/settings.py)."""

import logging

from django.core.exceptions import PermissionDenied


def one_line(value: object) -> str:
    """`value` on one line with control characters escaped, as Django logs a path."""
    return str(value).encode("unicode_escape").decode("ascii")


class PermissionDeniedFilter(logging.Filter):
    """A refused request is one line in the log, not a traceback.

    Django's `django.request` logger records every PermissionDenied as a warning with the
    exception's traceback, although a 403 is an answer, not an error. On that logger this
    filter rewrites such a record to one line: method, path, the user's id and the reason.
    Every other record (a 500's traceback among them) passes unchanged.
    """

    def filter(self, record: logging.LogRecord) -> bool:
        exception = record.exc_info[1] if record.exc_info else None
        if not isinstance(exception, PermissionDenied):
            return True
        request = getattr(record, "request", None)
        user_id = getattr(getattr(request, "user", None), "pk", None)
        record.msg = "Forbidden: %s %s (user %s): %s"
        record.args = (
            getattr(request, "method", "-"),
            one_line(getattr(request, "path", "-")),
            "anonymous" if user_id is None else user_id,
            " ".join(str(exception).split()) or "-",
        )
        record.exc_info = None
        record.exc_text = None
        return True
