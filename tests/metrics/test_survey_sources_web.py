"""Survey sources in the web UI (cxlean/metrics/views.py): who sees the list and a source,
who adds, changes, deactivates, gives a new secret and tries a sample payload; bad
settings refused with form errors and nothing changed; the secret shown once.

Bob coordinates Kundservice (the `source` fixture's unit), Carol Försäljning (the
`sales_source`), Maria is management, Alice an employee in Team Chatt, Olivia the CX
owner, Root superuser (tests/conftest.py)."""

import json

import pytest
from django.urls import reverse
from django.utils import timezone

from cxlean.metrics.models import SurveySource
from cxlean.org.roles import COORDINATOR
from tests.factories import UnitFactory, UserFactory
from tests.metrics.test_webhooks import deliver, payload, response

pytestmark = pytest.mark.django_db

SOURCES = reverse("metrics:sources")
NEW = reverse("metrics:source_new")


def url(name: str, source: SurveySource) -> str:
    return reverse(f"metrics:{name}", args=[source.pk])


@pytest.fixture
def sales_source(sales_unit, nps) -> SurveySource:
    return SurveySource.objects.create(
        name="Säljenkäten", slug="salj", unit=sales_unit, id_path="id", metric=nps, score_path="s"
    )


def form_data(unit, **fields) -> dict:
    data = {
        "name": "Nytt verktyg",
        "slug": "nytt",
        "unit": unit.pk,
        "default_unit": "",
        "active": "on",
        "answers_path": "data.responses",
        "id_path": "response.id",
        "metric_path": "survey",
        "metric": "",
        "score_path": "response.nps.score",
        "unit_path": "",
        "touchpoint_path": "",
        "answered_at_path": "",
        "comment_path": "",
        "value_maps": '{"metric": {"Recommend": "nps"}}',
        "feedback_channel": "other",
    }
    return {**data, **fields}


def settings_of(source: SurveySource) -> dict:
    source.refresh_from_db()
    fields = ["name", "slug", "unit_id", "default_unit_id", "active", "id_path", "value_maps"]
    return {name: getattr(source, name) for name in [*fields, "secret"]}


# --- who sees what -------------------------------------------------------------------------


def test_the_list_shows_each_viewer_the_sources_they_may_see(
    as_user, bob, carol, maria, root, source, sales_source
):
    def names(user) -> set[str]:
        page = as_user(user).get(SOURCES)
        assert page.status_code == 200
        return {s.name for s in (source, sales_source) if s.name in page.content.decode()}

    assert names(bob) == {"Enkätverktyget"}
    assert names(carol) == {"Säljenkäten"}
    assert names(maria) == names(root) == {"Enkätverktyget", "Säljenkäten"}


def test_the_list_shows_the_webhook_address_and_what_the_source_received(as_user, bob, source):
    client = as_user(bob)
    page = client.get(SOURCES, language="en").content.decode()
    assert source.webhook_url() in page and source.secret not in page
    assert ">0</td>" in page and "Answers received" in page
    delivered, _body = deliver(source, payload(response(1), response(2)))
    assert delivered.status_code == 201, delivered.content
    deliver(source, payload(response(1), response(3)))  # one new, one already received
    page = client.get(SOURCES, language="en").content.decode()
    source.refresh_from_db()
    assert source.answers_received == 3 and source.last_delivery_at is not None
    assert ">3</td>" in page and f"{source.last_delivery_at:%Y-%m-%d}" in page
    assert source.history.count() == 1  # deliveries write no history of the source


@pytest.mark.parametrize("user", ["alice", "olivia"])
def test_employees_and_others_are_refused_every_page(as_user, request, source, user):
    client = as_user(request.getfixturevalue(user))
    for address in (SOURCES, NEW, url("source_detail", source), url("source_edit", source)):
        assert client.get(address).status_code == 403, address
    for name in ("source_rotate", "source_deactivate", "source_preview", "source_edit"):
        assert client.post(url(name, source)).status_code == 403, name
    assert settings_of(source)["active"]


