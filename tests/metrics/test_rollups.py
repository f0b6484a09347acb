"""The monthly roll-ups of the survey answers stay what the raw answers make of them
after every way of writing answers (cxlean.metrics.rollups)."""

import datetime as dt
import io

import pytest
from django.contrib.admin.sites import site
from django.core.management import CommandError, call_command
from django.test import RequestFactory
from django.urls import reverse
from django.utils import timezone
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from cxlean.metrics import rollups
from cxlean.metrics.models import AnswerRollup, Metric, PeriodKind, SurveyAnswer
from cxlean.metrics.reports import Period, results
from tests.metrics.factories import SurveyAnswerFactory

pytestmark = pytest.mark.django_db

TODAY = timezone.localdate()
MONTH = TODAY.replace(day=1)
API = "/api/v1/survey-answers/"


def exact() -> bool:
    return rollups.differences() == []


def rollup(unit, metric, month=MONTH, touchpoint=None) -> AnswerRollup:
    return AnswerRollup.objects.get(unit=unit, metric=metric, month=month, touchpoint=touchpoint)


def test_a_saved_answer_counts_in_its_month(nps, service_team):
    SurveyAnswerFactory(metric=nps, unit=service_team, answered_on=TODAY, score=10)
    SurveyAnswerFactory(metric=nps, unit=service_team, answered_on=TODAY, score=8)
    SurveyAnswerFactory(metric=nps, unit=service_team, answered_on=TODAY, score=3)
    row = rollup(service_team, nps)
    assert (row.count, row.promoters, row.passives, row.detractors) == (3, 1, 1, 1)
    assert (row.score_sum, row.counts()) == (21, {3: 1, 8: 1, 10: 1})
    assert exact()


def test_an_edit_moves_the_answer_between_roll_ups(nps, csat, service_team, sales_unit):
    answer = SurveyAnswerFactory(metric=nps, unit=service_team, answered_on=TODAY, score=10)
    answer.unit, answer.metric, answer.score = sales_unit, csat, 4
    answer.answered_on = MONTH - dt.timedelta(days=1)
    answer.save()
    assert not AnswerRollup.objects.filter(unit=service_team).exists()
    assert rollup(sales_unit, csat, answer.answered_on.replace(day=1)).counts() == {4: 1}
    assert exact()


def test_deletes_single_and_by_queryset(nps, service_team):
    answers = [SurveyAnswerFactory(metric=nps, unit=service_team, score=9) for _ in range(3)]
    answers[0].delete()
    assert exact()
    SurveyAnswer.objects.filter(pk=answers[1].pk).delete()
    assert exact() and AnswerRollup.objects.get().count == 1
    SurveyAnswer.objects.all().delete()
    assert not AnswerRollup.objects.exists()


def test_queryset_update_bulk_update_and_bulk_create(nps, service_team, sales_unit):
    SurveyAnswer.objects.bulk_create(
        SurveyAnswer(metric=nps, unit=service_team, answered_on=TODAY, score=score)
        for score in range(11)
    )
    assert rollup(service_team, nps).count == 11 and exact()
    SurveyAnswer.objects.filter(score__lt=5).update(score=10)
    assert rollup(service_team, nps).promoters == 7 and exact()
    answers = list(SurveyAnswer.objects.filter(score=10))
    for answer in answers:
        answer.unit = sales_unit
    SurveyAnswer.objects.bulk_update(answers, ["unit"])
    assert rollup(sales_unit, nps).count == 6 and exact()


def test_deleting_a_touchpoint_moves_its_answers_to_none(nps, service_team, phone_queue):
    SurveyAnswerFactory(
        metric=nps, unit=service_team, touchpoint=phone_queue, score=9, answered_on=TODAY
    )
    SurveyAnswerFactory(metric=nps, unit=service_team, score=2, answered_on=TODAY)
    phone_queue.delete()
    assert rollup(service_team, nps, touchpoint=None).counts() == {2: 1, 9: 1}
    assert exact()


def test_the_web_form_several_at_once_and_the_api(as_user, bob, nps, service_team):
    data = {"metric": nps.pk, "unit": service_team.pk, "answered_on": TODAY.isoformat()}
    client = as_user(bob)
    assert client.post(reverse("metrics:answer_new"), {**data, "score": 9}).status_code == 302
    bulk = {**data, "scores": "9 10 7 3"}
    assert client.post(reverse("metrics:answers_bulk"), bulk).status_code == 302
    body = {"metric": "nps", "unit": service_team.pk, "answered_on": TODAY.isoformat()}
    response = client.post(API, {**body, "score": 0}, content_type="application/json")
    assert response.status_code == 201
    url = f"{API}{response.json()['id']}/"
    assert client.patch(url, {"score": 10}, content_type="application/json").status_code == 200
    assert rollup(service_team, nps).counts() == {3: 1, 7: 1, 9: 2, 10: 2} and exact()
    assert client.delete(url).status_code == 204
    assert rollup(service_team, nps).count == 5 and exact()


