"""The maturity model and the assessments in the admin.

The model is a catalogue the CX owner curates: the levels (lower bounds rising strictly
from 1.00, `MaturityLevel.clean`), the dimensions with their questions, each question
with a descriptor per level. Assessments are scoped by unit like everything else
(`Assessment.objects.visible_to`); the list shows each one's overall score and level,
computed for the page's rows in a fixed number of queries (`scores_for`). The answers
are shown read-only on the assessment: an assessor changes only their own answers
(here under "Assessment answers", or in the web questionnaire). Coordinators of the
unit complete and reopen assessments; management reads everything.
"""

from __future__ import annotations

from django import forms
from django.contrib import admin, messages
from django.contrib.admin.views.main import ChangeList
from django.contrib.auth.models import User
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Count
from django.urls import reverse
from django.utils.html import format_html, format_html_join
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from cxlean.core.names import display_name
from cxlean.maturity.forms import assessor_errors
from cxlean.maturity.models import (
    Assessment,
    AssessmentAnswer,
    Dimension,
    LevelDescriptor,
    MaturityLevel,
    Question,
    Status,
)
from cxlean.maturity.scoring import scores_for
from cxlean.org.admin_rules import CatalogueAdmin, RoleAdmin, RoleTabularInline, UnitTreeFilter
from cxlean.org.roles import coordinated_units, is_read_only


def score_text(score) -> str:
    return "–" if score is None else f"{score:.2f}"


# --- the maturity model ------------------------------------------------------------------


@admin.register(MaturityLevel)
class MaturityLevelAdmin(CatalogueAdmin):
    list_display = ["number", "name_sv", "name_en", "lower_bound"]
    ordering = ["number"]
    fields = [
        "number",
        ("name_sv", "name_en"),
        "lower_bound",
        ("description_sv", "description_en"),
    ]


class QuestionInline(RoleTabularInline):
    model = Question
    fields = ["code", "order", "text_sv", "text_en", "active", "edit_link"]
    readonly_fields = ["edit_link"]
    show_change_link = True

    @admin.display(description=_("level descriptors"))
    def edit_link(self, obj: Question) -> str:
        if not obj.pk:
            return "–"
        url = reverse("admin:maturity_question_change", args=[obj.pk])
        return format_html('<a href="{}">{}</a>', url, _("Edit the descriptors"))


@admin.register(Dimension)
class DimensionAdmin(CatalogueAdmin):
    list_display = ["name_sv", "name_en", "code", "order", "active", "question_count"]
    list_filter = ["active"]
    list_editable = ()
    search_fields = ["name_sv", "name_en", "code"]
    fields = [
        ("code", "order", "active"),
        ("name_sv", "name_en"),
        ("description_sv", "description_en"),
    ]
    inlines = [QuestionInline]

    def get_queryset(self, request):
        return super().get_queryset(request).annotate(question_count=Count("questions"))

    @admin.display(description=_("questions"), ordering="question_count")
    def question_count(self, obj: Dimension) -> int:
        return obj.question_count


class LevelDescriptorInline(RoleTabularInline):
    model = LevelDescriptor
    fields = ["level", "text_sv", "text_en"]
    max_num = 5
    ordering = ["level"]

    def get_extra(self, request, obj=None, **kwargs) -> int:
        """Offer a row for each level still without a descriptor."""
        if obj is None:
            return 5
        return max(0, 5 - obj.descriptors.count())


@admin.register(Question)
class QuestionAdmin(CatalogueAdmin):
    list_display = ["text_sv", "dimension", "code", "order", "active", "descriptor_count"]
    list_filter = ["dimension", "active"]
    list_select_related = ["dimension"]
    search_fields = ["text_sv", "text_en", "code"]
    fields = [
        ("dimension", "code", "order", "active"),
        ("text_sv", "text_en"),
        ("help_sv", "help_en"),
    ]
    inlines = [LevelDescriptorInline]

    def get_queryset(self, request):
        return super().get_queryset(request).annotate(descriptor_count=Count("descriptors"))

    @admin.display(description=_("descriptors"), ordering="descriptor_count")
    def descriptor_count(self, obj: Question) -> int:
        return obj.descriptor_count


# --- assessments -------------------------------------------------------------------------


class ScoredChangeList(ChangeList):
    """The page's assessments with their scores: three queries for the whole page."""

    def get_results(self, request) -> None:
        super().get_results(request)
        scores = scores_for(self.result_list)
        for assessment in self.result_list:
            assessment.scores = scores[assessment.pk]


