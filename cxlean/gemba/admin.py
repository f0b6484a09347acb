"""Gemba walks in the admin: question sets (a catalogue), schedules, walks with their
answers and observations, observations on their own (with "Make improvements"), and
the cadence report (walks done against walks planned per unit and month).

Access follows `cxlean.org.admin_rules.RoleAdmin` and the rules of `cxlean.gemba.models`: everyone
sees the walks `Walk.objects.visible_to` shows them (and the schedules, answers and
observations that go with them), coordinators change what belongs to the units they
coordinate (`Walk.can_plan`, `Schedule.can_edit`), management reads. Photos are linked
through the API's permission-checked download, never a public media URL.
"""

from __future__ import annotations

from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied
from django.db.models import Count, QuerySet
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils import timezone
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from cxlean.core.names import display_name
from cxlean.core.uploads import CheckedFilesAdmin
from cxlean.gemba.models import (
    Answer,
    Observation,
    Question,
    QuestionSet,
    Schedule,
    Walk,
    improvement_from_observation,
)
from cxlean.gemba.recurrence import generate_for_schedule
from cxlean.gemba.reports import cadence, months_back
from cxlean.org.admin_rules import (
    CatalogueAdmin,
    RoleAdmin,
    RoleStackedInline,
    RoleTabularInline,
    UnitTreeFilter,
)
from cxlean.org.models import Unit
from cxlean.org.roles import coordinated_units, sees_everything

CADENCE_MONTHS = 6


def name_or_dash(user) -> str:
    return display_name(user) if user else "–"


def photo_link(observation: Observation, display: bool = True) -> str:
    field = observation.photo_display if display else observation.photo
    if not field:
        return "–"
    name = "gemba-observation-display" if display else "gemba-observation-photo"
    url = reverse(name, args=[observation.pk])
    label = _("Photo for display") if display else _("Original photo")
    return format_html('<a href="{}">{}</a>', url, label)


class PhotoLinks(CheckedFilesAdmin):
    """An observation's photo links to the checked download of the original."""

    checked_files = {"photo": "original_photo"}

    def download_url(self, obj: Observation) -> str:
        return reverse("gemba-observation-photo", args=[obj.pk])

    @admin.display(description=_("photo"))
    def original_photo(self, obj: Observation) -> str:
        return photo_link(obj, display=False)


def improvement_link(observation: Observation) -> str:
    if not observation.improvement_id:
        return "–"
    url = reverse("admin:backlog_item_change", args=[observation.improvement_id])
    return format_html('<a href="{}">{}</a>', url, observation.improvement)


# --- question sets -----------------------------------------------------------------------


class QuestionInline(RoleStackedInline):
    model = Question
    fields = [("order",), ("text_sv", "text_en"), ("help_sv", "help_en")]


@admin.register(QuestionSet)
class QuestionSetAdmin(CatalogueAdmin):
    list_display = ["name_sv", "name_en", "code", "active", "question_count"]
    list_filter = ["active"]
    search_fields = ["name_sv", "name_en", "code", "questions__text_sv", "questions__text_en"]
    fields = ["code", "name_sv", "name_en", "description_sv", "description_en", "active"]
    inlines = [QuestionInline]

    def get_queryset(self, request):
        return super().get_queryset(request).annotate(question_count=Count("questions"))

    @admin.display(description=_("questions"), ordering="question_count")
    def question_count(self, obj: QuestionSet) -> int:
        return obj.question_count


# --- schedules ---------------------------------------------------------------------------


class UnitScopedAdmin(RoleAdmin):
    """A unit field limited to the units the coordinator coordinates."""

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        if db_field.name == "unit" and not request.user.is_superuser:
            kwargs["queryset"] = coordinated_units(request.user)
        return super().formfield_for_foreignkey(db_field, request, **kwargs)


