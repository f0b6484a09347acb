"""Sign-in security: the password pages in the app's design and the sessions they end,
sign-in throttling (django-axes) on the login pages and the API token, unlocking in the
admin, and the admin's two-factor step."""

import re

import pytest
from axes.models import AccessAttempt
from django.contrib.auth.models import User
from django.urls import reverse
from django.utils import translation
from django.utils.translation import gettext
from django_otp.oath import TOTP
from django_otp.plugins.otp_totp.models import TOTPDevice
from rest_framework.test import APIClient

from cxlean.org.models import SignInEvent
from tests.conftest import LanguageClient, login
from tests.factories import PASSWORD

NEW_PASSWORD = "Ett-nytt-lösenord-9"


def signed_in(client) -> bool:
    return client.get(reverse("home")).status_code == 200


# --- password reset and change ------------------------------------------------------------


def test_password_reset_end_to_end_through_the_emailed_link(client, alice, mailoutbox):
    elsewhere = login(alice)
    page = client.get(reverse("password_reset"))
    assert page.status_code == 200
    assert "Återställ ditt lösenord" in page.text or 'class="login"' in page.text
    assert "admin" not in page.templates[0].name
    response = client.post(reverse("password_reset"), {"email": alice.email})
    assert response.status_code == 302
    assert len(mailoutbox) == 1
    message = mailoutbox[0]
    assert message.to == [alice.email]
    assert "\n" not in message.subject and "cxlean" in message.subject
    link = re.search(r"http://127\.0\.0\.1:8000(/accounts/reset/\S+/\S+/)", message.body).group(1)
    form = client.get(link, follow=True)
    assert form.status_code == 200 and 'name="new_password1"' in form.text
    # The validators are on: a short, common password is refused.
    weak = client.post(
        form.redirect_chain[-1][0], {"new_password1": "1234", "new_password2": "1234"}
    )
    assert weak.status_code == 200 and "new_password2" in weak.context["form"].errors
    done = client.post(
        form.redirect_chain[-1][0],
        {"new_password1": NEW_PASSWORD, "new_password2": NEW_PASSWORD},
        follow=True,
    )
    assert done.status_code == 200
    assert done.templates[0].name == "registration/password_reset_complete.html"
    alice.refresh_from_db()
    assert alice.check_password(NEW_PASSWORD)
    assert not signed_in(elsewhere)  # every earlier sign-in has ended
    assert list(
        SignInEvent.objects.filter(person=alice, what__startswith="password")
        .order_by("pk")
        .values_list("what", flat=True)
    ) == ["password_reset_requested", "password_reset"]


def test_the_reset_email_is_in_the_persons_language(client, alice, mailoutbox):
    from cxlean.notifications.models import Preference

    Preference.objects.update_or_create(user=alice, defaults={"language": "en"})
    client.post(reverse("password_reset"), {"email": alice.email})
    assert mailoutbox[0].subject == "cxlean: choose a new password"
    mailoutbox.clear()
    Preference.objects.filter(user=alice).update(language="sv")
    client.post(reverse("password_reset"), {"email": alice.email}, language="en")
    with translation.override("sv"):
        assert mailoutbox[0].subject == gettext("cxlean: choose a new password")


def test_changing_the_password_ends_the_other_sessions_only(alice):
    here, elsewhere = login(alice), login(alice)
    page = here.get(reverse("password_change"))
    assert page.status_code == 200
    assert page.templates[0].name == "registration/password_change_form.html"
    response = here.post(
        reverse("password_change"),
        {"old_password": PASSWORD, "new_password1": NEW_PASSWORD, "new_password2": NEW_PASSWORD},
    )
    assert response.status_code == 302
    assert signed_in(here)
    assert not signed_in(elsewhere)
    assert SignInEvent.objects.filter(person=alice, what="password_changed").count() == 1


