"""The project's catalogue does not change what Django and the installed apps say.

A msgid without a context in our catalogue wins over the same msgid in Django's own
catalogues (LOCALE_PATHS come first). When the two mean different things the admin
reads wrong ("Change" as in a difference turned every admin "Change" link into
"Förändring"). Where one English word has two meanings, our uses take a context
(pgettext / `{% translate ... context ... %}`).
"""

import gettext
from pathlib import Path

import django
import rest_framework
from django.urls import reverse

ROOT = Path(__file__).resolve().parents[2]

# Same meaning, our wording kept on purpose (the app's pages and the admin then agree).
SAME_MEANING = {
    "You do not have permission to perform this action.": "the app's wording for a 403",
    "Monday": "weekdays are lower case in Swedish",
    "Tuesday": "weekdays are lower case in Swedish",
    "Wednesday": "weekdays are lower case in Swedish",
    "Thursday": "weekdays are lower case in Swedish",
    "Friday": "weekdays are lower case in Swedish",
    "Saturday": "weekdays are lower case in Swedish",
    "Sunday": "weekdays are lower case in Swedish",
    "Page not found": "the app's 404 page",
    "Delete": "the app says “Ta bort” everywhere",
    "Today": "the app's spelling",
}


def catalogue(path: Path) -> dict[str, str]:
    with path.open("rb") as file:
        return gettext.GNUTranslations(file)._catalog  # type: ignore[attr-defined]


def installed_catalogues() -> list[Path]:
    roots = [Path(django.__file__).parent, Path(rest_framework.__file__).parent]
    return [mo for root in roots for mo in root.glob("**/locale/sv/LC_MESSAGES/django.mo")]


def test_no_msgid_without_context_overrides_django_with_another_meaning():
    ours = catalogue(ROOT / "locale/sv/LC_MESSAGES/django.mo")
    clashes = {}
    for mo in installed_catalogues():
        for msgid, theirs in catalogue(mo).items():
            if not isinstance(msgid, str) or not msgid or "\x04" in msgid:
                continue
            mine = ours.get(msgid)
            if mine is not None and mine != theirs and msgid not in SAME_MEANING:
                clashes[msgid] = (mine, theirs, mo.relative_to(mo.parents[4]).as_posix())
    assert clashes == {}


def test_admin_change_links_say_andra_in_swedish(as_user, root):
    content = as_user(root).get(reverse("admin:index"), language="sv").content.decode()
    assert "Ändra" in content and "Förändring" not in content
