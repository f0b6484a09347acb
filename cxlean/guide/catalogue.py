"""The seven-step guide shipped in fixtures/guide.json, loaded ADD-only: a step is
matched by its number; a missing one is created together with its recommended
activities, a step that exists keeps its own activities (so an activity the
organisation deleted does not come back). Ids are left to the database."""

from __future__ import annotations

from cxlean.core.catalogue import GUIDE_FIXTURE, fixture_rows, without_pk
from cxlean.guide.models import GuideActivity, GuideStep


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
