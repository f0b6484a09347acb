"""Bad requests get a 400 with a message in words, never a 500 or a Python repr.

Deeply nested JSON, datetime filters whose offset the database cannot take, NUL bytes
in admin filters, partial nested items, the browsable renderer, and deletions that
other rows still refer to. With DEBUG off, API errors are JSON, not HTML pages.
"""

import datetime as dt
import json

import pytest
from django.test import Client
from django.urls import reverse

from cxlean.competence.models import Requirement
from cxlean.maturity.models import LevelDescriptor
from tests.api.conftest import api_client
from tests.checklists.factories import AssignmentFactory, TemplateFactory
from tests.factories import (
    PASSWORD,
    CompetenceActivityFactory,
    CXRoleFactory,
    RequirementFactory,
    UserFactory,
)
from tests.maturity.factories import QuestionFactory
from tests.openapi import openapi_schema

pytestmark = pytest.mark.django_db

NESTED = "[" * 5000 + "]" * 5000


def assert_words(response, *fragments):
    """A 400 whose JSON holds the fragments and no Python repr."""
    text = response.content.decode()
    assert response["Content-Type"].startswith("application/json"), text
    for fragment in fragments:
        assert fragment in text, text
    for repr_hint in ("<", "Traceback", "Error(", "instances of model", "IntegrityError"):
        assert repr_hint not in text, text


# --- deeply nested JSON ------------------------------------------------------------------


def test_deeply_nested_json_to_the_anonymous_token_endpoint_is_a_400():
    response = Client().post(reverse("api-token"), NESTED, content_type="application/json")
    assert response.status_code == 400
    assert "JSON" in response.json()["detail"]


def test_deeply_nested_json_to_any_endpoint_is_a_400(bob, service_unit):
    response = api_client(bob).post(reverse("plan-list"), NESTED, content_type="application/json")
    assert response.status_code == 400
    nested_object = '{"a":' * 3000 + "1" + "}" * 3000
    response = api_client(bob).post(
        reverse("plan-list"), nested_object, content_type="application/json"
    )
    assert response.status_code == 400


def test_moderately_nested_json_is_still_read(bob, service_unit):
    response = api_client(bob).post(
        reverse("plan-list"),
        json.dumps({"name": "Plan", "unit": service_unit.pk, "extra": [[[[[[1]]]]]]}),
        content_type="application/json",
    )
    assert response.status_code in (201, 400)
    assert "JSON" not in response.content.decode()


# --- datetime filters --------------------------------------------------------------------


DATETIME_FILTERS = [
    ("checklist-assignment-list", "assigned_after"),
    ("checklist-assignment-list", "assigned_before"),
    ("checklist-completion-list", "done_after"),
    ("checklist-completion-list", "done_before"),
    ("gemba-walk-list", "planned_from"),
    ("gemba-walk-list", "planned_before"),
    ("gemba-observation-list", "created_from"),
    ("gemba-observation-list", "created_before"),
]


@pytest.mark.parametrize(("endpoint", "param"), DATETIME_FILTERS)
@pytest.mark.parametrize("value", ["2026-01-01T00:00:00+16:00", "2026-01-01T00:00:00-23:59"])
def test_datetime_filters_read_any_offset_as_the_same_instant(bob, endpoint, param, value):
    # PostgreSQL stores offsets up to ±15:59 only: the filter states the instant in UTC.
    response = api_client(bob).get(reverse(endpoint), {param: value})
    assert response.status_code == 200, response.content


@pytest.mark.parametrize(("endpoint", "param"), DATETIME_FILTERS)
@pytest.mark.parametrize("value", ["9999-12-31T23:59:59-05:00", "0001-01-01T00:30:00+01:00"])
def test_datetime_filters_outside_the_years_1_to_9999_are_a_400(bob, endpoint, param, value):
    response = api_client(bob).get(reverse(endpoint), {param: value})
    assert response.status_code == 400, response.content
    assert param in response.json()


def test_a_datetime_filter_finds_the_same_rows_whatever_the_offset(bob, service_unit):
    from tests.checklists.factories import AssignmentFactory as Assignments

    assignment = Assignments(unit=service_unit)
    created = assignment.created_at
    client = api_client(bob)
    for offset in ("+16:00", "-20:00", "+00:00"):
        zone = dt.timezone(dt.timedelta(hours=int(offset[:3])))
        value = (created - dt.timedelta(minutes=1)).astimezone(zone)
        response = client.get(
            reverse("checklist-assignment-list"),
            {"assigned_after": value.isoformat(), "unit": service_unit.pk},
        )
        assert response.status_code == 200, response.content
        assert [row["id"] for row in response.json()["results"]] == [assignment.pk]


def test_every_api_datetime_filter_is_the_safe_one():
    from django import forms

    from cxlean.api_urls import router
    from cxlean.core.filters import IsoDateTimeField

    unsafe = [
        f"{prefix}: {name}"
        for prefix, viewset, _ in router.registry
        if getattr(viewset, "filterset_class", None)
        for name, declared in viewset.filterset_class.base_filters.items()
        if issubclass(declared.field_class, forms.DateTimeField)
        and not issubclass(declared.field_class, IsoDateTimeField)
    ]
    assert unsafe == []


