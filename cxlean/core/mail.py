"""E-mail cxlean sends: every message is made here, so its subject is always safe.

A subject is one header line. Text people typed (an activity title with a line break, a
name with a control character) reaches subjects through notification titles; Django's
mail refuses a header with a line break (`ValueError: Header values may not contain
linefeed`) — and a header that allowed one would let text add headers of its own. So
`safe_subject` makes any text one short line: control characters and line breaks become
spaces, runs of whitespace one space, and a long subject ends with "…".

Messages come from the organisation (`cxlean.core.branding`): its name is the sender's
name, the address stays DEFAULT_FROM_EMAIL's.
"""

from __future__ import annotations

import re
import unicodedata
from email.utils import formataddr, parseaddr

from django.conf import settings
from django.core.mail import EmailMultiAlternatives

from cxlean.core.branding import current_brand

SUBJECT_MAX = 150
# Line and paragraph separators too: some mail clients break lines at them.
_BREAKS = {"\u2028", "\u2029", "\u0085"}


def safe_subject(text: object, max_length: int = SUBJECT_MAX) -> str:
    """`text` as one line of at most `max_length` characters, without control characters."""
    characters = (" " if is_break(char) else char for char in str(text))
    subject = re.sub(r"\s+", " ", "".join(characters)).strip()
    if len(subject) > max_length:
        subject = subject[: max_length - 1].rstrip() + "…"
    return subject


def is_break(char: str) -> bool:
    """A control character, a line or paragraph separator, or half a surrogate pair."""
    return char in _BREAKS or unicodedata.category(char) in ("Cc", "Cs")


def new_email(
    subject: object, text: str, *, to: list[str], html: str | None = None
) -> EmailMultiAlternatives:
    """A message with a safe subject, plain text and, when given, an HTML alternative."""
    message = EmailMultiAlternatives(safe_subject(subject), text, from_email=sender(), to=to)
    if html is not None:
        message.attach_alternative(html, "text/html")
    return message


def sender() -> str:
    """DEFAULT_FROM_EMAIL's address with the organisation's name, e.g.
    "Nordljus Energi AB <noreply@cxlean.local>"."""
    _name, address = parseaddr(settings.DEFAULT_FROM_EMAIL)
    return formataddr((safe_subject(current_brand().name), address))
