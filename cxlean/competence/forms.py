"""Forms for the competence pages.

Validation is the model layer's: the evidence form is a ModelForm, so the file's type
and size validators on `Record.evidence_file` run and land on the field; sign-off and
rejection errors raised by `Record.sign_off` / `Record.reject` are keyed by the same
field names as these forms, so `form.add_error(None, error)` puts them in place.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from django import forms
from django.contrib.auth.models import User
from django.db.models import QuerySet
from django.forms import BaseInlineFormSet, inlineformset_factory
from django.utils.functional import cached_property
from django.utils.translation import gettext_lazy as _

from cxlean.competence.models import (
    CompetenceActivity,
    Goal,
    Level,
    Record,
    TraineePlan,
)
from cxlean.core.forms import DateInput, PersonChoiceField
from cxlean.core.typed import form_field
from cxlean.org.models import CXRole

if TYPE_CHECKING:
    from django_stubs_ext import StrOrPromise

CONCEPT = "concept"  # the role choice that stands for the Green Card of the whole concept
EMPTY_GOALS = 3


class ActivityChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, activity: CompetenceActivity) -> str:
        return f"{activity.area} · {activity.title}"


def level_choices(lowest: int = Level.I, highest: int = Level.O) -> list[tuple[int, StrOrPromise]]:
    return [(value, label) for value, label in Level.choices if lowest <= value <= highest]


class AssessForm(forms.Form):
    """The person's own self-assessment (the one-click raise sends the next level)."""

    level = forms.TypedChoiceField(
        label=_("Self-assessed level"), choices=Level.choices, coerce=int
    )


class EvidenceForm(forms.ModelForm):
    class Meta:
        model = Record
        fields = ["evidence_text", "evidence_link", "evidence_file"]
        widgets = {"evidence_text": forms.Textarea(attrs={"rows": 3})}
        help_texts = {
            "evidence_text": _("What you did, when, and who saw it."),
            "evidence_link": _("A link to a document, recording or case, if there is one."),
        }


class SignOffForm(forms.Form):
    """Sign off the requested level, or a lower one."""

    level = forms.TypedChoiceField(label=_("Level to sign off"), choices=(), coerce=int)

    def __init__(self, *args, record: Record, **kwargs):
        super().__init__(*args, **kwargs)
        self.record = record
        highest = max(record.self_level, record.level, Level.I)
        form_field(self, "level", forms.ChoiceField).choices = level_choices(Level.I, highest)
        self.fields["level"].initial = highest


class RejectForm(forms.Form):
    rejection_comment = forms.CharField(
        label=_("Reason for rejection"),
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text=_("The person sees this: say what is missing or what to do next."),
        max_length=2000,
    )


class IssueCardForm(forms.Form):
    """Which Green Card to issue: one of the person's CX roles, or the whole concept."""

    role = forms.ChoiceField(label=_("Green Card"), choices=())

    def __init__(self, *args, roles: list[CXRole], **kwargs):
        super().__init__(*args, **kwargs)
        self.roles = {str(role.pk): role for role in roles}
        form_field(self, "role", forms.ChoiceField).choices = [
            *((str(role.pk), str(role)) for role in roles),
            (CONCEPT, _("Lean CX (the whole concept)")),
        ]

    def chosen_role(self) -> CXRole | None:
        return self.roles.get(self.cleaned_data["role"])


def mentors(person) -> QuerySet[User]:
    """Anyone active in the organisation (a user with a profile) except the trainee."""
    return (
        User.objects.filter(is_active=True, profile__isnull=False)
        .exclude(pk=person.pk)
        .order_by("first_name", "last_name", "username")
    )


class TraineePlanForm(forms.ModelForm):
    mentor = PersonChoiceField(label=_("Mentor"), queryset=User.objects.none(), required=False)

    class Meta:
        model = TraineePlan
        fields = ["mentor", "start_date", "notes"]
        widgets = {"start_date": DateInput(), "notes": forms.Textarea(attrs={"rows": 3})}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        form_field(self, "mentor", forms.ModelChoiceField).queryset = mentors(self.instance.person)


class GoalForm(forms.ModelForm):
    activity = ActivityChoiceField(
        label=_("Competence activity"),
        queryset=CompetenceActivity.objects.select_related("area"),
    )
    target_level = forms.TypedChoiceField(
        label=_("Target level"), choices=level_choices(), coerce=int, initial=Level.L
    )

    class Meta:
        model = Goal
        fields = ["activity", "target_level", "due_date"]
        widgets = {"due_date": DateInput()}

    def __init__(self, *args, start_date=None, activity_choices=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.start_date = start_date
        if activity_choices is not None:  # fetched once for the whole formset
            form_field(self, "activity", forms.ChoiceField).choices = activity_choices

    def clean(self):
        super().clean()
        cleaned = self.cleaned_data
        due = cleaned.get("due_date")
        # Goal.clean checks this once the plan exists; a new plan is checked here.
        if not self.instance.plan_id and due and self.start_date and due < self.start_date:
            self.add_error("due_date", _("A goal cannot be due before the plan starts."))
        return cleaned


class BaseGoalFormSet(BaseInlineFormSet):
    """Goals of one plan. Two goals for one activity are refused by the formset's own
    unique check (plan, activity)."""

    def __init__(self, *args, start_date=None, **kwargs):
        self.start_date = start_date
        super().__init__(*args, **kwargs)

    @cached_property
    def activity_choices(self) -> list:
        field = ActivityChoiceField(queryset=CompetenceActivity.objects.select_related("area"))
        # The choices read back are an iterable; the stubs give the type one may assign.
        return list(field.choices)  # type: ignore[arg-type]

    def get_form_kwargs(self, index):
        return {
            **super().get_form_kwargs(index),
            "start_date": self.start_date,
            "activity_choices": self.activity_choices,
        }


GoalFormSet = inlineformset_factory(
    TraineePlan,
    Goal,
    form=GoalForm,
    formset=BaseGoalFormSet,
    fields=["activity", "target_level", "due_date"],
    extra=EMPTY_GOALS,
    can_delete=True,
)