# --- NUL bytes in admin changelist filters -----------------------------------------------


@pytest.mark.parametrize(
    "url",
    [
        "/admin/backlog/item/?status=%00",
        "/admin/backlog/item/?q=a%00b",
        "/admin/org/unit/?parent__id__exact=%00",
        "/admin/checklists/assignment/?unit__id__exact=1%00",
        "/admin/plans/plan/?q=%00",
        "/admin/competence/record/?o=%00",
    ],
)
def test_a_nul_byte_in_an_admin_filter_is_refused_with_a_message(url):
    UserFactory(username="root", is_staff=True, is_superuser=True)
    client = Client()
    assert client.login(username="root", password=PASSWORD)
    response = client.get(url)
    assert response.status_code == 400
    assert "NUL" in response.content.decode()
    assert b"Traceback" not in response.content


def test_a_nul_byte_in_an_api_query_is_a_json_400(bob):
    response = api_client(bob).get("/api/v1/improvements/?status=%00")
    assert response.status_code == 400
    assert response["Content-Type"].startswith("application/json")


# --- partial nested items ----------------------------------------------------------------


def first_item(errors):
    """The first item's errors (a PATCH keys a nested list's errors by position)."""
    return errors["0"] if isinstance(errors, dict) else errors[0]


def test_patch_with_a_requirement_without_role_is_a_400(olivia):
    activity = CompetenceActivityFactory()
    role = CXRoleFactory()
    RequirementFactory(activity=activity, role=role, level=3)
    url = reverse("competence-activity-detail", args=[activity.pk])
    response = api_client(olivia).patch(url, {"requirements": [{"level": 2}]}, format="json")
    assert response.status_code == 400, response.content
    assert "role" in first_item(response.json()["requirements"])
    assert Requirement.objects.get(activity=activity).level == 3


def test_patch_with_a_requirement_without_level_takes_the_default(olivia):
    activity = CompetenceActivityFactory()
    role = CXRoleFactory()
    url = reverse("competence-activity-detail", args=[activity.pk])
    response = api_client(olivia).patch(url, {"requirements": [{"role": role.pk}]}, format="json")
    assert response.status_code == 200, response.content
    assert Requirement.objects.get(activity=activity, role=role).level == 3  # U


def test_patch_with_a_descriptor_without_level_is_a_400(olivia):
    question = QuestionFactory()
    before = list(LevelDescriptor.objects.filter(question=question).values_list("text_en"))
    url = reverse("maturity-question-detail", args=[question.pk])
    response = api_client(olivia).patch(url, {"descriptors": [{"text_en": "x"}]}, format="json")
    assert response.status_code == 400, response.content
    errors = first_item(response.json()["descriptors"])
    assert "level" in errors and "text_sv" in errors
    after = list(LevelDescriptor.objects.filter(question=question).values_list("text_en"))
    assert after == before


def test_every_writable_nested_list_reads_its_items_whole():
    from rest_framework import serializers

    from cxlean.api_urls import router
    from cxlean.core.api import WholeItemsListSerializer

    partial_lists = []
    for prefix, viewset, _ in router.registry:
        serializer_class = getattr(viewset, "serializer_class", None)
        writes = hasattr(viewset, "create") or hasattr(viewset, "update")
        if serializer_class is None or not writes:
            continue
        for name, field in serializer_class().fields.items():
            if (
                isinstance(field, serializers.ListSerializer)
                and not field.read_only
                and not isinstance(field, WholeItemsListSerializer)
            ):
                partial_lists.append(f"{prefix}: {name}")
    assert partial_lists == []


# --- the browsable renderer --------------------------------------------------------------


def list_routes():
    from cxlean.api_urls import router

    return [basename for _, viewset, basename in router.registry if hasattr(viewset, "list")]


SUPERUSERS_ONLY = {"claim-mapping"}


@pytest.mark.parametrize("basename", list_routes())
def test_every_list_renders_in_the_browsable_api(bob, root, basename):
    reader = root if basename in SUPERUSERS_ONLY else bob
    response = api_client(reader).get(reverse(f"{basename}-list"), {"format": "api"})
    assert response.status_code in (200, 400), response.content[:500]
    assert b"<html" in response.content


# --- deletions that other rows refer to --------------------------------------------------


def test_deleting_a_cx_role_in_use_names_what_uses_it_in_words(root):
    role = CXRoleFactory()
    TemplateFactory(role=role)
    TemplateFactory(role=role)
    AssignmentFactory(template=TemplateFactory(role=role), role=role)
    response = api_client(root).delete(
        reverse("cx-role-detail", args=[role.pk]), HTTP_ACCEPT_LANGUAGE="en"
    )
    assert response.status_code == 400
    assert_words(response, "still used by 3 checklist templates and 1 ")
    assert "CXRole" not in response.content.decode()


