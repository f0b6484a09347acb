"""Competence in the admin: the catalogue, records with their history, Green Cards,
trainee plans and the coverage by unit.

Access follows `cxlean.org.admin_rules.RoleAdmin`: management reads everything, coordinators
change what lies in their units, and the catalogue is organisation-wide. The rules of
the competence workflow are not re-implemented here:

- a record's levels are read-only; "Sign off the requested level" calls
  `Record.sign_off` for each selected record, which refuses (via `may_sign_off`)
  a person's own record and records the user may not sign off;
- a Green Card is added by choosing a person and a role, and `green_card_issue`
  decides whether it may be issued; its refusal shows as a form error.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, TypedDict

from django import forms
from django.contrib import admin, messages
from django.contrib.admin.utils import unquote
from django.contrib.auth.models import User
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Count, F, Prefetch
from django.http import Http404
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils import timezone
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from cxlean.competence.coverage import coverage_by_unit, coverage_units
from cxlean.competence.models import (
    CARD_DATE_STATUSES,
    LEVEL_LETTERS,
    LEVEL_SYMBOLS,
    Area,
    CompetenceActivity,
    Goal,
    GreenCard,
    Level,
    Record,
    Requirement,
    TraineePlan,
    green_card_issue,
)
from cxlean.core.forms import PersonAndUnitChoiceField
from cxlean.core.names import display_name
from cxlean.org.admin_rules import CatalogueAdmin, RoleAdmin, RoleTabularInline, form_with
from cxlean.org.roles import coordinated_units, coordinates_unit, is_coordinator

if TYPE_CHECKING:
    from django_stubs_ext import StrOrPromise, WithAnnotations


class ActivityCount(TypedDict):
    activity_count: int


def level_text(level: int) -> str:
    """The ILUO symbol and letter, with the level's name for screen readers (the
    symbol alone is never the only clue)."""
    return format_html(
        '<span aria-hidden="true" title="{}">{} {}</span><span class="visually-hidden">{}</span>',
        Level(level).label,
        LEVEL_SYMBOLS[level],
        LEVEL_LETTERS[level],
        Level(level).label,
    )


def people_of_units(user):
    """People a coordinator acts for: everyone in their units but themselves."""
    people = User.objects.filter(profile__unit__in=coordinated_units(user))
    return (
        people.exclude(pk=user.pk)
        .select_related("profile__unit")
        .order_by("first_name", "last_name", "username")
    )


class PersonScopedAdmin(RoleAdmin):
    """Rows that belong to a person: coordinators change those of their units."""

    def history_view(self, request, object_id, extra_context=None):
        # simple_history falls back to the last historical version of an object the
        # queryset does not hold, which would show another unit's history (and that
        # of rows whose person is gone); only what the user may see has a history here.
        if not self.get_queryset(request).filter(pk=unquote(object_id)).exists():
            raise Http404
        return super().history_view(request, object_id, extra_context)

    def coordinator_may_change(self, request, obj) -> bool:
        profile = getattr(obj.person, "profile", None)
        return profile is not None and coordinates_unit(request.user, profile.unit)

    @admin.display(description=_("person"), ordering="person__first_name")
    def person_name(self, obj) -> str:
        return display_name(obj.person)

    @admin.display(description=_("unit"), ordering="person__profile__unit__path")
    def unit(self, obj):
        profile = getattr(obj.person, "profile", None)
        return profile.unit if profile else "–"


# --- catalogue ---------------------------------------------------------------------------


@admin.register(Area)
class AreaAdmin(CatalogueAdmin):
    list_display = ["name_sv", "name_en", "step", "order", "activities"]
    list_display_links = ["name_sv"]
    list_editable = ["order"]
    list_select_related = ["step"]
    search_fields = ["name_sv", "name_en"]
    fields = ["name_sv", "name_en", "description_sv", "description_en", "step", "order"]

    def get_queryset(self, request):
        return super().get_queryset(request).annotate(activity_count=Count("activities"))

    @admin.display(description=_("competence activities"), ordering="activity_count")
    def activities(self, obj: WithAnnotations[Area, ActivityCount]) -> int:
        return obj.activity_count


class RequirementInline(RoleTabularInline):
    model = Requirement
    fields = ["role", "level"]


@admin.register(CompetenceActivity)
class CompetenceActivityAdmin(CatalogueAdmin):
    list_display = ["title_sv", "title_en", "code", "area", "validity_months", "required_for"]
    list_filter = ["area", "requirements__role"]
    search_fields = ["title_sv", "title_en", "code"]
    prepopulated_fields = {"code": ["title_en"]}
    inlines = [RequirementInline]
    fieldsets = [
        (None, {"fields": ["area", "code", "order", "validity_months"]}),
        (_("Swedish"), {"fields": ["title_sv", "description_sv", "evidence_sv"]}),
        (_("English"), {"fields": ["title_en", "description_en", "evidence_en"]}),
    ]

    def get_queryset(self, request):
        requirements = Requirement.objects.select_related("role").order_by("role__order")
        return (
            super()
            .get_queryset(request)
            .select_related("area")
            .prefetch_related(Prefetch("requirements", requirements))
        )

    @admin.display(description=_("required for"))
    def required_for(self, obj: CompetenceActivity) -> str:
        return ", ".join(
            f"{requirement.role} ≥ {LEVEL_LETTERS[requirement.level]}"
            for requirement in obj.requirements.all()
        )


@admin.register(Requirement)
class RequirementAdmin(CatalogueAdmin):
    list_display = ["activity", "role", "level"]
    list_filter = ["role", "level", "activity__area"]
    list_select_related = ["activity", "role"]
    search_fields = ["activity__title_sv", "activity__title_en", "role__name_sv", "role__name_en"]


# --- records -----------------------------------------------------------------------------


class SignOffFilter(admin.SimpleListFilter):
    title = _("sign-off")
    parameter_name = "sign_off"

    def lookups(self, request, model_admin):
        return [("waiting", _("Waiting for sign-off")), ("rejected", _("Rejected"))]

    def queryset(self, request, queryset):
        if self.value() == "waiting":
            return queryset.awaiting_sign_off()
        if self.value() == "rejected":
            return queryset.filter(rejected_level=F("self_level"))
        return queryset


class ValidityFilter(admin.SimpleListFilter):
    title = _("validity")
    parameter_name = "validity"

    def lookups(self, request, model_admin):
        return [("valid", _("Valid")), ("expired", _("Expired"))]

    def queryset(self, request, queryset):
        today = timezone.localdate()
        if self.value() == "valid":
            return queryset.valid_on(today)
        if self.value() == "expired":
            return queryset.filter(expires_on__lt=today)
        return queryset


@admin.register(Record)
class RecordAdmin(PersonScopedAdmin):
    """Records are read here. Levels change only through the person's self-assessment
    and a sign-off, so nobody can edit them into place (nor revert them from the
    history); coordinators sign off with the action."""

    list_display = [
        "person_name",
        "unit",
        "activity",
        "signed_off_level",
        "self_assessed_level",
        "signer",
        "signed_off_on",
        "expires_on",
        "waiting",
    ]
    list_filter = [
        "level",
        ("activity__area", admin.RelatedOnlyFieldListFilter),
        ("person__profile__unit", admin.RelatedOnlyFieldListFilter),
        SignOffFilter,
        ValidityFilter,
    ]
    list_select_related = ["person__profile__unit", "activity", "signed_off_by"]
    search_fields = [
        "person__username",
        "person__first_name",
        "person__last_name",
        "activity__code",
        "activity__title_sv",
        "activity__title_en",
    ]
    actions = ["sign_off_requested_level"]
    fieldsets = [
        (None, {"fields": ["person_name", "unit", "activity"]}),
        (_("Levels"), {"fields": ["level", "self_level", "expires_on"]}),
        (_("Evidence"), {"fields": ["evidence_text", "evidence_link", "evidence"]}),
        (_("Sign-off"), {"fields": ["signer", "signed_off_on"]}),
        (_("Rejection"), {"fields": ["rejected_level", "rejection_comment", "rejector"]}),
    ]

    def scope_queryset(self, request, queryset):
        return queryset.visible_to(request.user)

    def has_add_permission(self, request) -> bool:
        return False  # records start with the person's self-assessment, in the app

    def has_change_permission(self, request, obj=None) -> bool:
        return False  # see the class docstring

    def has_delete_permission(self, request, obj=None) -> bool:
        return request.user.is_superuser

    def has_sign_off_permission(self, request) -> bool:
        return is_coordinator(request.user)

    def get_urls(self):
        coverage = self.admin_site.admin_view(self.coverage_view)
        return [path("coverage/", coverage, name="competence_coverage"), *super().get_urls()]

    @admin.display(description=_("signed-off level"), ordering="level")
    def signed_off_level(self, obj: Record) -> str:
        return level_text(obj.level)

    @admin.display(description=_("self-assessed level"), ordering="self_level")
    def self_assessed_level(self, obj: Record) -> str:
        return level_text(obj.self_level)

    @admin.display(description=_("signed off by"), ordering="signed_off_by__first_name")
    def signer(self, obj: Record) -> str:
        return display_name(obj.signed_off_by) if obj.signed_off_by else "–"

    @admin.display(description=_("evidence file"))
    def evidence(self, obj: Record) -> str:
        """Through the app's download, which checks who may see it (files are not public)."""
        if not obj.evidence_file:
            return "–"
        url = reverse("competence:evidence_file", args=[obj.pk])
        name = (obj.evidence_file.name or "").rsplit("/", 1)[-1]
        return format_html('<a href="{}">{}</a>', url, name)

    @admin.display(description=_("rejected by"))
    def rejector(self, obj: Record) -> str:
        return display_name(obj.rejected_by) if obj.rejected_by else "–"

    @admin.display(description=_("waiting for sign-off"), boolean=True)
    def waiting(self, obj: Record) -> bool:
        return obj.awaits_sign_off

    @admin.action(
        description=_("Sign off the requested level"),
        permissions=["sign_off"],
    )
    def sign_off_requested_level(self, request, queryset) -> None:
        signed, refused, idle = 0, [], 0
        for record in queryset.select_related("person__profile__unit", "activity"):
            if not record.awaits_sign_off:
                idle += 1
                continue
            try:
                record.sign_off(request.user)
            except ValidationError as error:
                refused.append(
                    f"{display_name(record.person)}, {record.activity}: {' '.join(error.messages)}"
                )
            else:
                signed += 1
        if signed:
            self.message_user(
                request,
                ngettext("Signed off %(count)d record.", "Signed off %(count)d records.", signed)
                % {"count": signed},
                messages.SUCCESS,
            )
        if idle:
            self.message_user(
                request,
                ngettext(
                    "%(count)d record had nothing waiting for a sign-off.",
                    "%(count)d records had nothing waiting for a sign-off.",
                    idle,
                )
                % {"count": idle},
                messages.INFO,
            )
        for refusal in refused:
            self.message_user(request, _("Not signed off: %s") % refusal, messages.ERROR)

    def coverage_view(self, request):
        """Coverage by unit: every unit for management, their own for coordinators."""
        if not self.has_view_permission(request):
            raise PermissionDenied
        today = timezone.localdate()
        context = {
            **self.admin_site.each_context(request),
            "title": _("Competence coverage by unit"),
            "opts": self.model._meta,
            "rows": coverage_by_unit(coverage_units(request.user), today),
            "today": today,
        }
        return TemplateResponse(request, "admin/competence/coverage.html", context)


