"""Signing in through the OpenID Connect provider in a browser: the login page's button,
the provider's own login page, back to cxlean in the right unit, and logging out of both."""

import pytest
from django.contrib.auth.models import User

from cxlean.org.models import ClaimMapping
from tests.e2e.conftest import screenshot
from tests.factories import CXRoleFactory
from tests.org.sso_helpers import PROVIDER_NAME, configure

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


def test_an_employee_signs_in_through_the_provider_and_lands_in_their_unit(
    page, live_server, settings, oidc_provider, service_unit
):
    configure(settings, oidc_provider, base_url=live_server.url)
    ambassador = CXRoleFactory(slug="cx-ambassador", name_sv="CX-ambassadör")
    ClaimMapping.objects.create(claim="department", value="service", unit=service_unit)
    ClaimMapping.objects.create(claim="groups", value="cx-ambassadors", cx_role=ambassador)
    oidc_provider.person(
        "erik",
        email="erik.sund@example.org",
        first_name="Erik",
        last_name="Sund",
        claims={"groups": ["cx-ambassadors"], "department": "service"},
    )

    page.goto("/accounts/login/")
    screenshot(page, "login-with-sso")
    page.get_by_role("link", name=PROVIDER_NAME).click()
    page.wait_for_url(f"{oidc_provider.url}/login/**")
    page.fill("input[name=username]", "erik")
    page.fill("input[name=password]", "provider-pass")
    page.get_by_role("button", name="Sign in to the provider").click()
    page.wait_for_url(f"{live_server.url}/")

    erik = User.objects.get(email="erik.sund@example.org")
    assert erik.profile.unit == service_unit
    assert list(erik.profile.cx_roles.all()) == [ambassador]
    assert "Erik" in page.locator("header").inner_text()

    page.locator("form[action='/accounts/logout/'] button:visible").first.click()
    page.wait_for_url(f"{live_server.url}/accounts/login/")
    page.goto("/")
    assert page.url.startswith(f"{live_server.url}/accounts/login/")
