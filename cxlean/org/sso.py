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
* `sign_in` finds the person by their provider account (`SSOIdentity`: issuer and
  `sub`), else by the provider's verified e-mail address, else creates them; then brings
  their name and e-mail address up to date and applies the claim mappings
  (`ClaimMapping`): roles, unit and CX roles, or refusal.

The changes are made by the system on the person's own sign-in, not by anyone who could
be ranked (`cxlean.org.roles`): the organisation's directory asserts them, through
mappings only superusers edit. The audit records them with no actor and the surface
"single sign-on".

Why the provider's e-mail address is used at once, without the confirmation e-mail that
other changes of address need (`cxlean.org.accounts.request_email_change`): that e-mail
exists so that nobody can type in an address they do not own and then receive that
person's password resets. An address the provider asserts (and has verified: a claim
`email_verified` of false is not used) comes from the organisation's directory, for the
person who just proved they hold that directory account; there is nobody else to confirm
it from, and any pending change typed into cxlean is dropped.

A person removed or disabled at the provider cannot sign in there, so cannot sign in
here; a person deactivated in cxlean (or by a mapping that refuses) is refused with a
message even though the provider signed them in.
"""

from __future__ import annotations

import logging
import re
import time
from typing import Any
from urllib.parse import urlencode

import jwt
import requests
from django.conf import settings
from django.contrib import messages
from django.contrib.auth.backends import ModelBackend
from django.contrib.auth.models import Group, User
from django.core.exceptions import SuspiciousOperation
from django.db import transaction
from django.http import Http404, HttpRequest, HttpResponseRedirect
from django.shortcuts import resolve_url
from django.utils import timezone
from django.utils.translation import gettext as _
from mozilla_django_oidc.auth import OIDCAuthenticationBackend
from mozilla_django_oidc.utils import import_from_settings
from mozilla_django_oidc.views import (
    OIDCAuthenticationCallbackView,
    OIDCAuthenticationRequestView,
)

from cxlean.org.accounts import What, active_event, record, role_events, set_email
from cxlean.org.models import (
    ClaimMapping,
    EmailChange,
    Profile,
    SignInEvent,
    SSOIdentity,
    Surface,
)
from cxlean.org.roles import COORDINATOR, CX_OWNER, EMPLOYEE, MANAGEMENT, ROLE_GROUPS

LOGGER = logging.getLogger(__name__)
STAFF_ROLES = frozenset({COORDINATOR, MANAGEMENT, CX_OWNER})
CHANGE_REASON = "single sign-on"


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


class Refused(Exception):
    """The provider signed the person in, but cxlean does not; the message is theirs."""


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


def sign_in(claims: dict[str, Any], *, issuer: str) -> User:
    """The cxlean person for the provider's claims, created or brought up to date."""
    subject = str(claims.get("sub") or "")
    if not subject:
        raise Refused(could_not_verify())
    mappings = list(ClaimMapping.objects.all())
    matched = [mapping for mapping in mappings if mapping.matches(claims)]
    identity = SSOIdentity.objects.select_related("user").filter(issuer=issuer, subject=subject)
    linked = identity.first()
    person = linked.user if linked is not None else _person_by_email(claims, issuer)
    _refuse_if_barred(person, matched)
    with transaction.atomic():
        created = person is None
        if person is None:
            person = _create_person(claims)
        if linked is None:
            linked = SSOIdentity.objects.create(user=person, issuer=issuer, subject=subject)
            if not created:
                record(What.SSO_LINKED, person=person, surface=Surface.SSO, new=subject)
        linked.last_sign_in = timezone.now()
        linked.save(update_fields=["last_sign_in"])
        if not created:
            _update_person(person, claims)
        _apply_roles(person, mappings, matched, created)
        _apply_place(person, mappings, matched)
    return person


def _verified_email(claims: dict[str, Any]) -> str:
    email = str(claims.get("email") or "").strip()
    return "" if claims.get("email_verified") is False else email[:254]


def _person_by_email(claims: dict[str, Any], issuer: str) -> User | None:
    """Someone already in cxlean (added by hand or by an import) signing in through the
    provider for the first time: found by the verified e-mail address."""
    email = _verified_email(claims)
    if not email:
        return None
    people = list(User.objects.filter(email__iexact=email)[:2])
    if len(people) > 1:
        raise Refused(
            _(
                "More than one person in cxlean has the e-mail address %(email)s. Ask an "
                "administrator to keep it on one of them."
            )
            % {"email": email}
        )
    if people and people[0].sso_identities.filter(issuer=issuer).exists():
        raise Refused(
            _(
                "The cxlean account with the e-mail address %(email)s belongs to another "
                "account at the provider. Ask an administrator."
            )
            % {"email": email}
        )
    return people[0] if people else None