@admin.register(Schedule)
class ScheduleAdmin(UnitScopedAdmin):
    list_display = ["title", "unit", "rule", "leader_name", "starts_on", "ends_on", "active"]
    list_filter = ["active", "frequency", UnitTreeFilter]
    list_select_related = ["unit", "leader"]
    search_fields = ["title", "place", "process", "unit__name"]
    autocomplete_fields = ["leader", "touchpoint"]
    readonly_fields = ["creator"]
    fieldsets = [
        (None, {"fields": ["unit", "title", "place", "process", "touchpoint", "question_set"]}),
        (
            _("Recurrence"),
            {
                "fields": [
                    "frequency",
                    "interval",
                    "weekday",
                    "day_of_month",
                    "start_time",
                    "duration_minutes",
                    "starts_on",
                    "ends_on",
                    "active",
                ],
                "description": _(
                    "Saving creates the planned walks of the coming six weeks at once; "
                    "walks already created are left as they are."
                ),
            },
        ),
        (None, {"fields": ["leader", "creator"]}),
    ]

    def scope_queryset(self, request, queryset):
        return queryset.visible_to(request.user)

    def coordinator_may_change(self, request, obj: Schedule) -> bool:
        return obj.can_edit(request.user)

    def save_model(self, request, obj: Schedule, form, change: bool) -> None:
        if not change:
            obj.created_by = request.user
        super().save_model(request, obj, form, change)
        created = generate_for_schedule(obj, timezone.localdate())
        if created:
            self.message_user(
                request,
                ngettext(
                    "%(count)d planned walk was created.",
                    "%(count)d planned walks were created.",
                    created,
                )
                % {"count": created},
                messages.INFO,
            )

    @admin.display(description=_("recurrence"))
    def rule(self, obj: Schedule) -> str:
        return obj.rule_text()

    @admin.display(description=_("leader"), ordering="leader__first_name")
    def leader_name(self, obj: Schedule) -> str:
        return name_or_dash(obj.leader)

    @admin.display(description=_("created by"))
    def creator(self, obj: Schedule) -> str:
        return name_or_dash(obj.created_by)


# --- walks -------------------------------------------------------------------------------


class OverdueFilter(admin.SimpleListFilter):
    title = _("follow-up")
    parameter_name = "follow_up"

    def lookups(self, request, model_admin):
        return [("overdue", _("Overdue (planned, not done)"))]

    def queryset(self, request, queryset):
        if self.value() == "overdue":
            return queryset.overdue()
        return queryset


class AnswerInline(RoleTabularInline):
    model = Answer
    fields = ["question", "text", "answerer", "updated_at"]
    readonly_fields = ["answerer", "updated_at"]

    def get_queryset(self, request):
        return super().get_queryset(request).select_related("question", "answered_by")

    @admin.display(description=_("answered by"))
    def answerer(self, obj: Answer) -> str:
        return name_or_dash(obj.answered_by)


class ObservationInline(PhotoLinks, RoleStackedInline):
    model = Observation
    fields = [
        "text",
        ("waste", "muda_kind", "severity"),
        "touchpoint",
        "photo",
        ("display", "improvement_link"),
    ]
    readonly_fields = ["display", "improvement_link", "original_photo"]
    autocomplete_fields = ["touchpoint"]

    def get_queryset(self, request):
        return super().get_queryset(request).select_related("improvement", "touchpoint")

    @admin.display(description=_("photo for display"))
    def display(self, obj: Observation) -> str:
        return photo_link(obj)

    @admin.display(description=_("improvement"))
    def improvement_link(self, obj: Observation) -> str:
        return improvement_link(obj)