ANSWER_FIELDS = ["question", "assessor_name", "score", "comment", "answered_at"]


class AnswerInline(RoleTabularInline):
    """The answers, read-only: each assessor changes only their own."""

    model = AssessmentAnswer
    fields = tuple(ANSWER_FIELDS)
    readonly_fields = ANSWER_FIELDS
    can_delete = False

    def get_queryset(self, request):
        return super().get_queryset(request).select_related("question", "assessor")

    def has_add_permission(self, request, obj=None) -> bool:
        return False

    def has_change_permission(self, request, obj=None) -> bool:
        return False

    def has_delete_permission(self, request, obj=None) -> bool:
        return False

    @admin.display(description=_("assessor"))
    def assessor_name(self, obj: AssessmentAnswer) -> str:
        return display_name(obj.assessor)


class AssessmentAdminForm(forms.ModelForm):
    """The assessor rules of the web form (`assessor_errors`) in the admin too."""

    user: User | None = None  # set per request by AssessmentAdmin.get_form

    class Meta:
        model = Assessment
        fields = ["unit", "assessed_on", "title", "note", "assessors"]

    def clean(self):
        cleaned = super().clean()
        assert cleaned is not None  # ModelForm.clean returns cleaned_data
        unit, assessors = cleaned.get("unit"), cleaned.get("assessors")
        if unit is not None and assessors is not None and self.user is not None:
            for message in assessor_errors(self.instance, unit, list(assessors), self.user):
                self.add_error("assessors", message)
        return cleaned


@admin.register(Assessment)
class AssessmentAdmin(RoleAdmin):
    form = AssessmentAdminForm
    list_display = [
        "title",
        "unit",
        "assessed_on",
        "status",
        "overall",
        "level",
        "answered",
    ]
    list_filter = ["status", UnitTreeFilter]
    list_select_related = ["unit"]
    search_fields = ["title", "note", "unit__name"]
    date_hierarchy = "assessed_on"
    filter_horizontal = ["assessors"]
    readonly_fields = ["status", "creator", "created_at", "completed_at", "scores_text"]
    fieldsets = [
        (None, {"fields": ["unit", "assessed_on", "title", "note", "assessors"]}),
        (
            _("Result"),
            {
                "fields": ["status", "scores_text", "completed_at"],
                "description": _(
                    "A question's score is the mean of its assessors' answers, a dimension's "
                    "the mean of its answered questions, the overall score the mean of the "
                    "dimensions with answers; the level is the highest whose lower bound the "
                    "score reaches."
                ),
            },
        ),
        (None, {"fields": ["creator", "created_at"]}),
    ]
    inlines = [AnswerInline]
    actions = ["complete_assessments", "reopen_assessments"]

    def get_form(self, request, obj=None, change=False, **kwargs):
        form = super().get_form(request, obj, change, **kwargs)
        return type(form.__name__, (form,), {"user": request.user})

    def get_changelist(self, request, **kwargs):
        return ScoredChangeList

    def scope_queryset(self, request, queryset):
        return queryset.visible_to(request.user)

    def coordinator_may_change(self, request, obj: Assessment) -> bool:
        return obj.can_edit(request.user)

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        if db_field.name == "unit" and not request.user.is_superuser:
            kwargs["queryset"] = coordinated_units(request.user)
        return super().formfield_for_foreignkey(db_field, request, **kwargs)

    def formfield_for_manytomany(self, db_field, request, **kwargs):
        if db_field.name == "assessors":
            kwargs["queryset"] = User.objects.filter(is_active=True).order_by(
                "first_name", "last_name", "username"
            )
        return super().formfield_for_manytomany(db_field, request, **kwargs)

    def save_model(self, request, obj: Assessment, form, change: bool) -> None:
        if not change:
            obj.created_by = request.user
        super().save_model(request, obj, form, change)

    @admin.display(description=_("overall score"))
    def overall(self, obj: Assessment) -> str:
        return score_text(obj.scores.overall)

    @admin.display(description=_("level"))
    def level(self, obj: Assessment) -> str:
        return str(obj.scores.level) if obj.scores.level else "–"

    @admin.display(description=_("answered"))
    def answered(self, obj: Assessment) -> str:
        return f"{obj.scores.answered}/{obj.scores.questions}"

    @admin.display(description=_("scores"))
    def scores_text(self, obj: Assessment) -> str:
        if not obj.pk:
            return "–"
        scores = scores_for([obj])[obj.pk]
        dimensions = Dimension.objects.filter(pk__in=scores.dimensions).order_by("order", "pk")
        parts = format_html_join(
            "",
            "<li>{}: {} {}</li>",
            (
                (
                    dimension.name,
                    score_text(scores.dimensions[dimension.pk]),
                    scores.dimension_levels[dimension.pk] or "",
                )
                for dimension in dimensions
            ),
        )
        overall = format_html(
            "<strong>{}: {} {}</strong>",
            _("Overall"),
            score_text(scores.overall),
            scores.level or "",
        )
        return format_html("{}<ul>{}</ul>", overall, parts)

    @admin.display(description=_("created by"))
    def creator(self, obj: Assessment) -> str:
        return display_name(obj.created_by) if obj.created_by else "–"

    def run_transition(self, request, queryset, action: str, done_message) -> None:
        if is_read_only(request.user):
            raise PermissionDenied
        done = refused = 0
        for assessment in queryset.select_related("unit"):
            if not assessment.can_manage(request.user):
                refused += 1
                continue
            try:
                getattr(assessment, action)()
            except ValidationError as error:
                self.message_user(
                    request, f"{assessment}: {' '.join(error.messages)}", messages.WARNING
                )
            else:
                done += 1
        if done:
            self.message_user(request, done_message(done), messages.SUCCESS)
        if refused:
            self.message_user(
                request,
                ngettext(
                    "%(count)d assessment belongs to a unit you do not coordinate.",
                    "%(count)d assessments belong to units you do not coordinate.",
                    refused,
                )
                % {"count": refused},
                messages.WARNING,
            )

    @admin.action(description=_("Complete the selected assessments"), permissions=["change"])
    def complete_assessments(self, request, queryset) -> None:
        self.run_transition(
            request,
            queryset.filter(status=Status.IN_PROGRESS),
            "complete",
            lambda n: (
                ngettext(
                    "%(count)d assessment was completed.",
                    "%(count)d assessments were completed.",
                    n,
                )
                % {"count": n}
            ),
        )

    @admin.action(description=_("Reopen the selected assessments"), permissions=["change"])
    def reopen_assessments(self, request, queryset) -> None:
        self.run_transition(
            request,
            queryset.filter(status=Status.COMPLETED),
            "reopen",
            lambda n: (
                ngettext(
                    "%(count)d assessment was reopened.", "%(count)d assessments were reopened.", n
                )
                % {"count": n}
            ),
        )


