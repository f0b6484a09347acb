"""Export jobs in the admin: a read-only list (what was exported, by whom, how far it
got). Nobody adds or edits jobs here: they are asked for from the pages or the API.
Management and superusers see every job; coordinators their own."""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.contrib import admin
from django.utils.translation import gettext_lazy as _

from cxlean.core.names import display_name
from cxlean.exports.models import ExportJob
from cxlean.org.admin_rules import RoleAdmin
from cxlean.org.roles import sees_everything

if TYPE_CHECKING:
    from django_stubs_ext import StrPromise


@admin.register(ExportJob)
class ExportJobAdmin(RoleAdmin):
    list_display = ["__str__", "kind", "requester", "status", "progress_text", "rows", "created_at"]
    list_filter = ["status", "kind"]
    list_select_related = ["requested_by"]
    search_fields = [
        "requested_by__username",
        "requested_by__first_name",
        "requested_by__last_name",
    ]
    date_hierarchy = "created_at"
    fields = (
        "kind",
        "requested_by",
        "params",
        "status",
        "progress",
        "rows",
        "error",
        "language",
        "attempts",
        "created_at",
        "started_at",
        "progress_at",
        "finished_at",
        "expires_at",
        "download",
    )
    readonly_fields = fields

    def scope_queryset(self, request, queryset):
        if sees_everything(request.user):
            return queryset
        return queryset.filter(requested_by=request.user)

    def has_add_permission(self, request) -> bool:
        return False

    def has_change_permission(self, request, obj=None) -> bool:
        return False

    def has_delete_permission(self, request, obj=None) -> bool:
        return False

    @admin.display(description=_("requested by"), ordering="requested_by__first_name")
    def requester(self, job: ExportJob) -> str:
        return display_name(job.requested_by)

    @admin.display(description=_("progress"), ordering="progress")
    def progress_text(self, job: ExportJob) -> str:
        return f"{job.progress} %"

    @admin.display(description=_("file"))
    def download(self, job: ExportJob) -> str | StrPromise:
        """Whether the file is there; only the person who asked downloads it, from "My
        exports" (the admin links no file: it is not public)."""
        if not job.is_downloadable():
            return "–"
        return _("Ready: the person who asked downloads it from “My exports”.")
