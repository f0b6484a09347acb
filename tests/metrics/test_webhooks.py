"""Webhooks from survey tools: POST /api/v1/survey-sources/<id or slug>/webhook/.

The "Enkätverktyget" source (`source` in tests/metrics/conftest.py) writes to Kundservice
(Bob's unit) and its Team Chatt, with the tool's own shape: {"event": ..., "data":
{"responses": [{"id", "survey", "unit", "answer": {"value"}, "submitted": ...,
"text"}]}}."""

import hashlib
import hmac
import json
import time

import pytest
from django.test import Client
from django.utils import timezone

from cxlean.journeys.models import Channel, Feedback, FeedbackSource, Sentiment
from cxlean.metrics.models import AnswerRollup, SurveyAnswer, SurveySource, WebhookDelivery
from cxlean.metrics.rollups import differences

pytestmark = pytest.mark.django_db

TODAY = timezone.localdate()


def response(n: int, score=9, unit="chat", survey="Recommend", text="", **more) -> dict:
    return {
        "id": f"resp-{n}",
        "survey": survey,
        "unit": unit,
        "answer": {"value": score},
        "submitted": f"{TODAY.isoformat()}T08:15:00+01:00",
        "text": text,
        **more,
    }


def payload(*responses: dict) -> dict:
    return {"event": "responses.created", "data": {"responses": list(responses)}}


def sign(secret: str, body: bytes, timestamp: int | str | None = None) -> dict:
    stamp = str(int(time.time()) if timestamp is None else timestamp)
    digest = hmac.new(secret.encode(), stamp.encode() + b"." + body, hashlib.sha256)
    return headers(stamp, f"sha256={digest.hexdigest()}")


def headers(timestamp: str, signature: str) -> dict:
    return {"HTTP_X_CXLEAN_TIMESTAMP": timestamp, "HTTP_X_CXLEAN_SIGNATURE": signature}


def deliver(source, data, *, secret=None, timestamp=None, headers=None, key=None):
    body = data if isinstance(data, bytes) else json.dumps(data).encode()
    signed = sign(secret or source.secret, body, timestamp) if headers is None else headers
    url = f"/api/v1/survey-sources/{key or source.slug}/webhook/"
    client = Client(HTTP_ACCEPT_LANGUAGE="en")
    return client.post(url, body, content_type="application/json", **signed), signed


def errors_of(answer) -> set[tuple[int, str]]:
    return {(e["index"], e["field"]) for e in answer.json()["errors"]}


# --- the signature -------------------------------------------------------------------------


def test_a_signed_delivery_is_recorded_with_roll_ups_and_its_source(source, service_team):
    answer, _ = deliver(source, payload(response(1, 10), response(2, 3), response(3, 8)))
    assert answer.status_code == 201, answer.content
    assert answer.json() == {"created": 3, "existing": 0, "feedback": 0}
    recorded = SurveyAnswer.objects.get(source_id="resp-1")
    assert (recorded.source, recorded.unit, recorded.metric.kind, recorded.score) == (
        "enkat",
        service_team,
        "nps",
        10,
    )
    assert recorded.answered_on == TODAY and recorded.history.count() == 1
    assert differences() == [] and AnswerRollup.objects.get().count == 3


def test_the_source_is_found_by_its_id_too(source):
    answer, _ = deliver(source, payload(response(1)), key=str(source.pk))
    assert answer.status_code == 201, answer.content


def test_an_unknown_source_is_404(source):
    answer, _ = deliver(source, payload(response(1)), key="nobody")
    assert answer.status_code == 404


def test_a_wrong_secret_is_refused(source):
    answer, _ = deliver(source, payload(response(1)), secret="0" * 64)
    assert answer.status_code == 403
    assert "signature" in answer.json()["detail"]
    assert not SurveyAnswer.objects.exists()


