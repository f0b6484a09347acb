"""The CX role and guide catalogues shipped in fixtures/, and `load_catalogue`."""

from io import StringIO

import pytest
from django.core.management import call_command
from django.utils import translation

from cxlean.checklists.models import ChecklistTemplate
from cxlean.core.catalogue import GUIDE_FIXTURE, ROLES_FIXTURE
from cxlean.guide.models import GuideActivity, GuideStep
from cxlean.org.models import CXRole

pytestmark = pytest.mark.django_db

EXPECTED_ROLES = {
    "management",
    "product-owner",
    "ux-designer",
    "marketer",
    "customer-service",
    "hr-recruitment",
    "data-analyst",
    "sales-account-manager",
    "inclusion-accessibility",
    "cx-strategist",
    "growth-digital-strategist",
    "content-strategist",
    "it-tech",
}


def load(**options) -> str:
    out = StringIO()
    call_command("load_catalogue", stdout=out, **options)
    return out.getvalue()


def test_it_loads_the_thirteen_cx_roles_in_both_languages():
    load()
    roles = list(CXRole.objects.all())
    assert {role.slug for role in roles} == EXPECTED_ROLES
    for role in roles:
        assert role.name_sv and role.name_en
        assert role.description_sv.count(".") >= 2, role.slug  # 2–4 sentences
        assert role.description_en.count(".") >= 2, role.slug
    assert len({role.order for role in roles}) == 13


def test_it_loads_seven_steps_each_with_recommended_activities():
    load()
    steps = list(GuideStep.objects.prefetch_related("activities"))
    assert [step.number for step in steps] == [1, 2, 3, 4, 5, 6, 7]
    for step in steps:
        assert step.title_sv and step.title_en and step.description_sv and step.description_en
        assert step.weight >= 1
        activities = list(step.activities.all())
        assert 3 <= len(activities) <= 5, step.number
        for activity in activities:
            assert activity.title_sv and activity.title_en
            assert activity.description_sv and activity.description_en
        assert [a.order for a in activities] == sorted({a.order for a in activities})


def test_analysis_and_implementation_get_the_biggest_share_of_a_rollout():
    load()
    weights = dict(GuideStep.objects.values_list("number", "weight"))
    assert max(weights, key=weights.get) == 6
    assert weights[4] > weights[1] and weights[6] > weights[1]


def test_the_voice_of_the_customer_step_asks_the_three_questions():
    load()
    step = GuideStep.objects.get(number=3)
    assert "Vad hände? Hur kändes det? Vad kan bli bättre?" in step.description_sv
    assert "What happened? How did it feel? What can be improved?" in step.description_en


def test_catalogue_text_follows_the_active_language():
    load()
    role = CXRole.objects.get(slug="it-tech")
    with translation.override("en"):
        assert role.name == "IT / tech"
    with translation.override("sv"):
        assert role.name == "IT / teknik"


def test_running_it_again_creates_nothing_new():
    load()
    output = load()
    assert CXRole.objects.count() == 13
    assert GuideStep.objects.count() == 7
    assert GuideActivity.objects.count() == 30
    assert "0 created, 13 already there" in output


def test_it_keeps_what_the_organisation_edited():
    load()
    role = CXRole.objects.get(slug="marketer")
    role.name_sv = "Kommunikatör"
    role.save()
    step = GuideStep.objects.get(number=2)
    step.title_sv = "Kundresan, vår version"
    step.save()
    dropped = step.activities.first()
    dropped.delete()

    load()

    assert CXRole.objects.get(slug="marketer").name_sv == "Kommunikatör"
    assert GuideStep.objects.get(number=2).title_sv == "Kundresan, vår version"
    assert not step.activities.filter(title_sv=dropped.title_sv).exists()


def test_it_adds_only_what_is_missing():
    load()
    ChecklistTemplate.objects.filter(role__slug="ux-designer").delete()  # they protect the role
    CXRole.objects.filter(slug="ux-designer").delete()
    GuideStep.objects.filter(number=7).delete()

    output = load()

    assert CXRole.objects.filter(slug="ux-designer").exists()
    assert GuideStep.objects.get(number=7).activities.count() == 4
    assert "CX roles: 1 created, 12 already there" in output
    assert "Guide steps: 1 created with 4 recommended activities, 6 already there" in output
    assert "Checklist templates: 1 created, 12 already there" in output
    assert "Gemba question sets: 0 created, 3 already there" in output


def test_verbosity_zero_is_silent():
    assert load(verbosity=0) == ""


def test_the_fixtures_also_load_with_loaddata():
    call_command("loaddata", str(ROLES_FIXTURE), str(GUIDE_FIXTURE), verbosity=0)
    assert CXRole.objects.count() == 13
    assert GuideActivity.objects.filter(step__number=5).count() == 5
