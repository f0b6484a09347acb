"""The improvement backlog in the admin: items with their moves, comments and
attachments, the organisation's scoring settings, and the backlog's state by unit.

Access follows `cxlean.org.admin_rules.RoleAdmin` and the backlog's own rules
(`cxlean.backlog.models`): everyone sees `Item.objects.visible_to(user)`, coordinators
change the items they may manage (`Item.can_manage`), management reads. The workflow
is not re-implemented here: the status is not a form field, and items move through
PDCA in the web app and the API (`Item.move`), which record who moved them and when.
Editing an item here cannot take away what its status needs (a planned item keeps an
owner and a due date, a checked one its measured effect, ...): `Item.clean` refuses it,
as it does in the web form and the API. Owners are chosen from `Item.owner_choices`.

The scoring settings are organisation-wide: superusers change them, everyone else
reads them. Saving them recomputes every item's priority and quadrant.
"""

from __future__ import annotations

import datetime as dt
import statistics
from collections import Counter
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, cast

from django import forms
from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied
from django.db.models import Count, Q, QuerySet
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils import timezone
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from cxlean.backlog.forms import ItemRulesForm
from cxlean.backlog.models import (
    OPEN_STATUSES,
    Attachment,
    Comment,
    Item,
    Quadrant,
    ScoringSettings,
    Status,
    StatusChange,
    improvement_from_feedback,
    may_submit,
)
from cxlean.core.links import address
from cxlean.core.names import display_name
from cxlean.journeys import admin as journeys_admin
from cxlean.journeys.models import Feedback
from cxlean.org.admin_rules import RoleAdmin, RoleTabularInline, UnitTreeFilter
from cxlean.org.models import Unit
from cxlean.org.roles import coordinated_units, is_coordinator, sees_everything

if TYPE_CHECKING:
    from django_stubs_ext import StrOrPromise

# How far back "finished recently" and its lead time look on the backlog-by-unit page.
RECENT_DAYS = 90


def recent_start() -> dt.datetime:
    return timezone.now() - dt.timedelta(days=RECENT_DAYS)


# --- list filters ------------------------------------------------------------------------


class FollowUpFilter(admin.SimpleListFilter):
    title = _("follow-up")
    parameter_name = "follow_up"

    def lookups(self, request, model_admin):
        return [
            ("open", _("Open")),
            ("overdue", _("Overdue")),
            ("finished", _("Finished in the last %(days)d days") % {"days": RECENT_DAYS}),
        ]

    def queryset(self, request, queryset):
        if self.value() == "open":
            return queryset.open()
        if self.value() == "overdue":
            return queryset.overdue()
        if self.value() == "finished":
            return queryset.filter(status=Status.ACT, status_changed_at__gte=recent_start())
        return queryset


# --- inlines -----------------------------------------------------------------------------


def attachment_link(attachment: Attachment) -> str:
    """Through the app's download, which checks who may see it (files are not public)."""
    url = reverse("backlog:attachment_file", args=[attachment.pk])
    return format_html('<a href="{}">{}</a>', url, attachment)


class ReadOnlyInline(RoleTabularInline):
    """Rows written by the app (who wrote or moved what, when): read here, and removed
    (comments, attachments) by those who may change the item."""

    def has_add_permission(self, request, obj=None) -> bool:
        return False

    def has_change_permission(self, request, obj=None) -> bool:
        return False

    def has_delete_permission(self, request, obj=None) -> bool:
        return obj is not None and self.parent_admin().has_change_permission(request, obj)


class StatusChangeInline(ReadOnlyInline):
    model = StatusChange
    fields = readonly_fields = ("from_status", "to_status", "mover", "at", "note")

    def has_delete_permission(self, request, obj=None) -> bool:
        return False  # the record of the workflow is kept

    def get_queryset(self, request):
        return super().get_queryset(request).select_related("by")

    @admin.display(description=_("by"))
    def mover(self, obj: StatusChange) -> str:
        return display_name(obj.by) if obj.by else "–"


class CommentInline(ReadOnlyInline):
    model = Comment
    fields = readonly_fields = ("writer", "created_at", "text")

    def get_queryset(self, request):
        return super().get_queryset(request).select_related("author")

    @admin.display(description=_("author"))
    def writer(self, obj: Comment) -> str:
        return display_name(obj.author) if obj.author else "–"


