"""Signing in to cxlean through the test provider (tests/oidc_provider/)."""

from urllib.parse import urlsplit

CLIENT_ID = "cxlean-tests"
SECRET = "cxlean-test-secret"
PROVIDER_NAME = "Testleverantören"


def configure(settings, provider, base_url: str = "http://testserver") -> None:
    """cxlean set up for the provider, and cxlean registered at it, as an administrator
    does from the README."""
    provider.client(
        CLIENT_ID,
        SECRET,
        [f"{base_url}/accounts/sso/callback/"],
        post_logout_redirect_uris=[f"{base_url}/accounts/login/"],
    )
    settings.OIDC_ISSUER = provider.issuer
    settings.OIDC_DISCOVERY_URL = ""
    settings.OIDC_RP_CLIENT_ID = CLIENT_ID
    settings.OIDC_RP_CLIENT_SECRET = SECRET
    settings.OIDC_RP_SCOPES = "openid email profile"
    settings.OIDC_PROVIDER_NAME = PROVIDER_NAME


def sign_in(client, provider, username: str, password: str = "provider-pass"):
    """The whole round: cxlean's "Sign in with" → the provider's login page → back to
    cxlean's callback with a code. Returns cxlean's answer to the callback, or the
    provider's page when the provider did not send the browser back."""
    start = client.get("/accounts/sso/start/")
    assert start.status_code == 302, start
    back = provider.sign_in(start["Location"], username, password)
    if back.status_code != 302:
        return back
    callback = urlsplit(back.headers["Location"])
    assert callback.path == "/accounts/sso/callback/"
    return client.get(f"{callback.path}?{callback.query}")
