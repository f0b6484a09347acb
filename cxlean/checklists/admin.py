"""Checklists in the admin: the templates with their items (the catalogue, which Lean
coordinators edit), assignments, and the ticked items with their history.

Access follows `cxlean.org.admin_rules.RoleAdmin` and the checklists' own rules
(`cxlean.checklists.models`): management reads everything; coordinators edit the
catalogue and the assignments of their units (`Assignment.can_manage`); ticks are the
assignee's own and are made in the app (only a superuser corrects one here).
"""

from __future__ import annotations

from django import forms
from django.contrib import admin
from django.db.models import Count
from django.urls import reverse
from django.utils import timezone
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from cxlean.checklists.models import (
    Assignment,
    ChecklistTemplate,
    Completion,
    TemplateItem,
    due_date_errors,
)
from cxlean.checklists.progress import overall, progress_rows
from cxlean.core.names import display_name
from cxlean.core.uploads import CheckedFilesAdmin
from cxlean.org.admin_rules import (
    CatalogueAdmin,
    RoleAdmin,
    RoleTabularInline,
    SuperusersChange,
)
from cxlean.org.roles import coordinated_units


class TemplateItemInline(RoleTabularInline):
    model = TemplateItem
    fields = ["order", "text_sv", "text_en", "help_sv", "help_en", "needs_evidence"]


@admin.register(ChecklistTemplate)
class ChecklistTemplateAdmin(CatalogueAdmin):
    list_display = ["title_sv", "title_en", "role", "step", "code", "item_count"]
    list_display_links = ["title_sv"]
    list_filter = ["role", "step"]
    list_select_related = ["role", "step"]
    search_fields = ["title_sv", "title_en", "code", "items__text_sv", "items__text_en"]
    inlines = [TemplateItemInline]
    fields = [
        "code",
        "role",
        "step",
        "title_sv",
        "title_en",
        "description_sv",
        "description_en",
        "order",
    ]
    prepopulated_fields = {"code": ["title_en"]}

    def get_queryset(self, request):
        return super().get_queryset(request).annotate(item_total=Count("items"))

    @admin.display(description=pgettext_lazy("checklist", "items"), ordering="item_total")
    def item_count(self, obj: ChecklistTemplate) -> int:
        return obj.item_total


@admin.register(TemplateItem)
class TemplateItemAdmin(CatalogueAdmin):
    list_display = ["text_sv", "template", "order", "needs_evidence"]
    list_filter = ["needs_evidence", "template__role", "template"]
    list_select_related = ["template"]
    search_fields = ["text_sv", "text_en", "template__title_sv", "template__title_en"]
    fields = ["template", *TemplateItemInline.fields]


class CompletionInline(RoleTabularInline):
    """What the assignees have done: read here, made in the app."""

    model = Completion
    fields = readonly_fields = ("person_name", "item", "done", "done_at", "note", "evidence_link")

    def has_add_permission(self, request, obj=None) -> bool:
        return False

    def has_change_permission(self, request, obj=None) -> bool:
        return False

    def has_delete_permission(self, request, obj=None) -> bool:
        return False

    def get_queryset(self, request):
        return (
            super()
            .get_queryset(request)
            .filter(pk__in=Completion.objects.visible_to(request.user).values("pk"))
            .select_related("person", "item")
        )

    @admin.display(description=_("person"))
    def person_name(self, obj: Completion) -> str:
        return display_name(obj.person)

    @admin.display(description=_("evidence"))
    def evidence_link(self, obj: Completion) -> str:
        return evidence_link(obj)


def evidence_link(completion: Completion) -> str:
    """Through the app's download, which checks who may see it (files are not public)."""
    if not completion.evidence:
        return "–"
    url = reverse("checklists:evidence", args=[completion.pk])
    return format_html('<a href="{}">{}</a>', url, completion.evidence_name)


