"""Forms of the organisation pages: the password forms of the sign-in pages (with the
sign-in audit), proposing a change to a catalogue, and deciding."""

from __future__ import annotations

import unicodedata

from django import forms
from django.conf import settings
from django.contrib.auth import forms as auth_forms
from django.contrib.auth.models import User
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from cxlean.core.mail import sender
from cxlean.core.typed import form_field
from cxlean.org.accounts import What, record
from cxlean.org.models import (
    DECISIONS,
    Catalogue,
    CatalogueProposal,
    CXRole,
    Surface,
    Unit,
    may_propose_for,
)
from cxlean.org.roles import coordinated_units


class CXRoleChoiceField(forms.ModelChoiceField):
    """One of the organisation's CX roles; optional unless told, labelled "CX role"."""

    def __init__(self, *, label=None, required: bool = False, **kwargs) -> None:
        label = label or _("CX role")
        super().__init__(queryset=CXRole.objects.all(), label=label, required=required, **kwargs)


def same_address(one: str, other: str) -> bool:
    def normal(value: str) -> str:
        return unicodedata.normalize("NFKC", value).casefold()

    return normal(one) == normal(other)


class PasswordResetForm(auth_forms.PasswordResetForm):
    """Mails the reset link to the person's confirmed address (`User.email`; a new address
    waits in `EmailChange` until confirmed), also to people who have no password yet:
    people added by a coordinator or an import choose their first password this way."""

    def get_users(self, email):
        people = User._default_manager.filter(email__iexact=email, is_active=True)
        if not settings.LOCAL_PASSWORDS:  # single sign-on for everyone but superusers
            people = people.filter(is_superuser=True)
        return (person for person in people if same_address(email, person.email))

    def send_mail(
        self,
        subject_template_name,
        email_template_name,
        context,
        from_email,
        to_email,
        html_email_template_name=None,
    ):
        super().send_mail(
            subject_template_name,
            email_template_name,
            context,
            from_email or sender(),
            to_email,
            html_email_template_name,
        )
        record(
            What.PASSWORD_RESET_REQUESTED, person=context["user"], surface=Surface.WEB, new=to_email
        )


class ProposalForm(forms.ModelForm):
    class Meta:
        model = CatalogueProposal
        fields = ["catalogue", "entry", "title", "change", "reason", "unit"]
        widgets = {
            "change": forms.Textarea(attrs={"rows": 4}),
            "reason": forms.Textarea(attrs={"rows": 4}),
        }
        help_texts = {
            "change": _("What should be added, changed or removed, as precisely as you can."),
            "reason": _("What your unit has seen that makes the change worth it."),
        }

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.user = user
        units = coordinated_units(user).order_by("path")
        unit = form_field(self, "unit", forms.ModelChoiceField)
        unit.queryset = units
        unit.empty_label = None
        home = getattr(getattr(user, "profile", None), "unit_id", None)
        if not self.is_bound and home and "unit" not in self.initial:
            self.initial["unit"] = home
        catalogue = self.initial.get("catalogue")
        if catalogue not in Catalogue.values:
            self.initial.pop("catalogue", None)

    def clean_unit(self) -> Unit:
        unit = self.cleaned_data["unit"]
        if not may_propose_for(self.user, unit):
            raise ValidationError(_("Propose on behalf of a unit you coordinate."), code="unit")
        return unit


class DecisionForm(forms.Form):
    status = forms.ChoiceField(
        label=_("Decision"),
        choices=[(status.value, status.label) for status in DECISIONS],
        widget=forms.RadioSelect,
    )
    decision_note = forms.CharField(
        label=_("Note to the proposer"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
    )
