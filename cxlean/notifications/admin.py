"""Notifications in the admin: preferences, the notifications sent and the once-only
reminder log.

Who sees what follows `cxlean.org.admin_rules`: management and superusers read everything,
coordinators the rows of the people in their units (and their own), everyone with admin
access reads. Notifications and reminders are written by the sweep only, so the admin
reads them (superusers may delete). A preference is changed by its owner — in the web
app, or here by a coordinator for themselves — and by superusers.
"""

from __future__ import annotations

from django.contrib import admin
from django.db.models import Q

from cxlean.notifications.models import Notification, Preference, Reminder
from cxlean.org.admin_rules import RoleAdmin, ValidSelectionMixin
from cxlean.org.roles import coordinated_units, sees_everything


def in_scope(request, queryset, user_field: str = "user"):
    user = request.user
    if sees_everything(user):
        return queryset
    return queryset.filter(
        Q(**{user_field: user}) | Q(**{f"{user_field}__profile__unit__in": coordinated_units(user)})
    )


class LogAdmin(ValidSelectionMixin, admin.ModelAdmin):
    """Read-only rows written by the background sweep (no history of their own)."""

    list_select_related = ["user"]
    list_per_page = 100
    show_full_result_count = False

    def get_queryset(self, request):
        return in_scope(request, super().get_queryset(request))

    def has_module_permission(self, request) -> bool:
        return self.admin_site.has_permission(request)

    def has_view_permission(self, request, obj=None) -> bool:
        return self.admin_site.has_permission(request)

    def has_add_permission(self, request) -> bool:
        return False

    def has_change_permission(self, request, obj=None) -> bool:
        return False

    def has_delete_permission(self, request, obj=None) -> bool:
        return request.user.is_superuser


@admin.register(Notification)
class NotificationAdmin(LogAdmin):
    list_display = ["title", "user", "kind", "created_at", "read_at", "emailed_at"]
    list_filter = ["kind", ("read_at", admin.EmptyFieldListFilter), "created_at"]
    readonly_fields = ["title", "body"]
    search_fields = ["params", "user__username", "user__first_name", "user__last_name"]
    date_hierarchy = "created_at"
    fields = [
        "user",
        "kind",
        "title",
        "body",
        "params",
        "key",
        "url",
        ("subject_type", "subject_id"),
        ("created_at", "read_at", "emailed_at", "email_attempts"),
    ]


@admin.register(Reminder)
class ReminderAdmin(LogAdmin):
    list_display = ["key", "user", "rule", "created_at"]
    list_filter = ["rule", "created_at"]
    search_fields = ["key", "user__username"]
    date_hierarchy = "created_at"
    fields = ["key", "user", "rule", "run", "created_at"]


@admin.register(Preference)
class PreferenceAdmin(RoleAdmin):
    list_display = ["user", "email", "delivery", "digest_hour", "language"]
    list_filter = ["email", "delivery", "language"]
    list_select_related = ["user"]
    search_fields = ["user__username", "user__first_name", "user__last_name"]
    fields = ["user", "email", "delivery", "digest_hour", "language"]

    def scope_queryset(self, request, queryset):
        return in_scope(request, queryset)

    def has_add_permission(self, request) -> bool:
        return request.user.is_superuser

    def coordinator_may_change(self, request, obj) -> bool:
        return obj.user_id == request.user.pk

    def get_readonly_fields(self, request, obj=None):
        return ["user"] if obj is not None else []
