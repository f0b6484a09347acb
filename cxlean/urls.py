from django.contrib import admin
from django.contrib.auth.decorators import login_required
from django.urls import include, path
from drf_spectacular.views import SpectacularAPIView, SpectacularSwaggerSplitView

from cxlean.core.views import healthz
from cxlean.inbox.views import home
from cxlean.notifications.views import calendar_feed

urlpatterns = [
    # The start page: my inbox ("To do") and the rollouts I can see.
    path("", home, name="home"),
    path("", include("cxlean.core.urls")),
    path("plans/", include("cxlean.plans.urls")),
    path("competence/", include("cxlean.competence.urls")),
    path("", include("cxlean.backlog.urls")),
    path("", include("cxlean.journeys.urls")),
    path("checklists/", include("cxlean.checklists.urls")),
    path("gemba/", include("cxlean.gemba.urls")),
    path("metrics/", include("cxlean.metrics.urls")),
    path("maturity/", include("cxlean.maturity.urls")),
    path("games/", include("cxlean.games.urls")),
    path("insights/", include("cxlean.insights.urls")),
    path("exports/", include("cxlean.exports.urls")),
    path("imports/", include("cxlean.imports.urls")),
    path("notifications/", include("cxlean.notifications.urls")),
    path("calendar/<str:token>.ics", calendar_feed, name="calendar_feed"),
    path("guide/", include("cxlean.guide.urls")),
    path("help/", include("cxlean.help.urls")),
    path("organisation/", include("cxlean.org.urls")),
    path("accounts/", include("cxlean.org.account_urls")),
    path("accounts/", include("django.contrib.auth.urls")),
    path("i18n/", include("django.conf.urls.i18n")),
    path("admin/", admin.site.urls),
    path("api/v1/", include("cxlean.api_urls")),
    path("api/schema/", SpectacularAPIView.as_view(), name="api-schema"),
    path(
        "api/docs/",
        login_required(SpectacularSwaggerSplitView.as_view(url_name="api-schema")),
        name="api-docs",
    ),
    path("healthz/", healthz, name="healthz"),
]

handler400 = "cxlean.core.errors.bad_request"
handler403 = "cxlean.core.errors.permission_denied"
handler404 = "cxlean.core.errors.page_not_found"
handler500 = "cxlean.core.errors.server_error"