class AttachmentInline(ReadOnlyInline):
    model = Attachment
    fields = readonly_fields = ("file_name", "description", "uploader", "created_at")

    def get_queryset(self, request):
        return super().get_queryset(request).select_related("uploaded_by")

    @admin.display(description=_("file"))
    def file_name(self, obj: Attachment) -> str:
        return attachment_link(obj)

    @admin.display(description=_("uploaded by"))
    def uploader(self, obj: Attachment) -> str:
        return display_name(obj.uploaded_by) if obj.uploaded_by else "–"


# --- items -------------------------------------------------------------------------------


@admin.register(Item)
class ItemAdmin(RoleAdmin):
    form = ItemRulesForm
    list_display = [
        "title",
        "unit",
        "status",
        "waste",
        "quadrant",
        "priority",
        "owner_name",
        "due_date",
        "overdue",
    ]
    list_filter = [
        "status",
        FollowUpFilter,
        "waste",
        "muda_kind",
        "quadrant",
        "source",
        UnitTreeFilter,
    ]
    list_select_related = ["unit", "owner"]
    search_fields = [
        "title",
        "description",
        "unit__name",
        "owner__username",
        "owner__first_name",
        "owner__last_name",
    ]
    date_hierarchy = "created_at"
    autocomplete_fields = ["owner", "touchpoint", "transition"]
    inlines = [StatusChangeInline, CommentInline, AttachmentInline]
    readonly_fields = [
        "status",
        "status_changed_at",
        "priority",
        "quadrant",
        "submitter",
        "created_at",
        "feedback_link",
    ]
    fieldsets = [
        (
            None,
            {
                "fields": [
                    "title",
                    "description",
                    "unit",
                    "source",
                    "feedback_link",
                    "touchpoint",
                    "transition",
                    "submitter",
                    "created_at",
                ]
            },
        ),
        (
            _("Workflow"),
            {
                "fields": ["status", "status_changed_at", "owner", "due_date", "rejection_reason"],
                "description": _(
                    "Items move through PDCA (idea → triaged → plan → do → check → act, or "
                    "rejected) in the app, which records who moved them and when."
                ),
            },
        ),
        (
            _("Waste and scores"),
            {
                "fields": [
                    "waste",
                    "muda_kind",
                    "impact",
                    "feasibility",
                    "customer_value",
                    "priority",
                    "quadrant",
                ]
            },
        ),
        (
            _("Effect"),
            {
                "fields": [
                    "expected_metric",
                    "expected_change",
                    "expected_effect",
                    "measured_change",
                    "measured_effect",
                    "spread",
                    "spread_note",
                ]
            },
        ),
    ]

    def scope_queryset(self, request, queryset):
        return queryset.visible_to(request.user)

    def coordinator_may_change(self, request, obj: Item) -> bool:
        return obj.can_manage(request.user)

    def has_delete_permission(self, request, obj=None) -> bool:
        # Items are rejected, not deleted: the backlog keeps what was decided and why.
        return request.user.is_superuser

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        if db_field.name == "unit" and not request.user.is_superuser:
            kwargs["queryset"] = coordinated_units(request.user)
        if db_field.name == "owner":
            kwargs["queryset"] = Item.owner_choices(request.user)
        return super().formfield_for_foreignkey(db_field, request, **kwargs)

    def get_form(self, request, obj=None, change=False, **kwargs):
        """The owner: the people `Item.owner_choices` allows, and the item's present one."""
        form = super().get_form(request, obj, change=change, **kwargs)
        if obj is not None and "owner" in form.base_fields:
            owner = cast(forms.ModelChoiceField, form.base_fields["owner"])
            owner.queryset = Item.owner_choices(request.user, obj)
        return form

    def save_model(self, request, obj: Item, form, change: bool) -> None:
        if not change:
            obj.submitted_by = request.user
        super().save_model(request, obj, form, change)

    def get_urls(self):
        by_unit = self.admin_site.admin_view(self.by_unit_view)
        return [path("by-unit/", by_unit, name="backlog_by_unit"), *super().get_urls()]

    @admin.display(description=_("owner"), ordering="owner__first_name")
    def owner_name(self, obj: Item) -> str:
        return display_name(obj.owner) if obj.owner else "–"

    @admin.display(description=_("submitted by"))
    def submitter(self, obj: Item) -> str:
        return display_name(obj.submitted_by) if obj.submitted_by else "–"

    @admin.display(description=_("from customer feedback"))
    def feedback_link(self, obj: Item) -> str:
        if obj.source_feedback_id is None:
            return "–"
        url = reverse("admin:journeys_feedback_change", args=[obj.source_feedback_id])
        return format_html('<a href="{}">{}</a>', url, obj.source_feedback)

    @admin.display(description=_("overdue"), boolean=True)
    def overdue(self, obj: Item) -> bool:
        return obj.is_overdue()

    def by_unit_view(self, request):
        """The backlog's state by unit: every unit for management, a coordinator's own."""
        if not self.has_view_permission(request):
            raise PermissionDenied
        units = backlog_units(request.user)
        context = {
            **self.admin_site.each_context(request),
            "title": _("Backlog by unit"),
            "opts": self.model._meta,
            "rows": backlog_by_unit(units, timezone.localdate()),
            "statuses": Status.choices,
            "quadrants": Quadrant.choices,
            "recent_days": RECENT_DAYS,
        }
        return TemplateResponse(request, "admin/backlog/by_unit.html", context)


