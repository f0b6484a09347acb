"""The organisation's branding in the admin: everyone who enters the admin reads it,
superusers change it. There is one branding, so its list opens it directly."""

from django.contrib import admin
from django.core.exceptions import PermissionDenied
from django.http import HttpResponseRedirect
from django.urls import reverse
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _
from simple_history.admin import SimpleHistoryAdmin

from cxlean.core.branding import Branding
from cxlean.core.uploads import CheckedFilesAdmin


@admin.register(Branding)
class BrandingAdmin(CheckedFilesAdmin, SimpleHistoryAdmin):
    fields = ["name", "logo", "colour"]
    readonly_fields = ["current_logo"]
    checked_files = {"logo": "current_logo"}

    def download_url(self, obj: Branding) -> str:
        return obj.logo_url

    @admin.display(description=_("logo"))
    def current_logo(self, branding: Branding) -> str:
        if not branding.logo:
            return "–"
        return format_html('<a href="{}">{}</a>', branding.logo_url, branding.logo.name)

    def has_module_permission(self, request) -> bool:
        return self.admin_site.has_permission(request)

    def has_view_permission(self, request, obj=None) -> bool:
        return self.admin_site.has_permission(request)

    def has_add_permission(self, request) -> bool:
        return request.user.is_superuser and not Branding.objects.exists()

    def has_change_permission(self, request, obj=None) -> bool:
        return request.user.is_superuser

    def has_delete_permission(self, request, obj=None) -> bool:
        return request.user.is_superuser  # deleting returns to cxlean's own look

    def changelist_view(self, request, extra_context=None):
        """Straight to the one branding (or, before there is one, to adding it)."""
        branding = Branding.objects.first()
        if branding is not None:
            return HttpResponseRedirect(
                reverse(
                    "admin:core_branding_change",
                    args=[branding.pk],
                    current_app=self.admin_site.name,
                )
            )
        if self.has_add_permission(request):
            return HttpResponseRedirect(
                reverse("admin:core_branding_add", current_app=self.admin_site.name)
            )
        return super().changelist_view(request, extra_context)

    def history_form_view(self, request, object_id, version_id, extra_context=None):
        # simple_history's revert form saves on POST after checking only view rights.
        if request.method == "POST" and not request.user.is_superuser:
            raise PermissionDenied
        return super().history_form_view(request, object_id, version_id, extra_context)