def test_anonymous_people_are_sent_to_log_in(client, source):
    for address in (SOURCES, NEW, url("source_detail", source)):
        response = client.get(address)
        assert response.status_code == 302 and response["Location"].startswith(reverse("login"))
    assert client.post(url("source_rotate", source)).status_code == 302


def test_another_units_coordinator_can_neither_see_nor_change_a_source(as_user, carol, source):
    client = as_user(carol)
    before = settings_of(source)
    for name in ("source_detail", "source_edit", "source_rotate", "source_preview"):
        assert client.get(url(name, source)).status_code == 404, name
    for name in ("source_edit", "source_rotate", "source_deactivate", "source_preview"):
        assert client.post(url(name, source), {"payload": "{}"}).status_code == 404, name
    assert settings_of(source) == before
    assert "Enkätverktyget" not in client.get(SOURCES).content.decode()


def test_management_reads_a_source_without_buttons_and_changes_nothing(as_user, maria, source):
    client = as_user(maria)
    page = client.get(url("source_detail", source), language="en").content.decode()
    assert source.webhook_url() in page and source.secret not in page
    assert url("source_edit", source) not in page and url("source_rotate", source) not in page
    listing = client.get(SOURCES, language="en").content.decode()
    assert NEW not in listing and "Enkätverktyget" in listing
    before = settings_of(source)
    assert client.get(NEW).status_code == 403
    assert client.post(NEW, form_data(source.unit, slug="ny")).status_code == 403
    for name in ("source_edit", "source_rotate", "source_deactivate", "source_preview"):
        assert client.get(url(name, source)).status_code in (403, 405), name
        response = client.post(url(name, source), form_data(source.unit, name="Ändrad"))
        assert response.status_code == 403, name
    assert settings_of(source) == before and SurveySource.objects.count() == 1


def test_the_metric_tabs_link_to_the_sources_for_those_who_may_see_them(
    as_user, bob, maria, alice, metrics
):
    overview = reverse("metrics:overview")
    assert SOURCES in as_user(bob).get(overview).content.decode()
    assert SOURCES in as_user(maria).get(overview).content.decode()
    assert SOURCES not in as_user(alice).get(overview).content.decode()


def test_the_pages_link_to_the_manual(as_user, bob, source):
    page = as_user(bob).get(SOURCES).content.decode()
    assert reverse("help:chapter", args=["metrics"]) + "#survey-tools" in page


# --- adding and changing -------------------------------------------------------------------


def test_a_coordinator_adds_a_source_and_sees_its_secret_once(as_user, bob, service_unit, metrics):
    client = as_user(bob)
    assert client.get(NEW).status_code == 200
    response = client.post(NEW, form_data(service_unit), language="en")
    assert response.status_code == 200, response.content[:3000]
    source = SurveySource.objects.get(slug="nytt")
    page = response.content.decode()
    assert source.secret in page and source.webhook_url() in page
    assert "no-store" in response["Cache-Control"]
    assert source.secret not in str(response.cookies) and source.secret not in str(client.cookies)
    assert source.value_maps == {"metric": {"Recommend": "nps"}}
    for address in (SOURCES, url("source_detail", source), url("source_edit", source)):
        again = client.get(address)
        assert again.status_code == 200 and source.secret not in again.content.decode()


def test_an_emptied_value_maps_box_means_no_value_maps(as_user, bob, service_unit, metrics):
    response = as_user(bob).post(NEW, form_data(service_unit, value_maps=""))
    assert response.status_code == 200 and "form-errors" not in response.content.decode()
    assert SurveySource.objects.get(slug="nytt").value_maps == {}