# --- the backlog by unit -----------------------------------------------------------------


@dataclass
class Figure:
    """One number on the page and the item list it stands for."""

    count: int
    url: str
    label: StrOrPromise = ""


@dataclass
class UnitBacklog:
    """The backlog of one unit with its sub-units."""

    unit: Unit
    depth: int
    by_status: Counter = field(default_factory=Counter)
    open_by_quadrant: Counter = field(default_factory=Counter)
    overdue: int = 0
    lead_days: list[float] = field(default_factory=list)  # of items finished recently

    @property
    def indented_name(self) -> str:
        return f"{'— ' * self.depth}{self.unit.name}"

    @property
    def total(self) -> int:
        return sum(self.by_status.values())

    @property
    def finished(self) -> int:
        return len(self.lead_days)

    @property
    def median_lead_days(self) -> int | None:
        return round(statistics.median(self.lead_days)) if self.lead_days else None

    def link(self, **filters: str) -> str:
        return address(
            "admin:backlog_item_changelist",
            **{UnitTreeFilter.parameter_name: self.unit.pk, **filters},
        )

    def status_figures(self) -> list[Figure]:
        return [
            Figure(self.by_status[status], self.link(status__exact=status), label)
            for status, label in Status.choices
        ]

    def quadrant_figures(self) -> list[Figure]:
        return [
            Figure(
                self.open_by_quadrant[quadrant],
                self.link(follow_up="open", quadrant__exact=quadrant),
                label,
            )
            for quadrant, label in Quadrant.choices
        ]

    def overdue_figure(self) -> Figure:
        return Figure(self.overdue, self.link(follow_up="overdue"))

    def finished_link(self) -> str:
        return self.link(follow_up="finished")


def backlog_units(viewer) -> QuerySet[Unit]:
    """Management and superusers see every unit; a coordinator the units they coordinate."""
    units = Unit.objects.all() if sees_everything(viewer) else coordinated_units(viewer)
    return units.order_by("path")


def backlog_by_unit(units: QuerySet[Unit], today: dt.date) -> list[UnitBacklog]:
    """One row per unit in tree order, each counting its own items and those of its
    sub-units among `units`. Three queries whatever the number of units or items: the
    units, the counts per unit (conditional aggregates) and the lead times of the items
    finished recently; the roll-up along the tree happens here."""
    rows = {unit.pk: UnitBacklog(unit, 0) for unit in units}
    if not rows:
        return []
    top = min(row.unit.depth for row in rows.values())
    for row in rows.values():
        row.depth = row.unit.depth - top
    lines = {pk: [rows[a] for a in row.unit.line if a in rows] for pk, row in rows.items()}
    items = Item.objects.filter(unit__in=units.values("pk")).order_by()

    for counts in counts_by_unit(items, today):
        unit_id = counts.pop("unit")
        for row in lines[unit_id]:
            for status in Status.values:
                row.by_status[status] += counts[f"status_{status}"]
            for quadrant in Quadrant.values:
                row.open_by_quadrant[quadrant] += counts[f"open_{quadrant}"]
            row.overdue += counts["overdue"]
    for unit_id, created, finished in finished_recently(items):
        days = (finished - created).total_seconds() / 86400
        for row in lines[unit_id]:
            row.lead_days.append(days)
    return list(rows.values())


