"""The sign-in pages that cxlean adds to Django's: confirming a new e-mail address, and
the password pages with the sign-in audit."""

from __future__ import annotations

from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_not_required
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.safestring import mark_safe
from django.views.decorators.http import require_http_methods
from django_otp import login as otp_login
from django_otp import match_token

from cxlean.core.typed import AuthenticatedRequest
from cxlean.org import twofactor
from cxlean.org.accounts import (
    BadConfirmationLink,
    What,
    change_from_token,
    confirm_email_change,
    record,
)
from cxlean.org.forms import OneTimeCodeForm, PasswordResetForm
from cxlean.org.models import Surface
from cxlean.org.sso import provider_logout_url


@login_not_required
@require_http_methods(["GET", "POST"])
def confirm_email(request: HttpRequest, token: str) -> HttpResponse:
    """The link in the confirmation e-mail. Opening it shows the address and a button:
    mail scanners that open links do not confirm anything."""
    try:
        change = change_from_token(token)
    except BadConfirmationLink as error:
        return render(request, "org/email_confirm.html", {"error": str(error)}, status=400)
    if request.method == "POST":
        confirm_email_change(change, request=request)
        return render(request, "org/email_confirm.html", {"change": change, "confirmed": True})
    return render(request, "org/email_confirm.html", {"change": change})


class PasswordResetView(auth_views.PasswordResetView):
    form_class = PasswordResetForm


class PasswordResetConfirmView(auth_views.PasswordResetConfirmView):
    def form_valid(self, form):
        response = super().form_valid(form)
        record(What.PASSWORD_RESET, person=form.user, surface=Surface.WEB, request=self.request)
        return response


class PasswordChangeView(auth_views.PasswordChangeView):
    def form_valid(self, form):
        response = super().form_valid(form)
        user = self.request.user
        record(
            What.PASSWORD_CHANGED,
            person=user,
            actor=user,
            surface=Surface.WEB,
            request=self.request,
        )
        return response


class LogoutView(auth_views.LogoutView):
    """Signing out of cxlean; someone who signed in through the provider is then sent to
    its end_session_endpoint, which ends the provider's session too and sends them back."""

    def post(self, request, *args, **kwargs):
        signed_in_there = bool(request.session.get("oidc_id_token"))
        provider_url = provider_logout_url(request) if signed_in_there else None
        response = super().post(request, *args, **kwargs)
        return HttpResponseRedirect(provider_url) if provider_url else response


# --- two-factor sign-in for the admin -----------------------------------------------------


def after_two_factor(request: HttpRequest) -> str:
    default = reverse("admin:index") if request.user.is_staff else reverse("home")
    return twofactor.safe_next(request, default)


@require_http_methods(["GET", "POST"])
def two_factor_setup(request: AuthenticatedRequest) -> HttpResponse:
    """Set up an authenticator app: scan the QR code, type the first code to confirm."""
    device = twofactor.pending_device(request.user)
    form = OneTimeCodeForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        if device.verify_token(form.cleaned_data["code"]):
            device.confirmed = True
            device.save(update_fields=["confirmed"])
            otp_login(request, device)
            record(
                What.TWO_FACTOR_ADDED,
                person=request.user,
                actor=request.user,
                surface=Surface.WEB,
                new=device.name,
                request=request,
            )
            return redirect(after_two_factor(request))
        form.add_error("code", OneTimeCodeForm.wrong_code())
    context = {
        "form": form,
        "qr_code": mark_safe(twofactor.qr_code_svg(device)),  # noqa: S308  # segno's own SVG, no input in it
        "secret": twofactor.secret_text(device),
        "next": twofactor.safe_next(request, ""),
        "has_device": bool(twofactor.confirmed_devices(request.user)),
    }
    return render(request, "registration/two_factor_setup.html", context)


@require_http_methods(["GET", "POST"])
def two_factor_verify(request: AuthenticatedRequest) -> HttpResponse:
    """Give a code from the authenticator app before the admin."""
    if not twofactor.confirmed_devices(request.user):
        return redirect(f"{reverse('two_factor_setup')}?{request.GET.urlencode()}")
    form = OneTimeCodeForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        device = match_token(request.user, form.cleaned_data["code"])
        if device is not None:
            otp_login(request, device)
            return redirect(after_two_factor(request))
        form.add_error("code", OneTimeCodeForm.wrong_code())
    context = {"form": form, "next": twofactor.safe_next(request, "")}
    return render(request, "registration/two_factor_verify.html", context)
