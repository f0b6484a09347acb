"""The metrics API per role and with bad input: the catalogue, targets, survey answers,
entered figures and the flat `metric-results` table (cxlean/metrics/api/)."""

import datetime as dt
from decimal import Decimal

import pytest
from django.utils import timezone

from cxlean.metrics.models import Measurement, SurveyAnswer, Target
from tests.factories import UnitFactory
from tests.metrics.conftest import answers
from tests.metrics.factories import MeasurementFactory, SurveyAnswerFactory, TargetFactory
from tests.openapi import openapi_schema

API = "/api/v1"
METRICS = f"{API}/metrics/"
TARGETS = f"{API}/metric-targets/"
ANSWERS = f"{API}/survey-answers/"
FIGURES = f"{API}/metric-measurements/"
RESULTS = f"{API}/metric-results/"
TODAY = timezone.localdate()


def post(client, url: str, data: dict):
    return client.post(url, data, content_type="application/json")


def patch(client, url: str, data: dict):
    return client.patch(url, data, content_type="application/json")


def ids(response) -> set[int]:
    return {row["id"] for row in response.json()["results"]}


@pytest.mark.parametrize("url", [METRICS, TARGETS, ANSWERS, FIGURES, RESULTS])
def test_anonymous_requests_are_refused(client, metrics, url):
    assert client.get(url).status_code == 403


# --- the catalogue -----------------------------------------------------------------------


def test_everyone_reads_the_catalogue_the_cx_owner_curates_it(
    as_user, alice, bob, maria, olivia, nps
):
    data = as_user(alice).get(METRICS, HTTP_ACCEPT_LANGUAGE="en").json()
    assert [row["kind"] for row in data["results"]] == ["nps", "csat", "ces", "churn", "clv"]
    assert data["results"][0]["scale_min"] == 0
    url = f"{METRICS}{nps.pk}/"
    assert patch(as_user(alice), url, {"small_sample": 50}).status_code == 403
    assert patch(as_user(maria), url, {"small_sample": 50}).status_code == 403
    assert patch(as_user(bob), url, {"small_sample": 50}).status_code == 403
    assert patch(as_user(olivia), url, {"small_sample": 50}).status_code == 200
    refused = patch(as_user(olivia), url, {"scale_max": 5})
    assert refused.status_code == 400
    assert list(refused.json()) == ["scale_max"]


def test_a_metric_in_use_cannot_be_deleted(as_user, olivia, nps, service_unit):
    SurveyAnswerFactory(metric=nps, unit=service_unit)
    response = as_user(olivia).delete(f"{METRICS}{nps.pk}/")
    assert response.status_code == 400
    assert "non_field_errors" in response.json()


# --- survey answers ----------------------------------------------------------------------


def answer(unit, score, metric="nps", **more) -> dict:
    return {
        "metric": metric,
        "unit": unit.pk,
        "answered_on": TODAY.isoformat(),
        "score": score,
        **more,
    }


def test_a_coordinator_records_an_answer(as_user, bob, metrics, service_team, phone_queue):
    response = post(as_user(bob), ANSWERS, answer(service_team, 9, touchpoint=phone_queue.pk))
    assert response.status_code == 201
    body = response.json()
    assert (body["metric"], body["score"], body["created_by"]) == ("nps", 9, bob.pk)
    assert body["touchpoint_name"] == phone_queue.name


@pytest.mark.parametrize(
    ("kind", "score", "field"),
    [("nps", 11, "score"), ("csat", 0, "score"), ("ces", 8, "score"), ("churn", 2, "metric")],
)
def test_a_bad_answer_is_a_400_naming_the_field(
    as_user, bob, metrics, service_team, kind, score, field
):
    client = as_user(bob)
    response = client.post(
        ANSWERS,
        answer(service_team, score, metric=kind),
        content_type="application/json",
        HTTP_ACCEPT_LANGUAGE="en",
    )
    assert response.status_code == 400
    errors = response.json()
    assert list(errors) == [field]
    if field == "score":
        assert errors["score"] == [metrics[kind].scale_message()]
    assert SurveyAnswer.objects.count() == 0


@pytest.mark.parametrize(
    ("change", "field"),
    [
        ({"answered_on": (TODAY + dt.timedelta(days=1)).isoformat()}, "answered_on"),
        ({"metric": "happiness"}, "metric"),
        ({"score": "nine"}, "score"),
        ({"touchpoint": 999_999}, "touchpoint"),
    ],
)
def test_other_bad_input_is_a_400(as_user, bob, metrics, service_team, change, field):
    response = post(as_user(bob), ANSWERS, {**answer(service_team, 9), **change})
    assert response.status_code == 400
    assert field in response.json()


