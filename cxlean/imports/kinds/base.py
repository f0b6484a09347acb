"""What the three kinds of import share: the importer's life cycle and the lookups
of units and people that every row needs.

An importer validates every row first (`prepare` fetches what the rows refer to in a
bounded number of queries, `check` validates one row and returns what to write) and
only then, if no row had an error, writes everything (`write`, inside the one
transaction the service opens). Permissions are checked per row: a coordinator
imports into the units they coordinate, and a row about another unit is a row error.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.contrib.auth.models import User
from django.utils import timezone
from django.utils.translation import gettext as _

from cxlean.imports.rows import CellError, Column, Row, RowError, in_chunks, suggestion
from cxlean.org.models import Unit
from cxlean.org.roles import coordinated_units


class Importer:
    kind: str = ""
    columns: tuple[Column, ...] = ()

    def __init__(self, user: User):
        self.user = user
        self.today = timezone.localdate()
        self.errors: list[RowError] = []

    # --- the life cycle ------------------------------------------------------------------

    def prepare(self, rows: list[Row]) -> None:
        """Fetch what the rows refer to (a bounded number of queries)."""

    def check(self, row: Row) -> Any | None:
        """Validate one row; return what to write, or None after recording errors."""
        raise NotImplementedError

    def write(self, planned: list) -> tuple[int, int]:
        """Write every planned row; return (created, updated)."""
        raise NotImplementedError

    # --- helpers for `check` -------------------------------------------------------------

    def error(self, row: Row, column: str, message) -> None:
        self.errors.append(RowError(row.number, column, str(message)))

    def required(self, row: Row, key: str) -> str | None:
        text = row.text(key)
        if not text:
            self.error(row, key, _("A value is required here."))
            return None
        return text

    def parsed(self, row: Row, key: str, parse: Callable, *, required: bool = False):
        """The cell parsed, or None (empty, or an error recorded)."""
        if not row.text(key):
            if required:
                self.error(row, key, _("A value is required here."))
            return None
        try:
            return parse(row.values[key])
        except CellError as error:
            self.error(row, key, error)
            return None

    def too_long(self, row: Row, key: str, value: str, limit: int) -> bool:
        if len(value) <= limit:
            return False
        self.error(
            row,
            key,
            _("At most %(limit)s characters (this has %(length)s).")
            % {"limit": limit, "length": len(value)},
        )
        return True


class Units:
    """Every unit by code (for near-miss suggestions) and the units the importer may
    import into: two queries."""

    def __init__(self, user: User):
        self.by_code = {unit.code: unit for unit in Unit.objects.all()}
        self.allowed = set(coordinated_units(user).values_list("pk", flat=True))

    def find(self, importer: Importer, row: Row, key: str = "unit") -> Unit | None:
        code = importer.required(row, key)
        if code is None:
            return None
        unit = self.by_code.get(code.lower())
        if unit is None:
            message = _("There is no unit with the code '%(code)s'.") % {"code": code}
            importer.error(row, key, message + suggestion(code.lower(), self.by_code))
            return None
        if not self.may_import_into(unit):
            importer.error(
                row,
                key,
                _("%(unit)s (%(code)s) is not one of the units you coordinate.")
                % {"unit": unit.name, "code": unit.code},
            )
            return None
        return unit

    def may_import_into(self, unit: Unit | None) -> bool:
        return unit is not None and unit.pk in self.allowed


def people_by_username(usernames) -> dict[str, User]:
    """The people the rows name, with their profile and unit and their role groups."""
    found: dict[str, User] = {}
    for chunk in in_chunks(sorted(set(usernames))):
        for user in (
            User.objects.filter(username__in=chunk)
            .select_related("profile__unit")
            .prefetch_related("groups")
        ):
            found[user.username] = user
    return found


def unit_of(user: User) -> Unit | None:
    profile = getattr(user, "profile", None)
    return profile.unit if profile else None
