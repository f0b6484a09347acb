"""The shell every page shares: login, logout, language, navigation by role, errors."""

import pytest
from django.core.exceptions import PermissionDenied
from django.template import loader
from django.urls import reverse
from django.views.defaults import permission_denied

from tests.factories import PASSWORD, GuideStepFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def every_page_url(company):
    step = GuideStepFactory(number=1)
    return [
        reverse("home"),
        reverse("guide:index"),
        reverse("guide:step", args=[step.number]),
        reverse("org:units"),
        reverse("org:roles"),
        reverse("org:unit", args=[company.pk]),
    ]


def test_anonymous_is_sent_to_login_from_every_page(client, every_page_url):
    for url in every_page_url:
        response = client.get(url)
        assert response.status_code == 302, url
        assert response["Location"] == f"{reverse('login')}?next={url}"


def test_login_page_is_open_and_offers_the_language_switch(client):
    response = client.get(reverse("login"))
    html = response.content.decode()
    assert response.status_code == 200
    assert f'action="{reverse("core:set-language")}"' in html
    assert 'name="language" value="en"' in html
    assert 'autocomplete="current-password"' in html
    assert reverse("org:units") not in html  # no navigation before login


def test_anonymous_can_switch_language_on_the_login_page(client):
    response = client.post(
        reverse("core:set-language"), {"language": "en", "next": reverse("login")}
    )
    assert response.status_code == 302
    assert response["Location"] == reverse("login")
    assert response.cookies["django_language"].value == "en"
    assert '<html lang="en">' in client.get(reverse("login")).content.decode()


def test_pages_are_swedish_even_when_the_browser_prefers_english(alice, as_user):
    html = as_user(alice).get("/", HTTP_ACCEPT_LANGUAGE="en-US,en;q=0.9").content.decode()
    assert '<html lang="sv">' in html
    assert "Logga ut" in html and "Log out" not in html


def test_chosen_english_is_kept_on_every_page(alice, as_user):
    client = as_user(alice)
    client.post(reverse("core:set-language"), {"language": "en", "next": "/"})
    html = client.get(reverse("guide:index")).content.decode()
    assert '<html lang="en">' in html
    assert "Log out" in html and "Logga ut" not in html


def test_language_switch_refuses_to_redirect_off_site(client):
    response = client.post(
        reverse("core:set-language"), {"language": "en", "next": "https://evil.example/"}
    )
    assert response.status_code == 302
    assert "evil.example" not in response["Location"]


def test_login_lands_on_the_start_page(client, alice):
    response = client.post(
        reverse("login"), {"username": "alice", "password": PASSWORD}, follow=True
    )
    assert response.redirect_chain[-1][0] == reverse("home")
    assert "Alice" in response.content.decode()


def test_wrong_password_shows_an_error_and_stays_on_login(client, alice):
    response = client.post(reverse("login"), {"username": "alice", "password": "nope"})
    assert response.status_code == 200
    assert 'role="alert"' in response.content.decode()
    assert "_auth_user_id" not in client.session


def test_logout_is_a_post_form_in_the_header(alice, as_user):
    html = as_user(alice).get(reverse("home")).content.decode()
    assert f'<form method="post" action="{reverse("logout")}">' in html


def test_logout_by_post_ends_the_session(alice, as_user):
    client = as_user(alice)
    response = client.post(reverse("logout"))
    assert response.status_code == 302
    assert client.get(reverse("home")).status_code == 302


def test_logout_by_get_is_refused(alice, as_user):
    client = as_user(alice)
    assert client.get(reverse("logout")).status_code == 405
    assert client.get(reverse("home")).status_code == 200


def test_employee_sees_the_daily_pages_but_no_admin_links(alice, as_user):
    html = as_user(alice).get(reverse("home")).content.decode()
    for name in ("home", "guide:index", "org:units", "checklists:mine", "gemba:list"):
        assert f'href="{reverse(name)}"' in html, name
    assert f'href="{reverse("admin:index")}"' not in html
    assert f'href="{reverse("api-docs")}"' not in html


@pytest.mark.parametrize("person", ["bob", "maria", "root"])
def test_coordinators_management_and_superusers_see_admin_and_api_docs(person, request, as_user):
    user = request.getfixturevalue(person)
    html = as_user(user).get(reverse("home")).content.decode()
    assert f'href="{reverse("admin:index")}"' in html
    assert f'href="{reverse("api-docs")}"' in html


def test_navigation_links_to_the_rollout_plans(alice, as_user):
    html = as_user(alice).get(reverse("home")).content.decode()
    assert f'href="{reverse("plans:list")}"' in html


def test_navigation_marks_the_current_section(alice, as_user):
    html = as_user(alice).get(reverse("gemba:list")).content.decode()
    assert f'<a href="{reverse("gemba:list")}" aria-current="page">' in html
    assert f'<a href="{reverse("checklists:mine")}" aria-current="page">' not in html


def test_the_cx_roles_are_reached_from_the_organisation(alice, as_user):
    client = as_user(alice)
    assert f'href="{reverse("org:roles")}"' in client.get(reverse("org:units")).content.decode()
    html = client.get(reverse("org:roles")).content.decode()
    assert f'<a href="{reverse("org:units")}" aria-current="page">' in html


def test_pages_have_landmarks_a_skip_link_and_no_cdn(alice, as_user):
    html = as_user(alice).get(reverse("home")).content.decode()
    assert 'href="#main"' in html and '<main id="main"' in html
    assert "<header" in html and "<nav" in html and "<footer" in html
    assert 'hx-headers=\'{"X-CSRFToken": "' in html
    assert '<script src="/static/django_htmx/htmx' in html
    assert "https://" not in html.split("</head>")[0]


def test_user_name_is_shown(alice, as_user):
    assert "Alice" in as_user(alice).get(reverse("guide:index")).content.decode()


def test_unknown_page_is_a_friendly_404(alice, as_user, english):
    response = as_user(alice).get("/no-such-page/", **english)
    assert response.status_code == 404
    html = response.content.decode()
    assert "Page not found" in html and 'href="/"' in html


def test_server_error_page_renders_without_request_or_database(django_assert_num_queries):
    with django_assert_num_queries(0):
        html = loader.get_template("500.html").render({})
    assert "Något gick fel" in html


def test_forbidden_page_explains_and_links_home(rf, alice):
    request = rf.get("/somewhere/")
    request.user = alice
    response = permission_denied(request, PermissionDenied())
    html = response.content.decode()
    assert response.status_code == 403
    assert "Du har inte åtkomst till den här sidan" in html and 'href="/"' in html
