"""@mentions in comments: "@anna.berg, could you look at this?" names the person with the
username anna.berg. Who may be mentioned is the area's rule (e.g. the people an author
may see in the backlog); a name outside it is refused like an unknown one, so a refusal
tells nothing about who exists."""

from __future__ import annotations

import re

from django.contrib.auth.models import User
from django.db.models import Q, QuerySet

from cxlean.core.names import display_name

# A username as Django allows it (letters, digits and @.+-_), after "@" at a word start;
# a full stop or comma right after it ends the sentence, not the name.
MENTION = re.compile(r"(?<![\w.@+-])@([\w.@+-]*[\w+-])")


def mentioned_usernames(text: str) -> list[str]:
    """The usernames mentioned in `text`, each once, in order."""
    return list(dict.fromkeys(MENTION.findall(text or "")))


def resolve_mentions(text: str, allowed: QuerySet[User]) -> tuple[list[User], list[str]]:
    """(the people mentioned among `allowed`, the names refused)."""
    names = mentioned_usernames(text)
    if not names:
        return [], []
    found = {user.username.lower(): user for user in allowed.filter(username__in=names)}
    refused = [name for name in names if name.lower() not in found]
    return list(found.values()), refused


def matching(allowed: QuerySet[User], query: str, limit: int = 8) -> list[dict[str, str]]:
    """Autocomplete: the people in `allowed` whose username or name starts with `query`."""
    query = query.strip().lstrip("@")
    people = allowed
    if query:
        people = people.filter(
            Q(username__istartswith=query)
            | Q(first_name__istartswith=query)
            | Q(last_name__istartswith=query)
        )
    return [
        {"username": person.username, "name": display_name(person)}
        for person in people.order_by("first_name", "last_name", "username")[:limit]
    ]
