"""Single sign-on with OpenID Connect, through mozilla-django-oidc.

Off until `OIDC_CLIENT_ID` and `OIDC_ISSUER` (or `OIDC_DISCOVERY_URL`) are set. Then:

* The login page offers "Sign in with <provider>" (`SignInView`), which sends the browser
  to the provider with a state, a nonce and a PKCE challenge. The provider's endpoints
  come from its discovery document (`discovery`), so an issuer is all it takes.
* The provider sends the browser back to `CallbackView`; `ProviderBackend` exchanges the
  code for tokens and checks the ID token: signature (the provider's JWKS), algorithm,
  issuer, audience (our client id; mozilla-django-oidc itself does not check it),
  expiry and nonce. Anything wrong refuses the sign-in with a message on the login page
  and a "sign-in failed" row in the sign-in audit.
* `cxlean.org.sso_people.sign_in` finds the person by their provider account
  (`SSOIdentity`: issuer and `sub`), else by the provider's verified e-mail address,
  else creates them; then brings their name and e-mail address up to date and applies
  the claim mappings (`ClaimMapping`): roles, unit and CX roles, or refusal.

The changes are made by the system on the person's own sign-in, not by anyone who could
be ranked (`cxlean.org.roles`): the organisation's directory asserts them, through
mappings only superusers edit. The audit records them with no actor and the surface
"single sign-on".

A person removed or disabled at the provider cannot sign in there, so cannot sign in
here; a person deactivated in cxlean (or by a mapping that refuses) is refused with a
message even though the provider signed them in.
"""

from __future__ import annotations

import logging
import time
from typing import Any
from urllib.parse import urlencode

import jwt
import requests
from django.conf import settings
from django.contrib import messages
from django.contrib.auth.backends import ModelBackend
from django.contrib.auth.models import User
from django.core.exceptions import SuspiciousOperation
from django.http import Http404, HttpRequest, HttpResponseRedirect
from django.shortcuts import resolve_url
from django.utils.translation import gettext as _
from mozilla_django_oidc.auth import OIDCAuthenticationBackend
from mozilla_django_oidc.utils import import_from_settings
from mozilla_django_oidc.views import (
    OIDCAuthenticationCallbackView,
    OIDCAuthenticationRequestView,
)

from cxlean.org.accounts import What, record
from cxlean.org.models import Surface
from cxlean.org.sso_people import Refused, sign_in

LOGGER = logging.getLogger(__name__)


def configured() -> bool:
    return bool(
        settings.OIDC_RP_CLIENT_ID and (settings.OIDC_ISSUER or settings.OIDC_DISCOVERY_URL)
    )


def provider_name() -> str:
    return settings.OIDC_PROVIDER_NAME or "SSO"


# --- the provider's discovery document --------------------------------------------------

DISCOVERY_KEPT_SECONDS = 3600
_discovered: dict[str, tuple[float, dict[str, Any]]] = {}


def discovery_url() -> str:
    if settings.OIDC_DISCOVERY_URL:
        return settings.OIDC_DISCOVERY_URL
    return settings.OIDC_ISSUER.rstrip("/") + "/.well-known/openid-configuration"


def discovery() -> dict[str, Any]:
    """The provider's /.well-known/openid-configuration, kept an hour per process."""
    url = discovery_url()
    kept = _discovered.get(url)
    if kept is not None and kept[0] > time.monotonic():
        return kept[1]
    response = requests.get(url, timeout=settings.OIDC_TIMEOUT)
    response.raise_for_status()
    document = response.json()
    _discovered[url] = (time.monotonic() + DISCOVERY_KEPT_SECONDS, document)
    return document


def issuer() -> str:
    return settings.OIDC_ISSUER or discovery()["issuer"]


ENDPOINTS = {
    "OIDC_OP_AUTHORIZATION_ENDPOINT": "authorization_endpoint",
    "OIDC_OP_TOKEN_ENDPOINT": "token_endpoint",
    "OIDC_OP_USER_ENDPOINT": "userinfo_endpoint",
    "OIDC_OP_JWKS_ENDPOINT": "jwks_uri",
}


