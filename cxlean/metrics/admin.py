"""CX metrics in the admin: the metric catalogue, targets, survey answers, entered
figures, ingestion tokens and survey sources (webhooks from survey tools).

Access follows `cxlean.org.admin_rules.RoleAdmin` and the rules of `cxlean.metrics.models`: everyone
with admin access sees what `visible_to` shows them (management and superusers
everything, coordinators their part of the tree), coordinators change what belongs to the
units they coordinate (`can_edit`), management reads. Saving runs the models' `clean`, so
an answer outside its scale or a churn with more customers lost than there were is
refused here as in the web app and the API.
"""

from __future__ import annotations

from django.contrib import admin, messages
from django.contrib.admin.utils import unquote
from django.http import Http404
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _

from cxlean.core.names import display_name
from cxlean.metrics.forms import PreviewForm
from cxlean.metrics.models import (
    MAPPING_FIELDS,
    SURVEY_KINDS,
    IngestToken,
    Measurement,
    Metric,
    SurveyAnswer,
    SurveySource,
    Target,
    may_see_survey_sources,
)
from cxlean.metrics.reports import Period
from cxlean.metrics.webhooks import MappingError, mapped_answers, name_units
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


@admin.register(SurveySource)
class SurveySourceAdmin(UnitScopedAdmin):
    """Survey tools pushing answers by webhook. Coordinators of the unit add and change
    them, management reads, nobody else sees them (`may_see_survey_sources`). The
    secret is shown once, on a page of its own (not in a message, which may travel in a
    cookie), when a source is added and when it is rotated (an action); a sample payload
    can be tried on a source's mapping before the tool is connected."""

    list_display = [
        "name",
        "slug",
        "unit",
        "active",
        "answers_received",
        "last_delivery_at",
        "secret_rotated_at",
    ]
    list_filter = ["active", UnitTreeFilter]
    list_select_related = ["unit"]
    search_fields = ["name", "slug"]
    actions = ["rotate_secrets"]
    fieldsets = [
        (None, {"fields": ["name", "slug", ("unit", "default_unit"), "active", "address"]}),
        (
            _("Field mapping"),
            {
                "fields": [*MAPPING_FIELDS, "preview_link"],
                "description": _(
                    "Paths into the tool's JSON, names joined by dots and list positions in "
                    "brackets: response.nps.score or answers[0].value."
                ),
            },
        ),
        (_("Voice of the Customer"), {"fields": ["comments_to_feedback", "feedback_channel"]}),
        (
            None,
            {
                "fields": [
                    ("answers_received", "last_delivery_at"),
                    "secret_rotated_at",
                    "created_at",
                ]
            },
        ),
    ]
    readonly_fields = [
        "address",
        "preview_link",
        "answers_received",
        "last_delivery_at",
        "secret_rotated_at",
        "created_at",
    ]

    def has_module_permission(self, request) -> bool:
        return may_see_survey_sources(request.user)

    def has_view_permission(self, request, obj=None) -> bool:
        return may_see_survey_sources(request.user)

    def get_readonly_fields(self, request, obj=None):
        fields = super().get_readonly_fields(request, obj)
        return [*fields, "slug"] if obj is not None else fields

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        if db_field.name == "default_unit" and not request.user.is_superuser:
            kwargs["queryset"] = coordinated_units(request.user)
        if db_field.name == "metric":
            kwargs["queryset"] = Metric.objects.filter(kind__in=SURVEY_KINDS)
        return super().formfield_for_foreignkey(db_field, request, **kwargs)

    @admin.display(description=_("webhook address"))
    def address(self, obj: SurveySource) -> str:
        return obj.webhook_url() if obj.pk else "–"

    @admin.display(description=_("try a payload"))
    def preview_link(self, obj: SurveySource) -> str:
        if not obj.pk:
            return "–"
        url = reverse("admin:metrics_surveysource_preview", args=[obj.pk])
        return format_html('<a href="{}">{}</a>', url, _("Map a sample payload"))

    def response_add(self, request, obj: SurveySource, post_url_continue=None):
        return self.secrets_page(request, [obj])

    @admin.action(description=_("Make new secrets for the selected survey sources"))
    def rotate_secrets(self, request, queryset):
        sources = [obj for obj in queryset if self.has_change_permission(request, obj)]
        for source in sources:
            source.rotate_secret()
        if not sources:
            self.message_user(request, _("You can change none of them."), messages.WARNING)
            return None
        return self.secrets_page(request, sources)

    def secrets_page(self, request, sources: list[SurveySource]) -> TemplateResponse:
        context = {
            **self.admin_site.each_context(request),
            "title": _("The secret, shown once"),
            "opts": self.model._meta,
            "sources": sources,
        }
        return TemplateResponse(request, "admin/metrics/surveysource/secret.html", context)

    def get_urls(self):
        preview = self.admin_site.admin_view(self.preview_view)
        return [
            path("<path:object_id>/preview/", preview, name="metrics_surveysource_preview"),
            *super().get_urls(),
        ]

    def preview_view(self, request, object_id):
        """A sample payload mapped by the source's settings: each answer as it would be
        recorded, and the mapping's errors by index and field."""
        source = self.get_object(request, unquote(object_id))
        if source is None or not self.has_view_permission(request, source):
            raise Http404
        form = PreviewForm(request.POST or None)
        rows: list = []
        errors: list = []
        if request.method == "POST" and form.is_valid():
            try:
                rows, errors = mapped_answers(source, form.cleaned_data["payload"])
                name_units(rows)
            except MappingError as error:
                form.add_error("payload", error.message)
        context = {
            **self.admin_site.each_context(request),
            "title": _("Map a sample payload: %(source)s") % {"source": source},
            "opts": self.model._meta,
            "original": source,
            "form": form,
            "rows": list(enumerate(rows)),
            "errors": errors,
            "tried": request.method == "POST" and form.is_valid(),
        }
        return TemplateResponse(request, "admin/metrics/surveysource/preview.html", context)


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
