"""Typed access to a form's fields.

`form.fields[name]` is typed as a plain `Field`, which has no `queryset`, `choices` or
`empty_label`; forms that narrow their choices at run time get the field through these
instead:

    model_choice_field(self, "unit").queryset = units
    choice_field(self, "level").choices = levels
"""

from __future__ import annotations

from typing import cast

from django import forms


def model_choice_field(form: forms.BaseForm, name: str) -> forms.ModelChoiceField:
    """The form's field `name`, a `ModelChoiceField` (or `ModelMultipleChoiceField`)."""
    return cast(forms.ModelChoiceField, form.fields[name])


def choice_field(form: forms.BaseForm, name: str) -> forms.ChoiceField:
    """The form's field `name`, a `ChoiceField` (or one of its subclasses)."""
    return cast(forms.ChoiceField, form.fields[name])
