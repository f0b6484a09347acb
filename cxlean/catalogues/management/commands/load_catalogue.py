"""Load the catalogues from fixtures/: CX roles, the seven-step guide, competence, checklist
templates, Gemba question sets, CX metrics and the maturity model.

The catalogues are data the organisation adapts, so this command only ever ADDS:
a CX role is matched by its slug and a guide step by its number; a missing one is
created, an existing one is left exactly as the organisation has edited it.
Recommended activities come with their step: they are created together with a
missing step, and a step that already exists keeps its own activities (so an
activity the organisation deleted does not come back).

Each catalogue is loaded by its own app's `catalogue` module (org, guide, competence,
checklists, gemba, metrics, maturity); this command runs them in that order, in one
transaction. The competence catalogue follows the same rule. Areas have no code of their own, so
an area counts as there when one of its activities is (matched by code) or an area
with its Swedish name exists. A missing area is created with its activities and their
requirements (steps and roles found by number and slug); an area that is there keeps
its own activities, and an activity that is there keeps its own requirements.

Ids are left to the database rather than taken from the fixtures, so loading into a
database that already holds other rows never collides (and PostgreSQL sequences stay
right). The fixture files are still in Django's format, so `loaddata` can read them.
"""

from __future__ import annotations

from django.core.management.base import BaseCommand
from django.db import transaction

from cxlean.checklists.catalogue import create_missing_templates
from cxlean.competence.catalogue import create_missing_areas
from cxlean.gemba.catalogue import create_missing_question_sets
from cxlean.guide.catalogue import create_missing_steps
from cxlean.maturity.catalogue import create_missing_maturity_model
from cxlean.metrics.catalogue import create_missing_metrics
from cxlean.org.catalogue import create_missing_roles


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
