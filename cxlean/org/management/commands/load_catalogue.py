"""Load the catalogues from fixtures/: CX roles, the seven-step guide, competence, checklist
templates, Gemba question sets, CX metrics and the maturity model.

The catalogues are data the organisation adapts, so this command only ever ADDS:
a CX role is matched by its slug and a guide step by its number; a missing one is
created, an existing one is left exactly as the organisation has edited it.
Recommended activities come with their step: they are created together with a
missing step, and a step that already exists keeps its own activities (so an
activity the organisation deleted does not come back).

The competence catalogue follows the same rule. Areas have no code of their own, so
an area counts as there when one of its activities is (matched by code) or an area
with its Swedish name exists. A missing area is created with its activities and their
requirements (steps and roles found by number and slug); an area that is there keeps
its own activities, and an activity that is there keeps its own requirements.

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

from cxlean.checklists.catalogue import create_missing_templates
from cxlean.competence.models import Area, CompetenceActivity, Requirement
from cxlean.gemba.catalogue import create_missing_question_sets
from cxlean.guide.models import GuideActivity, GuideStep
from cxlean.maturity.catalogue import create_missing_maturity_model
from cxlean.metrics.catalogue import create_missing_metrics
from cxlean.org.models import CXRole

FIXTURES = Path(settings.BASE_DIR) / "fixtures"
ROLES_FIXTURE = FIXTURES / "cx_roles.json"
GUIDE_FIXTURE = FIXTURES / "guide.json"
COMPETENCE_FIXTURE = FIXTURES / "competence.json"


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


def create_missing_areas() -> tuple[int, int, int, int]:
    """Create the competence areas that are not there, with their activities and
    requirements. Returns (areas, activities, requirements created, areas kept)."""
    areas = fixture_rows(COMPETENCE_FIXTURE, "competence.area")
    activities = fixture_rows(COMPETENCE_FIXTURE, "competence.competenceactivity")
    requirements = fixture_rows(COMPETENCE_FIXTURE, "competence.requirement")
    # The fixture names steps and roles by their pks in guide.json and cx_roles.json.
    guide_steps = fixture_rows(GUIDE_FIXTURE, "guide.guidestep")
    steps_by_number = {step.number: step for step in GuideStep.objects.all()}
    steps = {row["pk"]: steps_by_number.get(row["number"]) for row in guide_steps}
    roles_by_slug = {role.slug: role for role in CXRole.objects.all()}
    roles = {
        row["pk"]: roles_by_slug.get(row["slug"])
        for row in fixture_rows(ROLES_FIXTURE, "org.cxrole")
    }
    codes = set(CompetenceActivity.objects.values_list("code", flat=True))
    names = set(Area.objects.values_list("name_sv", flat=True))

    def is_there(area: dict) -> bool:
        own_codes = {a["code"] for a in activities if a["area"] == area["pk"]}
        return area["name_sv"] in names or bool(own_codes & codes)

    missing = [row for row in areas if not is_there(row)]
    activity_count = requirement_count = 0
    for row in missing:
        area = Area.objects.create(step=steps.get(row["step"]), **without_pk(row, "step"))
        for activity_row in (a for a in activities if a["area"] == row["pk"]):
            activity = CompetenceActivity.objects.create(
                area=area, **without_pk(activity_row, "area")
            )
            activity_count += 1
            for requirement in requirements:
                role = roles.get(requirement["role"])
                if requirement["activity"] == activity_row["pk"] and role is not None:
                    Requirement.objects.create(
                        activity=activity, role=role, level=requirement["level"]
                    )
                    requirement_count += 1
    return len(missing), activity_count, requirement_count, len(areas) - len(missing)


class Command(BaseCommand):
    help = (
        "Load the CX roles, the seven-step guide and the competence catalogue from "
        "fixtures/. Only adds what is missing (roles by slug, steps by number, competence "
        "areas by their activities' codes); rows that exist are never changed."
    )

    @transaction.atomic
    def handle(self, *args, **options) -> None:
        roles_created, roles_kept = create_missing_roles()
        steps_created, activities_created, steps_kept = create_missing_steps()
        areas_created, competences_created, requirements_created, areas_kept = (
            create_missing_areas()
        )
        templates_created, templates_kept = create_missing_templates()
        question_sets_created, question_sets_kept = create_missing_question_sets()
        metrics_created, metrics_kept = create_missing_metrics()
        dimensions_created, dimensions_kept = create_missing_maturity_model()
        if options["verbosity"] >= 1:
            self.stdout.write(
                f"CX roles: {roles_created} created, {roles_kept} already there.\n"
                f"Guide steps: {steps_created} created with {activities_created} recommended "
                f"activities, {steps_kept} already there (left as they are).\n"
                f"Competence areas: {areas_created} created with {competences_created} "
                f"activities and {requirements_created} requirements, {areas_kept} already "
                f"there (left as they are).\n"
                f"Checklist templates: {templates_created} created, {templates_kept} already "
                f"there (left as they are).\n"
                f"Gemba question sets: {question_sets_created} created, {question_sets_kept} "
                f"already there (left as they are).\n"
                f"CX metrics: {metrics_created} created, {metrics_kept} already there (left "
                f"as they are).\n"
                f"Maturity model dimensions: {dimensions_created} created, {dimensions_kept} "
                f"already there (left as they are)."
            )
