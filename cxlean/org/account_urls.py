"""Sign-in pages under /accounts/ (single sign-on among them), before Django's own (whose
names the password e-mails use, so these keep Django's names and no namespace)."""

from django.contrib.auth.decorators import login_not_required
from django.urls import path

from cxlean.org import account_views, sso

urlpatterns = [
    path("email/confirm/<str:token>/", account_views.confirm_email, name="email_confirm"),
    path("password_reset/", account_views.PasswordResetView.as_view(), name="password_reset"),
    path(
        "reset/<uidb64>/<token>/",
        account_views.PasswordResetConfirmView.as_view(),
        name="password_reset_confirm",
    ),
    path("password_change/", account_views.PasswordChangeView.as_view(), name="password_change"),
    path("logout/", account_views.LogoutView.as_view(), name="logout"),
    # Single sign-on (cxlean.org.sso): 404 until a provider is configured.
    path(
        "sso/start/",
        login_not_required(sso.SignInView.as_view()),
        name="oidc_authentication_init",
    ),
    path(
        "sso/callback/",
        login_not_required(sso.CallbackView.as_view()),
        name="oidc_authentication_callback",
    ),
]