class AssignmentAdminForm(forms.ModelForm):
    def clean_due_date(self):
        due_date = self.cleaned_data["due_date"]
        previous = self.instance.due_date if self.instance.pk else None
        if errors := due_date_errors(due_date, previous):
            raise forms.ValidationError(errors)
        return due_date


@admin.register(Assignment)
class AssignmentAdmin(RoleAdmin):
    form = AssignmentAdminForm
    list_display = ["template", "target", "unit", "due_date", "progress", "assigned_by_name"]
    list_filter = ["template__role", "template", "due_date"]
    list_select_related = ["template", "unit", "person", "role", "assigned_by"]
    search_fields = ["template__title_sv", "template__title_en", "unit__name", "person__username"]
    date_hierarchy = "due_date"
    autocomplete_fields = ["person"]
    readonly_fields = ["assigned_by_name", "created_at"]
    fields = ["template", "unit", "person", "role", "due_date", "assigned_by_name", "created_at"]
    inlines = [CompletionInline]

    def scope_queryset(self, request, queryset):
        return queryset.visible_to(request.user)

    def coordinator_may_change(self, request, obj: Assignment) -> bool:
        return obj.can_manage(request.user)

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        if db_field.name == "unit" and not request.user.is_superuser:
            kwargs["queryset"] = coordinated_units(request.user)
        return super().formfield_for_foreignkey(db_field, request, **kwargs)

    def save_model(self, request, obj: Assignment, form, change: bool) -> None:
        if not change:
            obj.assigned_by = request.user
        super().save_model(request, obj, form, change)

    def get_changelist_instance(self, request):
        changelist = super().get_changelist_instance(request)
        # Progress of the page's assignments in a constant number of queries.
        rows = progress_rows(
            Assignment.objects.filter(pk__in=[a.pk for a in changelist.result_list]),
            viewer=request.user,
            today=timezone.localdate(),
        )
        for assignment in changelist.result_list:
            own = [row for row in rows if row.assignment.pk == assignment.pk]
            assignment.progress_summary = overall(own)
        return changelist

    @admin.display(description=_("assigned to"))
    def target(self, obj: Assignment) -> str:
        return obj.target_name

    @admin.display(description=_("progress"))
    def progress(self, obj: Assignment) -> str:
        summary = getattr(obj, "progress_summary", None)
        if summary is None or not summary.checklists:
            return "–"
        return _("%(complete)s of %(people)s complete, %(overdue)s overdue") % {
            "complete": summary.complete,
            "people": summary.people_count,
            "overdue": summary.overdue,
        }

    @admin.display(description=_("assigned by"))
    def assigned_by_name(self, obj: Assignment) -> str:
        return display_name(obj.assigned_by) if obj.assigned_by else "–"


@admin.register(Completion)
class CompletionAdmin(CheckedFilesAdmin, SuperusersChange, RoleAdmin):
    """Ticks are the assignee's: everyone who may see them reads them and their history;
    only a superuser corrects one."""

    list_display = ["item", "person_name", "assignment", "done", "done_at", "has_evidence"]
    list_filter = ["done", "item__template__role", "item__template"]
    list_select_related = ["item", "person", "assignment__template", "assignment__unit"]
    search_fields = ["item__text_sv", "item__text_en", "person__username", "note"]
    fields = ["assignment", "item", "person", "done", "done_at", "note", "evidence"]
    raw_id_fields = ["assignment", "person"]
    readonly_fields = ["evidence_link"]
    checked_files = {"evidence": "evidence_link"}

    def download_url(self, obj: Completion) -> str:
        return reverse("checklists:evidence", args=[obj.pk])

    @admin.display(description=_("evidence"))
    def evidence_link(self, obj: Completion) -> str:
        return evidence_link(obj)

    def scope_queryset(self, request, queryset):
        return queryset.visible_to(request.user)

    @admin.display(description=_("person"), ordering="person__first_name")
    def person_name(self, obj: Completion) -> str:
        return display_name(obj.person)

    @admin.display(description=_("evidence"), boolean=True)
    def has_evidence(self, obj: Completion) -> bool:
        return bool(obj.evidence)
