"""Survey sources in the API and the admin: who reads and changes them, the secret shown
once (on create and rotation) and never read back, the mapping preview.

Bob coordinates Kundservice, Carol Försäljning, Maria is management, Alice an employee
in Kundservice's Team Chatt, Olivia the CX owner, Root superuser (tests/conftest.py)."""

import json

import pytest
from django.urls import reverse

from cxlean.metrics.models import SurveySource

pytestmark = pytest.mark.django_db

SOURCES = "/api/v1/survey-sources/"


@pytest.fixture
def sales_source(sales_unit, nps) -> SurveySource:
    return SurveySource.objects.create(
        name="Säljenkäten", slug="salj", unit=sales_unit, id_path="id", metric=nps, score_path="s"
    )


def new_source(unit, **fields) -> dict:
    return {
        "name": "Nytt verktyg",
        "slug": "nytt",
        "unit": unit.pk,
        "id_path": "response.id",
        "metric_path": "",
        "metric": "nps",
        "score_path": "response.nps.score",
        "value_maps": {"unit": {"north": "chat"}},
        **fields,
    }


def post(client, url, data):
    return client.post(url, data, content_type="application/json", HTTP_ACCEPT_LANGUAGE="en")


# --- the API -------------------------------------------------------------------------------


def test_a_coordinator_adds_a_source_and_sees_its_secret_once(as_user, bob, service_unit, metrics):
    client = as_user(bob)
    created = post(client, SOURCES, new_source(service_unit))
    assert created.status_code == 201, created.content
    secret = created.json()["secret"]
    source = SurveySource.objects.get(slug="nytt")
    assert secret == source.secret and len(secret) == 64
    assert created.json()["webhook_url"].endswith("/api/v1/survey-sources/nytt/webhook/")
    for read in (client.get(SOURCES), client.get(f"{SOURCES}{source.pk}/")):
        assert read.status_code == 200
        row = read.json()["results"][0] if "results" in read.json() else read.json()
        assert secret not in read.content.decode() and "secret" not in row
    assert all(secret not in str(row.__dict__) for row in source.history.all())


def test_rotating_the_secret_shows_the_new_one_once(as_user, bob, source):
    old = source.secret
    rotated = post(as_user(bob), f"{SOURCES}{source.pk}/rotate-secret/", None)
    assert rotated.status_code == 200, rotated.content
    source.refresh_from_db()
    assert rotated.json()["secret"] == source.secret != old


@pytest.mark.parametrize("user", ["maria", "carol", "alice"])
def test_others_cannot_rotate_or_change(as_user, request, source, user):
    client = as_user(request.getfixturevalue(user))
    assert post(client, f"{SOURCES}{source.pk}/rotate-secret/", None).status_code in (403, 404)
    changed = client.patch(
        f"{SOURCES}{source.pk}/", {"active": False}, content_type="application/json"
    )
    assert changed.status_code in (403, 404)
    source.refresh_from_db()
    assert source.active


def test_who_reads_the_sources(
    as_user, bob, carol, maria, alice, olivia, root, source, sales_source
):
    def seen(user) -> set[str] | int:
        response = as_user(user).get(SOURCES)
        if response.status_code != 200:
            return response.status_code
        return {row["slug"] for row in response.json()["results"]}

    assert seen(bob) == {"enkat"}
    assert seen(carol) == {"salj"}
    assert seen(maria) == seen(root) == {"enkat", "salj"}
    assert seen(alice) == seen(olivia) == 403


def test_management_changes_nothing(as_user, maria, service_unit, metrics):
    assert post(as_user(maria), SOURCES, new_source(service_unit)).status_code == 403


def test_a_coordinator_adds_sources_for_their_units_only(
    as_user, bob, sales_unit, service_unit, metrics
):
    client = as_user(bob)
    assert post(client, SOURCES, new_source(sales_unit)).status_code == 400
    outside = post(client, SOURCES, new_source(service_unit, default_unit=sales_unit.pk))
    assert outside.status_code == 400 and "default_unit" in outside.json()


@pytest.mark.parametrize(
    ("fields", "field"),
    [
        ({"metric": None}, "metric_path"),
        ({"metric": "churn"}, "metric"),
        ({"score_path": "a..b"}, "score_path"),
        ({"id_path": ""}, "id_path"),
        ({"value_maps": {"colour": {}}}, "value_maps"),
        ({"value_maps": {"metric": {"x": [1]}}}, "value_maps"),
        ({"feedback_channel": "pigeon"}, "feedback_channel"),
    ],
)
def test_bad_settings_are_a_400_on_their_field(as_user, bob, service_unit, metrics, fields, field):
    response = post(as_user(bob), SOURCES, new_source(service_unit, **fields))
    assert response.status_code == 400 and field in response.json(), response.content


def test_the_slug_cannot_change(as_user, bob, source):
    response = as_user(bob).patch(
        f"{SOURCES}{source.pk}/", {"slug": "annat"}, content_type="application/json"
    )
    assert response.status_code == 400 and "slug" in response.json()


