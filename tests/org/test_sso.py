"""Single sign-on against a real OpenID Connect provider (django-oauth-toolkit, started by
the `oidc_provider` fixture): the redirect, the code exchange, the ID token's checks,
the claim mappings, refusals, logging out and local passwords."""

from urllib.parse import parse_qs, urlsplit

import pytest
import requests
from django.contrib.auth.models import Group, User
from django.contrib.messages import get_messages
from django.utils import translation
from django.utils.translation import gettext

from cxlean.org import sso
from cxlean.org.models import ClaimMapping, EmailChange, SignInEvent, SSOIdentity, Surface
from cxlean.org.roles import COORDINATOR, CX_OWNER, EMPLOYEE
from cxlean.org.sso_people import CHANGE_REASON
from tests.factories import PASSWORD, CXRoleFactory
from tests.org.sso_helpers import PROVIDER_NAME, configure, sign_in

What = SignInEvent.What
pytestmark = pytest.mark.django_db


@pytest.fixture
def provider(settings, oidc_provider):
    configure(settings, oidc_provider)
    return oidc_provider


@pytest.fixture
def ambassador(db):
    return CXRoleFactory(slug="cx-ambassador", name_sv="CX-ambassadör", name_en="CX ambassador")


@pytest.fixture
def mappings(service_unit, sales_unit, ambassador):
    return [
        ClaimMapping.objects.create(claim="groups", value="cx-coordinators", role=COORDINATOR),
        ClaimMapping.objects.create(claim="department", value="service", unit=service_unit),
        ClaimMapping.objects.create(claim="department", value="sales", unit=sales_unit),
        ClaimMapping.objects.create(claim="groups", value="cx-ambassadors", cx_role=ambassador),
        ClaimMapping.objects.create(claim="groups", value="contractors", refuse=True),
    ]


def anna_at_provider(provider, **values) -> str:
    details = {
        "email": "anna.berg@example.org",
        "first_name": "Anna",
        "last_name": "Berg",
        "claims": {"groups": ["cx-coordinators", "cx-ambassadors"], "department": "service"},
        **values,
    }
    return provider.person("anna", **details)


def messages_of(response) -> list[str]:
    return [str(message) for message in get_messages(response.wsgi_request)]


def swedish(message) -> str:
    with translation.override("sv"):
        return str(message())


def test_first_sign_in_creates_the_person_with_mapped_role_unit_and_cx_roles(
    client, provider, mappings, service_unit, ambassador
):
    subject = anna_at_provider(provider)

    response = sign_in(client, provider, "anna")

    assert response.status_code == 302 and response["Location"] == "/"
    anna = User.objects.get(email="anna.berg@example.org")
    assert (anna.first_name, anna.last_name) == ("Anna", "Berg")
    assert not anna.has_usable_password()
    assert set(anna.groups.values_list("name", flat=True)) == {COORDINATOR}
    assert anna.is_staff
    assert anna.profile.unit == service_unit
    assert list(anna.profile.cx_roles.all()) == [ambassador]
    assert SSOIdentity.objects.get(user=anna).subject == subject
    assert client.get("/").context["user"] == anna
    audit = {(row.what, row.surface, row.actor_id) for row in anna.sign_in_events.all()}
    assert audit == {
        (What.CREATED, Surface.SSO, None),
        (What.ROLE_GRANTED, Surface.SSO, None),
        (What.LOGGED_IN, Surface.SSO, anna.pk),
    }