def test_the_hex_may_be_in_capitals(source):
    body = json.dumps(payload(response(1))).encode()
    signed = sign(source.secret, body)
    upper = headers(signed["HTTP_X_CXLEAN_TIMESTAMP"], signed["HTTP_X_CXLEAN_SIGNATURE"].upper())
    assert deliver(source, body, headers=upper)[0].status_code == 201
    assert deliver(source, body, headers=signed)[0].status_code == 409  # the same delivery


def test_a_signature_that_is_not_hex_is_refused(source):
    body = json.dumps(payload(response(1))).encode()
    stamp = sign(source.secret, body)["HTTP_X_CXLEAN_TIMESTAMP"]
    for odd in ("sha256=é" + "0" * 63, "sha256=" + "z" * 64, "sha256=" + "0" * 1000):
        assert deliver(source, body, headers=headers(stamp, odd))[0].status_code == 403


def test_a_body_changed_after_signing_is_refused(source):
    signed = sign(source.secret, json.dumps(payload(response(1, 2))).encode())
    answer, _ = deliver(source, payload(response(1, 10)), headers=signed)
    assert answer.status_code == 403 and not SurveyAnswer.objects.exists()


@pytest.mark.parametrize("seconds", [-301, 301, -3600])
def test_an_old_or_future_timestamp_is_refused(source, seconds):
    answer, _ = deliver(source, payload(response(1)), timestamp=int(time.time()) + seconds)
    assert answer.status_code == 403
    assert "timestamp" in answer.json()["detail"]
    assert not SurveyAnswer.objects.exists()


def test_the_tolerance_is_a_setting(source, settings):
    settings.SURVEY_WEBHOOK_TOLERANCE = 3600
    answer, _ = deliver(source, payload(response(1)), timestamp=int(time.time()) - 1800)
    assert answer.status_code == 201, answer.content


@pytest.mark.parametrize(
    "headers",
    [
        {},
        {"HTTP_X_CXLEAN_TIMESTAMP": "1700000000"},
        {"HTTP_X_CXLEAN_SIGNATURE": "sha256=abc"},
        {"HTTP_X_CXLEAN_TIMESTAMP": "", "HTTP_X_CXLEAN_SIGNATURE": "sha256="},
    ],
)
def test_missing_headers_are_refused(source, headers):
    answer, _ = deliver(source, payload(response(1)), headers=headers)
    assert answer.status_code == 403
    assert "not signed" in answer.json()["detail"]


def test_another_scheme_or_a_timestamp_that_is_not_seconds_is_refused(source):
    body = json.dumps(payload(response(1))).encode()
    signed = sign(source.secret, body)
    sha1 = signed["HTTP_X_CXLEAN_SIGNATURE"].replace("sha256", "sha1")
    answer = deliver(source, body, headers=headers(signed["HTTP_X_CXLEAN_TIMESTAMP"], sha1))[0]
    assert answer.status_code == 403
    answer = deliver(source, body, headers=sign(source.secret, body, "12.5"))[0]
    assert answer.status_code == 403 and "Unix seconds" in answer.json()["detail"]


def test_a_replay_is_refused_and_a_new_signature_of_a_retry_creates_nothing(source):
    data = payload(response(1), response(2))
    first, signed = deliver(source, data)
    assert first.status_code == 201
    replay, _ = deliver(source, data, headers=signed)
    assert replay.status_code == 409, replay.content
    assert "replay" in replay.json()["detail"]
    retry, _ = deliver(source, data, timestamp=int(signed["HTTP_X_CXLEAN_TIMESTAMP"]) + 1)
    assert retry.status_code == 201
    assert retry.json() == {"created": 0, "existing": 2, "feedback": 0}
    assert SurveyAnswer.objects.count() == 2 and differences() == []


def test_old_deliveries_are_pruned(source):
    deliver(source, payload(response(1)))
    WebhookDelivery.objects.update(received_at=timezone.now() - timezone.timedelta(seconds=601))
    deliver(source, payload(response(2)))
    assert WebhookDelivery.objects.count() == 1


def test_a_refused_delivery_is_not_remembered(source):
    data = payload(response(1, score=11))
    first, signed = deliver(source, data)
    assert first.status_code == 400
    assert not WebhookDelivery.objects.exists()


