"""The checklist templates shipped in fixtures/checklists.json and
`create_missing_templates`, which load_catalogue calls: it only ever adds."""

import json

import pytest
from django.core.management import call_command

from cxlean.checklists.catalogue import CHECKLISTS_FIXTURE, create_missing_templates
from cxlean.checklists.models import ChecklistTemplate, TemplateItem
from cxlean.org.models import CXRole

pytestmark = pytest.mark.django_db


@pytest.fixture
def catalogue(db):
    call_command("load_catalogue", verbosity=0)


def test_load_catalogue_adds_a_template_for_every_cx_role_in_both_languages(catalogue):
    assert create_missing_templates() == (0, 13)  # load_catalogue has added them
    templates = ChecklistTemplate.objects.prefetch_related("items").select_related("role")
    assert {template.role.slug for template in templates} == set(
        CXRole.objects.values_list("slug", flat=True)
    )
    for template in templates:
        assert template.title_sv and template.title_en and template.description_sv
        items = list(template.items.all())
        assert 4 <= len(items) <= 7, template.code
        assert [item.order for item in items] == list(range(1, len(items) + 1))
        for item in items:
            assert item.text_sv and item.text_en and item.text_sv != item.text_en
    assert TemplateItem.objects.filter(needs_evidence=True).count() >= 10


def test_it_only_adds_what_is_missing(catalogue):
    create_missing_templates()
    edited = ChecklistTemplate.objects.get(code="customer-service-rollout")
    edited.title_sv = "Vår egen checklista"
    edited.save()
    edited.items.filter(order=1).delete()
    ChecklistTemplate.objects.get(code="it-tech-rollout").delete()
    assert create_missing_templates() == (1, 12)
    edited.refresh_from_db()
    assert edited.title_sv == "Vår egen checklista"
    assert not edited.items.filter(order=1).exists()  # a deleted item does not come back
    assert ChecklistTemplate.objects.get(code="it-tech-rollout").items.count() == 5
    assert create_missing_templates() == (0, 13)


def test_templates_are_skipped_until_their_role_exists(db):
    assert create_missing_templates() == (0, 0)
    assert not ChecklistTemplate.objects.exists()


def test_the_fixture_is_in_djangos_format_and_links_steps(catalogue):
    rows = json.loads(CHECKLISTS_FIXTURE.read_text(encoding="utf-8"))
    assert {row["model"] for row in rows} == {
        "checklists.checklisttemplate",
        "checklists.templateitem",
    }
    create_missing_templates()
    assert ChecklistTemplate.objects.filter(step__isnull=False).count() >= 10
    assert ChecklistTemplate.objects.get(code="ux-designer-rollout").step.number == 5