def test_only_coordinators_of_the_unit_record_answers(
    as_user, alice, bob, carol, maria, metrics, service_team, sales_unit
):
    assert post(as_user(alice), ANSWERS, answer(service_team, 9)).status_code == 403
    assert post(as_user(maria), ANSWERS, answer(service_team, 9)).status_code == 403
    response = post(as_user(bob), ANSWERS, answer(sales_unit, 9))
    assert response.status_code == 400
    assert "unit" in response.json()
    assert post(as_user(carol), ANSWERS, answer(service_team, 9)).status_code == 400
    assert SurveyAnswer.objects.count() == 0


def test_answers_are_read_within_ones_part_of_the_tree(
    as_user, alice, bob, carol, maria, nps, company, service_team, sales_unit
):
    ours = SurveyAnswerFactory(metric=nps, unit=service_team)
    theirs = SurveyAnswerFactory(metric=nps, unit=sales_unit)
    top = SurveyAnswerFactory(metric=nps, unit=company)
    assert ids(as_user(alice).get(ANSWERS)) == {ours.pk, top.pk}
    assert ids(as_user(maria).get(ANSWERS)) == {ours.pk, theirs.pk, top.pk}
    assert as_user(carol).get(f"{ANSWERS}{ours.pk}/").status_code == 404
    # Carol sees the company's answer but it is not hers to change.
    assert patch(as_user(carol), f"{ANSWERS}{top.pk}/", {"score": 1}).status_code == 403
    assert patch(as_user(maria), f"{ANSWERS}{ours.pk}/", {"score": 1}).status_code == 403
    assert patch(as_user(bob), f"{ANSWERS}{ours.pk}/", {"score": 1}).status_code == 200
    assert patch(as_user(bob), f"{ANSWERS}{ours.pk}/", {"score": 12}).status_code == 400
    ours.refresh_from_db()
    assert ours.score == 1


def test_answers_filter_by_metric_unit_touchpoint_and_day(
    as_user, maria, metrics, service_unit, service_team, sales_unit, phone_queue
):
    march = SurveyAnswerFactory(metric=metrics["nps"], unit=service_team, touchpoint=phone_queue)
    april = SurveyAnswerFactory(
        metric=metrics["nps"], unit=sales_unit, answered_on=dt.date(2026, 4, 2)
    )
    csat = SurveyAnswerFactory(metric=metrics["csat"], unit=service_unit, score=4)
    client = as_user(maria)
    assert ids(client.get(ANSWERS, {"metric": "nps"})) == {march.pk, april.pk}
    assert ids(client.get(ANSWERS, {"unit": service_unit.pk})) == {march.pk, csat.pk}
    assert ids(client.get(ANSWERS, {"touchpoint": phone_queue.pk})) == {march.pk}
    assert ids(client.get(ANSWERS, {"from": "2026-04-01"})) == {april.pk}
    assert ids(client.get(ANSWERS, {"to": "2026-03-31"})) == {march.pk, csat.pk}
    for bad in ({"metric": "happiness"}, {"from": "yesterday"}, {"unit": "x"}):
        assert client.get(ANSWERS, bad).status_code == 400


# --- entered figures ---------------------------------------------------------------------


def test_a_churn_figure_is_computed_and_its_period_normalised(as_user, bob, metrics, service_unit):
    data = {
        "metric": "churn",
        "unit": service_unit.pk,
        "period_kind": "quarter",
        "period_start": "2026-05-20",
        "customers_at_start": 800,
        "customers_lost": 20,
    }
    response = post(as_user(bob), FIGURES, data)
    assert response.status_code == 201, response.json()
    body = response.json()
    assert (body["period_start"], body["period_end"], body["value"]) == (
        "2026-04-01",
        "2026-06-30",
        "2.50",
    )
    assert body["entered_by"] == bob.pk
    again = post(as_user(bob), FIGURES, {**data, "period_start": "2026-04-01"})
    assert again.status_code == 400
    assert "period_start" in again.json()
    assert Measurement.objects.count() == 1