@admin.register(AssessmentAnswer)
class AssessmentAnswerAdmin(RoleAdmin):
    """Answers in the scope of their assessment; an assessor adds and changes their own,
    while the assessment is in progress."""

    list_display = ["question", "assessment", "unit", "assessor_name", "score", "answered_at"]
    list_filter = ["score", "question__dimension"]
    list_select_related = ["question", "assessment__unit", "assessor"]
    search_fields = ["comment", "question__text_sv", "question__text_en", "assessment__title"]
    fields = ["assessment", "question", "assessor", "score", "comment", "answered_at"]
    readonly_fields = ["answered_at"]

    def scope_queryset(self, request, queryset):
        visible = Assessment.objects.visible_to(request.user).values("pk")
        return queryset.filter(assessment__in=visible)

    def coordinator_may_change(self, request, obj: AssessmentAnswer) -> bool:
        return obj.assessor_id == request.user.pk and obj.assessment.may_answer(request.user)

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        user = request.user
        if db_field.name == "assessor" and not user.is_superuser:
            kwargs["queryset"] = User.objects.filter(pk=user.pk)
            kwargs["initial"] = user.pk
        if db_field.name == "assessment" and not user.is_superuser:
            kwargs["queryset"] = Assessment.objects.filter(
                status=Status.IN_PROGRESS, assessors=user
            ).select_related("unit")
        return super().formfield_for_foreignkey(db_field, request, **kwargs)

    @admin.display(description=_("unit"), ordering="assessment__unit__path")
    def unit(self, obj: AssessmentAnswer):
        return obj.assessment.unit

    @admin.display(description=_("assessor"), ordering="assessor__first_name")
    def assessor_name(self, obj: AssessmentAnswer) -> str:
        return display_name(obj.assessor)