def test_an_inactive_source_is_refused(source):
    SurveySource.objects.filter(pk=source.pk).update(active=False)
    answer, _ = deliver(source, payload(response(1)))
    assert answer.status_code == 403 and "not active" in answer.json()["detail"]
    assert not SurveyAnswer.objects.exists()


def test_a_rotated_secret_replaces_the_old_one(source):
    old = source.secret
    new = source.rotate_secret()
    assert new != old
    assert deliver(source, payload(response(1)), secret=old)[0].status_code == 403
    assert deliver(source, payload(response(1)), secret=new)[0].status_code == 201


# --- the mapping ---------------------------------------------------------------------------


def test_mapping_errors_are_400_by_index_and_field_and_nothing_is_recorded(source):
    data = payload(
        response(0),
        {k: v for k, v in response(1).items() if k != "answer"},  # no score
        response(2, score="nine"),
        response(3, survey="Loyalty"),  # not mapped, not a metric
        response(4, unit="nowhere"),
        response(5, submitted="yesterday"),
        {**response(6), "id": None},  # no id
        response(7, score=11),  # off the NPS scale
        response(8, survey="churn"),  # not a survey answer
        response(9, score=9.5),
    )
    answer, _ = deliver(source, data)
    assert answer.status_code == 400, answer.content
    assert errors_of(answer) == {
        (1, "score"),
        (2, "score"),
        (3, "metric"),
        (4, "unit"),
        (5, "answered_on"),
        (6, "id"),
        (7, "score"),
        (8, "metric"),
        (9, "score"),
    }
    messages = {(e["index"], e["field"]): e["messages"] for e in answer.json()["errors"]}
    assert messages[(1, "score")] == ["Nothing at “answer.value”."]
    assert "not a whole number" in messages[(2, "score")][0]
    assert "nowhere" in messages[(4, "unit")][0]
    assert not SurveyAnswer.objects.exists() and not AnswerRollup.objects.exists()


def test_a_missing_list_or_a_body_that_is_not_json_is_400(source):
    answer, _ = deliver(source, {"event": "ping"})
    assert answer.status_code == 400
    assert answer.json() == {"answers": ["Nothing at “data.responses”."]}
    answer, _ = deliver(source, b"{not json")
    assert answer.status_code == 400 and "not JSON" in answer.json()["detail"]


def test_one_answer_or_a_list_at_the_top(source, service_unit):
    SurveySource.objects.filter(pk=source.pk).update(answers_path="", unit_path="")
    source.refresh_from_db()
    single, _ = deliver(source, response(1))
    assert single.status_code == 201 and single.json()["created"] == 1
    listed, _ = deliver(source, [response(2), response(3, survey="Happy", score=4)])
    assert listed.status_code == 201 and listed.json()["created"] == 2
    assert {a.unit for a in SurveyAnswer.objects.all()} == {service_unit}  # the default
    assert SurveyAnswer.objects.get(source_id="resp-3").metric.kind == "csat"


def test_paths_with_list_positions_and_a_fixed_metric_unix_seconds_and_unit_ids(
    source, nps, service_team, phone_queue
):
    SurveySource.objects.filter(pk=source.pk).update(
        answers_path="",
        metric_path="",
        metric=nps,
        score_path="questions[1].value",
        touchpoint_path="meta.touchpoint",
        answered_at_path="at",
    )
    source.refresh_from_db()
    at = int(time.time()) - 60
    data = {
        "id": 77,
        "unit": service_team.pk,
        "questions": [{"value": "x"}, {"value": "6"}],
        "meta": {"touchpoint": phone_queue.pk},
        "at": at,
    }
    answer, _ = deliver(source, data)
    assert answer.status_code == 201, answer.content
    recorded = SurveyAnswer.objects.get()
    assert (recorded.source_id, recorded.score, recorded.metric, recorded.unit) == (
        "77",
        6,
        nps,
        service_team,
    )
    assert recorded.touchpoint == phone_queue and recorded.answered_on == TODAY