def test_the_deletion_message_is_translated(root):
    role = CXRoleFactory()
    TemplateFactory(role=role)
    client = api_client(root)
    response = client.delete(reverse("cx-role-detail", args=[role.pk]), HTTP_ACCEPT_LANGUAGE="sv")
    assert response.status_code == 400
    # The models' names are in the request's language (the sentence too, once the
    # Swedish catalogue has it).
    assert_words(response, "1 checklistmall")


def test_viewsets_with_their_own_deletion_rule_say_what_blocks_it(root, service_unit):
    from tests.maturity.factories import DimensionFactory
    from tests.metrics.factories import SurveyAnswerFactory, TargetFactory

    client = api_client(root)
    dimension = DimensionFactory()
    QuestionFactory(dimension=dimension)
    response = client.delete(
        reverse("maturity-dimension-detail", args=[dimension.pk]), HTTP_ACCEPT_LANGUAGE="en"
    )
    assert response.status_code == 400
    assert_words(response, "still used by 1 ", "Make it inactive instead.")

    target = TargetFactory(unit=service_unit)
    SurveyAnswerFactory(metric=target.metric, unit=service_unit)
    SurveyAnswerFactory(metric=target.metric, unit=service_unit)
    response = client.delete(
        reverse("metric-detail", args=[target.metric.pk]), HTTP_ACCEPT_LANGUAGE="en"
    )
    assert response.status_code == 400
    assert_words(response, "still used by 2 ", " and 1 ")


def test_an_integrity_error_does_not_show_database_text():
    from django.db import IntegrityError

    from cxlean.core.api import exception_handler

    response = exception_handler(
        IntegrityError('duplicate key value violates unique constraint "x_pkey"'), {}
    )
    assert response.status_code == 400
    assert "constraint" not in str(response.data)
    assert "pkey" not in str(response.data)


# --- DEBUG off ---------------------------------------------------------------------------


def test_an_unknown_api_path_is_a_json_404_with_debug_off(settings, bob):
    settings.DEBUG = False
    response = api_client(bob).get("/api/v1/no-such-thing/")
    assert response.status_code == 404
    assert response["Content-Type"].startswith("application/json")
    assert "detail" in response.json()


def test_an_unexpected_api_error_is_a_json_500_without_internals(settings, bob, monkeypatch):
    settings.DEBUG = False
    from cxlean.org.api import views

    def explode(self):
        raise RuntimeError("secret internals")

    monkeypatch.setattr(views.UnitViewSet, "get_queryset", explode)
    client = api_client(bob)
    client.raise_request_exception = False
    response = client.get(reverse("unit-list"))
    assert response.status_code == 500
    assert response["Content-Type"].startswith("application/json")
    assert "secret" not in response.content.decode()
    assert response.json()["detail"]


def test_web_pages_keep_their_html_404_with_debug_off(settings, client):
    settings.DEBUG = False
    response = client.get("/no-such-page/")
    assert response.status_code == 404
    assert response["Content-Type"].startswith("text/html")


# --- the OpenAPI description ---------------------------------------------------------------


@pytest.fixture(scope="module")
def openapi():
    return openapi_schema()


def test_a_name_read_through_an_empty_relation_is_nullable(openapi):
    walk = openapi["components"]["schemas"]["Walk"]["properties"]
    assert walk["touchpoint_name"]["nullable"] is True
    assert openapi["components"]["schemas"]["ExportJob"]["properties"]["download_url"]["nullable"]


def test_times_of_day_have_a_pattern_not_the_offset_time_format(openapi):
    start_time = openapi["components"]["schemas"]["Schedule"]["properties"]["start_time"]
    assert "format" not in start_time
    assert start_time["pattern"].startswith("^")


def test_integer_choices_are_integer_enums(openapi):
    severity = openapi["components"]["schemas"]["SeverityEnum"]
    assert severity["type"] == "integer" and severity["enum"] == [1, 2, 3]


def test_every_operation_declares_its_errors(openapi):
    for path, operations in openapi["paths"].items():
        for method, operation in operations.items():
            assert {"400", "403", "404"} <= set(operation["responses"]), (method, path)


def test_an_unscored_improvement_has_a_null_quadrant(bob, service_unit):
    response = api_client(bob).post(
        reverse("improvement-list"),
        {"title": "Shorter queue", "unit": service_unit.pk},
        format="json",
    )
    assert response.status_code == 201, response.content
    assert response.json()["quadrant"] is None


# --- admin actions on ids that are not ids -----------------------------------------------


@pytest.mark.parametrize(
    "url", ["/admin/backlog/item/", "/admin/org/unit/", "/admin/auth/user/", "/admin/auth/group/"]
)
@pytest.mark.parametrize("selected", ["abc", "1\u00a0", "99999999999999999999999"])
def test_an_admin_action_on_a_tampered_selection_is_not_a_server_error(url, selected):
    UserFactory(username="root", is_staff=True, is_superuser=True)
    client = Client()
    assert client.login(username="root", password=PASSWORD)
    response = client.post(
        url, {"action": "delete_selected", "_selected_action": [selected]}, follow=True
    )
    assert response.status_code == 200
    if selected == "abc":
        page = response.content.decode()
        assert "nothing was done" in page or "inget gjordes" in page