def test_the_preview_maps_a_sample_payload_and_records_nothing(as_user, bob, source, service_unit):
    answers = [{"id": 1, "survey": "Recommend", "answer": {"value": 9}, "submitted": "2026-12-01"}]
    sample = {"data": {"responses": [*answers, {"id": 2, "survey": "x", "submitted": 0}]}}
    response = post(as_user(bob), f"{SOURCES}{source.pk}/preview/", sample)
    assert response.status_code == 200, response.content
    answers = response.json()["answers"]
    assert answers[0]["metric"] == "nps" and answers[0]["unit"] == service_unit.pk
    assert answers[1] is None
    assert response.json()["errors"] == [
        {"index": 1, "field": "score", "messages": ["Nothing at “answer.value”."]}
    ]
    assert not source.unit.survey_answers.exists()


def test_the_schema_documents_the_webhook_and_its_signature(as_user, bob):
    paths = as_user(bob).get("/api/schema/", {"format": "json"}).json()["paths"]
    webhook = paths["/api/v1/survey-sources/{key}/webhook/"]["post"]
    assert "HMAC-SHA256" in webhook["description"] and not webhook.get("security")
    headers = {p["name"] for p in webhook["parameters"] if p["in"] == "header"}
    assert headers == {"X-Cxlean-Timestamp", "X-Cxlean-Signature"}
    assert "/api/v1/survey-sources/{id}/rotate-secret/" in paths


# --- the admin -----------------------------------------------------------------------------


def admin_url(name: str, *args) -> str:
    return reverse(f"admin:metrics_surveysource_{name}", args=args)


def admin_form(unit, **fields) -> dict:
    data = {
        "name": "Enkät i admin",
        "slug": "admin-enkat",
        "unit": unit.pk,
        "id_path": "id",
        "metric_path": "survey",
        "score_path": "score",
        "value_maps": "{}",
        "feedback_channel": "other",
        "active": "on",
    }
    return {**data, **fields}


def test_a_coordinator_adds_a_source_in_the_admin_and_sees_the_secret_once(
    as_user, bob, service_unit, metrics
):
    client = as_user(bob)
    assert client.get(admin_url("add")).status_code == 200
    assert client.get(admin_url("changelist")).status_code == 200
    response = client.post(admin_url("add"), admin_form(service_unit))
    assert response.status_code == 200, response.content[:2000]
    source = SurveySource.objects.get(slug="admin-enkat")
    assert source.secret in response.content.decode()
    page = client.get(admin_url("change", source.pk))
    assert page.status_code == 200 and source.secret not in page.content.decode()
    assert source.webhook_url() in page.content.decode()


def test_the_admin_refuses_a_unit_outside_ones_own(as_user, bob, sales_unit, metrics):
    response = as_user(bob).post(admin_url("add"), admin_form(sales_unit))
    assert response.status_code == 200 and not SurveySource.objects.exists()


def test_the_rotation_action_shows_new_secrets(as_user, bob, source, sales_source):
    old = {s.pk: s.secret for s in (source, sales_source)}
    response = as_user(bob).post(
        admin_url("changelist"),
        {"action": "rotate_secrets", "_selected_action": [source.pk, sales_source.pk]},
    )
    assert response.status_code == 200
    source.refresh_from_db()
    sales_source.refresh_from_db()
    assert source.secret != old[source.pk] and source.secret in response.content.decode()
    assert sales_source.secret == old[sales_source.pk]  # not Bob's: untouched


def test_management_reads_sources_in_the_admin_without_secrets(as_user, maria, source):
    client = as_user(maria)
    page = client.get(admin_url("change", source.pk))
    assert page.status_code == 200 and source.secret not in page.content.decode()
    assert client.get(admin_url("add")).status_code == 403
    response = client.post(
        admin_url("changelist"), {"action": "rotate_secrets", "_selected_action": [source.pk]}
    )
    old = source.secret
    source.refresh_from_db()
    assert source.secret == old and old not in response.content.decode()


@pytest.mark.parametrize("user", ["olivia", "carol", "alice"])
def test_others_do_not_see_the_source_in_the_admin(as_user, request, source, user):
    client = as_user(request.getfixturevalue(user))
    assert client.get(admin_url("change", source.pk)).status_code in (302, 403, 404)


def test_the_admin_maps_a_sample_payload(as_user, bob, source):
    client = as_user(bob)
    url = admin_url("preview", source.pk)
    assert client.get(url).status_code == 200
    answers = [{"id": "a1", "survey": "Recommend", "answer": {"value": 7}, "submitted": 0}]
    sample = json.dumps({"data": {"responses": [*answers, {"id": 2}]}})
    page = client.post(url, {"payload": sample}, language="en").content.decode()
    assert "a1" in page and "Nothing at" in page
    assert client.post(url, {"payload": "{nope"}).status_code == 200
    assert not source.unit.survey_answers.exists()
