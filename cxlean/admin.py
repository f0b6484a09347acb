"""The admin site and the permission rules every cxlean ModelAdmin shares.

Admin access follows cxlean's roles, not Django's per-model permissions, so that the
admin, the web UI and the API answer "who may do what" from the same functions in
`cxlean.org.roles`: management reads everything, coordinators change what lies in
their units, superusers do everything, employees use the web app instead.
"""

from django.contrib import admin
from django.utils.translation import gettext_lazy as _
from simple_history.admin import SimpleHistoryAdmin

from cxlean.org.roles import is_coordinator, is_management


class CxleanAdminSite(admin.AdminSite):
    site_header = _("cxlean administration")
    site_title = _("cxlean admin")
    index_title = _("Lean CX overview")

    def has_permission(self, request) -> bool:
        user = request.user
        return user.is_active and (user.is_superuser or is_coordinator(user) or is_management(user))


class RoleAdmin(SimpleHistoryAdmin):
    """Base ModelAdmin: management reads, coordinators edit within their scope.

    Subclasses narrow the scope with `scope_queryset` and `coordinator_may_change`.
    """

    def scope_queryset(self, request, queryset):
        return queryset

    def coordinator_may_change(self, request, obj) -> bool:
        return True

    def get_queryset(self, request):
        return self.scope_queryset(request, super().get_queryset(request))

    def has_module_permission(self, request) -> bool:
        return self.admin_site.has_permission(request)

    def has_view_permission(self, request, obj=None) -> bool:
        return self.admin_site.has_permission(request)

    def has_add_permission(self, request) -> bool:
        return is_coordinator(request.user)

    def has_change_permission(self, request, obj=None) -> bool:
        if not is_coordinator(request.user):
            return False
        return obj is None or request.user.is_superuser or self.coordinator_may_change(request, obj)

    def has_delete_permission(self, request, obj=None) -> bool:
        return self.has_change_permission(request, obj)


class CatalogueAdmin(RoleAdmin):
    """Catalogues (CX roles, the guide) are organisation-wide: coordinators curate them."""
