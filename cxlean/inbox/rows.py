"""A person's inbox ("To do"): what waits for them across every area, grouped by urgency.

Each area contributes rows through its own querysets and permission rules
(`cxlean.inbox.areas`); this module orders them, groups them and cuts each group to a
limit. The start page, the API (`GET /api/v1/inbox/`) and the daily digest (through
`cxlean.core.todo`, as `top_items`) all call `inbox_for`.

The number of queries does not depend on how much there is: each area runs a fixed
set of queries, and lists that can grow with the organisation (sign-offs waiting, ideas
to triage, late activities in a coordinator's units) are read as a count and the first
rows.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from enum import IntEnum
from typing import Any

from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from cxlean.core.todo import TopItem
from cxlean.inbox.models import last_visit

NOTIFICATION = "notification"  # the kind of a row that is an unread notification
DEFAULT_LIMIT = 8  # rows shown per group on the start page
SOON_DAYS = 7  # "due soon": within a week
FIRST_VISIT_NEWS = dt.timedelta(days=91)  # what moved, shown on a first visit


class Urgency(IntEnum):
    """Most urgent first."""

    LATE = 0
    SOON = 1
    WAITING = 2
    INFO = 3

    @property
    def label(self) -> str:
        return str(URGENCY_LABELS[self])

    @property
    def slug(self) -> str:
        return self.name.lower()


URGENCY_LABELS = {
    Urgency.LATE: _("Late"),
    Urgency.SOON: _("Due within a week"),
    Urgency.WAITING: _("Waiting for you"),
    Urgency.INFO: _("For your information"),
}

AREA_LABELS = {
    "plans": _("Rollout plans"),
    "checklists": _("Checklists"),
    "gemba": _("Gemba walks"),
    "maturity": _("Maturity"),
    "competence": _("Competence"),
    "backlog": _("Improvements"),
    "metrics": _("Metrics"),
    "catalogues": _("Catalogues"),
    "exports": _("Exports"),
    "imports": _("Imports"),
    "notifications": _("Notifications"),
}
AREA_ORDER = {area: n for n, area in enumerate(AREA_LABELS)}  # within a day: plans first


@dataclass(frozen=True)
class Row:
    """One thing to do or to know, one tap from the place to act on it."""

    kind: str  # what it is: "activity", "checklist", "sign_off" … (stable, for clients)
    area: str  # the app it comes from: a key of AREA_LABELS
    title: str
    state: str  # why it is here / where it stands, in words
    url: str
    urgency: Urgency
    due: dt.date | None = None
    # The object a row acts on in place (a sign-off waiting: its record), for the page.
    subject: Any = field(default=None, compare=False)

    @property
    def area_label(self) -> str:
        return str(AREA_LABELS[self.area])

    @property
    def sort_key(self) -> tuple:
        return (self.urgency, self.due or dt.date.max, AREA_ORDER[self.area], self.title)


@dataclass
class Batch:
    """An area's rows of one kind. When the area read only the first rows of a long
    list, `total` says how many there are and `url` is the area's own list of them all
    (such a batch holds rows of one urgency)."""

    area: str
    rows: list[Row]
    total: int | None = None
    url: str = ""

    @property
    def hidden(self) -> int:
        return 0 if self.total is None else max(self.total - len(self.rows), 0)


@dataclass
class MoreLink:
    area: str
    url: str

    @property
    def label(self) -> str:
        return str(AREA_LABELS[self.area])


@dataclass
class Group:
    urgency: Urgency
    rows: list[Row] = field(default_factory=list)  # those shown
    count: int = 0  # all of them
    more: list[MoreLink] = field(default_factory=list)

    @property
    def label(self) -> str:
        return self.urgency.label

    @property
    def slug(self) -> str:
        return self.urgency.slug


@dataclass
class Inbox:
    groups: list[Group]
    since: dt.datetime | None = None  # management's last visit

    @property
    def count(self) -> int:
        return sum(group.count for group in self.groups)

    @property
    def to_do(self) -> int:
        """The rows that ask something of the person: all but "for your information"."""
        return sum(group.count for group in self.groups if group.urgency != Urgency.INFO)

    @property
    def rows(self) -> list[Row]:
        """The shown rows, most urgent first (what a digest takes the top of)."""
        return [row for group in self.groups for row in group.rows]


@dataclass(frozen=True)
class Context:
    """What every area's contribution is worked out against."""

    today: dt.date
    now: dt.datetime
    since: dt.datetime  # news since then (management's last visit, else a quarter)
    limit: int  # rows to read of a long list

    @property
    def soon(self) -> dt.date:
        return self.today + dt.timedelta(days=SOON_DAYS)

    def by_date(self, due: dt.date, later: Urgency = Urgency.INFO) -> Urgency:
        """Late, due within a week, or `later`."""
        if due < self.today:
            return Urgency.LATE
        return Urgency.SOON if due <= self.soon else later


def group(batches: list[Batch], limit: int) -> list[Group]:
    """The rows by urgency, each group cut to `limit`, with the areas' "show all" links.
    A row two areas' rules both bring (an idea one submitted and now triages: the same
    page and title) is kept once, at its most urgent."""
    groups = {urgency: Group(urgency) for urgency in Urgency}
    seen: set[tuple[str, str]] = set()
    every = [row for batch in batches for row in batch.rows]
    for row in sorted(every, key=lambda row: row.sort_key):
        if (row.url, row.title) not in seen:
            seen.add((row.url, row.title))
            groups[row.urgency].rows.append(row)
    for batch in batches:
        if batch.hidden and batch.rows:
            groups[batch.rows[0].urgency].count += batch.hidden
    for item in groups.values():
        item.count += len(item.rows)
        areas_cut = {row.area for row in item.rows[limit:]}
        item.rows = item.rows[:limit]
        links: dict[str, str] = {}
        for batch in batches:
            in_group = batch.rows and batch.rows[0].urgency == item.urgency
            if batch.url and in_group and (batch.hidden or batch.area in areas_cut):
                links.setdefault(batch.area, batch.url)
        item.more = [MoreLink(area, url) for area, url in links.items()]
    return [item for item in groups.values() if item.count]


def inbox_for(
    user,
    limit: int = DEFAULT_LIMIT,
    *,
    now: dt.datetime | None = None,
    since: dt.datetime | None = None,
) -> Inbox:
    """`user`'s inbox: everything waiting for them that they may see, most urgent
    first, at most `limit` rows a group. `since`: news since then (management; by
    default the last 30 days)."""
    from cxlean.inbox.areas import contributions

    now = now or timezone.now()
    context = Context(
        today=timezone.localdate(now),
        now=now,
        since=since or now - FIRST_VISIT_NEWS,
        limit=limit,
    )
    if not user.is_authenticated:
        return Inbox([], since)
    return Inbox(group(contributions(user, context), limit), since)


def top_items(user, limit: int) -> list[TopItem]:
    """The first `limit` rows of `user`'s inbox, most urgent first, as the daily digest
    lists them (registered with `cxlean.core.todo` in the app's ready())."""
    rows = inbox_for(user, limit, since=last_visit(user)).rows
    return [
        TopItem(
            title=row.title,
            area=row.area_label,
            state=row.state,
            url=row.url,
            due=row.due,
            late=row.urgency == Urgency.LATE,
        )
        for row in rows
        if row.kind != NOTIFICATION  # a digest lists the notifications themselves
    ][:limit]
