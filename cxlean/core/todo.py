"""A person's most urgent to-do items, for apps below the inbox (the daily digest).

Core knows no inbox: the inbox app, which is above the area apps, registers a provider in
its AppConfig.ready (`provide_top_items`), and an app that shows a person's top items
(the notifications app's digest) asks `top_items(user, limit)`. Without a provider (a
project without the inbox) there are none.

Texts are in the active language when `top_items` is called: a caller renders for a
reader under `translation.override(their language)`.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any


@dataclass(frozen=True)
class TopItem:
    """One thing to do, as a line of a digest."""

    title: str
    area: str  # the area's name ("Checklists"), in the active language
    state: str  # why it is here / where it stands, in words
    url: str  # the path of the page to act on it
    due: dt.date | None = None
    late: bool = False


Provider = Callable[[Any, int], list[TopItem]]
providers: list[Provider] = []


def provide_top_items(provider: Provider) -> None:
    """Register a provider (once; the inbox app does this in ready())."""
    if provider not in providers:
        providers.append(provider)


def top_items(user, limit: int) -> list[TopItem]:
    """`user`'s most urgent items, at most `limit`, most urgent first."""
    items = [item for provider in providers for item in provider(user, limit)]
    return items[:limit]
