"""Changing how someone signs in, the same way from the API, the admin, the web and the
people import: every change goes into the sign-in audit (`SignInEvent`), and a new
e-mail address is used only once it has been confirmed from that address.

Who may make a change is decided in `cxlean.org.roles` (`may_change_sign_in` and
friends) before anything here is called.
"""

from __future__ import annotations

from collections.abc import Iterable

from django.contrib.auth.models import User
from django.core import signing
from django.core.exceptions import ObjectDoesNotExist
from django.core.mail import send_mail
from django.db import transaction
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from cxlean.core.mail import sender
from cxlean.org.models import EmailChange, SignInEvent, Surface

What = SignInEvent.What
EMAIL_CHANGE_SALT = "cxlean.org.email-change"
DEFAULT_LANGUAGE = "sv"


def client_ip(request) -> str | None:
    if request is None:
        return None
    return request.META.get("REMOTE_ADDR") or None


def actor_of(request) -> User | None:
    user = getattr(request, "user", None)
    return user if user is not None and user.is_authenticated else None


def event(
    what: str,
    *,
    person: User | None,
    surface: str,
    actor: User | None = None,
    old: object = "",
    new: object = "",
    username: str | None = None,
    request=None,
) -> SignInEvent:
    """An unsaved audit row (for `bulk_create`); `record` saves one."""
    return SignInEvent(
        what=what,
        person=person,
        actor=actor,
        username=username if username is not None else (person.get_username() if person else ""),
        old_value=str(old)[:254],
        new_value=str(new)[:254],
        surface=surface,
        ip_address=client_ip(request),
    )


def record(what: str, **kwargs) -> SignInEvent:
    row = event(what, **kwargs)
    row.save()
    return row


# --- roles and the active flag ------------------------------------------------------------


def role_events(
    person: User,
    before: Iterable[str],
    after: Iterable[str],
    *,
    actor: User | None,
    surface: str,
) -> list[SignInEvent]:
    before, after = set(before), set(after)
    return [
        *(
            event(What.ROLE_GRANTED, person=person, actor=actor, surface=surface, new=name)
            for name in sorted(after - before)
        ),
        *(
            event(What.ROLE_REMOVED, person=person, actor=actor, surface=surface, old=name)
            for name in sorted(before - after)
        ),
    ]


def active_event(person: User, *, actor: User | None, surface: str) -> SignInEvent:
    what = What.ACTIVATED if person.is_active else What.DEACTIVATED
    return event(
        what,
        person=person,
        actor=actor,
        surface=surface,
        old=not person.is_active,
        new=person.is_active,
    )


# --- e-mail address -----------------------------------------------------------------------


def request_email_change(
    person: User, new_email: str, *, actor: User | None, surface: str, request=None
) -> EmailChange | None:
    """Ask `new_email` to confirm itself; `person.email` stays as it is until then.

    The same address as now cancels what was pending; an empty address (nothing to
    confirm, nothing to mail a reset to) is set at once. Returns the pending change."""
    new_email = new_email.strip()
    pending = EmailChange.objects.filter(user=person, confirmed_at__isnull=True)
    if new_email.lower() == person.email.lower():
        pending.delete()
        return None
    if not new_email:
        pending.delete()
        set_email(person, "", actor=actor, surface=surface, request=request)
        return None
    pending.delete()  # only the newest request can be confirmed
    change = EmailChange.objects.create(
        user=person, new_email=new_email, requested_by=actor, surface=surface
    )
    record(
        What.EMAIL_REQUESTED,
        person=person,
        actor=actor,
        surface=surface,
        old=person.email,
        new=new_email,
        request=request,
    )
    transaction.on_commit(lambda: send_email_confirmation(change))
    return change


def set_email(person: User, new_email: str, *, actor: User | None, surface: str, request=None):
    """Without confirmation: for superusers in the admin and for clearing the address."""
    old = person.email
    person.email = new_email
    person.save(update_fields=["email"])
    record(
        What.EMAIL_CHANGED,
        person=person,
        actor=actor,
        surface=surface,
        old=old,
        new=new_email,
        request=request,
    )


