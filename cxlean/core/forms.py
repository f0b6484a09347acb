"""Form fields and widgets every area's forms share."""

from __future__ import annotations

from django import forms
from django.contrib.auth.models import User
from django.core.exceptions import NON_FIELD_ERRORS, ValidationError

from cxlean.core.names import display_name

INDENT = "\u2003"  # an em space: select options keep it, unlike ordinary spaces


class DateInput(forms.DateInput):
    """The browser's date picker; it needs ISO dates whatever the language."""

    input_type = "date"

    def __init__(self, attrs=None):
        super().__init__(attrs=attrs, format="%Y-%m-%d")


class PersonChoiceField(forms.ModelChoiceField):
    """People by their names (`display_name`)."""

    def label_from_instance(self, user) -> str:
        return display_name(user)


class PersonAndUnitChoiceField(forms.ModelChoiceField):
    """People by their names and units: for lists across units (select `profile__unit`)."""

    def label_from_instance(self, user) -> str:
        return f"{display_name(user)} ({user.profile.unit})"


class UnitChoiceField(forms.ModelChoiceField):
    """Units indented by their depth in the tree, as they are ordered by path."""

    def label_from_instance(self, unit) -> str:
        return f"{INDENT * unit.depth}{unit.name}"


def add_model_errors(form: forms.BaseForm, error: ValidationError) -> None:
    """Put the model's errors on the form: on a field it shows, else above the form."""
    if not hasattr(error, "error_dict"):
        form.add_error(None, error)
        return
    for field, errors in error.message_dict.items():
        target = field if field in form.fields else None
        if field == NON_FIELD_ERRORS:
            target = None
        for message in errors:
            form.add_error(target, message)


def error_messages(form: forms.BaseForm) -> list[str]:
    """Every error of a bound form as plain text, fields' and the form's own alike (for
    a one-line refusal in a message or an alert)."""
    return [str(message) for errors in form.errors.values() for message in errors]


class PeopleChoiceField(forms.ModelMultipleChoiceField):
    """Several people as checkboxes, by name (a walk's participants, an assessment's
    assessors)."""

    widget = forms.CheckboxSelectMultiple

    def label_from_instance(self, user: User) -> str:
        return display_name(user)
