"""`manage.py demo` run by each test on its own: options, refusals, large organisations
and resets beside other data (the demo's content is checked in test_demo.py)."""

import math
from unittest import mock

import pytest
from django.contrib.auth.models import User
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db.models import F
from django.utils import timezone

from cxlean.backlog.models import Item
from cxlean.competence.models import (
    CompetenceActivity,
    Level,
    Record,
    TraineePlan,
)
from cxlean.demo import backlog as backlog_demo
from cxlean.demo import competence as competence_demo
from cxlean.demo import journeys as journeys_demo
from cxlean.demo import org as demo
from cxlean.journeys.models import Feedback
from cxlean.org.models import Profile, Unit
from cxlean.org.roles import EMPLOYEE
from tests.demo_once import run_demo

pytestmark = pytest.mark.django_db


@pytest.fixture
def debug(settings):
    settings.DEBUG = True


def user(username: str) -> User:
    return User.objects.select_related("profile__unit").get(username=username)


def demo_usernames() -> list[str]:
    return [person.username for person in demo.PEOPLE]


def test_it_refuses_when_someone_outside_the_demo_already_has_a_demo_login(debug):
    User.objects.create(username="admin")
    with pytest.raises(CommandError, match="admin"):
        run_demo()
    assert not Unit.objects.filter(code=demo.ROOT_CODE).exists()


def test_it_refuses_to_run_with_debug_off(settings):
    settings.DEBUG = False
    with pytest.raises(CommandError, match="--force"):
        run_demo()
    assert not User.objects.exists()


def test_force_runs_it_with_debug_off(settings):
    settings.DEBUG = False
    run_demo("--force")
    assert User.objects.filter(username="coordinator").exists()


def run_demo_counting_growth(count_queries, people: int) -> tuple[str, int]:
    """Run the demo grown to `people` and count the queries of the part that grows with
    it: the generated people and their competence records."""
    counted = []

    def counting(real):
        def run(*args, **kwargs):
            counted.append(count_queries(real, *args, **kwargs))
            return count_queries.result

        return run

    with (
        mock.patch.object(demo, "add_generated_people", counting(demo.add_generated_people)),
        mock.patch.object(
            competence_demo,
            "add_generated_records",
            counting(competence_demo.add_generated_records),
        ),
    ):
        output = run_demo("--people", str(people))
    assert len(counted) == 2
    return output, sum(counted)


def test_people_builds_a_large_organisation_with_bulk_inserts(debug, count_queries):
    output, growth_queries = run_demo_counting_growth(count_queries, 200)
    # Teams, people, profiles, roles and records go in with a few bulk inserts (12 today);
    # a query per generated person would be 176 or more.
    assert growth_queries < 25
    assert Profile.objects.count() == 200
    assert "200 people" in output
    root = Unit.objects.get(code=demo.ROOT_CODE)
    extra_teams = math.ceil((200 - len(demo.PEOPLE)) / demo.TEAM_SIZE)
    assert root.subtree().count() == len(demo.UNITS) + extra_teams
    for unit in Unit.objects.select_related("parent"):
        assert unit.path == f"{unit.parent.path if unit.parent else '/'}{unit.pk}/"
    assert Profile.objects.filter(unit__in=root.subtree()).count() == 200
    generated = User.objects.filter(username__regex=r"\.\d+$")
    assert generated.count() == 200 - len(demo.PEOPLE)
    assert set(generated.values_list("groups__name", flat=True)) == {EMPLOYEE}
    assert generated.first().check_password("cxlean-demo")
    assert Profile.cx_roles.through.objects.filter(profile__user__in=generated).count() >= 174


def test_a_reset_of_a_large_organisation_leaves_other_organisations_alone(debug):
    """One build and one reset (each takes seconds): a large organisation gets the same
    backlog, and the reset removes its generated people but nothing outside the demo."""
    other = Unit.objects.create(name="Annat bolag", code="other")
    run_demo("--people", "100")
    assert Item.objects.filter(gemba_observation=None).count() == len(backlog_demo.ITEMS)
    assert Feedback.objects.count() == len(journeys_demo.FEEDBACK)
    outsider = User.objects.create(username="outsider")
    Profile.objects.create(user=outsider, unit=other)
    activity = Record.objects.first().activity
    kept = Record.objects.create(
        person=outsider, activity=activity, level=Level.L, signed_off_by=user("coordinator")
    )
    run_demo("--reset")
    assert Unit.objects.filter(pk=other.pk).exists()
    kept.refresh_from_db()
    assert kept.level == Level.L and kept.signed_off_by is None
    assert Item.objects.filter(gemba_observation=None).count() == len(backlog_demo.ITEMS)
    assert Profile.objects.exclude(user=outsider).count() == len(demo.PEOPLE)
    assert Unit.objects.exclude(pk=other.pk).count() == len(demo.UNITS)
    assert (
        not Record.objects.exclude(person__username__in=demo_usernames())
        .exclude(pk=kept.pk)
        .exists()
    )


def test_generated_people_get_a_record_for_what_their_roles_require(debug, count_queries):
    _output, growth_queries = run_demo_counting_growth(count_queries, 300)
    assert growth_queries < 25  # the same bulk inserts as for 200 people
    generated = User.objects.filter(profile__unit__code__startswith=demo.TEAM_CODE_PREFIX)
    records = Record.objects.filter(person__in=generated)
    per_person = records.count() / generated.count()
    assert 5 <= per_person <= 20
    assert set(records.values_list("level", flat=True)) == {1, 2, 3, 4}
    assert records.awaiting_sign_off().exists()
    assert records.filter(expires_on__lt=timezone.localdate()).exists()
    assert records.filter(signed_off_by__isnull=True).count() == 0
    # Nothing outside what the person's roles require.
    assert not records.exclude(activity__requirements__role__profiles__user=F("person")).exists()


# --- competence ----------------------------------------------------------------------


def test_the_demo_survives_an_edited_catalogue(debug):
    call_command("load_catalogue", verbosity=0)
    CompetenceActivity.objects.filter(code__in=["root-cause", "active-listening"]).delete()
    run_demo()
    assert Record.objects.filter(person__username="employee").count() == 11  # of 13
    assert not Record.objects.filter(activity__code="root-cause").exists()
    assert TraineePlan.objects.get().goals.count() == 5


def test_without_a_catalogue_there_is_no_competence_content(debug):
    summary = competence_demo.build_competence({}, timezone.localdate())
    assert summary == competence_demo.CompetenceSummary(0, 0, 0, 0)


def test_negative_people_is_an_error(debug):
    with pytest.raises(CommandError):
        run_demo("--people", "-5")