def test_a_second_sign_in_updates_name_email_role_unit_and_cx_roles(
    client, provider, mappings, sales_unit, ambassador
):
    anna_at_provider(provider)
    sign_in(client, provider, "anna")
    anna = User.objects.get(email="anna.berg@example.org")
    anna.groups.add(Group.objects.get(name=CX_OWNER))  # given in cxlean; no mapping names it
    EmailChange.objects.create(user=anna, new_email="typed@example.org", surface=Surface.WEB)
    anna_at_provider(
        provider,
        email="anna.lind@example.org",
        last_name="Lind",
        claims={"groups": ["everyone"], "department": "sales"},
    )

    response = sign_in(type(client)(), provider, "anna")

    assert response.status_code == 302
    anna.refresh_from_db()
    assert (anna.last_name, anna.email) == ("Lind", "anna.lind@example.org")
    assert not EmailChange.objects.filter(user=anna).exists()  # the provider's address wins
    assert set(anna.groups.values_list("name", flat=True)) == {CX_OWNER}
    assert anna.profile.unit == sales_unit
    assert list(anna.profile.cx_roles.all()) == []
    assert User.objects.filter(email__startswith="anna").count() == 1
    changes = anna.sign_in_events.filter(surface=Surface.SSO, actor=None)
    assert {(row.what, row.old_value, row.new_value) for row in changes} >= {
        (What.EMAIL_CHANGED, "anna.berg@example.org", "anna.lind@example.org"),
        (What.ROLE_REMOVED, COORDINATOR, ""),
    }
    history = anna.profile.history.first()
    assert history.history_change_reason == CHANGE_REASON


def test_someone_already_in_cxlean_is_found_by_their_email_address(client, provider, alice):
    provider.person("alice.at.provider", email=alice.email, first_name="Alice", last_name="Ek")

    response = sign_in(client, provider, "alice.at.provider")

    assert response.status_code == 302
    assert client.get("/").context["user"] == alice
    alice.refresh_from_db()
    assert alice.last_name == "Ek" and alice.has_usable_password()  # no mapping: roles stay
    assert set(alice.groups.values_list("name", flat=True)) == {EMPLOYEE}
    assert alice.sign_in_events.filter(what=What.SSO_LINKED, surface=Surface.SSO).exists()


def test_a_new_person_without_mapped_roles_is_an_employee_without_a_unit(client, provider):
    provider.person("nils", email="nils@example.org", first_name="Nils")

    sign_in(client, provider, "nils")

    nils = User.objects.get(email="nils@example.org")
    assert set(nils.groups.values_list("name", flat=True)) == {EMPLOYEE}
    assert not hasattr(nils, "profile") and not nils.is_staff


@pytest.mark.parametrize("spoil", ["audience", "expired", "signature", "issuer"])
def test_a_wrong_id_token_is_refused(client, provider, mappings, spoil):
    anna_at_provider(provider, spoil=spoil)

    response = sign_in(client, provider, "anna")

    assert response.status_code == 302 and response["Location"] == "/accounts/login/"
    assert messages_of(response) == [swedish(sso.could_not_verify)]
    assert not User.objects.filter(email="anna.berg@example.org").exists()
    assert "_auth_user_id" not in client.session
    failed = SignInEvent.objects.get(what=What.LOGIN_FAILED)
    assert failed.surface == Surface.SSO and failed.new_value == messages_of(response)[0]


def test_a_person_removed_at_the_provider_cannot_sign_in(client, provider, mappings):
    anna_at_provider(provider)
    sign_in(client, provider, "anna")
    anna_at_provider(provider, active=False)

    page = sign_in(type(client)(), provider, "anna")

    assert page.status_code == 200 and "Wrong username or password" in page.text


def test_a_person_deactivated_in_cxlean_is_refused_with_a_message(client, provider, alice):
    User.objects.filter(pk=alice.pk).update(is_active=False)
    provider.person("alice.at.provider", email=alice.email)

    response = sign_in(client, provider, "alice.at.provider")

    assert response["Location"] == "/accounts/login/"
    (message,) = messages_of(response)
    assert message != swedish(sso.could_not_verify) and "_auth_user_id" not in client.session
    assert SignInEvent.objects.filter(what=What.LOGIN_FAILED, new_value=message).exists()


def test_a_mapping_that_refuses_deactivates_the_person(client, provider, mappings):
    anna_at_provider(provider)
    sign_in(client, provider, "anna")
    anna_at_provider(provider, claims={"groups": ["contractors"]})

    response = sign_in(type(client)(), provider, "anna")

    assert response["Location"] == "/accounts/login/"
    anna = User.objects.get(email="anna.berg@example.org")
    assert not anna.is_active
    deactivated = anna.sign_in_events.get(what=What.DEACTIVATED)
    assert deactivated.surface == Surface.SSO and deactivated.actor is None