@pytest.mark.parametrize(
    ("data", "field"),
    [
        ({"metric": "churn", "customers_at_start": 10, "customers_lost": 11}, "customers_lost"),
        ({"metric": "churn", "customers_at_start": 0, "customers_lost": 0}, "customers_at_start"),
        ({"metric": "nps", "value": 40, "sample_size": -3}, "sample_size"),
        ({"metric": "nps", "value": 140, "sample_size": 30}, "value"),
        ({"metric": "csat", "value": 80}, "sample_size"),
        ({"metric": "clv", "average_revenue": 100, "margin_percent": 120}, "margin_percent"),
        ({"metric": "clv", "average_revenue": 100, "margin_percent": 20}, "value"),
        ({"metric": "nps", "value": 1, "sample_size": 1, "period_kind": "week"}, "period_kind"),
    ],
)
def test_a_bad_figure_is_a_400_naming_the_field(as_user, bob, metrics, service_unit, data, field):
    payload = {"unit": service_unit.pk, "period_start": "2026-01-01", **data}
    response = post(as_user(bob), FIGURES, payload)
    assert response.status_code == 400
    assert field in response.json()
    assert Measurement.objects.count() == 0


def test_figures_filter_and_follow_the_roles(
    as_user, alice, carol, maria, metrics, company, service_unit, sales_unit
):
    ours = MeasurementFactory(metric=metrics["nps"], unit=service_unit)
    theirs = MeasurementFactory(
        metric=metrics["churn"], unit=sales_unit, period_kind="quarter", value=3
    )
    assert ids(as_user(alice).get(FIGURES)) == {ours.pk}
    client = as_user(maria)
    assert ids(client.get(FIGURES, {"metric": "churn"})) == {theirs.pk}
    assert ids(client.get(FIGURES, {"period_kind": "month"})) == {ours.pk}
    assert ids(client.get(FIGURES, {"from": "2026-03-01", "to": "2026-03-01"})) == {
        ours.pk,
        theirs.pk,
    }
    assert client.delete(f"{FIGURES}{ours.pk}/").status_code == 403
    assert as_user(carol).delete(f"{FIGURES}{ours.pk}/").status_code == 404
    assert as_user(carol).delete(f"{FIGURES}{theirs.pk}/").status_code == 204


# --- targets -----------------------------------------------------------------------------


def test_targets_are_set_once_per_unit_metric_and_day(as_user, bob, maria, metrics, service_unit):
    data = {"metric": "nps", "unit": service_unit.pk, "value": "30", "valid_from": "2026-01-01"}
    assert post(as_user(bob), TARGETS, data).status_code == 201
    twice = post(as_user(bob), TARGETS, data)
    assert twice.status_code == 400
    assert "non_field_errors" in twice.json()
    bad = post(as_user(bob), TARGETS, {**data, "valid_from": "2026-02-01", "value": "300"})
    assert bad.status_code == 400
    assert "value" in bad.json()
    assert post(as_user(maria), TARGETS, {**data, "valid_from": "2026-03-01"}).status_code == 403
    assert Target.objects.get().set_by == bob


# --- the results table -------------------------------------------------------------------


@pytest.fixture
def scored(metrics, company, service_unit, service_team, sales_unit):
    answers(metrics["nps"], service_team, dt.date(2026, 2, 10), 10, 9, 3)
    answers(metrics["nps"], sales_unit, dt.date(2026, 3, 10), 0)
    TargetFactory(metric=metrics["nps"], unit=company, value=20, valid_from=dt.date(2025, 1, 1))
    MeasurementFactory(
        metric=metrics["churn"],
        unit=company,
        period_kind="quarter",
        period_start=dt.date(2026, 1, 1),
        value=Decimal("4.5"),
        sample_size=5000,
    )


def results_of(client, **params) -> list[dict]:
    response = client.get(RESULTS, params)
    assert response.status_code == 200, response.json()
    return response.json()["results"]


def test_the_results_table_has_a_row_per_unit_metric_and_period(as_user, maria, scored):
    rows = results_of(as_user(maria), metric="nps", **{"from": "2026-01-01", "to": "2026-03-31"})
    assert len(rows) == 4 * 3  # four units, three months
    chat_february = next(
        r for r in rows if r["unit_name"] == "Team Chatt" and r["period_start"] == "2026-02-01"
    )
    assert chat_february == {
        "unit": chat_february["unit"],
        "unit_name": "Team Chatt",
        "metric": "nps",
        "metric_name": chat_february["metric_name"],
        "period_kind": "month",
        "period_start": "2026-02-01",
        "period_end": "2026-02-28",
        "period_label": "2026-02",
        "value": "33.30",
        "sample_size": 3,
        "small_sample": True,
        "source": "answers",
        "target": "20.00",
        "meets_target": True,
    }
    company_march = next(
        r for r in rows if r["unit_name"] == "Företaget" and r["period_start"] == "2026-03-01"
    )
    assert (company_march["value"], company_march["meets_target"]) == ("-100.00", False)


