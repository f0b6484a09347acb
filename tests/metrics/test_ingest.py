"""Bulk ingestion of survey answers: POST /api/v1/survey-answers/bulk/."""

import datetime as dt

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


def test_ids_below_one_are_a_400_on_their_field_not_read_as_plain(ingest, service_team):
    """An integer id out of `id_field`'s range is no plain answer: touchpoint 0 must not
    be taken as none."""
    answers = rows(service_team, [9, 9, 9])
    answers[0]["touchpoint"] = 0
    answers[1]["unit"] = 0
    answers[2]["touchpoint"] = -1
    response = send(ingest, answers)
    assert response.status_code == 400, response.content
    assert {(e["index"], e["field"]) for e in response.json()["errors"]} == {
        (0, "touchpoint"),
        (1, "unit"),
        (2, "touchpoint"),
    }
    assert not SurveyAnswer.objects.exists()


def test_answers_in_any_form_the_serializer_takes_are_read_the_same(ingest, service_team):
    """Plain answers skip the serializer; the others (strings for numbers, whitespace,
    non-ASCII comments) go through it, and both end up the same."""
    plain = {
        "id": "p1",
        "metric": "nps",
        "unit": service_team.pk,
        "answered_on": TODAY,
        "score": 9,
        "comment": "Snabbt svar",
    }
    other = {
        "id": " p2 ",
        "metric": "NPS",
        "unit": str(service_team.pk),
        "answered_on": TODAY,
        "score": "9",
        "comment": "Trevlig personal, lätt att nå\n",
        "respondent": "kund-7",
    }
    response = send(ingest, [plain, other])
    assert response.status_code == 201, response.content
    first, second = SurveyAnswer.objects.order_by("source_id")
    assert (first.source_id, first.score, first.comment) == ("p1", 9, "Snabbt svar")
    assert (second.source_id, second.score, second.respondent) == ("p2", 9, "kund-7")
    assert second.comment == "Trevlig personal, lätt att nå"  # trimmed, as DRF does
    assert AnswerRollup.objects.get().counts() == {9: 2} and differences() == []


def test_plain_and_other_answers_break_the_same_rules(ingest, service_team):
    tomorrow = (timezone.localdate() + dt.timedelta(days=1)).isoformat()
    answers = [
        {**rows(service_team, [11], "a")[0]},  # plain, out of the scale
        {**rows(service_team, [9], "b")[0], "score": "11"},  # a string, out of the scale
        {**rows(service_team, [9], "c")[0], "answered_on": tomorrow},
        {**rows(service_team, [9], "d")[0], "metric": "xyz"},
        {**rows(service_team, [9], "e")[0], "touchpoint": 999_999},
        {**rows(service_team, [9], "f")[0], "id": ""},
        {**rows(service_team, [9], "g")[0], "answered_on": "1066-10-14"},
    ]
    response = send(ingest, answers)
    assert response.status_code == 400, response.content
    found = {(e["index"], e["field"]) for e in response.json()["errors"]}
    assert found == {
        (0, "score"),
        (1, "score"),
        (2, "answered_on"),
        (3, "metric"),
        (4, "touchpoint"),
        (5, "id"),
        (6, "answered_on"),
    }
    assert not SurveyAnswer.objects.exists()


def test_history_and_touchpoint_roll_ups_of_a_batch(ingest, bob, service_team):
    from tests.factories import TouchpointFactory

    touchpoint = TouchpointFactory()
    answers = rows(service_team, [10, 3])
    for answer in answers:
        answer["touchpoint"] = touchpoint.pk
    assert send(ingest, answers).status_code == 201
    assert send(ingest, rows(service_team, [8, 9], "again")).status_code == 201
    more = rows(service_team, [10], "more")
    more[0]["touchpoint"] = touchpoint.pk
    assert send(ingest, more).status_code == 201  # added to the roll-up there is
    assert AnswerRollup.objects.get(touchpoint=touchpoint).counts() == {3: 1, 10: 2}
    assert AnswerRollup.objects.get(touchpoint=None).counts() == {8: 1, 9: 1}
    assert differences() == []
    recorded = SurveyAnswer.objects.get(source_id="r0")
    (history,) = recorded.history.all()
    assert (history.history_type, history.history_user, history.created_by) == ("+", bob, bob)
    assert (history.score, history.touchpoint_id, history.source) == (
        10,
        touchpoint.pk,
        "enkatverktyget",
    )


def test_recording_by_nobody_returns_the_ids_created(bob, service_team, metrics):
    """`record`, the writing half (the webhooks' too): by nobody, a retry skipped."""
    from cxlean.metrics.api.ingest import Lookups, plain_row, record
    from cxlean.metrics.api.serializers import UNIT_MESSAGE
    from cxlean.org.roles import coordinated_units

    answers = [plain_row(row) for row in rows(service_team, [9, 4])]
    lookups = Lookups(coordinated_units(bob), answers, UNIT_MESSAGE)
    assert record(answers, lookups, None, "verktyg") == ["r0", "r1"]
    assert record(answers, lookups, None, "verktyg") == []
    recorded = SurveyAnswer.objects.get(source_id="r1")
    assert (recorded.created_by, recorded.history.get().history_user) == (None, None)
    assert differences() == []


def test_a_webhooks_mapped_answer_is_read_plain():
    """A webhook's mapping gives a date, not an ISO text: still the fast path, as
    `AnswerRow` would read it; a date and time is not a date."""
    from cxlean.metrics.api.ingest import READER, plain_row

    mapped = {"id": "a1", "metric": "nps", "unit": 7, "score": 9, "touchpoint": None}
    day = timezone.localdate()
    answer = {**mapped, "answered_on": day}
    assert plain_row(answer) == dict(READER.run_validation(answer))
    assert plain_row({**mapped, "answered_on": timezone.now()}) is None