def counts_by_unit(items: QuerySet[Item], today: dt.date) -> QuerySet:
    """Per unit: items in each status, open items in each quadrant, open items overdue."""
    is_open = Q(status__in=OPEN_STATUSES)
    figures = {
        **{f"status_{s}": Count("pk", filter=Q(status=s)) for s in Status.values},
        **{f"open_{q}": Count("pk", filter=is_open & Q(quadrant=q)) for q in Quadrant.values},
        "overdue": Count("pk", filter=is_open & Q(due_date__lt=today)),
    }
    return items.values("unit").annotate(**figures)


def finished_recently(items: QuerySet[Item]):
    """(unit id, submitted, finished) for items standardised (act) in the last
    RECENT_DAYS days; act is final, so the last status change is the finish."""
    return items.filter(status=Status.ACT, status_changed_at__gte=recent_start()).values_list(
        "unit_id", "created_at", "status_changed_at"
    )


# --- scoring settings --------------------------------------------------------------------

FORMULA = _(
    "Priority = 100 × (impact weight × impact + feasibility weight × feasibility + "
    "customer value weight × customer value) ÷ (5 × the sum of the weights), rounded to a "
    "whole number: an item scoring 5 on all three gets 100, one scoring 1 on all three 20. "
    "Only the proportions between the weights matter. Quadrants: impact and feasibility at "
    "or above “high from” count as high; high impact and high feasibility is a quick win, "
    "high impact and low feasibility a major project, low impact and high feasibility a "
    "fill-in, low and low a thankless task. Saving recomputes the priority and quadrant of "
    "every improvement."
)


@admin.register(ScoringSettings)
class ScoringSettingsAdmin(RoleAdmin):
    """One row of organisation-wide weights: superusers change it, everyone else reads."""

    list_display = [
        "__str__",
        "impact_weight",
        "feasibility_weight",
        "customer_value_weight",
        "high_threshold",
    ]
    fieldsets = [
        (
            None,
            {
                "fields": [
                    "impact_weight",
                    "feasibility_weight",
                    "customer_value_weight",
                    "high_threshold",
                ],
                "description": FORMULA,
            },
        )
    ]
    actions = None

    def has_add_permission(self, request) -> bool:
        return request.user.is_superuser and not ScoringSettings.objects.exists()

    def has_change_permission(self, request, obj=None) -> bool:
        return request.user.is_superuser

    def has_delete_permission(self, request, obj=None) -> bool:
        return False

    def changelist_view(self, request, extra_context=None):
        context = {"formula": FORMULA, "current": ScoringSettings.current()}
        return super().changelist_view(request, {**context, **(extra_context or {})})

    def save_model(self, request, obj: ScoringSettings, form, change: bool) -> None:
        super().save_model(request, obj, form, change)
        count = Item.objects.count()
        self.message_user(
            request,
            ngettext(
                "The priority and quadrant of %(count)d improvement were recomputed.",
                "The priorities and quadrants of %(count)d improvements were recomputed.",
                count,
            )
            % {"count": count},
            messages.INFO,
        )


# --- rows written by the app, readable on their own ----------------------------------------


class ItemPartAdmin(RoleAdmin):
    """Status changes, comments and attachments, in the scope of their item. They are
    written in the app; here they are read, and removed by those who manage the item."""

    list_select_related = ["item__unit"]
    # Deleting in bulk would skip the per-row check of has_delete_permission.
    actions = None

    def scope_queryset(self, request, queryset):
        return queryset.filter(item__in=Item.objects.visible_to(request.user).values("pk"))

    def coordinator_may_change(self, request, obj) -> bool:
        return obj.item.can_manage(request.user)

    def has_add_permission(self, request) -> bool:
        return False

    def has_change_permission(self, request, obj=None) -> bool:
        return False

    def has_delete_permission(self, request, obj=None) -> bool:
        return super().has_change_permission(request, obj)

    @admin.display(description=_("unit"), ordering="item__unit__path")
    def unit(self, obj) -> Unit:
        return obj.item.unit