def test_the_provider_saying_no_is_told_on_the_login_page(client, provider):
    response = client.get("/accounts/sso/callback/?error=access_denied&state=x")

    assert response["Location"] == "/accounts/login/"
    assert "access_denied" in messages_of(response)[0]
    assert SignInEvent.objects.get(what=What.LOGIN_FAILED).surface == Surface.SSO


def test_logging_out_ends_the_provider_session_too(client, provider, mappings):
    anna_at_provider(provider)
    sign_in(client, provider, "anna")

    response = client.post("/accounts/logout/")

    url = urlsplit(response["Location"])
    assert f"{url.scheme}://{url.netloc}{url.path}" == f"{provider.issuer}/logout/"
    query = parse_qs(url.query)
    assert query["post_logout_redirect_uri"] == ["http://testserver/accounts/login/"]
    assert "_auth_user_id" not in client.session
    ended = requests.get(response["Location"], allow_redirects=False, timeout=10)
    assert ended.status_code == 302
    assert ended.headers["Location"] == "http://testserver/accounts/login/"


def test_the_login_page_offers_the_provider_when_configured(client, provider):
    page = client.get("/accounts/login/").content.decode()
    assert 'href="/accounts/sso/start/"' in page and PROVIDER_NAME in page
    assert "<details" not in page  # passwords for everyone: the form as before


def test_without_a_provider_the_login_page_and_pages_are_as_before(client, alice):
    page = client.get("/accounts/login/").content.decode()
    assert "/accounts/sso/" not in page and "<details" not in page
    assert client.get("/accounts/sso/start/").status_code == 404
    assert client.get("/accounts/sso/callback/?code=x&state=y").status_code == 404
    response = client.post("/accounts/login/", {"username": "alice", "password": PASSWORD})
    assert response.status_code == 302


@pytest.fixture
def passwords_off(settings):
    settings.LOCAL_PASSWORDS = False
    settings.AUTHENTICATION_BACKENDS = [
        "cxlean.org.sso.SuperuserPasswordBackend",
        "cxlean.org.sso.ProviderBackend",
    ]


def test_with_local_passwords_off_only_superusers_use_a_password(
    client, provider, passwords_off, alice, root
):
    page = client.get("/accounts/login/").content.decode()
    assert "<details" in page and 'href="/accounts/sso/start/"' in page
    refused = client.post("/accounts/login/", {"username": "alice", "password": PASSWORD})
    assert refused.status_code == 200 and "_auth_user_id" not in client.session
    token = client.post("/api/v1/auth/token/", {"username": "alice", "password": PASSWORD})
    assert token.status_code == 400
    admin = client.post("/accounts/login/", {"username": "root", "password": PASSWORD})
    assert admin.status_code == 302 and client.session["_auth_user_id"] == str(root.pk)


def test_with_local_passwords_off_employees_sign_in_through_the_provider(
    client, provider, passwords_off, alice
):
    provider.person("alice.at.provider", email=alice.email)

    sign_in(client, provider, "alice.at.provider")

    assert client.get("/").context["user"] == alice


def test_with_local_passwords_off_a_password_reset_mails_only_superusers(
    client, passwords_off, alice, root, mailoutbox
):
    client.post("/accounts/password_reset/", {"email": alice.email})
    client.post("/accounts/password_reset/", {"email": root.email})
    assert [mail.to for mail in mailoutbox] == [[root.email]]


def test_a_provider_that_takes_the_secret_only_as_basic_authentication(client, settings, provider):
    settings.OIDC_TOKEN_USE_BASIC_AUTH = True  # what a provider without client_secret_post gets
    provider.person("nils", email="nils@example.org")

    assert sign_in(client, provider, "nils")["Location"] == "/"
    assert sso.provider_setting("OIDC_TOKEN_USE_BASIC_AUTH") is True
    del settings.OIDC_TOKEN_USE_BASIC_AUTH
    assert sso.provider_setting("OIDC_TOKEN_USE_BASIC_AUTH") is False  # DOT takes both


def test_with_local_passwords_off_and_no_provider_the_page_says_who_signs_in(client, passwords_off):
    page = client.get("/accounts/login/").content.decode()
    assert "<details" not in page and "/accounts/sso/" not in page
    assert swedish(lambda: gettext("Only administrators sign in with a password.")) in page
