"""`GET /api/v1/inbox/`: the start page's inbox as JSON, each person only their own."""

import pytest
from django.urls import reverse

from tests.api.conftest import api_client

pytestmark = pytest.mark.django_db

URL = "/api/v1/inbox/"


def test_the_inbox_endpoint_has_its_address():
    assert reverse("inbox") == URL


def test_strangers_get_no_inbox():
    assert api_client().get(URL).status_code in (401, 403)


def test_alice_gets_her_own_inbox_grouped_by_urgency(everything, alice):
    response = api_client(alice).get(URL, HTTP_ACCEPT_LANGUAGE="en")
    assert response.status_code == 200
    data = response.json()
    assert data["count"] == sum(group["count"] for group in data["groups"])
    assert [group["urgency"] for group in data["groups"]] == ["late", "soon", "waiting", "info"]
    row = data["groups"][0]["rows"][0]
    assert set(row) == {"kind", "area", "area_label", "title", "state", "urgency", "due", "url"}
    assert row["url"].startswith("http://testserver/")
    kinds = {row["kind"] for group in data["groups"] for row in group["rows"]}
    assert {"activity", "checklist", "walk", "assessment", "trainee_goal", "idea"} <= kinds
    assert "sign_off" not in kinds and "triage" not in kinds


def test_a_coordinator_gets_theirs_and_a_limit_per_group(everything, bob, carol):
    data = api_client(bob).get(URL, {"limit": 1}).json()
    assert all(len(group["rows"]) <= 1 for group in data["groups"])
    waiting = next(group for group in data["groups"] if group["urgency"] == "waiting")
    assert waiting["count"] > 1 and waiting["more"]
    carol_titles = {
        row["title"]
        for group in api_client(carol).get(URL, {"limit": 50}).json()["groups"]
        for row in group["rows"]
    }
    assert "Late work sales" in carol_titles and "Late work service" not in carol_titles


def test_a_limit_out_of_range_is_refused(alice):
    response = api_client(alice).get(URL, {"limit": 0})
    assert response.status_code == 400 and "limit" in response.json()


def test_reading_the_api_is_not_a_visit(everything, maria):
    from cxlean.inbox.models import Visit

    api_client(maria).get(URL)
    assert not Visit.objects.filter(user=maria).exists()
