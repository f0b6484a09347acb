"""Load the CX roles and the seven-step guide from fixtures/ into the database.

The catalogues are data the organisation adapts, so this command only ever ADDS:
a CX role is matched by its slug and a guide step by its number; a missing one is
created, an existing one is left exactly as the organisation has edited it.
Recommended activities come with their step: they are created together with a
missing step, and a step that already exists keeps its own activities (so an
activity the organisation deleted does not come back).

Ids are left to the database rather than taken from the fixtures, so loading into a
database that already holds other rows never collides (and PostgreSQL sequences stay
right). The fixture files are still in Django's format, so `loaddata` can read them.
"""

from __future__ import annotations

import json
from pathlib import Path

from django.conf import settings
from django.core.management.base import BaseCommand
from django.db import transaction

from cxlean.guide.models import GuideActivity, GuideStep
from cxlean.org.models import CXRole

FIXTURES = Path(settings.BASE_DIR) / "fixtures"
ROLES_FIXTURE = FIXTURES / "cx_roles.json"
GUIDE_FIXTURE = FIXTURES / "guide.json"


def fixture_rows(path: Path, model: str) -> list[dict]:
    """The rows of one model in a Django fixture, as {"pk": ..., **fields}."""
    rows = json.loads(path.read_text(encoding="utf-8"))
    return [{"pk": row["pk"], **row["fields"]} for row in rows if row["model"] == model]


def without_pk(row: dict, *drop: str) -> dict:
    return {key: value for key, value in row.items() if key not in ("pk", *drop)}


def create_missing_roles() -> tuple[int, int]:
    rows = fixture_rows(ROLES_FIXTURE, "org.cxrole")
    existing = set(CXRole.objects.values_list("slug", flat=True))
    missing = [row for row in rows if row["slug"] not in existing]
    for row in missing:
        CXRole.objects.create(**without_pk(row))
    return len(missing), len(rows) - len(missing)


def create_missing_steps() -> tuple[int, int, int]:
    steps = fixture_rows(GUIDE_FIXTURE, "guide.guidestep")
    activities = fixture_rows(GUIDE_FIXTURE, "guide.guideactivity")
    existing = set(GuideStep.objects.values_list("number", flat=True))
    missing = [row for row in steps if row["number"] not in existing]
    activity_count = 0
    for row in missing:
        step = GuideStep.objects.create(**without_pk(row))
        for activity in (a for a in activities if a["step"] == row["pk"]):
            GuideActivity.objects.create(step=step, **without_pk(activity, "step"))
            activity_count += 1
    return len(missing), activity_count, len(steps) - len(missing)


class Command(BaseCommand):
    help = (
        "Load the CX roles and the seven-step guide from fixtures/. Only adds what is "
        "missing (roles by slug, steps by number); rows that exist are never changed."
    )

    @transaction.atomic
    def handle(self, *args, **options) -> None:
        roles_created, roles_kept = create_missing_roles()
        steps_created, activities_created, steps_kept = create_missing_steps()
        if options["verbosity"] >= 1:
            self.stdout.write(
                f"CX roles: {roles_created} created, {roles_kept} already there.\n"
                f"Guide steps: {steps_created} created with {activities_created} recommended "
                f"activities, {steps_kept} already there (left as they are)."
            )
