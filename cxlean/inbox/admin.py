"""Start page visits in the admin: read only (the start page writes them), in the scope
of the notifications' logs (management all, coordinators their units' people), with the
history of each person's visits."""

from __future__ import annotations

from django.contrib import admin
from simple_history.admin import SimpleHistoryAdmin

from cxlean.inbox.models import Visit
from cxlean.notifications.admin import LogAdmin


@admin.register(Visit)
class VisitAdmin(LogAdmin, SimpleHistoryAdmin):
    list_display = ["user", "seen_at", "since"]
    search_fields = ["user__username", "user__first_name", "user__last_name"]
    date_hierarchy = "seen_at"
    fields = ["user", "seen_at", "since"]
