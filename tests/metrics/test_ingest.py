"""Bulk ingestion of survey answers: POST /api/v1/survey-answers/bulk/."""

import pytest
from django.test import Client
from django.utils import timezone

from cxlean.metrics.models import AnswerRollup, IngestToken, SurveyAnswer
from cxlean.metrics.rollups import differences

pytestmark = pytest.mark.django_db

BULK = "/api/v1/survey-answers/bulk/"
TODAY = timezone.localdate().isoformat()


def rows(unit, scores, prefix="r") -> list[dict]:
    return [
        {"id": f"{prefix}{n}", "metric": "nps", "unit": unit.pk, "answered_on": TODAY, "score": s}
        for n, s in enumerate(scores)
    ]


def send(client, answers):
    return client.post(BULK, {"answers": answers}, content_type="application/json")


@pytest.fixture
def ingest(bob, metrics):
    token = IngestToken.objects.create(source="enkatverktyget", user=bob)
    return Client(HTTP_AUTHORIZATION=f"Ingest {token.key}", HTTP_ACCEPT_LANGUAGE="en")


def test_a_batch_is_recorded_with_its_roll_ups_and_a_retry_creates_nothing(
    ingest, bob, service_team
):
    answers = rows(service_team, [10, 9, 7, 0])
    response = send(ingest, answers)
    assert response.status_code == 201, response.content
    assert response.json() == {"created": 4, "existing": 0}
    recorded = SurveyAnswer.objects.get(source_id="r0")
    assert (recorded.source, recorded.created_by, recorded.history.count()) == (
        "enkatverktyget",
        bob,
        1,
    )
    assert AnswerRollup.objects.get().count == 4 and differences() == []
    again = send(ingest, [*answers, *rows(service_team, [5], prefix="new")])
    assert again.json() == {"created": 1, "existing": 4}
    assert SurveyAnswer.objects.count() == 5 and differences() == []


def test_one_bad_answer_refuses_the_batch_by_index_and_field(ingest, service_team, sales_unit):
    answers = rows(service_team, [10, 11, 9])
    answers[2]["unit"] = sales_unit.pk  # not one Bob coordinates
    answers.append({**answers[0]})  # the same id twice
    answers.append({"id": "x", "metric": "churn", "unit": service_team.pk, "score": 1})
    response = send(ingest, answers)
    assert response.status_code == 400, response.content
    assert "errors" in response.json(), response.content
    found = {(e["index"], e["field"]) for e in response.json()["errors"]}
    assert found == {(1, "score"), (2, "unit"), (3, "id"), (4, "answered_on")}
    answers[4]["answered_on"] = TODAY
    response = send(ingest, answers)
    assert response.status_code == 400, response.content
    found = {(e["index"], e["field"]) for e in response.json()["errors"]}
    assert (4, "metric") in found
    assert not SurveyAnswer.objects.exists() and not AnswerRollup.objects.exists()


def test_the_ingestion_token_does_nothing_else(ingest, bob, service_team):
    assert ingest.get("/api/v1/survey-answers/").status_code in (401, 403)
    assert ingest.get("/api/v1/units/").status_code in (401, 403)
    assert ingest.get("/metrics/").status_code == 302  # the web app: sign in first
    bad = Client(HTTP_AUTHORIZATION="Ingest wrong")
    assert send(bad, rows(service_team, [9])).status_code == 403
    IngestToken.objects.update(active=False)
    assert send(ingest, rows(service_team, [9])).status_code == 403


def test_coordinators_signed_in_may_send_others_not(as_user, bob, alice, service_team, metrics):
    assert send(as_user(bob), rows(service_team, [9])).status_code == 201
    assert SurveyAnswer.objects.get().source == "api"
    assert send(as_user(alice), rows(service_team, [9], "a")).status_code == 403


def test_at_most_ten_thousand_answers(ingest, service_team):
    response = send(ingest, rows(service_team, [9] * 10_001))
    assert response.status_code == 400 and "answers" in response.json()


def test_the_queries_do_not_grow_with_the_batch(
    ingest, service_team, django_assert_max_num_queries
):
    send(ingest, rows(service_team, [9]))
    with django_assert_max_num_queries(25) as small:
        send(ingest, rows(service_team, [9, 8], "s"))
    with django_assert_max_num_queries(len(small.captured_queries)):
        send(ingest, rows(service_team, [9, 8, 7, 6, 5, 4, 3, 2, 1, 0], "l"))


def test_ids_beyond_any_row_are_a_400_on_their_field(ingest, service_team):
    answers = rows(service_team, [9, 9])
    answers[0]["unit"] = 10**30
    answers[1]["touchpoint"] = 10**30
    response = send(ingest, answers)
    assert response.status_code == 400, response.content
    assert {(e["index"], e["field"]) for e in response.json()["errors"]} == {
        (0, "unit"),
        (1, "touchpoint"),
    }
