"""CX metrics in the admin: who reads and changes what, and the models' rules on save.

Alice (employee, Team Chatt under Kundservice), Bob (coordinator of Kundservice), Carol
(coordinator of Sales), Maria (management) and Root (superuser) come from
tests/conftest.py.
"""

import datetime as dt

import pytest
from django.urls import reverse

from cxlean.metrics.models import SurveyAnswer
from tests.factories import UnitFactory
from tests.metrics.factories import MeasurementFactory, SurveyAnswerFactory, TargetFactory

MODELS = ["metric", "target", "surveyanswer", "measurement"]


def changelist(model: str) -> str:
    return reverse(f"admin:metrics_{model}_changelist")


def add(model: str) -> str:
    return reverse(f"admin:metrics_{model}_add")


def change(obj) -> str:
    return reverse(f"admin:metrics_{obj._meta.model_name}_change", args=[obj.pk])


def listed(response) -> set[int]:
    assert response.status_code == 200
    return {obj.pk for obj in response.context["cl"].result_list}


@pytest.fixture
def rows(nps, company, service_team, sales_unit):
    return {
        "ours": SurveyAnswerFactory(metric=nps, unit=service_team),
        "theirs": SurveyAnswerFactory(metric=nps, unit=sales_unit),
        "top": SurveyAnswerFactory(metric=nps, unit=company),
        "target": TargetFactory(metric=nps, unit=company),
        "figure": MeasurementFactory(metric=nps, unit=service_team),
    }


def test_employees_use_the_web_app_instead(as_user, alice, rows):
    response = as_user(alice).get(changelist("surveyanswer"))
    assert response.status_code == 302


@pytest.mark.parametrize("model", MODELS)
def test_management_reads_every_list_and_adds_nothing(as_user, maria, rows, model):
    client = as_user(maria)
    assert client.get(changelist(model)).status_code == 200
    assert client.get(add(model)).status_code == 403


def test_management_reads_but_cannot_change(as_user, maria, rows):
    client = as_user(maria)
    assert listed(client.get(changelist("surveyanswer"))) == {
        rows["ours"].pk,
        rows["theirs"].pk,
        rows["top"].pk,
    }
    assert client.get(change(rows["ours"])).status_code == 200
    response = client.post(change(rows["ours"]), {"score": 1})
    assert response.status_code == 403
    rows["ours"].refresh_from_db()
    assert rows["ours"].score == 9


def test_a_coordinator_sees_their_part_of_the_tree_and_changes_their_units(
    as_user, bob, nps, rows, service_team
):
    client = as_user(bob)
    assert listed(client.get(changelist("surveyanswer"))) == {rows["ours"].pk, rows["top"].pk}
    assert client.get(change(rows["theirs"])).status_code == 302  # not found: back to list
    data = {
        "metric": nps.pk,
        "unit": service_team.pk,
        "answered_on": "2026-03-10",
        "score": 7,
        "comment": "",
        "respondent": "",
    }
    assert client.post(change(rows["ours"]), data).status_code == 302
    rows["ours"].refresh_from_db()
    assert rows["ours"].score == 7
    assert client.post(change(rows["top"]), data).status_code == 403
    assert client.post(change(rows["target"]), {"value": 1}).status_code == 403


def test_the_admin_refuses_an_answer_outside_its_scale(as_user, bob, nps, service_team):
    data = {
        "metric": nps.pk,
        "unit": service_team.pk,
        "answered_on": "2026-03-10",
        "score": 11,
        "comment": "",
        "respondent": "",
    }
    response = as_user(bob).post(add("surveyanswer"), data)
    assert response.status_code == 200
    assert "score" in response.context["adminform"].form.errors
    assert SurveyAnswer.objects.count() == 0
    response = as_user(bob).post(add("surveyanswer"), {**data, "score": 10})
    assert response.status_code == 302
    assert SurveyAnswer.objects.get().created_by == bob


def test_a_coordinator_offers_only_their_units(as_user, bob, carol, nps, sales_unit):
    data = {
        "metric": nps.pk,
        "unit": sales_unit.pk,
        "answered_on": "2026-03-10",
        "score": 9,
        "comment": "",
        "respondent": "",
    }
    response = as_user(bob).post(add("surveyanswer"), data)
    assert "unit" in response.context["adminform"].form.errors
    assert as_user(carol).post(add("surveyanswer"), data).status_code == 302


def test_the_catalogue_is_curated_by_coordinators(as_user, bob, maria, nps):
    assert as_user(bob).get(change(nps)).status_code == 200
    assert as_user(maria).post(change(nps), {"name_en": "x"}).status_code == 403


def test_lists_filter_by_metric_unit_and_period(as_user, maria, rows, nps, service_unit):
    client = as_user(maria)
    within = listed(client.get(changelist("surveyanswer"), {"in_unit": service_unit.pk}))
    assert within == {rows["ours"].pk}
    assert listed(client.get(changelist("measurement"), {"metric__id__exact": nps.pk}))
    assert listed(client.get(changelist("measurement"), {"period_kind": "quarter"})) == set()
    assert listed(client.get(changelist("surveyanswer"), {"q": "Försäljning"})) == {
        rows["theirs"].pk
    }


@pytest.mark.parametrize("model", ["target", "surveyanswer", "measurement"])
def test_admin_lists_keep_their_query_count(as_user, maria, nps, company, model, count_queries):
    client = as_user(maria)

    def queries() -> int:
        return count_queries(client, changelist(model))

    def grow(count: int) -> None:
        for n in range(count):
            unit = UnitFactory(parent=company)
            SurveyAnswerFactory(metric=nps, unit=unit)
            TargetFactory(metric=nps, unit=unit)
            MeasurementFactory(metric=nps, unit=unit, period_start=dt.date(2025, n + 1, 1))

    grow(1)
    client.get(changelist(model))  # warm up
    small = queries()
    grow(8)
    assert queries() == small


def test_a_units_figures_open_by_unit_id_as_the_dashboard_links_them(
    as_user, maria, rows, service_team
):
    response = as_user(maria).get(changelist("measurement"), {"unit__id__exact": service_team.pk})
    assert listed(response) == {rows["figure"].pk}
    response = as_user(maria).get(changelist("surveyanswer"), {"unit__id__exact": service_team.pk})
    assert listed(response) == {rows["ours"].pk}