def test_the_admin_adds_and_deletes(as_user, bob, nps, service_team):
    data = {"metric": nps.pk, "unit": service_team.pk, "answered_on": "2026-03-10", "score": 9}
    client = as_user(bob)
    response = client.post(reverse("admin:metrics_surveyanswer_add"), data)
    assert response.status_code == 302 and exact()
    answer = SurveyAnswer.objects.get()
    request = RequestFactory().post("/")
    request.user = bob
    site._registry[SurveyAnswer].delete_queryset(request, SurveyAnswer.objects.all())
    assert not SurveyAnswer.objects.filter(pk=answer.pk).exists()
    assert not AnswerRollup.objects.exists()


def test_a_failed_write_leaves_the_roll_ups_as_they_were(nps, service_team):
    SurveyAnswerFactory(metric=nps, unit=service_team, score=9, answered_on=TODAY)
    with pytest.raises(RuntimeError), rollups.batch():
        SurveyAnswerFactory(metric=nps, unit=service_team, score=1, answered_on=TODAY)
        raise RuntimeError
    assert rollup(service_team, nps).counts() == {9: 1} and exact()


def test_quarters_and_parent_units_are_sums_of_the_months(nps, service_unit, service_team):
    quarter = Period.of(PeriodKind.QUARTER, dt.date(2026, 3, 1))
    for day, unit, score in [
        (dt.date(2026, 1, 5), service_team, 10),
        (dt.date(2026, 2, 5), service_team, 3),
        (dt.date(2026, 3, 5), service_unit, 9),
    ]:
        SurveyAnswerFactory(metric=nps, unit=unit, answered_on=day, score=score)
    rows = {row.unit: row for row in results([service_unit, service_team], [nps], [quarter])}
    assert (str(rows[service_unit].value), rows[service_unit].sample_size) == ("33.3", 3)
    assert str(rows[service_team].value) == "0.0"
    assert rows[service_team].small_sample and rows[service_unit].small_sample


def test_the_small_sample_rule_reads_the_roll_up_count(nps, service_team):
    Metric.objects.filter(pk=nps.pk).update(small_sample=3)
    nps.refresh_from_db()
    month = Period.of(PeriodKind.MONTH, TODAY)
    for score in (9, 9):
        SurveyAnswerFactory(metric=nps, unit=service_team, answered_on=TODAY, score=score)
    assert results([service_team], [nps], [month])[0].small_sample
    SurveyAnswerFactory(metric=nps, unit=service_team, answered_on=TODAY, score=9)
    assert not results([service_team], [nps], [month])[0].small_sample


def test_rebuild_rollups_check_reports_a_difference(nps, service_team):
    SurveyAnswerFactory(metric=nps, unit=service_team, score=9)
    out = io.StringIO()
    call_command("rebuild_rollups", "--check", stdout=out)
    AnswerRollup.objects.update(count=5)
    with pytest.raises(CommandError):
        call_command("rebuild_rollups", "--check", stdout=out)
    call_command("rebuild_rollups", stdout=out)
    call_command("rebuild_rollups", "--check", stdout=out)
    assert "1 roll-ups rebuilt" in out.getvalue()


def test_reading_results_takes_the_same_queries_however_many_answers(
    nps, service_team, django_assert_num_queries
):
    months = [Period.of(PeriodKind.MONTH, MONTH - dt.timedelta(days=40 * i)) for i in range(3)]
    SurveyAnswerFactory(metric=nps, unit=service_team, score=9)
    with django_assert_num_queries(3):
        results([service_team], [nps], months)
    SurveyAnswer.objects.bulk_create(
        SurveyAnswer(metric=nps, unit=service_team, answered_on=TODAY, score=i % 11)
        for i in range(300)
    )
    with django_assert_num_queries(3):
        results([service_team], [nps], months)


OPERATION = st.tuples(
    st.sampled_from(["add", "edit", "delete"]),
    st.integers(0, 2),  # unit
    st.integers(0, 10),  # score
    st.integers(0, 70),  # days back
    st.booleans(),  # with the touchpoint
)


@settings(
    max_examples=25, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(operations=st.lists(OPERATION, max_size=12))
def test_random_adds_edits_and_deletes_keep_the_roll_ups_exact(
    operations, nps, company, service_unit, service_team, phone_queue
):
    units = [company, service_unit, service_team]
    for action, unit, score, back, with_touchpoint in operations:
        day = TODAY - dt.timedelta(days=back)
        touchpoint = phone_queue if with_touchpoint else None
        existing = SurveyAnswer.objects.order_by("pk").first()
        if action == "add" or existing is None:
            SurveyAnswer.objects.create(
                metric=nps, unit=units[unit], answered_on=day, score=score, touchpoint=touchpoint
            )
        elif action == "edit":
            existing.unit, existing.score, existing.answered_on = units[unit], score, day
            existing.touchpoint = touchpoint
            existing.save()
        else:
            existing.delete()
    assert exact()
    SurveyAnswer.objects.all().delete()
    assert not AnswerRollup.objects.exists()
