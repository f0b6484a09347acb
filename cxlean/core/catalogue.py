"""The catalogues shipped in fixtures/ and how to read them.

Each app loads its own catalogue ADD-only (`create_missing_*` in its `catalogue`
module); `python manage.py load_catalogue` (`cxlean.catalogues`) runs them all. The
files are in Django's fixture format, so `loaddata` reads them as well. Other
catalogues name CX roles and guide steps by their pks in cx_roles.json and guide.json,
which is why those two paths are shared here.
"""

from __future__ import annotations

import json
from pathlib import Path

from django.conf import settings

FIXTURES = Path(settings.BASE_DIR) / "fixtures"
ROLES_FIXTURE = FIXTURES / "cx_roles.json"
GUIDE_FIXTURE = FIXTURES / "guide.json"


def fixture_rows(path: Path, model: str) -> list[dict]:
    """The rows of one model in a Django fixture, as {"pk": ..., **fields}."""
    rows = json.loads(Path(path).read_text(encoding="utf-8"))
    return [{"pk": row["pk"], **row["fields"]} for row in rows if row["model"] == model]


def without_pk(row: dict, *drop: str) -> dict:
    return {key: value for key, value in row.items() if key not in ("pk", *drop)}
