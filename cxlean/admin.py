"""The cxlean admin site: who may enter it, and management's dashboard as its first page.

Admin access follows cxlean's roles (`cxlean.org.roles`); the rules every ModelAdmin
shares are in `cxlean.org.admin_rules`.
"""

from functools import partial

from django.contrib import admin
from django.urls import path, reverse_lazy
from django.utils.translation import gettext_lazy as _

from cxlean.core.branding import DEFAULT_NAME, current_brand
from cxlean.org.roles import is_coordinator, is_cx_owner, is_management


class CxleanAdminSite(admin.AdminSite):
    site_header = _("cxlean administration")
    site_title = _("cxlean admin")
    index_title = _("Lean CX overview")

    def has_permission(self, request) -> bool:
        user = request.user
        return user.is_active and (
            user.is_superuser or is_coordinator(user) or is_management(user) or is_cx_owner(user)
        )

    def each_context(self, request) -> dict:
        """The header and the window title carry the organisation's name once it is set."""
        context = super().each_context(request)
        brand = current_brand()
        if brand.name != DEFAULT_NAME:
            context["site_header"] = brand.name
            context["site_title"] = _("%(organisation)s admin") % {"organisation": brand.name}
        context["brand"] = brand
        return context

    def index(self, request, extra_context=None):
        """The first page is management's maturity dashboard, above the app list."""
        from cxlean.insights.admin_views import dashboard_context

        return super().index(request, {**dashboard_context(request), **(extra_context or {})})

    def get_urls(self):
        from cxlean.insights.admin_views import unit_view

        unit_page = self.admin_view(partial(unit_view, self))
        # LoginRequiredMiddleware sends strangers to the admin's login, as for admin pages.
        # (admin_view returns a new function: the stubs say it returns the partial it got.)
        unit_page.login_url = reverse_lazy(  # type: ignore[attr-defined]
            "admin:login", current_app=self.name
        )
        return [
            path("insights/unit/<int:unit_id>/", unit_page, name="insights_unit"),
            *super().get_urls(),
        ]
