"""The OpenAPI description, the Swagger UI and token authentication."""

import io

import pytest
from django.core.management import call_command
from django.urls import reverse
from rest_framework.authtoken.models import Token

from cxlean.core.api import translated_fields
from tests.api.conftest import api_client
from tests.factories import PASSWORD
from tests.openapi import openapi_schema

pytestmark = pytest.mark.django_db

ENDPOINTS = [
    "units",
    "cx-roles",
    "people",
    "guide-steps",
    "guide-activities",
    "plans",
    "phases",
    "activities",
    "claim-mappings",
]


def test_schema_generates_and_validates_without_warnings():
    out = io.StringIO()
    # --fail-on-warn turns any warning or error of drf-spectacular into a failure.
    call_command(
        "spectacular", "--validate", "--fail-on-warn", "--format", "openapi-json", stdout=out
    )
    assert '"/api/v1/plans/{id}/"' in out.getvalue()


def test_schema_describes_every_endpoint(api, alice):
    response = api(alice).get(reverse("api-schema"), {"format": "json"})
    assert response.status_code == 200
    paths = response.json()["paths"]
    for endpoint in ENDPOINTS:
        assert f"/api/v1/{endpoint}/" in paths
        assert f"/api/v1/{endpoint}/{{id}}/" in paths
    late = [p for p in paths["/api/v1/activities/"]["get"]["parameters"] if p["name"] == "late"]
    assert late[0]["schema"]["type"] == "boolean"


def test_schema_needs_a_signed_in_user(api):
    assert api().get(reverse("api-schema")).status_code in (401, 403)


def test_swagger_ui_renders_for_a_signed_in_user(as_user, alice):
    response = as_user(alice).get(reverse("api-docs"))
    assert response.status_code == 200
    assert b"swagger-ui" in response.content
    assert b"drf_spectacular_sidecar/swagger-ui-dist" in response.content  # no CDN
    # The page's own script is a file of its own (the Content-Security-Policy has no
    # inline scripts); it names the schema.
    assert b"<script>" not in response.content
    script = as_user(alice).get(reverse("api-docs") + "?script=")
    assert script.status_code == 200
    assert script["Content-Type"].startswith("application/javascript")
    assert reverse("api-schema").encode() in script.content


def test_swagger_ui_sends_anonymous_visitors_to_the_login(client):
    response = client.get(reverse("api-docs"))
    assert response.status_code == 302 and reverse("login") in response["Location"]


def test_good_credentials_give_a_token_that_authenticates(alice, alices_activity):
    response = api_client().post(
        reverse("api-token"), {"username": "alice", "password": PASSWORD}, format="json"
    )
    assert response.status_code == 200
    token = response.json()["token"]
    assert token == Token.objects.get(user=alice).key
    client = api_client()
    client.credentials(HTTP_AUTHORIZATION=f"Token {token}")
    plans = client.get(reverse("plan-list"))
    assert plans.status_code == 200 and plans.json()["count"] == 1
    done = client.patch(
        reverse("activity-detail", args=[alices_activity.pk]), {"status": "done"}, format="json"
    )
    assert done.status_code == 200  # token requests need no CSRF token
    assert alices_activity.history.first().history_user == alice


def test_bad_credentials_are_a_400(alice):
    response = api_client().post(
        reverse("api-token"), {"username": "alice", "password": "wrong"}, format="json"
    )
    assert response.status_code == 400
    assert not Token.objects.exists()


def test_a_wrong_token_is_refused(alice):
    client = api_client()
    client.credentials(HTTP_AUTHORIZATION="Token not-a-real-token")
    response = client.get(reverse("plan-list"))
    # 403, not 401: DRF answers with the first authentication class (session), which
    # has no WWW-Authenticate challenge to offer.
    assert response.status_code in (401, 403)
    assert "token" in response.json()["detail"].lower()


def test_documented_viewsets_word_their_changes_alike_and_keep_their_own_words():
    paths = openapi_schema()["paths"]
    walk = paths["/api/v1/gemba-walks/{id}/"]
    assert walk["put"]["summary"] == "Change a walk (coordinators of its unit)"
    assert walk["patch"]["summary"] == "Change some fields of a walk"
    assert walk["delete"]["summary"] == "Delete a walk (coordinators of its unit)"
    assert walk["get"]["tags"] == ["gemba"]
    schedule = paths["/api/v1/gemba-schedules/{id}/"]["delete"]
    assert schedule["summary"] == "Delete a schedule"
    assert schedule["description"] == "Walks already created stay, without their schedule."


def test_translated_fields_list_the_request_language_then_both_columns():
    assert translated_fields("name", "help") == [
        "name",
        "name_sv",
        "name_en",
        "help",
        "help_sv",
        "help_en",
    ]
