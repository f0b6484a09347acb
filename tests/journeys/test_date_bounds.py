"""Feedback is dated on or before today, within sane years: the same rule (on the model)
on the web form, the API and the admin."""

import datetime as dt

import pytest
from django.urls import reverse
from django.utils import timezone

from cxlean.journeys.models import Feedback
from tests.api.conftest import api_client

EN = {"language": "en"}
FUTURE = "The date cannot be in the future."


def tomorrow() -> str:
    return (timezone.localdate() + dt.timedelta(days=1)).isoformat()


def feedback(unit, received_on: str) -> dict:
    return {
        "unit": unit.pk,
        "source": "complaint",
        "channel": "phone",
        "received_on": received_on,
        "what_happened": "Lost in the queue",
        "sentiment": -1,
    }


def test_feedback_from_tomorrow_is_a_400_on_the_api(alice, service_team):
    response = api_client(alice).post(
        reverse("feedback-list"),
        feedback(service_team, tomorrow()),
        format="json",
        HTTP_ACCEPT_LANGUAGE="en",
    )
    assert response.status_code == 400
    assert response.json() == {"received_on": [FUTURE]}
    assert not Feedback.objects.exists()


def test_feedback_from_tomorrow_is_refused_by_the_admin(bob, as_user, service_unit):
    response = as_user(bob).post(
        reverse("admin:journeys_feedback_add"), feedback(service_unit, tomorrow()), **EN
    )
    assert response.status_code == 200
    assert FUTURE in response.text
    assert not Feedback.objects.exists()


@pytest.mark.parametrize("received_on", ["0001-01-01", "1999-12-31"])
def test_feedback_from_before_2000_is_refused_by_the_api(alice, service_team, received_on):
    response = api_client(alice).post(
        reverse("feedback-list"),
        feedback(service_team, received_on),
        format="json",
        HTTP_ACCEPT_LANGUAGE="en",
    )
    assert response.status_code == 400
    assert response.json() == {"received_on": ["Enter a date between the years 2000 and 2100."]}


def test_feedback_from_today_is_taken_everywhere(alice, service_team):
    response = api_client(alice).post(
        reverse("feedback-list"),
        feedback(service_team, timezone.localdate().isoformat()),
        format="json",
    )
    assert response.status_code == 201
