"""Sign-in pages under /accounts/, before Django's own (whose names the password e-mails
use, so these keep Django's names and no namespace)."""

from django.urls import path

from cxlean.org import account_views

urlpatterns = [
    path("email/confirm/<str:token>/", account_views.confirm_email, name="email_confirm"),
    path("password_reset/", account_views.PasswordResetView.as_view(), name="password_reset"),
    path(
        "reset/<uidb64>/<token>/",
        account_views.PasswordResetConfirmView.as_view(),
        name="password_reset_confirm",
    ),
    path("password_change/", account_views.PasswordChangeView.as_view(), name="password_change"),
    path("two-factor/", account_views.two_factor_setup, name="two_factor_setup"),
    path("two-factor/verify/", account_views.two_factor_verify, name="two_factor_verify"),
]
