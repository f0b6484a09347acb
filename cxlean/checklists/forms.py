"""Forms for the checklist pages: assigning a template, changing an assignment's due
date, the note and evidence on an item, and the progress page's filters.

The rules are the model layer's (`Assignment.clean`, `Completion.clean`, the evidence
validators, `due_date_errors`); these forms collect the input and put the model's
errors on their fields.
"""

from __future__ import annotations

from django import forms
from django.contrib.auth.models import User
from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import QuerySet
from django.utils.translation import gettext_lazy as _

from cxlean.checklists.models import (
    Assignment,
    ChecklistTemplate,
    Completion,
    due_date_errors,
)
from cxlean.core.forms import DateInput, UnitChoiceField, add_model_errors
from cxlean.core.names import display_name
from cxlean.core.typed import form_field
from cxlean.org.forms import CXRoleChoiceField
from cxlean.org.models import Unit
from cxlean.org.roles import coordinated_units, sees_everything

TO_ROLE, TO_PEOPLE = "role", "people"


class TemplateChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, template: ChecklistTemplate) -> str:
        return f"{template.role} · {template.title}"


class PeopleChoiceField(forms.ModelMultipleChoiceField):
    def label_from_instance(self, user: User) -> str:
        return f"{display_name(user)} ({user.profile.unit.name})"


def templates() -> QuerySet[ChecklistTemplate]:
    return ChecklistTemplate.objects.select_related("role").order_by("role__order", "order", "pk")


def people_in(units: QuerySet[Unit]) -> QuerySet[User]:
    return (
        User.objects.filter(is_active=True, profile__unit__in=units)
        .select_related("profile__unit")
        .order_by("first_name", "last_name", "username")
    )


class AssignForm(forms.Form):
    """A coordinator gives a template, with a due date, to everyone holding a CX role in
    one of their units (and its sub-units), or to named people in their units."""

    template = TemplateChoiceField(label=_("Checklist template"), queryset=templates())
    due_date = forms.DateField(label=_("Due date"), widget=DateInput())
    to = forms.ChoiceField(
        label=_("Assign to"),
        choices=[
            (TO_ROLE, _("Everyone holding a CX role in a unit, now and later")),
            (TO_PEOPLE, _("Named people")),
        ],
        initial=TO_ROLE,
        widget=forms.RadioSelect,
    )
    unit = UnitChoiceField(
        label=_("Unit (with its sub-units)"),
        queryset=Unit.objects.none(),
        required=False,
        help_text=_("For a CX role: people who get the role or join the unit later get it too."),
    )
    role = CXRoleChoiceField(empty_label=_("The template's role"))
    people = PeopleChoiceField(
        label=_("People"),
        queryset=User.objects.none(),
        required=False,
        help_text=_("For named people: each gets the checklist of their own."),
    )

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        units = coordinated_units(user).order_by("path")
        form_field(self, "unit", forms.ModelChoiceField).queryset = units
        form_field(self, "people", forms.ModelChoiceField).queryset = people_in(units)
        self.user = user

    def clean_due_date(self):
        due_date = self.cleaned_data["due_date"]
        if errors := due_date_errors(due_date):
            raise ValidationError(errors)
        return due_date

    def clean(self):
        super().clean()
        data = self.cleaned_data
        if data.get("to") == TO_PEOPLE:
            if not data.get("people"):
                self.add_error("people", _("Choose at least one person."))
        elif data.get("to") == TO_ROLE and not data.get("unit"):
            self.add_error("unit", _("Choose the unit whose people get the checklist."))
        return data

    def assignments(self) -> list[Assignment]:
        """The assignments the form stands for (unsaved)."""
        data = self.cleaned_data
        common = {
            "template": data["template"],
            "due_date": data["due_date"],
            "assigned_by": self.user,
        }
        if data["to"] == TO_PEOPLE:
            return [
                Assignment(person=person, unit=person.profile.unit, **common)
                for person in data["people"]
            ]
        role = data.get("role") or data["template"].role
        return [Assignment(role=role, unit=data["unit"], **common)]

    def save(self) -> list[Assignment] | None:
        """Check each assignment with the model's rules and save them all, or none
        (the errors then are on the form)."""
        made = self.assignments()
        try:
            for assignment in made:
                assignment.full_clean(exclude=["assigned_by"])
        except ValidationError as error:
            add_model_errors(self, error)
            return None
        with transaction.atomic():
            for assignment in made:
                assignment.save()
        return made


class AssignmentForm(forms.ModelForm):
    """Changing an assignment: its due date (who gets it is decided when assigning)."""

    class Meta:
        model = Assignment
        fields = ["due_date"]
        widgets = {"due_date": DateInput()}

    def clean_due_date(self):
        due_date = self.cleaned_data["due_date"]
        if errors := due_date_errors(due_date, self.instance.due_date):
            raise ValidationError(errors)
        return due_date


class CompletionForm(forms.ModelForm):
    """The note and the evidence file on one item of one's own checklist."""

    class Meta:
        model = Completion
        fields = ["note", "evidence"]
        widgets = {
            "note": forms.Textarea(attrs={"rows": 3}),
            "evidence": forms.ClearableFileInput(
                attrs={"accept": ".pdf,.png,.jpg,.jpeg,.gif,.webp,.docx,.xlsx,.pptx,.txt,.csv"}
            ),
        }


class ProgressFilterForm(forms.Form):
    """The progress page's filters; invalid values are reported and ignored."""

    unit = UnitChoiceField(
        label=_("Unit and its sub-units"),
        queryset=Unit.objects.none(),
        required=False,
        empty_label=_("All my units"),
    )
    role = CXRoleChoiceField(empty_label=_("Any"))
    template = TemplateChoiceField(
        label=_("Checklist template"), queryset=templates(), required=False, empty_label=_("Any")
    )
    overdue = forms.BooleanField(label=_("Only overdue"), required=False)

    def __init__(self, *args, viewer, **kwargs):
        super().__init__(*args, **kwargs)
        unit = form_field(self, "unit", forms.ModelChoiceField)
        if sees_everything(viewer):
            unit.queryset = Unit.objects.order_by("path")
            unit.empty_label = _("All units")
        else:
            unit.queryset = coordinated_units(viewer).order_by("path")

    def chosen(self) -> dict:
        self.is_valid()
        return {name: value for name, value in self.cleaned_data.items() if value}