@admin.register(Walk)
class WalkAdmin(UnitScopedAdmin):
    list_display = [
        "walk",
        "unit",
        "planned_start",
        "leader_name",
        "status",
        "overdue",
        "observation_count",
    ]
    list_filter = ["status", OverdueFilter, UnitTreeFilter, "question_set"]
    list_select_related = ["unit", "leader", "touchpoint"]
    search_fields = ["place", "process", "summary", "touchpoint__name", "unit__name"]
    date_hierarchy = "planned_start"
    autocomplete_fields = ["leader", "touchpoint"]
    filter_horizontal = ["participants"]
    readonly_fields = ["schedule", "creator", "created_at", "updated_at"]
    inlines = [AnswerInline, ObservationInline]
    fieldsets = [
        (
            None,
            {
                "fields": [
                    "unit",
                    "planned_start",
                    "duration_minutes",
                    "leader",
                    "participants",
                    "question_set",
                ]
            },
        ),
        (
            _("Where"),
            {
                "fields": ["place", "process", "touchpoint"],
                "description": _("At least one: a place, a process or a touchpoint."),
            },
        ),
        (_("Outcome"), {"fields": ["status", "actual_minutes", "summary"]}),
        (None, {"fields": ["schedule", "creator", "created_at", "updated_at"]}),
    ]

    def get_queryset(self, request):
        return super().get_queryset(request).annotate(observation_total=Count("observations"))

    def scope_queryset(self, request, queryset):
        return queryset.visible_to(request.user)

    def coordinator_may_change(self, request, obj: Walk) -> bool:
        return obj.can_plan(request.user)

    def save_model(self, request, obj: Walk, form, change: bool) -> None:
        if not change:
            obj.created_by = request.user
        super().save_model(request, obj, form, change)

    def save_formset(self, request, form, formset, change: bool) -> None:
        instances = formset.save(commit=False)
        for instance in instances:
            if isinstance(instance, Answer):
                instance.answered_by = request.user
            elif isinstance(instance, Observation) and instance.pk is None:
                instance.created_by = request.user
            instance.save()
        for obj in formset.deleted_objects:
            obj.delete()
        formset.save_m2m()

    def get_urls(self):
        view = self.admin_site.admin_view(self.cadence_view)
        return [path("cadence/", view, name="gemba_cadence"), *super().get_urls()]

    @admin.display(description=_("walk"), ordering="planned_start")
    def walk(self, obj: Walk) -> str:
        return obj.where or str(obj.pk)

    @admin.display(description=_("leader"), ordering="leader__first_name")
    def leader_name(self, obj: Walk) -> str:
        return name_or_dash(obj.leader)

    @admin.display(description=_("overdue"), boolean=True)
    def overdue(self, obj: Walk) -> bool:
        return obj.is_overdue

    @admin.display(description=_("observations"), ordering="observation_total")
    def observation_count(self, obj: Walk) -> int:
        return obj.observation_total

    @admin.display(description=_("created by"))
    def creator(self, obj: Walk) -> str:
        return name_or_dash(obj.created_by)

    def cadence_view(self, request):
        """Walks done against walks planned per unit and month: every unit for
        management, a coordinator's own units."""
        if not self.has_view_permission(request):
            raise PermissionDenied
        today = timezone.localdate()
        rows = cadence(
            cadence_units(request.user), months_back(today, CADENCE_MONTHS), CADENCE_MONTHS
        )
        context = {
            **self.admin_site.each_context(request),
            "title": _("Gemba cadence"),
            "opts": self.model._meta,
            "rows": rows,
            "months": rows[0].months if rows else [],
            "month_count": CADENCE_MONTHS,
            "changelist": reverse("admin:gemba_walk_changelist"),
        }
        return TemplateResponse(request, "admin/gemba/cadence.html", context)


def cadence_units(viewer) -> QuerySet[Unit]:
    """Management and superusers see every unit; a coordinator the units they coordinate."""
    units = Unit.objects.all() if sees_everything(viewer) else coordinated_units(viewer)
    return units.order_by("path")


# --- answers and observations on their own -----------------------------------------------


class WalkPartAdmin(RoleAdmin):
    """Answers and observations, in the scope of their walk: changed by those who plan
    the walk (its unit's coordinators)."""

    def scope_queryset(self, request, queryset):
        return queryset.filter(walk__in=Walk.objects.visible_to(request.user).values("pk"))

    def coordinator_may_change(self, request, obj) -> bool:
        return obj.walk.can_plan(request.user)

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        if db_field.name == "walk" and not request.user.is_superuser:
            kwargs["queryset"] = Walk.objects.filter(unit__in=coordinated_units(request.user))
        return super().formfield_for_foreignkey(db_field, request, **kwargs)

    @admin.display(description=_("unit"), ordering="walk__unit__path")
    def unit(self, obj) -> Unit:
        return obj.walk.unit


@admin.register(Answer)
class AnswerAdmin(WalkPartAdmin):
    list_display = ["question", "short_text", "walk", "unit", "answerer", "updated_at"]
    list_select_related = ["question", "walk__unit", "walk__touchpoint", "answered_by"]
    search_fields = ["text", "question__text_sv", "question__text_en"]
    autocomplete_fields = ["walk"]
    fields = ["walk", "question", "text", "answerer", "updated_at"]
    readonly_fields = ["answerer", "updated_at"]

    def save_model(self, request, obj: Answer, form, change: bool) -> None:
        obj.answered_by = request.user
        super().save_model(request, obj, form, change)

    @admin.display(description=_("answer"))
    def short_text(self, obj: Answer) -> str:
        return str(obj)

    @admin.display(description=_("answered by"))
    def answerer(self, obj: Answer) -> str:
        return name_or_dash(obj.answered_by)


