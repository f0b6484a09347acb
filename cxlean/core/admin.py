"""The organisation's branding in the admin: everyone who enters the admin reads it,
superusers change it. There is one branding, so its list opens it directly."""

from django import forms
from django.contrib import admin
from django.core.exceptions import PermissionDenied
from django.db import models
from django.http import HttpResponseRedirect
from django.urls import reverse
from simple_history.admin import SimpleHistoryAdmin

from cxlean.core.branding import Branding


class StoredLogo(str):
    """The stored logo as the file widget shows it: its name, linking to where pages load
    it (uploads are not served from MEDIA_URL)."""

    url: str

    def __new__(cls, file):
        logo = super().__new__(cls, str(file))
        logo.url = file.instance.logo_url
        return logo


class LogoInput(forms.ClearableFileInput):
    def format_value(self, value):
        if self.is_initial(value):
            return StoredLogo(value)
        return super().format_value(value)


@admin.register(Branding)
class BrandingAdmin(SimpleHistoryAdmin):
    fields = ["name", "logo", "colour"]
    formfield_overrides = {models.ImageField: {"widget": LogoInput}}

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
