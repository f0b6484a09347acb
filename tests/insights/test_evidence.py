"""The evidence indicators (cxlean/insights/evidence.py) from hand-built data: each
indicator, "not available" rather than 0, the roll-up along the unit tree and a constant
number of queries. Data in tests/insights/conftest.py."""

import datetime as dt

import pytest
from django.template.loader import render_to_string
from django.utils import timezone, translation

from cxlean.insights.evidence import KEYS, evidence_by_unit, unit_evidence
from cxlean.org.models import Unit
from tests.factories import UnitFactory
from tests.insights.conftest import TODAY, YEAR, entered

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def english():
    """The indicators' words are read in English here (the pages are tested in Swedish)."""
    with translation.override("en"):
        yield


def by_key(indicators) -> dict:
    return {indicator.key: indicator for indicator in indicators}


def test_every_unit_gets_the_six_indicators_in_order(evidence_data, company):
    evidence = evidence_by_unit(Unit.objects.all(), *YEAR, TODAY)
    assert set(evidence) == set(Unit.objects.values_list("pk", flat=True))
    for indicators in evidence.values():
        assert [indicator.key for indicator in indicators] == list(KEYS)


def test_green_card_coverage_counts_people_with_cx_roles(evidence_data, service_unit, service_team):
    unit = by_key(unit_evidence(service_unit, *YEAR, TODAY))["green_card_coverage"]
    assert (unit.value, unit.available, unit.tone) == (50, True, "warn")
    assert "1 of 2" in unit.detail
    team = by_key(unit_evidence(service_team, *YEAR, TODAY))["green_card_coverage"]
    assert (team.value, team.tone) == (100, "good")


def test_rollout_progress_compares_done_with_due(evidence_data, service_unit):
    year = by_key(unit_evidence(service_unit, *YEAR, TODAY))["rollout_progress"]
    # 2 of 4 live activities done, all 4 due by the end of the year.
    assert (year.value, year.tone) == (50, "bad")
    assert "2 of 4" in year.detail
    spring = by_key(unit_evidence(service_unit, YEAR[0], dt.date(2026, 3, 31), TODAY))
    # By the end of March two were due and both are done.
    assert spring["rollout_progress"].value == 50
    assert spring["rollout_progress"].tone == "good"


def test_backlog_throughput_and_lead_time_count_moves_to_act_in_the_period(
    evidence_data, service_unit
):
    indicators = by_key(unit_evidence(service_unit, *YEAR, TODAY))
    assert indicators["backlog_throughput"].value == 2
    assert indicators["backlog_lead_time"].value == 20  # median of 10 and 30 days


def test_gemba_cadence_counts_walks_planned_in_the_period(evidence_data, service_unit):
    cadence = by_key(unit_evidence(service_unit, *YEAR, TODAY))["gemba_cadence"]
    assert (cadence.value, cadence.available) == (67, True)  # 2 of 3, the cancelled one left out


def test_a_unit_without_data_shows_not_available_never_zero(evidence_data, company):
    empty = UnitFactory(name="Ekonomi", parent=company)
    for indicator in unit_evidence(empty, *YEAR, TODAY):
        assert indicator.available is False
        assert indicator.value is None
        assert indicator.display != "0"


def test_a_backlog_without_finished_items_has_throughput_zero_but_no_lead_time(
    evidence_data, sales_unit
):
    indicators = by_key(unit_evidence(sales_unit, *YEAR, TODAY))
    assert (indicators["backlog_throughput"].value, indicators["backlog_throughput"].available) == (
        0,
        True,
    )
    assert indicators["backlog_lead_time"].available is False


def test_the_company_rolls_up_its_units(evidence_data, company):
    indicators = by_key(unit_evidence(company, *YEAR, TODAY))
    assert indicators["backlog_throughput"].value == 2
    assert indicators["gemba_cadence"].value == 67
    assert indicators["rollout_progress"].value == 50


def test_figures_stop_at_the_edge_of_the_units_asked_for(evidence_data, service_unit):
    """A coordinator's view of Kundservice alone still counts Team Chatt below it; asked
    for Kundservice without Team Chatt, Team Chatt's walks are not counted."""
    evidence = evidence_by_unit(Unit.objects.filter(pk=service_unit.pk), *YEAR, TODAY)
    assert by_key(evidence[service_unit.pk])["gemba_cadence"].available is False


def test_evidence_runs_a_constant_number_of_queries(evidence_data, company, count_queries):
    def queries_for(extra_units: int) -> int:
        for _index in range(extra_units):
            unit = UnitFactory(parent=company)
            UnitFactory(parent=unit)
        return count_queries(evidence_by_unit, Unit.objects.all(), *YEAR, TODAY)

    assert queries_for(1) == queries_for(8)


def test_metrics_on_target_counts_the_latest_figures_against_their_targets(
    review, service_unit, sales_unit
):
    today = timezone.localdate()
    start = today - dt.timedelta(days=364)
    service = by_key(unit_evidence(service_unit, start, today, today))["metrics_on_target"]
    assert (service.value, service.tone) == (1, "good")  # NPS 35 against 20
    assert "1 improving" in service.detail
    sales = by_key(unit_evidence(sales_unit, start, today, today))["metrics_on_target"]
    assert (sales.value, sales.tone) == (0, "bad")  # NPS 10 against 20


def test_metrics_without_a_target_are_not_available(nps, service_unit):
    today = timezone.localdate()
    entered(nps, service_unit, 1, "35")
    indicator = by_key(unit_evidence(service_unit, today - dt.timedelta(days=364), today, today))[
        "metrics_on_target"
    ]
    assert indicator.available is False
    assert "no target" in indicator.detail


def test_the_evidence_include_shows_words_and_links_for_management_only(evidence_data, company):
    indicators = unit_evidence(company, *YEAR, TODAY)
    for management in (True, False):
        html = render_to_string(
            "insights/includes/evidence.html",
            {"indicators": indicators, "is_management": management, "is_coordinator": False},
        )
        assert ("/admin/" in html) is management
        for indicator in indicators:
            assert indicator.label in html


def test_shown_units_count_the_units_below_them_as_when_every_unit_is_shown(
    evidence_data, company, service_unit
):
    everyone = evidence_by_unit(Unit.objects.all(), *YEAR, TODAY)
    shown = evidence_by_unit(Unit.objects.all(), *YEAR, TODAY, shown=[company, service_unit])
    assert set(shown) == {company.pk, service_unit.pk}
    for unit_id, indicators in shown.items():
        assert [(i.key, i.display, i.detail, i.tone, i.url) for i in indicators] == [
            (i.key, i.display, i.detail, i.tone, i.url) for i in everyone[unit_id]
        ]
    assert by_key(shown[service_unit.pk])["gemba_cadence"].value == 67  # Team Chatt's walks