def _refuse_if_barred(person: User | None, matched: list[ClaimMapping]) -> None:
    if any(mapping.refuse for mapping in matched):
        if person is not None and person.is_active:
            person.is_active = False
            person.save(update_fields=["is_active"])
            active_event(person, actor=None, surface=Surface.SSO).save()
        raise Refused(
            _(
                "Your organisation does not let you sign in to cxlean. Ask your Lean "
                "coordinator if you think this is wrong."
            )
        )
    if person is not None and not person.is_active:
        raise Refused(
            _(
                "Your cxlean account is deactivated. Ask your Lean coordinator or an "
                "administrator to activate it again."
            )
        )


def _names(claims: dict[str, Any]) -> tuple[str, str]:
    first = str(claims.get("given_name") or "")
    last = str(claims.get("family_name") or "")
    if not first and not last:
        first = str(claims.get("name") or "")
    return first[:150], last[:150]


def _free_username(claims: dict[str, Any]) -> str:
    wanted = str(claims.get("preferred_username") or claims.get("email") or claims["sub"])
    base = re.sub(r"[^\w.@+-]", "", wanted)[:140] or "person"
    candidate, number = base, 2
    while User.objects.filter(username__iexact=candidate).exists():
        candidate, number = f"{base}-{number}", number + 1
    return candidate


def _create_person(claims: dict[str, Any]) -> User:
    first, last = _names(claims)
    person = User(
        username=_free_username(claims),
        email=_verified_email(claims),
        first_name=first,
        last_name=last,
    )
    person.set_unusable_password()  # they sign in through the provider
    person.save()
    record(What.CREATED, person=person, surface=Surface.SSO, new=person.email)
    return person


def _update_person(person: User, claims: dict[str, Any]) -> None:
    first, last = _names(claims)
    changed = [
        name
        for name, value in (("first_name", first), ("last_name", last))
        if value and value != getattr(person, name)
    ]
    for name in changed:
        setattr(person, name, first if name == "first_name" else last)
    if changed:
        person.save(update_fields=changed)
    email = _verified_email(claims)
    if email and email.lower() != person.email.lower():
        EmailChange.objects.filter(user=person, confirmed_at__isnull=True).delete()
        set_email(person, email, actor=None, surface=Surface.SSO)


def _apply_roles(
    person: User, mappings: list[ClaimMapping], matched: list[ClaimMapping], created: bool
) -> None:
    """The roles the mappings name follow the claims; other roles stay. Everyone keeps
    at least one role: employee, as every new person."""
    mapped = {mapping.role for mapping in mappings if mapping.role}
    if not mapped and not created:
        return
    before = set(person.groups.values_list("name", flat=True))
    after = (before - mapped) | {mapping.role for mapping in matched if mapping.role}
    if not after & set(ROLE_GROUPS):
        after.add(EMPLOYEE)
    if after == before:
        return
    person.groups.set([Group.objects.get_or_create(name=name)[0] for name in sorted(after)])
    SignInEvent.objects.bulk_create(
        role_events(person, before, after, actor=None, surface=Surface.SSO)
    )
    staff = bool(after & STAFF_ROLES) or person.is_superuser
    if staff != person.is_staff:
        person.is_staff = staff
        person.save(update_fields=["is_staff"])


def _apply_place(person: User, mappings: list[ClaimMapping], matched: list[ClaimMapping]) -> None:
    """The unit of the first matching mapping that gives one (by order); the CX roles the
    mappings name follow the claims, others stay. Without a unit nobody gets a profile:
    a coordinator places them."""
    unit = next((mapping.unit for mapping in matched if mapping.unit_id), None)
    profile = Profile.objects.filter(user=person).first()
    if profile is None:
        if unit is None:
            return
        profile = Profile(user=person, unit=unit)
    if profile.pk is None or (unit is not None and profile.unit_id != unit.pk):
        if unit is not None:
            profile.unit = unit
        profile._change_reason = CHANGE_REASON  # type: ignore[attr-defined]
        profile.save()
    mapped = {mapping.cx_role_id for mapping in mappings if mapping.cx_role_id}
    if not mapped:
        return
    held = set(profile.cx_roles.values_list("pk", flat=True))
    wanted = (held - mapped) | {mapping.cx_role_id for mapping in matched if mapping.cx_role_id}
    if wanted != held:
        profile._change_reason = CHANGE_REASON  # type: ignore[attr-defined]
        profile.cx_roles.set(wanted)


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
