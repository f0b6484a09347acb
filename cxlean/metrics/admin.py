"""CX metrics in the admin: the metric catalogue, targets, survey answers and entered
figures.

Access follows `cxlean.org.admin_rules.RoleAdmin` and the rules of `cxlean.metrics.models`: everyone
with admin access sees what `visible_to` shows them (management and superusers
everything, coordinators their part of the tree), coordinators change what belongs to the
units they coordinate (`can_edit`), management reads. Saving runs the models' `clean`, so
an answer outside its scale or a churn with more customers lost than there were is
refused here as in the web app and the API.
"""

from __future__ import annotations

from django.contrib import admin
from django.utils.translation import gettext_lazy as _

from cxlean.core.names import display_name
from cxlean.metrics.models import IngestToken, Measurement, Metric, SurveyAnswer, Target
from cxlean.metrics.reports import Period
from cxlean.org.admin_rules import CatalogueAdmin, RoleAdmin, SuperusersOnly, UnitTreeFilter
from cxlean.org.roles import coordinated_units


def name_or_dash(user) -> str:
    return display_name(user) if user else "–"


@admin.register(Metric)
class MetricAdmin(CatalogueAdmin):
    list_display = ["kind", "name_sv", "name_en", "scale", "higher_is_better", "small_sample"]
    list_display_links = ["kind", "name_sv"]
    list_filter = ["active", "higher_is_better"]
    search_fields = ["name_sv", "name_en", "kind"]
    fields = [
        "kind",
        ("name_sv", "name_en"),
        ("description_sv", "description_en"),
        ("scale_min", "scale_max"),
        "higher_is_better",
        "small_sample",
        ("order", "active"),
    ]

    @admin.display(description=_("answer scale"))
    def scale(self, obj: Metric) -> str:
        if obj.scale_min is None:
            return "–"
        return f"{obj.scale_min}–{obj.scale_max}"


class UnitScopedAdmin(RoleAdmin):
    """Rows of the units the user sees; the unit field offers the units they coordinate."""

    def scope_queryset(self, request, queryset):
        return queryset.visible_to(request.user)

    def coordinator_may_change(self, request, obj) -> bool:
        return obj.can_edit(request.user)

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        if db_field.name == "unit" and not request.user.is_superuser:
            kwargs["queryset"] = coordinated_units(request.user)
        return super().formfield_for_foreignkey(db_field, request, **kwargs)


@admin.register(Target)
class TargetAdmin(UnitScopedAdmin):
    list_display = ["metric", "unit", "value", "valid_from", "setter"]
    list_filter = ["metric", UnitTreeFilter]
    list_select_related = ["metric", "unit", "set_by"]
    search_fields = ["unit__name"]
    date_hierarchy = "valid_from"
    fields = ["metric", "unit", "value", "valid_from", "setter", "set_at"]
    readonly_fields = ["setter", "set_at"]

    def save_model(self, request, obj: Target, form, change: bool) -> None:
        obj.set_by = request.user
        super().save_model(request, obj, form, change)

    @admin.display(description=_("set by"))
    def setter(self, obj: Target) -> str:
        return name_or_dash(obj.set_by)


@admin.register(SurveyAnswer)
class SurveyAnswerAdmin(UnitScopedAdmin):
    list_display = ["answered_on", "metric", "score", "unit", "touchpoint", "short_comment"]
    list_filter = ["metric", UnitTreeFilter, "answered_on"]
    list_select_related = ["metric", "unit", "touchpoint__stage__journey"]
    search_fields = ["comment", "respondent", "unit__name", "touchpoint__name"]
    date_hierarchy = "answered_on"
    autocomplete_fields = ["touchpoint"]
    fields = [
        "metric",
        "unit",
        "touchpoint",
        "answered_on",
        "score",
        "comment",
        "respondent",
        "recorder",
        "created_at",
    ]
    readonly_fields = ["recorder", "created_at"]

    def save_model(self, request, obj: SurveyAnswer, form, change: bool) -> None:
        if not change:
            obj.created_by = request.user
        super().save_model(request, obj, form, change)

    @admin.display(description=_("comment"))
    def short_comment(self, obj: SurveyAnswer) -> str:
        return obj.comment[:60] or "–"

    @admin.display(description=_("recorded by"))
    def recorder(self, obj: SurveyAnswer) -> str:
        return name_or_dash(obj.created_by)


@admin.register(IngestToken)
class IngestTokenAdmin(SuperusersOnly, admin.ModelAdmin):
    """Ingestion tokens (`POST /api/v1/survey-answers/bulk/` only): superusers hand them
    out to a source; the key is shown once saved."""

    list_display = ["source", "user", "active", "created_at"]
    list_filter = ["active"]
    fields = ["source", "user", "active", "key", "created_at"]
    readonly_fields = ["key", "created_at"]
    autocomplete_fields = ["user"]


@admin.register(Measurement)
class MeasurementAdmin(UnitScopedAdmin):
    list_display = [
        "metric",
        "unit",
        "period",
        "value",
        "sample_size",
        "touchpoint",
        "entered_at",
    ]
    list_filter = ["metric", "period_kind", UnitTreeFilter, "period_start"]
    list_select_related = ["metric", "unit", "touchpoint__stage__journey"]
    search_fields = ["note", "unit__name", "touchpoint__name"]
    date_hierarchy = "period_start"
    autocomplete_fields = ["touchpoint"]
    fieldsets = [
        (None, {"fields": ["metric", "unit", "touchpoint", ("period_kind", "period_start")]}),
        (_("The figure"), {"fields": [("value", "sample_size")]}),
        (
            _("Churn and CLV from their parts"),
            {
                "fields": [
                    ("customers_at_start", "customers_lost"),
                    ("average_revenue", "margin_percent"),
                ],
                "description": _(
                    "Leave the value empty to compute churn from the customers and CLV from "
                    "the average revenue, the margin and the churn of the same period."
                ),
            },
        ),
        (None, {"fields": ["note", "enterer", "entered_at"]}),
    ]
    readonly_fields = ["enterer", "entered_at"]

    def save_model(self, request, obj: Measurement, form, change: bool) -> None:
        obj.entered_by = request.user
        super().save_model(request, obj, form, change)

    @admin.display(description=_("period"), ordering="period_start")
    def period(self, obj: Measurement) -> str:
        return Period(obj.period_kind, obj.period_start).label

    @admin.display(description=_("entered by"))
    def enterer(self, obj: Measurement) -> str:
        return name_or_dash(obj.entered_by)