def test_an_administrator_setting_a_password_ends_every_session(alice, root):
    elsewhere = login(alice)
    admin = login(root)
    url = reverse("admin:auth_user_password_change", args=[alice.pk])
    response = admin.post(
        url, {"password1": NEW_PASSWORD, "password2": NEW_PASSWORD, "usable_password": "true"}
    )
    assert response.status_code == 302
    assert not signed_in(elsewhere)


# --- sign-in throttling -------------------------------------------------------------------


@pytest.fixture
def axes_on(settings):
    settings.AXES_ENABLED = True
    settings.AXES_FAILURE_LIMIT = 3


def fail(client, url, username="alice", times=3, **extra):
    for _ in range(times):
        client.post(url, {"username": username, "password": "wrong"}, **extra)


def test_the_login_page_refuses_sign_in_after_too_many_failures(axes_on, client, alice):
    fail(client, reverse("login"))
    response = client.post(
        reverse("login"), {"username": "alice", "password": PASSWORD}, language="en"
    )
    assert response.status_code == 429
    assert response.templates[0].name == "registration/login.html"
    assert "Too many failed sign-ins. Try again in 15 minutes" in response.text
    assert "_auth_user_id" not in client.session
    assert SignInEvent.objects.filter(person=alice, what="locked_out").exists()


def test_the_lock_holds_for_the_address_too(axes_on, client, alice, bob):
    fail(client, reverse("login"), username="nobody")
    response = client.post(reverse("login"), {"username": "bob", "password": PASSWORD})
    assert response.status_code == 429


def test_below_the_limit_the_right_password_works(axes_on, client, alice):
    fail(client, reverse("login"), times=2)
    response = client.post(reverse("login"), {"username": "alice", "password": PASSWORD})
    assert response.status_code == 302
    assert signed_in(client)


def test_the_admin_login_refuses_too(axes_on, client, root):
    url = reverse("admin:login")
    fail(client, url, username="root")
    response = client.post(url, {"username": "root", "password": PASSWORD}, language="en")
    assert response.status_code == 429
    assert "admin/login.html" in [template.name for template in response.templates]
    assert "Too many failed sign-ins" in response.text


def test_an_administrator_unlocks_in_the_admin(axes_on, client, alice, root):
    fail(client, reverse("login"))
    assert AccessAttempt.objects.filter(username="alice").exists()
    admin = LanguageClient()
    admin.force_login(root)
    changelist = admin.get(reverse("admin:axes_accessattempt_changelist"))
    assert changelist.status_code == 200 and "alice" in changelist.text
    attempt = AccessAttempt.objects.get(username="alice")
    response = admin.post(
        reverse("admin:axes_accessattempt_delete", args=[attempt.pk]), {"post": "yes"}
    )
    assert response.status_code == 302
    response = client.post(reverse("login"), {"username": "alice", "password": PASSWORD})
    assert response.status_code == 302


def test_the_token_endpoint_counts_failures_and_refuses(axes_on, alice):
    api = APIClient()
    url = reverse("api-token")
    for _ in range(2):
        assert api.post(url, {"username": "alice", "password": "wrong"}).status_code == 400
    # The failure that reaches the limit is answered with the lock-out already.
    assert api.post(url, {"username": "alice", "password": "wrong"}).status_code == 429
    response = api.post(url, {"username": "alice", "password": PASSWORD}, HTTP_ACCEPT_LANGUAGE="en")
    assert response.status_code == 429
    assert "Too many failed sign-ins" in response.json()["detail"]
    assert SignInEvent.objects.filter(person=alice, what="locked_out", surface="api").exists()


def test_the_token_endpoint_is_rate_limited(alice):
    api = APIClient()
    url = reverse("api-token")
    codes = [
        api.post(url, {"username": "alice", "password": "wrong"}).status_code for _ in range(11)
    ]
    assert codes[:10] == [400] * 10
    assert codes[10] == 429


# --- two-factor sign-in for the admin ------------------------------------------------------


@pytest.fixture
def two_factor(settings):
    settings.ADMIN_2FA = "required-for-superusers"


