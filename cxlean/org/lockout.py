"""Sign-in throttling with django-axes: who the client is, what a locked-out person sees,
and the lock-out in the sign-in audit.

After `AXES_FAILURE_LIMIT` failed sign-ins for one username or from one address, axes
refuses sign-in there for `AXES_COOLOFF_TIME` (even with the right password). The web
and admin login pages then show why, with status 429; the API answers 429 with a
`detail`. An administrator unlocks in the admin (axes' "Access attempts").
"""

from __future__ import annotations

from django.conf import settings
from django.contrib import admin
from django.contrib.admin.forms import AdminAuthenticationForm
from django.contrib.auth.forms import AuthenticationForm
from django.contrib.auth.models import User
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.template.response import TemplateResponse
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from cxlean.org.models import SignInEvent

LOCKED_OUT_STATUS = 429


def client_ip(request: HttpRequest) -> str | None:
    """The client's address: the peer, or, behind `TRUSTED_PROXY_COUNT` proxies, the
    address the outermost trusted proxy put in X-Forwarded-For (not one the client sent)."""
    meta = getattr(request, "META", {})
    proxies = getattr(settings, "TRUSTED_PROXY_COUNT", 0)
    if proxies:
        forwarded = [part.strip() for part in meta.get("HTTP_X_FORWARDED_FOR", "").split(",")]
        forwarded = [part for part in forwarded if part]
        if len(forwarded) >= proxies:
            return forwarded[-proxies]
    return meta.get("REMOTE_ADDR") or None


def lockout_message() -> str:
    minutes = (
        int(settings.AXES_COOLOFF_TIME.total_seconds() // 60) if settings.AXES_COOLOFF_TIME else 0
    )
    if not minutes:
        return _("Too many failed sign-ins. Sign-in is locked; ask an administrator to unlock it.")
    return ngettext(
        "Too many failed sign-ins. Try again in %(minutes)d minute, or ask an administrator "
        "to unlock sign-in.",
        "Too many failed sign-ins. Try again in %(minutes)d minutes, or ask an administrator "
        "to unlock sign-in.",
        minutes,
    ) % {"minutes": minutes}


def locked_form(form_class: type[AuthenticationForm], request: HttpRequest) -> AuthenticationForm:
    """An empty sign-in form (the username kept) that shows the lock-out as its error."""
    form = form_class(request, initial={"username": request.POST.get("username", "")})
    form.full_clean()  # unbound: no errors, nothing validated
    form.cleaned_data = {}
    form.add_error(None, lockout_message())
    return form


def lockout_response(
    request: HttpRequest, original_response: HttpResponse | None = None, credentials=None
) -> HttpResponse:
    """`AXES_LOCKOUT_CALLABLE`: the page the person tried to sign in on, with the reason."""
    path = request.path_info
    if path.startswith("/api/"):
        return JsonResponse({"detail": lockout_message()}, status=LOCKED_OUT_STATUS)
    if path.startswith("/admin/"):
        site = admin.site
        context = {
            **site.each_context(request),
            "title": _("Log in"),
            "subtitle": None,
            "app_path": request.get_full_path(),
            "username": request.POST.get("username", ""),
            "form": locked_form(site.login_form or AdminAuthenticationForm, request),
            "next": request.POST.get("next", ""),
        }
        template = site.login_template or "admin/login.html"
        return TemplateResponse(request, template, context, status=LOCKED_OUT_STATUS).render()
    context = {
        "form": locked_form(AuthenticationForm, request),
        "next": request.POST.get("next", ""),
        "locked_out": True,
    }
    page = TemplateResponse(request, "registration/login.html", context, status=LOCKED_OUT_STATUS)
    return page.render()  # after the view: middleware must hand back a rendered page


def on_locked_out(sender, request=None, username=None, ip_address=None, **kwargs) -> None:
    """axes' `user_locked_out` signal: into the sign-in audit."""
    from cxlean.org.accounts import record, surface_of

    name = str(username or "")[:150]
    person = User.objects.filter(username=name).first() if name else None
    record(
        SignInEvent.What.LOCKED_OUT,
        person=person,
        username=name,
        surface=surface_of(request),
        request=request,
    )
