"""The sign-in pages that cxlean adds to Django's: confirming a new e-mail address, and
the password pages with the sign-in audit."""

from __future__ import annotations

from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_not_required
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import render
from django.views.decorators.http import require_http_methods

from cxlean.org.accounts import (
    BadConfirmationLink,
    What,
    change_from_token,
    confirm_email_change,
    record,
)
from cxlean.org.forms import PasswordResetForm
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