# --- Green Cards -------------------------------------------------------------------------


class CardStatusFilter(admin.SimpleListFilter):
    title = _("status")
    parameter_name = "status"

    def lookups(self, request, model_admin):
        return CARD_DATE_STATUSES

    def queryset(self, request, queryset):
        if self.value() in dict(CARD_DATE_STATUSES):
            return queryset.with_date_status(self.value(), timezone.localdate())
        return queryset


class GreenCardIssueForm(forms.ModelForm):
    """Choose a person and a role; `green_card_issue` checks and issues the card."""

    issued_by: User  # set by the admin's get_form

    class Meta:
        model = GreenCard
        fields = ["person", "role"]

    def clean(self):
        super().clean()
        cleaned = self.cleaned_data
        person = cleaned.get("person")
        if person is None or self.errors:
            return cleaned
        # The service checks and creates in one step. The admin's add view runs in a
        # transaction, so should anything after this fail, the card goes with it.
        try:
            self.instance = green_card_issue(
                person=person, role=cleaned.get("role"), by=self.issued_by
            )
        except ValidationError as error:
            if hasattr(error, "error_dict"):
                for name, errors in error.error_dict.items():
                    self.add_error(name if name in self.fields else None, errors)
            else:
                self.add_error(None, error)
        return cleaned