def test_a_source_writes_only_to_its_units(source, sales_unit, company):
    data = payload(response(1), response(2, unit="sales"), response(3, unit=company.pk))
    answer, _ = deliver(source, data)
    assert answer.status_code == 400
    assert errors_of(answer) == {(1, "unit"), (2, "unit")}
    assert answer.json()["errors"][0]["messages"] == [
        "This survey source may not write to this unit."
    ]
    assert not SurveyAnswer.objects.exists()


# --- roll-ups and feedback -----------------------------------------------------------------


def test_roll_ups_equal_the_raw_answers_after_webhooks(source, service_unit, csat):
    deliver(source, payload(*(response(n, n % 11) for n in range(40))))
    deliver(source, payload(*(response(100 + n, 1 + n % 5, survey="Happy") for n in range(15))))
    deliver(source, payload(*(response(200 + n, 7, unit="service") for n in range(5))))
    assert SurveyAnswer.objects.count() == 60
    assert differences() == []
    assert sum(AnswerRollup.objects.values_list("count", flat=True)) == 60


def test_comments_become_feedback_once(source, service_team, phone_queue):
    data = payload(
        response(1, 2, text="  Fick vänta i 40 minuter.  "),
        response(2, 10, text="Snabb hjälp!"),
        response(3, 8),
    )
    first, signed = deliver(source, data)
    assert first.json() == {"created": 3, "existing": 0, "feedback": 2}
    feedback = Feedback.objects.get(customer_reference="enkat:resp-1")
    assert (feedback.unit, feedback.source, feedback.channel, feedback.sentiment) == (
        service_team,
        FeedbackSource.SURVEY,
        Channel.OTHER,
        Sentiment.NEGATIVE,
    )
    assert feedback.what_happened == "Fick vänta i 40 minuter." and feedback.received_on == TODAY
    assert Feedback.objects.get(customer_reference="enkat:resp-2").sentiment == Sentiment.POSITIVE
    retry, _ = deliver(source, data, timestamp=int(signed["HTTP_X_CXLEAN_TIMESTAMP"]) - 1)
    assert retry.json() == {"created": 0, "existing": 3, "feedback": 0}
    assert Feedback.objects.count() == 2


def test_feedback_takes_the_touchpoint_and_its_channel(source, phone_queue):
    SurveySource.objects.filter(pk=source.pk).update(touchpoint_path="tp")
    source.refresh_from_db()
    deliver(source, payload(response(1, 5, text="Kön var lång", tp=phone_queue.pk)))
    feedback = Feedback.objects.get()
    assert (feedback.touchpoint, feedback.channel) == (phone_queue, Channel.PHONE)


def test_no_feedback_when_the_source_says_so(source):
    SurveySource.objects.filter(pk=source.pk).update(comments_to_feedback=False)
    source.refresh_from_db()
    answer, _ = deliver(source, payload(response(1, 2, text="Dåligt")))
    assert answer.json()["feedback"] == 0 and not Feedback.objects.exists()
    assert SurveyAnswer.objects.get().comment == "Dåligt"


def test_the_queries_do_not_grow_with_the_delivery(source, django_assert_max_num_queries):
    deliver(source, payload(response(0)))
    with django_assert_max_num_queries(40) as small:
        deliver(source, payload(*(response(n, text="x") for n in range(1, 3))))
    with django_assert_max_num_queries(len(small.captured_queries)):
        deliver(source, payload(*(response(n, text="x") for n in range(10, 30))))


def test_ids_beyond_any_row_are_400_not_a_server_error(source):
    SurveySource.objects.filter(pk=source.pk).update(touchpoint_path="tp")
    source.refresh_from_db()
    data = payload(response(1, unit=10**30), response(2, tp=10**30), response(3, tp=-1))
    answer, _ = deliver(source, data)
    assert answer.status_code == 400, answer.content
    assert errors_of(answer) == {(0, "unit"), (1, "touchpoint"), (2, "touchpoint")}