def test_a_new_secret_is_asked_for_then_shown_once(as_user, bob, source):
    client = as_user(bob)
    old = source.secret
    confirm = client.get(url("source_rotate", source))
    assert confirm.status_code == 200 and old not in confirm.content.decode()
    assert settings_of(source)["secret"] == old  # asking changes nothing
    response = client.post(url("source_rotate", source))
    new = settings_of(source)["secret"]
    assert response.status_code == 200 and new != old
    assert new in response.content.decode() and old not in response.content.decode()
    assert "no-store" in response["Cache-Control"]
    assert new not in client.get(url("source_detail", source)).content.decode()


def test_a_coordinator_changes_a_source_but_not_its_slug(as_user, bob, source, service_team):
    data = form_data(
        source.unit, name="Omdöpt", slug="annat", default_unit=service_team.pk, value_maps="{}"
    )
    response = as_user(bob).post(url("source_edit", source), data)
    assert response.status_code == 302, response.content[:3000]
    after = settings_of(source)
    assert after["name"] == "Omdöpt" and after["slug"] == "enkat"
    assert after["default_unit_id"] == service_team.pk


def test_a_coordinator_deactivates_a_source(as_user, bob, source):
    client = as_user(bob)
    assert client.get(url("source_deactivate", source)).status_code == 405
    response = client.post(url("source_deactivate", source))
    assert response.status_code == 302 and not settings_of(source)["active"]
    assert source.history.first().active is False


@pytest.mark.parametrize(
    ("fields", "field"),
    [
        ({"value_maps": "{nope"}, "value_maps"),
        ({"value_maps": '{"colour": {}}'}, "value_maps"),
        ({"value_maps": '{"metric": {"x": [1]}}'}, "value_maps"),
        ({"metric_path": "", "metric": ""}, "metric_path"),
        ({"score_path": "a..b"}, "score_path"),
        ({"id_path": ""}, "id_path"),
        ({"slug": "enkat"}, "slug"),
        ({"slug": "inte en slug"}, "slug"),
        ({"feedback_channel": "pigeon"}, "feedback_channel"),
    ],
)
def test_bad_settings_are_form_errors_and_nothing_is_added(
    as_user, bob, source, service_unit, fields, field
):
    response = as_user(bob).post(NEW, form_data(service_unit, **fields))
    assert response.status_code == 200
    assert field in response.context["form"].errors, response.context["form"].errors
    assert list(SurveySource.objects.values_list("slug", flat=True)) == ["enkat"]


def test_the_default_unit_must_be_within_the_unit(as_user, bob, service_unit, metrics, company):
    department = UnitFactory(parent=service_unit)
    outside = UnitFactory(parent=company)
    client = as_user(bob)
    data = form_data(department, default_unit=service_unit.pk)  # above the unit
    response = client.post(NEW, data, language="en")
    assert "default_unit" in response.context["form"].errors
    assert "must be the unit or one below it" in response.content.decode()
    # A unit Bob does not coordinate is not a choice at all (the API's unit rule).
    response = client.post(NEW, form_data(service_unit, default_unit=outside.pk))
    assert "default_unit" in response.context["form"].errors
    response = client.post(NEW, form_data(outside))
    assert "unit" in response.context["form"].errors
    assert not SurveySource.objects.exists()


def test_bad_settings_on_a_change_change_nothing(as_user, bob, source):
    before = settings_of(source)
    data = form_data(source.unit, name="Ändrad", value_maps="[1, 2")
    response = as_user(bob).post(url("source_edit", source), data, language="en")
    assert response.status_code == 200 and "value_maps" in response.context["form"].errors
    assert settings_of(source) == before
    assert "<h1>Change Enkätverktyget</h1>" in response.content.decode()


# --- the sample payload --------------------------------------------------------------------


