"""Load the shipped checklist templates (fixtures/checklists.json) into the catalogue.

Like the rest of `load_catalogue`, this only ever ADDS: a template is matched by its
`code`; a missing one is created with its items, an existing one is left exactly as
the organisation has edited it (its items included, so an item it deleted does not
come back). The fixture names roles and guide steps by their pks in cx_roles.json and
guide.json; they are found here by slug and number. A template whose role is not in
the database is skipped (load the CX roles first). Ids are left to the database.
"""

from __future__ import annotations

from django.db import transaction

from cxlean.checklists.models import ChecklistTemplate, TemplateItem
from cxlean.core.catalogue import FIXTURES, GUIDE_FIXTURE, ROLES_FIXTURE, fixture_rows, without_pk
from cxlean.guide.models import GuideStep
from cxlean.org.models import CXRole

CHECKLISTS_FIXTURE = FIXTURES / "checklists.json"


@transaction.atomic
def create_missing_templates() -> tuple[int, int]:
    """Create the templates that are not there, with their items. Returns (created,
    already there)."""
    templates = fixture_rows(CHECKLISTS_FIXTURE, "checklists.checklisttemplate")
    items = fixture_rows(CHECKLISTS_FIXTURE, "checklists.templateitem")
    roles_by_slug = {role.slug: role for role in CXRole.objects.all()}
    roles = {
        row["pk"]: roles_by_slug.get(row["slug"])
        for row in fixture_rows(ROLES_FIXTURE, "org.cxrole")
    }
    steps_by_number = {step.number: step for step in GuideStep.objects.all()}
    steps = {
        row["pk"]: steps_by_number.get(row["number"])
        for row in fixture_rows(GUIDE_FIXTURE, "guide.guidestep")
    }
    existing = set(ChecklistTemplate.objects.values_list("code", flat=True))
    created = kept = 0
    for row in templates:
        role = roles.get(row["role"])
        if row["code"] in existing:
            kept += 1
            continue
        if role is None:
            continue
        template = ChecklistTemplate.objects.create(
            role=role, step=steps.get(row["step"]), **without_pk(row, "role", "step")
        )
        for item in items:
            if item["template"] == row["pk"]:
                TemplateItem.objects.create(template=template, **without_pk(item, "template"))
        created += 1
    return created, kept
