"""The CX role catalogue shipped in fixtures/cx_roles.json, loaded ADD-only: a role is
matched by its slug; a missing one is created, an existing one is left exactly as the
organisation has edited it. Ids are left to the database."""

from __future__ import annotations

from cxlean.core.catalogue import ROLES_FIXTURE, fixture_rows, without_pk
from cxlean.org.models import CXRole


def create_missing_roles() -> tuple[int, int]:
    rows = fixture_rows(ROLES_FIXTURE, "org.cxrole")
    existing = set(CXRole.objects.values_list("slug", flat=True))
    missing = [row for row in rows if row["slug"] not in existing]
    for row in missing:
        CXRole.objects.create(**without_pk(row))
    return len(missing), len(rows) - len(missing)