def test_a_sample_payload_shows_each_answer_and_what_cannot_be_mapped(
    as_user, bob, source, service_unit
):
    client = as_user(bob)
    assert client.get(url("source_preview", source)).status_code == 200
    sample = {
        "data": {
            "responses": [
                {"id": "a1", "survey": "Recommend", "answer": {"value": 9}, "submitted": 0},
                {"id": "a2", "survey": "Recommend", "submitted": 0},
            ]
        }
    }
    response = client.post(
        url("source_preview", source), {"payload": json.dumps(sample)}, language="en"
    )
    page = response.content.decode()
    assert response.status_code == 200
    assert "a1" in page and "Answer 2 · score: Nothing at “answer.value”" in page
    assert '<th scope="row">1</th>' in page and '<th scope="row">0</th>' not in page
    assert response.context["rows"][0][1]["unit"] == service_unit.pk
    assert (
        '<td data-label="Unit">Kundservice</td>'
        in client.post(
            url("source_preview", source), {"payload": json.dumps(sample)}, language="en"
        ).content.decode()
    )
    assert response.context["rows"][1][1] is None
    assert not service_unit.survey_answers.exists()


@pytest.mark.parametrize(
    ("payload", "message"),
    [("{nope", "This is not JSON."), ('{"other": []}', "Nothing at “data.responses”.")],
)
def test_a_bad_sample_payload_is_a_form_error(as_user, bob, source, payload, message):
    response = as_user(bob).post(url("source_preview", source), {"payload": payload}, language="en")
    assert response.status_code == 200
    assert response.context["form"].errors["payload"] == [message]
    assert not response.context["tried"]


# --- query counts --------------------------------------------------------------------------


def test_the_list_keeps_its_query_count(as_user, bob, maria, nps, service_unit, count_queries):
    def grow(count: int) -> None:
        for _n in range(count):
            unit = UnitFactory(parent=service_unit)
            number = SurveySource.objects.count()
            SurveySource.objects.create(
                name=f"Källa {number}",
                slug=f"kalla-{number}",
                unit=unit,
                default_unit=unit,
                id_path="id",
                metric=nps,
                score_path="s",
                answers_received=number,
                last_delivery_at=timezone.now(),
            )

    for viewer in (bob, maria):
        client = as_user(viewer)
        grow(1)
        small = count_queries(client, SOURCES)
        shown = len(count_queries.result.context["sources"])
        grow(5)
        assert count_queries(client, SOURCES) == small
        assert len(count_queries.result.context["sources"]) == shown + 5


def test_a_team_coordinator_reads_the_source_above_but_cannot_change_it(
    as_user, source, service_team
):
    dave = UserFactory(username="dave", role=COORDINATOR, unit=service_team)
    client = as_user(dave)
    before = settings_of(source)
    page = client.get(url("source_detail", source)).content.decode()
    assert source.webhook_url() in page and url("source_edit", source) not in page
    for name in ("source_edit", "source_rotate", "source_deactivate", "source_preview"):
        assert client.post(url(name, source), form_data(source.unit)).status_code == 403, name
    assert settings_of(source) == before


def test_the_list_filters_by_unit_and_activity(as_user, maria, source, sales_source, sales_unit):
    SurveySource.objects.filter(pk=sales_source.pk).update(active=False)
    client = as_user(maria)

    def shown(**params) -> list[str]:
        return [source.slug for source in client.get(SOURCES, params).context["sources"]]

    assert shown() == ["enkat", "salj"]
    assert shown(active="false") == ["salj"]
    assert shown(active="true") == ["enkat"]
    assert shown(unit=sales_unit.pk) == ["salj"]
    assert shown(unit="nonsense") == ["enkat", "salj"]  # not understood: ignored


def test_the_api_and_the_admin_show_what_a_source_received_and_nobody_sets_it(as_user, bob, source):
    deliver(source, payload(response(1)))
    client = as_user(bob)
    address = f"/api/v1/survey-sources/{source.pk}/"
    read = client.get(address).json()
    assert read["answers_received"] == 1 and read["last_delivery_at"]
    patched = client.patch(address, {"answers_received": 99}, content_type="application/json")
    assert patched.status_code == 200 and patched.json()["answers_received"] == 1
    admin_page = client.get(reverse("admin:metrics_surveysource_change", args=[source.pk]))
    assert admin_page.status_code == 200 and "answers_received" in admin_page.content.decode()