class HasPhotoFilter(admin.SimpleListFilter):
    title = _("photo")
    parameter_name = "has_photo"

    def lookups(self, request, model_admin):
        return [("yes", _("With a photo")), ("no", _("Without a photo"))]

    def queryset(self, request, queryset):
        if self.value() == "yes":
            return queryset.exclude(photo="")
        if self.value() == "no":
            return queryset.filter(photo="")
        return queryset


class ImprovementFilter(admin.SimpleListFilter):
    title = _("improvement")
    parameter_name = "made_improvement"

    def lookups(self, request, model_admin):
        return [("yes", _("Made an improvement")), ("no", _("Not yet an improvement"))]

    def queryset(self, request, queryset):
        if self.value() == "yes":
            return queryset.filter(improvement__isnull=False)
        if self.value() == "no":
            return queryset.filter(improvement__isnull=True)
        return queryset


@admin.register(Observation)
class ObservationAdmin(PhotoLinks, WalkPartAdmin):
    list_display = [
        "short_text",
        "walk",
        "unit",
        "waste",
        "muda_kind",
        "severity",
        "has_photo",
        "improvement_link",
        "created_at",
    ]
    list_filter = ["severity", "waste", "muda_kind", HasPhotoFilter, ImprovementFilter]
    list_select_related = ["walk__unit", "walk__touchpoint", "improvement"]
    search_fields = ["text", "walk__place", "walk__process"]
    date_hierarchy = "created_at"
    autocomplete_fields = ["walk", "touchpoint"]
    fields = [
        "walk",
        "text",
        ("waste", "muda_kind"),
        "severity",
        "touchpoint",
        "photo",
        "display",
        "improvement_link",
        "creator",
        "created_at",
    ]
    readonly_fields = ["display", "improvement_link", "creator", "created_at", "original_photo"]
    actions = ["make_improvements"]

    def save_model(self, request, obj: Observation, form, change: bool) -> None:
        if not change:
            obj.created_by = request.user
        super().save_model(request, obj, form, change)

    @admin.display(description=_("observation"))
    def short_text(self, obj: Observation) -> str:
        return str(obj)

    @admin.display(description=_("photo"), boolean=True)
    def has_photo(self, obj: Observation) -> bool:
        return bool(obj.photo)

    @admin.display(description=_("photo for display"))
    def display(self, obj: Observation) -> str:
        return photo_link(obj)

    @admin.display(description=_("improvement"), ordering="improvement__title")
    def improvement_link(self, obj: Observation) -> str:
        return improvement_link(obj)

    @admin.display(description=_("created by"))
    def creator(self, obj: Observation) -> str:
        return name_or_dash(obj.created_by)

    @admin.action(
        description=_("Make improvements of the selected observations"), permissions=["change"]
    )
    def make_improvements(self, request, queryset) -> None:
        if not self.has_change_permission(request):
            raise PermissionDenied
        created = existing = refused = 0
        for observation in queryset.select_related("walk__unit", "walk__touchpoint"):
            try:
                _item, made = improvement_from_observation(observation, request.user)
            except PermissionDenied:
                refused += 1
                continue
            if made:
                created += 1
            else:
                existing += 1
        if created:
            self.message_user(
                request,
                ngettext(
                    "%(count)d improvement was made.",
                    "%(count)d improvements were made.",
                    created,
                )
                % {"count": created},
                messages.SUCCESS,
            )
        if existing:
            self.message_user(
                request,
                ngettext(
                    "%(count)d observation already was an improvement.",
                    "%(count)d observations already were improvements.",
                    existing,
                )
                % {"count": existing},
                messages.INFO,
            )
        if refused:
            self.message_user(
                request,
                ngettext(
                    "%(count)d observation belongs to a unit you cannot submit improvements for.",
                    "%(count)d observations belong to units you cannot submit improvements for.",
                    refused,
                )
                % {"count": refused},
                messages.WARNING,
            )
