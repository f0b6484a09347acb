"""Customer journeys and the Voice of the Customer in the admin.

Access follows `cxlean.org.admin_rules.RoleAdmin` and the rules in `cxlean.journeys.models`:
journeys are read by everyone in the admin and changed by coordinators of the
journey's unit (`may_change_journey`); feedback is read within
`Feedback.objects.visible_to` and changed as `Feedback.can_edit` says; management
reads. Turning feedback into improvements is the backlog's action, added to this
list by `cxlean.backlog.admin.FeedbackAdmin`.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, TypedDict

from django import forms
from django.contrib import admin
from django.db.models import Count
from django.urls import reverse
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _

from cxlean.core.names import display_name
from cxlean.core.typed import form_field
from cxlean.journeys.models import (
    Feedback,
    Journey,
    Stage,
    Touchpoint,
    Transition,
    may_change_journey,
)
from cxlean.org.admin_rules import RoleAdmin, RoleTabularInline, form_with
from cxlean.org.roles import coordinated_units

if TYPE_CHECKING:
    from django_stubs_ext import WithAnnotations


class JourneyCounts(TypedDict):
    """What `JourneyAdmin.get_queryset` annotates."""

    stage_count: int
    touchpoint_count: int


def changeable_stages(user):
    """Stages of the journeys a coordinator may change."""
    stages = Stage.objects.select_related("journey")
    if user.is_superuser:
        return stages
    return stages.filter(journey__unit__in=coordinated_units(user))


def changeable_touchpoints(user):
    touchpoints = Touchpoint.objects.select_related("stage__journey")
    if user.is_superuser:
        return touchpoints
    return touchpoints.filter(stage__journey__unit__in=coordinated_units(user))


class StageInline(RoleTabularInline):
    model = Stage
    fields = ["order", "name", "description"]


@admin.register(Journey)
class JourneyAdmin(RoleAdmin):
    list_display = ["name", "unit", "persona", "stages", "touchpoints"]
    list_filter = [("unit", admin.RelatedOnlyFieldListFilter)]
    list_select_related = ["unit"]
    search_fields = ["name", "persona", "description"]
    inlines = [StageInline]

    def scope_queryset(self, request, queryset):
        return queryset.visible_to(request.user).annotate(
            stage_count=Count("stages", distinct=True),
            touchpoint_count=Count("stages__touchpoints", distinct=True),
        )

    def coordinator_may_change(self, request, obj: Journey) -> bool:
        return may_change_journey(request.user, obj)

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        if db_field.name == "unit" and not request.user.is_superuser:
            kwargs["queryset"] = coordinated_units(request.user)
        return super().formfield_for_foreignkey(db_field, request, **kwargs)

    @admin.display(description=_("stages"), ordering="stage_count")
    def stages(self, obj: WithAnnotations[Journey, JourneyCounts]) -> int:
        return obj.stage_count

    @admin.display(description=_("touchpoints"), ordering="touchpoint_count")
    def touchpoints(self, obj: WithAnnotations[Journey, JourneyCounts]) -> int:
        return obj.touchpoint_count


@admin.register(Touchpoint)
class TouchpointAdmin(RoleAdmin):
    list_display = [
        "name",
        "journey_name",
        "stage_name",
        "channel",
        "owner_role",
        "partner_controlled",
        "emotion",
    ]
    list_filter = [
        ("stage__journey", admin.RelatedOnlyFieldListFilter),
        "channel",
        "partner_controlled",
        "emotion",
        ("owner_role", admin.RelatedOnlyFieldListFilter),
    ]
    list_select_related = ["stage__journey", "owner_role"]
    search_fields = ["name", "description", "stage__name", "stage__journey__name"]

    def get_queryset(self, request):
        return super().get_queryset(request).select_related("stage__journey__unit", "owner_role")

    def coordinator_may_change(self, request, obj: Touchpoint) -> bool:
        return may_change_journey(request.user, obj.stage.journey)

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        if db_field.name == "stage":
            kwargs["queryset"] = changeable_stages(request.user)
        return super().formfield_for_foreignkey(db_field, request, **kwargs)

    @admin.display(description=_("journey"), ordering="stage__journey__name")
    def journey_name(self, obj: Touchpoint) -> str:
        return obj.stage.journey.name

    @admin.display(description=_("stage"), ordering="stage__order")
    def stage_name(self, obj: Touchpoint) -> str:
        return obj.stage.name


@admin.register(Transition)
class TransitionAdmin(RoleAdmin):
    list_display = ["__str__", "journey_name", "friction"]
    list_filter = [("source__stage__journey", admin.RelatedOnlyFieldListFilter)]
    search_fields = ["source__name", "target__name", "friction"]

    def get_queryset(self, request):
        return (
            super()
            .get_queryset(request)
            .select_related("source__stage__journey__unit", "target__stage__journey")
        )

    def coordinator_may_change(self, request, obj: Transition) -> bool:
        return may_change_journey(request.user, obj.source.stage.journey)

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        if db_field.name in ("source", "target"):
            kwargs["queryset"] = changeable_touchpoints(request.user)
        return super().formfield_for_foreignkey(db_field, request, **kwargs)

    @admin.display(description=_("journey"), ordering="source__stage__journey__name")
    def journey_name(self, obj: Transition) -> str:
        return obj.source.stage.journey.name


class FeedbackAdminForm(forms.ModelForm):
    """The units offered and accepted are `Feedback.unit_choices`, as in the web form
    and the API."""

    user = None  # set by FeedbackAdmin.get_form

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if "unit" in self.fields:
            form_field(self, "unit", forms.ModelChoiceField).queryset = self.instance.unit_choices(
                self.user
            )

    def clean_unit(self):
        unit = self.cleaned_data["unit"]
        if not self.instance.may_place(self.user, unit):
            raise forms.ValidationError(_("You cannot log feedback for this unit."), code="unit")
        return unit


@admin.register(Feedback)
class FeedbackAdmin(RoleAdmin):
    form = FeedbackAdminForm
    list_display = [
        "__str__",
        "unit",
        "received_on",
        "source",
        "channel",
        "sentiment",
        "touchpoint_name",
        "improvement_link",
    ]
    list_filter = [
        "sentiment",
        "source",
        "channel",
        ("unit", admin.RelatedOnlyFieldListFilter),
        ("touchpoint__stage__journey", admin.RelatedOnlyFieldListFilter),
    ]
    list_select_related = ["unit", "touchpoint", "improvement"]
    search_fields = ["what_happened", "how_it_felt", "what_to_improve", "customer_reference"]
    date_hierarchy = "received_on"
    autocomplete_fields = ["touchpoint"]
    readonly_fields = ["logger", "created_at", "improvement_link"]
    fieldsets = [
        (
            None,
            {
                "fields": [
                    "unit",
                    "received_on",
                    "source",
                    "channel",
                    "touchpoint",
                    "customer_reference",
                    "sentiment",
                ]
            },
        ),
        (
            _("The feedback loop"),
            {"fields": ["what_happened", "how_it_felt", "what_to_improve"]},
        ),
        (None, {"fields": ["logger", "created_at", "improvement_link"]}),
    ]

    def scope_queryset(self, request, queryset):
        return queryset.visible_to(request.user)

    def coordinator_may_change(self, request, obj: Feedback) -> bool:
        return obj.can_edit(request.user)

    def get_form(self, request, obj=None, change=False, **kwargs):
        return form_with(super().get_form(request, obj, change, **kwargs), user=request.user)

    def has_delete_permission(self, request, obj=None) -> bool:
        # The bulk action would skip the per-row check, so only one at a time for
        # coordinators (superusers may do both).
        if obj is None and not request.user.is_superuser:
            return False
        return super().has_delete_permission(request, obj)

    def save_model(self, request, obj: Feedback, form, change: bool) -> None:
        if not change:
            obj.created_by = request.user
        super().save_model(request, obj, form, change)

    @admin.display(description=_("touchpoint"), ordering="touchpoint__name")
    def touchpoint_name(self, obj: Feedback) -> str:
        return obj.touchpoint.name if obj.touchpoint else "–"

    @admin.display(description=_("logged by"))
    def logger(self, obj: Feedback) -> str:
        return display_name(obj.created_by) if obj.created_by else "–"

    @admin.display(description=_("improvement"))
    def improvement_link(self, obj: Feedback) -> str:
        item = getattr(obj, "improvement", None)
        if item is None:
            return "–"
        url = reverse("admin:backlog_item_change", args=[item.pk])
        return format_html('<a href="{}">{}</a>', url, item.title)