@admin.register(StatusChange)
class StatusChangeAdmin(ItemPartAdmin):
    list_display = ["item", "unit", "from_status", "to_status", "mover", "at"]
    list_filter = ["to_status", "from_status"]
    list_select_related = ["item__unit", "by"]
    search_fields = ["item__title", "note"]
    date_hierarchy = "at"
    readonly_fields = ("item", "from_status", "to_status", "mover", "at", "note")
    fields = readonly_fields

    def has_delete_permission(self, request, obj=None) -> bool:
        return False  # the record of the workflow is kept

    def history_view(self, request, object_id, extra_context=None):
        # Status changes are history themselves and keep no versions of their own.
        self.history_object_or_404(request, object_id)
        return admin.ModelAdmin.history_view(self, request, object_id, extra_context)

    @admin.display(description=_("by"), ordering="by__first_name")
    def mover(self, obj: StatusChange) -> str:
        return display_name(obj.by) if obj.by else "–"


@admin.register(Comment)
class CommentAdmin(ItemPartAdmin):
    list_display = ["short_text", "item", "unit", "writer", "created_at"]
    list_select_related = ["item__unit", "author"]
    search_fields = ["text", "item__title"]
    date_hierarchy = "created_at"
    readonly_fields = ("item", "writer", "created_at", "text")
    fields = readonly_fields

    @admin.display(description=_("comment"))
    def short_text(self, obj: Comment) -> str:
        return str(obj)

    @admin.display(description=_("author"), ordering="author__first_name")
    def writer(self, obj: Comment) -> str:
        return display_name(obj.author) if obj.author else "–"


@admin.register(Attachment)
class AttachmentAdmin(ItemPartAdmin):
    list_display = ["file_name", "item", "unit", "uploader", "created_at"]
    list_select_related = ["item__unit", "uploaded_by"]
    search_fields = ["file", "description", "item__title"]
    date_hierarchy = "created_at"
    readonly_fields = ("item", "file_name", "description", "uploader", "created_at")
    fields = readonly_fields

    @admin.display(description=_("file"), ordering="file")
    def file_name(self, obj: Attachment) -> str:
        return attachment_link(obj)

    @admin.display(description=_("uploaded by"), ordering="uploaded_by__first_name")
    def uploader(self, obj: Attachment) -> str:
        return display_name(obj.uploaded_by) if obj.uploaded_by else "–"


# --- customer feedback becomes an improvement ---------------------------------------------

admin.site.unregister(Feedback)


@admin.register(Feedback)
class FeedbackAdmin(journeys_admin.FeedbackAdmin):
    """The Voice of the Customer's feedback (`cxlean.journeys.admin.FeedbackAdmin`) with
    the backlog's action: coordinators turn feedback into improvements with
    `improvement_from_feedback`, which keeps the link and makes one item however often
    it is asked; a row whose unit they may not submit to (`may_submit`) is refused."""

    actions = ["turn_into_improvements"]  # journeys' FeedbackAdmin has no actions of its own

    def has_improve_permission(self, request) -> bool:
        return is_coordinator(request.user)

    @admin.action(description=_("Turn into improvements"), permissions=["improve"])
    def turn_into_improvements(self, request, queryset) -> None:
        made, existing, refused = 0, 0, 0
        for feedback in queryset.select_related("unit", "touchpoint"):
            if not may_submit(request.user, feedback.unit):
                refused += 1
                continue
            _item, created = improvement_from_feedback(feedback, by=request.user)
            made += created
            existing += not created
        if made:
            self.message_user(
                request,
                ngettext(
                    "Made %(count)d improvement from customer feedback.",
                    "Made %(count)d improvements from customer feedback.",
                    made,
                )
                % {"count": made},
                messages.SUCCESS,
            )
        if existing:
            self.message_user(
                request,
                ngettext(
                    "%(count)d piece of feedback had already become an improvement.",
                    "%(count)d pieces of feedback had already become improvements.",
                    existing,
                )
                % {"count": existing},
                messages.INFO,
            )
        if refused:
            self.message_user(
                request,
                ngettext(
                    "%(count)d piece of feedback belongs to a unit you cannot add ideas to.",
                    "%(count)d pieces of feedback belong to units you cannot add ideas to.",
                    refused,
                )
                % {"count": refused},
                messages.ERROR,
            )
