"""The competence catalogue shipped in fixtures/competence.json, loaded ADD-only.

Areas have no code of their own, so an area counts as there when one of its activities
is (matched by code) or an area with its Swedish name exists. A missing area is created
with its activities and their requirements (steps and roles found by number and slug);
an area that is there keeps its own activities, and an activity that is there keeps its
own requirements. Ids are left to the database.
"""

from __future__ import annotations

from cxlean.competence.models import Area, CompetenceActivity, Requirement
from cxlean.core.catalogue import FIXTURES, GUIDE_FIXTURE, ROLES_FIXTURE, fixture_rows, without_pk
from cxlean.guide.models import GuideStep
from cxlean.org.models import CXRole

COMPETENCE_FIXTURE = FIXTURES / "competence.json"


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
