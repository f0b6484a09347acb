"""The competence catalogue shipped in fixtures/competence.json and how `load_catalogue`
loads it: one area per guide step, activities in Swedish and English, requirements for
the CX roles, and never overwriting what the organisation has changed."""

from io import StringIO

import pytest
from django.core.management import call_command
from django.utils import translation

from cxlean.competence.catalogue import COMPETENCE_FIXTURE
from cxlean.competence.models import Area, CompetenceActivity, Level, Requirement
from cxlean.core.catalogue import GUIDE_FIXTURE, ROLES_FIXTURE
from cxlean.guide.models import GuideStep
from cxlean.org.models import CXRole

pytestmark = pytest.mark.django_db


def load(**options) -> str:
    out = StringIO()
    call_command("load_catalogue", stdout=out, **options)
    return out.getvalue()


def required(code: str, role: str) -> int | None:
    requirement = Requirement.objects.filter(activity__code=code, role__slug=role).first()
    return requirement.level if requirement else None


def test_one_area_per_guide_step_with_three_or_four_activities():
    load()
    areas = list(Area.objects.select_related("step").prefetch_related("activities"))
    assert [area.step.number for area in areas] == [1, 2, 3, 4, 5, 6, 7]
    for area in areas:
        assert area.name_sv and area.name_en and area.description_sv and area.description_en
        assert 3 <= len(area.activities.all()) <= 4, area.name_en
    assert 22 <= CompetenceActivity.objects.count() <= 28


def test_every_activity_is_described_in_both_languages():
    load()
    for activity in CompetenceActivity.objects.all():
        for text in ("title", "description", "evidence"):
            assert getattr(activity, f"{text}_sv"), (activity.code, text)
            assert getattr(activity, f"{text}_en"), (activity.code, text)
        assert activity.title_sv != activity.title_en
        assert activity.description_sv.count(".") >= 1
    with translation.override("en"):
        assert CompetenceActivity.objects.get(code="gemba").title == "Walk the Gemba"
    with translation.override("sv"):
        assert CompetenceActivity.objects.get(code="gemba").title == "Gå en Gemba-vandring"


def test_some_sign_offs_expire():
    load()
    months = set(CompetenceActivity.objects.values_list("validity_months", flat=True))
    assert {12, 24, None} <= months
    assert CompetenceActivity.objects.get(code="active-listening").validity_months == 12


def test_every_cx_role_has_requirements_at_iluo_levels():
    load()
    for role in CXRole.objects.all():
        levels = list(role.requirements.values_list("level", flat=True))
        assert len(levels) >= 4, role.slug
        assert all(Level.I <= level <= Level.O for level in levels)
    assert CompetenceActivity.objects.filter(requirements__isnull=True).count() == 0


def test_the_levels_make_sense_for_the_roles():
    load()
    # Frontline staff listen and escalate independently.
    assert required("active-listening", "customer-service") == Level.U
    assert required("escalation", "customer-service") == Level.U
    assert required("escalation", "sales-account-manager") == Level.U
    # The CX strategist teaches journey mapping; management walks the Gemba.
    assert required("journey-mapping", "cx-strategist") == Level.O
    assert required("gemba", "management") == Level.U
    assert required("accessibility", "inclusion-accessibility") == Level.O
    # Not every role needs everything.
    assert required("service-blueprint", "customer-service") is None


def test_running_it_again_creates_nothing_new():
    load()
    counts = (Area.objects.count(), CompetenceActivity.objects.count(), Requirement.objects.count())
    output = load()
    assert counts == (
        Area.objects.count(),
        CompetenceActivity.objects.count(),
        Requirement.objects.count(),
    )
    assert "Competence areas: 0 created with 0 activities and 0 requirements, 7 already" in output


def test_it_reports_what_it_created():
    output = load()
    activities, requirements = CompetenceActivity.objects.count(), Requirement.objects.count()
    assert (
        f"Competence areas: 7 created with {activities} activities and {requirements} "
        "requirements, 0 already there" in output
    )


def test_it_keeps_what_the_organisation_edited():
    load()
    area = Area.objects.get(step__number=3)
    area.name_sv = "Kundens röst, vår version"
    area.save()
    listening = CompetenceActivity.objects.get(code="active-listening")
    listening.title_sv = "Lyssna på riktigt"
    listening.validity_months = 6
    listening.save()
    Requirement.objects.filter(activity=listening, role__slug="customer-service").update(level=2)
    Requirement.objects.filter(activity=listening, role__slug="hr-recruitment").delete()
    CompetenceActivity.objects.get(code="survey-design").delete()

    load()

    listening.refresh_from_db()
    assert listening.title_sv == "Lyssna på riktigt" and listening.validity_months == 6
    assert required("active-listening", "customer-service") == Level.L
    assert required("active-listening", "hr-recruitment") is None
    assert not CompetenceActivity.objects.filter(code="survey-design").exists()
    assert Area.objects.filter(step__number=3).count() == 1


def test_it_adds_an_area_that_is_missing():
    load()
    area = Area.objects.get(step__number=7)
    codes = set(area.activities.values_list("code", flat=True))
    count = Requirement.objects.filter(activity__area=area).count()
    for activity in area.activities.all():
        activity.delete()  # the area protects its activities
    area.delete()

    output = load()

    area = Area.objects.get(step__number=7)
    assert set(area.activities.values_list("code", flat=True)) == codes
    assert Requirement.objects.filter(activity__area=area).count() == count
    assert "Competence areas: 1 created with 4 activities" in output


def test_an_area_whose_step_was_deleted_is_not_created_again():
    load()
    GuideStep.objects.filter(number=7).delete()  # the area loses its step (SET_NULL)
    load()
    assert Area.objects.count() == 7
    assert Area.objects.filter(step__isnull=True).count() == 1


def test_the_fixture_also_loads_with_loaddata():
    call_command(
        "loaddata",
        str(ROLES_FIXTURE),
        str(GUIDE_FIXTURE),
        str(COMPETENCE_FIXTURE),
        verbosity=0,
    )
    assert Area.objects.count() == 7
    assert required("journey-mapping", "cx-strategist") == Level.O
