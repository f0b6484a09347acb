"""How errors look and are logged: the app's own 404 page also with DEBUG on (the demo),
one log line for a refused request (403), a traceback for a server error (500)."""

import logging

import pytest
from django.core.exceptions import PermissionDenied
from django.http import HttpResponse, HttpResponseNotAllowed
from django.test import Client
from django.urls import include, path, reverse
from django.utils.log import AdminEmailHandler
from django.views.decorators.http import require_POST

pytestmark = pytest.mark.django_db


def forbidden(request):
    raise PermissionDenied("Only the unit's coordinator may do that.\nReally.")


def broken(request):
    raise RuntimeError("boom")


def own_not_found(request):
    return HttpResponse("nothing here, says the view", status=404)


@require_POST
def takes_a_form(request):
    return HttpResponse("sent")


def own_not_allowed(request):
    return HttpResponseNotAllowed(["POST"], "only a form, says the view")


urlpatterns = [
    path("forbidden/", forbidden),
    path("broken/", broken),
    path("own-not-found/", own_not_found),
    path("form/", takes_a_form),
    path("api/v1/form/", takes_a_form),
    path("own-not-allowed/", own_not_allowed),
    path("", include("cxlean.urls")),
]


@pytest.fixture
def debug(settings):
    settings.DEBUG = True


@pytest.fixture
def these_urls(settings):
    settings.ROOT_URLCONF = __name__


def request_records(caplog):
    return [record for record in caplog.records if record.name == "django.request"]


@pytest.mark.parametrize("url", ["/no-such-page/", "/organisation/999999/", "/admin/no-such-app/"])
def test_with_debug_on_a_404_is_the_apps_page_not_djangos(root, as_user, english, debug, url):
    response = as_user(root).get(url, **english)
    html = response.content.decode()
    assert response.status_code == 404
    assert "Page not found" in html and 'href="/"' in html
    assert "URLconf" not in html and "Django tried" not in html


def test_with_debug_on_an_anonymous_visitor_gets_the_apps_404_too(client, debug):
    response = client.get("/no-such-page/")
    assert response.status_code == 404
    assert "Sidan hittades inte" in response.content.decode()


@pytest.mark.parametrize("url", ["/api/v1/no-such-thing/", "/api/v1/plans/999999/"])
def test_with_debug_on_the_api_still_answers_json_404(alice, as_user, debug, url):
    response = as_user(alice).get(url)
    assert response.status_code == 404
    assert response["Content-Type"] == "application/json"
    assert "detail" in response.json()


def test_with_debug_on_a_missing_slash_still_redirects(alice, as_user, debug):
    response = as_user(alice).get("/plans")
    assert response.status_code == 301 and response["Location"] == reverse("plans:list")


def test_a_404_a_view_returns_itself_is_left_alone(alice, as_user, debug, these_urls):
    response = as_user(alice).get("/own-not-found/")
    assert response.status_code == 404
    assert response.content == b"nothing here, says the view"


@pytest.mark.parametrize("debug_on", [True, False])
def test_a_form_address_opened_as_a_page_says_so(alice, as_user, these_urls, settings, debug_on):
    settings.DEBUG = debug_on
    response = as_user(alice).get("/form/")
    assert response.status_code == 405 and response["Allow"] == "POST"
    html = response.content.decode()
    assert "Sidan kan inte öppnas så här" in html and 'href="/"' in html
    assert as_user(alice).post("/form/").content == b"sent"


def test_a_form_address_of_the_api_answers_json_405(alice, as_user, these_urls):
    response = as_user(alice).get("/api/v1/form/", HTTP_ACCEPT_LANGUAGE="en")
    assert response.status_code == 405 and response["Allow"] == "POST"
    assert response.json() == {"detail": 'Method "GET" not allowed.'}


def test_a_405_with_a_body_of_its_own_is_left_alone(alice, as_user, these_urls):
    response = as_user(alice).get("/own-not-allowed/")
    assert (response.status_code, response.content) == (405, b"only a form, says the view")


def test_a_real_form_address_opened_as_a_page_says_so_in_english(alice, as_user, english):
    response = as_user(alice).get(reverse("notifications:calendar"), **english)
    assert response.status_code == 405
    assert "This page cannot be opened this way" in response.content.decode()


def test_a_403_is_logged_as_one_line_without_traceback(alice, as_user, these_urls, caplog):
    with caplog.at_level(logging.INFO):
        response = as_user(alice).get("/forbidden/?x=1")
    assert response.status_code == 403
    [record] = request_records(caplog)
    assert record.levelno == logging.WARNING
    assert record.exc_info is None and record.exc_text is None
    assert record.getMessage() == (
        f"Forbidden: GET /forbidden/ (user {alice.pk}): "
        "Only the unit's coordinator may do that. Really."
    )
    assert "Traceback" not in caplog.text


def test_a_403_of_a_real_page_names_the_page_and_the_user(alice, as_user, caplog):
    with caplog.at_level(logging.INFO):
        response = as_user(alice).get(reverse("competence:matrix"))
    assert response.status_code == 403
    [record] = request_records(caplog)
    assert record.getMessage().startswith(f"Forbidden: GET /competence/matrix/ (user {alice.pk}): ")
    assert "Traceback" not in caplog.text


def test_a_500_keeps_its_traceback(alice, these_urls, caplog):
    client = Client(raise_request_exception=False)
    client.force_login(alice)
    with caplog.at_level(logging.INFO):
        response = client.get("/broken/")
    assert response.status_code == 500
    [record] = request_records(caplog)
    assert record.levelno == logging.ERROR
    assert record.exc_info is not None and isinstance(record.exc_info[1], RuntimeError)
    assert "Traceback" in caplog.text and "RuntimeError: boom" in caplog.text


def test_django_records_are_written_once():
    """Only the root logger writes to the console; the "django" logger only mails
    ADMINS (its console handler would repeat every record, traceback and all, in DEBUG)."""
    django_logger = logging.getLogger("django")
    assert django_logger.propagate
    assert all(isinstance(handler, AdminEmailHandler) for handler in django_logger.handlers)
    assert not logging.getLogger("django.request").handlers