@admin.register(GreenCard)
class GreenCardAdmin(PersonScopedAdmin):
    list_display = [
        "number",
        "status",
        "person_name",
        "unit",
        "role_name",
        "issued_on",
        "issuer",
        "expires_on",
    ]
    list_filter = [
        CardStatusFilter,
        "role",
        ("person__profile__unit", admin.RelatedOnlyFieldListFilter),
    ]
    list_select_related = ["person__profile__unit", "role", "issued_by"]
    search_fields = ["number", "person__username", "person__first_name", "person__last_name"]
    date_hierarchy = "issued_on"
    # Deleting in bulk would skip the per-card check of has_delete_permission.
    actions = None
    readonly_fields = ["number", "person", "role", "issued_on", "issued_by", "expires_on"]

    def scope_queryset(self, request, queryset):
        return queryset.visible_to(request.user)

    def has_change_permission(self, request, obj=None) -> bool:
        return False  # a card is issued, and withdrawn by deleting it; never edited

    def has_delete_permission(self, request, obj=None) -> bool:
        if not is_coordinator(request.user):
            return False
        return obj is None or self.coordinator_may_change(request, obj)

    def get_form(self, request, obj=None, change=False, **kwargs):
        if obj is None:
            kwargs["form"] = GreenCardIssueForm
            form = super().get_form(request, obj, change=change, **kwargs)
            return form_with(form, issued_by=request.user)
        return super().get_form(request, obj, change=change, **kwargs)

    def get_fields(self, request, obj=None):
        return ["person", "role"] if obj is None else self.readonly_fields

    def get_readonly_fields(self, request, obj=None):
        return [] if obj is None else self.readonly_fields

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        if db_field.name == "person":
            kwargs["queryset"] = people_of_units(request.user)
            kwargs["form_class"] = PersonAndUnitChoiceField
        return super().formfield_for_foreignkey(db_field, request, **kwargs)

    def formfield_for_dbfield(self, db_field, request, **kwargs):
        formfield = super().formfield_for_dbfield(db_field, request, **kwargs)
        if db_field.name == "role" and formfield is not None:
            # Choosing a role, not editing the catalogue from here.
            widget = formfield.widget
            widget.can_add_related = widget.can_change_related = False
            widget.can_delete_related = widget.can_view_related = False
        return formfield

    def save_model(self, request, obj, form, change) -> None:
        """The card was issued while the form was checked; nothing is left to save."""

    @admin.display(description=_("issued by"), ordering="issued_by__first_name")
    def issuer(self, obj: GreenCard) -> str:
        return display_name(obj.issued_by) if obj.issued_by else "–"

    @admin.display(description=_("CX role"), ordering="role__order")
    def role_name(self, obj: GreenCard) -> StrOrPromise:
        return str(obj.role) if obj.role else _("Lean CX as a whole")

    @admin.display(description=_("status"))
    def status(self, obj: GreenCard) -> StrOrPromise:
        return obj.status(timezone.localdate()).label


