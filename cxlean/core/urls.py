from django.contrib.auth.decorators import login_not_required
from django.urls import path
from django.views.i18n import set_language

from cxlean.core.views import branding_logo, favicon

app_name = "core"
urlpatterns = [
    # Django's set_language is not exempt from LoginRequiredMiddleware, and people
    # must be able to switch language on the login page before they sign in.
    path("language/", login_not_required(set_language), name="set-language"),
    path("favicon.ico", favicon, name="favicon"),
    path("branding/logo/", branding_logo, name="branding-logo"),
]
