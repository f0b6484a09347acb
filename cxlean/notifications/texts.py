"""What each reminder says, written in the recipient's language when it is created.

A rule hands over the facts (`params`): plain text, dates, and `Bilingual` values for
catalogue text stored in Swedish and English columns. They are turned into words here,
inside `translation.override(language)`, so a date reads "3 mars 2026" in Swedish and
"3 March 2026" in English.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.utils import timezone, translation
from django.utils.formats import date_format
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from cxlean.notifications.models import TITLE_MAX, Kind

TEXTS = {
    Kind.ACTIVITY_DUE_SOON: (
        _("Due %(due)s: %(title)s"),
        _("The activity “%(title)s” in the rollout plan “%(plan)s” is due %(due)s."),
    ),
    Kind.ACTIVITY_LATE: (
        _("Late: %(title)s"),
        _(
            "The activity “%(title)s” in the rollout plan “%(plan)s” was due %(due)s and "
            "is not done yet."
        ),
    ),
    Kind.SIGN_OFF_WAITING: (
        _("Sign-off waiting: %(person)s"),
        _("%(person)s asks for a sign-off of “%(activity)s” at level %(level)s."),
    ),
    Kind.CARD_EXPIRING: (
        _("Green Card expiring: %(number)s"),
        _(
            "The Green Card %(number)s of %(person)s is valid until %(expires)s. Renew it "
            "in time: the signed-off activities may need a new sign-off first."
        ),
    ),
    Kind.CARD_EXPIRED: (
        _("Green Card expired: %(number)s"),
        _("The Green Card %(number)s of %(person)s expired on %(expires)s."),
    ),
    Kind.CHECKLIST_OVERDUE: (
        _("Checklist overdue: %(checklist)s"),
        _(
            "The checklist “%(checklist)s” was due %(due)s; %(done)s of %(total)s items are "
            "ticked off."
        ),
    ),
    Kind.WALK_UPCOMING: (
        _("Gemba walk %(start)s"),
        _("The Gemba walk “%(where)s” in %(unit)s starts %(start)s (%(minutes)s minutes)."),
    ),
    Kind.IMPROVEMENT_OVERDUE: (
        _("Improvement past due: %(title)s"),
        _("The improvement “%(title)s” was due %(due)s and is still open (%(status)s)."),
    ),
}


@dataclass(frozen=True)
class Bilingual:
    """Catalogue text from its Swedish and English columns, read in the active language."""

    sv: str
    en: str = ""

    def __str__(self) -> str:
        if (translation.get_language() or "sv")[:2] == "en" and self.en:
            return self.en
        return self.sv


def in_words(value) -> str:
    """A fact in the active language: dates and times formatted, lazy text translated."""
    if isinstance(value, dt.datetime):
        return date_format(timezone.localtime(value), "DATETIME_FORMAT")
    if isinstance(value, dt.date):
        return date_format(value, "DATE_FORMAT")
    if isinstance(value, Promise | Bilingual):
        return str(value)
    return value


def render(kind: str, params: dict, language: str) -> tuple[str, str]:
    """(title, body) of a reminder in `language`."""
    title, body = TEXTS[Kind(kind)]
    with translation.override(language):
        words = {name: in_words(value) for name, value in params.items()}
        title_text = str(title) % words
        if len(title_text) > TITLE_MAX:
            title_text = title_text[: TITLE_MAX - 1] + "…"
        return title_text, str(body) % words


# The titles a summary of folded reminders lists; the rest are counted.
LISTED_IN_SUMMARY = 20


def more_reminders(titles: list[str], language: str) -> tuple[str, str]:
    """(title, body) of the one message that stands for the reminders a sweep folded."""
    count = len(titles)
    with translation.override(language):
        title = ngettext(
            "And %(count)s more reminder — see cxlean",
            "And %(count)s more reminders — see cxlean",
            count,
        ) % {"count": count}
        lines = [str(_("You have more reminders than one round of reminders shows:"))]
        lines += [f"- {line}" for line in titles[:LISTED_IN_SUMMARY]]
        if count > LISTED_IN_SUMMARY:
            rest = count - LISTED_IN_SUMMARY
            lines.append(
                ngettext("… and %(count)s more.", "… and %(count)s more.", rest) % {"count": rest}
            )
        return title, "\n".join(lines)