def test_the_results_table_by_quarter_with_entered_figures(as_user, maria, scored, company):
    client = as_user(maria)
    client.defaults["HTTP_ACCEPT_LANGUAGE"] = "en"
    rows = results_of(
        client,
        period_kind="quarter",
        unit=company.pk,
        **{"from": "2026-01-01", "to": "2026-03-31"},
    )
    churn = next(r for r in rows if r["metric"] == "churn" and r["unit"] == company.pk)
    assert (churn["value"], churn["source"], churn["period_label"]) == (
        "4.50",
        "entered",
        "2026 Q1",
    )
    nps = next(r for r in rows if r["metric"] == "nps" and r["unit"] == company.pk)
    assert (nps["value"], nps["sample_size"]) == ("0.00", 4)  # (2 − 2) / 4


def test_the_results_table_follows_the_readers_part_of_the_tree(
    as_user, alice, carol, scored, service_unit, sales_unit
):
    rows = results_of(as_user(alice), metric="nps")
    assert {row["unit_name"] for row in rows} == {"Företaget", "Kundservice", "Team Chatt"}
    response = as_user(carol).get(RESULTS, {"unit": service_unit.pk})
    assert response.status_code == 400
    assert "unit" in response.json()


@pytest.mark.parametrize(
    ("params", "field"),
    [
        ({"from": "2026-04-01", "to": "2026-03-01"}, "to"),
        ({"from": "2000-01-01", "to": "2026-03-01"}, "from"),
        ({"period_kind": "week"}, "period_kind"),
        ({"metric": "happiness"}, "metric"),
        ({"unit": "abc"}, "unit"),
        ({"to": "31/03/2026"}, "to"),
    ],
)
def test_bad_result_parameters_are_a_400(as_user, maria, metrics, params, field):
    response = as_user(maria).get(RESULTS, params)
    assert response.status_code == 400
    assert field in response.json()


def test_the_results_table_is_paginated(as_user, maria, scored):
    body = as_user(maria).get(RESULTS).json()
    assert body["count"] == 4 * 5 * 12  # units × active metrics × the last twelve months
    assert len(body["results"]) == 50
    assert body["next"]


def test_the_results_table_keeps_its_query_count(as_user, maria, metrics, company, count_queries):
    client = as_user(maria)

    def queries() -> int:
        return count_queries(client, RESULTS, {"metric": "nps"})

    def grow(count: int) -> None:
        for _n in range(count):
            team = UnitFactory(parent=UnitFactory(parent=company))
            answers(metrics["nps"], team, TODAY, 9, 7, 3, 10)
            TargetFactory(metric=metrics["nps"], unit=team, value=10)

    grow(1)
    client.get(RESULTS)  # warm up (session)
    small = queries()
    grow(10)
    assert queries() == small


def test_the_schema_describes_the_metrics_endpoints():
    paths = openapi_schema()["paths"]
    for prefix in ("metrics", "metric-targets", "survey-answers", "metric-measurements"):
        assert f"/api/v1/{prefix}/" in paths and f"/api/v1/{prefix}/{{id}}/" in paths
    parameters = {p["name"] for p in paths["/api/v1/metric-results/"]["get"]["parameters"]}
    assert {"unit", "metric", "period_kind", "from", "to", "page"} <= parameters


def test_every_page_of_the_results_table_holds_the_rows_worked_out_for_all_units(
    as_user, maria, scored
):
    """A page works out only its own units' figures (the answers of the units below them
    still count): the pages together are the table worked out for every unit at once."""
    from cxlean.metrics.models import Metric
    from cxlean.metrics.reports import periods_back, results
    from cxlean.org.models import Unit

    client = as_user(maria)
    walked, address = [], f"{RESULTS}?page_size=7&from=2026-01-01&to=2026-04-30"
    while address:
        body = client.get(address).json()
        walked += [(r["unit"], r["metric"], r["period_start"], r["value"]) for r in body["results"]]
        address = body["next"]
    metrics = list(Metric.objects.active())
    months = periods_back("month", dt.date(2026, 4, 30), 4)
    expected = [
        (r.unit.pk, r.metric.kind, r.period.start.isoformat(), r.value)
        for r in results(Unit.objects.all(), metrics, months)
    ]
    assert [row[:3] for row in walked] == [row[:3] for row in expected]
    assert [row[3] for row in walked] == [
        None if value is None else f"{value:.2f}" for *_key, value in expected
    ]
    assert any(value is not None for *_key, value in walked)