# --- trainee plans -----------------------------------------------------------------------


class GoalInline(RoleTabularInline):
    model = Goal
    fields = ["activity", "target_level", "due_date"]


@admin.register(TraineePlan)
class TraineePlanAdmin(PersonScopedAdmin):
    list_display = ["person_name", "unit", "mentor", "start_date", "goals", "late"]
    list_filter = [("person__profile__unit", admin.RelatedOnlyFieldListFilter), "start_date"]
    list_select_related = ["person__profile__unit", "mentor"]
    search_fields = ["person__username", "person__first_name", "person__last_name"]
    autocomplete_fields = ["mentor"]
    inlines = [GoalInline]
    # A mentor sees plans of other units; deleting in bulk would skip the per-plan check.
    actions = None

    def scope_queryset(self, request, queryset):
        records = Record.objects.only("person_id", "activity_id", "level", "expires_on")
        return queryset.visible_to(request.user).prefetch_related(
            Prefetch("goals", Goal.objects.order_by("due_date", "pk")),
            Prefetch("person__competence_records", records, to_attr="plan_records"),
        )

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        if db_field.name == "person":
            kwargs["queryset"] = people_of_units(request.user)
            kwargs["form_class"] = PersonAndUnitChoiceField
        return super().formfield_for_foreignkey(db_field, request, **kwargs)

    @admin.display(description=_("goals"))
    def goals(self, obj: TraineePlan) -> int:
        return len(obj.goals.all())

    @admin.display(description=_("late goals"))
    def late(self, obj: TraineePlan) -> int:
        today = timezone.localdate()
        # plan_records: the Prefetch(to_attr=...) of get_queryset, unknown to the stubs.
        plan_records = obj.person.plan_records  # type: ignore[attr-defined]
        records = {record.activity_id: record for record in plan_records}
        return sum(
            1 for goal in obj.goals.all() if goal.is_late(records.get(goal.activity_id), today)
        )
