"""Forms of the organisation pages: proposing a change to a catalogue, and deciding."""

from __future__ import annotations

from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from cxlean.org.models import DECISIONS, Catalogue, CatalogueProposal, Unit, may_propose_for
from cxlean.org.roles import coordinated_units


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
        self.fields["unit"].queryset = units
        self.fields["unit"].empty_label = None
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