def confirmation_token(change: EmailChange) -> str:
    return signing.dumps({"change": change.pk, "email": change.new_email}, salt=EMAIL_CHANGE_SALT)


class BadConfirmationLink(Exception):
    """The link cannot confirm anything; the message says why, for the person."""


def change_from_token(token: str) -> EmailChange:
    try:
        data = signing.loads(token, salt=EMAIL_CHANGE_SALT, max_age=EmailChange.VALID_FOR)
    except signing.SignatureExpired:
        raise BadConfirmationLink(
            _("This link has expired. Ask for the change again to get a new link.")
        ) from None
    except signing.BadSignature:
        raise BadConfirmationLink(
            _("This link is not valid. Check that you copied the whole link from the e-mail.")
        ) from None
    change = (
        EmailChange.objects.select_related("user")
        .filter(pk=data.get("change"), new_email=data.get("email"))
        .first()
    )
    if change is None:
        raise BadConfirmationLink(
            _("This change has been replaced or withdrawn: use the link in the newest e-mail.")
        )
    if change.confirmed_at is not None:
        raise BadConfirmationLink(_("This address has already been confirmed."))
    return change


@transaction.atomic
def confirm_email_change(change: EmailChange, *, request=None) -> None:
    person = change.user
    old = person.email
    change.confirmed_at = timezone.now()
    change.save(update_fields=["confirmed_at"])
    person.email = change.new_email
    person.save(update_fields=["email"])
    record(
        What.EMAIL_CONFIRMED,
        person=person,
        actor=actor_of(request),
        surface=Surface.WEB,
        old=old,
        new=change.new_email,
        request=request,
    )


def language_of(person: User) -> str:
    """The language of the person's notifications if they chose one, else Swedish."""
    try:
        return person.notification_preference.language or DEFAULT_LANGUAGE
    except (AttributeError, ObjectDoesNotExist):  # no preference saved
        return DEFAULT_LANGUAGE


def absolute(path: str) -> str:
    from django.conf import settings

    return getattr(settings, "SITE_URL", "").rstrip("/") + path


def send_email_confirmation(change: EmailChange) -> None:
    person = change.user
    with translation.override(language_of(person)):
        context = {
            "person": person,
            "change": change,
            "url": absolute(reverse("email_confirm", args=[confirmation_token(change)])),
            "valid_days": EmailChange.VALID_FOR.days,
        }
        subject = _("cxlean: confirm your new e-mail address")
        body = render_to_string("org/email/confirm_email.txt", context)
    send_mail(subject, body, sender(), [change.new_email])


# --- signing in ---------------------------------------------------------------------------
# Connected to Django's signals in OrgConfig.ready: they are the only place a sign-in is
# seen, and the audit is a record of what happened, not a step of the business flow.


SSO_PAGES = frozenset({"oidc_authentication_init", "oidc_authentication_callback"})


def surface_of(request) -> str:
    match = getattr(request, "resolver_match", None)
    if match is not None and match.url_name in SSO_PAGES:
        return Surface.SSO
    path = getattr(request, "path", "") or ""
    if path.startswith("/admin/"):
        return Surface.ADMIN
    if path.startswith("/api/"):
        return Surface.API
    return Surface.WEB


def on_logged_in(sender, request, user, **kwargs) -> None:
    record(What.LOGGED_IN, person=user, actor=user, surface=surface_of(request), request=request)


def on_login_failed(sender, credentials, request=None, **kwargs) -> None:
    if hasattr(request, "sso_refusal"):
        return  # recorded with its reason by cxlean.org.sso
    username = str(credentials.get("username") or "")[:150]
    person = User.objects.filter(username=username).first() if username else None
    record(
        What.LOGIN_FAILED,
        person=person,
        username=username,
        surface=surface_of(request),
        request=request,
    )
