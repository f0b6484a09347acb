"""What each notification says, rendered in the reader's language when it is shown or
e-mailed: a notification stores its kind and its facts (`params`), never its text.

A rule or an event hands over the facts: plain text, numbers, dates, lazy translations
(a status, "activity") and `Bilingual` values for catalogue text stored in Swedish and
English columns. `encode` stores them as JSON (a date as {"$date": "2026-03-03"}, a lazy
translation as its message id); `render` turns them into words inside
`translation.override(language)`, so a date reads "3 mars 2026" in Swedish and
"3 March 2026" in English.

Notifications written before texts were rendered at read time keep their stored text
under params["fallback"] (title and body in the language they were written in).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.utils import timezone, translation
from django.utils.formats import date_format
from django.utils.functional import Promise
from django.utils.translation import gettext, ngettext, pgettext
from django.utils.translation import gettext_lazy as _

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
    # --- events ---
    Kind.LEVEL_SIGNED_OFF: (
        _("Signed off: %(activity)s at %(level)s"),
        _("%(actor)s signed off your level %(level)s in “%(activity)s”."),
    ),
    Kind.LEVEL_REJECTED: (
        _("Not signed off: %(activity)s at %(level)s"),
        _("%(actor)s did not sign off your level %(level)s in “%(activity)s”: %(comment)s"),
    ),
    Kind.IDEA_TRIAGED: (
        _("Your improvement was triaged: %(title)s"),
        _("%(actor)s triaged “%(title)s”; it waits to be planned."),
    ),
    Kind.IDEA_MOVED: (
        _("Your improvement moved to %(status)s: %(title)s"),
        _("%(actor)s moved “%(title)s” to %(status)s."),
    ),
    Kind.IDEA_REJECTED: (
        _("Your improvement was rejected: %(title)s"),
        _("%(actor)s rejected “%(title)s”: %(reason)s"),
    ),
    Kind.IDEA_STANDARDISED: (
        _("Your improvement is the new standard: %(title)s"),
        _("%(actor)s standardised “%(title)s”."),
    ),
    Kind.MADE_OWNER: (
        _("You own %(what)s “%(title)s”"),
        _("%(actor)s made you the owner of %(what)s “%(title)s”."),
    ),
    Kind.COMMENTED: (
        _("New comment on “%(title)s”"),
        _("%(actor)s wrote: %(text)s"),
    ),
    Kind.MENTIONED: (
        _("%(actor)s mentioned you: %(title)s"),
        _("%(actor)s wrote: %(text)s"),
    ),
    Kind.CHECKLIST_ASSIGNED: (
        _("Checklist for you: %(checklist)s"),
        _("%(actor)s assigned the checklist “%(checklist)s” to you, due %(due)s."),
    ),
    Kind.WALK_INVITED: (
        _("Gemba walk %(start)s"),
        _("%(actor)s invited you to the Gemba walk “%(where)s” in %(unit)s, %(start)s."),
    ),
    Kind.ASSESSMENT_INVITED: (
        _("Maturity assessment: %(title)s"),
        _("%(actor)s asked you to take part in the maturity assessment “%(title)s”."),
    ),
    Kind.JOB_DONE: (
        _("Finished: %(job)s “%(name)s”"),
        _("Your %(job)s “%(name)s” has finished: %(status)s."),
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


def encode(params: dict) -> dict:
    """The facts as JSON, language-independent (see the module's doc)."""
    return {name: encoded(value) for name, value in params.items()}


def encoded(value):
    if isinstance(value, dt.datetime):
        return {"$datetime": value.isoformat()}
    if isinstance(value, dt.date):
        return {"$date": value.isoformat()}
    if isinstance(value, Bilingual):
        return {"$sv": value.sv, "$en": value.en}
    if isinstance(value, Promise):
        args = getattr(value, "_args", None) or (str(value),)
        return {"$t": [str(arg) for arg in args]}
    if isinstance(value, list | tuple):
        return [encoded(item) for item in value]
    if isinstance(value, dict):
        return {name: encoded(item) for name, item in value.items()}
    return value


def decoded(value):
    """A stored fact, back as a value `in_words` formats (inside the reader's language)."""
    if isinstance(value, dict):
        if "$datetime" in value:
            return dt.datetime.fromisoformat(value["$datetime"])
        if "$date" in value:
            return dt.date.fromisoformat(value["$date"])
        if "$sv" in value:
            return Bilingual(value["$sv"], value.get("$en", ""))
        if "$t" in value:
            words = value["$t"]
            return pgettext(words[0], words[1]) if len(words) == 2 else gettext(words[0])
    return value


def shortened(title: str) -> str:
    title = " ".join(title.split())
    return title if len(title) <= TITLE_MAX else title[: TITLE_MAX - 1] + "…"


def words_of(params: dict) -> dict:
    return {name: in_words(decoded(value)) for name, value in params.items()}


def render_stored(kind: str, params: dict) -> tuple[str, str]:
    """(title, body) of a stored notification in the active language."""
    if "fallback" in params:  # written before texts were rendered at read time
        fallback = params["fallback"]
        return fallback.get("title", ""), fallback.get("body", "")
    if kind == Kind.MORE_REMINDERS:
        return folded_texts(params.get("folded", []))
    try:
        title, body = TEXTS[Kind(kind)]
        words = words_of(params)
        return shortened(str(title) % words), str(body) % words
    except (KeyError, ValueError, TypeError):  # an unknown kind or missing fact
        return str(Kind(kind).label) if kind in Kind.values else kind, ""


def render(kind: str, params: dict, language: str) -> tuple[str, str]:
    """(title, body) of a notification's facts in `language`."""
    with translation.override(language):
        return render_stored(kind, encode(params))


# The titles a summary of folded reminders lists; the rest are counted.
LISTED_IN_SUMMARY = 20


def folded_texts(folded: list[dict]) -> tuple[str, str]:
    """(title, body) of the one message that stands for the reminders a sweep folded
    (`folded`: their kinds and facts), in the active language."""
    titles = [render_stored(entry["kind"], entry["params"])[0] for entry in folded]
    count = len(titles)
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