def code_for(device: TOTPDevice) -> str:
    totp = TOTP(device.bin_key, device.step, device.t0, device.digits, device.drift)
    return f"{totp.token():06d}"


def test_a_superuser_sets_up_two_factor_before_the_admin(two_factor, root):
    client = login(root)
    response = client.get(reverse("admin:index"))
    assert response.status_code == 302
    assert response.url.startswith(reverse("two_factor_setup"))
    page = client.get(response.url)
    assert page.status_code == 200
    assert "<svg" in page.text and "base.html" in [t.name for t in page.templates]
    device = TOTPDevice.objects.get(user=root, confirmed=False)
    wrong = client.post(
        response.url, {"code": "000000" if code_for(device) != "000000" else "111111"}
    )
    assert wrong.status_code == 200 and wrong.context["form"].errors
    device.refresh_from_db()
    device.throttle_reset()  # a wrong code delays the next try (django-otp's throttling)
    done = client.post(response.url, {"code": code_for(device), "next": reverse("admin:index")})
    assert done.status_code == 302 and done.url == reverse("admin:index")
    assert client.get(reverse("admin:index")).status_code == 200
    assert SignInEvent.objects.filter(person=root, what="two_factor_added").exists()


def test_a_superuser_with_a_device_gives_a_code_in_each_new_session(two_factor, root):
    device = TOTPDevice.objects.create(user=root, name="phone", confirmed=True)
    client = login(root)
    response = client.get(reverse("admin:index"))
    assert response.url.startswith(reverse("two_factor_verify"))
    done = client.post(response.url, {"code": code_for(device), "next": reverse("admin:index")})
    assert done.status_code == 302
    assert client.get(reverse("admin:index")).status_code == 200


def test_other_staff_need_no_code_until_they_set_one_up(two_factor, maria):
    User.objects.filter(pk=maria.pk).update(is_staff=True)
    client = login(maria)
    assert client.get(reverse("admin:index")).status_code == 200
    TOTPDevice.objects.create(user=maria, name="phone", confirmed=True)
    assert client.get(reverse("admin:index")).status_code == 302


def test_off_asks_nobody(settings, root):
    settings.ADMIN_2FA = "off"
    assert login(root).get(reverse("admin:index")).status_code == 200


def test_the_web_pages_ask_no_code(two_factor, root):
    assert login(root).get(reverse("home")).status_code == 200


def test_the_next_address_stays_on_this_site(two_factor, root):
    device = TOTPDevice.objects.create(user=root, name="phone", confirmed=True)
    client = login(root)
    done = client.post(
        reverse("two_factor_verify"), {"code": code_for(device), "next": "https://evil.example/"}
    )
    assert done.url == reverse("admin:index")


# --- sessions --------------------------------------------------------------------------------


def test_an_idle_session_ends(settings, alice, monkeypatch):
    import time

    settings.SESSION_IDLE_TIMEOUT = 60 * 30
    client = login(alice)
    assert signed_in(client)
    now = time.time()
    monkeypatch.setattr(time, "time", lambda: now + 60 * 31)
    assert client.get(reverse("home")).status_code == 302


def test_a_made_up_forwarded_address_does_not_escape_the_rate(alice):
    api = APIClient()
    url = reverse("api-token")
    wrong = {"username": "alice", "password": "wrong"}
    codes = [
        api.post(url, wrong, HTTP_X_FORWARDED_FOR=f"10.0.0.{n}").status_code for n in range(11)
    ]
    assert codes[10] == 429


def test_behind_a_proxy_the_forwarded_address_counts(settings, rf):
    from cxlean.org.lockout import client_ip

    request = rf.get("/", HTTP_X_FORWARDED_FOR="203.0.113.9, 198.51.100.2", REMOTE_ADDR="10.0.0.1")
    assert client_ip(request) == "10.0.0.1"
    settings.TRUSTED_PROXY_COUNT = 1
    assert client_ip(request) == "198.51.100.2"
    settings.TRUSTED_PROXY_COUNT = 2
    assert client_ip(request) == "203.0.113.9"