def provider_setting(attr: str, *default: Any) -> Any:
    """mozilla-django-oidc's settings; the provider's endpoints from its discovery
    document unless a setting of that name gives one, and the client secret sent in the
    form unless the provider takes it only as HTTP Basic authentication (the default of
    OpenID Connect when the document names no method)."""
    if attr in ENDPOINTS and not getattr(settings, attr, None):
        return discovery().get(ENDPOINTS[attr])
    if attr == "OIDC_TOKEN_USE_BASIC_AUTH" and not hasattr(settings, attr):
        methods = discovery().get("token_endpoint_auth_methods_supported", [])
        return "client_secret_post" not in methods
    return import_from_settings(attr, *default)


def _setting(name: str) -> property:
    return property(lambda self: provider_setting(name, None))


# --- signing in ---------------------------------------------------------------------------


def could_not_verify() -> str:
    return _(
        "The sign-in from %(provider)s could not be verified, so you are not signed in. "
        "Try again, or ask an administrator."
    ) % {"provider": provider_name()}


class ProviderBackend(OIDCAuthenticationBackend):
    """mozilla-django-oidc's backend with the endpoints read when used (not on every
    request, as its constructor would), the ID token's issuer and audience checked, the
    ID token's claims joined with the user info, and cxlean's people (`sign_in`)."""

    get_settings = staticmethod(provider_setting)
    OIDC_OP_TOKEN_ENDPOINT = _setting("OIDC_OP_TOKEN_ENDPOINT")
    OIDC_OP_USER_ENDPOINT = _setting("OIDC_OP_USER_ENDPOINT")
    OIDC_OP_JWKS_ENDPOINT = _setting("OIDC_OP_JWKS_ENDPOINT")
    OIDC_RP_CLIENT_ID = _setting("OIDC_RP_CLIENT_ID")
    OIDC_RP_CLIENT_SECRET = _setting("OIDC_RP_CLIENT_SECRET")
    OIDC_RP_SIGN_ALGO = _setting("OIDC_RP_SIGN_ALGO")
    OIDC_RP_IDP_SIGN_KEY = _setting("OIDC_RP_IDP_SIGN_KEY")

    def __init__(self, *args, **kwargs) -> None:
        self.UserModel = User

    def authenticate(self, request, **kwargs):
        # Only the callback asks with a nonce; password sign-ins pass this backend by.
        if request is None or "nonce" not in kwargs or not configured():
            return None
        try:
            person = super().authenticate(request, **kwargs)
        except Refused as refusal:
            request.sso_refusal = str(refusal)
        except (SuspiciousOperation, jwt.InvalidTokenError, requests.RequestException) as error:
            LOGGER.warning("Single sign-on refused: %s", error)
            request.sso_refusal = could_not_verify()
        else:
            if person is not None:
                return person
            request.sso_refusal = could_not_verify()
        record_failure(request, request.sso_refusal)
        return None

    def get_user(self, user_id):
        return ModelBackend.get_user(self, user_id)  # an inactive person is signed out

    def _verify_jws(self, payload, key):
        algorithm = self.OIDC_RP_SIGN_ALGO
        if jwt.get_unverified_header(payload).get("alg") != algorithm:
            raise SuspiciousOperation("The ID token is not signed with OIDC_SIGN_ALGO.")
        client_id = self.OIDC_RP_CLIENT_ID
        try:
            claims = jwt.decode(
                payload,
                key,
                algorithms=[algorithm],
                audience=client_id,
                issuer=issuer(),
                leeway=60,
                options={"require": ["exp", "iss", "aud", "sub"]},
            )
        except jwt.InvalidTokenError as error:
            raise SuspiciousOperation(f"ID token refused: {error}") from error
        audience = claims["aud"]
        if isinstance(audience, list) and len(audience) > 1 and claims.get("azp") != client_id:
            raise SuspiciousOperation("ID token refused: issued to another party (azp).")
        return claims

    def get_userinfo(self, access_token, id_token, payload):
        claims = dict(payload)
        if self.OIDC_OP_USER_ENDPOINT:
            info = super().get_userinfo(access_token, id_token, payload)
            if str(info.get("sub")) != str(payload.get("sub")):
                raise SuspiciousOperation("The user info is about someone else.")
            claims.update(info)
        return claims

    def get_or_create_user(self, access_token, id_token, payload):
        claims = self.get_userinfo(access_token, id_token, payload)
        self.request.sso_username = str(claims.get("email") or claims.get("sub") or "")[:150]
        return sign_in(claims, issuer=issuer())


