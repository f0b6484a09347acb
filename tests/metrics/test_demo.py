"""The demo organisation's CX metrics (cxlean/demo/metrics.py), built once for the module
on the demo's units, people, journeys and backlog (as `cxlean.demo.org` builds them)."""

import datetime as dt
from types import SimpleNamespace

import pytest
from django.contrib.auth.hashers import make_password
from django.core.management import call_command
from django.test import override_settings

from cxlean.demo import backlog as backlog_demo
from cxlean.demo import journeys as journeys_demo
from cxlean.demo import metrics as metrics_demo
from cxlean.demo import org as org_demo
from cxlean.metrics.models import (
    Kind,
    Measurement,
    Metric,
    PeriodKind,
    SurveyAnswer,
    SurveySource,
    Target,
)
from cxlean.metrics.reports import latest_vs_target, periods_back, results
from cxlean.metrics.rollups import differences
from cxlean.org.models import Unit

pytestmark = pytest.mark.django_db
TODAY = dt.date(2026, 11, 20)


@pytest.fixture(scope="module")
def demo(django_db_setup, django_db_blocker):
    settings = override_settings(
        LANGUAGE_CODE="sv", PASSWORD_HASHERS=["django.contrib.auth.hashers.MD5PasswordHasher"]
    )
    with django_db_blocker.unblock(), settings:
        units = org_demo.create_units()
        users = org_demo.create_people(units, make_password(None))
        journeys = journeys_demo.build_journeys(units, users, TODAY)
        backlog_demo.build_backlog(units, users, journeys, TODAY)
        count = metrics_demo.build_metrics(units, users, journeys, TODAY)
    try:
        yield SimpleNamespace(units=units, users=users, count=count)
    finally:
        with django_db_blocker.unblock():
            call_command("flush", interactive=False, verbosity=0)


def unit_results(unit, kind, period_kind=PeriodKind.MONTH, count=12):
    metric = Metric.objects.get(kind=kind)
    periods = periods_back(period_kind, TODAY, count)
    rows = results(unit.subtree(), [metric], periods)
    return [row for row in rows if row.unit.pk == unit.pk]


def test_the_demo_has_the_catalogue_targets_and_a_few_thousand_answers(demo):
    assert set(Metric.objects.values_list("kind", flat=True)) == set(Kind.values)
    assert 2_000 <= demo.count == SurveyAnswer.objects.count() <= 5_000
    root = demo.units["nordljus"]
    assert set(Target.objects.filter(unit=root).values_list("metric__kind", flat=True)) == {
        "nps",
        "csat",
        "ces",
        "churn",
    }
    assert not SurveyAnswer.objects.filter(answered_on__gt=TODAY).exists()
    assert SurveyAnswer.objects.filter(touchpoint__isnull=False).exists()


def test_every_survey_metric_has_twelve_months_of_figures_for_kundservice(demo):
    service = demo.units["nordljus-kundservice"]
    for kind in ("nps", "csat", "ces"):
        rows = unit_results(service, kind)
        assert all(row.source == "answers" for row in rows), kind
        assert all(row.target is not None for row in rows), kind


def test_the_phone_teams_nps_rises_after_the_improvements(demo):
    rows = unit_results(demo.units["nordljus-telefoni"], "nps")
    before = [row.value for row in rows[:10]]
    assert rows[-2].value > max(before)  # the first month after the call-back came in
    assert rows[-1].value > rows[-2].value  # this month so far
    assert not any(row.meets_target for row in rows[:10])


def test_one_month_has_a_small_sample(demo):
    rows = unit_results(demo.units["nordljus-chatt"], "nps")
    small = [row for row in rows if row.small_sample]
    assert small and all(row.value is not None for row in small)


def test_churn_and_clv_are_entered_per_quarter(demo):
    root = demo.units["nordljus"]
    churn = unit_results(root, "churn", PeriodKind.QUARTER, 5)
    clv = unit_results(root, "clv", PeriodKind.QUARTER, 5)
    assert [row.source for row in churn] == ["entered"] * 4 + [""]
    assert all(row.value and row.value > 1000 for row in clv[:4])
    assert Measurement.objects.filter(metric__kind="clv", value__isnull=True).count() == 0


def test_the_b2b_survey_is_entered_with_its_sample(demo):
    rows = unit_results(demo.units["nordljus-foretag"], "nps", PeriodKind.QUARTER, 5)
    entered = [row for row in rows if row.source == "entered"]
    assert len(entered) == 4
    assert entered[-1].small_sample


def test_the_overview_has_a_trend_for_every_unit_and_metric(demo):
    trends = latest_vs_target(Unit.objects.all(), TODAY)
    assert len(trends) == Unit.objects.count() * 5
    phone = next(t for t in trends if t.unit.code == "nordljus-telefoni" and t.metric.kind == "nps")
    assert phone.improving


def test_deleting_the_metrics_of_the_units_frees_them(demo):
    units = Unit.objects.all()
    metrics_demo.delete_metrics_of(units)
    assert not SurveyAnswer.objects.exists()
    assert not Measurement.objects.exists()
    assert not Target.objects.exists()
    assert not SurveySource.objects.exists()
    assert Metric.objects.count() == 5  # the catalogue stays


def test_the_demo_answers_are_in_the_roll_ups(demo):
    assert differences() == []


def test_the_survey_tool_brought_team_telefonis_nps_answers_since_the_lean_work(demo):
    source = SurveySource.objects.get(slug=metrics_demo.SURVEY_TOOL)
    pushed = SurveyAnswer.objects.filter(source=source.slug)
    assert pushed.count() > 20
    assert set(pushed.values_list("unit__code", "metric__kind").distinct()) == {
        ("nordljus-telefoni", "nps")
    }
    assert pushed.values("source_id").distinct().count() == pushed.count()
