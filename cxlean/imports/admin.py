"""Import jobs in the admin: read-only. Management reads every job; coordinators
their own (`ImportJob.objects.visible_to`); nobody changes a job here (imports are
made from the web page or the API), and superusers may delete old ones."""

from django.contrib import admin
from django.utils.translation import gettext_lazy as _

from cxlean.core.names import display_name
from cxlean.imports.models import ImportJob
from cxlean.org.admin_rules import RoleAdmin


@admin.register(ImportJob)
class ImportJobAdmin(RoleAdmin):
    list_display = [
        "original_name",
        "kind",
        "status",
        "requester",
        "created_at",
        "rows_total",
        "created_count",
        "updated_count",
        "error_count",
    ]
    list_filter = ["kind", "status"]
    list_select_related = ["requested_by"]
    search_fields = ["original_name", "requested_by__username"]
    date_hierarchy = "created_at"
    exclude = ["file", "token"]
    readonly_fields = [
        "requested_by",
        "kind",
        "original_name",
        "language",
        "status",
        "progress",
        "rows_total",
        "rows_written",
        "created_count",
        "updated_count",
        "error_count",
        "errors",
        "attempts",
        "send_failed",
        "created_at",
        "started_at",
        "progress_at",
        "finished_at",
    ]

    def scope_queryset(self, request, queryset):
        return queryset.visible_to(request.user)

    @admin.display(description=_("requested by"), ordering="requested_by__username")
    def requester(self, job: ImportJob) -> str:
        return display_name(job.requested_by)

    def has_add_permission(self, request) -> bool:
        return False

    def has_change_permission(self, request, obj=None) -> bool:
        return False

    def has_delete_permission(self, request, obj=None) -> bool:
        return request.user.is_superuser