class SuperuserPasswordBackend(ModelBackend):
    """Passwords for superusers only: the backend when LOCAL_PASSWORDS is off."""

    def user_can_authenticate(self, user) -> bool:
        return bool(getattr(user, "is_superuser", False)) and super().user_can_authenticate(user)


# --- the pages -----------------------------------------------------------------------------


class SignInView(OIDCAuthenticationRequestView):
    """The "Sign in with <provider>" button: off to the provider's authorization endpoint."""

    get_settings = staticmethod(provider_setting)
    OIDC_OP_AUTH_ENDPOINT = _setting("OIDC_OP_AUTHORIZATION_ENDPOINT")
    OIDC_RP_CLIENT_ID = _setting("OIDC_RP_CLIENT_ID")

    def __init__(self, **kwargs) -> None:
        super(OIDCAuthenticationRequestView, self).__init__(**kwargs)  # endpoints on use

    def get(self, request):
        if not configured():
            raise Http404
        try:
            return super().get(request)
        except requests.RequestException as error:
            LOGGER.warning("Single sign-on provider unreachable: %s", error)
            messages.error(
                request,
                _("%(provider)s cannot be reached just now. Try again in a moment.")
                % {"provider": provider_name()},
            )
            return HttpResponseRedirect(resolve_url("login"))


class CallbackView(OIDCAuthenticationCallbackView):
    """Where the provider sends the browser back; a refusal is told on the login page."""

    def get(self, request):
        if not configured():
            raise Http404
        return super().get(request)

    def login_failure(self):
        request = self.request
        refusal = getattr(request, "sso_refusal", None)
        if refusal is None and request.GET.get("error"):
            # The provider itself said no (the person cancelled, or may not use cxlean).
            refusal = _("%(provider)s did not sign you in: %(reason)s") % {
                "provider": provider_name(),
                "reason": request.GET.get("error_description") or request.GET["error"],
            }
            record_failure(request, refusal)
        messages.error(request, refusal or could_not_verify())
        return HttpResponseRedirect(resolve_url(settings.LOGIN_REDIRECT_URL_FAILURE))


def record_failure(request: HttpRequest, reason: str) -> None:
    username = getattr(request, "sso_username", "")
    record(
        What.LOGIN_FAILED,
        person=User.objects.filter(email__iexact=username).first() if username else None,
        username=username,
        surface=Surface.SSO,
        new=reason,
        request=request,
    )


def provider_logout_url(request: HttpRequest) -> str:
    """Where signing out sends the browser (OIDC_OP_LOGOUT_URL_METHOD): the provider's
    end_session_endpoint, when the person signed in there and the provider has one, so
    its session ends too; then back to cxlean's login page."""
    after = request.build_absolute_uri(resolve_url(settings.LOGOUT_REDIRECT_URL))
    id_token = request.session.get("oidc_id_token")
    if not id_token or not configured():
        return after
    try:
        endpoint = discovery().get("end_session_endpoint")
    except requests.RequestException:
        return after
    if not endpoint:
        return after
    query = urlencode(
        {
            "id_token_hint": id_token,
            "post_logout_redirect_uri": after,
            "client_id": settings.OIDC_RP_CLIENT_ID,
        }
    )
    return f"{endpoint}?{query}"
